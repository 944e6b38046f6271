"""Safe publishing of the warehouse file: one writer at a time, build aside, atomic rename.

An ingest holds an exclusive lock on `<db>.lock` (released by the kernel even on SIGKILL), builds
the new warehouse in `<db>.tmp-<pid>` in the same directory, and publishes it with os.replace.
Readers open short-lived read-only connections and see either the old file or the new one;
leftover temp files of a killed ingest are removed by the next ingest.
"""

import fcntl
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(RuntimeError):
    """Another ingest kept the warehouse lock for longer than we were willing to wait."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def temp_path(db_path: Path) -> Path:
    """Where this process builds the next warehouse (same directory, so rename is atomic)."""
    return db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")


@contextmanager
def locked(db_path: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to `timeout` seconds for another ingest."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(db_path), "a+") as handle:
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"another ingest is writing {db_path} (lock {lock_path(db_path)})"
                                      f"; gave up after {timeout:.0f} s") from None
                if not told:
                    print(f"waiting for another ingest to finish with {db_path} ...", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(db_path: Path) -> list[Path]:
    """Delete temp files (their WAL, DuckDB's spill folder) left by killed ingests; call while holding the lock."""
    leftovers = sorted(db_path.parent.glob(f"{db_path.name}.tmp-*"))
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return leftovers


def remove_temp(tmp: Path) -> None:
    """Delete a temp warehouse, its write-ahead log and DuckDB's spill folder."""
    for path in (tmp, tmp.with_name(tmp.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)


def copy_current(db_path: Path, tmp: Path) -> bool:
    """Start the new warehouse as a copy of the published one; False when there is none yet."""
    if not db_path.is_file():
        return False
    shutil.copyfile(db_path, tmp)
    return True


def publish(tmp: Path, db_path: Path) -> None:
    """Make the finished (closed) temp warehouse the published one, atomically and durably."""
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, db_path)
    directory = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
