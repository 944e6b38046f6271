"""Gazetteer data files (etl/data/*.json) -> validated lookups and one precompiled matcher per gazetteer.

Every surface is normalised with etl.normalize.normalize_text at load. Khmer surfaces are compiled into
one trie-shaped regex per gazetteer (shared prefixes are factored, so a scan costs one pass over the
text whatever the number of surfaces); spaces inside a Khmer surface are optional in the text, because
writers split long names anywhere. English surfaces match case-insensitively on word boundaries.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from etl import settings
from etl.normalize import normalize_text

PARTNER_KINDS = ("un_agency", "donor", "ngo", "generic", "country", "bloc", "other")


@dataclass(frozen=True)
class Hit:
    """One gazetteer match in the normalised text: canonical key and span."""

    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Matcher:
    """Finds every surface of one gazetteer in normalised text, longest match first."""

    km_regex: re.Pattern[str] | None
    km_keys: dict[str, str]
    en_regex: re.Pattern[str] | None
    en_keys: dict[str, str]

    def find(self, text: str) -> list[Hit]:
        """All non-overlapping hits, Khmer and English, in text order."""
        hits = list(self._iter(self.km_regex, self.km_keys, text, _km_key))
        hits += self._iter(self.en_regex, self.en_keys, text, _en_key)
        return sorted(hits, key=lambda h: h.start)

    @staticmethod
    def _iter(regex, keys, text, keyfn) -> Iterator[Hit]:
        if regex is None:
            return
        spans = [(0, len(text))] if keyfn is _km_key else latin_runs(text)
        for lo, hi in spans:
            for m in regex.finditer(text, lo, hi):
                key = keys.get(keyfn(m.group()))
                if key is not None:
                    yield Hit(key, m.start(), m.end())


_LATIN_RUN = re.compile(r"[A-Za-z][^\u1780-\u17ff\n]*")


@lru_cache(maxsize=8)  # six matchers scan the same text in a row
def latin_runs(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of Latin-script runs: English surfaces are only looked for there (fast on Khmer text)."""
    return tuple(m.span() for m in _LATIN_RUN.finditer(text))


def _km_key(surface: str) -> str:
    return surface.replace(" ", "")


def _en_key(surface: str) -> str:
    return " ".join(surface.lower().split())


def _trie_alts(node: dict, lead: str, flex: bool) -> str:
    parts = [
        lead + re.escape(ch) + _trie_alts(child, " ?" if flex else "", flex)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in node else body


def trie_pattern(surfaces: Iterable[str], flex_spaces: bool = True) -> str:
    """One regex alternation over `surfaces`, factored as a trie; longer surfaces win."""
    root: dict = {}
    for surface in surfaces:
        node = root
        for ch in _km_key(surface) if flex_spaces else surface:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_alts(root, "", flex_spaces)


def _add(table: dict[str, str], surface: str, key: str, where: str) -> None:
    """Register one surface, refusing a surface that would map to two keys."""
    if not surface:
        raise ValueError(f"{where}: empty surface for {key!r}")
    old = table.setdefault(surface, key)
    if old != key:
        raise ValueError(f"{where}: surface {surface!r} maps to both {old!r} and {key!r}")


def build_matcher(km: dict[str, str], en: dict[str, str]) -> Matcher:
    """Compile Khmer (surface -> key) and English (surface -> key) tables into a Matcher."""
    km_keys: dict[str, str] = {}
    for surface, key in km.items():
        _add(km_keys, _km_key(normalize_text(surface)), key, "khmer")
    en_keys: dict[str, str] = {}
    for surface, key in en.items():
        _add(en_keys, _en_key(surface), key, "english")
    km_rx = re.compile(trie_pattern(km_keys)) if km_keys else None
    en_alts = trie_pattern(en_keys, flex_spaces=False).replace(r"\ ", r"\s+")
    en_rx = re.compile(rf"(?<!\w)(?:{en_alts})(?!\w)", re.IGNORECASE) if en_keys else None
    return Matcher(km_rx, km_keys, en_rx, en_keys)


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


@cache
def ministry_matcher() -> Matcher:
    """Ministries by full or short name, national general department, or office (រដ្ឋមន្ត្រីទេសចរណ៍)."""
    km, en = surface_tables(ministries(), ("km", "departments"))
    prefixes = [normalize_text(p) for p in titles()["ministry_person_prefixes"]]
    head = normalize_text("ក្រសួង")
    for surface, key in list(km.items()):
        if surface.startswith(head):
            for prefix in prefixes:
                _add(km, prefix + surface[len(head) :], key, "office")
    return build_matcher(km, en)


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


@cache
def province_matcher() -> Matcher:
    """Bare province names (Khmer and English); context (ខេត្ត, dateline) is judged by the caller."""
    return build_matcher(*surface_tables(provinces()))


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


@cache
def partner_matcher() -> Matcher:
    """Named and generic partners (not countries)."""
    entries = {k: v for k, v in partners().items() if v["kind"] != "country"}
    return build_matcher(*surface_tables(entries))


@cache
def country_matcher() -> Matcher:
    """Foreign countries by name."""
    entries = {k: v for k, v in partners().items() if v["kind"] == "country"}
    return build_matcher(*surface_tables(entries))


@cache
def abroad_matcher() -> Matcher:
    """Foreign cities (a venue there means the meeting is abroad)."""
    data = load_data("places_abroad")
    return build_matcher({s: s for s in data["places"]}, {s: s for s in data["en"]})


@cache
def organizer_matcher() -> Matcher:
    """Non-ministry bodies that hold meetings."""
    return build_matcher(*surface_tables(load_data("organizers")["organizers"]))


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
