"""Explorer and data-quality queries against the small fixture warehouse: whole results, Khmer search, escaping."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import explore, quality
from analytics.filters import Filters
from etl.normalize import normalize_text
from tests.db_fixtures import make_warehouse

# An article whose text carries a ZWSP between words, a coeng-DA spelling (ណ្ដ) and markup that must
# never reach the page as HTML.
ARTICLE = "ខេត្ត\u200bកណ្ដាល ៖ <script>alert('x')</script> ឯកឧត្តម នួន នារតី បានដឹកនាំ & <b>កិច្ចប្រជុំ</b>"


@pytest.fixture()
def con(tmp_path):
    path = make_warehouse(tmp_path / "w.duckdb")
    rw = duckdb.connect(str(path))
    chair_at = ARTICLE.index("នួន នារតី")
    rw.execute("UPDATE documents SET text = ?, text_norm = ? WHERE doc_id = 'doc-m2'",
               [ARTICLE, normalize_text(ARTICLE)])
    rw.execute("UPDATE evidence SET start_pos = ?, end_pos = ? WHERE doc_id = 'doc-m2'",
               [chair_at, chair_at + len("នួន នារតី")])
    rw.execute("INSERT INTO documents VALUES ('doc-x', 'data/raw/x.html', NULL, 'ព័ត៌មាន', NULL, 'h',"
               " TIMESTAMP '2024-08-01 09:00', 'not_meeting', 'x', 'x')")
    rw.execute("INSERT INTO rejected_inputs VALUES ('data/raw/big.pdf', 'unsupported file type .pdf',"
               " NULL, 1, TIMESTAMP '2024-08-01 09:00')")
    rw.execute("INSERT INTO ingest_runs VALUES (1, TIMESTAMP '2024-08-01 09:00', TIMESTAMP '2024-08-01 09:01',"
               " 'data/raw', 6, 6, 0, 0, 1, 4, 0, 0)")
    rw.execute("INSERT INTO corrections (target_id, field, value, note, author, corrected_on, applied,"
               " meeting_id) VALUES ('m2', 'province', 'Kandal', 'article says កណ្ដាល', 'dara',"
               " DATE '2024-08-02', TRUE, 'm2'), ('gone', 'chair', 'x', NULL, 'dara', NULL, FALSE, NULL)")
    rw.execute("INSERT INTO meeting_conflicts VALUES ('m2', 'chair', ['នួន នារតី', 'នួន ណារតី'])")
    rw.close()
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def plain(value):
    """Cell value for comparison: arrays as lists, missing as None."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        return value.tolist()
    return None if pd.isna(value) else value


def rows(df: pd.DataFrame) -> list[list]:
    return [[plain(v) for v in row] for row in df.astype(object).values.tolist()]


def test_meetings_table_whole_result(con):
    df = explore.meetings_table(con, Filters())
    assert list(df.columns) == [c[1] for c in explore.COLUMNS]
    assert rows(df) == [
        [date(2024, 7, 31), "កិច្ចប្រជុំ គ.ក.ស.ក ខេត្តកណ្តាល", "Kandal", "ខេត្តកណ្តាល", None, None,
         "Kandal Women and Children Consultative Committee", "នួន នារតី", "UNICEF", "2024-S1",
         "Semester review", False, 1, "m2"],
        [date(2024, 7, 17), "កិច្ចប្រជុំបូកសរុបរបាយការណ៍ឆមាសទី១ ឆ្នាំ២០២៤", "Phnom Penh", "រាជធានីភ្នំពេញ",
         "Ministry of Rural Development", "ក្រសួងអភិវឌ្ឍន៍ជនបទ", None, "ផូ ផារិទ្ធ", "NGO", "2024-S1",
         "Semester review", True, 1, "m1"],
        [date(2024, 1, 23), "=HYPERLINK(\"http://x\") កិច្ចប្រជុំក្រុមការងារអន្តរក្រសួង", None, None,
         "Ministry of Civil Service", "ក្រសួងមុខងារសាធារណៈ", None, "យក់ ប៊ុនណា", None, None,
         "Inter-ministerial", False, 1, "m4"],
        [date(2022, 6, 23), "កិច្ចប្រជុំពិគ្រោះយោបល់ កិច្ចការពារកុមារ", "Kandal", "ខេត្តកណ្តាល", None, None,
         "Kandal Provincial Administration", "ហ៊ុន កុសនី", "Save the Children; UNICEF; USAID", None,
         "Consultation", False, 1, "m3"],
    ]
    assert explore.count_meetings(con, Filters()) == 4


