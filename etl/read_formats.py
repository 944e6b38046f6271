"""File bytes -> decoded text -> rows (text, title, url, published) for each supported format.

Used by etl/read.py; failures are returned as values (Failure, Row.error), never raised.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

ROW_SUFFIXES = frozenset({".jsonl", ".json", ".csv"})
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")  # Khmer and Khmer symbols blocks
SURROGATE = re.compile("[\ud800-\udfff]")  # JSON "\\ud800" escapes decode to unprintable text
_ESCAPE = re.compile(rb"\\[ur]")  # one scan (two `in` tests of two bytes each cost ~5x more)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%a, %d %B %Y",
    "%a, %d %b %Y",
    "%A, %d %B %Y",
    "%Y%m%d",
)


@dataclass(frozen=True)
class Failure:
    """Why a whole file cannot be read."""

    reason: str


class Row(NamedTuple):
    """One article candidate inside a file; error is set when the row itself is unusable.

    A named tuple: one is made per article, and a frozen dataclass costs ~1 us more to build."""

    number: int
    text: str = ""
    title: str | None = None
    url: str | None = None
    published: str | None = None
    error: str | None = None


def decode(data: bytes) -> str | Failure:
    """UTF-8 (with or without BOM) or UTF-16 with BOM -> text with \\n line ends."""
    if not data:
        return Failure("empty file")
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if b"\x00" in data and encoding == "utf-8":
            return Failure(_nul_reason(data))
        label = "UTF-8 or UTF-16" if encoding == "utf-8" else encoding.upper().removesuffix("-SIG")
        return Failure(
            f"not {label} text (invalid byte 0x{data[error.start]:02x} at offset {error.start})"
        )
    # A NUL character of UTF-8 text is a NUL byte: a memchr instead of a scan of the decoded text.
    if (b"\x00" in data) if encoding != "utf-16" else ("\x00" in text):
        return Failure(_nul_reason(data))
    if not text or text.isspace():  # what `not text.strip()` says, without copying the text
        return Failure("empty file" if not text else "empty file (only whitespace)")
    return normalize_newlines(text)


def escape_free(data: bytes) -> bool:
    """True when no string parsed from decode(data) can hold a NUL, a CR or a lone surrogate.

    decode refuses NUL characters, never makes a lone surrogate (strict codecs) and turns CRs
    into LFs; JSON strings refuse raw control characters and CSV fields are raw text, so only a
    \\u or \\r escape could bring one in. Checked on the UTF-8 bytes (one scan), so rows can skip
    their per-row scans; UTF-16 files always get the scans."""
    return not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not _ESCAPE.search(data)


def _nul_reason(data: bytes) -> str:
    """Why bytes with NULs are refused; UTF-16 without a byte-order mark gets its own advice."""
    for parity, name in ((1, "UTF-16-LE"), (0, "UTF-16-BE")):
        if len(data) % 2 or data[parity::2].count(0) != data.count(0):
            continue  # UTF-16 puts the NUL of ASCII characters on one side only
        try:
            text = data.decode(name.lower())
        except UnicodeDecodeError:
            continue
        if KHMER.search(text) and all(c.isprintable() or c.isspace() for c in text):
            return f"looks like {name} text without a byte-order mark: save it as UTF-8 (or UTF-16 with BOM)"
    return "binary file (contains NUL bytes), not text"


def normalize_newlines(text: str) -> str:
    """CRLF and CR line ends -> LF (offsets then mean the same on every platform)."""
    if "\r" not in text:  # a one-character search; "\r\n" is a slower substring search
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, suffix: str, clean: bool = False) -> list[Row] | Failure:
    """The rows of a decoded file, by its suffix (clean: escape_free said so of its bytes)."""
    if suffix in (".html", ".htm"):
        return parse_html(text)
    if suffix == ".jsonl":
        return parse_jsonl(text, clean)
    if suffix == ".json":
        return parse_json(text, clean)
    if suffix == ".csv":
        return parse_csv(text, clean)
    return [Row(1, text=text)]


def parse_html(text: str) -> list[Row] | Failure:
    """Main text of a saved web page (trafilatura) plus its title, canonical URL and date."""
    import trafilatura  # heavy import, only needed for HTML

    try:
        doc = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            date_extraction_params={"extensive_search": False},
        )
        body = (doc.text or "") if doc is not None else ""
        if not body.strip():
            body = trafilatura.baseline(text)[1] or _plain_text(text)
    except Exception as error:  # third-party parser on untrusted input: report, never crash
        return Failure(f"cannot parse HTML: {type(error).__name__}: {error}")
    if not body.strip():
        return Failure("no main text found in HTML page")
    if doc is None:
        return [Row(1, text=body)]
    return [Row(1, text=body, title=doc.title, url=doc.url, published=iso_date(doc.date))]


def _plain_text(markup: str) -> str:
    """All text of a fragment or tag-less page that main-text extraction finds nothing in."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for node in tree.xpath("//script|//style|//noscript"):
        node.drop_tree()
    return tree.text_content()


