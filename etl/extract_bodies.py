"""Context (+ chair) -> ministries, lead ministry, non-ministry organizer and partners, each with spans.

Ministries are Cambodian bodies named ក្រសួង (or a national general department, or an office such as
រដ្ឋមន្ត្រីទេសចរណ៍); a ministry of another country (ក្រសួងឧស្សាហកម្មបេឡារុស) and a ministry cited only as the
author of a document (ប្រកាស ... របស់ក្រសួងមហាផ្ទៃ) do not count.
"""

import re
from dataclasses import dataclass
from functools import cache

from etl import gazetteer
from etl.extract_context import Context
from etl.extract_people import Chair
from etl.extract_place import find_dateline
from etl.gazetteer import Hit
from etl.normalize import normalize_text as nt

_FOREIGN_FOLLOW = re.compile(nt(r" ?(?:នៃ ?)?(?:ប្រទេស|ព្រះរាជាណាចក្រ|សាធារណរដ្ឋ|សហព័ន្ធ)? ?"))
_DOCUMENT_OF = re.compile(
    nt(r"(?:ប្រកាស|សេចក្តីណែនាំ|លិខិត|សារាចរ|អនុក្រឹត្យ|សេចក្តីសម្រេច|គេហទំព័រ|ហ្វេសប៊ុក)[^។\n]{0,30}(?:របស់|នៃ) ?$")
)
_ORGANISE = re.compile(
    nt(r"[^។\n]{0,200}?(?:បាន|នឹង) ?(?:រៀបចំ|បើក|ដឹកនាំ|ធ្វើ|កោះប្រជុំ) ?(?:កិច្ច ?|សម័យ ?)?ប្រជុំ")
)
_MEETING_OF = re.compile(nt(r"ប្រជុំ[^។\n]{0,100}(?:របស់|នៃ) ?$"))
_ATTEND = re.compile(nt("ចូលរួម"))
_MEETING_WORD = re.compile(nt("ប្រជុំ"))
# the chair's office ends at a verb or where a second person is named (និងលោក ...)
_PHRASE_END = re.compile(nt(r"[។\n]| បាន| នឹង|បានអញ្ជើញ|និង ?(?:លោក|ឯកឧត្តម|សម្តេច)"))
_BILATERAL_BEFORE = re.compile(
    nt(r"កម្ពុជា ?(?:-|–|និង|ជាមួយ) ?(?:ប្រទេស|សាធារណរដ្ឋ|ព្រះរាជាណាចក្រ|សហព័ន្ធ)? ?$")
)
_BILATERAL_AFTER = re.compile(nt(r" ?(?:-|–|និង) ?(?:ព្រះរាជាណាចក្រ)?កម្ពុជា"))
# the other side of talks: ភាគីចិន, or a body "of the Socialist Republic of Vietnam" in a sentence
# about relations between two sides (រវាង ..., ទ្វេភាគី, ប្រទេសទាំងពីរ)
_SIDE_BEFORE = re.compile(nt(r"ភាគី ?$"))
_STATE_OF_BEFORE = re.compile(
    nt(r"(?:នៃ|របស់) ?(?:ប្រទេស|(?:សាធារណៈ?រដ្ឋ|ព្រះរាជាណាចក្រ|សហព័ន្ធ)[\u1780-\u17dd]{0,20})? ?$")
)
_TWO_SIDES = re.compile(nt("រវាង|ទ្វេភាគី|ប្រទេសទាំងពីរ|ភាគីទាំងពីរ"))
CHAIR_PHRASE = 220  # characters after the chair's name that describe their office


@dataclass(frozen=True)
class Bodies:
    """What the body extractors found: names plus the span of the first mention of each field."""

    ministries: list[str]
    ministries_span: tuple[int, int] | None
    lead: str | None
    lead_span: tuple[int, int] | None
    partners: list[str]
    partners_span: tuple[int, int] | None


def _foreign_follows(ctx: Context, end: int) -> bool:
    """A country, foreign city (within 40 letters) or bloc (within 60) is named right after."""
    at = _FOREIGN_FOLLOW.match(ctx.norm, end)
    start = at.end() if at else end
    size = _foreign_at(ctx).get(start)
    return size is not None and (size[0] <= 40 or size[1] <= 60)


def _foreign_at(ctx: Context) -> dict[int, tuple[float, float]]:
    """Start -> length of the shortest country or foreign-city name there, and of the shortest bloc
    (inf when none): one look per document instead of three hit ranges per ministry."""
    found = ctx.memo.get("foreign_at")
    if found is None:
        found = ctx.memo["foreign_at"] = {}
        inf = float("inf")
        for h in ctx.hits("country_matcher") + ctx.hits("abroad_matcher"):
            size = found.get(h.start, (inf, inf))
            found[h.start] = (min(size[0], h.end - h.start), size[1])
        for h in ctx.hits("partner_matcher"):
            if gazetteer.partner_kind(h.key) == "bloc":
                size = found.get(h.start, (inf, inf))
                found[h.start] = (size[0], min(size[1], h.end - h.start))
    return found


def ministry_hits(ctx: Context, year: int | None) -> list[Hit]:
    """Cambodian ministry mentions, named as at the article's time."""
    return [
        Hit(gazetteer.ministry_name_for_year(hit.key, year), hit.start, hit.end)
        for hit in _cambodian_ministries(ctx)
    ]


