"""Warehouse + Filters -> small DataFrames answering the dashboard's questions; all aggregation in DuckDB."""

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import cubes, db
from analytics.filters import Filters

OTHER = "__other__"  # group key for everything outside the top N (pages label it "Other")
FREQS = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}
# Group-by choices: fixed SQL expressions over the filtered meetings `fm` (never user text).
GROUPS = {None: "NULL", "ministry": "lead_ministry", "province": "province", "organizer": "organizer",
          "type": "meeting_type"}
REVIEW_TYPES = ("annual_review", "quarterly_review", "monthly_review")
# After `fm`: participating ministries (listed plus lead; a pair can repeat, so count DISTINCT) and
# partners of the filtered meetings. NOT MATERIALIZED: DuckDB would otherwise copy them whole.
CTES = """, fmin AS NOT MATERIALIZED (
    SELECT mm.meeting_id, mm.ministry FROM meeting_ministries mm SEMI JOIN fm USING (meeting_id)
    UNION ALL SELECT meeting_id, lead_ministry FROM fm WHERE lead_ministry IS NOT NULL)
, fpar AS NOT MATERIALIZED (
    SELECT mp.meeting_id, mp.partner, mp.partner_kind FROM meeting_partners mp SEMI JOIN fm USING (meeting_id))"""

# Without filters every row counts: skip the semi joins (a third of the time at 1M meetings).
CTES_ALL = """, fmin AS NOT MATERIALIZED (
    SELECT meeting_id, ministry FROM meeting_ministries
    UNION ALL SELECT meeting_id, lead_ministry FROM meetings WHERE lead_ministry IS NOT NULL)
, fpar AS NOT MATERIALIZED (SELECT meeting_id, partner, partner_kind FROM meeting_partners)"""


# With the read-side tables (etl/aggregates.py): the same CTEs from the fact tables, which carry the
# filter columns on every row (no join to the list tables) and are ordered by date.
# fm names its columns: a materialised copy of every fact column (titles, lists) costs seconds.
# meeting_id is the integer meeting_key here, so the bodies' joins compare integers; meeting_ref is the id.
FACT_CTES = """WITH fm AS {kept} (SELECT m.meeting_key AS meeting_id, m.meeting_id AS meeting_ref, m.meeting_date,
    m.province, m.lead_ministry, m.organizer, m.semester, m.period, m.meeting_type, m.partners
    FROM meeting_facts m WHERE {where})
, fmin AS NOT MATERIALIZED (SELECT m.meeting_key AS meeting_id, m.ministry FROM ministry_facts m WHERE {where})
, fpar AS NOT MATERIALIZED (SELECT m.meeting_key AS meeting_id, m.partner, m.partner_kind
    FROM partner_facts m WHERE {where})"""


