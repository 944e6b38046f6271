"""The same text twice (a copied file, a repeated jsonl row): stored once, as its first copy."""

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import warehouse_build
from etl.ingest import ingest_paths
from etl.ingest_files import process_group
from tests.test_ingest import NO_CORRECTIONS, edit, jsonl_export, rows_without_times

REPEATS = {  # each query returns the keys that occur more than once (or evidence without a document)
    "documents": "SELECT doc_id FROM documents GROUP BY ALL HAVING count(*) > 1",
    "doc_records": "SELECT doc_id FROM doc_records GROUP BY ALL HAVING count(*) > 1",
    "evidence": "SELECT doc_id, field FROM evidence GROUP BY ALL HAVING count(*) > 1",
    "orphans": "SELECT doc_id FROM evidence EXCEPT SELECT doc_id FROM documents",
}


def repeats(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in REPEATS.items()}
    finally:
        con.close()


def test_a_work_unit_sends_each_document_once(seeds_dir, tmp_path):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    for name in ("a.txt", "b.txt"):
        shutil.copy(seed, tmp_path / name)
    tasks = [(str(tmp_path / n), str(tmp_path / n), None, 0, 1) for n in ("a.txt", "b.txt")]
    first, second = process_group(tasks)
    assert first.file_row["doc_ids"] == second.file_row["doc_ids"]  # both files list the document
    assert [t.num_rows for t in second.documents + second.records] == [1, 1]
    fields = second.evidence[0].column("field").to_pylist()
    assert fields and len(fields) == len(set(fields))


@pytest.mark.parametrize("batch_docs", [1, 10_000])
def test_repeats_within_and_across_batches_are_stored_once(seeds_dir, tmp_path, monkeypatch, batch_docs):
    """A repeated jsonl row, and copies of one article under other names, before and after it."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl_export(inputs, texts)  # repeats its first row
    (inputs / "a-copy.txt").write_text(texts[1], encoding="utf-8")
    (inputs / "z-copy.txt").write_text(texts[2], encoding="utf-8")
    monkeypatch.setattr(warehouse_build, "BATCH_DOCS", batch_docs)
    db = tmp_path / "w.duckdb"
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    assert repeats(db) == {name: [] for name in REPEATS}
    # One batch or one per file (repeats then meet stored documents): the same warehouse.
    monkeypatch.setattr(warehouse_build, "BATCH_DOCS", 10_000 if batch_docs == 1 else 1)
    other = tmp_path / "other.duckdb"
    ingest_paths([inputs], other, NO_CORRECTIONS, progress=False, workers=1)
    assert rows_without_times(db) == rows_without_times(other)
    # Editing either copy keeps the text the other file still holds (the stored copy as it was).
    (inputs / "a-copy.txt").write_text(edit(texts[1]), encoding="utf-8")  # stored first
    (inputs / "z-copy.txt").write_text(edit(texts[2]), encoding="utf-8")  # the repeat
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    assert repeats(db) == {name: [] for name in REPEATS}
    fresh = tmp_path / "fresh.duckdb"
    ingest_paths([inputs], fresh, NO_CORRECTIONS, progress=False, workers=1)
    assert stored_and_listed(db) == stored_and_listed(fresh)


def stored_and_listed(db: Path) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(sql).fetchall() for sql in (
            "SELECT doc_id FROM documents JOIN doc_records USING (doc_id) ORDER BY 1",
            "SELECT DISTINCT u.doc_id FROM source_files, unnest(doc_ids) AS u(doc_id) ORDER BY 1"))
    finally:
        con.close()
