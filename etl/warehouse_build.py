"""One ingest run: input files -> a finished copy of the warehouse in a temp file, then publish.

The copy is only made once there is something to write, so re-ingesting unchanged inputs reads
the index, stats the files and stops. Extraction runs in a process pool over work units of about
the same size (small files grouped, big jsonl files split into row ranges), a few units in flight
at a time (so memory stays bounded at a million articles); rows go to DuckDB in batches.
"""

import math
import multiprocessing
import os
import sys
import types
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from etl import gazetteer
from etl.aggregates import save_aggregates
from etl.corrections import apply_corrections, corrections_hash, read_corrections
from etl.dedup import assign_meeting_ids
from etl.ingest_files import FileResult, Task, combine, extractor_hash, process_file, process_group
from etl.load import (
    Batch,
    load_doc_ids,
    load_file_index,
    load_meta,
    remember_replaced,
    save_batch,
    save_dims,
    save_meta,
    save_migrated,
    save_schema,
)
from etl.merge import count_changes, save_meetings
from etl.publish import copy_current, publish, temp_path
from etl.read import MAX_FILE_BYTES, iter_input_files

BATCH_DOCS = 10_000  # documents per insert
COMMIT_DOCS = 100_000  # documents per load transaction (one open transaction held every row in memory)
UNIT_BYTES = (256_000, 8_000_000)  # bounds of a work unit's input bytes (about 100 to 3,000 articles)
UNITS_PER_WORKER = 8  # aim for this many units per worker, so the last ones finish close together
GROUP_FILES = 64  # at most this many small files per unit
IN_FLIGHT = 3  # units queued per worker: workers keep extracting while the parent inserts
INLINE_BYTES = 256_000  # less input than this is extracted in-process (no pool start-up cost)
LOAD_MEMORY = "1GB"  # DuckDB's memory limit while loading
REBUILD_MEMORY = "3GB"  # and while rebuilding (DuckDB's default, 80% of RAM, let a 1M rebuild reach 10 GB)
TOUCH_PUBLISH_MIN = 1000  # re-stamp the index when this many files changed mtime but not content


@contextmanager
def hidden_main() -> Iterator[None]:
    """Start pool workers without the caller's __main__ script: each new worker imports that file, and
    under Streamlit (and AppTest) it is a page, which would run in the worker and break the pool."""
    script_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = script_main


