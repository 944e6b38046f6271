"""`python -m etl extract`: JSON Lines output, keys in contract order, rejections and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import cli_extract
from etl.__main__ import main
from etl.read import Document, read_documents
from etl.record import RECORD_KEYS, empty_record

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
# A stand-in extractor, so these tests check the CLI and not the extraction rules.
STUB = (
    "import sys, etl.cli_extract as c\n"
    "from etl.record import empty_record\n"
    "def stub(doc):\n"
    "    r = empty_record(doc.source, doc.doc_id)\n"
    "    r.update(title=doc.title, url=doc.url, published=doc.published)\n"
    "    return r\n"
    "c.load_extractor = lambda: stub\n"
    "from etl.__main__ import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
FIXTURE_LINES = [
    ("article.md", "doc"),
    ("binary.txt", "binary file (contains NUL bytes), not text"),
    ("chrome_only.txt", "no article text left after removing page chrome"),
    ("empty.txt", "empty file"),
    ("export.csv#row-1", "doc"),
    ("export.csv#row-2", "missing or empty 'text'"),
    ("export.csv#row-3", "doc"),
    ("invalid_encoding.txt", "not UTF-8 or UTF-16 text (invalid byte 0xff at offset 15)"),
    ("no_khmer.txt", "no Khmer text"),
    ("page.html", "doc"),
    ("rows.json#row-1", "doc"),
    ("rows.json#row-2", "doc"),
    ("rows.jsonl#row-1", "doc"),
    (
        "rows.jsonl#row-2",
        "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    ("rows.jsonl#row-4", "missing or empty 'text'"),
    ("rows.jsonl#row-5", "no Khmer text"),
    ("rows.jsonl#row-6", "doc"),
    ("rows.jsonl#row-7", "not an object but list"),
    ("saved_page.htm", "doc"),
    ("utf16_bom.txt", "doc"),
    ("utf16be_bom.txt", "doc"),
    ("utf8_bom.txt", "doc"),
    ("whitespace.txt", "empty file (only whitespace)"),
]


def fake_extract(doc: Document) -> dict:
    record = empty_record(doc.source, doc.doc_id)
    record.update(title=doc.title, url=doc.url, published=doc.published)
    record["is_meeting"] = "កិច្ចប្រជុំក្រុមការងារ" in doc.text
    return record


@pytest.fixture
def stub_extractor(monkeypatch):
    monkeypatch.setattr(cli_extract, "load_extractor", lambda: fake_extract)


def run_cli(*args: str, stub: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}  # UTF-8 must be forced
    command = ["-c", STUB, *args] if stub else ["-m", "etl", *args]
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, timeout=300
    )


def parse_lines(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def summary(records: list[dict]) -> list[tuple[str, str]]:
    return [(r["source"].split("/")[-1], r.get("error", "doc")) for r in records]


def test_fixture_folder_subprocess_prints_docs_and_rejections():
    done = run_cli("extract", "tests/fixtures/inputs")
    records = parse_lines(done.stdout)
    assert done.returncode == 1, done.stderr
    assert summary(records) == FIXTURE_LINES
    for record in records:
        keys = ("source", "error") if "error" in record else RECORD_KEYS
        assert tuple(record) == keys
    assert b"\\u17" not in done.stdout  # Khmer is not escaped
    assert "កិច្ចប្រជុំក្រុមការងារបច្ចេកទេសសុខាភិបាល".encode() in done.stdout  # unescaped title
    assert b"11 input(s) rejected" in done.stderr


def test_missing_path_is_a_usage_error():
    done = run_cli("extract", "data/raw", "no/such/dir")
    assert (done.returncode, done.stdout) == (2, b"")
    assert b"error: no such file or directory: no/such/dir" in done.stderr


def test_no_path_is_a_usage_error():
    done = run_cli("extract")
    assert done.returncode == 2 and b"PATH" in done.stderr


def test_all_good_inputs_exit_zero(stub_extractor, capsys):
    assert main(["extract", str(FIXTURES / "utf8_bom.txt"), str(FIXTURES / "rows.json")]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in records] == [
        "កិច្ចប្រជុំក្រុមការងារបច្ចេកទេសសុខាភិបាល",
        "កិច្ចប្រជុំក្រុមការងារបច្ចេកទេសសុខាភិបាល",
        "សៀមរាប ៖ រដ្ឋបាលខេត្តសៀមរាប បានបើកកិច្ចប្រជុំប្រចាំខែ។",
    ]
    assert [r["published"] for r in records] == [None, "2024-03-15", "2019-07-26"]


def test_only_meetings_filters_documents_but_keeps_rejections(stub_extractor, capsys):
    code = main(["extract", "--only-meetings", str(FIXTURES / "rows.jsonl")])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    rows = dict(FIXTURE_LINES)
    kept = [
        "rows.jsonl#row-1",
        "rows.jsonl#row-2",
        "rows.jsonl#row-4",
        "rows.jsonl#row-5",
        "rows.jsonl#row-7",
    ]
    assert summary(records) == [(source, rows[source]) for source in kept]  # row-6 is no meeting


@pytest.mark.parametrize(
    ("count", "tty", "bar"), [(25, True, True), (25, False, False), (3, True, False)]
)
def test_progress_bar_only_on_a_terminal_for_many_files(
    stub_extractor, capsys, monkeypatch, tmp_path, count, tty, bar
):
    for i in range(count):
        (tmp_path / f"{i:02}.txt").write_text(f"អត្ថបទទី {i}", encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert main(["extract", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        f"អត្ថបទទី {i}" for i in range(count)
    ]
    assert (f"{count}/{count}" in err) is bar  # the bar goes to stderr, never into the JSON Lines


def test_seeds_with_the_real_extractor():
    done = run_cli("extract", "data/raw", stub=False)
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [Path(r["source"]).name for r in records] == sorted(
        p.name for p in (ROOT / "data/raw").glob("*.txt")
    )
    assert all(tuple(r) == RECORD_KEYS for r in records)
    assert all("\\u17" not in line for line in lines)  # Khmer is not escaped
    assert all(len(r["doc_id"]) == 16 for r in records) and any(r["is_meeting"] for r in records)
    docs = {doc.source: doc for doc in read_documents([ROOT / "data/raw"])}
    for record in records:  # evidence offsets index Document.text as read
        text = docs[str(ROOT / record["source"])].text
        assert record["doc_id"] == docs[str(ROOT / record["source"])].doc_id
        for span in record["evidence"].values():
            assert text[span["start"] : span["end"]] == span["text"]