def test_meetings_table_filters_khmer_headers_and_limit(con):
    df = explore.meetings_table(con, Filters(provinces=("Kandal",)), lang="km")
    assert list(df.columns) == [c[2] for c in explore.COLUMNS]
    assert df["meeting_id"].tolist() == ["m2", "m3"]
    assert df["ប្រភេទ"].tolist() == ["ប្រជុំបូកសរុបឆមាស", "ប្រជុំពិគ្រោះយោបល់"]
    assert explore.meetings_table(con, Filters(), limit=2)["meeting_id"].tolist() == ["m2", "m1"]
    assert explore.meetings_table(con, Filters(partners=("USAID",)))["meeting_id"].tolist() == ["m3"]


@pytest.mark.parametrize("query", [
    "កណ្ដាល",  # coeng-DA, as typed on many keyboards
    "កណ្តាល",  # coeng-TA, the normalised spelling
    "ខេត្ត\u200bកណ្ដាល",  # with the ZWSP the corpus puts between words
    "ខេត្តកណ្ដាល  នារតី",  # two terms, both must occur
    "SCRIPT",  # Latin terms match whatever their case
])
def test_search_khmer_variants_match_normalised_text(con, query):
    assert explore.meetings_table(con, Filters(), search=query)["meeting_id"].tolist() == ["m2"]
    assert explore.count_meetings(con, Filters(), search=query) == 1


def test_search_misses_and_ignores_sql_wildcards(con):
    assert explore.meetings_table(con, Filters(), search="ព្រះសីហនុ").empty
    assert explore.meetings_table(con, Filters(), search="%").empty
    assert explore.meetings_table(con, Filters(), search="'; DROP TABLE meetings; --").empty
    assert explore.search_terms("  ") == []
    assert explore.meetings_table(con, Filters(provinces=("Phnom Penh",)), search="កណ្ដាល").empty


def test_meeting_detail_whole_result(con):
    detail = explore.meeting_detail(con, "m2")
    assert detail.fields["meeting_id"] == "m2"
    assert detail.fields["province_km"] == "ខេត្តកណ្តាល"
    assert list(detail.fields["partners"]) == ["UNICEF"]
    assert rows(detail.sources[["doc_id", "source", "status", "text"]]) == [
        ["doc-m2", "data/raw/m2.txt", "meeting", ARTICLE]]
    start = ARTICLE.index("នួន នារតី")
    assert rows(detail.evidence) == [["doc-m2", "chair", "នួន នារតី", start, start + 9]]
    assert rows(detail.corrections[["target_id", "field", "value", "author", "applied"]]) == [
        ["m2", "province", "Kandal", "dara", True]]
    assert rows(detail.conflicts) == [["chair", ["នួន នារតី", "នួន ណារតី"]]]
    assert explore.meeting_detail(con, "nope") is None


def test_highlight_escapes_article_and_marks_evidence(con):
    detail = explore.meeting_detail(con, "m2")
    text = detail.sources.iloc[0]["text"]
    spans = explore.locate_spans(text, detail.evidence)
    out = explore.highlight_html(text, spans)
    assert out == (
        '<div class="km-article" style="line-height:1.9">ខេត្ត\u200bកណ្ដាល ៖ '
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ឯកឧត្តម "
        '<mark title="chair" data-fields="chair">នួន នារតី</mark> បានដឹកនាំ &amp; '
        "&lt;b&gt;កិច្ចប្រជុំ&lt;/b&gt;</div>")
    assert "<script" not in out and "<b>" not in out


