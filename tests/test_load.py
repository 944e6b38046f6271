"""Loading rows and corrections: replaced files, kept good data, curated values, schema migration."""

import duckdb
import pyarrow as pa

from etl.batch import all_new
from etl.corrections import apply_corrections, read_corrections
from etl.load import Batch, save_batch, save_migrated, save_schema
from tests.test_dedup import build, record, regroup


def file_row(path, doc_ids, status="loaded"):
    return {"path": path, "file_hash": "h-" + "-".join(doc_ids), "size": 1, "mtime_ns": 2,
            "status": status, "n_docs": len(doc_ids), "doc_ids": doc_ids}


def doc_ids(con):
    return sorted(r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall())


def test_changed_file_replaces_its_documents_and_keeps_the_meeting_id():
    con = build([record("a1"), record("x9", province="Kandal")])
    rec, doc = record("b2", province="Kandal", lead="Ministry of Health")
    doc["source"] = "x9.txt"  # the edited version of x9.txt
    save_batch(con, Batch(documents=[doc], records=[rec], files=[file_row("x9.txt", ["b2"])]), 2)
    regroup(con)
    assert doc_ids(con) == ["a1", "b2"]
    rows = con.execute("SELECT meeting_id, lead_ministry FROM meetings ORDER BY 1").fetchall()
    assert rows == [("ma1", "Ministry of Commerce"), ("mx9", "Ministry of Health")]


def test_a_file_that_turns_bad_keeps_its_last_good_documents():
    con = build([record("a1")])
    bad = Batch(files=[file_row("a1.txt", [], status="rejected")],
                rejected=[{"source": "a1.txt", "reason": "empty text", "file_hash": "zz"}])
    save_batch(con, bad, 2)
    assert doc_ids(con) == ["a1"]
    assert con.execute("SELECT status, doc_ids FROM source_files").fetchall() == [("rejected", ["a1"])]
    assert con.execute("SELECT source, reason, run_id FROM rejected_inputs").fetchall() == [
        ("a1.txt", "empty text", 2)]


def test_read_corrections_skips_blank_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("target_id,field,value,note,author,corrected_on\n"
                    "ma1,province,Kandal,moved,me,2024-01-02\n,,,,,\n", encoding="utf-8")
    assert read_corrections(path) == [{"target_id": "ma1", "field": "province", "value": "Kandal",
                                       "note": "moved", "author": "me", "corrected_on": "2024-01-02"}]
    assert read_corrections(tmp_path / "missing.csv") == []


def correction(target, field, value):
    return {"target_id": target, "field": field, "value": value, "note": "n", "author": "a",
            "corrected_on": "2024-01-02"}


def test_corrections_win_and_are_recorded():
    con = build([record("a1", date=None), record("x9", province="Kandal")])
    con.execute("INSERT INTO dim_provinces VALUES ('KH-8', 'Kandal', 'កណ្តាល', 11.2, 105.1)")
    rows = [correction("a1", "meeting_date", "2023-12-22"),  # by doc_id
            correction("mx9", "partners", "UNICEF; WHO"),
            correction("ma1", "province", "Kandal"),
            correction("nope", "province", "Kandal"),
            correction("mx9", "colour", "red"),
            correction("mx9", "participants", "many")]
    assert apply_corrections(con, rows) == 3
    got = con.execute("SELECT meeting_id, meeting_date, date_precision, province, province_code,"
                      " corrected_fields FROM meetings ORDER BY 1").fetchall()
    assert [(m, str(d), p, prov, code, f) for m, d, p, prov, code, f in got] == [
        ("ma1", "2023-12-22", "day", "Kandal", "KH-8", ["meeting_date", "province"]),
        ("mx9", "2019-07-26", "day", "Kandal", None, ["partners"]),
    ]
    assert con.execute("SELECT partner FROM meeting_partners WHERE meeting_id = 'mx9' ORDER BY 1"
                       ).fetchall() == [("UNICEF",), ("WHO",)]
    status = con.execute("SELECT target_id, applied, problem IS NULL FROM corrections").fetchall()
    assert status == [("a1", True, True), ("mx9", True, True), ("ma1", True, True),
                      ("nope", False, False), ("mx9", False, False), ("mx9", False, False)]


def test_is_meeting_false_removes_the_meeting():
    con = build([record("a1"), record("x9", province="Kandal")])
    assert apply_corrections(con, [correction("x9", "is_meeting", "false")]) == 1
    assert con.execute("SELECT meeting_id FROM meetings").fetchall() == [("ma1",)]


def test_migration_copies_shared_columns(tmp_path):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR, extra INT)")
    con.execute("INSERT INTO warehouse_meta VALUES ('dataset', 'demo', 1)")
    con.close()
    new = duckdb.connect()
    save_schema(new)
    assert "warehouse_meta" not in save_migrated(new, old)
    assert new.execute("SELECT * FROM warehouse_meta").fetchall() == [("dataset", "demo")]


