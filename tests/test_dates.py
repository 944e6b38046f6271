"""Meeting dates: golden cases with spans, Buddhist-Era years, never raising, dev-label accuracy."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.dates import MeetingDate, _be_to_ce, _vocab, extract_meeting_date

Z = "\u200b"

# (text, published, expected iso, year_inferred, expected snippet)
GOLDEN = [
    (
        "នាព្រឹកថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤ ឯកឧត្តម បានដឹកនាំកិច្ចប្រជុំ",
        None,
        "2024-01-23",
        False,
        "ថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤",
    ),
    ("ភ្នំពេញ ៖ នាព្រឹកថ្ងៃទី២២ ធ្នូ បានដឹកនាំកិច្ចប្រជុំ", None, None, False, "ថ្ងៃទី២២ ធ្នូ"),
    ("កិច្ចប្រជុំនៅ ២៣/០១/២០២៤ នៅក្រសួង", None, "2024-01-23", False, "២៣/០១/២០២៤"),
    (
        "គណៈកម្មាធិការ នាព្រឹកថ្ងៃទី៣១ ខែកក្កដា ឆ្នាំ២០២៤នេះ បានរៀបចំកិច្ចប្រជុំ",
        None,
        "2024-07-31",
        False,
        "ថ្ងៃទី៣១ ខែកក្កដា ឆ្នាំ២០២៤",
    ),
    (
        "សន្និសីទ ពីថ្ងៃទី២១ ដល់ថ្ងៃទី២៣ ខែតុលា ឆ្នាំ២០១៩ នៅសៀមរាប",
        None,
        "2019-10-21",
        False,
        "ថ្ងៃទី២១ ដល់ថ្ងៃទី២៣ ខែតុលា ឆ្នាំ២០១៩",
    ),
    (
        "កិច្ចប្រជុំ ពីថ្ងៃទី៣០ ខែធ្នូ ដល់ថ្ងៃទី០២ ខែមករា ឆ្នាំ២០២០ នៅបាងកក",
        None,
        "2019-12-30",
        False,
        "ថ្ងៃទី៣០ ខែធ្នូ ដល់ថ្ងៃទី០២ ខែមករា ឆ្នាំ២០២០",
    ),
    (
        "ប្រជុំ\nFri, 26 July 2019 04:58 PM\nបាត់ដំបង៖ នាព្រឹកថ្ងៃទី២៥ កក្កដា បានបើកកិច្ចប្រជុំ",
        None,
        "2019-07-25",
        True,
        "ថ្ងៃទី២៥ កក្កដា",
    ),
    (
        "រាជធានីភ្នំពេញ ៖ នាព្រឹកថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨ "
        "ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤ ឯកឧត្ដម",
        None,
        "2024-07-17",
        False,
        "ថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤",
    ),
    (
        "នាព្រឹកថ្ងៃអង្គារ ៩រោច ខែអស្សុជ ឆ្នាំកុរ ឯកស័ក ព.ស.២៥៦៣ ត្រូវនឹងថ្ងៃទី២២ ខែតុលា កិច្ចប្រជុំ",
        None,
        "2019-10-22",
        True,
        "ថ្ងៃទី២២ ខែតុលា",
    ),
    (
        "នាព្រឹកថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤ បានដឹកនាំកិច្ចប្រជុំ។ "
        "បន្ទាប់ពីស្តាប់របាយការណ៍នៃកិច្ចប្រជុំកាលពីថ្ងៃទី១៩ ខែមករា ឆ្នាំ២០២៤",
        None,
        "2024-01-23",
        False,
        "ថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤",
    ),
    (
        "បន្តពីកិច្ចប្រជុំកាលពីថ្ងៃទី១៩ ខែមករា ឆ្នាំ២០២៤ នាព្រឹកថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤ បានប្រជុំ",
        None,
        "2024-01-23",
        False,
        "ថ្ងៃទី២៣ ខែមករា ឆ្នាំ២០២៤",
    ),
    (
        "យោងតាមប្រកាសលេខ៨៦៨ ចុះថ្ងៃទី២២ ខែតុលា ឆ្នាំ២០១០ កិច្ចប្រជុំនៅថ្ងៃទី២៥ ខែកក្កដា ឆ្នាំ២០១៩",
        None,
        "2019-07-25",
        False,
        "ថ្ងៃទី២៥ ខែកក្កដា ឆ្នាំ២០១៩",
    ),
    (
        "កិច្ចប្រជុំព្រឹកថ្ងៃទី២២ ខែតុលានេះ។ អនុសញ្ញា ចុះថ្ងៃទី១០ ខែធ្នូ ឆ្នាំ១៩៨២",
        None,
        None,
        False,
        "ថ្ងៃទី២២ ខែតុលា",
    ),
    ("កិច្ចប្រជុំនៅថ្ងៃទី២២ ខែតុលានេះ", "2019-10-23T08:00:00", "2019-10-22", True, "ថ្ងៃទី២២ ខែតុលា"),
    ("កិច្ចប្រជុំនៅថ្ងៃទី៣០ ខែធ្នូ", "2020-01-02", "2019-12-30", True, "ថ្ងៃទី៣០ ខែធ្នូ"),
    ("ថ្ងៃទី៥ ខែមីនា កិច្ចប្រជុំ ... ព.ស.២៥៦៨", None, "2025-03-05", True, "ថ្ងៃទី៥ ខែមីនា"),
    ("អភិបាលខេត្ត កាលពីម្សិលមិញ បានដឹកនាំកិច្ចប្រជុំ", "2019-07-27", "2019-07-26", True, "ម្សិលមិញ"),
    (
        f"ថ្ងៃ{Z}ទី{Z}២៦ ខែ{Z}កក្កដា ឆ្នាំ{Z}២០១៩{Z}",
        None,
        "2019-07-26",
        False,
        f"ថ្ងៃ{Z}ទី{Z}២៦ ខែ{Z}កក្កដា ឆ្នាំ{Z}២០១៩",
    ),
    (
        "កិច្ចប្រជុំថ្ងៃទី២១ តុលា។ សេចក្តីប្រកាសព័ត៌មាន ដែល Fresh News ទទួលបាននៅថ្ងៃទី២២ ខែតុលា ឆ្នាំ២០១៩",
        None,
        "2019-10-21",
        True,
        "ថ្ងៃទី២១ តុលា",
    ),
    (
        "ព្រឹកថ្ងៃសុក្រ ១កើត ខែកត្ដិក ព.ស.២៥៦៣ ត្រូវនឹងថ្ងៃទី២៨ ខែតុលា កិច្ចប្រជុំ",
        None,
        "2019-10-28",
        True,
        "ថ្ងៃទី២៨ ខែតុលា",
    ),
    (  # "ផ្សព្វផ្សាយ" (dissemination) is not "ផ្សាយ" (published); a line break is not the end
        "កិច្ចប្រជុំផ្សព្វផ្សាយស្តីពីការលុបបំបាត់ជំងឺគ្រុនចាញ់\nថ្ងៃទី៣០ ខែឧសភា ឆ្នាំ២០២៥ ឯកឧត្តម",
        None,
        "2025-05-30",
        False,
        "ថ្ងៃទី៣០ ខែឧសភា ឆ្នាំ២០២៥",
    ),
    ("ការប្រជុំថ្ងៃទី២៦ ខែកក្តដា ឆ្នាំ២០១៩", None, "2019-07-26", False, "ថ្ងៃទី២៦ ខែកក្តដា ឆ្នាំ២០១៩"),
    ("Phnom Penh, July 26, 2019 – the meeting", None, "2019-07-26", False, "July 26, 2019"),
    (
        "Tuesday, October 22, 2019\nកិច្ចប្រជុំកាលពីម្សិលមិញ",
        None,
        "2019-10-21",
        True,
        "ម្សិលមិញ",
    ),
]


@pytest.mark.parametrize(("text", "published", "iso", "inferred", "snippet"), GOLDEN)
def test_golden_dates_with_spans(text, published, iso, inferred, snippet) -> None:
    got = extract_meeting_date(text, published)
    assert got is not None
    assert (got.iso, got.year_inferred, got.date_text) == (iso, inferred, snippet)
    assert text[got.start : got.end] == got.date_text


def test_no_year_keeps_day_and_month() -> None:
    text = "ភ្នំពេញ ៖ លោកសាស្ត្រាចារ្យ នាព្រឹកថ្ងៃទី២២ ធ្នូ បានដឹកនាំកិច្ចប្រជុំ"
    start = text.index("ថ្ងៃទី")
    assert extract_meeting_date(text) == MeetingDate(
        None, False, 22, 12, "ថ្ងៃទី២២ ធ្នូ", start, start + len("ថ្ងៃទី២២ ធ្នូ")
    )


@pytest.mark.parametrize(
    "text",
    [
        "ថ្ងៃទី៣១ ខែកុម្ភៈ ឆ្នាំ២០២៤",
        "លោក បានបញ្ជាក់ប្រាប់អ្នកសារព័ត៌មាន នៅរសៀលថ្ងៃទី២២ ខែតុលា ឆ្នាំ២០១៩ថា",
        "31/02/2024",
        "ភូមិ១ឧសភា សង្កាត់",
        "រយៈពេល៩ខែ ក្នុងឆ្នាំ២០១៩",
        "",
    ],
)
def test_impossible_or_non_dates_give_none(text: str) -> None:
    assert extract_meeting_date(text) is None


@pytest.mark.parametrize(
    ("be", "month", "day", "ce"),
    [
        (2568, 7, 17, 2024),  # seed 004: after Visak Bochea (22 May 2024)
        (2563, 10, 21, 2019),  # corpus: after Visak Bochea (18 May 2019)
        (2568, 2, 10, 2025),  # before Visak Bochea 2025 (11 May): still BE 2568
        (2568, 5, 21, 2025),
        (2568, 5, 22, 2024),
        (2563, 5, 5, 2020),  # BE 2563 runs from Visak Bochea 2019 (18 May) to 2020 (6 May)
    ],
)
def test_buddhist_era_to_gregorian(be: int, month: int, day: int, ce: int) -> None:
    assert _be_to_ce(be, month, day, _vocab()) == ce


def test_seed_000_keeps_day_and_month_without_year(seeds_dir) -> None:
    text = (seeds_dir / "000_3b02897027739fc9.txt").read_text(encoding="utf-8")
    got = extract_meeting_date(text)
    assert got is not None
    assert (got.iso, got.day, got.month, got.year_inferred) == (None, 22, 12, False)
    assert text[got.start : got.end] == got.date_text == "ថ្ងៃទី២២ ធ្នូ"


def _label_texts(eval_labels, corpus_dir, seeds_dir):
    for line in eval_labels.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if not label["is_meeting"]:
            continue
        path = seeds_dir / f"{label['id']}.txt"
        if not path.exists():
            path = corpus_dir / f"{label['id']}.txt"
        yield label, path.read_text(encoding="utf-8")


def test_dev_label_meeting_date_accuracy(eval_labels, corpus_dir, seeds_dir) -> None:
    results = []
    for label, text in _label_texts(eval_labels, corpus_dir, seeds_dir):
        got = extract_meeting_date(text)
        iso, inferred = (got.iso, got.year_inferred) if got else (None, False)
        results.append(
            (label["id"], iso == label["meeting_date"], inferred == label["date_year_inferred"])
        )
        if got:
            assert text[got.start : got.end] == got.date_text
    accuracy = sum(ok for _, ok, _ in results) / len(results)
    flag_accuracy = sum(ok for _, _, ok in results) / len(results)
    print(
        f"meeting_date accuracy {accuracy:.3f}, year-inferred flag {flag_accuracy:.3f} on {len(results)}"
    )
    assert len(results) >= 25
    assert accuracy >= 0.95, [r for r in results if not r[1]]
    assert flag_accuracy >= 0.95


def test_corpus_dates_map_back_and_never_raise(corpus_dir) -> None:
    for path in sorted(corpus_dir.glob("*.txt"))[::10]:
        text = path.read_text(encoding="utf-8")
        got = extract_meeting_date(text, "2019-10-23")
        if got is not None:
            assert text[got.start : got.end] == got.date_text, path.name
            assert 1 <= got.month <= 12 and 1 <= got.day <= 31


PIECES = st.sampled_from(
    [
        "ថ្ងៃទី",
        "ខែ",
        "ឆ្នាំ",
        "មករា",
        "កុម្ភៈ",
        "ធ្នូ",
        "ដល់",
        "កាលពី",
        "ចុះ",
        "ព.ស.",
        "កើត",
        "ខែអាសាឍ",
        "ម្សិលមិញ",
        "July",
        "Fri, ",
        "/",
        "-",
        " ",
        Z,
        "\n",
        "០",
        "២",
        "៣",
        "១",
        "9",
        "31",
        "2024",
        "9999",
        "0000",
    ]
)
TEXTS = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=25).map("".join))
PUBLISHED = st.one_of(st.none(), st.text(max_size=12), st.dates().map(str))


@settings(max_examples=300, deadline=None)
@given(TEXTS, PUBLISHED)
def test_property_never_raises_and_spans_map_back(text: str, published) -> None:
    got = extract_meeting_date(text, published)
    if got is not None:
        assert text[got.start : got.end] == got.date_text
        assert 0 <= got.start <= got.end <= len(text)
        assert got.iso is None or got.iso[5:7] == f"{got.month:02d}"


def test_month_data_integrity() -> None:
    voc = _vocab()
    for table in ("gregorian_km", "gregorian_en"):
        assert sorted(int(m) for m in voc[table]) == list(range(1, 13))
        surfaces = [s.lower() for names in voc[table].values() for s in names]
        assert len(surfaces) == len(set(surfaces)), f"a {table} surface names two months"
    lunar = [s for v in voc["lunar_months"].values() for s in v["surfaces"]]
    assert len(lunar) == len(set(lunar)) == len(voc["lunar_surface"])
    assert all(set(v["gregorian"]) <= set(range(1, 13)) for v in voc["lunar_months"].values())
    for day in (*voc["visak_bochea"].values(), voc["visak_bochea_default"]):
        assert _be_to_ce(2568, *(int(x) for x in day.split("-")), voc) in (2024, 2025)
