"""Gazetteer data integrity: normalised surfaces, no duplicates, no surface with two keys, 25 provinces."""

import json
import re

import pytest

from etl import gazetteer, settings
from etl.normalize import normalize_text

DATA_FILES = [
    "ministries",
    "provinces",
    "partners",
    "titles",
    "meeting_types",
    "meeting_cues",
    "organizers",
    "places_abroad",
]
MATCHERS = [
    "ministry_matcher",
    "province_matcher",
    "partner_matcher",
    "country_matcher",
    "abroad_matcher",
    "organizer_matcher",
]


def _entries() -> list[tuple[str, str, dict]]:
    """(file, key, entry) for every gazetteer entry with surface lists."""
    out = [("ministries", k, e) for k, e in gazetteer.ministries().items()]
    out += [("provinces", k, e) for k, e in gazetteer.provinces().items()]
    out += [("partners", k, e) for k, e in gazetteer.partners().items()]
    out += [
        ("organizers", k, e) for k, e in gazetteer.load_data("organizers")["organizers"].items()
    ]
    return out


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_files_are_valid_json_with_about(name):
    data = json.loads((settings.GAZETTEER_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert data["_about"].strip()


@pytest.mark.parametrize("matcher", MATCHERS)
def test_matchers_build_and_keys_are_normalised(matcher):
    m = getattr(gazetteer, matcher)()
    assert m.km_keys, matcher
    for surface in m.km_keys:
        assert normalize_text(surface) == surface
        assert " " not in surface  # spaces are optional when matching
        assert "\u200b" not in surface


def test_no_duplicate_surfaces_within_an_entry():
    for file, key, entry in _entries():
        for field in ("km", "departments", "en"):
            join = " " if field == "en" else ""  # spaces separate English words only
            forms = [join.join(normalize_text(s).lower().split()) for s in entry.get(field, [])]
            assert len(forms) == len(set(forms)), (file, key, field)


def test_no_surface_maps_to_two_keys():
    for file in ("ministries", "provinces", "partners", "organizers"):
        seen: dict[str, str] = {}
        for f, key, entry in _entries():
            if f != file:
                continue
            for field in ("km", "departments"):
                for surface in entry.get(field, []):
                    form = normalize_text(surface).replace(" ", "")
                    assert seen.setdefault(form, key) == key, (file, surface, seen[form], key)


def test_build_refuses_a_surface_with_two_keys():
    with pytest.raises(ValueError, match="maps to both"):
        gazetteer.build_matcher({"ក្រសួងក": "A", "ក្រសួង ក": "B"}, {})


def test_twenty_five_provinces_with_iso_codes_and_centroids():
    rows = gazetteer.dim_provinces()
    assert sorted(int(code.removeprefix("KH-")) for code, *_ in rows) == list(range(1, 26))
    for code, english, name_km, lat, lon in rows:
        assert re.fullmatch(r"KH-\d{1,2}", code) and english and name_km
        assert 10.0 <= lat <= 14.8 and 102.2 <= lon <= 107.8, english
    assert dict((e, c) for c, e, *_ in rows)["Tboung Khmum"] == "KH-25"


def test_dimensions_and_partner_kinds():
    ministries = gazetteer.dim_ministries()
    assert len(ministries) >= 28
    assert all(
        name.startswith("Ministry of") and km.startswith("ក្រសួង") for name, km, _ in ministries
    )
    kinds = {kind for _, kind, _ in gazetteer.dim_partners()}
    assert (
        kinds <= set(gazetteer.PARTNER_KINDS)
        and {"un_agency", "donor", "ngo", "generic", "country"} <= kinds
    )
    assert gazetteer.partner_kind("UNICEF") == "un_agency"
    assert gazetteer.partner_kind("Belarus") == "country"
    assert gazetteer.partner_kind("Nobody we know") == "other"


def test_label_ministry_names_are_official_keys(eval_labels):
    names = {name for name, _, _ in gazetteer.dim_ministries()}
    for line in eval_labels.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        assert set(label.get("ministries") or []) <= names
        assert not label.get("lead_ministry") or label["lead_ministry"] in names
        assert not label.get("province") or label["province"] in gazetteer.provinces()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ក្រសួងអប់រំ យុវជន និងកីឡា", "Ministry of Education, Youth and Sport"),
        ("ក្រសួងអប់រំ", "Ministry of Education, Youth and Sport"),
        ("ក្រសួងការងារ", "Ministry of Labour and Vocational Training"),
        ("រដ្ឋមន្ត្រីទេសចរណ៍", "Ministry of Tourism"),
        ("អគ្គនាយកដ្ឋានពន្ធដារ", "Ministry of Economy and Finance"),
        ("ក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ", "Ministry of Economy and Finance"),
        ("ក្រសួងឧស្សាហកម្ម និងសិប្បកម្ម", "Ministry of Industry and Handicraft"),
        ("ministry of health", "Ministry of Health"),
    ],
)
def test_ministry_surfaces(text, key):
    hits = gazetteer.ministry_matcher().find(normalize_text(text))
    assert [h.key for h in hits] == [key]


def test_renamed_ministry_follows_the_year():
    current = "Ministry of Industry, Science, Technology and Innovation"
    assert gazetteer.ministry_name_for_year(current, 2019) == "Ministry of Industry and Handicraft"
    assert gazetteer.ministry_name_for_year(current, 2024) == current
    assert gazetteer.ministry_name_for_year(current, None) == current


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("អង្គការ យូនីសេហ្វ(UNICEF) និង unicef", ["UNICEF", "UNICEF", "UNICEF"]),
        ("អង្គការសុខភាពពិភពលោក និង WHO", ["WHO", "WHO"]),
        ("Save the childeren,USAID", ["Save the Children", "USAID"]),
        ("អង្គការមិនមែនរដ្ឋាភិបាល NGO ដៃគូអភិវឌ្ឍន៍", ["NGO", "NGO", "Development partners"]),
        ("WHOLE word only", []),
    ],
)
def test_partner_surfaces(text, keys):
    assert [h.key for h in gazetteer.partner_matcher().find(normalize_text(text))] == keys


def test_trie_pattern_prefers_the_longest_surface():
    rx = re.compile(gazetteer.trie_pattern(["ab", "abcd", "abc"]))
    assert rx.match("abcdx").group() == "abcd"
    assert rx.match("a b c").group() == "a b c"
