"""Read-side tables (etl/aggregates.py): every read-layer answer is the same with and without them."""

import itertools
from datetime import date
from unittest import mock

import duckdb
import pandas as pd
import pytest

from analytics import db, explore, quality, queries, reviews
from analytics.filters import Filters
from bench import warehouse
from etl.aggregates import AGGREGATE_TABLES, save_aggregates
from tests.db_fixtures import make_warehouse

FILTERS = [
    Filters(),
    Filters(ministries=("Ministry of Health",), date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
    Filters(ministries=("Ministry of Health", "Ministry of Interior")),
    Filters(partners=("UNICEF",)),
    Filters(partner_kinds=("ngo", "donor")),
    Filters(provinces=("Kandal",), meeting_types=("semester_review",)),
    Filters(semesters=("2023-S2", "2024-S1")),
    Filters(date_from=date(2022, 1, 1)),
]
EXTRA_CALLS = [
    (queries.meetings_over_time, {"freq": "week", "by": "province"}),
    (queries.meetings_over_time, {"freq": "year", "by": "type"}),
    (queries.meetings_over_time, {"freq": "month", "by": "organizer"}),
    (queries.partner_trend, {"freq": "week"}),
    (reviews.semester_progress, {"by": "organizer"}),
    (reviews.semester_progress, {"by": "province"}),
    (reviews.semester_missing, {"by": "organizer", "semester": "2024-S1"}),
    (reviews.semester_missing, {"by": "province", "semester": "2023-S2"}),
    (queries.latest_meetings, {"n": 3}),
    (quality.field_coverage, {}),
    (quality.review_queue, {}),
    (explore.count_meetings, {}),
    (explore.meetings_table, {"limit": 50}),
    (explore.meetings_table, {"lang": "km"}),
]
CALLS = [*itertools.chain(*queries.PAGE_QUERIES.values()), *EXTRA_CALLS]


@pytest.fixture(scope="module", params=["seed", "synthetic"])
def con(request, tmp_path_factory):
    """The hand-written seed warehouse and a 3,000-meeting synthetic one, both with read-side tables."""
    folder = tmp_path_factory.mktemp("agg")
    if request.param == "seed":
        path = make_warehouse(folder / "w.duckdb")
    else:
        path = folder / "s.duckdb"
        warehouse.build(path, 3000)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _both(con, fn, *args, **kwargs):
    """(answer with the read-side tables, answer from the meeting tables alone)."""
    assert db.has_aggregates(con)
    fast = fn(con, *args, **kwargs)
    with mock.patch.object(db, "has_aggregates", return_value=False):
        base = fn(con, *args, **kwargs)
    return fast, base


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.slug())
def test_every_query_answers_the_same(con, filters):
    for fn, kwargs in CALLS:
        fast, base = _both(con, fn, filters, **kwargs)
        if isinstance(fast, pd.DataFrame):
            pd.testing.assert_frame_equal(fast, base, obj=f"{fn.__name__}{kwargs}")
        else:
            assert fast == base, fn.__name__


def test_filter_options_are_the_same(con):
    fast, base = _both(con, queries.filter_options)
    assert fast == base
    assert fast["partners"] and fast["ministries"]


def test_synthetic_answers_are_not_empty(con):
    """The comparison above compares real rows: the scenarios find meetings."""
    busy = Filters(ministries=("Ministry of Health",), date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert len(queries.partner_ranking(con, Filters())) > 0
    if db.meta(con, "dataset") == "bench":
        assert explore.count_meetings(con, busy) > 0


def test_fact_tables_match_the_meeting_tables(con):
    """One fact row per meeting, per (meeting, partner) and per participating (meeting, ministry)."""
    counts = con.execute("""
        SELECT (SELECT count(*) FROM meeting_facts) = (SELECT count(*) FROM meetings),
               (SELECT count(*) FROM partner_facts) = (SELECT count(*) FROM meeting_partners),
               (SELECT count(*) FROM ministry_facts) = (SELECT count(*) FROM (
                   SELECT meeting_id, ministry FROM meeting_ministries
                   UNION SELECT meeting_id, lead_ministry FROM meetings WHERE lead_ministry IS NOT NULL)),
               (SELECT count(DISTINCT meeting_key) = count(*) FROM meeting_facts)""").fetchone()
    assert counts == (True, True, True, True)


def test_tables_are_not_used_after_a_correction(tmp_path):
    """Built before corrections were applied, the tables are stale once one is: queries skip them."""
    path = make_warehouse(tmp_path / "c.duckdb")
    with duckdb.connect(str(path)) as writer:
        writer.execute("UPDATE meetings SET province = 'Kandal' WHERE meeting_id = 'm1'")
        writer.execute("INSERT INTO corrections VALUES ('m1', 'province', 'Kandal', NULL, NULL, NULL, TRUE,"
                       " 'm1', NULL)")
    with db.connection(path) as con:
        assert not db.has_aggregates(con)
        by_province = queries.province_counts(con, Filters())
    assert by_province.set_index("province").loc["Kandal", "meetings"] == 3
    with duckdb.connect(str(path)) as writer:
        save_aggregates(writer)  # rebuilt after the corrections: used again, same answers
    with db.connection(path) as con:
        assert db.has_aggregates(con)
        pd.testing.assert_frame_equal(queries.province_counts(con, Filters()), by_province)


def test_older_warehouse_without_tables(tmp_path):
    """A warehouse built before the read-side tables existed is read from the meeting tables."""
    path = make_warehouse(tmp_path / "o.duckdb")
    with duckdb.connect(str(path)) as writer:
        for table in AGGREGATE_TABLES:
            writer.execute(f"DROP TABLE {table}")
        writer.execute("DELETE FROM warehouse_meta WHERE key = 'aggregates_corrections'")
    with db.connection(path) as con:
        assert not db.has_aggregates(con)
        assert queries.headline(con, Filters())["value"].tolist() == [4, 4, 2, 4, 2]


ORDERED_FACTS = {"meeting_facts": "meeting_key, meeting_id", "partner_facts": "meeting_key, partner",
                 "ministry_facts": "meeting_key, ministry", "review_facts": "queue_rank, meeting_id"}


def test_fact_tables_are_stored_in_key_order(tmp_path):
    """Rows lie in key order (date order: a date filter skips row groups), also where no ORDER BY
    puts them there: built with many small row groups and four threads, so scans run in parallel."""
    source = tmp_path / "src.duckdb"
    warehouse.build(source, 6000)
    con = duckdb.connect(config={"threads": 4})
    con.execute(f"ATTACH '{tmp_path / 'small.duckdb'}' AS small (ROW_GROUP_SIZE 2048)")
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    con.execute("USE small")
    con.execute(warehouse.SCHEMA.read_text(encoding="utf-8"))
    for table in ("dim_partners", "meetings", "meeting_ministries", "meeting_partners", "meeting_conflicts"):
        con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")  # noqa: S608 (constant names)
    save_aggregates(con)
    for table, key in ORDERED_FACTS.items():
        rows = con.execute(f"SELECT {key} FROM {table} ORDER BY rowid").fetchall()  # noqa: S608
        assert len(rows) > 4096 or table == "review_facts"
        assert rows == sorted(rows), table
        same = f"SELECT count(*) FROM (FROM {table} EXCEPT ALL FROM src.{table})"  # noqa: S608
        assert con.execute(same).fetchone()[0] == 0