def _mode(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    """'cubes' (no filters; count tables usable), 'facts' (filters; fact tables usable) or 'base'."""
    if not db.has_aggregates(con):
        return "base"
    return "cubes" if filters.is_empty() else "facts"


def _frame(con: duckdb.DuckDBPyConnection, filters: Filters, body: str, params=(),
           mode: str | None = None, reused: bool = False) -> pd.DataFrame:
    """Run `body` (fixed SQL that reads CTE `fm`, the filtered meetings) with the filter's bound values."""
    if (mode or _mode(con, filters)) != "base":
        predicate, where_params = filters.where("m", facts=True)
        # Most bodies read fm once: unmaterialised, their own conditions reach the scan; a body that
        # reads it several times (reused) evaluates the filter once.
        kept = "MATERIALIZED" if reused and not filters.is_empty() else "NOT MATERIALIZED"
        sql = FACT_CTES.format(kept=kept, where=predicate) + body
        return con.execute(sql, [*where_params * 3, *params]).df()
    predicate, where_params = filters.where("m")
    # Safe: the predicate is built from fixed fragments by Filters.where(); every value is bound.
    # Unfiltered, fm is the whole table: copying it costs more than reading it again. Filtered, it is
    # usually small and read several times: evaluate the filter (its IN lists) once.
    ctes, kept = (CTES_ALL, "NOT MATERIALIZED") if filters.is_empty() else (CTES, "MATERIALIZED")
    sql = f"WITH fm AS {kept} (SELECT m.* FROM meetings m WHERE " + predicate + ")" + ctes + body  # noqa: S608
    return con.execute(sql, [*where_params, *params]).df()


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
    mode = _mode(con, filters)
    now = (cubes.headline(con) if mode == "cubes" else _frame(con, filters, HEADLINE_SQL, mode=mode, reused=True)).iloc[0]
    before = previous_period(filters)
    prev = None
    if before:
        prev = _frame(con, replace(filters, date_from=before[0], date_to=before[1]), HEADLINE_SQL,
                      reused=True).iloc[0]
    return pd.DataFrame({"metric": now.index, "value": now.to_numpy(dtype="int64"),
                         "previous": prev.to_numpy(dtype="float64") if prev is not None else None})


def latest_meetings(con: duckdb.DuckDBPyConnection, filters: Filters, n: int = 10) -> pd.DataFrame:
    """The n most recent meetings with their lead ministry, organiser, province, type and partners."""
    mode = _mode(con, filters)
    if mode != "base":  # fact rows carry the title and partners: no join
        return _frame(con, filters, """
, top AS (SELECT * FROM fm ORDER BY meeting_date DESC NULLS LAST, meeting_ref LIMIT ?)
SELECT top.meeting_ref AS meeting_id, top.meeting_date, t.title, top.lead_ministry, top.organizer,
       top.province, top.meeting_type, top.partners
FROM top JOIN meeting_facts t ON t.meeting_key = top.meeting_id
ORDER BY top.meeting_date DESC NULLS LAST, top.meeting_ref""",
                      [n], mode=mode)
    return _frame(con, filters, """
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
    mode = _mode(con, filters)
    counted = cubes.over_time_source(FREQS[freq], by) if mode == "cubes" else None
    counted = counted or f"""SELECT date_trunc('{FREQS[freq]}', meeting_date)::DATE AS period,
        {GROUPS[by]} AS grp, count(*) AS n FROM fm WHERE meeting_date IS NOT NULL GROUP BY ALL"""  # noqa: S608 (fixed SQL fragments; values are bound)
    body = f"""
, g AS ({counted}),
top AS (SELECT grp FROM g WHERE grp IS NOT NULL GROUP BY grp ORDER BY sum(n) DESC, grp LIMIT ?)
SELECT period, CASE WHEN grp IS NULL OR grp IN (SELECT grp FROM top) THEN grp ELSE ? END AS grp,
       sum(n)::BIGINT AS meetings
FROM g GROUP BY ALL ORDER BY 1, 3 DESC, 2 NULLS LAST"""  # noqa: S608 (whitelisted names only)
    return _frame(con, filters, body, [top_n, OTHER], mode=mode)


def meeting_years(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Years that have meetings under the filters, newest first."""
    if _mode(con, filters) == "cubes":
        return cubes.meeting_years(con)
    return _frame(con, filters, """
SELECT DISTINCT year(meeting_date) AS year FROM fm WHERE meeting_date IS NOT NULL ORDER BY year DESC""")


def meetings_per_day(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pd.DataFrame:
    """Every day of `year` with its meeting count, week column (0..53) and ISO weekday (1=Mon)."""
    mode = _mode(con, filters)
    counts = ("SELECT day, meetings FROM agg_days" if mode == "cubes"
              else "SELECT meeting_date AS day, count(*) AS meetings FROM fm GROUP BY 1")
    return _frame(con, filters, f"""
, days AS (SELECT d::DATE AS day FROM generate_series(make_date(?, 1, 1), make_date(?, 12, 31),
                                                      INTERVAL 1 DAY) t(d)),
c AS ({counts})
SELECT days.day, isodow(days.day) AS weekday,
       datediff('day', date_trunc('week', make_date(?, 1, 1)), days.day) // 7 AS week,
       coalesce(c.meetings, 0) AS meetings
FROM days LEFT JOIN c USING (day) ORDER BY days.day""", [year, year, year], mode=mode)  # noqa: S608 (fixed SQL fragments; values are bound)


def partner_ranking(con: duckdb.DuckDBPyConnection, filters: Filters, top_n: int = 25) -> pd.DataFrame:
    """Partners by number of meetings, with kind, lead ministries and provinces met, first and last date."""
    if _mode(con, filters) == "cubes":
        return cubes.partner_ranking(con, top_n)
    return _frame(con, filters, """
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
    mode = _mode(con, filters)
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
    return _frame(con, filters, body, [top_n, top_n], mode=mode)


def partner_trend(con: duckdb.DuckDBPyConnection, filters: Filters, freq: str = "month",
                  top_n: int = 6) -> pd.DataFrame:
    """(period, partner, meetings) for the top partners; the rest are summed as OTHER."""
    mode = _mode(con, filters)
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
    return _frame(con, filters, body, [top_n, OTHER], mode=mode)


def partner_pairs(con: duckdb.DuckDBPyConnection, filters: Filters, top_n: int = 12) -> pd.DataFrame:
    """(partner, other, meetings): how often two of the top partners attend the same meeting."""
    if _mode(con, filters) == "cubes":
        return cubes.partner_pairs(con, top_n)
    return _frame(con, filters, """
, tp AS (SELECT partner FROM fpar GROUP BY partner ORDER BY count(*) DESC, partner LIMIT ?),
p AS (SELECT meeting_id, partner FROM fpar SEMI JOIN tp USING (partner))
SELECT a.partner, b.partner AS other, count(*) AS meetings
FROM p a JOIN p b ON a.meeting_id = b.meeting_id AND a.partner <> b.partner
GROUP BY ALL ORDER BY a.partner, other""", [top_n])


# Semester reviews: the unit that held the review, per grouping choice (fixed SQL, never user text).
REVIEW_UNITS = {"ministry": "lead_ministry", "province": "province",
                "organizer": "coalesce(organizer, lead_ministry)"}
SEMESTER_END = ("CASE WHEN right(semester, 1) = '1' THEN make_date(CAST(left(semester, 4) AS INT), 6, 30)"
                " ELSE make_date(CAST(left(semester, 4) AS INT), 12, 31) END")


def semester_progress(con: duckdb.DuckDBPyConnection, filters: Filters,
                      by: str = "ministry") -> pd.DataFrame:
    """(unit, semester, review_date, days_after, reviews): first review of each semester per unit."""
    if _mode(con, filters) == "cubes":
        return cubes.semester_progress(con, by, SEMESTER_END)
    body = f"""
SELECT {REVIEW_UNITS[by]} AS unit, semester, min(meeting_date) AS review_date, count(*) AS reviews,
       datediff('day', {SEMESTER_END}, min(meeting_date)) AS days_after
FROM fm WHERE semester IS NOT NULL AND {REVIEW_UNITS[by]} IS NOT NULL
GROUP BY 1, 2 ORDER BY unit, semester"""  # noqa: S608 (whitelisted expressions only)
    return _frame(con, filters, body)


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
    mode = _mode(con, scope)
    held = (f"FROM fm WHERE semester IS NOT NULL AND {REVIEW_UNITS[by]} IS NOT NULL GROUP BY 1" if mode != "cubes"
            else f"FROM agg_semesters WHERE grp_by = '{by}' GROUP BY 1")
    unit = REVIEW_UNITS[by] if mode != "cubes" else "unit"
    body = f"""
, held AS (SELECT {unit} AS unit, max(semester) AS last_semester, bool_or(semester = ?) AS done {held}),
units AS (SELECT DISTINCT u AS unit FROM ({expected}) t(u) WHERE u IS NOT NULL
          AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], u)))
SELECT units.unit, held.last_semester FROM units LEFT JOIN held USING (unit)
WHERE NOT coalesce(held.done, FALSE) ORDER BY units.unit"""  # noqa: S608 (whitelisted SQL only)
    return _frame(con, scope, body, [semester, list(chosen), list(chosen)], mode=mode)


def periodic_reviews(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """(meeting_type, period, meetings, units): annual, quarterly and monthly review meetings."""
    if _mode(con, filters) == "cubes":
        return cubes.periodic_reviews(con)
    return _frame(con, filters, """
SELECT meeting_type, coalesce(period, strftime(meeting_date, '%Y')) AS period, count(*) AS meetings,
       list(DISTINCT coalesce(lead_ministry, organizer) ORDER BY coalesce(lead_ministry, organizer))
           FILTER (WHERE coalesce(lead_ministry, organizer) IS NOT NULL) AS units
FROM fm WHERE meeting_type IN (?, ?, ?)
GROUP BY ALL ORDER BY period DESC, meeting_type""", list(REVIEW_TYPES))


def province_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every province (with centre lat/lon) and its meetings; a row with province NULL counts the rest."""
    mode = _mode(con, filters)
    counts = ("SELECT value AS province, meetings FROM agg_values WHERE kind = 'province'" if mode == "cubes"
              else "SELECT province, count(*) AS meetings FROM fm GROUP BY province")
    return _frame(con, filters, f"""
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
    "semesters": [(semester_progress, {"by": "ministry"}),
                  (semester_missing, {"by": "ministry", "semester": "2024-S1"}),
                  (periodic_reviews, {})],
    "map": [(province_counts, {})],
}
