"""AppTest over the entry point and every page: with the fixture warehouse, without one, empty, with filters
from the URL, in Khmer; asserts on what is shown (metrics, table rows, captions, messages)."""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import charts, ui
from tests.db_fixtures import SCHEMA, make_warehouse

ROOT = Path(__file__).resolve().parent.parent
MINE = ["pages/overview.py", "pages/frequency.py", "pages/partners.py", "pages/semesters.py",
        "pages/map.py"]
OTHERS = ["pages/explorer.py", "pages/quality.py", "pages/add_articles.py", "pages/weekly.py"]
EVERY = ["dashboard.py", *MINE, *(p for p in OTHERS if (ROOT / p).is_file())]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("pages") / "meetings.duckdb")


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "meetings.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.close()
    return path


def run(page: str, db: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("KM_DB", str(db))
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.query_params.update(params)
    return at.run()


def shown(at: AppTest) -> dict:
    return {
        "exceptions": [e.value for e in at.exception],
        "errors": [e.value for e in at.error],
        "metrics": {m.label: m.value for m in at.metric},
        "captions": [c.value for c in at.caption],
        "info": [i.value for i in at.info],
    }


@pytest.mark.parametrize("page", EVERY)
def test_every_page_runs_on_the_warehouse(page, warehouse, monkeypatch):
    at = run(page, warehouse, monkeypatch)
    got = shown(at)
    assert got["exceptions"] == [] and got["errors"] == []
    assert len(at.title) == 1


@pytest.mark.parametrize("page", EVERY)
def test_every_page_explains_a_missing_warehouse(page, tmp_path, monkeypatch):
    at = run(page, tmp_path / "nothing.duckdb", monkeypatch)
    got = shown(at)
    assert got["exceptions"] == []
    if page in MINE or page == "dashboard.py":
        assert len(got["info"]) == 1 and "make run" in got["info"][0]
        assert "python -m etl ingest data/raw" in got["info"][0]


@pytest.mark.parametrize("page", MINE)
def test_my_pages_say_when_there_are_no_meetings(page, empty_warehouse, monkeypatch):
    got = shown(run(page, empty_warehouse, monkeypatch))
    assert got["exceptions"] == [] and got["errors"] == []
    if page == "pages/overview.py":
        assert set(got["metrics"].values()) == {"0"}
    if page == "pages/semesters.py":
        assert got["info"][0] == "No review meetings match these filters."
    elif page == "pages/partners.py":
        assert got["info"] == ["None of these meetings names a partner."]
    else:
        assert "No meetings match these filters. Widen the date range or clear some filters." in (
            got["info"])


def test_overview_numbers_and_latest_table(warehouse, monkeypatch):
    at = run("dashboard.py", warehouse, monkeypatch)
    assert shown(at)["metrics"] == {"Meetings": "4", "Ministries active": "4", "Provinces": "2",
                                    "Partners": "4", "Semester reviews held": "2"}
    assert at.caption[0].value == "All meetings"
    table = at.dataframe[0].value
    assert table["Date"].astype(str).tolist() == ["2024-07-31", "2024-07-17", "2024-01-23", "2022-06-23"]
    assert table.iloc[3]["Partners"] == "Save the Children · UNICEF · USAID"
    # the long Khmer titles get a fixed width, so province, type and partners stay in view
    assert json.loads(at.dataframe[0].proto.columns)["Title"]["width"] == "large"
    assert table["Organiser"].tolist()[1:] == ["–", "–", "Kandal Provincial Administration"]
    assert table["Province"].tolist()[2] == "–"


def test_filters_from_the_url_with_previous_period(warehouse, monkeypatch):
    at = run("pages/overview.py", warehouse, monkeypatch, **{"from": "2024-07-01", "to": "2024-07-31"})
    got = shown(at)
    assert got["metrics"]["Meetings"] == "2"
    assert [m.proto.delta for m in at.metric][0] == "2"
    assert got["captions"][:2] == ["2024-07-01 – 2024-07-31", "Change vs 2024-05-31 – 2024-06-30"]
    at = run("pages/overview.py", warehouse, monkeypatch, province="Kandal", kind="un_agency")
    assert shown(at)["metrics"]["Meetings"] == "2"
    assert at.caption[0].value == "Kandal · UN agency"
    assert at.multiselect(key="sidebar_provinces").value == ["Kandal"]
    assert len(at.dataframe[0].value) == 2


def test_odd_url_values_are_ignored(warehouse, monkeypatch):
    at = run("pages/overview.py", warehouse, monkeypatch, province=["Atlantis", "Kandal"],
             **{"from": "1900-01-01", "to": "not-a-date"}, semester="2024-S9", lang="xx")
    got = shown(at)
    assert got["exceptions"] == [] and got["metrics"]["Meetings"] == "2"
    assert at.caption[0].value == "Kandal"


def test_khmer_interface(warehouse, monkeypatch):
    at = run("pages/overview.py", warehouse, monkeypatch, lang="km", province="Kandal")
    assert at.title[0].value == "ទិដ្ឋភាពទូទៅ"
    assert at.caption[0].value == "ខេត្តកណ្តាល"
    assert shown(at)["metrics"]["កិច្ចប្រជុំ"] == "2"
    assert at.dataframe[0].value["រាជធានី/ខេត្ត"].tolist() == ["ខេត្តកណ្តាល", "ខេត្តកណ្តាល"]


def test_filters_follow_to_another_page_and_clear(warehouse, monkeypatch):
    at = run("dashboard.py", warehouse, monkeypatch, province="Kandal")
    at.switch_page("pages/map.py").run()
    assert at.title[0].value == "Provinces map"
    assert shown(at)["metrics"] == {"Meetings by province": "2", "Meetings without a province": "0"}
    assert at.caption[0].value == "Kandal"
    at.button(key="sidebar_clear_map").click().run()
    assert at.caption[0].value == "All meetings"
    assert shown(at)["metrics"]["Meetings without a province"] == "1"


def test_language_follows_to_another_page(warehouse, monkeypatch):
    at = run("dashboard.py", warehouse, monkeypatch)
    at.radio(key="sidebar_lang").set_value("km").run()
    assert at.title[0].value == "ទិដ្ឋភាពទូទៅ"
    at.switch_page("pages/frequency.py").run()
    assert at.title[0].value == "ភាពញឹកញាប់នៃកិច្ចប្រជុំ"
    assert at.radio(key="sidebar_lang").value == "km"


def test_partners_page_tables(warehouse, monkeypatch):
    at = run("pages/partners.py", warehouse, monkeypatch)
    table = at.dataframe[0].value
    assert table["Partner"].tolist() == ["UNICEF", "NGO", "Save the Children", "USAID"]
    assert table["Kind"].tolist() == ["UN agency", "Unnamed NGO / development partners", "Named NGO",
                                      "Donor"]
    assert table["Meetings"].tolist() == [2, 1, 1, 1]
    at = run("pages/partners.py", warehouse, monkeypatch, kind="donor")
    assert at.dataframe[0].value["Partner"].tolist() == ["Save the Children", "UNICEF", "USAID"]


def test_semester_page_lists_who_has_not_reported(warehouse, monkeypatch):
    at = run("pages/semesters.py", warehouse, monkeypatch)
    assert at.selectbox(key="semesters_check").value == "2024-S1"
    missing, held = at.dataframe[0].value, at.dataframe[1].value
    assert missing["Ministry"].tolist() == ["Ministry of Civil Service", "Ministry of Health",
                                            "Ministry of Interior"]
    assert missing["Latest semester reviewed"].tolist() == ["none on record"] * 3
    assert held[["Ministry", "Semester", "Days after semester end"]].values.tolist() == [
        ["Ministry of Rural Development", "2024-S1", 17]]
    at.segmented_control(key="semesters_by").set_value("province").run()
    assert at.success[0].value == "Every Province in view has held a review for 2024-S1."


def test_map_page_counts(warehouse, monkeypatch):
    at = run("pages/map.py", warehouse, monkeypatch)
    assert shown(at)["metrics"] == {"Meetings by province": "3", "Meetings without a province": "1"}
    table = at.dataframe[0].value
    assert table.values.tolist() == [["Kandal", "ខេត្តកណ្តាល", "KH-8", 2],
                                     ["Phnom Penh", "រាជធានីភ្នំពេញ", "KH-12", 1]]
    table = run("pages/map.py", warehouse, monkeypatch, lang="km").dataframe[0].value
    assert list(table.columns) == ["រាជធានី/ខេត្ត", "ឈ្មោះជាភាសាអង់គ្លេស", "លេខកូដ", "កិច្ចប្រជុំ"]
    assert table.values.tolist()[0] == ["ខេត្តកណ្តាល", "Kandal", "KH-8", 2]


def test_demo_banner(tmp_path, monkeypatch):
    path = make_warehouse(tmp_path / "demo.duckdb")
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO warehouse_meta VALUES ('dataset', 'demo')")
    con.close()
    at = run("pages/overview.py", path, monkeypatch)
    assert [w.value for w in at.warning] == [
        "Demo data: this warehouse is synthetic (made by `make demo`), not real meetings."]


def layouts(at: AppTest) -> list[dict]:
    """The plotly layouts the page sent to the browser, in page order."""
    return [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize("page", EVERY)
def test_no_table_cell_reads_none(page, lang, warehouse, monkeypatch):
    at = run(page, warehouse, monkeypatch, lang=lang)
    assert shown(at)["exceptions"] == []
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            cells = frame[column]
            if cells.dtype == object:
                assert not cells.map(ui.is_missing).any() and "None" not in cells.astype(str).tolist(), (
                    page, column, cells.tolist())


def test_missing_names_show_a_dash_and_never_crash():
    frame = pd.DataFrame({"units": [pd.NA, ["Ministry of Health"], [], None], "n": [1, 2, 3, 4]})
    got = ui.table(frame, [("units", "col.organizer", "ministry"), ("n", "col.meetings", None)])
    assert got.values.tolist() == [["–", 1], ["Ministry of Health", 2], ["–", 3], ["–", 4]]
    assert ui.label("ministry", pd.NA) == "(none)"  # chart legends name the group
    # dates next to dashes become text (a mixed column would not convert to Arrow)
    assert ui.blank_missing(pd.DataFrame({"d": [pd.Timestamp("2024-01-02").date(), None]}))["d"].tolist() == [
        "2024-01-02", "–"]


def test_count_axes_have_whole_ticks_and_months_in_the_page_language(warehouse, monkeypatch):
    at = run("pages/frequency.py", warehouse, monkeypatch, lang="km")
    bars = layouts(at)[:3]  # total, by ministry, by province (then the calendar)
    assert [(b["yaxis"]["dtick"], b["yaxis"]["tickformat"]) for b in bars] == [(1, ",d")] * 3
    assert bars[0]["xaxis"]["ticktext"] == [
        "កក្កដា<br>2022", "តុលា", "មករា<br>2023", "មេសា", "កក្កដា", "តុលា", "មករា<br>2024", "មេសា", "កក្កដា"]
    assert bars[0]["xaxis"]["tickvals"][:2] == ["2022-07-01T00:00:00", "2022-10-01T00:00:00"]
    calendar = layouts(at)[3]  # the latest year, 2024: months over the week each one starts in
    assert calendar["xaxis"]["ticktext"] == ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា",
                                             "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"]
    assert calendar["xaxis"]["tickvals"][:3] == [0, 4, 8]
    at = run("pages/frequency.py", warehouse, monkeypatch)
    assert layouts(at)[0]["xaxis"]["ticktext"] == [
        "Jul<br>2022", "Oct", "Jan<br>2023", "Apr", "Jul", "Oct", "Jan<br>2024", "Apr", "Jul"]
    ranking = layouts(run("pages/partners.py", warehouse, monkeypatch))[0]
    assert (ranking["xaxis"]["dtick"], ranking["xaxis"]["tickformat"]) == (1, ",d")


def test_long_date_spans_tick_years_and_big_counts_tick_freely():
    frame = pd.DataFrame({"period": pd.date_range("2015-01-01", "2026-11-01", freq="MS"), "meetings": 40})
    fig = charts.stacked_bars(frame, "period", "meetings", None, {}, months=ui.months())
    assert fig.layout.xaxis.ticktext == tuple(str(y) for y in range(2015, 2027))
    assert fig.layout.yaxis.dtick is None and fig.layout.yaxis.tickformat == ",d"


def test_heatmap_labels_are_cut_on_khmer_cluster_or_word_boundaries():
    assert charts.short_label("ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ") == "ក្រសួងការងារ…"
    assert charts.short_label("ទីភ្នាក់ងារសហរដ្ឋអាមេរិកសម្រាប់ការអភិវឌ្ឍអន្តរជាតិ") == "ទីភ្នាក់ងារសហរដ្ឋអាមេរិក…"
    assert charts.short_label("Ministry of Health") == "Ministry of Health"


def test_partner_matrix_labels_are_short_and_slanted(warehouse, monkeypatch):
    at = run("pages/partners.py", warehouse, monkeypatch, lang="km")
    matrix = layouts(at)[1]
    assert matrix["xaxis"]["tickangle"] == -50
    assert all(len(text) <= charts.TICK_CHARS + 1 for text in matrix["xaxis"]["ticktext"])
    assert matrix["xaxis"]["ticktext"] == ["ក្រសួងអភិវឌ្ឍន៍ជនបទ"]
    grid = charts.heatmap(pd.DataFrame({"u": ["a", "b"], "p": ["x", "x"], "n": [1200, 0]}), "u", "p", "n", {})
    assert grid.data[0].text.tolist() == [["1,200", ""]]  # zero cells stay blank


def test_stacked_groups_get_distinct_colours_and_grey_means_other():
    frame = pd.DataFrame({"period": ["2024-01-01"] * 10, "meetings": range(10, 0, -1),
                          "label": [f"g{i}" for i in range(8)] + ["Other", "(none)"]})
    fig = charts.stacked_bars(frame, "period", "meetings", "label", {}, color_map=ui.neutral_colors())
    colors = {trace.name: trace.marker.color for trace in fig.data}
    assert len({colors[f"g{i}"] for i in range(8)}) == 8
    assert not {colors[f"g{i}"] for i in range(8)} & {"#7F7F7F", *charts.NEUTRAL.values()}
    assert (colors["Other"], colors["(none)"]) == (charts.NEUTRAL["other"], charts.NEUTRAL["none"])


def test_weekly_page_speaks_khmer(warehouse, monkeypatch):
    monkeypatch.setenv("KM_DB", str(warehouse))
    at = AppTest.from_file(str(ROOT / "pages/weekly.py"), default_timeout=60)
    at.query_params["lang"] = "km"
    at.session_state["weekly_week"] = "2024-W31"
    at.run()
    assert shown(at)["exceptions"] == []
    picker = at.selectbox(key="weekly_week")
    assert picker.format_func("2024-W31") == "2024-W31 (29 កក្កដា – 4 សីហា 2024)"
    headers = [list(d.value.columns) for d in at.dataframe]
    assert headers[:2] == [["ក្រសួង", "កិច្ចប្រជុំ"], ["រាជធានី-ខេត្ត", "កិច្ចប្រជុំ"]]
    assert at.dataframe[1].value["រាជធានី-ខេត្ត"].tolist() == ["ខេត្តកណ្តាល"]
    week = at.dataframe[-1].value  # the week's meetings: ministries and partners by their Khmer names
    assert week[["អ្នករៀបចំ", "ដៃគូ"]].values.tolist() == [  # (no Khmer form known for this committee)
        ["Kandal Women and Children Consultative Committee", "យូនីសេហ្វ"]]
    assert [b.proto.label for b in at.get("download_button")] == [
        "⬇ បទបង្ហាញ PowerPoint (PPTX)", "⬇ HTML (សម្រាប់បោះពុម្ព)"]
    charts_shown = layouts(at)  # projector-size axis text, as on the other pages
    assert [c["yaxis"]["tickfont"]["size"] for c in charts_shown] == [charts.FONT_SIZE] * len(charts_shown)
    labels = [m.label for m in at.metric]  # seven figures in two rows of four, none cut short
    assert labels[:2] == ["កិច្ចប្រជុំសប្តាហ៍នេះ", "មធ្យមភាគ ៤ សប្តាហ៍មុន"] and len(labels) == 7


def test_khmer_names_of_keys_and_key_lists():
    from analytics import i18n
    from analytics.explore_view import names_in

    i18n.set_names(i18n.Names(km={"ministry": {"Ministry of Land Management, Urban Planning and Construction": "ក្រសួងរៀបចំដែនដី"},
                                  "partner": {"UNICEF": "យូនីសេហ្វ"}}))
    frame = pd.DataFrame({"organiser": ["Ministry of Land Management, Urban Planning and Construction", None],
                          "partners": ["UNICEF, Laos", ""]})
    got = names_in(frame, {"organiser": "ministry", "partners": "partner"}, "km")
    assert got.values.tolist() == [["ក្រសួងរៀបចំដែនដី", "យូនីសេហ្វ, Laos"], [None, ""]]
    assert names_in(frame, {"organiser": "ministry"}, "en") is frame
    i18n.set_names(i18n.Names())
