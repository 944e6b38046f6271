"""Ingest end to end: round trip, idempotence, edits, corrections, bad input, CLI exit codes, lock."""

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from analytics.db import connection as db_connection
from analytics.db import has_aggregates
from etl import ingest, warehouse_build
from etl.extract import extract_record
from etl.ingest import ingest_paths
from etl.ingest_files import RECORD_COLUMNS, read_part, splittable
from etl.publish import locked
from etl.read import Rejected, file_hash, read_file

ROOT = Path(__file__).resolve().parent.parent
NO_CORRECTIONS = ROOT / "tests" / "no-such-corrections.csv"
SCALARS = ("title", "meeting_date", "date_year_inferred", "date_text", "province", "province_code",
           "lead_ministry", "organizer", "chair", "chair_title", "semester", "period",
           "meeting_type", "online", "participants", "confidence")


def query(db: Path, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def as_text(value):
    return value.isoformat() if isinstance(value, date) else value


@pytest.fixture
def seeds(tmp_path, seeds_dir) -> Path:
    """A private copy of the seed articles (tests edit files)."""
    folder = tmp_path / "raw"
    shutil.copytree(seeds_dir, folder)
    return folder


def test_round_trip_equals_the_extractors_records(seeds, tmp_path):
    db = tmp_path / "w.duckdb"
    summary = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    assert (summary.files_seen, summary.files_new, summary.rejected) == (5, 5, [])
    for path in sorted(seeds.iterdir()):
        doc = read_file(path)[0]
        expected = extract_record(doc)
        stored = query(db, f"SELECT {', '.join(RECORD_COLUMNS)} FROM doc_records WHERE doc_id = ?",  # noqa: S608
                       [doc.doc_id])
        assert [as_text(v) for v in stored[0]] == [expected[k] for k in RECORD_COLUMNS]
        if not expected["is_meeting"]:
            continue
        cols = ", ".join(f"m.{c}" for c in SCALARS)
        row = query(db, f"SELECT {cols}, m.ministries, m.partners, m.n_sources FROM meetings_flat m"  # noqa: S608
                    " JOIN meeting_sources s USING (meeting_id) WHERE s.doc_id = ?", [doc.doc_id])[0]
        want = [doc.title] + [expected[k] for k in SCALARS[1:]]
        assert [as_text(v) for v in row[:-3]] == want
        assert row[-3:] == (sorted(set(expected["ministries"]) | ({expected["lead_ministry"]} - {None})),
                            expected["partners"], 1)
        evidence = query(db, "SELECT field, snippet, start_pos, end_pos FROM evidence WHERE doc_id = ?"
                         " ORDER BY field", [doc.doc_id])
        assert evidence == [(k, v["text"], v["start"], v["end"])
                            for k, v in sorted(expected["evidence"].items())]
        for _, snippet, start, end in evidence:
            assert doc.text[start:end] == snippet


def edit(text: str) -> str:
    """The article with one sentence added at the start of its second line (kept by the reader)."""
    return text.replace("\n", "\nកិច្ចប្រជុំនេះមានអ្នកចូលរួម ៥០ នាក់។ ", 1)


def snapshot(db: Path):
    tables = ("documents", "doc_records", "evidence", "meetings", "meeting_ministries",
              "meeting_partners", "meeting_sources", "corrections", "ingest_runs")
    return {t: sorted(map(repr, query(db, f"SELECT * FROM {t}"))) for t in tables}  # noqa: S608


def test_second_ingest_adds_nothing_and_edit_updates_its_meeting(seeds, tmp_path):
    db = tmp_path / "w.duckdb"
    first = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    before = snapshot(db)
    again = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    assert (again.files_unchanged, again.files_new, again.files_changed) == (5, 0, 0)
    assert (again.meetings_added, again.meetings_updated, again.published) == (0, 0, False)
    assert snapshot(db) == before
    # An edited article replaces its old document and updates the same meeting.
    path = seeds / "002_b8d4808fd10a6c62.txt"
    old_doc = read_file(path)[0]
    old_id = query(db, "SELECT meeting_id FROM meeting_sources WHERE doc_id = ?", [old_doc.doc_id])
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    edited = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    assert (edited.files_changed, edited.files_unchanged, edited.meetings_added) == (1, 4, 0)
    new_doc = read_file(path)[0]
    assert query(db, "SELECT count(*) FROM documents WHERE doc_id = ?", [old_doc.doc_id]) == [(0,)]
    assert query(db, "SELECT meeting_id FROM meeting_sources WHERE doc_id = ?", [new_doc.doc_id]) == old_id
    assert query(db, "SELECT count(*) FROM documents") == [(first.files_new,)]
    assert len(query(db, "SELECT * FROM ingest_runs")) == 2


def test_correction_wins_and_survives_reingest(seeds, tmp_path):
    db = tmp_path / "w.duckdb"
    corrections = ROOT / "data" / "corrections.csv"
    seed = read_file(seeds / "000_3b02897027739fc9.txt")[0]
    assert query_first_target(corrections) == seed.doc_id, "seed 000's doc_id changed: update corrections.csv"
    ingest_paths([seeds], db, corrections, progress=False, workers=1)
    sql = ("SELECT m.meeting_date, m.date_precision, m.corrected_fields FROM meetings m"
           " JOIN meeting_sources s USING (meeting_id) WHERE s.doc_id = ?")
    expected = [(date(2023, 12, 22), "day", ["meeting_date"])]
    assert query(db, sql, [seed.doc_id]) == expected
    assert query(db, "SELECT applied, problem FROM corrections") == [(True, None)]
    (seeds / "extra.txt").write_text(edit((seeds / "004_dde3f2ca690f9001.txt").read_text(
        encoding="utf-8")), encoding="utf-8")
    ingest_paths([seeds], db, corrections, progress=False, workers=1)
    assert query(db, sql, [seed.doc_id]) == expected
    # The read-side tables are built after the corrections: the dashboard uses them, and they agree.
    with db_connection(db) as con:
        assert has_aggregates(con)
        facts = con.execute("SELECT meeting_date FROM meeting_facts WHERE meeting_id = ("
                            "SELECT meeting_id FROM meeting_sources WHERE doc_id = ?)", [seed.doc_id]).fetchall()
    assert facts == [(date(2023, 12, 22),)]


def query_first_target(corrections: Path) -> str:
    return corrections.read_text(encoding="utf-8").splitlines()[1].split(",")[0]


def test_bad_inputs_are_recorded_and_good_ones_load(seeds, tmp_path):
    bad = {"binary.txt": b"\x00\x01\x02PNG" * 100, "latin1.txt": "caf\xe9 ".encode("latin-1") * 50,
           "empty.txt": b""}
    for name, data in bad.items():
        (seeds / name).write_bytes(data)
    with open(seeds / "huge.txt", "wb") as handle:  # 50 MB, sparse: nothing is really written
        handle.truncate(50_000_000)
    db = tmp_path / "w.duckdb"
    summary = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=2)
    assert (summary.files_seen, summary.files_new, summary.files_rejected) == (9, 5, 4)
    rejected = dict(query(db, "SELECT source, reason FROM rejected_inputs"))
    assert sorted(Path(s).name for s in rejected) == sorted([*bad, "huge.txt"])
    assert "too large" in rejected[str(seeds / "huge.txt")]
    assert query(db, "SELECT count(*) FROM documents") == [(5,)]
    again = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    assert (again.files_unchanged, again.rejected, again.published) == (9, [], False)


