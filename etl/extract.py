"""Document (or text) -> one meeting record with every RECORD_KEYS field and evidence per found field.

Pure: no I/O. Each field comes from one small extractor module (etl/extract_*.py) working on the
normalised text; spans are mapped back to the original text for evidence. Never raises: an unexpected
error in an extractor leaves the fields it would have filled empty.
"""

import re
from functools import cache
from typing import Any

from etl.dates import extract_meeting_date
from etl.extract_bodies import extract_bodies, extract_organizer
from etl.extract_context import TITLE_MAX, Context
from etl.extract_meeting import Support, judge_meeting, meeting_sentences, meeting_type
from etl.extract_people import Chair, extract_chair
from etl.extract_period import (
    extract_online,
    extract_participants,
    extract_period,
    extract_semester,
)
from etl.extract_place import extract_place, find_dateline
from etl.gazetteer import load_data, provinces
from etl.read import Document
from etl.read import doc_id as text_doc_id
from etl.record import Record, empty_record

Span = tuple[int, int]
NO_CUE_CONFIDENCE = 0.99  # an article without any meeting word is not a meeting report


def _set(record: Record, ctx: Context, field: str, value: Any, span: Span | None) -> None:
    """Store a found value and its evidence."""
    record[field] = value
    if span is not None:
        record["evidence"][field] = ctx.evidence(*span)


def _set_date(record: Record, ctx: Context) -> tuple[int | None, int | None]:
    found = extract_meeting_date(ctx.text, ctx.published)
    if found is None:
        return None, None
    record["meeting_date"] = found.iso
    record["date_year_inferred"] = bool(found.iso and found.year_inferred)
    record["date_text"] = found.date_text if found.iso else f"{found.day:02d}-{found.month:02d}"
    record["evidence"]["meeting_date"] = {
        "text": found.date_text,
        "start": found.start,
        "end": found.end,
    }
    year = int(found.iso[:4]) if found.iso else None
    return year, found.month


def _fallback_year(ctx: Context) -> int | None:
    if ctx.published and re.match(r"[12][0-9]{3}", ctx.published):
        return int(ctx.published[:4])
    return ctx.years[0] if ctx.years else None


def _set_place(record: Record, ctx: Context, spans: list[Span]) -> None:
    place = extract_place(ctx, spans)
    if place and place.name:
        _set(record, ctx, "province", place.name, (place.start, place.end))
        _set(
            record, ctx, "province_code", provinces()[place.name]["code"], (place.start, place.end)
        )


def _set_people_and_bodies(record: Record, ctx: Context, year: int | None) -> Chair | None:
    chair = extract_chair(ctx)
    if chair:
        span = (chair.person.name_start, chair.person.name_end)
        _set(
            record,
            ctx,
            "chair",
            " ".join(ctx.evidence(*span)["text"].replace("\u200b", "").split()),
            span,
        )
        if chair.title_span:
            title = " ".join(ctx.evidence(*chair.title_span)["text"].replace("\u200b", "").split())
            _set(record, ctx, "chair_title", title, chair.title_span)
    bodies = extract_bodies(ctx, chair, year)
    _set(record, ctx, "ministries", bodies.ministries, bodies.ministries_span)
    _set(record, ctx, "lead_ministry", bodies.lead, bodies.lead_span)
    _set(record, ctx, "partners", bodies.partners, bodies.partners_span)
    if bodies.lead is None:
        organizer = extract_organizer(ctx, record["province"])
        if organizer:
            _set(record, ctx, "organizer", organizer[0], organizer[1])
    return chair


def _set_review(
    record: Record, ctx: Context, spans: list[Span], year: int | None, month: int | None
) -> None:
    semester = extract_semester(ctx, spans, year)
    if semester:
        _set(record, ctx, "semester", *semester)
    period = None if semester else extract_period(ctx, spans, year, month)
    if period:
        _set(record, ctx, "period", *period)
    online = extract_online(ctx)
    if online:
        _set(record, ctx, "online", True, online)
    attend = [ctx.sentence_at(i) for i in _attend_positions(ctx)]
    count = extract_participants(ctx, spans + attend)
    if count:
        _set(record, ctx, "participants", *count)


def _attend_positions(ctx: Context) -> list[int]:
    at = ctx.norm.find("ចូលរួម", ctx.body_start)
    return [at] if at >= 0 else []


def _derived_type(record: Record) -> str | None:
    period = record["period"] or ""
    if record["semester"]:
        return "semester_review"
    if "-Q" in period:
        return "quarterly_review"
    if len(period) == 7:
        return "monthly_review"
    if len(period) == 4:
        return "annual_review"
    return None


def _dated(record: Record, ctx: Context, spans: list[Span]) -> bool:
    """Whether the meeting date was found inside a body sentence that names the meeting."""
    found = record["evidence"].get("meeting_date")
    if not found or not ctx.offsets:
        return False
    return any(
        ctx.offsets[lo] <= found["start"] < ctx.offsets[hi - 1] + 1 for lo, hi in spans if hi > lo
    )


