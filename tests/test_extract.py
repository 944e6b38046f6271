"""Extraction: golden cases with spans, record shape and evidence offsets, never raising."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.extract import build_record, extract_record, extract_text
from etl.read import Document, read_file
from etl.record import RECORD_KEYS

GOLDEN = sorted(Path(__file__).with_name("golden").glob("*.json"))
KHMER = st.characters(min_codepoint=0x1780, max_codepoint=0x17FF)
TEXTISH = st.one_of(KHMER, st.sampled_from(list(" \n\u200b៖()-0123456789abcZoomUNICEF")))


def _check_evidence(text: str, record: dict) -> None:
    """Every evidence snippet is exactly the original text at its offsets."""
    for field, ev in record["evidence"].items():
        assert field in RECORD_KEYS, field
        assert 0 <= ev["start"] < ev["end"] <= len(text), field
        assert text[ev["start"] : ev["end"]] == ev["text"], field


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_case(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    record = extract_text(case["text"], path.name, case.get("title"), case.get("published"))
    got = {field: record[field] for field in case["expected"]}
    assert got == case["expected"]
    snippets = {field: record["evidence"][field]["text"] for field in case["evidence"]}
    assert snippets == case["evidence"]
    _check_evidence(case["text"], record)


def test_golden_cases_cover_both_verdicts():
    verdicts = {json.loads(p.read_text(encoding="utf-8"))["expected"]["is_meeting"] for p in GOLDEN}
    assert verdicts == {True, False}


def test_record_has_every_key_in_order_and_found_fields_have_evidence(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = next(d for d in read_file(path) if isinstance(d, Document))
        record = extract_record(doc)
        assert tuple(record) == RECORD_KEYS
        assert record["doc_id"] == doc.doc_id and record["source"] == doc.source
        _check_evidence(doc.text, record)
        for field in (
            "province",
            "lead_ministry",
            "chair",
            "meeting_date",
            "partners",
            "ministries",
        ):
            if record[field]:
                assert field in record["evidence"], (path.name, field)
        assert record["ministries"] == sorted(record["ministries"])
        assert record["partners"] == sorted(record["partners"])
        assert 0.0 <= record["confidence"] <= 1.0


def test_empty_and_plain_text_give_an_empty_non_meeting_record():
    for text in ("", "   \n", "hello world"):
        record = build_record(text)
        assert tuple(record) == RECORD_KEYS
        assert record["is_meeting"] is False and record["evidence"].keys() <= {"title"}


def test_metadata_title_and_published_are_used():
    text = "ភ្នំពេញ ៖ នៅថ្ងៃទី៥ ខែមិថុនា ក្រសួងសុខាភិបាល បានរៀបចំកិច្ចប្រជុំបូកសរុប។"
    record = extract_text(text, "x", title="ចំណងជើង", published="2024-06-06")
    assert record["title"] == "ចំណងជើង" and record["published"] == "2024-06-06"
    assert record["lead_ministry"] == "Ministry of Health"


@settings(max_examples=150, deadline=None)
@given(
    st.text(TEXTISH, max_size=400),
    st.one_of(st.none(), st.text(max_size=40)),
    st.one_of(st.none(), st.text(max_size=12)),
)
def test_extraction_never_raises(text, title, published):
    # build_record is extract_text without its safety net, so a bug shows here instead of hiding
    record = build_record(text, "<hypothesis>", title=title, published=published)
    assert tuple(record) == RECORD_KEYS
    _check_evidence(text, record)


def test_fast_path_only_skips_articles_that_cannot_be_meetings(corpus_dir, monkeypatch):
    from etl import extract

    docs = [d for p in sorted(corpus_dir.glob("*.txt"))[:300] for d in read_file(p)]
    skipped = [d for d in docs if isinstance(d, Document) and not extract._may_be_meeting(d.text)]
    assert len(skipped) > 150  # most news is not about meetings
    fast = [extract_record(d) for d in skipped]
    monkeypatch.setattr(extract, "_may_be_meeting", lambda text: True)
    full = [extract_record(d) for d in skipped]
    assert [r["is_meeting"] for r in full] == [False] * len(skipped)
    assert [r["title"] for r in fast] == [r["title"] for r in full]
    assert [r["evidence"].get("title") for r in fast] == [r["evidence"].get("title") for r in full]