class Build:
    """State of one ingest run; `run` fills an IngestSummary and publishes when something changed."""

    def __init__(self, db_path: Path, corrections_path: Path, dataset: str | None, schema: str):
        self.db_path, self.corrections_path = db_path, corrections_path
        self.dataset, self.schema = dataset, schema
        self.extractor = extractor_hash()
        self.tmp = temp_path(db_path)
        self.con: duckdb.DuckDBPyConnection | None = None
        self.batch = Batch()
        self.uncommitted = 0  # documents loaded since the last commit
        self.known: set[str] | None = None  # doc_ids that may be stored in the temp warehouse
        self.index: dict = {}
        self.meta: dict = {}
        self.run_id = 1
        self.meetings_before = 0
        self.started = datetime.now()

    def run(self, paths: list[str], workers: int, progress: bool, summary):
        corrections = read_corrections(self.corrections_path)  # a bad file fails before any work
        self._read_state()
        files = [str(p) for p in iter_input_files(paths)]
        summary.files_seen = len(files)
        bar = tqdm(total=len(files), unit="file", disable=not progress or len(files) < 500,
                   desc="ingest", smoothing=0.05)
        with bar:
            tasks = self._scan(files, summary, bar)
            for result in self._results(tasks, workers):
                self._take(result, summary)
                bar.update(1)
        self._flush()
        if not self._needs_publish(corrections):
            summary.meetings_total = self.meetings_before
            return summary
        self._rebuild(summary, corrections, paths)
        self.close()
        publish(self.tmp, self.db_path)
        summary.published = True
        return summary

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def _read_state(self) -> None:
        """File index, meta and next run id of the published warehouse (read-only, short)."""
        if not self.db_path.is_file():
            return
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            self.meta = load_meta(con)
            # Another schema or another extractor: every file is read and extracted again.
            if self.meta.get("schema_hash") == self.schema and self.meta.get("extractor_hash") == self.extractor:
                self.index = load_file_index(con)
            self.run_id, self.meetings_before = con.execute(
                "SELECT coalesce(max(run_id), 0) + 1, (SELECT count(*) FROM meetings) FROM ingest_runs"
            ).fetchone()
        finally:
            con.close()

    def _scan(self, files: list[str], summary, bar) -> list[tuple[str, str, str | None, int]]:
        """Skip files whose size and mtime match the index; the rest (with their size) are read."""
        tasks = []
        for given in files:
            key = os.path.abspath(given)
            known = self.index.get(key)
            try:
                stat = os.stat(given)
            except OSError:
                stat = None
            if known and stat and (stat.st_size, stat.st_mtime_ns) == known[:2]:
                summary.files_unchanged += 1
                bar.update(1)
            else:
                tasks.append((key, given, known[2] if known else None, stat.st_size if stat else 0))
        return tasks

    def _results(self, scanned: list, workers: int) -> Iterator[FileResult]:
        """One result per file, in input order (the parts of a split file put together)."""
        files, parts = iter(scanned), []
        for result in self._unit_results(scanned, workers):
            parts.append(result)
            if len(parts) == result.parts:
                yield _whole(next(files), parts)
                parts = []

    def _unit_results(self, scanned: list, workers: int) -> Iterator[FileResult]:
        units = plan_units(scanned, workers)
        if workers <= 1 or sum(size for *_, size in scanned) < INLINE_BYTES:
            for unit in units:
                yield from process_group(unit)
            return
        # A worker that dies (OOM, kill) raises BrokenProcessPool here instead of hanging the run.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["etl.ingest_files", "etl.extract"])
        with hidden_main(), ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: deque = deque()
            for unit in units:
                if len(pending) >= IN_FLIGHT * workers:
                    yield from pending.popleft().result()
                pending.append(pool.submit(process_group, unit))
            while pending:
                yield from pending.popleft().result()

    def _take(self, result: FileResult, summary) -> None:
        """Count one file's outcome and queue its rows."""
        summary.rejected += [(r["source"], r["reason"]) for r in result.rejected]
        summary.files_rejected += bool(result.rejected)
        if result.outcome == "unchanged":
            summary.files_unchanged += 1
            self.batch.touched.append(result.file_row)
            return
        summary.files_new += result.outcome == "new"
        summary.files_changed += result.outcome == "changed"
        self.batch.add(result.file_row, result.documents, result.records, result.evidence, result.rejected)
        if self.batch.n_documents() >= BATCH_DOCS:
            self._flush()

    def _flush(self) -> None:
        touched = len(self.batch.touched)
        if not len(self.batch) and (not touched or (touched < TOUCH_PUBLISH_MIN and self.con is None)):
            return
        con = self._open()
        if self.known is None:
            self.known = load_doc_ids(con)
        save_batch(con, self.batch, self.run_id, self.known, atomic=False)
        self.uncommitted += self.batch.n_documents()
        if self.uncommitted >= COMMIT_DOCS:  # the temp file is only published whole, so commits are safe
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
            self.uncommitted = 0
        self.batch = Batch()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """The temp warehouse: a copy of the published one (or migrated / new), opened for writing."""
        if self.con is None:
            same_schema = self.meta.get("schema_hash") == self.schema
            copied = same_schema and copy_current(self.db_path, self.tmp)
            # One DuckDB thread while the workers extract: batch inserts are small, and extra
            # threads only take CPU from the workers (the rebuild gets every core back). A memory
            # limit makes DuckDB write finished row groups while loading instead of holding them
            # to the final commit (same work, done while the workers still run; bounded memory).
            self.con = duckdb.connect(str(self.tmp), config={"threads": 1, "memory_limit": LOAD_MEMORY})
            if not copied:
                save_schema(self.con)
                if self.db_path.is_file():
                    save_migrated(self.con, self.db_path)
            remember_replaced(self.con, [])
            # One transaction from the first batch to the published file: DuckDB then writes big
            # appends straight to the file as compressed row groups, where a commit per batch logs
            # every row and checkpoints rewrite them (a crash loses only this temp file anyway).
            self.con.execute("BEGIN TRANSACTION")
        return self.con

    def _needs_publish(self, corrections: list[dict]) -> bool:
        wanted = self._wanted_meta()
        return self.con is not None or any(self.meta.get(k) != v for k, v in wanted.items())

    def _wanted_meta(self) -> dict[str, str | None]:
        wanted = {"schema_hash": self.schema, "extractor_hash": self.extractor,
                  "corrections_hash": corrections_hash(self.corrections_path)}
        if self.dataset is not None:
            wanted["dataset"] = self.dataset
        return wanted

    def _rebuild(self, summary, corrections: list[dict], paths: list[str]) -> None:
        """Regroup meetings, rebuild their rows, apply corrections, record the run (in the load's transaction)."""
        con = self._open()
        con.execute("RESET threads")
        con.execute(f"SET memory_limit = '{REBUILD_MEMORY}'")
        con.execute("CREATE OR REPLACE TEMP TABLE old_meetings AS"
                    " SELECT meeting_id, md5(CAST(f AS VARCHAR)) AS sig, n_sources FROM meetings_flat f")
        save_dims(con, gazetteer.dim_ministries(), gazetteer.dim_provinces(), gazetteer.dim_partners())
        assign_meeting_ids(con)
        save_meetings(con)
        summary.corrections_applied = apply_corrections(con, corrections)
        save_aggregates(con)  # read-side tables from the corrected meetings (etl/aggregates.py)
        save_meta(con, self._wanted_meta() | {"built_at": datetime.now().isoformat(timespec="seconds")})
        count_changes(con, summary)
        _save_run(con, self.run_id, self.started, paths, summary)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")


