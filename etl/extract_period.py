"""Context -> reviewed semester/period, online attendance and a stated head count, each with its span.

A semester or period counts only when the meeting reviews it: the mention must stand in the headline
or a meeting sentence, after a review word (បូកសរុប, ពិនិត្យ, វាយតម្លៃ, របាយការណ៍ ...).
"""

import re
from operator import itemgetter

from etl.extract_context import Context
from etl.gazetteer import latin_runs
from etl.normalize import normalize_text as nt

Span = tuple[int, int]
_MONTHS = [
    nt(m)
    for m in (
        "មករា",
        "កុម្ភៈ",
        "មីនា",
        "មេសា",
        "ឧសភា",
        "មិថុនា",
        "កក្កដា",
        "សីហា",
        "កញ្ញា",
        "តុលា",
        "វិច្ឆិកា",
        "ធ្នូ",
    )
]
_YEAR_AFTER = re.compile(nt(r" ?(?:ឆ្នាំ ?)?(\d{4})"))
_AHEAD = re.compile(nt("ទិសដៅ|ផែនការ|គម្រោង"))
_REVIEW = re.compile(nt("បូកសរុប|សរុប|ពិនិត្យ|វាយតម្លៃ|របាយការណ៍|លទ្ធផល|ត្រួតពិនិត្យ|សន្និបាត"))
# "monthly/quarterly meeting" (កិច្ចប្រជុំប្រចាំខែ) is a review by itself; an annual one is not always
_REVIEW_OR_MEETING = re.compile(_REVIEW.pattern + "|" + nt("ប្រជុំ"))
_SEMESTER = re.compile(nt(r"ឆមាសទី ?([12])|(6|ប្រាំមួយ) ?ខែ ?(ដើម|ចុង)ឆ្នាំ|ឆមាស(ដើម|ចុង)"))
_QUARTER = re.compile(nt(r"ត្រីមាសទី ?([1-4])"))
_MONTHLY = re.compile(nt(r"(?:ប្រចាំខែ|ដំណាច់ខែ) ?(" + "|".join(_MONTHS) + ")?"))
_ANNUAL = re.compile(nt(r"(?:ប្រចាំឆ្នាំ|ការងារឆ្នាំ|លទ្ធផលឆ្នាំ|សន្និបាតបូកសរុប[^។\n]{0,40}ឆ្នាំ) ?(\d{4})?"))
# Khmer and Latin cues apart: a case-insensitive pattern would lose the fast scan on Khmer text
_ONLINE_KM = re.compile(nt("អនឡាញ|អនឡាយ|អ៊ីនធឺណិត|ប្រព័ន្ធវីដេអូ|តាមវីដេអូ|វីដេអូខនហ្វើរ៉ង់|វីដេអូ ?កុងហ្វេរ៉ង់|ហ្សូម"))
_ONLINE_EN = re.compile(r"zoom|webex|microsoft teams|google meet|online|video ?conference", re.I)
_HEADCOUNT = re.compile(nt(r"(?:ចំនួន|សរុប) ?(\d{1,5}) ?(?:រូប|នាក់)"))
_ATTEND = re.compile(nt("ចូលរួម|វត្តមាន|អញ្ជើញ"))
_JOIN = re.compile(nt("ចូលរួម|ប្រជុំ|សន្និសីទ|ភ្ជាប់|meeting"), re.IGNORECASE)
# Words every match of a pattern contains: without one in the document, no sentence is scanned
_NEEDLES = {
    _SEMESTER: (nt("ឆមាស"), nt("ដើមឆ្នាំ"), nt("ចុងឆ្នាំ")),
    _QUARTER: (nt("ត្រីមាសទី"),),
    _MONTHLY: (nt("ប្រចាំខែ"), nt("ដំណាច់ខែ")),
    _ANNUAL: (nt("ប្រចាំឆ្នាំ"), nt("ការងារឆ្នាំ"), nt("លទ្ធផលឆ្នាំ"), nt("សន្និបាតបូកសរុប")),
    _HEADCOUNT: (nt("រូប"), nt("នាក់")),
    _ONLINE_KM: tuple(alt.split(" ?")[0] for alt in _ONLINE_KM.pattern.split("|")),
}
REVIEW_REACH = 120
# in a meeting sentence, "the work of / over the first six months" is what the meeting reviews
_WORK_OF = re.compile(nt(r"(?:ការងារ|រយៈពេល) ?$"))
NEAR_REACH = 12


