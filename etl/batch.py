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

    Every doc_id of the batch is added to known either way (it is stored after this batch).
    """
    if known is None or not batch.documents or not isinstance(batch.documents[0], pa.Table):
        return False
    ids = as_table(batch.documents).column("doc_id")
    every = set(pc.unique(ids).to_pylist())
    # Records are built in the documents' order; evidence only names those documents.
    fresh = len(every) == len(ids) and as_table(batch.records).column("doc_id").equals(ids)
    if batch.evidence:
        evidence = pc.unique(as_table(batch.evidence).column("doc_id"))
        fresh = fresh and pc.all(pc.is_in(evidence, value_set=ids), min_count=0).as_py()
        every.update(evidence.to_pylist())
    every.update(pc.unique(as_table(batch.records).column("doc_id")).to_pylist())
    fresh = fresh and every.isdisjoint(known)
    known |= every
    return bool(fresh)


_KEYS = (("doc_id",), ("doc_id",), ("doc_id", "field"))  # one row per key in documents, doc_records, evidence


def first_copies(con: duckdb.DuckDBPyConnection, batch: Batch) -> tuple[list[pa.Table], ...]:
    """Rows of the batch's documents that are not stored yet, each once: its first copy in the
    batch, with that copy's record and evidence (the tables have no keys to ignore repeats).

    The same text (doc_id is its hash) can come twice: a copied file, a repeated row, a text an
    earlier batch stored. A work unit's tables hold each document once (etl/ingest_files.py).
    """
    if not batch.documents:
        return [], [], []
    groups = _groups(batch)
    taken = _stored(con, [group[0] for group in groups])
    out: tuple[list[pa.Table], ...] = ([], [], [])
    for group in groups:
        fresh = {doc_id for doc_id in group[0].column("doc_id").to_pylist() if doc_id not in taken}
        for rows, key, kept in zip(group, _KEYS, out, strict=True):
            if rows is not None:
                kept.append(_first_rows(rows, fresh, key))
        taken |= fresh
    return out


def _groups(batch: Batch) -> list[tuple[pa.Table | None, ...]]:
    """(documents, records, evidence) tables that belong together: the workers send one set per
    work unit; rows given as dicts (tests, pasted text) are one set."""
    lists = (batch.documents, batch.records, batch.evidence)
    if isinstance(batch.documents[0], pa.Table) and len({len(rows) for rows in lists}) == 1:
        return list(zip(*lists, strict=True))
    return [tuple(as_table(rows) if rows else None for rows in lists)]


def _stored(con: duckdb.DuckDBPyConnection, documents: list[pa.Table]) -> set[str]:
    """The doc_ids of these tables that documents already holds."""
    ids = pc.unique(pa.chunked_array([t.column("doc_id") for t in documents], pa.string()))
    con.register("_ids", pa.table({"doc_id": ids}))
    try:
        rows = con.execute("SELECT doc_id FROM documents WHERE doc_id IN (SELECT doc_id FROM _ids)").fetchall()
    finally:
        con.unregister("_ids")
    return {r[0] for r in rows}


def _first_rows(rows: pa.Table, fresh: set[str], key: tuple[str, ...]) -> pa.Table:
    """The first row of each key whose doc_id is in `fresh`."""
    seen: set[tuple] = set()
    keep = []
    for values in zip(*(rows.column(name).to_pylist() for name in key), strict=True):
        keep.append(values[0] in fresh and values not in seen)
        seen.add(values)
    return rows.filter(pa.array(keep, pa.bool_()))