def plan_units(scanned: list[tuple[str, str, str | None, int]], workers: int) -> list[list[Task]]:
    """Work units of similar input size: small files grouped, big jsonl files split into row ranges."""
    total = sum(size for *_, size in scanned)
    unit_bytes = min(max(total // (workers * UNITS_PER_WORKER), UNIT_BYTES[0]), UNIT_BYTES[1])
    units: list[list[Task]] = []
    group: list[Task] = []
    group_bytes = 0
    for key, given, known, size in scanned:
        if size < unit_bytes:
            group.append((key, given, known, 0, 1))
            group_bytes += size
            if group_bytes >= unit_bytes or len(group) >= GROUP_FILES:
                units.append(group)
                group, group_bytes = [], 0
            continue
        if group:  # units keep the input order: results are matched to files by position
            units.append(group)
            group, group_bytes = [], 0
        split = given.lower().endswith(".jsonl") and size <= MAX_FILE_BYTES
        parts = math.ceil(size / unit_bytes) if split else 1
        units += [[(key, given, known, part, parts)] for part in range(parts)]
    return units + [group] if group else units


def _whole(entry: tuple[str, str, str | None, int], parts: list[FileResult]) -> FileResult:
    """The parts of one file as one result; read again whole if it changed between the parts."""
    key, given, known, _ = entry
    if len({(p.file_row["file_hash"], p.file_row["size"], p.file_row["mtime_ns"]) for p in parts}) > 1:
        return process_file((key, given, known, 0, 1))
    return combine(parts)


def _save_run(con, run_id: int, started: datetime, paths: list[str], summary) -> None:
    con.execute(
        "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, started, datetime.now(), "; ".join(paths), summary.files_seen, summary.files_new,
         summary.files_changed, summary.files_unchanged, summary.files_rejected,
         summary.meetings_added, summary.meetings_updated, summary.meetings_merged],
    )