def _fill(record: Record, ctx: Context) -> None:
    spans = meeting_sentences(ctx)
    year, month = _set_date(record, ctx)
    _set_place(record, ctx, spans)
    chair = _set_people_and_bodies(record, ctx, year or _fallback_year(ctx))
    _set_review(record, ctx, spans, year or _fallback_year(ctx), month)
    dateline = find_dateline(ctx)
    support = Support(
        chair=chair is not None,
        reviewed=bool(record["semester"] or record["period"]),
        abroad_dateline=dateline is not None and dateline.name is None,
        dated=_dated(record, ctx, spans[1:] if ctx.title_span else spans),
    )
    verdict = judge_meeting(ctx, support)
    record["is_meeting"], record["confidence"] = verdict.is_meeting, verdict.confidence
    if verdict.cue:
        record["evidence"]["is_meeting"] = ctx.evidence(*verdict.cue)
    if record["is_meeting"]:
        slug, span = meeting_type(ctx, spans, _derived_type(record))
        _set(record, ctx, "meeting_type", slug, span)


@cache
def _prefilter() -> tuple[tuple[str, str], ...]:
    """(guard, word) pairs: an English word is looked for only when its last letter is in the text
    (Latin letters are rare in these articles, and a one-character search is a memchr)."""
    words = load_data("meeting_cues")["prefilter"]
    return tuple((word[-1] if word.isascii() else "", word) for word in words)


def _may_be_meeting(text: str) -> bool:
    """Cheap raw-text test: without any meeting word an article cannot score as a meeting."""
    for guard, word in _prefilter():  # a plain loop: no generator per article
        if guard in text and word in text:
            return True
    return False


_CONTENT = re.compile(
    "[^\\s\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5]"
)  # kept by normalising


def _headline_reach(text: str, title: str | None) -> int:
    """End of a short prefix that holds the headline line (and, without a title, a character of the
    next line). Normalising never crosses a line break, so the prefix normalises as in the whole text."""
    first = _CONTENT.search(text)
    if first is None:
        return len(text)
    line_end = text.find("\n", first.start() + len(title or ""))
    if line_end < 0:
        return len(text)
    if title:
        return line_end  # the line itself: usually the title as given, normalised once
    more = _CONTENT.search(text, line_end)
    return more.end() if more else len(text)


def _headline_context(text: str, title: str | None) -> Context:
    """Context over a prefix of the text, enough to find the headline as the full path would."""
    reach = _headline_reach(text, title)
    ctx = Context(text[:reach], title)
    if ctx.title_span is None and reach < len(text):  # no headline in the line: the old, wider look
        reach = len(text) - len(text.lstrip()) + 2 * max(len(title or ""), TITLE_MAX) + 64
        ctx = Context(text[:reach], title)
    return ctx


def _no_meeting_record(record: Record, text: str, title: str | None) -> Record:
    """Only the headline: it is found in a normalised prefix, as the full path would find it."""
    _set_title(record, _headline_context(text, title), title)
    record["confidence"] = NO_CUE_CONFIDENCE
    return record


def _set_title(record: Record, ctx: Context, title: str | None) -> None:
    """The given title (else the headline found), with the headline's span as evidence when found."""
    if ctx.title_span:
        found = ctx.evidence(*ctx.title_span)["text"].strip()
        _set(record, ctx, "title", title or found, ctx.title_span)
    else:
        record["title"] = title


def build_record(
    text: str,
    source: str = "<text>",
    title: str | None = None,
    published: str | None = None,
    *,
    doc_id: str | None = None,
) -> dict:
    """The meeting record of one article text; raises on a bug (tests use it to see bugs).
    doc_id: the text's content hash when the caller has it already (a Document does)."""
    record = empty_record(source, doc_id or text_doc_id(text))
    record["published"] = published
    if not _may_be_meeting(text):
        return _no_meeting_record(record, text, title)
    ctx = Context(text, title, published)
    _set_title(record, ctx, title)
    _fill(record, ctx)
    return record


def extract_text(
    text: str,
    source: str = "<text>",
    title: str | None = None,
    published: str | None = None,
    *,
    doc_id: str | None = None,
) -> dict:
    """The meeting record of one article text (all RECORD_KEYS; never raises)."""
    try:
        return build_record(text, source, title, published, doc_id=doc_id)
    except Exception:  # noqa: BLE001 - the contract: one odd article must not stop a whole run
        record = empty_record(source, doc_id or text_doc_id(text))
        record.update(title=title, published=published)
        return record


def extract_record(doc: Document) -> dict:
    """The meeting record of one read Document (all RECORD_KEYS; never raises)."""
    record = extract_text(doc.text, doc.source, doc.title, doc.published, doc_id=doc.doc_id)
    record.update(doc_id=doc.doc_id, url=doc.url)
    return record