def run_cli(*args) -> int:
    from etl.__main__ import main
    return main(["ingest", "--quiet", "--workers", "1", *map(str, args)])


def test_cli_exit_codes(seeds, tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert run_cli(seeds, "--db", db, "--corrections", NO_CORRECTIONS, "--dataset", "test") == 0
    out = capsys.readouterr().out
    assert "files seen 5: new 5" in out and "warehouse published" in out
    assert query(db, "SELECT value FROM warehouse_meta WHERE key = 'dataset'") == [("test",)]
    (seeds / "empty.txt").write_bytes(b"")
    assert run_cli(seeds, "--db", db, "--corrections", NO_CORRECTIONS) == ingest.EXIT_REJECTED
    assert "rejected" in capsys.readouterr().out
    assert run_cli(tmp_path / "missing", "--db", db) == ingest.EXIT_USAGE
    bad = tmp_path / "bad.csv"
    bad.write_text("id,what\n", encoding="utf-8")
    assert run_cli(seeds, "--db", db, "--corrections", bad) == ingest.EXIT_USAGE


def test_second_ingest_waits_for_the_lock_then_fails_clearly(seeds, tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with locked(db):
        code = run_cli(seeds, "--db", db, "--lock-timeout", "0.5")
    assert code == ingest.EXIT_LOCKED
    assert "another ingest" in capsys.readouterr().err
    assert not db.exists()


def test_deleted_file_keeps_its_documents(seeds, tmp_path):
    db = tmp_path / "w.duckdb"
    ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    before = snapshot(db)
    (seeds / "003_2d924470ee09dbe4.txt").unlink()
    summary = ingest_paths([seeds], db, NO_CORRECTIONS, progress=False, workers=1)
    assert (summary.files_seen, summary.files_unchanged, summary.published) == (4, 4, False)
    assert snapshot(db) == before  # the warehouse is an archive: nothing is dropped


def jsonl_export(folder: Path, texts: list[str], eol: str = "\n", bom: str = "") -> Path:
    """A scraper export with good rows, a bad line, blank and Unicode-blank lines, a repeat."""
    rows = [json.dumps({"text": t, "title": f"t{i}"}, ensure_ascii=False) for i, t in enumerate(texts)]
    rows[1:1] = ["{not json", "", "\u3000", json.dumps({"title": "no text"})]
    rows.append(rows[0])
    path = folder / "export.jsonl"
    path.write_bytes((bom + eol.join(rows) + eol).encode("utf-8"))
    return path


def read_in_parts(path: Path, parts: int) -> list:
    data = path.read_bytes()
    return [item for part in range(parts)
            for item in read_part(path, data, file_hash(data), part, parts)]


def test_parts_of_a_jsonl_file_read_exactly_like_the_whole_file(seeds, tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    path = jsonl_export(tmp_path, texts)
    assert splittable(path, path.read_bytes())
    whole = read_file(path)
    assert sum(isinstance(item, Rejected) for item in whole) == 2
    for parts in (2, 3, 7, 40):
        assert read_in_parts(path, parts) == whole


@pytest.mark.parametrize(("eol", "bom"), [("\r\n", ""), ("\n", "\ufeff")])
def test_a_jsonl_file_that_cannot_be_split_is_read_whole_by_its_first_part(seeds, tmp_path, eol, bom):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    path = jsonl_export(tmp_path, texts, eol, bom)
    assert not splittable(path, path.read_bytes())
    assert read_in_parts(path, 3) == read_file(path)


def test_work_units_keep_the_input_order_group_small_files_and_split_big_jsonl():
    scanned = [("/a", "a.txt", None, 10), ("/b", "b.txt", "h", 20), ("/c", "c.jsonl", None, 2_000_000),
               ("/d", "d.txt", None, 30), ("/e", "e.html", None, 900_000), ("/f", "f.txt", None, 5)]
    units = warehouse_build.plan_units(scanned, workers=2)
    assert units == [[("/a", "a.txt", None, 0, 1), ("/b", "b.txt", "h", 0, 1)],
                     *[[("/c", "c.jsonl", None, part, 8)] for part in range(8)],
                     [("/d", "d.txt", None, 0, 1)], [("/e", "e.html", None, 0, 1)],
                     [("/f", "f.txt", None, 0, 1)]]


def test_split_files_in_the_pool_load_the_same_warehouse(seeds, tmp_path, monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl_export(inputs, texts)
    shutil.copy(seeds / "000_3b02897027739fc9.txt", inputs)
    one = ingest_paths([inputs], tmp_path / "one.duckdb", NO_CORRECTIONS, progress=False, workers=1)
    monkeypatch.setattr(warehouse_build, "INLINE_BYTES", 0)
    monkeypatch.setattr(warehouse_build, "UNIT_BYTES", (4000, 4000))  # the export in several parts
    two = ingest_paths([inputs], tmp_path / "two.duckdb", NO_CORRECTIONS, progress=False, workers=2)
    assert (two.files_new, two.files_rejected, two.rejected) == (one.files_new, 1, one.rejected)
    assert rows_without_times(tmp_path / "two.duckdb") == rows_without_times(tmp_path / "one.duckdb")


def test_commits_during_the_load_change_nothing(seeds, tmp_path, monkeypatch):
    """The load commits every COMMIT_DOCS documents (one open transaction held all rows in memory:
    10 GB at 1M articles); committing after every batch of one document loads the same warehouse."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl_export(inputs, texts)
    shutil.copy(seeds / "000_3b02897027739fc9.txt", inputs)  # a repeat of a text in the export
    ingest_paths([inputs], tmp_path / "one.duckdb", NO_CORRECTIONS, progress=False, workers=1)
    commits = []
    monkeypatch.setattr(warehouse_build, "BATCH_DOCS", 1)
    monkeypatch.setattr(warehouse_build, "COMMIT_DOCS", 1)
    monkeypatch.setattr(warehouse_build, "INLINE_BYTES", 0)
    monkeypatch.setattr(warehouse_build, "UNIT_BYTES", (4000, 4000))  # several work units, so several batches
    real_flush = warehouse_build.Build._flush

    def counting_flush(self):
        real_flush(self)
        commits.append(self.uncommitted == 0)

    monkeypatch.setattr(warehouse_build.Build, "_flush", counting_flush)
    ingest_paths([inputs], tmp_path / "many.duckdb", NO_CORRECTIONS, progress=False, workers=2)
    assert len(commits) >= 3 and all(commits)
    assert rows_without_times(tmp_path / "many.duckdb") == rows_without_times(tmp_path / "one.duckdb")


def rows_without_times(db: Path) -> dict[str, list[str]]:
    tables = ("documents", "doc_records", "evidence", "meetings", "meeting_ministries",
              "meeting_partners", "meeting_sources", "source_files")
    found = {t: sorted(map(repr, query(db, f"SELECT * EXCLUDE (ingested_at) FROM {t}"  # noqa: S608
                                         if t == "documents" else f"SELECT * FROM {t}")))  # noqa: S608
             for t in tables}
    found["rejected_inputs"] = query(db, "SELECT source, reason, file_hash FROM rejected_inputs ORDER BY 1")
    assert found["documents"] and found["rejected_inputs"]
    return found


def test_pool_works_when_main_is_a_streamlit_page(seeds, tmp_path):
    """Streamlit (and AppTest) install the page script as __main__; the workers must not import it."""
    page = tmp_path / "page.py"
    page.write_text("raise SystemExit('the page script ran in a worker')\n", encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl_export(inputs, [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))])
    script = f"""
import sys, types
page = types.ModuleType("__main__")
page.__file__ = {str(page)!r}
sys.modules["__main__"] = page
from etl import warehouse_build
from etl.ingest import ingest_paths
warehouse_build.INLINE_BYTES, warehouse_build.UNIT_BYTES = 0, (4000, 4000)
summary = ingest_paths([{str(inputs)!r}], {str(tmp_path / "w.duckdb")!r}, {str(NO_CORRECTIONS)!r},
                       progress=False, workers=2)
print(summary.files_new, summary.meetings_added)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "5"]



def test_changed_files_in_one_group_with_a_batch_per_file_keep_every_document(seeds, tmp_path, monkeypatch):
    """A group's rows travel with its last file; a changed file that keeps some rows loses none of them."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl_export(inputs, texts[:3])
    for i, text in enumerate(texts[3:]):
        (inputs / f"a{i}.txt").write_text(text, encoding="utf-8")  # before export.jsonl
    monkeypatch.setattr(warehouse_build, "BATCH_DOCS", 1)  # a flush after every file with documents
    db, fresh = tmp_path / "w.duckdb", tmp_path / "fresh.duckdb"
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    jsonl_export(inputs, [texts[0], edit(texts[1]), texts[2]])  # two rows kept, one changed
    (inputs / "a0.txt").write_text(edit(texts[3]), encoding="utf-8")
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    ingest_paths([inputs], fresh, NO_CORRECTIONS, progress=False, workers=1)
    listed = "SELECT DISTINCT u.doc_id FROM source_files, unnest(doc_ids) AS u(doc_id) ORDER BY 1"
    present = ("SELECT DISTINCT d.doc_id FROM documents d JOIN doc_records r USING (doc_id) WHERE d.doc_id IN"
               " (SELECT u.doc_id FROM source_files, unnest(doc_ids) AS u(doc_id)) ORDER BY 1")
    assert len(query(db, listed)) == 5
    assert query(db, listed) == query(fresh, listed) == query(db, present)
