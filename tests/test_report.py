"""Weekly review: ISO weeks, the briefing queries (whole frames), HTML escaping, the PPTX deck (slides,
numbers, meeting rows, Khmer fonts), chart PNGs via kaleido, a LibreOffice render, and the CLI."""

import io
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from analytics import deck, report
from analytics.filters import Filters
from tests.conftest import require
from tests.db_fixtures import SAMPLE_MEETINGS, make_warehouse

ROOT = Path(__file__).resolve().parent.parent
KHMER_TITLE = "របាយការណ៍ប្រចាំសប្តាហ៍ស្តីពីកិច្ចប្រជុំ"
# 19 more meetings in 2024-W29 (15-21 July) so the meetings list needs three slides (8 + 8 + 4).
EXTRA = [(f"x{i:02d}", date(2024, 7, 15 + i % 7), "KH-12", "Phnom Penh", "Ministry of Health", None,
          "ម៉ម ប៊ុនហេង", None, "workshop", False, ["Ministry of Health"], [("UNICEF", "un_agency")],
          f"<b>សិក្ខាសាលា</b> លេខ {i:02d}") for i in range(19)]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("report") / "w.duckdb", SAMPLE_MEETINGS + EXTRA)


@pytest.fixture()
def con(db):
    with duckdb.connect(str(db), read_only=True) as c:
        yield c


@pytest.fixture(scope="module")
def briefing(db) -> report.Briefing:
    with duckdb.connect(str(db), read_only=True) as c:
        return report.load_briefing(c, week="2024-W29")


def test_weeks():
    assert report.parse_week("2024-W29") == (date(2024, 7, 15), date(2024, 7, 21))
    assert report.parse_week("2020-W53") == (date(2020, 12, 28), date(2021, 1, 3))
    for bad in ("2024-29", "2023-W53", "W29"):
        with pytest.raises(ValueError):
            report.parse_week(bad)
    assert report.last_complete_week(date(2024, 7, 22)) == "2024-W29"  # Monday: last week is done
    assert report.last_complete_week(date(2024, 7, 21)) == "2024-W28"  # Sunday: this week is not
    assert report.week_label(date(2025, 1, 1)) == "2025-W01"
    assert [report.review_semester(date(2024, m, 1)) for m in (1, 5, 6, 7, 11, 12)] == [
        "2023-S2", "2023-S2", "2024-S1", "2024-S1", "2024-S1", "2024-S2"]
    assert report.previous_semester("2024-S1") == "2023-S2"
    sunday = date(2024, 7, 21)
    assert [report._status(d, sunday) for d in (date(2024, 7, 15), date(2024, 7, 14), None)] == [
        "held this week", "held", "due"]


def test_one_line_cuts_at_words_or_whole_khmer_clusters():
    assert report.one_line("ក\u200bខ\n  គ") == "ក\u200bខ គ"  # ZWSP kept: Khmer has no spaces
    assert report.one_line("កខគ\u200b" * 20, 10) == "កខគ\u200bកខគ…"
    assert report.one_line("word " * 30, 20) == "word word word word…"
    cut = report.one_line("ក្រសួង" * 30, 10)  # no spaces: cut after a whole cluster (not before ្ + ស)
    assert cut == "ក្រសួងក្រសួ…"  # 10 chars would end inside ស + ួ


def test_every_label_has_a_khmer_text_without_english_words():
    """The Khmer briefing never falls back to an English label or quotes an English status."""
    en, km = report.labels("en"), report.labels("km")
    for key in en:
        if key.endswith("_km"):
            continue
        assert km[key] != en[key] or not any(c.isascii() and c.isalpha() for c in en[key]), key
        text = re.sub(r"\{\w+\}", "", km[key])  # placeholders such as {week} stay
        assert not any("a" <= c.lower() <= "z" for c in text), (key, km[key])


