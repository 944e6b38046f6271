"""Context -> where the meeting took place: one of the 25 provinces, or None (abroad / not stated).

Order of trust: a venue phrase (នៅ ... ខេត្ត X) in the headline or the sentences that name the meeting,
then the dateline (`ភ្នំពេញ ៖`, `(សៀមរាប)៖`, `ខេត្តកណ្តាល៖`), then a province named with ខេត្ត in the
headline. A venue or dateline abroad means no province.
"""

import re
from dataclasses import dataclass

from etl import gazetteer
from etl.extract_context import Context
from etl.gazetteer import Hit
from etl.normalize import normalize_text

_PREFIX = re.compile(normalize_text(r"(?:ខេត្ត|រាជធានី|ក្រុង|ខេត្ត-ក្រុង) ?$"))
_NOT_PLACE = re.compile(normalize_text(r"(?:ប្រាសាទ|វត្ត|ព្រះ|តំបន់ប្រាសាទ) ?$"))
_DATELINE_SEP = re.compile(r"(?:\s?,\s?[^\n()៖:]{1,16})?\s?[)\]]?\s?(?:៖|:|ះ(?!\S))")
_VENUE = re.compile(normalize_text(r"នៅ(?! ?(?:រសៀល|ព្រឹក|ល្ងាច|យប់|ថ្ងៃ|ម៉ោង|ពេល|ឡើយ|តែ|មាន|ឆ្នាំ|ខែ))"))
_VENUE_REACH = 70  # characters from នៅ to the place name
_FOREIGN_LEAD = re.compile(normalize_text(r"(?:ទីក្រុង|ប្រទេស|សាធារណរដ្ឋ|ព្រះរាជាណាចក្រ) ?$"))
_PLANNED = re.compile(normalize_text(r"នឹង ?(?:រៀបចំ|ធ្វើ|បើក|ប្រារព្ធ)|គ្រោងនឹង|នាពេលខាងមុខ"))
DATELINE_REACH = 600  # datelines sit near the top, sometimes glued behind the headline


@dataclass(frozen=True)
class Place:
    """A located meeting (name None = abroad) and the span that says so."""

    name: str | None
    start: int
    end: int


def _prefixes(ctx: Context) -> dict[int, bool | None]:
    """Each province hit of the document: prefixed by ខេត្ត/រាជធានី/ក្រុង, or None when it names a
    temple or the like (judged once per document; the callers ask about overlapping ranges)."""
    found = ctx.memo.get("province_prefixes")
    if found is None:
        found = ctx.memo["province_prefixes"] = {}
        for hit in ctx.hits("province_matcher"):
            before = ctx.norm[max(0, hit.start - 14) : hit.start]
            prefixed = bool(_PREFIX.search(before))
            found[hit.start] = None if not prefixed and _NOT_PLACE.search(before) else prefixed
    return found


def _province_hits(ctx: Context, lo: int, hi: int) -> list[tuple[Hit, bool]]:
    """Province hits in norm[lo:hi] with whether they carry a ខេត្ត/រាជធានី/ក្រុង prefix."""
    prefixes = _prefixes(ctx)
    out = []
    for hit in ctx.hits("province_matcher", lo, hi):
        prefixed = prefixes[hit.start]
        if prefixed is not None:
            out.append((hit, prefixed))
    return out


def _abroad_hits(ctx: Context, lo: int, hi: int, strict: bool) -> list[Hit]:
    """Foreign cities, and countries (when strict, only after ទីក្រុង/ប្រទេស...)."""
    hits = ctx.hits("abroad_matcher", lo, hi)
    for h in ctx.hits("country_matcher", lo, hi):
        if not strict or _FOREIGN_LEAD.search(ctx.norm[max(lo, h.start - 16) : h.start]):
            hits.append(h)
    return sorted(hits, key=lambda h: h.start)


def _usable(entry: tuple[Hit, bool]) -> bool:
    hit, prefixed = entry
    return prefixed or not gazetteer.provinces()[hit.key].get("ambiguous")


def province_mentions(ctx: Context, lo: int, hi: int) -> list[tuple[Hit, bool]]:
    """Province mentions in norm[lo:hi], each with whether it surely names the province."""
    return [(hit, _usable((hit, prefixed))) for hit, prefixed in _province_hits(ctx, lo, hi)]


def find_dateline(ctx: Context) -> Place | None:
    """The dateline: a place right before ៖ (or ះ, :) near the top of the article."""
    if "dateline" not in ctx.memo:  # asked by several extractors
        ctx.memo["dateline"] = _find_dateline(ctx)
    return ctx.memo["dateline"]


def _find_dateline(ctx: Context) -> Place | None:
    lo, hi = 0, min(len(ctx.norm), ctx.body_start + DATELINE_REACH)
    cands = [(h, True) for h, _ in _province_hits(ctx, lo, hi)]
    cands += [(h, False) for h in _abroad_hits(ctx, lo, hi, strict=False)]
    for hit, home in sorted(cands, key=lambda c: c[0].start):
        if _DATELINE_SEP.match(ctx.norm, hit.end):
            return Place(hit.key if home else None, hit.start, hit.end)
    return None


def _venue_in(ctx: Context, lo: int, hi: int) -> Place | None:
    """First venue phrase (នៅ + place) within norm[lo:hi]."""
    for m in _VENUE.finditer(ctx.norm, lo, hi):
        end = min(hi, m.end() + _VENUE_REACH)
        homes = [e for e in _province_hits(ctx, m.end(), end) if _usable(e)]
        abroad = _abroad_hits(ctx, m.end(), end, strict=True)
        first_home = homes[0][0] if homes else None
        first_abroad = abroad[0] if abroad else None
        if first_home and (not first_abroad or first_home.start < first_abroad.start):
            return Place(first_home.key, first_home.start, first_home.end)
        if first_abroad:
            return Place(None, first_abroad.start, first_abroad.end)
    return None


def find_venue(ctx: Context, spans: list[tuple[int, int]]) -> Place | None:
    """The first venue phrase in the given sentence spans (title and meeting sentences).

    After the first body sentence, a sentence about a planned meeting (នឹងរៀបចំកិច្ចប្រជុំ ... នៅខេត្ត X)
    names where the next meeting will be, not this one.
    """
    body = [span for span in spans if span != ctx.title_span]
    for lo, hi in spans:
        if body and (lo, hi) in body[1:] and _PLANNED.search(ctx.norm, lo, hi):
            continue
        place = _venue_in(ctx, lo, hi)
        if place:
            return place
    return None


def extract_place(ctx: Context, meeting_spans: list[tuple[int, int]]) -> Place | None:
    """Where the meeting was held: venue, else dateline, else a ខេត្ត-named province in the title."""
    place = find_venue(ctx, meeting_spans) or find_dateline(ctx)
    if place:
        return place
    if ctx.title_span:
        for hit, prefixed in _province_hits(ctx, *ctx.title_span):
            if prefixed:
                return Place(hit.key, hit.start, hit.end)
    return None
