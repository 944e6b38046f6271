"""Article files -> published DuckDB warehouse: incremental, idempotent, crash- and reader-safe.

Steps: lock; list input files; skip files whose size+mtime (else content hash) match the index;
read + extract the rest in worker processes; write them into a copy of the warehouse; regroup
meetings (etl/dedup.py), rebuild meeting rows (etl/merge.py), apply data/corrections.csv; publish
the copy with an atomic rename (etl/publish.py). When nothing changed nothing is written.
Files that disappeared from the inputs keep their documents (the warehouse is an archive).
Exit codes of `python -m etl ingest`: 0 all loaded, 2 usage error, 3 some inputs rejected (the good
ones are loaded and published), 4 another ingest held the lock too long.
"""

import argparse
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from etl import settings
from etl.publish import LockTimeout, locked, remove_leftovers, remove_temp
from etl.warehouse_build import Build

EXIT_OK, EXIT_USAGE, EXIT_REJECTED, EXIT_LOCKED = 0, 2, 3, 4


@dataclass
class IngestSummary:
    """What one ingest did (also stored in ingest_runs when it changed the warehouse)."""

    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_rejected: int = 0
    meetings_added: int = 0
    meetings_updated: int = 0
    meetings_merged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    published: bool = False  # False when nothing changed and the warehouse was left as it was
    meetings_total: int = 0
    corrections_applied: int = 0

    def lines(self) -> list[str]:
        """The human summary printed at the end of `python -m etl ingest`."""
        out = [
            f"files seen {self.files_seen}: new {self.files_new}, changed {self.files_changed},"
            f" unchanged {self.files_unchanged} (skipped: same content hash or size+mtime), rejected {self.files_rejected}",
            f"meetings added {self.meetings_added}, updated {self.meetings_updated},"
            f" merged {self.meetings_merged} (duplicate reports folded in); total {self.meetings_total}",
            f"corrections applied {self.corrections_applied}",
        ]
        out += [f"  rejected {source}: {reason}" for source, reason in self.rejected]
        out.append("warehouse published" if self.published else "nothing changed; warehouse left as it was")
        return out


def schema_hash() -> str:
    """Hash of etl/schema.sql: a warehouse built from another schema is migrated, not copied."""
    return hashlib.sha256((Path(__file__).parent / "schema.sql").read_bytes()).hexdigest()[:16]


def ingest_paths(
    paths,
    db_path=settings.DB_PATH,
    corrections_path=settings.CORRECTIONS_PATH,
    progress: bool = True,
    dataset: str | None = None,
    workers: int | None = None,
    lock_timeout: float = 600.0,
) -> IngestSummary:
    """Load files/folders into the warehouse at db_path and publish it atomically."""
    db_path = Path(db_path)
    with locked(db_path, lock_timeout):
        remove_leftovers(db_path)
        build = Build(db_path, Path(corrections_path), dataset, schema_hash())
        try:
            return build.run([str(p) for p in paths], workers or os.cpu_count() or 1, progress,
                             IngestSummary())
        finally:
            build.close()
            remove_temp(build.tmp)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m etl ingest`."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help=f"article files or folders (default: {settings.RAW_DIR})")
    parser.add_argument("--db", default=str(settings.DB_PATH), help="warehouse file to update")
    parser.add_argument("--dataset", default=None,
                        help="label stored in warehouse_meta, e.g. 'demo' for the synthetic warehouse")
    parser.add_argument("--corrections", default=str(settings.CORRECTIONS_PATH),
                        help="curated corrections CSV applied on every ingest")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="extraction processes (default: number of CPUs)")
    parser.add_argument("--lock-timeout", type=float, default=600.0,
                        help="seconds to wait for another running ingest")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.epilog = ("exit codes: 0 everything loaded; 2 usage error; 3 some inputs rejected "
                     "(good ones loaded); 4 another ingest holds the lock")


def run(args: argparse.Namespace) -> int:
    """CLI entry: ingest, print the summary, return the exit code."""
    paths = args.paths or [str(settings.RAW_DIR)]
    missing = [p for p in paths if not Path(p).exists()]
    if missing or args.workers < 1:
        problem = f"no such file or folder: {', '.join(missing)}" if missing else "--workers must be >= 1"
        print(f"python -m etl ingest: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = ingest_paths(paths, args.db, args.corrections, progress=not args.quiet,
                               dataset=args.dataset, workers=args.workers,
                               lock_timeout=args.lock_timeout)
    except LockTimeout as error:
        print(f"python -m etl ingest: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except ValueError as error:  # a malformed corrections file
        print(f"python -m etl ingest: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(summary.lines()))
    return EXIT_REJECTED if summary.rejected else EXIT_OK
