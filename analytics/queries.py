"""Warehouse + Filters -> small DataFrames answering the dashboard's questions; all aggregation in DuckDB.

Overview, frequency, partners and map queries live here; semester and periodic reviews in
analytics/reviews.py; the shared filtered-meetings CTEs in analytics/frame.py.
"""

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import cubes, db, reviews
from analytics.filters import Filters
from analytics.frame import frame, mode_for

OTHER = "__other__"  # group key for everything outside the top N (pages label it "Other")
FREQS = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}
# Group-by choices: fixed SQL expressions over the filtered meetings `fm` (never user text).
GROUPS = {None: "NULL", "ministry": "lead_ministry", "province": "province", "organizer": "organizer",
          "type": "meeting_type"}
# The sidebar's values from meetings in one scan (a grouping set per column), not one scan per list.
OPTIONS_SQL = """
SELECT province, meeting_type, semester, lead_ministry,
       year(meeting_date) || '-S' || CASE WHEN month(meeting_date) <= 6 THEN 1 ELSE 2 END AS held,
       min(meeting_date), max(meeting_date)
FROM meetings GROUP BY GROUPING SETS ((province), (meeting_type), (semester), (lead_ministry), (held))"""


def filter_options(con: duckdb.DuckDBPyConnection) -> dict:
    """Values the sidebar offers (only those present in the warehouse) and the date range."""
    if db.has_aggregates(con):
        return cubes.filter_options(con)
    rows = con.execute(OPTIONS_SQL).fetchall()
    partners = con.execute("SELECT DISTINCT partner, partner_kind FROM meeting_partners").fetchall()
    listed = con.execute("SELECT DISTINCT ministry FROM meeting_ministries").fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7

    def values(*lists) -> list:
        return sorted({v for items in lists for v in items if v is not None})

    out: dict = {
        "ministries": values(columns[3], [r[0] for r in listed]),
        "provinces": values(columns[0]),
        "partners": values([r[0] for r in partners]),
        "partner_kinds": values([r[1] for r in partners]),
        "meeting_types": values(columns[1]),
        "semesters": values(columns[2], columns[4])[::-1],  # newest first
    }
    out["date_min"] = min((d for d in columns[5] if d is not None), default=None)
    out["date_max"] = max((d for d in columns[6] if d is not None), default=None)
    return out


def previous_period(filters: Filters) -> tuple[date, date] | None:
    """The period of equal length just before the filter's date range (None without a full range)."""
    if not (filters.date_from and filters.date_to):
        return None
    days = (filters.date_to - filters.date_from).days + 1
    return filters.date_from - timedelta(days=days), filters.date_from - timedelta(days=1)


HEADLINE_SQL = """
SELECT (SELECT count(*) FROM fm) AS meetings,
       (SELECT count(DISTINCT ministry) FROM fmin) AS ministries,
       (SELECT count(DISTINCT province) FROM fm) AS provinces,
       (SELECT count(DISTINCT partner) FROM fpar) AS partners,
       (SELECT count(*) FROM fm WHERE semester IS NOT NULL OR meeting_type = 'semester_review')
           AS semester_reviews"""


