"""Shared bench helpers: timing statistics, measured subprocesses, machine facts, result files."""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """nproc, CPU model and RAM of this machine (from /proc), and the Python version."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(ram_gb, 1),
            "python": platform.python_version(), "load_avg_at_start": os.getloadavg()[0]}


def stats(seconds: list[float]) -> dict:
    """Median and p95 in milliseconds (p95 = nearest rank)."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "runs": len(ordered)}


def repeat(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall times of `runs` calls of fn."""
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def run_measured(args: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command; its wall time, exit code, peak RSS (itself or any waited-for child) and output tail."""
    began = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": round(time.perf_counter() - began, 2), "exit_code": proc.returncode,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "output_tail": output.strip()[-600:]}


def python(*args: str) -> list[str]:
    """The project interpreter running `args`."""
    return [sys.executable, *args]


def save(results: dict, markdown: str, name: str = "latest", folder: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """Write <folder>/<name>.json and <folder>/<name>.md."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{name}.json", folder / f"{name}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return json_path, md_path


def log(message: str) -> None:
    """Progress line on stderr (figures go to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
