"""Extracted rows -> warehouse tables: bulk inserts (Arrow tables, never row by row) and deletes.

`save_*` write into an open DuckDB connection; `load_*` read stored state back. Rows arrive as
Arrow tables built by etl/ingest_files.py (or as plain dicts, e.g. from tests); each save takes a
whole batch.
"""

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.batch import Batch, Rows, all_new, as_table, first_copies

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.sql"

# Columns that arrive as ISO strings and are cast by DuckDB on insert.
_DATE_COLUMNS = {"published", "meeting_date"}


def save_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of etl/schema.sql (no-op for existing tables)."""
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, ignore: bool = False) -> None:
    """Insert `rows` into `table` by column name, in one statement."""
    if not rows:
        return
    arrow = as_table(rows)
    columns = ", ".join(
        f"TRY_CAST({name} AS DATE) AS {name}" if name in _DATE_COLUMNS else name
        for name in arrow.column_names
    )
    con.register("_rows", arrow)
    try:
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        con.execute(f"{verb} INTO {table} BY NAME SELECT {columns} FROM _rows")  # noqa: S608 (own names)
    finally:
        con.unregister("_rows")


def delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    """Remove documents with their records and evidence (meetings are rebuilt afterwards)."""
    if not doc_ids:
        return
    con.register("_gone", pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
    try:
        for table in ("evidence", "doc_records", "documents"):
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _gone)")  # noqa: S608
    finally:
        con.unregister("_gone")


def save_batch(con: duckdb.DuckDBPyConnection, batch: Batch, run_id: int, known: set[str] | None = None,
               atomic: bool = True) -> None:
    """Write one batch: replace changed files' documents, insert new ones (each document once).

    known: every doc_id that may already be stored (kept up to date here). When the batch's
    documents are all new and distinct, its tables go in as they are; otherwise only the first
    copy of each document not stored yet (etl/batch.py). atomic: in a transaction of its own
    (False: the caller holds one open, as an ingest does for its whole load).
    """
    if atomic:
        con.execute("BEGIN TRANSACTION")
    for row in batch.files:
        row["run_id"] = run_id
    _replace_files(con, batch.files)
    _touch_files(con, batch.touched)
    rows = (batch.documents, batch.records, batch.evidence)
    if not all_new(batch, known):
        rows = first_copies(con, batch)
    for table, tables in zip(("documents", "doc_records", "evidence"), rows, strict=True):
        _insert(con, table, tables)
    now = datetime.now()
    _insert(con, "rejected_inputs", [dict(r, run_id=run_id, seen_at=now) for r in batch.rejected])
    if atomic:
        con.execute("COMMIT")


def load_doc_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every doc_id stored in documents, doc_records or evidence."""
    rows = con.execute("SELECT doc_id FROM documents UNION SELECT doc_id FROM doc_records"
                       " UNION SELECT doc_id FROM evidence").fetchall()
    return {r[0] for r in rows}


