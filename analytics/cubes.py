"""Read-side count tables (etl/aggregates.py) -> the unfiltered answers of analytics/queries.py.

Each function returns exactly what its namesake in queries.py returns for Filters() (tests compare
them on the same warehouses), reading a few thousand pre-counted rows instead of every meeting.
"""

import duckdb
import pandas as pd

HEADLINE_SQL = """
SELECT (SELECT count(*) FROM meeting_facts) AS meetings,
       (SELECT count(value) FROM agg_values WHERE kind = 'ministry') AS ministries,
       (SELECT count(value) FROM agg_values WHERE kind = 'province') AS provinces,
       (SELECT count(DISTINCT partner) FROM agg_partners) AS partners,
       (SELECT coalesce(sum(semester_reviews), 0)::BIGINT FROM agg_days) AS semester_reviews"""

# The `g` CTE of meetings_over_time: (period, grp, n) per group choice; month only when grouped.
DAYS_GROUPS = "SELECT date_trunc('{freq}', day)::DATE AS period, NULL AS grp, sum(meetings) AS n" \
              " FROM agg_days WHERE day IS NOT NULL GROUP BY ALL"
MONTH_GROUP_KEYS = ("ministry", "province", "organizer", "type")
MONTH_GROUPS = "SELECT month AS period, grp, meetings AS n FROM agg_month_groups WHERE grp_by = '{by}'"

TOP_PARTNERS = "SELECT partner FROM agg_partners GROUP BY partner ORDER BY sum(meetings) DESC, partner LIMIT ?"
TOP_UNITS = {"ministry": "SELECT value FROM agg_values WHERE kind = 'ministry'"
                         " ORDER BY meetings DESC, value LIMIT ?",
             "province": "SELECT value FROM agg_values WHERE kind = 'province' AND value IS NOT NULL"
                         " ORDER BY meetings DESC, value LIMIT ?"}
MATRIX_CELLS = {"ministry": "SELECT partner, ministry AS unit, meetings FROM agg_partner_ministries",
                "province": "SELECT partner, province AS unit, sum(meetings)::BIGINT AS meetings"
                            " FROM agg_partners WHERE province IS NOT NULL GROUP BY ALL"}


def _df(con: duckdb.DuckDBPyConnection, sql: str, params=()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def headline(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: meetings, ministries, provinces, partners, semester_reviews over all meetings."""
    return _df(con, HEADLINE_SQL)


def over_time_source(freq: str, by: str | None) -> str | None:
    """The `g` CTE for meetings_over_time over all meetings, or None when no table has that grain."""
    if by is None:
        return DAYS_GROUPS.format(freq=freq)
    if by not in MONTH_GROUP_KEYS:  # only the grouping keys etl/aggregates.py writes reach the SQL
        raise ValueError(f"unknown grouping {by!r}")
    return MONTH_GROUPS.format(by=by) if freq == "month" else None


def meeting_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Years with meetings, newest first."""
    return _df(con, "SELECT DISTINCT year(day) AS year FROM agg_days WHERE day IS NOT NULL ORDER BY year DESC")


def partner_ranking(con: duckdb.DuckDBPyConnection, top_n: int) -> pd.DataFrame:
    """Partners by meetings with kind, lead ministries and provinces met, first and last date."""
    return _df(con, """
SELECT partner, any_value(partner_kind) AS kind, sum(meetings)::BIGINT AS meetings,
       count(DISTINCT lead_ministry) AS ministries, count(DISTINCT province) AS provinces,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen
FROM agg_partners GROUP BY partner ORDER BY meetings DESC, partner LIMIT ?""", [top_n])


def partner_matrix(con: duckdb.DuckDBPyConnection, by: str, top_n: int) -> pd.DataFrame:
    """(partner, unit, meetings) for the top partners × top ministries or provinces."""
    return _df(con, f"""
WITH tp AS ({TOP_PARTNERS}), tu AS ({TOP_UNITS[by]}), cells AS ({MATRIX_CELLS[by]})
SELECT partner, unit, meetings FROM cells
WHERE partner IN (SELECT partner FROM tp) AND unit IN (SELECT value FROM tu)
ORDER BY partner, unit""", [top_n, top_n])  # noqa: S608 (fixed SQL chosen by key)


def partner_pairs(con: duckdb.DuckDBPyConnection, top_n: int) -> pd.DataFrame:
    """(partner, other, meetings) for pairs of the top partners."""
    return _df(con, f"""
WITH tp AS ({TOP_PARTNERS})
SELECT partner, other, meetings FROM agg_partner_pairs
WHERE partner IN (SELECT partner FROM tp) AND other IN (SELECT partner FROM tp)
ORDER BY partner, other""", [top_n])  # noqa: S608 (fixed SQL)


def semester_progress(con: duckdb.DuckDBPyConnection, by: str, semester_end: str) -> pd.DataFrame:
    """(unit, semester, review_date, reviews, days_after) per unit and semester."""
    return _df(con, f"""
SELECT unit, semester, review_date, reviews, datediff('day', {semester_end}, review_date) AS days_after
FROM agg_semesters WHERE grp_by = ? ORDER BY unit, semester""", [by])  # noqa: S608 (fixed SQL)


def periodic_reviews(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(meeting_type, period, meetings, units) for annual, quarterly and monthly reviews."""
    return _df(con, """
SELECT meeting_type, period, sum(meetings)::BIGINT AS meetings,
       list(DISTINCT unit ORDER BY unit) FILTER (WHERE unit IS NOT NULL) AS units
FROM agg_periodic GROUP BY ALL ORDER BY period DESC, meeting_type""")


def filter_options(con: duckdb.DuckDBPyConnection) -> dict:
    """The sidebar's values and date range (as queries.filter_options)."""
    values = con.execute("""
SELECT kind, list(DISTINCT value ORDER BY value) FILTER (WHERE value IS NOT NULL) FROM agg_values
GROUP BY kind""").fetchall()
    lists = {kind: items or [] for kind, items in values}
    partners, kinds = con.execute("SELECT list(DISTINCT partner ORDER BY partner),"
                                  " list(DISTINCT partner_kind ORDER BY partner_kind) FROM agg_partners").fetchone()
    held, first, last = con.execute("""
SELECT list(DISTINCT year(day) || '-S' || CASE WHEN month(day) <= 6 THEN 1 ELSE 2 END), min(day), max(day)
FROM agg_days WHERE day IS NOT NULL""").fetchone()
    return {
        "ministries": lists.get("ministry", []),
        "provinces": lists.get("province", []),
        "partners": partners or [],
        "partner_kinds": kinds or [],
        "meeting_types": lists.get("meeting_type", []),
        "semesters": sorted({*lists.get("semester", []), *(held or [])})[::-1],
        "date_min": first,
        "date_max": last,
    }
