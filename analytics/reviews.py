"""Semester-report progress and periodic (annual, quarterly, monthly) reviews over the filtered meetings."""

from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd

from analytics import cubes
from analytics.filters import Filters
from analytics.frame import frame, mode_for

REVIEW_TYPES = ("annual_review", "quarterly_review", "monthly_review")
# Semester reviews: the unit that held the review, per grouping choice (fixed SQL, never user text).
REVIEW_UNITS = {"ministry": "lead_ministry", "province": "province",
                "organizer": "coalesce(organizer, lead_ministry)"}
SEMESTER_END = ("CASE WHEN right(semester, 1) = '1' THEN make_date(CAST(left(semester, 4) AS INT), 6, 30)"
                " ELSE make_date(CAST(left(semester, 4) AS INT), 12, 31) END")


def semester_progress(con: duckdb.DuckDBPyConnection, filters: Filters,
                      by: str = "ministry") -> pd.DataFrame:
    """(unit, semester, review_date, days_after, reviews): first review of each semester per unit."""
    unit = REVIEW_UNITS[by]  # unknown keys raise here, before any SQL
    if mode_for(con, filters) == "cubes":
        return cubes.semester_progress(con, by, SEMESTER_END)
    body = f"""
SELECT {unit} AS unit, semester, min(meeting_date) AS review_date, count(*) AS reviews,
       datediff('day', {SEMESTER_END}, min(meeting_date)) AS days_after
FROM fm WHERE semester IS NOT NULL AND {unit} IS NOT NULL
GROUP BY 1, 2 ORDER BY unit, semester"""  # noqa: S608 (whitelisted expressions only)
    return frame(con, filters, body)


def last_complete_semester(day: date) -> str:
    """The semester that ended most recently before `day` (its review is the one now due)."""
    return f"{day.year - 1}-S2" if day.month <= 6 else f"{day.year}-S1"


def semester_missing(con: duckdb.DuckDBPyConnection, filters: Filters, by: str,
                     semester: str) -> pd.DataFrame:
    """Units with no review meeting for `semester`, and their latest reviewed semester.

    Dates and semesters in the filters are ignored: a review is held after its semester ends. Expected
    units are the dimension tables (ministries, provinces) or, for organisers, all that ever held one."""
    scope = replace(filters, date_from=None, date_to=None, semesters=())
    expected = {"ministry": "SELECT ministry FROM dim_ministries",
                "province": "SELECT province FROM dim_provinces",
                "organizer": "SELECT unit FROM held"}[by]
    chosen = {"ministry": scope.ministries, "province": scope.provinces}.get(by, ())
    mode = mode_for(con, scope)
    held = (f"FROM fm WHERE semester IS NOT NULL AND {REVIEW_UNITS[by]} IS NOT NULL GROUP BY 1" if mode != "cubes"
            else f"FROM agg_semesters WHERE grp_by = '{by}' GROUP BY 1")
    unit = REVIEW_UNITS[by] if mode != "cubes" else "unit"
    body = f"""
, held AS (SELECT {unit} AS unit, max(semester) AS last_semester, bool_or(semester = ?) AS done {held}),
units AS (SELECT DISTINCT u AS unit FROM ({expected}) t(u) WHERE u IS NOT NULL
          AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], u)))
SELECT units.unit, held.last_semester FROM units LEFT JOIN held USING (unit)
WHERE NOT coalesce(held.done, FALSE) ORDER BY units.unit"""  # noqa: S608 (whitelisted SQL only)
    return frame(con, scope, body, [semester, list(chosen), list(chosen)], mode=mode)


def periodic_reviews(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """(meeting_type, period, meetings, units): annual, quarterly and monthly review meetings."""
    if mode_for(con, filters) == "cubes":
        return cubes.periodic_reviews(con)
    return frame(con, filters, """
SELECT meeting_type, coalesce(period, strftime(meeting_date, '%Y')) AS period, count(*) AS meetings,
       list(DISTINCT coalesce(lead_ministry, organizer) ORDER BY coalesce(lead_ministry, organizer))
           FILTER (WHERE coalesce(lead_ministry, organizer) IS NOT NULL) AS units
FROM fm WHERE meeting_type IN (?, ?, ?)
GROUP BY ALL ORDER BY period DESC, meeting_type""", list(REVIEW_TYPES))