def _replace_files(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Upsert the file index; a re-read file's old documents are deleted before its new ones go in.

    A file that is now rejected keeps the documents of its last good version (bad input never
    loses good input), and so does a document another file still lists (a copy of the text).
    Documents that disappear are remembered by source (remember_replaced), so the edited version
    of an article keeps its meeting_id.
    """
    if not rows:
        return
    paths = [row["path"] for row in rows]
    old = _old_doc_ids(con, paths)
    for row in rows:
        if row["status"] == "rejected" and old.get(row["path"]):
            row["doc_ids"], row["n_docs"] = old[row["path"]], len(old[row["path"]])
    keep = {doc_id for row in rows for doc_id in row["doc_ids"]}
    reread = {d for row in rows if row["status"] == "loaded" for d in old.get(row["path"], [])}
    reread = sorted(reread - _listed_elsewhere(con, reread, paths))
    remember_replaced(con, [doc_id for doc_id in reread if doc_id not in keep])
    delete_documents(con, reread)
    _delete_by_path(con, "source_files", paths)
    _insert(con, "source_files", rows)


def _listed_elsewhere(con: duckdb.DuckDBPyConnection, doc_ids: set[str], paths: list[str]) -> set[str]:
    """Those of doc_ids that a file other than `paths` lists in the index."""
    if not doc_ids:
        return set()
    con.register("_paths", pa.table({"path": pa.array(paths, pa.string())}))
    con.register("_docs", pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())}))
    try:
        rows = con.execute("SELECT DISTINCT u.doc_id FROM source_files s, unnest(s.doc_ids) AS u(doc_id)"
                           " WHERE s.path NOT IN (SELECT path FROM _paths)"
                           " AND u.doc_id IN (SELECT doc_id FROM _docs)").fetchall()
    finally:
        con.unregister("_paths")
        con.unregister("_docs")
    return {r[0] for r in rows}


def _old_doc_ids(con: duckdb.DuckDBPyConnection, paths: list[str]) -> dict[str, list[str]]:
    con.register("_paths", pa.table({"path": pa.array(paths, pa.string())}))
    try:
        rows = con.execute(
            "SELECT path, doc_ids FROM source_files WHERE path IN (SELECT path FROM _paths)"
        ).fetchall()
    finally:
        con.unregister("_paths")
    return dict(rows)


def _delete_by_path(con: duckdb.DuckDBPyConnection, table: str, paths: list[str]) -> None:
    con.register("_paths", pa.table({"path": pa.array(paths, pa.string())}))
    try:
        con.execute(f"DELETE FROM {table} WHERE path IN (SELECT path FROM _paths)")  # noqa: S608
    finally:
        con.unregister("_paths")


def _touch_files(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Re-stamp size/mtime of files whose content hash did not change."""
    if not rows:
        return
    con.register("_touch", pa.Table.from_pylist(
        [{"path": r["path"], "size": r["size"], "mtime_ns": r["mtime_ns"]} for r in rows]))
    try:
        con.execute("UPDATE source_files SET size = t.size, mtime_ns = t.mtime_ns FROM _touch t"
                    " WHERE source_files.path = t.path")
    finally:
        con.unregister("_touch")


def remember_replaced(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    """Note (source, meeting_id) of documents about to be replaced, in temp table replaced_sources."""
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS replaced_sources (source VARCHAR, meeting_id VARCHAR)"
    )
    if not doc_ids:
        return
    con.register("_old", pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
    try:
        con.execute(
            "INSERT INTO replaced_sources SELECT d.source, s.meeting_id FROM documents d"
            " JOIN meeting_sources s USING (doc_id) WHERE d.doc_id IN (SELECT doc_id FROM _old)"
        )
    finally:
        con.unregister("_old")


def load_file_index(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str | None]]:
    """path -> (size, mtime_ns, file_hash) of every input file already in the warehouse."""
    rows = con.execute("SELECT path, size, mtime_ns, file_hash FROM source_files").fetchall()
    return {path: (size, mtime, digest) for path, size, mtime, digest in rows}


_DIM_COLUMNS = {
    "dim_ministries": ("ministry", "name_km", "short_en"),
    "dim_provinces": ("province_code", "province", "name_km", "lat", "lon"),
    "dim_partners": ("partner", "partner_kind", "name_km"),
}


def save_dims(con: duckdb.DuckDBPyConnection, ministries, provinces, partners) -> None:
    """Refill the dimension tables from the gazetteers (first row wins on a repeated key)."""
    for table, rows in (("dim_ministries", ministries), ("dim_provinces", provinces),
                        ("dim_partners", partners)):
        con.execute(f"DELETE FROM {table}")  # noqa: S608 (table names are constants above)
        columns = _DIM_COLUMNS[table]
        _insert(con, table, [dict(zip(columns, row, strict=True)) for row in rows], ignore=True)


def save_meta(con: duckdb.DuckDBPyConnection, values: dict[str, str | None]) -> None:
    """Upsert facts about the warehouse (dataset label, corrections hash, schema hash, ...)."""
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])


def load_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """All warehouse_meta rows as a dict."""
    return dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())


def save_migrated(con: duckdb.DuckDBPyConnection, old_path: Path) -> list[str]:
    """Copy every table of an older-schema warehouse into this one by column name.

    Returns the tables that could not be copied (e.g. a new NOT NULL column); their rows are
    rebuilt: source_files is left empty then, so every input file is read again.
    """
    con.execute(f"ATTACH '{old_path}' AS old (READ_ONLY)")
    failed = []
    try:
        new_tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        for table in new_tables:
            if not _copy_table(con, table):
                failed.append(table)
        if {"documents", "doc_records"} & set(failed):
            con.execute("DELETE FROM source_files")
    finally:
        con.execute("DETACH old")
    return failed


def _copy_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Copy the columns `table` shares with old.`table`; False when that is not possible."""
    old_columns = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' AND table_name = ?",
        [table]).fetchall()}
    new_columns = [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()"
        " AND table_name = ? ORDER BY column_index", [table]).fetchall()]
    shared = ", ".join(f'"{c}"' for c in new_columns if c in old_columns)
    if not shared:
        return not old_columns
    try:
        con.execute(f"INSERT INTO {table} ({shared}) SELECT {shared} FROM old.{table}")  # noqa: S608
        return True
    except duckdb.Error:
        con.execute(f"DELETE FROM {table}")  # noqa: S608
        return False
