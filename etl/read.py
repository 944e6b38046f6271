"""Input files (txt, md, html, jsonl/json, csv) -> Documents (article text without page chrome) or Rejected.

Errors about the input itself (encoding, format, empty, no Khmer, too large) become Rejected with a
reason a person can act on; they never raise. One bad row of a scraper export rejects only that row.
"""

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from etl import read_formats
from etl.chrome import first_line_title, shorten, strip_chrome, trim

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".html", ".htm", ".jsonl", ".json", ".csv"}
)
MAX_FILE_BYTES = 20_000_000  # larger files are rejected from their size, without reading them


@dataclass(frozen=True)
class Document:
    """One article as read: text is the page text without chrome (evidence offsets index it)."""

    source: str
    text: str
    title: str | None
    url: str | None
    published: str | None
    file_hash: str
    doc_id: str


@dataclass(frozen=True)
class Rejected:
    """An input (file or row) that cannot be read as a Khmer article, with the reason why."""

    source: str
    reason: str
    file_hash: str | None


# The last bytes hashed and their hash: a worker hashes a file's bytes to compare with the stored
# hash and then hands the same bytes object to read_file (~2 us per article of a big jsonl file).
_LAST_HASH: tuple[bytes, str] = (b"", hashlib.sha256(b"").hexdigest()[:16])


def file_hash(data: bytes) -> str:
    """Stable hash of a file's bytes (16 hex chars)."""
    global _LAST_HASH  # noqa: PLW0603 - see _LAST_HASH
    last = _LAST_HASH
    if data is last[0]:
        return last[1]
    digest = hashlib.sha256(data).hexdigest()[:16]
    if type(data) is bytes:  # immutable: the same object always has the same hash
        _LAST_HASH = (data, digest)
    return digest


def doc_id(text: str) -> str:
    """Stable content id of a document text (16 hex chars)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def iter_input_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files to read: folders recursively (sorted, supported suffixes, no hidden files); files as given."""
    seen: set[Path] = set()
    for given in map(Path, paths):
        found = _folder_files(given) if given.is_dir() else [given]
        for path in found:
            if path not in seen:
                seen.add(path)
                yield path


def _folder_files(folder: Path) -> list[Path]:
    """Supported, non-hidden regular files (or links to them) under folder, in Path order.

    os.scandir instead of rglob/relative_to/is_file per path (~5x faster on big trees); like rglob
    it does not descend into symlinked folders. Sorted by path parts, which is how Paths compare.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(folder), ())]
    while stack:
        where, parts = stack.pop()
        try:
            entries = list(os.scandir(where))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, (*parts, name)))
                elif os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES and entry.is_file():
                    found.append(((*parts, name), entry.path))
            except OSError:
                continue
    found.sort(key=lambda item: item[0])
    return [Path(path) for _, path in found]


def read_documents(paths: Iterable[Path | str]) -> Iterator[Document | Rejected]:
    """Every document (or rejection) of the given files and folders, in file order."""
    for path in iter_input_files(paths):
        yield from read_file(path)


def read_file(path: Path, data: bytes | None = None) -> list[Document | Rejected]:
    """The documents of one file (one per row for jsonl/csv); never raises on bad input."""
    path = path if isinstance(path, Path) else Path(path)  # Path(a Path) parses it again
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        reason = f"unsupported file type '{suffix or path.name}' (supported: {supported})"
        return [Rejected(source, reason, None if data is None else file_hash(data))]
    if data is None:
        data_or_reason = _read_bytes(path)
        if isinstance(data_or_reason, str):
            return [Rejected(source, data_or_reason, None)]
        data = data_or_reason
    if len(data) > MAX_FILE_BYTES:
        return [Rejected(source, _too_large(len(data)), None)]
    digest = file_hash(data)
    text = read_formats.decode(data)
    if isinstance(text, read_formats.Failure):
        return [Rejected(source, text.reason, digest)]
    rows = read_formats.parse(text, suffix, read_formats.escape_free(data))
    if isinstance(rows, read_formats.Failure):
        return [Rejected(source, rows.reason, digest)]
    single = suffix not in read_formats.ROW_SUFFIXES
    return [_row_document(row, source, digest, single) for row in rows]


def _read_bytes(path: Path) -> bytes | str:
    """The file's bytes, or the reason they cannot be read (size is checked before reading)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return "is a directory"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"  # a FIFO or device would block or never end
        if info.st_size > MAX_FILE_BYTES:
            return _too_large(info.st_size)
        return path.read_bytes()
    except FileNotFoundError:
        return "no such file or directory"
    except OSError as error:
        return f"cannot read file: {error.strerror or error}"


def _too_large(size: int) -> str:
    return f"file too large: {size / 1e6:.1f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB"


def _row_document(
    row: read_formats.Row, source: str, digest: str, single: bool
) -> Document | Rejected:
    row_source = source if single else f"{source}#row-{row.number}"
    if row.error:
        return Rejected(row_source, row.error, digest)
    return _document(row.text, row_source, digest, row.title, row.url, row.published)


def read_text(
    text: str,
    source: str,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
) -> Document | Rejected:
    """A pasted article: same chrome stripping and checks as files; file_hash hashes the text."""
    digest = file_hash(text.encode("utf-8", "surrogatepass"))
    if "\x00" in text:
        return Rejected(source, "binary data (contains NUL characters), not text", digest)
    if read_formats.SURROGATE.search(text):
        return Rejected(source, "invalid Unicode (an unpaired surrogate)", digest)
    text = read_formats.normalize_newlines(text)
    return _document(text, source, digest, title, url, read_formats.iso_date(published))


def _document(
    text: str, source: str, digest: str, title: str | None, url: str | None, published: str | None
) -> Document | Rejected:
    """Strip chrome, check there is Khmer text left, and build the Document."""
    if not trim(text):
        return Rejected(source, "empty text", digest)
    article = strip_chrome(text)
    if not trim(article):
        return Rejected(source, "no article text left after removing page chrome", digest)
    if not read_formats.KHMER.search(article):
        return Rejected(source, "no Khmer text", digest)
    title = shorten(trim(title)) if title and trim(title) else first_line_title(article)
    url = url.strip() if url and url.strip() else None
    return Document(source, article, title, url, published, digest, doc_id(article))