def _cambodian_ministries(ctx: Context) -> list[Hit]:
    """Ministry hits that are Cambodian ministries acting (judged once per document)."""
    found = ctx.memo.get("ministries")
    if found is not None:
        return found
    partner_spans = [(h.start, h.end) for h in ctx.hits("partner_matcher")]
    found = ctx.memo["ministries"] = []
    for hit in ctx.hits("ministry_matcher"):
        if any(a <= hit.start < b for a, b in partner_spans) or _foreign_follows(ctx, hit.end):
            continue
        if _DOCUMENT_OF.search(ctx.norm, max(0, hit.start - 60), hit.start):
            continue
        found.append(hit)
    return found


def _chair_ministry(ctx: Context, hits: list[Hit], chair: Chair | None) -> Hit | None:
    """The ministry named in the chair's office (after the name, else just before it)."""
    if chair is None:
        return None
    name = chair.person.name
    for name_end in ctx.mention_ends(name):
        name_start = name_end - len(name)
        stop = _PHRASE_END.search(ctx.norm, name_end, name_end + CHAIR_PHRASE)
        end = stop.start() if stop else name_end + CHAIR_PHRASE
        after = [h for h in hits if name_end <= h.start < end]
        if after:
            return after[0]
        line_start = ctx.sentence_at(name_start)[0]
        before = [h for h in hits if max(line_start, name_start - 60) <= h.start < name_start]
        if before:
            return before[-1]
    return None


def _lead(ctx: Context, hits: list[Hit], chair: Chair | None) -> Hit | None:
    """Ministry that chaired, else organised (ក្រសួងX ... បានរៀបចំកិច្ចប្រជុំ), else heads the title."""
    found = _chair_ministry(ctx, hits, chair)
    if found:
        return found
    for hit in hits:
        if _ORGANISE.match(ctx.norm, hit.end) or _MEETING_OF.search(
            ctx.norm, max(0, hit.start - 120), hit.start
        ):
            return hit
    if ctx.title_span and not _ATTEND.search(ctx.title_norm):
        in_title = [h for h in hits if ctx.in_title(h.start)]
        return in_title[0] if in_title and _heads_title(ctx, in_title[0]) else None
    return None


def _heads_title(ctx: Context, hit: Hit) -> bool:
    """A ministry leads by its headline only when no partner is named before it (UN and ministry
    X ...) and the dateline is not abroad (a delegation sent to talks held by the other side)."""
    if any(ctx.in_title(p.start) and p.start < hit.start for p in ctx.hits("partner_matcher")):
        return False
    dateline = find_dateline(ctx)
    return dateline is None or dateline.name is not None


@cache
def _not_actor() -> re.Pattern[str]:
    words = gazetteer.load_data("partners")["not_actor_before"]
    return re.compile(
        "(?:" + gazetteer.trie_pattern([nt(w) for w in words]) + ") ?(?:នៃ ?|របស់ ?)?$"
    )


@cache
def _context_only() -> frozenset[str]:
    words = gazetteer.load_data("partners")["headline_or_meeting_only"]
    return frozenset(nt(w).replace(" ", "").lower() for w in words)


def _in_meeting_context(ctx: Context, pos: int) -> bool:
    """Headline, lead, or a sentence that names a meeting."""
    if pos < ctx.lead_end:
        return True
    return _MEETING_WORD.search(ctx.norm, *ctx.sentence_at(pos)) is not None


def _is_partner(ctx: Context, hit: Hit) -> bool:
    if _not_actor().search(ctx.norm, max(0, hit.start - 30), hit.start):
        return False
    surface = ctx.norm[hit.start : hit.end].replace(" ", "").lower()
    return surface not in _context_only() or _in_meeting_context(ctx, hit.start)


def _other_side(ctx: Context, hit: Hit) -> bool:
    """A country named as the other party of a bilateral meeting."""
    before = ctx.norm[max(0, hit.start - 40) : hit.start]
    if _BILATERAL_BEFORE.search(before) or _BILATERAL_AFTER.match(ctx.norm, hit.end):
        return True
    if hit.start >= ctx.lead_end:
        return False
    if _SIDE_BEFORE.search(before):
        return True
    return bool(
        _STATE_OF_BEFORE.search(before) and _TWO_SIDES.search(ctx.norm, *ctx.sentence_at(hit.start))
    )


def _partner_hits(ctx: Context) -> list[Hit]:
    hits = [h for h in ctx.hits("partner_matcher") if _is_partner(ctx, h)]
    hits += [h for h in ctx.hits("country_matcher") if _other_side(ctx, h)]
    return sorted(hits, key=lambda h: h.start)


def _first_span(hits: list[Hit]) -> tuple[int, int] | None:
    return (hits[0].start, hits[0].end) if hits else None


def extract_bodies(ctx: Context, chair: Chair | None, year: int | None) -> Bodies:
    """Ministries (sorted), the lead ministry and partners (sorted) of the article."""
    hits = ministry_hits(ctx, year)
    lead = _lead(ctx, hits, chair)
    partners = _partner_hits(ctx)
    return Bodies(
        ministries=sorted({h.key for h in hits}),
        ministries_span=_first_span(hits),
        lead=lead.key if lead else None,
        lead_span=(lead.start, lead.end) if lead else None,
        partners=sorted({h.key for h in partners}),
        partners_span=_first_span(partners),
    )


def extract_organizer(ctx: Context, province: str | None) -> tuple[str, tuple[int, int]] | None:
    """The non-ministry body named first in the title or lead, with the province filled in."""
    seg_end = ctx.lead_end
    for hit in ctx.hits("organizer_matcher", 0, seg_end):
        name = hit.key
        if gazetteer.organizer_is_provincial(name):
            name = (
                name.replace("{province}", province)
                if province
                else name.replace("{province} ", "")
            )
        return name, (hit.start, hit.end)
    return None
