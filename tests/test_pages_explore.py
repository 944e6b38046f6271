"""AppTest over the Explorer, Data quality and Add articles pages: with data, empty, missing, filtered."""

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.aggregates import save_aggregates
from etl.normalize import normalize_text
from tests.db_fixtures import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "ខេត្ត\u200bកណ្ដាល ៖ <script>alert('x')</script> ឯកឧត្តម នួន នារតី បានដឹកនាំ <b>កិច្ចប្រជុំ</b>"
CHAIR = "នួន នារតី"


def add_article(path: Path) -> None:
    """Give meeting m2 a real article (markup, ZWSP, coeng-DA), its chair evidence and a conflict."""
    con = duckdb.connect(str(path))
    start = ARTICLE.index(CHAIR)
    con.execute("UPDATE documents SET text = ?, text_norm = ? WHERE doc_id = 'doc-m2'",
                [ARTICLE, normalize_text(ARTICLE)])
    con.execute("UPDATE evidence SET start_pos = ?, end_pos = ? WHERE doc_id = 'doc-m2'",
                [start, start + len(CHAIR)])
    con.execute("INSERT INTO meeting_conflicts VALUES ('m2', 'chair', ['នួន នារតី', 'នួន ណារតី'])")
    con.execute("INSERT INTO rejected_inputs VALUES ('data/raw/empty.txt', 'no Khmer text', NULL, 1,"
                " TIMESTAMP '2024-08-01 09:00')")
    save_aggregates(con)  # as an ingest does after its last change (the review queue reads them)
    con.close()


@pytest.fixture()
def warehouse(tmp_path, monkeypatch) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    add_article(path)
    monkeypatch.setenv("KM_DB", str(path))
    return path


