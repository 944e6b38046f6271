"""Synthetic corpus: deterministic, labelled like the dev set, covering every province/ministry/style."""

import json
import re
from pathlib import Path

import pytest

from etl import synth
from etl.synth_dates import STYLES, lunar
from etl.synth_spec import load_vocab

LABEL_KEYS = ["id", "is_meeting", "meeting_date", "date_year_inferred", "province", "ministries",
              "lead_ministry", "partners", "semester", "period", "chair_khmer", "online", "note"]
N_SAMPLE = 3000


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[dict]]:
    """3,000 articles (seed 7, like `make demo`) and their labels."""
    out = tmp_path_factory.mktemp("synth") / "raw"
    labels_path, _ = synth.generate(N_SAMPLE, 7, out, jobs=1)
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
    return out, labels


def _text(out: Path, doc_id: str) -> str:
    return next(out.glob(f"*/{doc_id}.txt")).read_text(encoding="utf-8")


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_whatever_the_process_count(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "SHARD_SIZE", 40)  # several shards, so two workers really split the work
    synth.generate(130, 3, tmp_path / "a" / "raw", jobs=1)
    synth.generate(130, 3, tmp_path / "b" / "raw", jobs=2)
    first, second = _tree_bytes(tmp_path / "a"), _tree_bytes(tmp_path / "b")
    assert len(first) == 130 + 1 and sorted(first) == sorted(second)
    assert first == second
    synth.generate(130, 4, tmp_path / "c" / "raw", jobs=1)
    assert _tree_bytes(tmp_path / "c") != first


def test_files_are_sharded_and_labels_sit_outside_the_article_folder(sample):
    out, labels = sample
    assert (out.parent / "raw-labels.jsonl").is_file()
    files = sorted(out.rglob("*"))
    assert [p.name for p in files if p.is_dir()] == ["0000"]
    assert [p.stem for p in files if p.is_file()] == [label["id"] for label in labels]


def test_label_rows_have_the_dev_label_keys_and_value_shapes(sample):
    _, labels = sample
    assert len(labels) == N_SAMPLE
    for label in labels:
        assert list(label) == LABEL_KEYS
        assert label["ministries"] == sorted(label["ministries"]) and label["partners"] == sorted(label["partners"])
        if not label["is_meeting"]:
            assert label["meeting_date"] is None and label["ministries"] == [] and label["province"] is None
        if label["lead_ministry"]:
            assert label["lead_ministry"] in label["ministries"]
        if label["date_year_inferred"]:
            assert label["meeting_date"] is not None


