"""One input file (or one row range of a big jsonl file) -> the rows the warehouse needs, as Arrow tables.

Runs in worker processes; pure apart from reading. The parent decides from size+mtime whether a file
may have changed; a worker reads it, compares the content hash with the stored one and only then
reads documents and extracts records. Rows go back as Arrow tables: they pickle as a few buffers,
so the parent spends almost nothing on unpickling (lists of dicts cost it ~0.1 s per 1,000 articles).
"""

import hashlib
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path

import pyarrow as pa

from etl.read import MAX_FILE_BYTES, Document, Rejected, file_hash, read_file

# The record keys stored in doc_records (lists and evidence live elsewhere or as lists).
RECORD_COLUMNS = (
    "doc_id", "is_meeting", "confidence", "meeting_date", "date_year_inferred", "date_text",
    "province", "province_code", "lead_ministry", "ministries", "organizer", "chair", "chair_title",
    "partners", "semester", "period", "meeting_type", "online", "participants",
)
_STR, _LIST = pa.string(), pa.list_(pa.string())
_RECORD_TYPES = {"is_meeting": pa.bool_(), "confidence": pa.float64(), "date_year_inferred": pa.bool_(),
                 "ministries": _LIST, "partners": _LIST, "online": pa.bool_(), "participants": pa.int64()}
RECORD_SCHEMA = pa.schema([(name, _RECORD_TYPES.get(name, _STR)) for name in RECORD_COLUMNS])
DOCUMENT_SCHEMA = pa.schema([
    ("doc_id", _STR), ("source", _STR), ("url", _STR), ("title", _STR), ("published", _STR),
    ("file_hash", _STR), ("ingested_at", pa.timestamp("us")), ("status", _STR), ("text", _STR),
    ("text_norm", _STR),
])
EVIDENCE_SCHEMA = pa.schema([("doc_id", _STR), ("field", _STR), ("snippet", _STR),
                             ("start_pos", pa.int32()), ("end_pos", pa.int32())])

# Modules that only store, group or publish rows: editing them does not call for re-extraction.
_NOT_EXTRACTION = {"ingest.py", "load.py", "dedup.py", "merge.py", "corrections.py", "publish.py",
                   "warehouse_build.py", "__main__.py", "settings.py", "cli_extract.py",
                   "evaluate.py"}
_ETL_DIR = Path(__file__).resolve().parent

# (key path, path as given, stored hash or None, part, parts): part > 0 only for big jsonl files.
Task = tuple[str, str, str | None, int, int]


@dataclass
class FileResult:
    """What one file (or one part of it) contributed: index row, tables of rows, rejections."""

    path: str
    outcome: str  # 'new' | 'changed' | 'unchanged' | 'rejected'
    file_row: dict | None = None
    documents: list[pa.Table] = field(default_factory=list)
    records: list[pa.Table] = field(default_factory=list)
    evidence: list[pa.Table] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    part: int = 0
    parts: int = 1


def process_group(tasks: list[Task]) -> list[FileResult]:
    """process_file over a group of files (one pool round trip for all of them).

    Their rows go into one set of Arrow tables (building tables per small file cost ~1 ms each),
    carried by the group's last file with documents: files before it may be saved in an earlier
    batch, so a changed file's old rows are always deleted before its new rows are inserted."""
    results, extracted = [], []
    for task in tasks:
        result, rows = _process(task)
        results.append(result)
        extracted.append(rows)
    holders = [i for i, rows in enumerate(extracted) if rows[0]]
    if holders:
        docs, records, norms = _first_copies(*(sum((rows[k] for rows in extracted), []) for k in range(3)))
        last = results[holders[-1]]
        last.documents = [document_table(docs, records, norms, datetime.now())]
        last.records = [pa.Table.from_pylist(records, schema=RECORD_SCHEMA)]
        last.evidence = [evidence_table(docs, records)]
    return results


def _first_copies(docs: list[Document], records: list[dict], norms: list[str]) -> tuple[list, list, list]:
    """Each document once, its first copy: the same text twice in a unit is stored once anyway, and
    tables without repeats let the parent tell a copy's evidence from another's (etl/batch.py)."""
    seen: set[str] = set()
    keep = []
    for i, doc in enumerate(docs):
        if doc.doc_id not in seen:
            seen.add(doc.doc_id)
            keep.append(i)
    if len(keep) == len(docs):
        return docs, records, norms
    return [docs[i] for i in keep], [records[i] for i in keep], [norms[i] for i in keep]


def process_file(task: Task) -> FileResult:
    """Read, hash-check and extract one file or one row range (part) of a jsonl file."""
    return process_group([task])[0]


def _process(task: Task) -> tuple[FileResult, tuple[list, list, list]]:
    """One file's result (without tables) and its documents, records and normalised texts."""
    key, given, known_hash, part, parts = task
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
        return FileResult(key, "unchanged", file_row=_file_row(key, stat, digest, "loaded", []),
                          part=part, parts=parts), ([], [], [])
    items = read_part(path, data, digest, part, parts)
    result, rows = _rows(key, stat, digest, items, "changed" if known_hash is not None else "new")
    result.part, result.parts = part, parts
    return result, rows