def test_highlight_overlaps_newlines_and_bad_spans():
    out = explore.highlight_html("ab<c\nd", [(1, 3, "z<"), (2, 4, "a"), (50, 60, "gone"), (3, 3, "empty")])
    assert out == (
        '<div class="km-article" style="line-height:1.9">a<mark title="z&lt;" data-fields="z&lt;">b</mark>'
        '<mark title="a, z&lt;" data-fields="a, z&lt;">&lt;</mark><mark title="a" data-fields="a">c</mark>'
        "<br>d</div>")


def test_locate_spans_falls_back_to_snippet_search():
    evidence = pd.DataFrame({"field": ["chair", "date", "lost"], "snippet": ["នួន", "២២", "zzz"],
                             "start_pos": [0, 4, 0], "end_pos": [3, 6, 3]})
    assert explore.locate_spans("xx នួន ២២", evidence) == [(3, 6, "chair"), (7, 9, "date")]


def test_field_coverage_whole_result(con):
    cov = quality.field_coverage(con)
    assert dict(zip(cov["field"], cov["meetings"], strict=True)) == {
        "meeting_date": 4, "date_year_stated": 4, "province": 3, "lead_ministry": 2, "ministries": 2,
        "organizer": 2, "lead_ministry_or_organizer": 4, "chair": 4, "chair_title": 0, "partners": 3,
        "semester": 2, "period": 0, "meeting_type": 4, "participants": 0}
    assert set(cov["total"]) == {4}
    assert cov.loc[cov["field"] == "province", "share"].item() == 0.75
    kandal = quality.field_coverage(con, Filters(provinces=("Kandal",)))
    assert kandal.loc[kandal["field"] == "partners", ["meetings", "total", "share"]].values.tolist() == [
        [2, 2, 1.0]]


def test_quality_tables(con):
    assert rows(quality.review_queue(con)[["meeting_id", "reasons"]]) == [
        ["m2", "sources disagree on chair"], ["m4", "no province"]]
    assert quality.review_queue(con, Filters(provinces=("Phnom Penh",))).empty
    assert quality.review_queue(con, limit=1)["meeting_id"].tolist() == ["m2"]
    assert quality.review_queue_count(con) == 2
    assert quality.review_queue_count(con, Filters(provinces=("Kandal",))) == 1
    assert rows(quality.document_counts(con)) == [["meeting", 4], ["not_meeting", 1]]
    assert rows(quality.rejected_inputs(con)[["source", "reason", "run_id"]]) == [
        ["data/raw/big.pdf", "unsupported file type .pdf", 1]]
    runs = quality.ingest_runs(con)
    assert rows(runs[["run_id", "files_seen", "files_rejected", "meetings_added"]]) == [[1, 6, 1, 4]]
    assert rows(quality.applied_corrections(con)[["target_id", "field", "applied", "meeting_id"]]) == [
        ["m2", "province", True, "m2"], ["gone", "chair", False, None]]
    assert "corrected_on" in quality.corrections_help("en")
    assert "target_id" in quality.corrections_help("km")


def test_empty_warehouse_gives_empty_frames(tmp_path):
    c = duckdb.connect(str(make_warehouse(tmp_path / "e.duckdb", meetings=[])), read_only=True)
    assert explore.meetings_table(c, Filters()).empty
    assert explore.count_meetings(c, Filters(), search="កណ្ដាល") == 0
    assert quality.field_coverage(c)["share"].tolist() == [0.0] * len(quality.COVERAGE_FIELDS)
    assert quality.review_queue(c).empty and quality.document_counts(c).empty
    c.close()
