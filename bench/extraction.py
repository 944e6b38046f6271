"""Extraction on one core (docs/s, best of 3 warm passes, real + synthetic) next to a plain regex pass; synth accuracy."""

import re
import tempfile
import time
from pathlib import Path

from bench.common import log
from etl import settings, synth

# The practical floor: one compiled regex over each text (a meeting word or a Khmer/Arabic date).
PLAIN_REGEX = re.compile(r"កិច្ចប្រជុំ|ថ្ងៃទី\s*[០-៩0-9]+")
SUMMARY_FIELDS = ("is_meeting", "meeting_date", "province", "lead_ministry", "chair_khmer", "ministries",
                  "partners", "semester", "period", "online", "date_year_inferred")


def load_documents(folder: Path) -> list:
    """Documents as the extractor receives them (read + page chrome removed), not timed."""
    from etl.read import Document, read_documents
    return [d for d in read_documents([folder]) if isinstance(d, Document)]


PASSES = 3  # throughput is the best of this many passes: warm caches, the steady per-core figure


def _best_pass(work, passes: int = PASSES) -> tuple[float, float, object]:
    """(best wall seconds, best CPU seconds, result of the last pass) over `passes` runs of work()."""
    wall = cpu = float("inf")
    result = None
    for _ in range(passes):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall = min(wall, time.perf_counter() - began)
        cpu = min(cpu, time.process_time() - began_cpu)
    return wall, cpu, result


def throughput(docs: list) -> dict:
    """docs/s of extract_record on this core (best of PASSES passes), and of one plain regex pass
    over the same texts (also best of PASSES), in the same run."""
    from etl.extract import extract_record
    regex_s, _, hits = _best_pass(lambda: sum(len(PLAIN_REGEX.findall(d.text)) for d in docs))
    extract_s, extract_cpu_s, meetings = _best_pass(
        lambda: sum(bool(extract_record(d)["is_meeting"]) for d in docs))
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    return {"docs": len(docs), "mb": round(mb, 1), "passes": PASSES,
            "extract_docs_per_s": round(len(docs) / extract_s),
            "extract_s": round(extract_s, 2), "extract_docs_per_cpu_s": round(len(docs) / extract_cpu_s),
            "regex_docs_per_s": round(len(docs) / regex_s),
            "regex_s": round(regex_s, 3), "extract_vs_regex": round(extract_s / regex_s, 1),
            "meetings_found": meetings, "regex_hits": hits}


def accuracy(labels: Path, folder: Path) -> dict:
    """Per-field scores of the extractor against the synthetic labels (etl.evaluate)."""
    from etl.evaluate import evaluate
    result = evaluate(labels, sorted(p for p in folder.iterdir() if p.is_dir()))
    scores = result["scores"]
    out = {}
    for field in SUMMARY_FIELDS:
        s = scores.get(field, {})
        out[field] = round(s["f1"] if "f1" in s else s.get("accuracy", float("nan")), 3)
    out["n_labels"], out["missing"] = scores["is_meeting"]["tp"] + scores["is_meeting"]["fn"], len(result["missing"])
    return out


def run(quick: bool, n: int | None = None, real: bool = True) -> dict:
    """Real corpus (when present) and a synthetic set: throughput, plus accuracy on the synthetic set."""
    results: dict = {}
    if not real:
        results["real"] = {"skipped": "not asked for (--no-real)"}
    elif settings.CORPUS_DIR.is_dir():
        log(f"extraction: real corpus {settings.CORPUS_DIR}")
        docs = load_documents(settings.CORPUS_DIR)
        results["real"] = throughput(docs[:300] if quick else docs)
    else:
        results["real"] = {"skipped": f"no corpus at {settings.CORPUS_DIR}"}
        print(f"extraction: real corpus skipped (no {settings.CORPUS_DIR})")
    n = n or (1000 if quick else 10_000)
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        out = Path(tmp) / "raw"
        labels, _ = synth.generate(n, 2024, out, jobs=1)
        log(f"extraction: {n:,} synthetic articles")
        results["synthetic"] = throughput(load_documents(out))
        results["accuracy"] = accuracy(labels, out)
    return results


def markdown(results: dict) -> list[str]:
    """Table rows for the report."""
    rows = [f"| corpus | docs | extract docs/s (wall, 1 process, best of {PASSES} warm passes) "
            f"| extract docs per CPU-second (best of {PASSES}) | plain regex docs/s (best of {PASSES}) "
            "| extract ÷ regex time |", "|---|---:|---:|---:|---:|---:|"]
    for name in ("real", "synthetic"):
        r = results.get(name, {})
        if "skipped" in r:
            rows.append(f"| {name} | – | skipped: {r['skipped']} | | | |")
        elif r:
            rows.append(f"| {name} | {r['docs']:,} | {r['extract_docs_per_s']:,} "
                        f"| {r.get('extract_docs_per_cpu_s', '–'):,} | {r['regex_docs_per_s']:,} "
                        f"| {r['extract_vs_regex']}× |")
    acc = results.get("accuracy", {})
    if acc:
        rows += ["", f"Extractor vs synthetic labels ({acc['n_labels']:,} meetings): "
                 + ", ".join(f"{k} {v}" for k, v in acc.items() if k in SUMMARY_FIELDS)]
    return rows