def _reviewed(
    ctx: Context,
    rx: re.Pattern[str],
    spans: list[Span],
    review: re.Pattern[str] = _REVIEW,
    near: re.Pattern[str] | None = None,
) -> re.Match[str] | None:
    """First match of rx in the given spans that follows a review word closely (or a `near` word
    right before it).

    A period after ទិសដៅ (directions for what comes next) is planned, not reviewed.
    """
    if not spans or not _may_match(ctx, rx, spans):
        return None
    for lo, hi in spans:
        for m in rx.finditer(ctx.norm, lo, hi):
            if _AHEAD.search(ctx.norm, max(lo, m.start() - 24), m.start()):
                continue
            if review.search(ctx.norm, max(lo, m.start() - REVIEW_REACH), m.start()):
                return m
            if near and near.search(ctx.norm, max(lo, m.start() - NEAR_REACH), m.start()):
                return m
    return None


def _may_match(ctx: Context, rx: re.Pattern[str], spans: list[Span] | None = None) -> bool:
    """False when the text (or the stretch from the first span to the last) holds none of the
    words every match of rx contains."""
    lo, hi = (min(spans)[0], max(map(itemgetter(1), spans))) if spans else (0, len(ctx.norm))
    norm = ctx.norm
    for needle in _NEEDLES[rx]:
        if norm.find(needle, lo, hi) >= 0:
            return True
    return False


def _year_after(ctx: Context, end: int, fallback: int | None) -> int | None:
    m = _YEAR_AFTER.match(ctx.norm, end)
    return int(m.group(1)) if m and 1990 <= int(m.group(1)) <= 2049 else fallback


def extract_semester(ctx: Context, spans: list[Span], year: int | None) -> tuple[str, Span] | None:
    """'YYYY-S1'/'YYYY-S2' when the meeting reviews a semester."""
    m = _reviewed(ctx, _SEMESTER, spans, near=_WORK_OF)
    if not m:
        return None
    half = m.group(1) or ("1" if (m.group(3) or m.group(4)) == nt("ដើម") else "2")
    y = _year_after(ctx, m.end(), year)
    return (f"{y}-S{half}", m.span()) if y else None


def extract_period(
    ctx: Context, spans: list[Span], year: int | None, month: int | None
) -> tuple[str, Span] | None:
    """'YYYY-Qn' quarterly, 'YYYY-MM' monthly or 'YYYY' annual review period."""
    m = _reviewed(ctx, _QUARTER, spans, _REVIEW_OR_MEETING)
    if m:
        y = _year_after(ctx, m.end(), year)
        return (f"{y}-Q{m.group(1)}", m.span()) if y else None
    m = _reviewed(ctx, _MONTHLY, spans, _REVIEW_OR_MEETING)
    if m:
        mon = _MONTHS.index(m.group(1)) + 1 if m.group(1) else month
        y = _year_after(ctx, m.end(), year)
        return (f"{y}-{mon:02d}", m.span()) if y and mon else None
    m = _reviewed(ctx, _ANNUAL, spans)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        return (str(y), m.span()) if y else None
    return None


def extract_online(ctx: Context) -> Span | None:
    """Span of a video-link cue (Zoom, អនឡាញ, វីដេអូ ...) in a sentence about taking part."""
    found = list(_ONLINE_KM.finditer(ctx.norm)) if _may_match(ctx, _ONLINE_KM) else []
    for lo, hi in latin_runs(ctx.norm):
        found += _ONLINE_EN.finditer(ctx.norm, lo, hi)
    for m in sorted(found, key=lambda m: m.start()):
        if _JOIN.search(ctx.norm, *ctx.sentence_at(m.start())):
            return m.span()
    return None


def extract_participants(ctx: Context, spans: list[Span]) -> tuple[int, Span] | None:
    """A stated head count in a sentence about who took part."""
    if not spans or not _may_match(ctx, _HEADCOUNT, spans):
        return None
    for lo, hi in spans:
        for m in _HEADCOUNT.finditer(ctx.norm, lo, hi):
            if _ATTEND.search(ctx.norm, lo, hi):
                return int(m.group(1)), m.span()
    return None
