"""Corrections (etl/corrections.py): each kind of correction changes exactly what it says, with or without
key constraints on the meeting tables (the rebuild may drop them; corrections must not rely on them)."""

import duckdb
import pytest

from etl.corrections import apply_corrections
from etl.merge import MEETING_TABLES
from tests.db_fixtures import make_warehouse


def row(target, field, value):
    return {"target_id": target, "field": field, "value": value, "note": None, "author": "t", "corrected_on": None}


@pytest.fixture(params=["keys", "no_keys"])
def con(request, tmp_path):
    """The seed warehouse (m1..m4), its meeting tables with or without their primary keys."""
    connection = duckdb.connect(str(make_warehouse(tmp_path / "c.duckdb", aggregates=False)))
    if request.param == "no_keys":
        for table in MEETING_TABLES:
            connection.execute(f"CREATE TABLE {table}_copy AS FROM {table}")  # noqa: S608 (constant names)
            connection.execute(f"DROP TABLE {table}")
            connection.execute(f"ALTER TABLE {table}_copy RENAME TO {table}")
    yield connection
    connection.close()


def ministries(con, meeting_id):
    return con.execute("SELECT ministry, is_lead FROM meeting_ministries WHERE meeting_id = ? ORDER BY 1",
                       [meeting_id]).fetchall()


def test_lead_ministry_is_listed_once_and_marked_lead(con):
    applied = apply_corrections(con, [row("m4", "lead_ministry", "Ministry of Health"),
                                      row("doc-m2", "lead_ministry", "Ministry of Interior")])
    assert applied == 2
    assert ministries(con, "m4") == [("Ministry of Civil Service", False), ("Ministry of Health", True),
                                     ("Ministry of Interior", False)]
    assert ministries(con, "m2") == [("Ministry of Interior", True)]
    assert con.execute("SELECT meeting_id, lead_ministry, corrected_fields FROM meetings"
                       " WHERE meeting_id IN ('m2', 'm4') ORDER BY 1").fetchall() == [
        ("m2", "Ministry of Interior", ["lead_ministry"]), ("m4", "Ministry of Health", ["lead_ministry"])]


def test_lists_dates_and_provinces_follow_their_correction(con):
    applied = apply_corrections(con, [
        row("m1", "ministries", "Ministry of Health; Ministry of Rural Development; Ministry of Health"),
        row("m3", "partners", "UNICEF; Somebody"),
        row("m1", "province", "Kandal"),
        row("m1", "meeting_date", "2024-07-20")])
    assert applied == 4
    assert ministries(con, "m1") == [("Ministry of Health", False), ("Ministry of Rural Development", True)]
    assert con.execute("SELECT partner, partner_kind FROM meeting_partners WHERE meeting_id = 'm3'"
                       " ORDER BY 1").fetchall() == [("Somebody", "other"), ("UNICEF", "un_agency")]
    assert con.execute("SELECT province, province_code, CAST(meeting_date AS VARCHAR), date_precision,"
                       " date_year_inferred, corrected_fields FROM meetings WHERE meeting_id = 'm1'").fetchone() == (
        "Kandal", "KH-8", "2024-07-20", "day", False, ["meeting_date", "ministries", "province"])


def test_not_a_meeting_and_problems_are_recorded(con):
    applied = apply_corrections(con, [row("m3", "is_meeting", "false"), row("nobody", "chair", "x"),
                                      row("m1", "colour", "red"), row("m1", "meeting_date", "soon")])
    assert applied == 1
    for table in MEETING_TABLES:
        assert con.execute(f"SELECT count(*) FROM {table} WHERE meeting_id = 'm3'").fetchone() == (0,)  # noqa: S608
    assert con.execute("SELECT target_id, applied, meeting_id, problem FROM corrections").fetchall() == [
        ("m3", True, "m3", None), ("nobody", False, None, "unknown target_id"),
        ("m1", False, "m1", "unknown field 'colour'"),
        ("m1", False, "m1", "bad value for meeting_date: Conversion Error: invalid date field format: \"soon\","
                            " expected format is (YYYY-MM-DD)")]
