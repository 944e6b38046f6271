"""Warehouse -> data-quality answers: field coverage, rejected inputs, review queue, document counts, runs."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import db
from etl import corrections
from etl.aggregates import COVERAGE_TESTS

# Field -> SQL test that a filtered meeting (alias f) has it. Order = order shown.
COVERAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("meeting_date", "f.meeting_date IS NOT NULL"),
    ("date_year_stated", "f.meeting_date IS NOT NULL AND NOT f.date_year_inferred"),
    ("province", "f.province IS NOT NULL"),
    ("lead_ministry", "f.lead_ministry IS NOT NULL"),
    ("ministries", "f.meeting_id IN (SELECT meeting_id FROM meeting_ministries)"),
    ("organizer", "f.organizer IS NOT NULL"),
    ("lead_ministry_or_organizer", "f.lead_ministry IS NOT NULL OR f.organizer IS NOT NULL"),
    ("chair", "f.chair IS NOT NULL"),
    ("chair_title", "f.chair_title IS NOT NULL"),
    ("partners", "f.meeting_id IN (SELECT meeting_id FROM meeting_partners)"),
    ("semester", "f.semester IS NOT NULL"),
    ("period", "f.period IS NOT NULL"),
    ("meeting_type", "f.meeting_type IS NOT NULL"),
    ("participants", "f.participants IS NOT NULL"),
)
# One pass over the filtered meetings; the list tables are hashed once for the IN tests (about twice
# as fast as joining their DISTINCT ids at 1M meetings, and ten times a per-meeting EXISTS).
_COVERAGE = """
SELECT count(*), {counts}
FROM meetings f WHERE {where}"""
REVIEW_LIMIT = 1000  # rows the page lists; the count says how many there are

# Column meanings for the help text; the column names themselves come from etl/corrections.py.
COLUMN_HELP = {
    "target_id": "a source `doc_id` (best: survives re-ingest and de-duplication) or a `meeting_id`",
    "field": "the field to set (see below), or `is_meeting` with value `false` to drop a non-meeting",
    "value": "the right value: English canonical names, ISO dates `YYYY-MM-DD`, lists as `A; B`",
    "note": "why: what the article says",
    "author": "who checked it",
    "corrected_on": "day of the check, `YYYY-MM-DD`",
}
KM_HELP = """\
**របៀបកែតម្រូវកិច្ចប្រជុំ។** បន្ថែមមួយបន្ទាត់សម្រាប់វាលនីមួយៗទៅក្នុង `data/corrections.csv`
(`{columns}`) រួចដំណើរការ `python -m etl ingest` ម្តងទៀត។ `target_id` គឺ `doc_id` នៃប្រភព
(ល្អបំផុត) ឬ `meeting_id` (ជួរឈរចុងក្រោយនៃតារាង Explorer)។ វាល៖ {fields}។
"""


def _where(filters) -> tuple[str, list]:
    """The filter predicate over meetings m; everything when no filters are given."""
    return filters.where("m") if filters is not None else ("TRUE", [])


def field_coverage(con: duckdb.DuckDBPyConnection, filters=None) -> pd.DataFrame:
    """Per field: how many of the filtered meetings have it, and the share (0..1)."""
    total, *found = _coverage_counts(con, filters)
    return pd.DataFrame({
        "field": [name for name, _ in COVERAGE_FIELDS],
        "meetings": found,
        "total": [total] * len(found),
        "share": [round(n / total, 4) if total else 0.0 for n in found],
    })


def _coverage_counts(con: duckdb.DuckDBPyConnection, filters) -> list[int]:
    """[meetings, then per field those that have it]: from the read-side tables when they match."""
    fast = db.has_aggregates(con)
    if fast and (filters is None or filters.is_empty()):
        counted = dict(con.execute("SELECT field, meetings FROM agg_coverage").fetchall())
        return [counted["total"], *(counted[name] for name, _ in COVERAGE_TESTS)]
    tests = COVERAGE_TESTS if fast else COVERAGE_FIELDS
    where, params = (filters.where("f", facts=fast) if filters is not None else ("TRUE", []))
    counts = ", ".join(f"count(*) FILTER (WHERE {test})" for _, test in tests)
    sql = _COVERAGE.format(where=where, counts=counts)
    return list(con.execute(sql.replace("meetings f", "meeting_facts f") if fast else sql, params).fetchone())


def rejected_inputs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Inputs the ingest refused, newest first, with the reason."""
    return con.execute("""
        SELECT source, reason, seen_at, run_id FROM rejected_inputs
        ORDER BY seen_at DESC, source""").df()


