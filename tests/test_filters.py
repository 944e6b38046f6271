"""Filters: the SQL predicate selects the right meetings (bound values only), whole captions, slugs, URLs."""

from datetime import date

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics import i18n
from analytics.filters import Filters, semester_bounds
from tests.db_fixtures import make_warehouse


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_warehouse(tmp_path_factory.mktemp("filters") / "w.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    i18n.set_names(i18n.load_names(connection))
    yield connection
    i18n.set_names(i18n.Names())
    connection.close()


def selected(con, filters: Filters) -> list[str]:
    predicate, params = filters.where("m")
    sql = "SELECT meeting_id FROM meetings m WHERE " + predicate + " ORDER BY 1"  # noqa: S608
    return [row[0] for row in con.execute(sql, params).fetchall()]


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), ["m1", "m2", "m3", "m4"]),
    (Filters(date_from=date(2024, 1, 1)), ["m1", "m2", "m4"]),
    (Filters(date_to=date(2024, 7, 17)), ["m1", "m3", "m4"]),
    (Filters(date_from=date(2024, 7, 1), date_to=date(2024, 7, 31)), ["m1", "m2"]),
    (Filters(ministries=("Ministry of Health",)), ["m4"]),  # listed, not lead
    (Filters(ministries=("Ministry of Rural Development", "Ministry of Interior")), ["m1", "m4"]),
    (Filters(provinces=("Kandal",)), ["m2", "m3"]),
    (Filters(partners=("USAID",)), ["m3"]),
    (Filters(partner_kinds=("un_agency",)), ["m2", "m3"]),
    (Filters(partner_kinds=("generic", "donor")), ["m1", "m3"]),
    (Filters(meeting_types=("semester_review",)), ["m1", "m2"]),
    # held in 2024-S1 (m4, January) or reviewing 2024-S1 (m1, m2, held in July)
    (Filters(semesters=("2024-S1",)), ["m1", "m2", "m4"]),
    (Filters(semesters=("2022-S1",)), ["m3"]),
    (Filters(provinces=("Kandal",), partner_kinds=("un_agency",), date_from=date(2024, 1, 1)), ["m2"]),
    (Filters(provinces=("Kandal' OR 1=1 --",)), []),
])
def test_where_selects_the_right_meetings(con, filters, expected):
    assert selected(con, filters) == expected


def test_where_binds_every_value_and_checks_the_alias():
    predicate, params = Filters(provinces=("Kandal",), partners=("UNICEF",)).where("x")
    assert "Kandal" not in predicate and "UNICEF" not in predicate
    assert params == ["Kandal", "UNICEF"]
    assert Filters().where() == ("TRUE", [])
    with pytest.raises(ValueError):
        Filters().where("m; DROP TABLE meetings")


def test_caption_in_both_languages(con):
    f = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                ministries=("Ministry of Health",), provinces=("Kandal",))
    assert f.caption() == "Ministry of Health · Kandal · 2024-01-01 – 2024-12-31"
    assert f.caption("km") == "ក្រសួងសុខាភិបាល · ខេត្តកណ្តាល · 2024-01-01 – 2024-12-31"
    assert Filters().caption() == "All meetings"
    assert Filters().caption("km") == "កិច្ចប្រជុំទាំងអស់"
    assert Filters(partners=("UNICEF", "USAID"), partner_kinds=("ngo",), meeting_types=("semester_review",),
                   semesters=("2024-S1",), date_from=date(2024, 7, 1)).caption() == (
        "UNICEF · USAID · Named NGO · Semester review · 2024-S1 · from 2024-07-01")
    assert Filters(partners=("UNICEF", "USAID"), date_to=date(2024, 7, 1)).caption("km") == (
        "យូនីសេហ្វ · USAID · រហូតដល់ 2024-07-01")


def test_slug_for_file_names(con):
    f = Filters(ministries=("Ministry of Health",), provinces=("Kandal",),
                date_from=date(2024, 7, 1), date_to=date(2024, 9, 30))
    assert f.slug() == "MoH_Kandal_2024-07-01_2024-09-30"
    assert Filters().slug() == "all"
    assert Filters(provinces=("Phnom Penh",), partners=("Save the Children",)).slug() == (
        "Phnom-Penh_Save-the-Children")
    assert Filters(date_to=date(2024, 1, 1)).slug() == "until-2024-01-01"
    assert Filters(provinces=("ខេត្ត",)).slug() == "all"


def test_query_params_round_trip_and_bad_values():
    f = Filters(date_from=date(2024, 1, 1), ministries=("Ministry of Health",),
                provinces=("Kandal", "Phnom Penh"), semesters=("2024-S1",))
    params = f.to_query_params()
    assert params == {"from": "2024-01-01", "ministry": ["Ministry of Health"],
                      "province": ["Kandal", "Phnom Penh"], "semester": ["2024-S1"]}
    assert Filters.from_query_params(params) == f
    assert Filters.from_query_params({"from": "yesterday", "semester": ["2024-S3", "2023-S2"],
                                      "province": ["", "Kandal", "Kandal"], "type": "x"}) == (
        Filters(semesters=("2023-S2",), provinces=("Kandal",), meeting_types=("x",)))
    assert Filters.from_query_params({}) == Filters()


names = st.lists(st.text(min_size=1, max_size=12).map(str.strip).filter(bool), max_size=3, unique=True)


@given(provinces=names, partners=names, day=st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1)))
def test_query_params_round_trip_property(provinces, partners, day):
    f = Filters(date_from=day, provinces=tuple(provinces), partners=tuple(partners))
    assert Filters.from_query_params(f.to_query_params()) == f


def test_semester_bounds():
    assert semester_bounds("2024-S1") == (date(2024, 1, 1), date(2024, 6, 30))
    assert semester_bounds("2024-S2") == (date(2024, 7, 1), date(2024, 12, 31))
    with pytest.raises(ValueError):
        semester_bounds("2024-Q1")
