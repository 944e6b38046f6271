"""`python -m etl synth`: seed → a synthetic Khmer news corpus (txt files or jsonl shards) + ground-truth labels.

The same --n/--seed always writes the same bytes: every shard of 10,000 articles has its own random stream,
so the output does not depend on how many processes wrote it.
"""

import argparse
import json
import os
import random
import sys
import time
from multiprocessing import get_context
from pathlib import Path

from etl.synth_page import page
from etl.synth_spec import load_vocab, meeting_spec

SHARD_SIZE = 10_000  # articles per subfolder (txt) or per random stream (jsonl)
JSONL_ROWS = 2_000  # rows per jsonl file: about 5 MB, well under the reader's size limit
MEETING_SHARE, DUPLICATE_SHARE = 0.62, 0.10  # the rest is other news; duplicates re-report a recent meeting
RECENT = 40  # duplicates pick one of this many latest meetings of the shard

_vocab: dict | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the articles")
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt",
                        help="txt: one file per article in subfolders of 10,000; jsonl: one file per 10,000")
    parser.add_argument("--labels", type=Path, default=None,
                        help="labels file (default: OUT-labels.jsonl next to OUT, so it is not ingested)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")


def labels_path_for(out: Path) -> Path:
    """Default labels file: a sibling of the article folder (inside it, ingest would read it)."""
    return out.parent / f"{out.name}-labels.jsonl"


def doc_id(i: int) -> str:
    return f"synth_{i:07d}"


def shard_articles(seed: int, shard: int, start: int, stop: int) -> list[tuple[str, str, dict]]:
    """(id, text, label) for articles start..stop-1, from this shard's own random stream."""
    global _vocab
    _vocab = _vocab or load_vocab()
    rng = random.Random(f"synth:{seed}:{shard}")
    recent: list[tuple[dict, int]] = []
    out = []
    for i in range(start, stop):
        draw, spec, site = rng.random(), None, rng.randrange(len(_vocab["sites"]))
        if draw < DUPLICATE_SHARE and recent:
            spec, first_site = rng.choice(recent)
            site = first_site + rng.randint(1, len(_vocab["sites"]) - 1)  # the same meeting, another site
        elif draw < DUPLICATE_SHARE + MEETING_SHARE:
            spec = meeting_spec(rng, _vocab)
            recent = (recent + [(spec, site)])[-RECENT:]
        text, label = page(rng, _vocab, spec, site)
        out.append((doc_id(i), text, {"id": doc_id(i), **label}))
    return out


def write_shard(task: tuple[int, int, int, int, str, str]) -> tuple[str, int]:
    """Write one shard of articles; return its label lines and the bytes written."""
    seed, shard, start, stop, out, fmt = task
    articles = shard_articles(seed, shard, start, stop)
    size = 0
    if fmt == "jsonl":
        rows = [json.dumps({"id": i, "title": t.split("\n", 1)[0], "text": t,
                            "url": f"https://synth.example/{i}"}, ensure_ascii=False) for i, t, _ in articles]
        for part in range(0, len(rows), JSONL_ROWS):
            data = ("\n".join(rows[part:part + JSONL_ROWS]) + "\n").encode("utf-8")
            (Path(out) / f"part-{shard:04d}-{part // JSONL_ROWS}.jsonl").write_bytes(data)
            size += len(data)
    else:
        folder = Path(out) / f"{shard:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for i, text, _ in articles:
            data = text.encode("utf-8")
            with open(folder / f"{i}.txt", "wb") as handle:
                handle.write(data)
            size += len(data)
    labels = "".join(json.dumps(label, ensure_ascii=False) + "\n" for _, _, label in articles)
    return labels, size


def generate(n: int, seed: int, out: Path, fmt: str = "txt", labels: Path | None = None,
             jobs: int = 1) -> tuple[Path, int]:
    """Write n articles and their labels; return (labels path, article bytes written)."""
    out.mkdir(parents=True, exist_ok=True)
    labels = labels or labels_path_for(out)
    tasks = [(seed, s, s * SHARD_SIZE, min(n, (s + 1) * SHARD_SIZE), str(out), fmt)
             for s in range((n + SHARD_SIZE - 1) // SHARD_SIZE)]
    total = 0
    with open(labels, "w", encoding="utf-8") as sink:
        if jobs > 1 and len(tasks) > 1:
            with get_context("fork").Pool(min(jobs, len(tasks))) as pool:
                for lines, size in pool.imap(write_shard, tasks):
                    sink.write(lines)
                    total += size
        else:
            for lines, size in map(write_shard, tasks):
                sink.write(lines)
                total += size
    return labels, total


def run(args: argparse.Namespace) -> int:
    """CLI entry: write the corpus and say where the labels are."""
    if args.n < 1:
        print("--n must be at least 1", file=sys.stderr)
        return 2
    began = time.perf_counter()
    labels, size = generate(args.n, args.seed, args.out, args.format, args.labels, args.jobs)
    seconds = time.perf_counter() - began
    print(f"wrote {args.n:,} synthetic articles ({size / 1e6:,.1f} MB, {args.format}) to {args.out} "
          f"in {seconds:.1f} s ({args.n / seconds:,.0f}/s); labels: {labels}")
    return 0