def arrow_batch(*doc_ids: str) -> Batch:
    """A batch of Arrow tables as the ingest workers send them (two files)."""
    recs = [record(doc_id) for doc_id in doc_ids]
    half = len(recs) // 2 or 1
    tables = lambda rows: [pa.Table.from_pylist(rows[:half]), pa.Table.from_pylist(rows[half:])]  # noqa: E731
    evidence = [{"doc_id": d, "field": "province", "snippet": "s", "start_pos": 0, "end_pos": 1} for d in doc_ids]
    return Batch(documents=tables([d for _, d in recs]), records=tables([r for r, _ in recs]),
                 evidence=tables(evidence))


def test_all_new_batches_take_plain_inserts_and_repeats_fall_back_to_first_copies():
    known: set[str] = {"z0"}
    assert all_new(arrow_batch("a1", "b2", "c3"), known) and known == {"z0", "a1", "b2", "c3"}
    assert not all_new(arrow_batch("d4", "d4"), known) and "d4" in known  # twice in the batch
    assert not all_new(arrow_batch("e5", "a1"), known) and "e5" in known  # stored before
    assert not all_new(arrow_batch("f6"), None) and "f6" not in known
    con = build([record("a1")])
    known = {"a1"}
    save_batch(con, arrow_batch("a1", "g7", "g7"), 2, known)  # falls back: first copy wins, no error
    assert doc_ids(con) == ["a1", "g7"]
    save_batch(con, arrow_batch("g7", "h8"), 3, known)  # g7 was stored by the fallback batch
    save_batch(con, arrow_batch("i9", "j10"), 4, known)
    assert doc_ids(con) == ["a1", "g7", "h8", "i9", "j10"]
    # build() stored a1 without evidence; a1's repeat adds none (evidence is its stored copy's).
    assert con.execute("SELECT doc_id FROM evidence ORDER BY 1").fetchall() == [
        ("g7",), ("h8",), ("i9",), ("j10",)]


def unit(*docs: tuple[str, str, list[str]]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """One work unit's tables: (doc_id, province, evidence fields) per document."""
    pairs = [record(doc_id, province=province) for doc_id, province, _ in docs]
    for (rec, doc), (_, province, _) in zip(pairs, docs, strict=True):
        doc["title"] = f"{rec['doc_id']} in {province}"
    evidence = [{"doc_id": doc_id, "field": name, "snippet": province, "start_pos": 0, "end_pos": 1}
                for doc_id, province, fields in docs for name in fields]
    schema = pa.schema([("doc_id", pa.string()), ("field", pa.string()), ("snippet", pa.string()),
                        ("start_pos", pa.int32()), ("end_pos", pa.int32())])
    return (pa.Table.from_pylist([d for _, d in pairs]), pa.Table.from_pylist([r for r, _ in pairs]),
            pa.Table.from_pylist(evidence, schema=schema))


def test_a_repeated_document_is_stored_once_as_its_first_copy_with_that_copys_record_and_evidence():
    con = build([record("z0")])
    units = [unit(("x1", "Kandal", ["date", "province"]), ("y2", "Takeo", ["province"])),
             unit(("x1", "Kampot", ["organizer"]), ("z0", "Kep", ["province"]), ("w3", "Kep", []))]
    batch = Batch(*(list(tables) for tables in zip(*units, strict=True)))
    save_batch(con, batch, 2, known={"z0"})
    assert con.execute("SELECT doc_id, title FROM documents ORDER BY 1").fetchall() == [
        ("w3", "w3 in Kep"), ("x1", "x1 in Kandal"), ("y2", "y2 in Takeo"), ("z0", "title z0")]
    assert con.execute("SELECT doc_id, province FROM doc_records ORDER BY 1").fetchall() == [
        ("w3", "Kep"), ("x1", "Kandal"), ("y2", "Takeo"), ("z0", "Siem Reap")]
    assert con.execute("SELECT doc_id, field, snippet FROM evidence ORDER BY 1, 2").fetchall() == [
        ("x1", "date", "Kandal"), ("x1", "province", "Kandal"), ("y2", "province", "Takeo")]


def test_a_document_repeated_in_one_table_leaves_one_evidence_row_set():
    con = build([])
    rec, doc = record("x1")
    evidence = [{"doc_id": "x1", "field": f, "snippet": "s", "start_pos": 0, "end_pos": 1}
                for f in ("date", "province")]
    save_batch(con, Batch(documents=[doc, doc], records=[rec, rec], evidence=evidence * 2), 1)
    counts = ("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM doc_records),"
              " (SELECT count(*) FROM evidence)")
    assert con.execute(counts).fetchone() == (1, 1, 2)
    save_batch(con, Batch(documents=[doc], records=[rec], evidence=evidence), 2)  # stored already
    assert con.execute(counts).fetchone() == (1, 1, 2)