def test_briefing_whole(briefing):
    assert briefing.headline == {"meetings": 20, "prev_avg": 0.0, "ministries": 2, "provinces": 1,
                                 "partners": 2, "reviews_held": 1, "reviews_due": 0}
    assert list(briefing.weekly["meetings"]) == [0] * 11 + [20]
    assert briefing.weekly["week"].iloc[0] == "2024-W18"
    assert briefing.by_ministry.to_dict("records") == [
        {"ministry": "Ministry of Health", "name_km": "ក្រសួងសុខាភិបាល", "short_en": "MoH", "meetings": 19},
        {"ministry": "Ministry of Rural Development", "name_km": "ក្រសួងអភិវឌ្ឍន៍ជនបទ", "short_en": "MRD",
         "meetings": 1}]
    assert briefing.by_province.to_dict("records") == [
        {"province": "Phnom Penh", "name_km": "រាជធានីភ្នំពេញ", "meetings": 20}]
    assert briefing.partners[["partner", "meetings"]].to_dict("records") == [
        {"partner": "UNICEF", "meetings": 19}, {"partner": "NGO", "meetings": 1}]
    assert briefing.semester == "2024-S1"
    assert briefing.reviews.to_dict("records") == [
        {"organiser": "Ministry of Rural Development", "previous": None, "current": date(2024, 7, 17),
         "status": "held this week"}]
    first = briefing.meetings.iloc[0].to_dict()
    assert first == {"date": date(2024, 7, 15), "organiser": "Ministry of Health", "chair": "ម៉ម ប៊ុនហេង",
                     "province": "Phnom Penh", "province_km": "រាជធានីភ្នំពេញ", "partners": "UNICEF",
                     "subject": "<b>សិក្ខាសាលា</b> លេខ 00", "meeting_id": "x00"}
    assert list(briefing.meetings["date"]) == sorted(briefing.meetings["date"])
    assert "m1" in set(briefing.meetings["meeting_id"]) and len(briefing.meetings) == 20


def test_briefing_follows_filters_and_compares_with_previous_weeks(con):
    b = report.load_briefing(con, Filters(provinces=("Kandal",), date_from=date(2030, 1, 1)), "2024-W31")
    assert list(b.meetings["meeting_id"]) == ["m2"]  # the filter's own dates give way to the week
    assert b.prev_avg == 0.0 and b.reviews["status"].tolist() == ["held this week"]
    later = report.load_briefing(con, Filters(), "2024-W31")
    assert later.prev_avg == 20 / 4 and later.headline["meetings"] == 1
    assert report.change_text(1, 5.0) == "-80%"
    assert report.weeks_with_meetings(con, Filters(provinces=("Kandal",))) == ["2024-W31", "2022-W25"]


def test_reviews_due_when_last_semester_was_reviewed(tmp_path):
    rows = [("r1", date(2024, 1, 10), None, None, "Ministry of Health", None, "ក", "2023-S2",
             "semester_review", False, ["Ministry of Health"], [], "បូកសរុបឆមាស")] + SAMPLE_MEETINGS
    with duckdb.connect(str(make_warehouse(tmp_path / "w.duckdb", rows)), read_only=True) as c:
        b = report.load_briefing(c, week="2024-W31")
    assert b.reviews.to_dict("records")[-1] == {"organiser": "Ministry of Health",
                                                "previous": date(2024, 1, 10),
                                                "current": None, "status": "due"}
    # 2023-S2 was reviewed by MoH in January; the 2024-S1 review is due (it is now in review season)
    assert b.semester == "2024-S1" and b.headline["reviews_due"] == 1


def test_html_is_escaped_and_complete(briefing):
    page = report.briefing_html(briefing)
    assert "&lt;b&gt;សិក្ខាសាលា&lt;/b&gt; លេខ 00" in page and "<b>សិក្ខាសាលា" not in page
    assert KHMER_TITLE in page and "2024-W29" in page and page.count("<tr>") >= 20 + 1
    assert report.briefing_html(briefing, "km").count("កិច្ចប្រជុំសប្តាហ៍នេះ") >= 1


def runs(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [c.text_frame for r in shape.table.rows for c in r.cells] if shape.has_table else (
                [shape.text_frame] if shape.has_text_frame else [])
            for frame in frames:
                for para in frame.paragraphs:
                    yield from para.runs


def slide_titles(prs) -> list[str]:
    return [s.shapes.title.text_frame.text for s in prs.slides]


def table_rows(slide) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[c.text_frame.text for c in row.cells] for row in table.rows]


def test_deck_holds_slides_numbers_and_every_meeting(briefing):
    prs = Presentation(io.BytesIO(deck.build_deck(briefing, charts=False)))
    assert slide_titles(prs) == [
        f"Weekly review of meetings\n{KHMER_TITLE}", "This week in numbers · 2024-W29",
        "Meetings per week", "Partners involved this week", "By ministry · By province",
        "Semester reviews · 2024-S1", "Meetings this week · 2024-W29 (1/3)",
        "Meetings this week · 2024-W29 (2/3)", "Meetings this week · 2024-W29 (3/3)"]
    boxes = [s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame][1:8]
    assert boxes[0] == "20\nmeetings this week" and boxes[1] == "0.0\naverage of the previous 4 weeks"
    listed = [row for slide in list(prs.slides)[6:] for row in table_rows(slide)[1:]]
    expected = [[str(r.date), r.organiser or "", r.chair, r.province, r.partners, r.subject]
                for r in briefing.meetings.itertuples()]
    assert listed == expected
    assert table_rows(prs.slides[5]) == [["Organiser", "Previous semester", "This semester", "Status"],
                                         ["Ministry of Rural Development", "", "2024-07-17",
                                          "held this week"]]