def headline(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Headline numbers (metric, value, previous): previous is for the period before, when there is one."""
    mode = mode_for(con, filters)
    now = (cubes.headline(con) if mode == "cubes" else frame(con, filters, HEADLINE_SQL, mode=mode, reused=True)).iloc[0]
    before = previous_period(filters)
    prev = None
    if before:
        prev = frame(con, replace(filters, date_from=before[0], date_to=before[1]), HEADLINE_SQL,
                      reused=True).iloc[0]
    return pd.DataFrame({"metric": now.index, "value": now.to_numpy(dtype="int64"),
                         "previous": prev.to_numpy(dtype="float64") if prev is not None else None})


def latest_meetings(con: duckdb.DuckDBPyConnection, filters: Filters, n: int = 10) -> pd.DataFrame:
    """The n most recent meetings with their lead ministry, organiser, province, type and partners."""
    mode = mode_for(con, filters)
    if mode != "base":  # fact rows carry the title and partners: no join
        return frame(con, filters, """
, top AS (SELECT * FROM fm ORDER BY meeting_date DESC NULLS LAST, meeting_ref LIMIT ?)
SELECT top.meeting_ref AS meeting_id, top.meeting_date, t.title, top.lead_ministry, top.organizer,
       top.province, top.meeting_type, top.partners
FROM top JOIN meeting_facts t ON t.meeting_key = top.meeting_id
ORDER BY top.meeting_date DESC NULLS LAST, top.meeting_ref""",
                      [n], mode=mode)
    return frame(con, filters, """
, top AS (SELECT meeting_id, meeting_date, lead_ministry, organizer, province, meeting_type
          FROM fm ORDER BY meeting_date DESC NULLS LAST, meeting_id LIMIT ?),
latest AS (SELECT t.meeting_id, t.meeting_date, m.title, t.lead_ministry, t.organizer, t.province,
                  t.meeting_type FROM top t JOIN meetings m USING (meeting_id)),
lp AS (SELECT mp.meeting_id, list(mp.partner ORDER BY mp.partner) AS partners
       FROM meeting_partners mp SEMI JOIN latest USING (meeting_id) GROUP BY 1)
SELECT latest.*, coalesce(lp.partners, []) AS partners
FROM latest LEFT JOIN lp USING (meeting_id)
ORDER BY meeting_date DESC NULLS LAST, meeting_id""", [n])


def meetings_over_time(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "month",
                       by: str | None = None, top_n: int = 8) -> pd.DataFrame:
    """(period, grp, meetings) per week/month; grp is the lead ministry/province, top_n kept, rest OTHER."""
    group, mode = GROUPS[by], mode_for(con, filters)  # unknown keys raise here, before any SQL
    counted = cubes.over_time_source(FREQS[freq], by) if mode == "cubes" else None
    counted = counted or f"""SELECT date_trunc('{FREQS[freq]}', meeting_date)::DATE AS period,
        {group} AS grp, count(*) AS n FROM fm WHERE meeting_date IS NOT NULL GROUP BY ALL"""  # noqa: S608 (fixed SQL fragments; values are bound)
    body = f"""
, g AS ({counted}),
top AS (SELECT grp FROM g WHERE grp IS NOT NULL GROUP BY grp ORDER BY sum(n) DESC, grp LIMIT ?)
SELECT period, CASE WHEN grp IS NULL OR grp IN (SELECT grp FROM top) THEN grp ELSE ? END AS grp,
       sum(n)::BIGINT AS meetings
FROM g GROUP BY ALL ORDER BY 1, 3 DESC, 2 NULLS LAST"""  # noqa: S608 (whitelisted names only)
    return frame(con, filters, body, [top_n, OTHER], mode=mode)


def meeting_years(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Years that have meetings under the filters, newest first."""
    if mode_for(con, filters) == "cubes":
        return cubes.meeting_years(con)
    return frame(con, filters, """
SELECT DISTINCT year(meeting_date) AS year FROM fm WHERE meeting_date IS NOT NULL ORDER BY year DESC""")


def meetings_per_day(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pd.DataFrame:
    """Every day of `year` with its meeting count, week column (0..53) and ISO weekday (1=Mon)."""
    mode = mode_for(con, filters)
    counts = ("SELECT day, meetings FROM agg_days" if mode == "cubes"
              else "SELECT meeting_date AS day, count(*) AS meetings FROM fm GROUP BY 1")
    return frame(con, filters, f"""
, days AS (SELECT d::DATE AS day FROM generate_series(make_date(?, 1, 1), make_date(?, 12, 31),
                                                      INTERVAL 1 DAY) t(d)),
c AS ({counts})
SELECT days.day, isodow(days.day) AS weekday,
       datediff('day', date_trunc('week', make_date(?, 1, 1)), days.day) // 7 AS week,
       coalesce(c.meetings, 0) AS meetings
FROM days LEFT JOIN c USING (day) ORDER BY days.day""", [year, year, year], mode=mode)  # noqa: S608 (fixed SQL fragments; values are bound)


def partner_ranking(con: duckdb.DuckDBPyConnection, filters: Filters, top_n: int = 25) -> pd.DataFrame:
    """Partners by number of meetings, with kind, lead ministries and provinces met, first and last date."""
    if mode_for(con, filters) == "cubes":
        return cubes.partner_ranking(con, top_n)
    return frame(con, filters, """
SELECT p.partner, any_value(p.partner_kind) AS kind, count(*) AS meetings,
       count(DISTINCT fm.lead_ministry) AS ministries, count(DISTINCT fm.province) AS provinces,
       min(fm.meeting_date) AS first_seen, max(fm.meeting_date) AS last_seen
FROM fpar p JOIN fm USING (meeting_id)
GROUP BY p.partner ORDER BY meetings DESC, p.partner LIMIT ?""", [top_n])


# Participating ministries as distinct (meeting, ministry) pairs: the listed ones (unique by primary key)
# plus a lead ministry that is not listed. An anti join is about half the cost of count(DISTINCT).
MINISTRY_UNITS = """SELECT mm.meeting_id, mm.ministry AS unit FROM meeting_ministries mm {semi}
    UNION ALL SELECT f.meeting_id, f.lead_ministry FROM fm f ANTI JOIN meeting_ministries mm
        ON mm.meeting_id = f.meeting_id AND mm.ministry = f.lead_ministry WHERE f.lead_ministry IS NOT NULL"""


def partner_matrix(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "ministry",
                   top_n: int = 12) -> pd.DataFrame:
    """(partner, unit, meetings): the top partners (by meetings) × top ministries (participating) or
    provinces (by meetings)."""
    mode = mode_for(con, filters)
    if mode == "cubes":
        return cubes.partner_matrix(con, by, top_n)
    semi = "" if filters.is_empty() else "SEMI JOIN fm USING (meeting_id)"
    # fact rows of fmin are distinct (meeting, ministry) pairs already
    ministries = MINISTRY_UNITS.format(semi=semi) if mode == "base" else "SELECT meeting_id, ministry AS unit FROM fmin"
    units = {"ministry": ministries,
             "province": "SELECT meeting_id, province AS unit FROM fm WHERE province IS NOT NULL"}[by]
    # Pairs in u and partners in fpar are unique per meeting, so count(*) counts meetings.
    body = f"""
, u AS ({units}),
tp AS (SELECT partner FROM fpar GROUP BY partner ORDER BY count(*) DESC, partner LIMIT ?),
tu AS (SELECT unit FROM u GROUP BY unit ORDER BY count(*) DESC, unit LIMIT ?),
p AS (SELECT meeting_id, partner FROM fpar SEMI JOIN tp USING (partner)),
v AS (SELECT meeting_id, unit FROM u SEMI JOIN tu USING (unit))
SELECT p.partner, v.unit, count(*) AS meetings
FROM p JOIN v USING (meeting_id) GROUP BY ALL ORDER BY partner, unit"""  # noqa: S608 (fixed strings)
    return frame(con, filters, body, [top_n, top_n], mode=mode)


def partner_trend(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "month",
                  top_n: int = 6) -> pd.DataFrame:
    """(period, partner, meetings) for the top partners; the rest are summed as OTHER."""
    mode = mode_for(con, filters)
    counted = f"""SELECT date_trunc('{FREQS[freq]}', fm.meeting_date)::DATE AS period, p.partner, count(*) AS n
        FROM fpar p JOIN fm USING (meeting_id) WHERE fm.meeting_date IS NOT NULL GROUP BY ALL"""  # noqa: S608 (fixed SQL fragments; values are bound)
    if mode == "cubes" and freq == "month":
        counted = "SELECT month AS period, partner, meetings AS n FROM agg_partner_months"
    body = f"""
, g AS ({counted}),
top AS (SELECT partner FROM g GROUP BY partner ORDER BY sum(n) DESC, partner LIMIT ?)
SELECT period, CASE WHEN partner IN (SELECT partner FROM top) THEN partner ELSE ? END AS partner,
       sum(n)::BIGINT AS meetings
FROM g GROUP BY ALL ORDER BY 1, 3 DESC, 2 NULLS LAST"""  # noqa: S608 (whitelisted names only)
    return frame(con, filters, body, [top_n, OTHER], mode=mode)


def partner_pairs(con: duckdb.DuckDBPyConnection, filters: Filters, top_n: int = 12) -> pd.DataFrame:
    """(partner, other, meetings): how often two of the top partners attend the same meeting."""
    if mode_for(con, filters) == "cubes":
        return cubes.partner_pairs(con, top_n)
    return frame(con, filters, """
, tp AS (SELECT partner FROM fpar GROUP BY partner ORDER BY count(*) DESC, partner LIMIT ?),
p AS (SELECT meeting_id, partner FROM fpar SEMI JOIN tp USING (partner))
SELECT a.partner, b.partner AS other, count(*) AS meetings
FROM p a JOIN p b ON a.meeting_id = b.meeting_id AND a.partner <> b.partner
GROUP BY ALL ORDER BY a.partner, other""", [top_n])


def province_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every province (with centre lat/lon) and its meetings; a row with province NULL counts the rest."""
    mode = mode_for(con, filters)
    counts = ("SELECT value AS province, meetings FROM agg_values WHERE kind = 'province'" if mode == "cubes"
              else "SELECT province, count(*) AS meetings FROM fm GROUP BY province")
    return frame(con, filters, f"""
, c AS ({counts})
SELECT coalesce(d.province, c.province) AS province, d.province_code, d.name_km, d.lat, d.lon,
       coalesce(c.meetings, 0) AS meetings
FROM dim_provinces d FULL OUTER JOIN c ON c.province = d.province
ORDER BY meetings DESC, province NULLS LAST""", mode=mode)  # noqa: S608 (fixed SQL fragments; values are bound)


# The queries each page runs with default controls (for `make bench` and the timings in the README).
PAGE_QUERIES: dict[str, list[tuple]] = {
    "overview": [(headline, {}), (latest_meetings, {"n": 15})],
    "frequency": [(meetings_over_time, {"freq": "month"}),
                  (meetings_over_time, {"freq": "month", "by": "ministry", "top_n": 8}),
                  (meetings_over_time, {"freq": "month", "by": "province", "top_n": 8}),
                  (meeting_years, {}), (meetings_per_day, {"year": 2024})],
    "partners": [(partner_ranking, {"top_n": 25}), (partner_matrix, {"by": "ministry"}),
                 (partner_matrix, {"by": "province"}), (partner_trend, {}), (partner_pairs, {})],
    "semesters": [(reviews.semester_progress, {"by": "ministry"}),
                  (reviews.semester_missing, {"by": "ministry", "semester": "2024-S1"}),
                  (reviews.periodic_reviews, {})],
    "map": [(province_counts, {})],
}
