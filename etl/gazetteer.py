"""Gazetteer data files (etl/data/*.json) -> validated lookups and one precompiled matcher per gazetteer.

Every surface is normalised with etl.normalize.normalize_text at load and compiled into one Matcher per
gazetteer (etl/gazetteer_match.py: one pass over the text whatever the number of surfaces; spaces inside
a Khmer surface are optional in the text, because writers split long names anywhere; English surfaces
match case-insensitively on word boundaries).
"""

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from etl import settings
from etl.gazetteer_match import (  # noqa: F401 - extractors import these here
    Hit,
    Matcher,
    any_english,
    compile_matcher,
    compile_matchers,
    find_each,
    km_key,
    latin_runs,
    trie_branches,
    trie_pattern,
)
from etl.gazetteer_match import add_surface as _add
from etl.normalize import normalize_text

PARTNER_KINDS = ("un_agency", "donor", "ngo", "generic", "country", "bloc", "other")


def _km_table(km: dict[str, str]) -> dict[str, str]:
    """Khmer surface -> key, as matched: normalised, spaces taken out (refusing clashes)."""
    km_keys: dict[str, str] = {}
    for surface, key in km.items():
        _add(km_keys, km_key(normalize_text(surface)), key, "khmer")
    return km_keys


def build_matcher(km: dict[str, str], en: dict[str, str]) -> Matcher:
    """Compile Khmer (surface -> key) and English (surface -> key) tables into a Matcher."""
    return compile_matcher(_km_table(km), en)


@cache
def _matchers() -> dict[str, Matcher]:
    """The six gazetteer matchers, compiled together: one scan of a text serves all six."""
    tables = {
        "ministry": _ministry_tables(),
        "province": _province_tables(),
        "partner": _partner_tables(),
        "country": _country_tables(),
        "abroad": _abroad_tables(),
        "organizer": _organizer_tables(),
    }
    found = compile_matchers([(_km_table(km), en) for km, en in tables.values()])
    return dict(zip(tables, found, strict=True))


MATCHERS = ("ministry", "province", "partner", "country", "abroad", "organizer")


def find_all(text: str) -> dict[str, list[Hit]]:
    """Hits of every gazetteer matcher in normalised text ("province" -> province_matcher().find)."""
    matchers, english = _scan_plan()
    return dict(zip(MATCHERS, find_each(matchers, text, english), strict=True))


@cache
def _scan_plan() -> tuple[list[Matcher], Any]:
    """The matchers in MATCHERS order and their union English pattern (built once)."""
    matchers = [_matchers()[name] for name in MATCHERS]
    return matchers, any_english(matchers)