def splittable(path: Path, data: bytes | None) -> bool:
    """True when rows of this file can be read in parts with exactly the whole file's outcome.

    That is plain UTF-8 JSON Lines: no BOM, no CR (which would change line numbers), no NUL,
    decodable and not blank; otherwise the first part reads the whole file and the others nothing.
    """
    if data is None or path.suffix.lower() != ".jsonl" or data.startswith(b"\xef\xbb\xbf"):
        return False
    if b"\r" in data or b"\x00" in data:
        return False
    try:
        return bool(data.decode("utf-8").strip())
    except UnicodeDecodeError:
        return False


def read_part(path: Path, data: bytes | None, digest: str | None, part: int,
              parts: int) -> list[Document | Rejected]:
    """read_file's items for lines [part/parts, (part+1)/parts) of the file, numbered as in the whole."""
    if parts == 1:
        return read_file(path, data)
    if not splittable(path, data):
        return read_file(path, data) if part == 0 else []
    lines = data.split(b"\n")
    lo, hi = len(lines) * part // parts, len(lines) * (part + 1) // parts
    chunk = b"\n".join(lines[lo:hi])
    if not chunk.decode("utf-8").strip():
        return []
    # Blank lines in front keep the row numbers (sources "path#row-N") those of the whole file;
    # the items carry the hash of the slice, so they get the whole file's hash back.
    items = read_file(path, b"\n" * lo + chunk)
    return [replace(item, file_hash=digest) for item in items]


def _rows(key: str, stat: os.stat_result | None, digest: str | None, items,
          outcome: str) -> tuple[FileResult, tuple[list, list, list]]:
    """Extract read_file's documents; the file's result and (documents, records, normalised texts)."""
    # Imported on first use: an unchanged re-ingest never extracts (saves ~0.1 s of start-up).
    from etl.extract import extract_record
    from etl.normalize import normalize_text

    docs = [item for item in items if isinstance(item, Document)]
    # Each text is normalised right after its extraction: normalize_text then answers from the
    # extractor's last normalize_with_offsets result (~45 us per article saved).
    pairs = [(extract_record(doc), normalize_text(doc.text)) for doc in docs]
    records = [record for record, _ in pairs]
    result = FileResult(key, outcome if docs else "rejected")
    result.rejected = [{"source": item.source, "reason": item.reason, "file_hash": item.file_hash}
                       for item in items if isinstance(item, Rejected)]
    status = "loaded" if docs else "rejected"
    result.file_row = _file_row(key, stat, digest, status, [doc.doc_id for doc in docs])
    return result, (docs, records, [norm for _, norm in pairs])


def document_table(docs: list[Document], records: list[dict], norms: list[str], now: datetime) -> pa.Table:
    """The documents rows (text as read plus normalised text for search), one per Document."""
    columns = {
        "doc_id": [d.doc_id for d in docs], "source": [d.source for d in docs],
        "url": [d.url for d in docs], "title": [d.title for d in docs],
        "published": [d.published for d in docs],
        "file_hash": [d.file_hash for d in docs],
        "ingested_at": [now] * len(docs),
        "status": ["meeting" if r.get("is_meeting") else "not_meeting" for r in records],
        "text": [d.text for d in docs], "text_norm": norms,
    }
    return pa.table(columns, schema=DOCUMENT_SCHEMA)


def evidence_table(docs: list[Document], records: list[dict]) -> pa.Table:
    """One evidence row per field the extractor found, with offsets into the document text."""
    ids, fields, snippets, starts, ends = [], [], [], [], []
    for doc, record in zip(docs, records, strict=True):
        evidence = record.get("evidence")
        if not evidence:
            continue
        for name in sorted(evidence):
            span = evidence[name]
            if isinstance(span, dict) and (text := span.get("text")) is not None:
                ids.append(doc.doc_id)
                fields.append(name)
                snippets.append(text)
                starts.append(int(span.get("start") or 0))
                ends.append(int(span.get("end") or 0))
    return pa.table([ids, fields, snippets, starts, ends], schema=EVIDENCE_SCHEMA)


def combine(parts: list[FileResult]) -> FileResult:
    """The parts of one file as one result (parts read the same bytes: the caller checks hashes)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    if first.outcome == "unchanged":
        return first
    doc_ids = [doc_id for p in parts for doc_id in p.file_row["doc_ids"]]
    loaded = [p for p in parts if p.outcome != "rejected"]
    result = FileResult(first.path, loaded[0].outcome if loaded else "rejected")
    for p in parts:
        result.documents += p.documents
        result.records += p.records
        result.evidence += p.evidence
        result.rejected += p.rejected
    row = first.file_row
    result.file_row = _file_row(first.path, None, row["file_hash"], "loaded" if doc_ids else "rejected", doc_ids)
    result.file_row.update(size=row["size"], mtime_ns=row["mtime_ns"])
    return result


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
