"""Dashboard queries per page on an N-meeting warehouse: median/p95, next to bare DuckDB and pandas."""

import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from bench import warehouse
from bench.common import log, python, repeat, run_measured, stats

SCENARIOS = {"all": {}, "filtered": {"ministries": ("Ministry of Health",), "date_from": date(2024, 1, 1),
                                     "date_to": date(2024, 12, 31)}}

# The core aggregation of each page written directly in SQL, and the same computation in pandas.
BARE_SQL = {
    "overview": "SELECT count(*), count(DISTINCT lead_ministry), count(DISTINCT province) FROM meetings",
    "frequency": "SELECT date_trunc('month', meeting_date) AS m, count(*) FROM meetings GROUP BY 1",
    "partners": "SELECT partner, count(*) AS n FROM meeting_partners GROUP BY 1 ORDER BY n DESC LIMIT 25",
    "semesters": "SELECT lead_ministry, semester, min(meeting_date), count(*) FROM meetings"
                 " WHERE semester IS NOT NULL GROUP BY 1, 2",
    "map": "SELECT province, count(*) FROM meetings GROUP BY 1",
    "explorer": "SELECT * FROM meetings ORDER BY meeting_date DESC LIMIT 500",
    "quality": "SELECT count(meeting_date), count(province), count(lead_ministry), count(chair) FROM meetings",
}
BARE_PANDAS: dict[str, Callable[[pd.DataFrame, pd.DataFrame], object]] = {
    "overview": lambda m, p: (len(m), m["lead_ministry"].nunique(), m["province"].nunique()),
    "frequency": lambda m, p: m.groupby(m["meeting_date"].dt.to_period("M")).size(),
    "partners": lambda m, p: p["partner"].value_counts().head(25),
    "semesters": lambda m, p: m[m["semester"].notna()].groupby(["lead_ministry", "semester"])["meeting_date"]
    .agg(["min", "count"]),
    "map": lambda m, p: m["province"].value_counts(dropna=False),
    "explorer": lambda m, p: m.nlargest(500, "meeting_date"),
    "quality": lambda m, p: m[["meeting_date", "province", "lead_ministry", "chair"]].notna().sum(),
}


def page_calls(con: duckdb.DuckDBPyConnection, filters) -> dict[str, list[Callable[[], object]]]:
    """The read-layer calls each page makes on first load (default widget values), as in pages/*.py."""
    from analytics import explore, queries, reviews
    years = queries.meeting_years(con, filters)["year"].tolist()
    year = int(max(years)) if years else 2026
    semester = reviews.last_complete_semester(date(2026, 11, 15))
    first = explore.meetings_table(con, filters, limit=1)
    meeting_id = str(first.iloc[0, 0]) if len(first) else "none"
    calls = _own_calls(con, filters, year, semester, meeting_id)
    for page, listed in getattr(queries, "PAGE_QUERIES", {}).items():  # the read layer's own list wins
        calls[page] = [lambda fn=fn, kw=kw: fn(con, filters, **kw) for fn, kw in listed]
    return calls