def _queue_source(con: duckdb.DuckDBPyConnection, filters) -> tuple[str, str, list]:
    """(table, predicate over alias q, params): review_facts when it matches, else the review_queue view."""
    if db.has_aggregates(con):
        where, params = filters.where("q", facts=True) if filters is not None else ("TRUE", [])
        return "review_facts", where, params
    return "review_queue", *_queue_where(filters)


def _queue_where(filters) -> tuple[str, list]:
    """Restrict the review_queue view (alias q) to the filtered meetings; no join when unfiltered."""
    where, params = _where(filters)
    if where == "TRUE":
        return where, params
    return f"q.meeting_id IN (SELECT m.meeting_id FROM meetings m WHERE {where})", params  # noqa: S608 - the filter's own SQL, values bound


def review_queue(con: duckdb.DuckDBPyConnection, filters=None,
                 limit: int | None = REVIEW_LIMIT) -> pd.DataFrame:
    """Meetings a person should check (see the review_queue view), lowest confidence first."""
    table, where, params = _queue_source(con, filters)
    order = "q.confidence, q.meeting_date DESC NULLS LAST, q.meeting_id"
    if table == "review_facts":
        order = "q.queue_rank"  # the same order, numbered when the table was built
        if limit and where == "TRUE":  # the first rows by number: the stored order skips the rest
            where, params = "q.queue_rank <= ?", [int(limit)]
    sql = f"""
        SELECT q.meeting_id, q.title, q.meeting_date, q.province, q.lead_ministry, q.organizer,
               q.confidence, q.n_sources, q.reasons
        FROM {table} q WHERE {where} ORDER BY {order}"""  # noqa: S608 - constant SQL, bound values
    if limit:
        sql, params = sql + " LIMIT ?", [*params, int(limit)]
    return con.execute(sql, params).df()


def review_queue_count(con: duckdb.DuckDBPyConnection, filters=None) -> int:
    """How many meetings are in the review queue within the filters."""
    table, where, params = _queue_source(con, filters)
    sql = f"SELECT count(*) FROM {table} q WHERE {where}"  # noqa: S608 - constant SQL, bound values
    return int(con.execute(sql, params).fetchone()[0])


def document_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Documents per status ('meeting' / 'not_meeting')."""
    return con.execute("""
        SELECT status, count(*) AS documents FROM documents GROUP BY status ORDER BY status""").df()


def ingest_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pd.DataFrame:
    """The latest ingest runs with their counts, newest first."""
    return con.execute("""
        SELECT run_id, started_at, finished_at, inputs, files_seen, files_new, files_changed,
               files_unchanged, files_rejected, meetings_added, meetings_updated, meetings_merged
        FROM ingest_runs ORDER BY started_at DESC LIMIT ?""", [limit]).df()


def applied_corrections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every correction from data/corrections.csv as the last ingest applied it (or not)."""
    return con.execute("""
        SELECT target_id, field, value, note, author, corrected_on, applied, meeting_id, problem
        FROM corrections ORDER BY corrected_on DESC NULLS LAST, target_id, field""").df()


def corrections_help(lang: str = "en") -> str:
    """Markdown telling a reviewer how to add a correction (columns and fields from etl/corrections.py)."""
    fields = ", ".join(f"`{f}`" for f in (*corrections.SCALAR_FIELDS, *corrections.LIST_FIELDS))
    if lang == "km":
        return KM_HELP.format(columns=", ".join(corrections.COLUMNS), fields=fields)
    rows = "\n".join(f"| `{c}` | {COLUMN_HELP.get(c, '')} |" for c in corrections.COLUMNS)
    return (
        "**How to correct a meeting.** Add one line per corrected field to `data/corrections.csv`, "
        "then run `python -m etl ingest` (or `make run`): every ingest applies the file, and the "
        "table below lists what was applied.\n\n| column | meaning |\n|---|---|\n" + rows
        + f"\n\nFields: {fields}.\n\nExample (the seed article without a year):\n\n"
        "```\n366fa66908f46e18,meeting_date,2023-12-22,article says 22 December only,dara,2024-08-01\n```\n"
    )
