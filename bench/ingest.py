"""Ingest throughput with both cores: synthetic corpora by size and the real corpus, then an unchanged re-ingest."""

import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import log, python, run_measured
from etl import settings, synth

JSONL_FROM = 100_000  # from this size the synthetic corpus is written as jsonl shards (10,000 rows a file)


def ingest_twice(inputs: Path, db: Path, workers: int) -> dict:
    """First ingest into a new warehouse, then the same inputs again (all unchanged)."""
    args = python("-m", "etl", "ingest", str(inputs), "--db", str(db), "--workers", str(workers), "--quiet")
    first = run_measured(args)
    again = run_measured(args)
    out = {"first_s": first["seconds"], "first_exit": first["exit_code"], "first_peak_rss_mb": first["peak_rss_mb"],
           "reingest_s": again["seconds"], "reingest_exit": again["exit_code"],
           "reingest_share": round(again["seconds"] / first["seconds"], 3) if first["seconds"] else None,
           "db_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None}
    if first["exit_code"] not in (0, 3):
        out["error"] = first["output_tail"]
    return out


def synthetic(n: int, workdir: Path, workers: int) -> dict:
    """Generate n articles (timed), ingest them, re-ingest them."""
    fmt = "jsonl" if n >= JSONL_FROM else "txt"
    raw = workdir / f"synth-{n}"
    began = time.perf_counter()
    synth.generate(n, 99, raw, fmt=fmt, jobs=workers)
    generate_s = time.perf_counter() - began
    log(f"ingest: {n:,} synthetic articles ({fmt}) generated in {generate_s:.0f} s; ingesting")
    result = {"n": n, "format": fmt, "generate_s": round(generate_s, 1)}
    result.update(ingest_twice(raw, workdir / f"synth-{n}.duckdb", workers))
    result["docs_per_s"] = round(n / result["first_s"]) if result["first_s"] else None
    shutil.rmtree(raw, ignore_errors=True)
    (workdir / f"synth-{n}.duckdb").unlink(missing_ok=True)
    return result


def real_corpus(workdir: Path, workers: int) -> dict:
    """The real corpus (2,100 articles): ingest and re-ingest."""
    if not settings.CORPUS_DIR.is_dir():
        print(f"ingest: real corpus skipped (no {settings.CORPUS_DIR})")
        return {"skipped": f"no corpus at {settings.CORPUS_DIR}"}
    log("ingest: real corpus")
    n = len(list(settings.CORPUS_DIR.glob("*.txt")))
    result = {"n": n, "format": "txt", **ingest_twice(settings.CORPUS_DIR, workdir / "real.duckdb", workers)}
    result["docs_per_s"] = round(n / result["first_s"]) if result["first_s"] else None
    return result


def run(sizes: list[int], workers: int | None = None, real: bool = True) -> dict:
    """Every size in `sizes` plus the real corpus, in a scratch folder removed afterwards."""
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        results = {"workers": workers,
                   "real": real_corpus(Path(tmp), workers) if real else {"skipped": "not asked for"}}
        results["synthetic"] = [synthetic(n, Path(tmp), workers) for n in sizes]
    return results


def markdown(results: dict) -> list[str]:
    """Table rows for the report."""
    rows = [f"Ingest with {results['workers']} worker processes:", "",
            "| input | articles | first ingest | docs/s | re-ingest unchanged | re-ingest ÷ first | peak RSS |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    items = [("real corpus", results["real"])] + [(f"synthetic ({r['format']})", r) for r in results["synthetic"]]
    for name, r in items:
        if "skipped" in r:
            rows.append(f"| {name} | – | skipped | | | | |")
            continue
        note = f" (exit {r['first_exit']}: inputs rejected or failed)" if r["first_exit"] else ""
        rows.append(f"| {name} | {r['n']:,} | {r['first_s']:,.1f} s{note} | {r['docs_per_s'] or '–'} "
                    f"| {r['reingest_s']:,.1f} s | {(r['reingest_share'] or 0):.1%} | {r['first_peak_rss_mb']:,.0f} MB |")
    return rows
