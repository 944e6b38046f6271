"""Labels file + article folders -> per-field accuracy/F1 of the extractor (`python -m etl evaluate`).

is_meeting is scored on every labelled article (precision/recall/F1); the other fields on the articles
labelled as meetings: exact-match accuracy for single values (Khmer compared after normalisation),
micro-F1 for the ministries and partners lists.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from etl import settings
from etl.extract import extract_record
from etl.normalize import normalize_text
from etl.read import Document, read_file

# label key -> record key, for fields scored by exact match on meetings
ACCURACY_FIELDS = {
    "meeting_date": "meeting_date",
    "date_year_inferred": "date_year_inferred",
    "province": "province",
    "lead_ministry": "lead_ministry",
    "chair_khmer": "chair",
    "semester": "semester",
    "period": "period",
    "online": "online",
}
SET_FIELDS = ("ministries", "partners")


def load_labels(path: Path) -> list[dict[str, Any]]:
    """One dict per non-empty line of a JSON Lines labels file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def find_document(doc_key: str, text_dirs: list[Path]) -> Document | None:
    """The article `<id>.txt` from the first folder holding it, read as the extractor would."""
    for folder in text_dirs:
        path = Path(folder) / f"{doc_key}.txt"
        if path.is_file():
            docs = [d for d in read_file(path) if isinstance(d, Document)]
            return docs[0] if docs else None
    return None


def _same(field: str, gold: Any, got: Any) -> bool:
    if field == "chair_khmer" and gold and got:
        return normalize_text(gold).split() == normalize_text(got).split()
    return gold == got


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _score_meeting(label: dict, record: dict, counts: dict, errors: list) -> None:
    for key, field in ACCURACY_FIELDS.items():
        ok = _same(key, label.get(key), record.get(field))
        counts[key][0] += ok
        counts[key][1] += 1
        if not ok:
            errors.append((label["id"], key, label.get(key), record.get(field)))
    for field in SET_FIELDS:
        gold, got = set(label.get(field) or []), set(record.get(field) or [])
        counts[field][0] += len(gold & got)
        counts[field][1] += len(got - gold)
        counts[field][2] += len(gold - got)
        if gold != got:
            errors.append((label["id"], field, sorted(gold), sorted(got)))


def evaluate(labels_path: Path, text_dirs: list[Path]) -> dict[str, Any]:
    """Scores per field plus the list of mismatches (id, field, gold, got) and the records."""
    counts: dict[str, list[int]] = {k: [0, 0] for k in ACCURACY_FIELDS}
    counts.update({k: [0, 0, 0] for k in SET_FIELDS})
    meeting = [0, 0, 0]
    errors: list[tuple] = []
    records: dict[str, dict] = {}
    missing = []
    for label in load_labels(labels_path):
        doc = find_document(label["id"], text_dirs)
        if doc is None:
            missing.append(label["id"])
            continue
        record = records[label["id"]] = extract_record(doc)
        gold, got = bool(label["is_meeting"]), bool(record["is_meeting"])
        meeting[0 if gold and got else 1 if got else 2] += gold or got
        if gold != got:
            errors.append((label["id"], "is_meeting", gold, got))
        if gold:
            _score_meeting(label, record, counts, errors)
    scores: dict[str, Any] = {"is_meeting": _f1(*meeting)}
    for key in ACCURACY_FIELDS:
        right, total = counts[key]
        scores[key] = {"accuracy": right / total if total else 1.0, "n": total}
    for field in SET_FIELDS:
        scores[field] = _f1(*counts[field])
    return {"scores": scores, "errors": errors, "missing": missing, "records": records}


def format_table(scores: dict[str, Any]) -> str:
    """The scores as an aligned text table."""
    lines = [f"{'field':<20} {'metric':<9} {'value':>6}  detail"]
    for field, s in scores.items():
        if "f1" in s:
            detail = (
                f"P={s['precision']:.3f} R={s['recall']:.3f} tp={s['tp']} fp={s['fp']} fn={s['fn']}"
            )
            lines.append(f"{field:<20} {'F1':<9} {s['f1']:>6.3f}  {detail}")
        else:
            lines.append(f"{field:<20} {'accuracy':<9} {s['accuracy']:>6.3f}  n={s['n']}")
    return "\n".join(lines)


def below_minimums(scores: dict[str, Any], minimums: list[str]) -> list[str]:
    """Fields whose main score is under a FIELD=VALUE minimum."""
    failed = []
    for item in minimums:
        field, _, value = item.partition("=")
        s = scores[field]
        got = s["f1"] if "f1" in s else s["accuracy"]
        if got < float(value):
            failed.append(f"{field}: {got:.3f} < {value}")
    return failed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """CLI options of `python -m etl evaluate`."""
    parser.add_argument(
        "--labels", type=Path, default=settings.EVAL_LABELS, help="labels JSON Lines file"
    )
    parser.add_argument(
        "--texts",
        type=Path,
        nargs="+",
        default=[settings.RAW_DIR, settings.CORPUS_DIR],
        help="folders holding <id>.txt articles",
    )
    parser.add_argument("--show-errors", action="store_true", help="list every mismatch")
    parser.add_argument(
        "--min", nargs="*", default=[], metavar="FIELD=VALUE", help="fail below these scores"
    )


def run(args: argparse.Namespace) -> int:
    """Print the table (and mismatches); exit 1 when a --min threshold is not met or texts are missing."""
    result = evaluate(args.labels, args.texts)
    print(format_table(result["scores"]))
    if result["missing"]:
        print(f"\nmissing texts: {', '.join(result['missing'])}")
    if args.show_errors:
        print("\nmismatches (id, field, gold, got):")
        for row in result["errors"]:
            print("  " + json.dumps(row, ensure_ascii=False))
    failed = below_minimums(result["scores"], args.min)
    for line in failed:
        print("BELOW MINIMUM " + line)
    return 1 if failed or result["missing"] else 0