def _own_calls(con: duckdb.DuckDBPyConnection, filters, year: int, semester: str,
               meeting_id: str) -> dict[str, list[Callable[[], object]]]:
    from analytics import explore, quality, queries, reviews
    return {
        "sidebar": [lambda: queries.filter_options(con)],
        "overview": [lambda: queries.headline(con, filters), lambda: queries.latest_meetings(con, filters, n=15)],
        "frequency": [lambda: queries.meetings_over_time(con, filters, freq="month"),
                      lambda: queries.meetings_over_time(con, filters, freq="month", by="ministry", top_n=8),
                      lambda: queries.meetings_over_time(con, filters, freq="month", by="province", top_n=8),
                      lambda: queries.meeting_years(con, filters),
                      lambda: queries.meetings_per_day(con, filters, year=year)],
        "partners": [lambda: queries.partner_ranking(con, filters, top_n=25),
                     lambda: queries.partner_matrix(con, filters, by="ministry", top_n=12),
                     lambda: queries.partner_trend(con, filters, freq="month", top_n=6),
                     lambda: queries.partner_pairs(con, filters, top_n=12)],
        "semesters": [lambda: reviews.semester_progress(con, filters, by="ministry"),
                      lambda: reviews.semester_missing(con, filters, by="ministry", semester=semester),
                      lambda: reviews.periodic_reviews(con, filters)],
        "map": [lambda: queries.province_counts(con, filters)],
        "explorer": [lambda: explore.count_meetings(con, filters),
                     lambda: explore.meetings_table(con, filters, lang="en", limit=500),
                     lambda: explore.meeting_detail(con, meeting_id)],
        "quality": [lambda: quality.document_counts(con), lambda: quality.rejected_inputs(con),
                    lambda: quality.field_coverage(con, filters), lambda: quality.review_queue(con, filters),
                    lambda: quality.ingest_runs(con), lambda: quality.applied_corrections(con)],
    }


def time_pages(con: duckdb.DuckDBPyConnection, runs: int) -> dict:
    """Per scenario and page: median/p95 of the page's total query time (uncached, one connection)."""
    from analytics.filters import Filters
    out: dict = {}
    for name, values in SCENARIOS.items():
        calls = page_calls(con, Filters(**values))
        out[name] = {}
        for page, fns in calls.items():
            try:
                out[name][page] = stats(repeat(lambda fns=fns: [fn() for fn in fns], runs))
            except Exception as error:  # a page the read layer cannot serve yet: report, keep measuring
                out[name][page] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return out


def time_bare(con: duckdb.DuckDBPyConnection, runs: int) -> dict:
    """Each page's core aggregation in bare DuckDB SQL and in pandas (data already in memory)."""
    meetings = con.execute("SELECT * FROM meetings").df()
    meetings["meeting_date"] = pd.to_datetime(meetings["meeting_date"])
    partners = con.execute("SELECT * FROM meeting_partners").df()
    out = {}
    for page, sql in BARE_SQL.items():
        out[page] = {"duckdb": stats(repeat(lambda sql=sql: con.execute(sql).fetchall(), runs)),
                     "pandas": stats(repeat(lambda f=BARE_PANDAS[page]: f(meetings, partners), runs))}
    out["pandas_frame_mb"] = round((meetings.memory_usage(deep=True).sum() + partners.memory_usage(deep=True)
                                    .sum()) / 1e6)
    return out


def app_rss(db: Path) -> dict:
    """Peak RSS of a process that renders every page with Streamlit's AppTest on this warehouse."""
    result = run_measured(python("-m", "bench.app_rss", str(db)), env={"KM_DB": str(db)})
    try:
        report = json.loads(result["output_tail"].splitlines()[-1])
    except (ValueError, IndexError):
        report = {"error": result["output_tail"][-300:]}
    return {**report, "peak_rss_mb": result["peak_rss_mb"], "seconds": result["seconds"]}


def run(sizes: list[int], runs: int, rss_at: int | None) -> dict:
    """For each size: build the warehouse (SQL), time pages and bare aggregations; app RSS at rss_at."""
    results = {"warehouse": "bulk-generated with DuckDB SQL into etl/schema.sql (bench/warehouse.py)",
               "sizes": []}
    with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
        for n in sizes:
            db = Path(tmp) / f"w{n}.duckdb"
            log(f"dashboard: building a {n:,}-meeting warehouse")
            row = {"n": n, "build_s": round(warehouse.build(db, n), 1), "db_mb": round(db.stat().st_size / 1e6)}
            con = duckdb.connect(str(db), read_only=True)
            try:
                log(f"dashboard: timing pages at {n:,}")
                row["pages"] = time_pages(con, runs)
                row["bare"] = time_bare(con, runs)
            finally:
                con.close()
            if n == rss_at:
                log(f"dashboard: app RSS at {n:,}")
                row["app"] = app_rss(db)
            results["sizes"].append(row)
    return results