def test_label_keys_match_the_dev_labels(eval_labels):
    first = json.loads(eval_labels.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == LABEL_KEYS


def test_every_province_ministry_type_and_date_style_appears(sample):
    _, labels = sample
    vocab = load_vocab()
    meetings = [label for label in labels if label["is_meeting"]]
    assert 0.55 < len(meetings) / len(labels) < 0.85
    assert {label["province"] for label in meetings} - {None} == {p[0] for p in vocab["provinces"]}
    seen = {m for label in meetings for m in label["ministries"]}
    assert seen == {m[0] for m in vocab["ministries"]}  # includes a former name, used for early years
    notes = " ".join(label["note"] for label in labels)
    for style in STYLES:
        assert f"date style {style};" in notes
    for mtype in vocab["meeting_types"]:
        assert f"synthetic {mtype} " in notes
    assert {label["semester"][-2:] for label in meetings if label["semester"]} == {"S1", "S2"}
    assert {label["period"][4:6] for label in meetings if label["period"]} >= {"", "-Q", "-0", "-1"}
    assert min(label["meeting_date"] for label in meetings if label["meeting_date"]) < "2016"
    assert max(label["meeting_date"] for label in meetings if label["meeting_date"]) > "2026"


def test_spelling_variants_and_zero_width_spaces_are_present(sample):
    out, labels = sample
    texts = [_text(out, label["id"]) for label in labels[:400]]
    assert 0.15 < sum("\u200b" in t for t in texts) / len(texts) < 0.5
    assert any("្ដ" in t for t in texts) and any("្រ្ត" in t for t in texts)
    assert any("ក្រសួង" in t and "្ត" in t and "្ដ" not in t for t in texts)


def test_documents_without_a_year_really_have_none(sample):
    out, labels = sample
    no_year = [label for label in labels if "date style noyear;" in label["note"]]
    assert no_year
    for label in no_year:
        assert not re.search(r"[0-9០-៩]{4}", _text(out, label["id"])), label["id"]


def test_labelled_chair_and_dates_are_written_in_the_text(sample):
    out, labels = sample
    for label in labels[:500]:
        text = _text(out, label["id"]).replace("\u200b", "")
        if label["chair_khmer"]:
            assert label["chair_khmer"] in text
        if label["meeting_date"] and not label["date_year_inferred"]:
            assert label["meeting_date"][:4] in text.translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789"))


def test_duplicates_report_one_meeting_from_different_sites(sample):
    _, labels = sample
    key = [(label["chair_khmer"], label["lead_ministry"], label["period"], label["semester"], label["partners"])
           for label in labels if label["is_meeting"] and label["chair_khmer"]]
    repeated = len(key) - len({json.dumps(k) for k in key})
    assert repeated > 0.05 * len(key)


def test_jsonl_format_holds_the_same_articles(tmp_path):
    synth.generate(50, 7, tmp_path / "txt", jobs=1)
    synth.generate(50, 7, tmp_path / "jsonl", fmt="jsonl", jobs=1)
    rows = [json.loads(line) for line in (tmp_path / "jsonl" / "part-0000-0.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [f"synth_{i:07d}" for i in range(50)]
    assert all(r["text"] == _text(tmp_path / "txt", r["id"]) for r in rows)
    assert (tmp_path / "txt-labels.jsonl").read_bytes() == (tmp_path / "jsonl-labels.jsonl").read_bytes()


def test_lunar_dates_match_known_articles():
    from datetime import date
    # as written in the real corpus (26 July 2019) and in seed 004 (17 July 2024)
    assert lunar(date(2019, 7, 26)) == "ថ្ងៃសុក្រ ១០រោច ខែអាសាឍ ឆ្នាំកុរ ឯកស័ក ព.ស.២៥៦៣"
    assert lunar(date(2024, 7, 17)) == "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨"


def test_cli_writes_and_reports(tmp_path, capsys):
    from etl.__main__ import main
    assert main(["synth", "--n", "20", "--seed", "1", "--out", str(tmp_path / "raw"), "--jobs", "1"]) == 0
    assert "wrote 20 synthetic articles" in capsys.readouterr().out
    assert len(list((tmp_path / "raw").rglob("*.txt"))) == 20


def test_extractor_scores_above_a_sane_floor_on_synthetic_articles(tmp_path):
    # Floors well below the measured scores (see bench/results): this catches a broken link between the
    # generator and the extractor (names, label shapes), it is not the accuracy benchmark itself.
    from etl.evaluate import evaluate
    labels, _ = synth.generate(500, 12, tmp_path / "raw", jobs=1)
    scores = evaluate(labels, [tmp_path / "raw" / "0000"])["scores"]
    floors = {"is_meeting": 0.85, "meeting_date": 0.8, "province": 0.85, "lead_ministry": 0.85,
              "chair_khmer": 0.8, "semester": 0.8, "ministries": 0.8, "partners": 0.8}
    got = {field: scores[field].get("f1", scores[field].get("accuracy")) for field in floors}
    assert {f: v for f, v in got.items() if v < floors[f]} == {}, got


@pytest.mark.slow
def test_bench_quick_prints_every_section(tmp_path, capsys):
    # a smoke run of the benchmark code on tiny sizes: figures printed and written, no timing asserted
    from bench.__main__ import main
    assert main(["--quick", "--sizes", "150", "--runs", "1", "--no-app", "--extract-n", "60", "--no-real",
                 "--results-dir", str(tmp_path), "--name", "smoke"]) == 0
    out = capsys.readouterr().out
    for heading in ("## Extraction", "## Ingest", "## Dashboard", "| synthetic |", "| 150 | overview |"):
        assert heading in out
    results = json.loads((tmp_path / "smoke.json").read_text(encoding="utf-8"))
    assert results["ingest"]["synthetic"][0]["first_exit"] == 0
    assert (tmp_path / "smoke.md").read_text(encoding="utf-8") in out
