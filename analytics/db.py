"""Warehouse file -> short-lived read-only DuckDB connections that survive an ingest publishing a new file."""

import os
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl import settings
from etl.aggregates import CORRECTIONS_SIGNATURE

RETRIES = 6
FIRST_DELAY = 0.05  # seconds; doubles on each retry (0.05 .. 1.6 s, about 3 s in all)


class WarehouseMissing(FileNotFoundError):
    """No warehouse file yet: nothing has been ingested."""


def db_path() -> Path:
    """The warehouse file: $KM_DB (read now, so tests can set it late) or data/meetings.duckdb."""
    return Path(os.environ.get("KM_DB") or settings.DATA_DIR / "meetings.duckdb")


def warehouse_version(path: Path | None = None) -> tuple[str, int, int] | None:
    """(path, mtime_ns, size) of the warehouse, or None when missing: a cache key that changes on ingest."""
    path = Path(path or db_path())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def connect(path: Path | str | None = None, retries: int = RETRIES) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only; retry with backoff while it is missing or being replaced."""
    path = Path(path or db_path())
    delay = FIRST_DELAY
    for attempt in range(retries + 1):
        last = attempt == retries
        if not path.exists():
            if last:
                raise WarehouseMissing(str(path))
        else:
            try:
                return duckdb.connect(str(path), read_only=True)
            except (duckdb.IOException, duckdb.InvalidInputException, duckdb.SerializationException,
                    duckdb.ConnectionException):
                # Mid-replace, locked by a writer, or open for writing in this process: wait, retry.
                if last:
                    raise
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")


@contextmanager
def connection(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one batch of queries, closed afterwards so the next batch sees a new file."""
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse has a table or view of this name (older warehouses may lack some)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


# The read-side tables (etl/aggregates.py) match the warehouse when they were built with the
# corrections that are applied now; otherwise (an older warehouse, or corrections applied after the
# tables were built) queries read the meeting tables themselves.
_AGGREGATES_FRESH = f"""
SELECT (SELECT value FROM warehouse_meta WHERE key = 'aggregates_corrections') = ({CORRECTIONS_SIGNATURE})"""  # noqa: S608 (fixed SQL fragments; values are bound)


_FRESH: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool]" = weakref.WeakKeyDictionary()


def has_aggregates(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the read-side tables exist and agree with the meeting tables (asked once per connection:
    a reader's connection keeps seeing the file it opened, even after an ingest publishes a new one)."""
    if con not in _FRESH:
        try:
            row = con.execute(_AGGREGATES_FRESH).fetchone()
        except duckdb.CatalogException:  # a warehouse from before the read-side tables
            row = None
        _FRESH[con] = bool(row and row[0])
    return _FRESH[con]


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value from warehouse_meta, e.g. meta(con, 'dataset') == 'demo'."""
    if not has_table(con, "warehouse_meta"):
        return None
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None

