"""`python -m etl extract PATH...`: input files -> one JSON record per document on stdout (JSON Lines).

Accepted documents print exactly the keys of etl.record.RECORD_KEYS, in order; rejected inputs print
{"source": ..., "error": ...}. Exit code 0 when everything was read, 1 when some inputs were
rejected (the good ones are still printed), 2 on usage errors such as a missing path.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from etl.read import Document, Rejected, iter_input_files, read_file
from etl.record import RECORD_KEYS

PROGRESS_MIN_FILES = 20  # a bar for a handful of files is noise

Extractor = Callable[[Document], dict[str, Any]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of the extract command."""
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="article files or folders (read recursively): .txt .md .html .htm .jsonl .json .csv",
    )
    parser.add_argument(
        "--only-meetings",
        action="store_true",
        help="print only documents classified as meetings (rejected inputs are still printed)",
    )


def load_extractor() -> Extractor:
    """The record extractor (imported late: it loads the gazetteers)."""
    from etl.extract import extract_record

    return extract_record


def output_line(result: Document | Rejected, extract: Extractor, only_meetings: bool) -> str | None:
    """The JSON line for one read result, or None when --only-meetings filters it out."""
    if isinstance(result, Rejected):
        return json.dumps({"source": result.source, "error": result.reason}, ensure_ascii=False)
    record = extract(result)
    if only_meetings and not record["is_meeting"]:
        return None
    return json.dumps({key: record[key] for key in RECORD_KEYS}, ensure_ascii=False)


def write_records(
    files: Iterable[Path], extract: Extractor, out: TextIO, only_meetings: bool = False
) -> int:
    """Print the records of all files to out; returns how many inputs were rejected."""
    rejected = 0
    for path in files:
        for result in read_file(path):
            rejected += isinstance(result, Rejected)
            line = output_line(result, extract, only_meetings)
            if line is not None:
                out.write(line + "\n")
    return rejected


def _utf8_stdout() -> None:
    # Khmer must reach pipes and files as UTF-8 whatever the locale says.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")


def _progress(files: list[Path]) -> Iterable[Path]:
    show = sys.stderr.isatty() and len(files) >= PROGRESS_MIN_FILES
    return tqdm(files, unit="file", file=sys.stderr, disable=not show)


def run(args: argparse.Namespace) -> int:
    """Run the extract command; returns the exit code."""
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = list(iter_input_files(args.paths))
    if not files:
        print("note: no supported input files found", file=sys.stderr)
    _utf8_stdout()
    rejected = write_records(_progress(files), load_extractor(), sys.stdout, args.only_meetings)
    sys.stdout.flush()
    if rejected:
        print(f'{rejected} input(s) rejected (see the lines with "error")', file=sys.stderr)
    return 1 if rejected else 0
