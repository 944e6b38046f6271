"""SIGKILL during an ingest leaves the previous warehouse intact; the re-run completes it."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.ingest import ingest_paths
from etl.publish import remove_leftovers

ROOT = Path(__file__).resolve().parent.parent
NO_CORRECTIONS = ROOT / "tests" / "no-such-corrections.csv"
TABLES = ("documents", "doc_records", "evidence", "meetings", "meeting_sources", "meeting_ministries",
          "meeting_partners", "source_files", "ingest_runs", "warehouse_meta")


def contents(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))  # noqa: S608
                for t in TABLES}
    finally:
        con.close()


def start_ingest(inputs: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "ingest", str(inputs), "--db", str(db), "--quiet",
         "--workers", "2", "--corrections", str(NO_CORRECTIONS)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, ready, delay: float) -> bool:
    """SIGKILL the ingest `delay` s after ready() holds; False if it finished first."""
    while not ready():
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["extracting", "writing"])
def test_sigkill_keeps_previous_warehouse_and_rerun_completes(tmp_path, seeds_dir, corpus_dir, phase):
    inputs = tmp_path / "in"
    shutil.copytree(seeds_dir, inputs)
    db = tmp_path / "w.duckdb"
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    before = contents(db)
    for path in sorted(corpus_dir.glob("*.txt"))[:300]:
        shutil.copy(path, inputs / path.name)
    proc = start_ingest(inputs, db)
    lock = db.with_name(db.name + ".lock")
    temp_exists = lambda: any(db.parent.glob(db.name + ".tmp-*"))  # noqa: E731
    if phase == "extracting":  # killed while workers extract, before anything is written
        killed = kill_when(proc, lambda: lock.read_text().strip() == str(proc.pid), 0.3)
    else:  # killed the moment the new warehouse starts being written
        killed = kill_when(proc, temp_exists, 0.0)
    assert killed, proc.stderr.read().decode()
    assert contents(db) == before  # the published warehouse is the previous one, complete
    summary = ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    assert summary.published and not temp_exists()
    con = duckdb.connect(str(db), read_only=True)
    docs, distinct, files = con.execute(
        "SELECT count(*), count(DISTINCT doc_id), (SELECT count(*) FROM source_files) FROM documents"
    ).fetchone()
    dupes = con.execute("SELECT count(*) - count(DISTINCT doc_id) FROM meeting_sources").fetchone()[0]
    con.close()
    assert docs == distinct and files == 305 and dupes == 0
    assert summary.files_new + summary.files_unchanged == 305
    fresh = tmp_path / "fresh.duckdb"
    ingest_paths([inputs], fresh, NO_CORRECTIONS, progress=False, workers=1)
    for table in ("documents", "meetings", "meeting_sources"):
        assert len(contents(db)[table]) == len(contents(fresh)[table])


def test_leftovers_of_a_killed_ingest_are_removed_with_duckdbs_spill_folder(tmp_path):
    db = tmp_path / "w.duckdb"
    spill = tmp_path / "w.duckdb.tmp-999.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage.tmp").write_bytes(b"x")
    for name in ("w.duckdb.tmp-999", "w.duckdb.tmp-999.wal"):
        (tmp_path / name).write_bytes(b"x")
    db.write_bytes(b"published")
    assert [p.name for p in remove_leftovers(db)] == ["w.duckdb.tmp-999", "w.duckdb.tmp-999.tmp",
                                                      "w.duckdb.tmp-999.wal"]
    assert [p.name for p in tmp_path.iterdir()] == ["w.duckdb"]
