"""Uploaded files and pasted text -> files under data/uploads/<timestamp>/ -> the ordinary ingest."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from etl import settings
from etl.ingest import IngestSummary, ingest_paths
from etl.read import SUPPORTED_SUFFIXES, Document, Rejected, read_documents

UPLOAD_TYPES = sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
PASTED_NAME = "pasted.txt"
LOCK_TIMEOUT = 30.0  # seconds a page waits for another ingest before telling the user to retry


def upload_root() -> Path:
    """Where uploads are kept ($KM_UPLOADS, read now so tests can set it; default data/uploads)."""
    return Path(os.environ.get("KM_UPLOADS") or settings.DATA_DIR / "uploads")


def safe_name(name: str, index: int) -> str:
    """A file name that cannot leave the upload folder: no directories, only plain characters."""
    base = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^\w\u1780-\u17ff.-]+", "_", Path(base).stem).strip("._") or "upload"
    suffix = Path(base).suffix.lower()
    return f"{index:03d}_{stem[:80]}{suffix}"


def save_uploads(files: list[tuple[str, bytes]], pasted: str | None = None,
                 root: Path | None = None, now: datetime | None = None) -> Path | None:
    """Write the uploads into a new timestamped folder; None when there is nothing to save.

    Files keep their suffix so the reader picks the right format; unsupported suffixes are
    written too, so the ingest rejects them with its usual reason.
    """
    pasted = (pasted or "").strip()
    if not files and not pasted:
        return None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S_%fZ")
    folder = (root or upload_root()) / stamp
    folder.mkdir(parents=True, exist_ok=False)
    for index, (name, data) in enumerate(files):
        (folder / safe_name(name, index)).write_bytes(data)
    if pasted:
        (folder / PASTED_NAME).write_text(pasted + "\n", encoding="utf-8")
    return folder


def saved_files(folder: Path) -> list[Path]:
    """The files of one upload, given to the ingest one by one so unsupported ones are rejected, not skipped."""
    return sorted(path for path in folder.iterdir() if path.is_file())


def read_uploads(folder: Path) -> tuple[list[Document], list[Rejected]]:
    """The documents and rejections the ingest will see in `folder` (same reader as the CLI)."""
    docs: list[Document] = []
    rejected: list[Rejected] = []
    for item in read_documents(saved_files(folder)):
        (docs if isinstance(item, Document) else rejected).append(item)
    return docs, rejected


def ingest_uploads(folder: Path, db_path: Path) -> IngestSummary:
    """Run the same ingest as `python -m etl ingest <files> --db <db_path>`; returns its IngestSummary."""
    # One worker: uploads are small, and the dashboard server should not fork a process pool.
    return ingest_paths(saved_files(folder), db_path=db_path, progress=False, workers=1,
                        lock_timeout=LOCK_TIMEOUT)
