"""Extracted rows -> warehouse tables: bulk inserts (Arrow tables, never row by row) and deletes.

`save_*` write into an open DuckDB connection; `load_*` read stored state back. Rows arrive as
Arrow tables built by etl/ingest_files.py (or as plain dicts, e.g. from tests); each save takes a
whole batch.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.sql"

# Columns that arrive as ISO strings and are cast by DuckDB on insert.
_DATE_COLUMNS = {"published", "meeting_date"}

Rows = list[pa.Table] | list[dict]  # Arrow tables with one schema, or dicts keyed by column


@dataclass
class Batch:
    """Rows collected from a group of input files, saved together in one transaction."""

    documents: Rows = field(default_factory=list)
    records: Rows = field(default_factory=list)
    evidence: Rows = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    touched: list[dict] = field(default_factory=list)  # same content, new size/mtime: re-stamp only
    docs: int = field(default=0, init=False)  # documents queued so far (kept as rows are added)

    def __post_init__(self) -> None:
        self.docs = _count(self.documents)

    def __len__(self) -> int:
        return self.docs + len(self.files) + len(self.rejected)

    def n_documents(self) -> int:
        """Documents in the batch (rows of its tables)."""
        return self.docs

    def add(self, file_row: dict, documents: Rows, records: Rows, evidence: Rows, rejected: list[dict]) -> None:
        """Queue one file's rows; O(1) in the batch's size (a batch can hold thousands of files)."""
        self.files.append(file_row)
        self.documents += documents
        self.records += records
        self.evidence += evidence
        self.rejected += rejected
        self.docs += _count(documents)


def _count(rows: Rows) -> int:
    return sum(t.num_rows if isinstance(t, pa.Table) else 1 for t in rows)


def save_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of etl/schema.sql (no-op for existing tables)."""
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def _as_table(rows: Rows) -> pa.Table:
    """One Arrow table from a list of tables (zero-copy concatenation) or of dicts."""
    if isinstance(rows[0], pa.Table):
        return rows[0] if len(rows) == 1 else pa.concat_tables(rows)
    return pa.Table.from_pylist(rows)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, ignore: bool = False) -> None:
    """Insert `rows` into `table` by column name, in one statement."""
    if not rows:
        return
    arrow = _as_table(rows)
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


def save_batch(con: duckdb.DuckDBPyConnection, batch: Batch, run_id: int, known: set[str] | None = None) -> None:
    """Write one batch in a transaction: replace changed files' documents, insert new ones.

    known: every doc_id that may already be stored (kept up to date here). When the batch's
    documents are all new and distinct, rows go in with plain INSERTs, which skip the per-row
    conflict probes of INSERT OR IGNORE (about 40% of the insert time at 100k articles).
    """
    con.execute("BEGIN TRANSACTION")
    for row in batch.files:
        row["run_id"] = run_id
    _replace_files(con, batch.files)
    _touch_files(con, batch.touched)
    # The same text may arrive twice (a copied file): doc_id is its content hash, first one wins.
    ignore = not _all_new(batch, known)
    _insert(con, "documents", batch.documents, ignore=ignore)
    _insert(con, "doc_records", batch.records, ignore=ignore)
    _insert(con, "evidence", batch.evidence, ignore=ignore)
    now = datetime.now()
    _insert(con, "rejected_inputs", [dict(r, run_id=run_id, seen_at=now) for r in batch.rejected])
    con.execute("COMMIT")


def _all_new(batch: Batch, known: set[str] | None) -> bool:
    """True when no doc_id of the batch is in `known` or repeated in the batch.

    Every doc_id of the batch is added to known either way (it is stored after this batch).
    """
    if known is None or not batch.documents or not isinstance(batch.documents[0], pa.Table):
        return False
    ids = _as_table(batch.documents).column("doc_id")
    every = set(pc.unique(ids).to_pylist())
    # Records are built in the documents' order; evidence only names those documents.
    fresh = len(every) == len(ids) and _as_table(batch.records).column("doc_id").equals(ids)
    if batch.evidence:
        evidence = pc.unique(_as_table(batch.evidence).column("doc_id"))
        fresh = fresh and pc.all(pc.is_in(evidence, value_set=ids), min_count=0).as_py()
        every.update(evidence.to_pylist())
    every.update(pc.unique(_as_table(batch.records).column("doc_id")).to_pylist())
    fresh = fresh and every.isdisjoint(known)
    known |= every
    return bool(fresh)


def load_doc_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every doc_id stored in documents, doc_records or evidence."""
    rows = con.execute("SELECT doc_id FROM documents UNION SELECT doc_id FROM doc_records"
                       " UNION SELECT doc_id FROM evidence").fetchall()
    return {r[0] for r in rows}


def _replace_files(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Upsert the file index; a re-read file's old documents are deleted before its new ones go in.

    A file that is now rejected keeps the documents of its last good version (bad input never
    loses good input). Documents that disappear are remembered by source (remember_replaced), so
    the edited version of an article keeps its meeting_id.
    """
    if not rows:
        return
    old = _old_doc_ids(con, [row["path"] for row in rows])
    for row in rows:
        if row["status"] == "rejected" and old.get(row["path"]):
            row["doc_ids"], row["n_docs"] = old[row["path"]], len(old[row["path"]])
    keep = {doc_id for row in rows for doc_id in row["doc_ids"]}
    reread = sorted({d for row in rows if row["status"] == "loaded" for d in old.get(row["path"], [])})
    remember_replaced(con, [doc_id for doc_id in reread if doc_id not in keep])
    delete_documents(con, reread)
    _delete_by_path(con, "source_files", [row["path"] for row in rows])
    _insert(con, "source_files", rows)


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
