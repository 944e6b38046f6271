"""Readers never fail and never see half a warehouse while ingests publish new ones."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
NO_CORRECTIONS = ROOT / "tests" / "no-such-corrections.csv"
STATE_SQL = ("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM meetings),"
             " (SELECT count(*) FROM meeting_sources), (SELECT count(*) FROM doc_records)")

# A separate process: read-only queries in a loop through the dashboard's connect(), until told to
# stop and at least 100 reads are done. Prints one JSON line per read: the state or the error.
READER = """
import json, sys, time
from pathlib import Path
from analytics.db import connect
db, stop, sql = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
reads = 0
while reads < 100 or not stop.exists():
    try:
        con = connect(db)
        try:
            print(json.dumps({"state": con.execute(sql).fetchone()}), flush=True)
        finally:
            con.close()
    except Exception as error:
        print(json.dumps({"error": repr(error)}), flush=True)
    reads += 1
    time.sleep(0.01)
"""


def state(db: Path) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return list(con.execute(STATE_SQL).fetchone())
    finally:
        con.close()


@pytest.mark.slow
def test_reader_sees_old_or_new_warehouse_during_ingests(tmp_path, seeds_dir, corpus_dir):
    inputs = tmp_path / "in"
    shutil.copytree(seeds_dir, inputs)
    db = tmp_path / "w.duckdb"
    ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
    published = [state(db)]
    stop = tmp_path / "stop"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), STATE_SQL],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        corpus = sorted(corpus_dir.glob("*.txt"))
        for start in range(0, 240, 60):  # four ingests, each adding 60 real articles
            for path in corpus[start:start + 60]:
                shutil.copy(path, inputs / path.name)
            ingest_paths([inputs], db, NO_CORRECTIONS, progress=False, workers=1)
            published.append(state(db))
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    lines = [json.loads(line) for line in out.splitlines()]
    assert reader.returncode == 0, err
    assert len(lines) >= 100
    assert [line for line in lines if "error" in line] == []
    assert {tuple(line["state"]) for line in lines} <= {tuple(s) for s in published}
    assert len({tuple(s) for s in published}) == 5  # every ingest published a new warehouse