def parse_jsonl(text: str, clean: bool = False) -> list[Row]:
    """One JSON object per non-blank line; a bad line rejects only that row."""
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():  # `not line.strip()` without copying the line
            continue
        try:
            rows.append(record_row(number, _json_line(line), clean))
        except (ValueError, RecursionError) as error:
            rows.append(Row(number, error=f"invalid JSON: {error}"))
    return rows or [Row(1, error="no JSON records")]  # unreachable for non-blank text


_SCAN_ONCE = json.JSONDecoder().scan_once  # the C scanner json.loads ends in


def _json_line(line: str) -> object:
    """json.loads(line): a line that is one object and nothing else goes straight to the C
    scanner (json.loads adds three Python calls and two whitespace regexes, ~0.6 us a line);
    any other line, and any error, is left to json.loads itself."""
    if line[:1] == "{" and line[-1:] == "}":
        try:
            value, end = _SCAN_ONCE(line, 0)
        except (StopIteration, ValueError, RecursionError):
            return json.loads(line)
        if end == len(line):
            return value
    return json.loads(line)


def parse_json(text: str, clean: bool = False) -> list[Row] | Failure:
    """A JSON array of objects, one object (or {"articles": [...]}), or JSON Lines saved as .json."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        if text.lstrip().startswith("["):
            return Failure(f"invalid JSON: {error}")
        return parse_jsonl(text, clean)
    if isinstance(value, dict) and "text" not in value:
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else value  # a wrapper such as {"articles": [...]}
    if isinstance(value, list):
        rows = [record_row(i, item, clean) for i, item in enumerate(value, start=1)]
        return rows or Failure("empty JSON array")
    return [record_row(1, value, clean)]


def _csv_delimiter(header: str) -> str:
    """The delimiter that makes the header name a `text` column (comma when none does)."""
    for delimiter in (",", "\t", ";", "|"):
        if "text" in (name.strip().strip('"').lower() for name in header.split(delimiter)):
            return delimiter
    return ","


def parse_csv(text: str, clean: bool = False) -> list[Row] | Failure:
    """A CSV export (comma, tab, semicolon or pipe) with a header naming at least a `text` column."""
    csv.field_size_limit(50_000_000)  # whole articles sit in one field
    delimiter = _csv_delimiter(text.split("\n", 1)[0])
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [name.strip().lower() for name in reader.fieldnames or []]
        if "text" not in columns:
            return Failure(f"CSV has no 'text' column (columns: {', '.join(columns) or 'none'})")
        rows = []
        for number, raw in enumerate(reader, start=1):
            fields = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
            rows.append(record_row(number, fields, clean))
        return rows or Failure("CSV has a header but no rows")
    except csv.Error as error:
        return Failure(f"malformed CSV: {error}")


def record_row(number: int, value: object, clean: bool = False) -> Row:
    """A scraper record {text, title?, url?, published?} -> Row (error when unusable).

    clean: the strings cannot hold NUL, CR or lone surrogates (escape_free), so they are not scanned."""
    if not isinstance(value, dict):
        return Row(number, error=f"not an object but {type(value).__name__}")
    text = value.get("text")
    if not isinstance(text, str) or not text or text.isspace():  # `not text.strip()`, no copy
        return Row(number, error="missing or empty 'text'")
    if not clean:
        if "\x00" in text:
            return Row(number, error="'text' contains NUL characters")
        if SURROGATE.search(text):
            return Row(number, error="'text' contains invalid Unicode (an unpaired surrogate escape)")
        text = normalize_newlines(text)
    return Row(
        number,
        text,
        _optional_str(value.get("title"), clean),
        _optional_str(value.get("url"), clean),
        iso_date(value.get("published")),
    )


def _optional_str(value: object, clean: bool = False) -> str | None:
    """A non-blank string field; one that cannot be printed as UTF-8 counts as absent."""
    if not isinstance(value, str) or (not clean and SURROGATE.search(value)):
        return None
    return value.strip() or None


def iso_date(value: object) -> str | None:
    """A published date as ISO YYYY-MM-DD when parseable (ISO, d/m/Y, 'Fri, 26 July 2019 ...')."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(_KHMER_DIGITS)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    text = re.sub(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?.*$", "", text)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed.isoformat() if date(1900, 1, 1) <= parsed <= date(2100, 12, 31) else None
    return None