@cache
def load_data(name: str) -> dict[str, Any]:
    """One data file of etl/data as parsed JSON (cached)."""
    with open(settings.GAZETTEER_DIR / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def surface_tables(entries: dict[str, dict], fields: Iterable[str] = ("km",)) -> tuple[dict, dict]:
    """(Khmer surface -> key, English surface -> key) for entries with km/en surface lists."""
    km: dict[str, str] = {}
    en: dict[str, str] = {}
    for key, entry in entries.items():
        for field in fields:
            for surface in entry.get(field, []):
                _add(km, normalize_text(surface), key, field)
        for surface in entry.get("en", []):
            _add(en, surface, key, "en")
    return km, en


@cache
def ministries() -> dict[str, dict]:
    """Official English ministry name -> its data entry."""
    return load_data("ministries")["ministries"]


def ministry_matcher() -> Matcher:
    """Ministries by full or short name, national general department, or office (រដ្ឋមន្ត្រីទេសចរណ៍)."""
    return _matchers()["ministry"]


def _ministry_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of ministry_matcher."""
    km, en = surface_tables(ministries(), ("km", "departments"))
    prefixes = [normalize_text(p) for p in titles()["ministry_person_prefixes"]]
    head = normalize_text("ក្រសួង")
    for surface, key in list(km.items()):
        if surface.startswith(head):
            for prefix in prefixes:
                _add(km, prefix + surface[len(head) :], key, "office")
    return km, en


def ministry_name_for_year(name: str, year: int | None) -> str:
    """The ministry's name at the time of the article (renamed ministries keep their former name)."""
    renamed = load_data("ministries")["_renamed"].get(name)
    if renamed and year is not None and year < renamed["until_year"]:
        return renamed["former"]
    return name


@cache
def provinces() -> dict[str, dict]:
    """English province name -> its data entry (validated: 25 provinces, codes KH-1..KH-25)."""
    data = load_data("provinces")["provinces"]
    codes = sorted(int(p["code"].removeprefix("KH-")) for p in data.values())
    if codes != list(range(1, 26)):
        raise ValueError(f"provinces.json must hold KH-1..KH-25, found {codes}")
    return data


def province_matcher() -> Matcher:
    """Bare province names (Khmer and English); context (ខេត្ត, dateline) is judged by the caller."""
    return _matchers()["province"]


def _province_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of province_matcher."""
    return surface_tables(provinces())


@cache
def partners() -> dict[str, dict]:
    """Canonical partner name -> data entry, countries included with kind 'country'."""
    data = load_data("partners")
    merged = {name: dict(entry) for name, entry in data["partners"].items()}
    for name, entry in data["countries"].items():
        if name in merged:
            raise ValueError(f"partners.json: {name!r} is both a partner and a country")
        merged[name] = {**entry, "kind": "country"}
    bad = {n: e["kind"] for n, e in merged.items() if e["kind"] not in PARTNER_KINDS}
    if bad:
        raise ValueError(f"partners.json: unknown kinds {bad}")
    return merged


def partner_matcher() -> Matcher:
    """Named and generic partners (not countries)."""
    return _matchers()["partner"]


def _partner_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of partner_matcher."""
    entries = {k: v for k, v in partners().items() if v["kind"] != "country"}
    return surface_tables(entries)


def country_matcher() -> Matcher:
    """Foreign countries by name."""
    return _matchers()["country"]


def _country_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of country_matcher."""
    entries = {k: v for k, v in partners().items() if v["kind"] == "country"}
    return surface_tables(entries)


def abroad_matcher() -> Matcher:
    """Foreign cities (a venue there means the meeting is abroad)."""
    return _matchers()["abroad"]


def _abroad_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of abroad_matcher."""
    data = load_data("places_abroad")
    return {s: s for s in data["places"]}, {s: s for s in data["en"]}


def organizer_matcher() -> Matcher:
    """Non-ministry bodies that hold meetings."""
    return _matchers()["organizer"]


def _organizer_tables() -> tuple[dict, dict]:
    """(Khmer, English) surface tables of organizer_matcher."""
    return surface_tables(load_data("organizers")["organizers"])


def organizer_is_provincial(name: str) -> bool:
    """True when the organizer name takes the meeting's province ({province} template)."""
    return bool(load_data("organizers")["organizers"][name].get("provincial"))


@cache
def titles() -> dict[str, list[str]]:
    """Honorifics, position titles, ministry office prefixes and not-name words."""
    return load_data("titles")


@cache
def meeting_cues() -> dict[str, Any]:
    """Cue word lists for is_meeting, normalised."""
    data = load_data("meeting_cues")
    out: dict[str, Any] = {
        k: [normalize_text(s) for s in v] for k, v in data.items() if isinstance(v, list)
    }
    out["negative"] = {k: [normalize_text(s) for s in v] for k, v in data["negative"].items()}
    return out


@cache
def meeting_types() -> list[dict[str, Any]]:
    """The meeting-type taxonomy in priority order, cues normalised."""
    return [
        {**t, "cues": [normalize_text(c) for c in t["cues"]]}
        for t in load_data("meeting_types")["types"]
    ]


def dim_ministries() -> list[tuple[str, str, str | None]]:
    """(ministry English, name_km, short_en) for the warehouse dimension."""
    return [(name, e["km"][0], e.get("short_en")) for name, e in ministries().items()]


def dim_provinces() -> list[tuple[str, str, str, float, float]]:
    """(code, English, name_km, lat, lon) for the warehouse dimension."""
    return [(e["code"], name, e["name_km"], e["lat"], e["lon"]) for name, e in provinces().items()]


def dim_partners() -> list[tuple[str, str, str | None]]:
    """(partner, kind, name_km) for the warehouse dimension."""
    return [(name, e["kind"], e.get("name_km")) for name, e in partners().items()]


def partner_kind(name: str) -> str:
    """Kind of a canonical partner name; 'other' when unknown."""
    entry = partners().get(name)
    return entry["kind"] if entry else "other"
