"""Reading fast paths give exactly the slow paths' results: decode's byte checks, escape-free rows, file_hash."""

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from etl import read_formats
from etl.read import file_hash
from etl.read_formats import Failure, decode, escape_free, parse

# Characters the fast paths care about: NUL, CR, LF, surrogates (only as JSON escapes), Khmer, spaces.
_CHARS = st.sampled_from(["\x00", "\r", "\n", "\r\n", "\\", "\ud800", "\udfff", "\u17d2", "ក", " ", "a", "\u200b"])
_TEXT = st.lists(_CHARS | st.text(max_size=3), max_size=12).map("".join)
_VALUE = st.none() | st.integers() | _TEXT


def _reference_decode(data: bytes) -> str | Failure:
    """decode as it was before its byte-level checks (scans of the decoded text)."""
    if not data:
        return Failure("empty file")
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    encoding = next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return decode(data)  # the failure path is unchanged
    if "\x00" in text:
        return Failure(read_formats._nul_reason(data))
    if not text.strip():
        return Failure("empty file" if not text else "empty file (only whitespace)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | _TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_decode_matches_text_scans(body: bytes, bom: bytes) -> None:
    data = bom + body
    assert decode(data) == _reference_decode(data)


def _jsonl_bytes(records: list[dict], ascii_only: bool, newline: str) -> bytes:
    lines = [json.dumps(r, ensure_ascii=ascii_only) for r in records]
    return newline.join(lines).encode("utf-8", "surrogatepass")


_RECORD = st.fixed_dictionaries({"text": _VALUE}, optional={"title": _VALUE, "url": _VALUE})


@settings(max_examples=300, deadline=None)
@given(st.lists(_RECORD, min_size=1, max_size=4), st.booleans(), st.sampled_from(["\n", "\r\n"]))
def test_escape_free_rows_equal_scanned_rows(records: list[dict], ascii_only: bool, newline: str) -> None:
    data = _jsonl_bytes(records, ascii_only, newline)
    text = decode(data)
    if isinstance(text, Failure):
        return
    for suffix in (".jsonl", ".json"):
        assert parse(text, suffix, escape_free(data)) == parse(text, suffix, clean=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=4))
def test_escape_free_csv_rows_equal_scanned_rows(rows: list[tuple[str, str]]) -> None:
    quoted = ['"' + text.replace('"', '""') + '","' + title.replace('"', '""') + '"' for text, title in rows]
    data = "\n".join(["text,title", *quoted]).encode("utf-8", "surrogatepass")
    text = decode(data)
    if isinstance(text, Failure):
        return
    assert parse(text, ".csv", escape_free(data)) == parse(text, ".csv", clean=False)


def test_escape_free_only_without_escapes_that_decode_to_nul_cr_or_surrogates() -> None:
    assert escape_free('{"text": "ក\\nខ"}'.encode())
    assert not escape_free(b'{"text": "\\u0000"}')
    assert not escape_free(b'{"text": "\\ud800"}')
    assert not escape_free(b'{"text": "a\\rb"}')
    assert not escape_free('{"text": "ក"}'.encode("utf-16"))  # bytes of UTF-16 say nothing


def test_file_hash_same_object_and_fresh_bytes() -> None:
    data = "ក្រសួង".encode() * 1000
    expected = hashlib.sha256(data).hexdigest()[:16]
    assert file_hash(data) == file_hash(data) == expected
    assert file_hash(bytes(data)) == expected
    mutable = bytearray(data)
    assert file_hash(mutable) == expected
    mutable[0] = 0
    assert file_hash(mutable) == hashlib.sha256(mutable).hexdigest()[:16]
    assert file_hash(b"other") == hashlib.sha256(b"other").hexdigest()[:16]
    assert file_hash(data) == expected


def _loads_outcome(load, line: str) -> object:
    try:
        return ("value", load(line))
    except (ValueError, RecursionError) as error:
        return ("error", type(error), str(error))


_JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUE, st.sampled_from(["", " ", "\t", "x", "}", "{", ",", "\ufeff"]), st.booleans(), st.booleans())
def test_json_line_is_json_loads(value: object, junk: str, before: bool, ascii_only: bool) -> None:
    line = json.dumps(value, ensure_ascii=ascii_only)
    for candidate in (line, junk + line if before else line + junk, line[:-1], line[1:]):
        assert _loads_outcome(read_formats._json_line, candidate) == _loads_outcome(json.loads, candidate)


def test_blank_jsonl_lines_are_skipped_as_before() -> None:
    rows = read_formats.parse_jsonl('\n \t\n{"text": "ក"}\n\u3000\n{"text": " \\u2003 "}')
    assert [(row.number, row.error) for row in rows] == [(3, None), (5, "missing or empty 'text'")]
