"""`python -m bench [--quick] [--sizes 10000,100000,1000000] [--only extraction,ingest,dashboard]`.

Runs every benchmark, prints the figures as markdown tables and writes bench/results/latest.json + .md.
Figures only: nothing here asserts a time (targets are printed next to the numbers).
"""

import argparse
import json
import sys
import time
from pathlib import Path

from bench import common, dashboard, extraction, ingest

FULL_SIZES = [10_000, 100_000, 1_000_000]
QUICK_SIZES = [1_000, 10_000]
SECTIONS = ("extraction", "ingest", "dashboard")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (1k/10k), few repeats: a smoke run")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes for ingest and dashboard growth")
    parser.add_argument("--ingest-sizes", default=None,
                        help="sizes for the ingest section (default: --sizes; 1M ingest takes long on 2 shared cores)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections to run")
    parser.add_argument("--merge", default=None,
                        help="combine earlier result files (e.g. dashboard,ingest) into --name instead of running")
    parser.add_argument("--runs", type=int, default=None, help="repeats per query timing (default 7, quick 3)")
    parser.add_argument("--name", default="latest", help="results file stem in bench/results/")
    parser.add_argument("--no-app", action="store_true", help="skip the app peak-RSS measurement")
    parser.add_argument("--extract-n", type=int, default=None,
                        help="synthetic articles for extraction speed/accuracy (default 10,000, quick 1,000)")
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus (extraction and ingest)")
    parser.add_argument("--results-dir", type=Path, default=common.RESULTS_DIR, help="where to write results")
    return parser.parse_args(argv)


def dashboard_markdown(results: dict) -> list[str]:
    """Per page and size: query median/p95 (all meetings, and one ministry in one year); bare SQL/pandas."""
    rows = [f"Dashboard warehouse: {results['warehouse']}.", "",
            "| meetings | page | page queries median / p95 (all) | (one ministry, 2024) "
            "| bare DuckDB median | pandas in memory median |", "|---:|---|---:|---:|---:|---:|"]
    for size in results["sizes"]:
        for page, timing in size["pages"]["all"].items():
            filtered = size["pages"]["filtered"].get(page, {})
            bare = size["bare"].get(page, {})
            rows.append(f"| {size['n']:,} | {page} | {_ms(timing)} | {_ms(filtered)} "
                        f"| {bare.get('duckdb', {}).get('median_ms', '–')} ms "
                        f"| {bare.get('pandas', {}).get('median_ms', '–')} ms |"
                        if bare else f"| {size['n']:,} | {page} | {_ms(timing)} | {_ms(filtered)} | – | – |")
        if "app" in size:
            app = size["app"]
            rows.append(f"| {size['n']:,} | app peak RSS (AppTest, all pages) | {app.get('app_vmhwm_mb', '–')} MB "
                        f"| errors: {len(app.get('errors', [])) if 'errors' in app else app.get('error', '')} | | |")
    builds = ", ".join(f"{s['n']:,}: {s['build_s']} s / {s['db_mb']} MB" for s in results["sizes"])
    return rows + ["", f"Warehouse build time / file size: {builds}."]


def _ms(timing: dict) -> str:
    if "error" in timing:
        return f"error: {timing['error'][:80]}"
    return f"{timing.get('median_ms', '–')} / {timing.get('p95_ms', '–')} ms" if timing else "–"


def report(results: dict) -> str:
    """All figures as one markdown document."""
    m = results["machine"]
    lines = ["# Benchmark results", "",
             f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; "
             f"load average at start {m['load_avg_at_start']:.1f} (cores shared with other work).",
             f"Mode: {'quick' if results['quick'] else 'full'}; sizes {results['sizes']}; "
             f"took {results['seconds']:.0f} s.", ""]
    if "extraction" in results:
        lines += ["## Extraction (target ≥ 5,000 docs/s/core)", ""] + extraction.markdown(results["extraction"])
    if "ingest" in results:
        lines += ["", "## Ingest (target: 1M in ≤ 5 min, re-ingest ≤ 5%)", ""] + ingest.markdown(results["ingest"])
    if "dashboard" in results:
        lines += ["", "## Dashboard (target ≤ 150 ms per page, ≤ 600 MB RSS)", ""]
        lines += dashboard_markdown(results["dashboard"])
    return "\n".join(lines) + "\n"


def merged(names: list[str]) -> dict:
    """Sections of earlier result files combined (later files win); their run times add up."""
    results: dict = {"seconds": 0.0}
    for name in names:
        part = json.loads((common.RESULTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        results["seconds"] += part.pop("seconds", 0.0)
        if "ingest" in part and "ingest" in results:  # ingest rows combine by size; later runs win
            rows = {r["n"]: r for r in results["ingest"]["synthetic"] + part["ingest"]["synthetic"]}
            part["ingest"]["synthetic"] = [rows[n] for n in sorted(rows)]
        results.update({k: v for k, v in part.items() if k in SECTIONS or k == "machine" or k not in results})
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    ingest_sizes = [int(s) for s in args.ingest_sizes.split(",")] if args.ingest_sizes else sizes
    runs = args.runs or (3 if args.quick else 7)
    only = set(args.only.split(","))
    if args.merge:
        results = merged(args.merge.split(","))
        markdown = report(results)
        paths = common.save(results, markdown, args.name, args.results_dir)
        print(markdown + f"\nwritten: {paths[0]}, {paths[1]}")
        return 0
    began = time.perf_counter()
    results: dict = {"machine": common.machine(), "quick": args.quick, "sizes": sizes,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    if "extraction" in only:
        results["extraction"] = extraction.run(args.quick, args.extract_n, real=not args.no_real)
    if "ingest" in only:
        results["ingest"] = ingest.run(ingest_sizes, real=not args.no_real)
    if "dashboard" in only:
        results["dashboard"] = dashboard.run(sizes, runs, None if args.no_app else max(sizes))
    results["seconds"] = round(time.perf_counter() - began, 1)
    markdown = report(results)
    json_path, md_path = common.save(results, markdown, args.name, args.results_dir)
    print(markdown)
    print(f"written: {json_path}, {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
