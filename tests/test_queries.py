"""Queries on the fixture warehouse: whole result tables compared; connections while a file is replaced."""

import os
import threading
import time
from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import db, queries, reviews
from analytics.filters import Filters
from tests.db_fixtures import SAMPLE_MEETINGS, make_warehouse

ALL = Filters()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = db.connect(make_warehouse(tmp_path_factory.mktemp("q") / "w.duckdb"))
    yield connection
    connection.close()


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) if not any(isinstance(v, (list, tuple))
            for v in row) else tuple(row) for row in frame.itertuples(index=False)]


def test_filter_options(con):
    options = queries.filter_options(con)
    assert options == {
        "ministries": ["Ministry of Civil Service", "Ministry of Health", "Ministry of Interior",
                       "Ministry of Rural Development"],
        "provinces": ["Kandal", "Phnom Penh"],
        "partners": ["NGO", "Save the Children", "UNICEF", "USAID"],
        "partner_kinds": ["donor", "generic", "ngo", "un_agency"],
        "meeting_types": ["consultation", "inter_ministerial", "semester_review"],
        "semesters": ["2024-S2", "2024-S1", "2022-S1"],
        "date_min": date(2022, 6, 23), "date_max": date(2024, 7, 31),
    }


def test_headline_with_and_without_previous_period(con):
    assert rows(queries.headline(con, ALL)) == [
        ("meetings", 4, None), ("ministries", 4, None), ("provinces", 2, None), ("partners", 4, None),
        ("semester_reviews", 2, None)]
    # Jul 2024 (31 days) against the 31 days before it: 2 meetings vs none.
    july = Filters(date_from=date(2024, 7, 1), date_to=date(2024, 7, 31))
    assert queries.previous_period(july) == (date(2024, 5, 31), date(2024, 6, 30))
    assert rows(queries.headline(con, july)) == [
        ("meetings", 2, 0.0), ("ministries", 1, 0.0), ("provinces", 2, 0.0), ("partners", 2, 0.0),
        ("semester_reviews", 2, 0.0)]
    year = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert rows(queries.headline(con, year))[0] == ("meetings", 3, 0.0)


def test_latest_meetings(con):
    latest = queries.latest_meetings(con, ALL, n=3)
    assert latest["meeting_id"].tolist() == ["m2", "m1", "m4"]
    assert latest.iloc[0]["province"] == "Kandal" and list(latest.iloc[0]["partners"]) == ["UNICEF"]
    kandal = queries.latest_meetings(con, Filters(provinces=("Kandal",)))
    assert kandal["meeting_id"].tolist() == ["m2", "m3"]
    assert list(kandal.iloc[1]["partners"]) == ["Save the Children", "UNICEF", "USAID"]


def test_meetings_over_time_top_n_and_other(con):
    by_province = queries.meetings_over_time(con, ALL, freq="month", by="province", top_n=1)
    assert rows(by_province) == [
        (pd.Timestamp("2022-06-01"), "Kandal", 1), (pd.Timestamp("2024-01-01"), None, 1),
        (pd.Timestamp("2024-07-01"), "Kandal", 1), (pd.Timestamp("2024-07-01"), queries.OTHER, 1)]
    assert queries.meetings_over_time(con, ALL, by="ministry", top_n=1)["grp"].tolist() == [
        None, "Ministry of Civil Service", queries.OTHER, None]
    total = queries.meetings_over_time(con, ALL, freq="week")
    assert rows(total) == [(pd.Timestamp("2022-06-20"), None, 1), (pd.Timestamp("2024-01-22"), None, 1),
                           (pd.Timestamp("2024-07-15"), None, 1), (pd.Timestamp("2024-07-29"), None, 1)]


def test_calendar_days(con):
    days = queries.meetings_per_day(con, ALL, year=2024)
    assert len(days) == 366 and days["meetings"].sum() == 3
    busy = days[days["meetings"] > 0]
    assert rows(busy[["weekday", "week", "meetings"]]) == [(2, 3, 1), (3, 28, 1), (3, 30, 1)]
    assert queries.meeting_years(con, ALL)["year"].tolist() == [2024, 2022]


def test_partner_ranking_matrix_trend_and_pairs(con):
    ranking = queries.partner_ranking(con, ALL)
    assert rows(ranking[["partner", "kind", "meetings", "ministries", "provinces"]]) == [
        ("UNICEF", "un_agency", 2, 0, 1), ("NGO", "generic", 1, 1, 1),
        ("Save the Children", "ngo", 1, 0, 1), ("USAID", "donor", 1, 0, 1)]
    assert rows(queries.partner_matrix(con, ALL, by="ministry")) == [
        ("NGO", "Ministry of Rural Development", 1)]
    assert rows(queries.partner_matrix(con, ALL, by="province")) == [
        ("NGO", "Phnom Penh", 1), ("Save the Children", "Kandal", 1), ("UNICEF", "Kandal", 2),
        ("USAID", "Kandal", 1)]
    assert rows(queries.partner_trend(con, ALL, top_n=1)) == [
        (pd.Timestamp("2022-06-01"), queries.OTHER, 2), (pd.Timestamp("2022-06-01"), "UNICEF", 1),
        (pd.Timestamp("2024-07-01"), "UNICEF", 1), (pd.Timestamp("2024-07-01"), queries.OTHER, 1)]
    assert rows(queries.partner_pairs(con, Filters(partners=("USAID",)), top_n=2)) == [
        ("Save the Children", "UNICEF", 1), ("UNICEF", "Save the Children", 1)]
    assert queries.partner_ranking(con, Filters(provinces=("Nowhere",))).empty


