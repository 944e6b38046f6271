"""Paths and defaults in one place; each is overridable by an environment variable or CLI flag."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KM_DATA_DIR", ROOT / "data"))
RAW_DIR = Path(os.environ.get("KM_RAW_DIR", DATA_DIR / "raw"))
DB_PATH = Path(os.environ.get("KM_DB", DATA_DIR / "meetings.duckdb"))
CORRECTIONS_PATH = Path(os.environ.get("KM_CORRECTIONS", DATA_DIR / "corrections.csv"))
SHARED_DIR = Path(os.environ.get("KM_SHARED", ROOT.parent / "shared"))
CORPUS_DIR = SHARED_DIR / "corpus" / "khmer-news-2019"
EVAL_LABELS = SHARED_DIR / "eval" / "dev_labels.jsonl"
GAZETTEER_DIR = Path(__file__).resolve().parent / "data"
