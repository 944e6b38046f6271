"""Rows from the ingest workers -> a batch, and which of its rows go in: each document once.

The warehouse's document tables have no key constraints (a bulk load with them was several times
slower), so the batch itself says which rows are new: all of them in the common case (all_new),
else the first copy of each document not stored yet (first_copies).
"""

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

Rows = list[pa.Table] | list[dict]  # Arrow tables with one schema, or dicts keyed by column


@dataclass
class Batch:
    """Rows collected from a group of input files, saved together (etl/load.py save_batch)."""

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


def as_table(rows: Rows) -> pa.Table:
    """One Arrow table from a list of tables (zero-copy concatenation) or of dicts."""
    if isinstance(rows[0], pa.Table):
        return rows[0] if len(rows) == 1 else pa.concat_tables(rows)
    return pa.Table.from_pylist(rows)


def all_new(batch: Batch, known: set[str] | None) -> bool:
    """True when no doc_id of the batch is in `known` or repeated in the batch.

    The batch's doc_ids are added to known either way (only its documents' first copies are stored,
    and records and evidence only with their document).
    """
    if known is None or not batch.documents or not isinstance(batch.documents[0], pa.Table):
        return False
    ids = as_table(batch.documents).column("doc_id")
    every = set(ids.to_numpy(zero_copy_only=False).tolist())  # ~20x faster than to_pylist
    # Records are built in the documents' order; evidence only names those documents.
    fresh = len(every) == len(ids) and as_table(batch.records).column("doc_id").equals(ids)
    if fresh and batch.evidence:
        evidence = pc.unique(as_table(batch.evidence).column("doc_id"))
        fresh = pc.all(pc.is_in(evidence, value_set=ids), min_count=0).as_py()
    fresh = fresh and every.isdisjoint(known)
    known |= every
    return bool(fresh)


# Row numbers (_i) of each table's rows to insert: those of the first copy (_g: its table set) of
# every document not stored yet, first row per key (doc_id; doc_id and field for evidence).
_FIRST_COPIES = """
WITH first AS (SELECT doc_id, arg_min(_g, _i) AS _g FROM _documents
               WHERE doc_id NOT IN (SELECT doc_id FROM documents) GROUP BY doc_id)
SELECT _i FROM {rows} JOIN first USING (doc_id, _g)
QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _i) = 1 ORDER BY _i"""
_KEYS = {"_documents": "doc_id", "_doc_records": "doc_id", "_evidence": "doc_id, field"}


def first_copies(con: duckdb.DuckDBPyConnection, batch: Batch) -> list[list[pa.Table]]:
    """Rows of the batch's documents that are not stored yet, each once: its first copy in the
    batch, with that copy's record and evidence (the tables have no keys to ignore repeats).

    The same text (doc_id is its hash) can come twice: a copied file, a repeated row, a text an
    earlier batch stored. A work unit's tables hold each document once (etl/ingest_files.py).
    """
    if not batch.documents:
        return [[], [], []]
    numbered = _numbered(_groups(batch))
    for name, table in zip(_KEYS, numbered, strict=True):
        if table is not None:
            con.register(name, table)
    try:
        out = []
        for (name, key), table in zip(_KEYS.items(), numbered, strict=True):
            if table is None:
                out.append([])
                continue
            rows = con.execute(_FIRST_COPIES.format(rows=name, key=key)).to_arrow_table()  # noqa: S608
            out.append([table.take(rows.column("_i")).drop_columns(["_g", "_i"])])
    finally:
        for name, table in zip(_KEYS, numbered, strict=True):
            if table is not None:
                con.unregister(name)
    return out


def _groups(batch: Batch) -> list[tuple[pa.Table | None, ...]]:
    """(documents, records, evidence) tables that belong together: the workers send one set per
    work unit; rows given as dicts (tests, pasted text) are one set."""
    lists = (batch.documents, batch.records, batch.evidence)
    if isinstance(batch.documents[0], pa.Table) and len({len(rows) for rows in lists}) == 1:
        return list(zip(*lists, strict=True))
    return [tuple(as_table(rows) if rows else None for rows in lists)]


def _numbered(groups: list[tuple[pa.Table | None, ...]]) -> list[pa.Table | None]:
    """Per kind (documents, records, evidence) one table of every set's rows plus _g (the set) and
    _i (the row's position)."""
    out = []
    for kind in range(3):
        parts = [rows.append_column("_g", pa.array([g] * rows.num_rows, pa.int32()))
                 for g, group in enumerate(groups) if (rows := group[kind]) is not None]
        table = pa.concat_tables(parts) if parts else None
        if table is not None:
            table = table.append_column("_i", pa.array(range(table.num_rows), pa.int64()))
        out.append(table)
    return out