def test_semester_progress_and_missing(con):
    assert rows(reviews.semester_progress(con, ALL, by="province")) == [
        ("Kandal", "2024-S1", pd.Timestamp("2024-07-31"), 1, 31),
        ("Phnom Penh", "2024-S1", pd.Timestamp("2024-07-17"), 1, 17)]
    assert rows(reviews.semester_progress(con, ALL, by="organizer")) == [
        ("Kandal Women and Children Consultative Committee", "2024-S1", pd.Timestamp("2024-07-31"), 1, 31),
        ("Ministry of Rural Development", "2024-S1", pd.Timestamp("2024-07-17"), 1, 17)]
    assert rows(reviews.semester_missing(con, ALL, by="ministry", semester="2024-S1")) == [
        ("Ministry of Civil Service", None), ("Ministry of Health", None), ("Ministry of Interior", None)]
    assert rows(reviews.semester_missing(con, ALL, by="province", semester="2024-S2")) == [
        ("Kandal", "2024-S1"), ("Phnom Penh", "2024-S1")]
    # date filters do not hide a review held after the semester it reports on
    june = Filters(date_to=date(2024, 6, 30), provinces=("Kandal",))
    assert reviews.semester_missing(con, june, by="province", semester="2024-S1").empty
    assert reviews.last_complete_semester(date(2024, 8, 1)) == "2024-S1"
    assert reviews.last_complete_semester(date(2025, 3, 1)) == "2024-S2"


def test_periodic_reviews(tmp_path):
    annual = ("m9", date(2024, 12, 20), "KH-8", "Kandal", "Ministry of Health", None, "ក", None,
              "annual_review", False, ["Ministry of Health"], [], "ប្រជុំបូកសរុបប្រចាំឆ្នាំ")
    with db.connection(make_warehouse(tmp_path / "w.duckdb", [*SAMPLE_MEETINGS, annual])) as con:
        held = reviews.periodic_reviews(con, ALL)
        assert rows(held[["meeting_type", "period", "meetings"]]) == [("annual_review", "2024", 1)]
        assert held["units"].map(list).tolist() == [["Ministry of Health"]]
        assert reviews.periodic_reviews(con, Filters(provinces=("Phnom Penh",))).empty


def test_province_counts(con):
    assert rows(queries.province_counts(con, ALL)) == [
        ("Kandal", "KH-8", "ខេត្តកណ្តាល", 11.2237, 105.1259, 2),
        ("Phnom Penh", "KH-12", "រាជធានីភ្នំពេញ", 11.5564, 104.9282, 1),
        (None, None, None, None, None, 1)]


def test_connect_missing_then_appearing(tmp_path):
    path = tmp_path / "late.duckdb"
    with pytest.raises(db.WarehouseMissing):
        db.connect(path, retries=1)
    timer = threading.Timer(0.1, make_warehouse, [path])
    timer.start()
    con = db.connect(path)  # retries with backoff until the file is there
    timer.join()
    assert con.execute("SELECT count(*) FROM meetings").fetchone() == (4,)
    con.close()


def test_next_connection_sees_a_replaced_file(tmp_path, monkeypatch):
    path = make_warehouse(tmp_path / "w.duckdb")
    monkeypatch.setenv("KM_DB", str(path))
    assert db.db_path() == path
    before = db.warehouse_version()
    with db.connection() as con:
        assert con.execute("SELECT count(*) FROM meetings").fetchone() == (4,)
    new = make_warehouse(tmp_path / "new.duckdb", SAMPLE_MEETINGS[:1])
    time.sleep(0.01)
    os.replace(new, path)  # how an ingest publishes
    assert db.warehouse_version() != before
    with db.connection() as con:
        assert con.execute("SELECT count(*) FROM meetings").fetchone() == (1,)
        assert db.meta(con, "dataset") is None


def test_read_only(con):
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM meetings")


@pytest.mark.parametrize("filters", [ALL, Filters(provinces=("Kandal",))])  # count tables, fact tables
def test_unknown_grouping_keys_never_reach_sql(con, filters):
    """Grouping keys are looked up in fixed tables; anything else raises before a query runs."""
    for bad in ("ministry' OR 1=1 --", "lead_ministry"):
        with pytest.raises(KeyError):
            queries.meetings_over_time(con, filters, freq="month", by=bad)
        with pytest.raises(KeyError):
            reviews.semester_progress(con, filters, by=bad)