def test_every_run_has_a_khmer_complex_script_font(briefing):
    prs = Presentation(io.BytesIO(deck.build_deck(briefing, lang="km", charts=False)))
    khmer = [r for r in runs(prs) if deck.KHMER_RE.search(r.text)]
    assert len(khmer) > 20
    for run in runs(prs):
        rpr = run._r.find(qn("a:rPr"))
        faces = [rpr.find(qn(f"a:{t}")).get("typeface") for t in ("latin", "ea", "cs")]
        assert faces == [deck.LATIN_FONT, deck.KHMER_FONT, deck.KHMER_FONT]
    assert all(r._r.find(qn("a:rPr")).get("lang") == "km-KH" for r in khmer)


def test_empty_week_deck_says_so(con):
    b = report.load_briefing(con, week="2023-W10")
    prs = Presentation(io.BytesIO(deck.build_deck(b, charts=False)))
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert "No meetings recorded in this week." in texts and "No partners named this week." in texts


@pytest.mark.browser
@pytest.mark.xdist_group("kaleido")
def test_charts_render_as_png_with_one_browser(briefing, chromium_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", chromium_path)
    timings = []
    for fig in (deck.frequency_figure(briefing), deck.partners_figure(briefing, "km")) * 2:
        start = time.perf_counter()
        png = deck.chart_png(fig)
        timings.append(time.perf_counter() - start)
        assert png is not None and png.startswith(b"\x89PNG")
    start = time.perf_counter()
    prs = Presentation(io.BytesIO(deck.build_deck(briefing)))
    print(f"\nchart seconds {[round(t, 2) for t in timings]}; deck {time.perf_counter() - start:.2f}s")
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 2


@pytest.mark.xdist_group("kaleido")
def test_a_browser_that_dies_leaves_the_charts_out_instead_of_hanging(briefing, monkeypatch):
    from analytics import deck_charts

    monkeypatch.setattr(deck_charts, "_renderer", None)  # a fresh start, with a "browser" that exits
    monkeypatch.setenv("BROWSER_PATH", shutil.which("false"))
    assert deck.chart_png(deck.frequency_figure(briefing)) is None
    prs = Presentation(io.BytesIO(deck.build_deck(briefing)))
    texts = [s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame]
    assert texts[-1] == "Chart not available (no browser to render it)."


@pytest.fixture(scope="session")
def office() -> tuple[str, str]:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    require(soffice is not None and pdftoppm is not None,
            "LibreOffice + poppler-utils (make system-deps)")
    return soffice, pdftoppm


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("kaleido")
def test_deck_renders_in_libreoffice_with_khmer_font(briefing, office, chromium_path, tmp_path):
    soffice, pdftoppm = office
    pptx = tmp_path / "review.pptx"
    pptx.write_bytes(deck.build_deck(briefing, lang="km"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "review.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSansKhmer" in fonts  # the Khmer runs were set in the Khmer face, not a fallback
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("p-*1.png"))
    assert png.stat().st_size > 5000
    keep = ROOT / "test-artifacts" / "weekly_deck_title.png"  # for a person to look at
    keep.parent.mkdir(exist_ok=True)
    shutil.copy(png, keep)


def test_cli_report_writes_deck_and_html(db, tmp_path, capsys):
    out, page = tmp_path / "review.pptx", tmp_path / "review.html"
    done = subprocess.run([sys.executable, "-m", "etl", "report", "--week", "2024-W29", "--no-charts",
                           "--db", str(db), "--out", str(out), "--html", str(page)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(Presentation(str(out)).slides) == 9 and "2024-W29" in page.read_text(encoding="utf-8")
    from etl.__main__ import main

    capsys.readouterr()
    assert main(["report", "--week", "2024-29", "--db", str(db), "--out", str(out)]) == 2
    assert "not an ISO week" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "--html", str(page)]) == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert pd.read_html(io.StringIO(page.read_text(encoding="utf-8")))[-1].shape[0] == 20


def test_weekly_page_shows_the_chosen_week(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KM_DB", str(db))
    at = AppTest.from_file(str(ROOT / "pages" / "weekly.py"), default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="weekly_week").value == report.last_complete_week()
    assert at.info[0].value == ("No meetings recorded in this week. The latest week with meetings is"
                                " 2024-W31: pick it above.")
    at.selectbox(key="weekly_week").set_value("2024-W29").run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["20", "0.0", "2", "1", "2", "1", "0"]
    assert [b.label for b in at.get("download_button")] == ["⬇ PowerPoint (PPTX)", "⬇ HTML (printable)"]
    assert len(at.dataframe[-1].value) == 20