def app(page: str, timeout: float = 30, **state) -> AppTest:
    """Run a page once with the given session state (widget keys) set first."""
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def frame_with(at: AppTest, column: str):
    """The one table shown with this column (display tables carry no key in AppTest)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def table_ids(at: AppTest, key: str = "explorer_table") -> list[str]:
    frames = [d for d in at.dataframe if d.key == key]
    assert len(frames) == 1
    return frames[0].value["meeting_id"].tolist()


def test_explorer_lists_meetings_and_asks_for_a_selection(warehouse):
    at = app("explorer.py")
    no_errors(at)
    assert table_ids(at) == ["m2", "m1", "m4", "m3"]
    assert [c.value for c in at.caption][:2] == ["All meetings", "4 meetings"]
    assert [i.value for i in at.info] == [
        "Select a row (the box at its left) to see the meeting's sources, evidence and corrections."]
    assert [b.label for b in at.get("download_button")] == ["⬇ CSV", "⬇ Excel (XLSX)", "⬇ Parquet"]


def test_explorer_with_filters_and_khmer_search(warehouse):
    at = app("explorer.py", sidebar_provinces=["Kandal"])
    no_errors(at)
    assert table_ids(at) == ["m2", "m3"]
    assert at.caption[0].value == "Kandal"
    at.text_input(key="explorer_search").set_value("ខេត្ត\u200bកណ្ដាល នារតី").run()
    assert table_ids(at) == ["m2"]
    at.text_input(key="explorer_search").set_value("ព្រះសីហនុ").run()
    no_errors(at)
    assert not [d for d in at.dataframe if d.key == "explorer_table"]
    assert at.info[0].value == "No meeting article contains “ព្រះសីហនុ” within these filters."


def test_explorer_in_khmer(warehouse):
    at = app("explorer.py", sidebar_lang="km")
    no_errors(at)
    frame = [d for d in at.dataframe if d.key == "explorer_table"][0].value
    assert list(frame.columns[:6]) == ["កាលបរិច្ឆេទ", "ចំណងជើង", "រាជធានី-ខេត្ត", "រាជធានី-ខេត្ត (EN)",
                                       "ក្រសួងដឹកនាំ", "ក្រសួងដឹកនាំ (EN)"]  # Khmer first
    # an empty cell shows a dash, never "None"
    assert frame["រាជធានី-ខេត្ត"].tolist() == ["ខេត្តកណ្តាល", "រាជធានីភ្នំពេញ", "–", "ខេត្តកណ្តាល"]
    # partners in Khmer where the dims know a Khmer name (this fixture has none for two of them)
    assert frame["ដៃគូ"].tolist() == ["យូនីសេហ្វ", "អង្គការមិនមែនរដ្ឋាភិបាល", "–",
                                      "Save the Children; យូនីសេហ្វ; USAID"]


def test_explorer_detail_highlights_escaped_evidence(warehouse):
    at = app("explorer.py", explorer_table={"selection": {"rows": [0], "columns": [], "cells": []}})
    no_errors(at)
    assert [s.value for s in at.subheader] == [r"កិច្ចប្រជុំ គ\.ក\.ស\.ក ខេត្តកណ្តាល"]
    bodies = [h.proto.body for h in at.html]
    assert bodies == [
        '<div class="km-article" style="line-height:1.9">ខេត្ត\u200bកណ្ដាល ៖ '
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ឯកឧត្តម "
        f'<mark title="chair" data-fields="chair">{CHAIR}</mark> បានដឹកនាំ '
        "&lt;b&gt;កិច្ចប្រជុំ&lt;/b&gt;</div>"]
    assert [w.value for w in at.warning] == ["Sources disagree on chair: នួន នារតី / នួន ណារតី"]
    fields = frame_with(at, "Khmer")
    assert fields.set_index("Field").loc["Province"].tolist() == ["Kandal", "ខេត្តកណ្តាល"]
    assert fields.set_index("Field").loc["Partners"].tolist() == ["UNICEF", "យូនីសេហ្វ"]
    assert fields.set_index("Field").loc["Lead ministry"].tolist() == ["–", ""]  # nothing found: a dash
    evidence = frame_with(at, "Text in the article")
    assert evidence[["Field", "Text in the article"]].values.tolist() == [["chair", CHAIR]]


def test_quality_page_with_data_and_filters(warehouse):
    at = app("quality.py")
    no_errors(at)
    assert [(m.label, m.value) for m in at.metric] == [
        ("Documents", "4"), ("Meeting reports", "4"), ("Not a meeting", "0"), ("Rejected inputs", "1")]
    coverage = frame_with(at, "Share")
    assert coverage.set_index("Field").loc["Province"].tolist() == [3, 75.0]
    queue = frame_with(at, "Why check it")
    assert queue[["Meeting ID", "Province", "Why check it"]].values.tolist() == [
        ["m2", "Kandal", "sources disagree on Chair"], ["m4", "–", "no province"]]
    assert frame_with(at, "Reason")[["Source", "Reason", "Seen at"]].values.tolist() == [
        ["data/raw/empty.txt", "no Khmer text", "2024-08-01 09:00"]]
    assert any("data/corrections.csv" in m.value for m in at.markdown)
    at = app("quality.py", sidebar_lang="km")
    assert frame_with(at, "មូលហេតុត្រូវពិនិត្យ")["មូលហេតុត្រូវពិនិត្យ"].tolist() == [
        "ប្រភពមិនស្របគ្នាលើ អធិបតី", "គ្មានរាជធានី/ខេត្ត"]
    at = app("quality.py", quality_review={"selection": {"rows": [1], "columns": [], "cells": []}})
    no_errors(at)
    assert r'\=HYPERLINK\("http\://x"\) កិច្ចប្រជុំក្រុមការងារអន្តរក្រសួង' in [s.value for s in at.subheader]
    at = app("quality.py", sidebar_provinces=["Phnom Penh"])
    no_errors(at)
    assert [s.value for s in at.success] == ["Nothing to review within these filters."]
    coverage = frame_with(at, "Share")
    assert coverage.set_index("Field").loc["Province"].tolist() == [1, 100.0]


@pytest.mark.parametrize("page", ["explorer.py", "quality.py"])
def test_pages_with_an_empty_warehouse(tmp_path, monkeypatch, page):
    monkeypatch.setenv("KM_DB", str(make_warehouse(tmp_path / "empty.duckdb", meetings=[])))
    at = app(page)
    no_errors(at)
    assert "No meetings match these filters. Widen the date range or clear some filters." in [
        i.value for i in at.info]


@pytest.mark.parametrize("page", ["explorer.py", "quality.py"])
def test_pages_without_a_warehouse(tmp_path, monkeypatch, page):
    monkeypatch.setenv("KM_DB", str(tmp_path / "missing.duckdb"))
    at = app(page)
    no_errors(at)
    assert [i.value for i in at.info][0].startswith("No warehouse yet at ")


def test_markdown_from_articles_is_inert():
    from analytics.explore_view import md

    assert md("[a](javascript:x) $x$ :red[y] <b>**z**</b>\nកិច្ច") == (
        r"\[a\]\(javascript\:x\) \$x\$ \:red\[y\] \<b\>\*\*z\*\*\</b\> កិច្ច")


# ---- Add articles -------------------------------------------------------------------------------

def test_save_uploads_keeps_files_inside_a_new_folder(tmp_path):
    from datetime import UTC, datetime

    from analytics import uploads

    now = datetime(2024, 8, 1, 9, 0, 0, 5, tzinfo=UTC)
    folder = uploads.save_uploads([("../../etc/passwd.txt", b"a"), ("..\\x\\.hidden.HTML", b"b"),
                                   ("ខ្មែរ news.md", b"c")], "  អត្ថបទ \n", root=tmp_path, now=now)
    assert folder == tmp_path / "20240801T090000_000005Z"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "000_passwd.txt": b"a", "001_hidden.html": b"b", "002_ខ្មែរ_news.md": b"c",
        "pasted.txt": "អត្ថបទ\n".encode()}
    assert uploads.save_uploads([], "   ", root=tmp_path) is None


@pytest.fixture()
def upload_env(tmp_path, monkeypatch) -> Path:
    """No warehouse yet; uploads and the warehouse both under tmp_path."""
    monkeypatch.setenv("KM_DB", str(tmp_path / "new.duckdb"))
    monkeypatch.setenv("KM_UPLOADS", str(tmp_path / "uploads"))
    return tmp_path


def test_add_articles_asks_for_input(upload_env):
    at = app("add_articles.py")
    no_errors(at)
    at.button(key="add_articles_submit").click().run()
    no_errors(at)
    assert [w.value for w in at.warning] == ["Choose a file or paste some text first."]
    assert not (upload_env / "new.duckdb").exists()


def test_add_articles_paste_and_upload_go_into_the_warehouse(upload_env, seeds_dir):
    from analytics.explore_view import md
    from etl.read import read_text

    seed = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    at = app("add_articles.py", timeout=180)
    at.text_area(key="add_articles_paste").set_value(seed)
    at.file_uploader(key="add_articles_files").set_value(
        [("notes.txt", b"only English words, no Khmer at all", "text/plain")])
    at.button(key="add_articles_submit").click().run()
    assert not at.exception, [e.message for e in at.exception]
    reason = dict(read_reasons(upload_env))["000_notes.txt"]
    assert [e.value for e in at.error] == [rf"Rejected 000\_notes\.txt: {md(reason)}"]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Files"], metrics["Rejected inputs"], metrics["Meetings added"]) == ("2", "1", "1")
    doc_id = read_text(seed, source="pasted.txt").doc_id
    con = duckdb.connect(str(upload_env / "new.duckdb"), read_only=True)
    status = con.execute("SELECT status FROM documents WHERE doc_id = ?", [doc_id]).fetchall()
    con.close()
    assert status == [("meeting",)]
    assert "<mark" in at.html[0].proto.body
    assert "Ministry of Health" in frame_with(at, "Khmer")["Value"].tolist()


def read_reasons(root: Path) -> list[tuple[str, str]]:
    """(file name, reason) of what the reader rejects in the upload folder: the page shows the same."""
    from analytics import uploads

    folder = next((root / "uploads").iterdir())
    return [(Path(r.source).name, r.reason) for r in uploads.read_uploads(folder)[1]]
