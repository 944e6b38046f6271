"""One input file -> the rows the warehouse needs (runs in worker processes; pure apart from reading).

The parent decides from size+mtime whether a file may have changed; a worker reads it, compares the
content hash with the stored one and only then reads documents and extracts records.
"""

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from etl.read import MAX_FILE_BYTES, Document, Rejected, file_hash, read_file

# The record keys stored in doc_records (lists and evidence live elsewhere or as lists).
RECORD_COLUMNS = (
    "doc_id", "is_meeting", "confidence", "meeting_date", "date_year_inferred", "date_text",
    "province", "province_code", "lead_ministry", "ministries", "organizer", "chair", "chair_title",
    "partners", "semester", "period", "meeting_type", "online", "participants",
)

# Modules that only store, group or publish rows: editing them does not call for re-extraction.
_NOT_EXTRACTION = {"ingest.py", "load.py", "dedup.py", "merge.py", "corrections.py", "publish.py",
                   "warehouse_build.py", "__main__.py", "settings.py", "cli_extract.py", "evaluate.py"}
_ETL_DIR = Path(__file__).resolve().parent


@dataclass
class FileResult:
    """What one file contributed: its index row, documents, records, evidence and rejections."""

    path: str
    outcome: str  # 'new' | 'changed' | 'unchanged' | 'rejected'
    file_row: dict | None = None
    documents: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)


def process_file(task: tuple[str, str, str | None]) -> FileResult:
    """Read, hash-check and extract one file. task = (key path, path as given, stored hash or None)."""
    key, given, known_hash = task
    path = Path(given)
    try:
        stat = path.stat()
    except OSError:
        stat = None
    data = None
    if stat is not None and stat.st_size <= MAX_FILE_BYTES:
        try:
            data = path.read_bytes()
        except OSError:
            data = None  # read_file reports why
    digest = file_hash(data) if data is not None else None
    if known_hash is not None and digest == known_hash:
        return FileResult(key, "unchanged", file_row=_file_row(key, stat, digest, "loaded", []))
    items = read_file(path, data)
    return _rows(key, stat, digest, items, "changed" if known_hash is not None else "new")


def _rows(key: str, stat: os.stat_result | None, digest: str | None, items, outcome: str) -> FileResult:
    """Turn read_file's documents and rejections into warehouse rows."""
    # Imported on first use: an unchanged re-ingest never extracts (saves ~0.1 s of start-up).
    from etl.extract import extract_record

    result = FileResult(key, outcome)
    now = datetime.now()
    docs = [item for item in items if isinstance(item, Document)]
    for doc in docs:
        record = extract_record(doc)
        result.documents.append(document_row(doc, record, now))
        result.records.append({name: record.get(name) for name in RECORD_COLUMNS})
        result.evidence.extend(evidence_rows(doc.doc_id, record))
    result.rejected = [
        {"source": item.source, "reason": item.reason, "file_hash": item.file_hash}
        for item in items if isinstance(item, Rejected)
    ]
    status = "loaded" if docs else "rejected"
    if not docs:
        result.outcome = "rejected"
    result.file_row = _file_row(key, stat, digest, status, [doc.doc_id for doc in docs])
    return result


def document_row(doc: Document, record: dict, now: datetime) -> dict:
    """The documents row of one Document (text as read plus normalised text for search)."""
    from etl.normalize import normalize_text
    return {
        "doc_id": doc.doc_id, "source": doc.source, "url": doc.url, "title": doc.title,
        "published": doc.published, "file_hash": doc.file_hash, "ingested_at": now,
        "status": "meeting" if record.get("is_meeting") else "not_meeting",
        "text": doc.text, "text_norm": normalize_text(doc.text),
    }


def evidence_rows(doc_id: str, record: dict) -> list[dict]:
    """One evidence row per field the extractor found, with offsets into the document text."""
    rows = []
    for name, span in sorted((record.get("evidence") or {}).items()):
        if isinstance(span, dict) and span.get("text") is not None:
            rows.append({
                "doc_id": doc_id, "field": name, "snippet": span["text"],
                "start_pos": int(span.get("start") or 0), "end_pos": int(span.get("end") or 0),
            })
    return rows


def _file_row(key: str, stat, digest: str | None, status: str, doc_ids: list[str]) -> dict:
    return {
        "path": key, "file_hash": digest,
        "size": stat.st_size if stat else 0, "mtime_ns": stat.st_mtime_ns if stat else 0,
        "status": status, "n_docs": len(doc_ids), "doc_ids": doc_ids,
    }


@cache
def extractor_hash() -> str:
    """Hash of the reading/extraction code and language data: when it changes, files are re-read.

    Computed once per process, close to when that code was imported (it is what extracts).
    """
    digest = hashlib.sha256()
    files = sorted(_ETL_DIR.glob("*.py")) + sorted((_ETL_DIR / "data").glob("*.json"))
    for path in files:
        if path.name not in _NOT_EXTRACTION and not path.name.startswith("synth"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
