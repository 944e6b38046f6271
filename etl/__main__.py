"""Command line: `python -m etl COMMAND ...`; each command lives in its own module."""

import argparse
import importlib
import sys

# command -> (module, one-line help). Each module defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("etl.cli_extract", "print one JSON record per input document (JSON Lines)"),
    "evaluate": ("etl.evaluate", "score the extractor against a labels file"),
    "ingest": ("etl.ingest", "load article folders/files into the DuckDB warehouse"),
    "export": ("analytics.export", "export filtered meetings as CSV, XLSX or Parquet"),
    "report": ("analytics.report", "write the weekly review deck (PPTX) or HTML briefing"),
    "synth": ("etl.synth", "write a synthetic Khmer corpus with ground-truth labels"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        width = max(map(len, COMMANDS))
        lines = [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
        print("usage: python -m etl COMMAND [options]\n\ncommands:\n" + "\n".join(lines))
        return 0 if argv[:1] in ([], ["-h"], ["--help"]) else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    parser = argparse.ArgumentParser(prog=f"python -m etl {argv[0]}", description=COMMANDS[argv[0]][1])
    module.add_arguments(parser)
    return module.run(parser.parse_args(argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
