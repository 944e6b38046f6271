"""The public record contract: the keys every extracted meeting record carries, in output order."""

from typing import Any

# `python -m etl extract` prints these keys for every accepted document, in this order.
# The warehouse, the evaluation and outside checks rely on the names and value shapes.
RECORD_KEYS: tuple[str, ...] = (
    "source",  # path (or path#row for jsonl/csv rows)
    "doc_id",  # stable content hash of the document text (16 hex chars)
    "url",  # str | None, from scraper exports
    "published",  # ISO date str | None, from scraper exports
    "title",  # str | None
    "is_meeting",  # bool
    "confidence",  # float 0..1 that is_meeting is right
    "meeting_date",  # ISO date str | None
    "date_year_inferred",  # bool
    "date_text",  # str | None: the date as written, e.g. "22-12" when no year ("DD-MM")
    "province",  # English name of one of the 25 capital/provinces | None
    "province_code",  # "KH-1" .. "KH-25" | None
    "lead_ministry",  # official English ministry name | None
    "ministries",  # sorted list[str] of official English ministry names
    "organizer",  # English name of a non-ministry organising body | None
    "chair",  # Khmer personal name, no honorifics | None
    "chair_title",  # Khmer title, e.g. "រដ្ឋលេខាធិការ" | None
    "partners",  # sorted list[str] of canonical partner names
    "semester",  # "YYYY-S1" / "YYYY-S2" | None
    "period",  # "YYYY" / "YYYY-Qn" / "YYYY-MM" | None
    "meeting_type",  # short English slug, see etl/data/meeting_types.json | None
    "online",  # bool
    "participants",  # int | None, a stated head count
    "evidence",  # {field: {"text": str, "start": int, "end": int}} offsets into the document text
)

Record = dict[str, Any]


def empty_record(source: str, doc_id: str) -> Record:
    """A record with every key present and nothing found yet."""
    record: Record = {key: None for key in RECORD_KEYS}
    record.update(
        source=source,
        doc_id=doc_id,
        is_meeting=False,
        confidence=0.0,
        date_year_inferred=False,
        ministries=[],
        partners=[],
        online=False,
        evidence={},
    )
    return record
