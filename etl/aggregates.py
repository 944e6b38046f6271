"""Meeting tables -> read-side tables built once at publish time: per-meeting facts and small count tables.

The dashboard reads these instead of joining meetings with their list tables on every page view.
They are derived data: `save_aggregates` rebuilds them all from meetings, meeting_ministries and
meeting_partners, and records which applied corrections they include, so the read layer uses them
only when they match the warehouse (analytics/db.py `has_aggregates`).
"""

import duckdb

# The meeting columns every fact table carries, so the same filter predicate applies to each of them.
MEETING_COLUMNS = ("meeting_id, meeting_date, province, lead_ministry, organizer, semester, period,"
                   " meeting_type, ministries, partners, partner_kinds")

# One row per meeting, ordered by date so a date filter skips whole row groups. ministries lists the
# participating ministries (listed ones plus the lead), as the ministry filter counts them.
_MEETING_FACTS = """
INSERT INTO meeting_facts
WITH keys AS (SELECT meeting_id,  -- numbered on two columns, so only the final ORDER BY moves whole rows
                     CAST(row_number() OVER (ORDER BY meeting_date NULLS LAST, meeting_id) AS INTEGER) AS meeting_key
              FROM meetings),
mins AS (SELECT meeting_id, list(DISTINCT ministry ORDER BY ministry) AS ministries,
                     bool_or(listed) AS has_ministries
              FROM (SELECT meeting_id, ministry, TRUE AS listed FROM meeting_ministries
                    UNION ALL SELECT meeting_id, lead_ministry, FALSE FROM meetings
                    WHERE lead_ministry IS NOT NULL)
              GROUP BY meeting_id),
pars AS (SELECT meeting_id, list(partner ORDER BY partner) AS partners,
                list(DISTINCT partner_kind ORDER BY partner_kind) AS partner_kinds
         FROM meeting_partners GROUP BY meeting_id)
SELECT k.meeting_key, m.meeting_id, m.meeting_date, m.province, m.lead_ministry, m.organizer, m.semester, m.period,
       m.meeting_type, coalesce(mins.ministries, []), coalesce(pars.partners, []),
       coalesce(pars.partner_kinds, []), coalesce(mins.has_ministries, FALSE), pars.meeting_id IS NOT NULL,
       m.title, m.chair, m.province_code, m.online, m.n_sources, m.date_year_inferred,
       m.chair_title IS NOT NULL, m.participants IS NOT NULL
FROM meetings m JOIN keys k USING (meeting_id) LEFT JOIN mins USING (meeting_id) LEFT JOIN pars USING (meeting_id)
ORDER BY 1"""

# partner_facts is sorted (a join); ministry_facts needs no sort: a scan of meeting_facts and an unnest of
# its sorted ministries keep their order, i.e. (meeting_key, ministry) (tests/test_aggregates.py checks).
_CHILD_FACTS = f"""
INSERT INTO partner_facts
SELECT f.meeting_key, p.partner, p.partner_kind, {MEETING_COLUMNS.replace("meeting_id", "f.meeting_id")}
FROM meeting_partners p JOIN meeting_facts f USING (meeting_id) ORDER BY f.meeting_key, p.partner;
INSERT INTO ministry_facts
SELECT meeting_key, u.ministry, {MEETING_COLUMNS}
FROM meeting_facts, unnest(ministries) u(ministry)"""  # noqa: S608 (fixed SQL fragments; values are bound)

# Counts over all meetings, for pages opened without filters. Months and units exactly as the
# read layer groups them (analytics/queries.py GROUPS and REVIEW_UNITS).
_COUNTS = """
INSERT INTO agg_days SELECT meeting_date, count(*),
       count(*) FILTER (WHERE semester IS NOT NULL OR meeting_type = 'semester_review')
FROM meeting_facts GROUP BY meeting_date;
INSERT INTO agg_month_groups
SELECT 'ministry', date_trunc('month', meeting_date)::DATE, lead_ministry, count(*) FROM meeting_facts
WHERE meeting_date IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'province', date_trunc('month', meeting_date)::DATE, province, count(*) FROM meeting_facts
WHERE meeting_date IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'organizer', date_trunc('month', meeting_date)::DATE, organizer, count(*) FROM meeting_facts
WHERE meeting_date IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'type', date_trunc('month', meeting_date)::DATE, meeting_type, count(*) FROM meeting_facts
WHERE meeting_date IS NOT NULL GROUP BY ALL;
INSERT INTO agg_values
SELECT 'province', province, count(*) FROM meeting_facts GROUP BY ALL
UNION ALL SELECT 'meeting_type', meeting_type, count(*) FROM meeting_facts GROUP BY ALL
UNION ALL SELECT 'semester', semester, count(*) FROM meeting_facts GROUP BY ALL
UNION ALL SELECT 'ministry', ministry, count(*) FROM ministry_facts GROUP BY ALL;
INSERT INTO agg_partners
SELECT partner, partner_kind, lead_ministry, province, count(*), min(meeting_date), max(meeting_date)
FROM partner_facts GROUP BY ALL;
INSERT INTO agg_partner_months
SELECT date_trunc('month', meeting_date)::DATE, partner, count(*) FROM partner_facts
WHERE meeting_date IS NOT NULL GROUP BY ALL;
INSERT INTO agg_partner_ministries
SELECT p.partner, u.ministry, count(*) FROM partner_facts p, unnest(p.ministries) u(ministry) GROUP BY ALL;
INSERT INTO agg_partner_pairs
SELECT p.partner, u.other, count(*) FROM partner_facts p, unnest(p.partners) u(other)
WHERE u.other <> p.partner GROUP BY ALL;
INSERT INTO agg_semesters
SELECT 'ministry', lead_ministry, semester, min(meeting_date), count(*) FROM meeting_facts
WHERE semester IS NOT NULL AND lead_ministry IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'province', province, semester, min(meeting_date), count(*) FROM meeting_facts
WHERE semester IS NOT NULL AND province IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'organizer', coalesce(organizer, lead_ministry), semester, min(meeting_date), count(*)
FROM meeting_facts WHERE semester IS NOT NULL AND coalesce(organizer, lead_ministry) IS NOT NULL GROUP BY ALL;
INSERT INTO agg_periodic
SELECT meeting_type, coalesce(period, strftime(meeting_date, '%Y')), coalesce(lead_ministry, organizer),
       count(*)
FROM meeting_facts WHERE meeting_type IN ('annual_review', 'quarterly_review', 'monthly_review')
GROUP BY ALL"""

# Field coverage tests over a meeting_facts row f, in the order the quality page lists them.
COVERAGE_TESTS: tuple[tuple[str, str], ...] = (
    ("meeting_date", "f.meeting_date IS NOT NULL"),
    ("date_year_stated", "f.meeting_date IS NOT NULL AND NOT f.date_year_inferred"),
    ("province", "f.province IS NOT NULL"),
    ("lead_ministry", "f.lead_ministry IS NOT NULL"),
    ("ministries", "f.has_ministries"),
    ("organizer", "f.organizer IS NOT NULL"),
    ("lead_ministry_or_organizer", "f.lead_ministry IS NOT NULL OR f.organizer IS NOT NULL"),
    ("chair", "f.chair IS NOT NULL"),
    ("chair_title", "f.has_chair_title"),
    ("partners", "f.has_partners"),
    ("semester", "f.semester IS NOT NULL"),
    ("period", "f.period IS NOT NULL"),
    ("meeting_type", "f.meeting_type IS NOT NULL"),
    ("participants", "f.has_participants"),
)
_COVERAGE = "INSERT INTO agg_coverage SELECT unnest(?::VARCHAR[]), unnest([count(*), {}]) FROM meeting_facts f"
# The review_queue view with the fact columns, so the same filters apply without a join.
_REVIEW_FACTS = f"""
INSERT INTO review_facts
WITH q AS (SELECT *, CAST(row_number() OVER (ORDER BY confidence, meeting_date DESC NULLS LAST, meeting_id)
                          AS INTEGER) AS queue_rank FROM review_queue)  -- numbered before the lists join
SELECT q.queue_rank, q.meeting_id, q.title, q.meeting_date, q.province, q.lead_ministry, q.organizer, q.confidence,
       q.n_sources, q.reasons, {", ".join("f." + c.strip() for c in MEETING_COLUMNS.split(",")[5:])}
FROM q JOIN meeting_facts f USING (meeting_id) ORDER BY 1"""  # noqa: S608 (constants)

AGGREGATE_TABLES = ("meeting_facts", "partner_facts", "ministry_facts", "agg_days", "agg_month_groups",
                    "agg_values", "agg_partners", "agg_partner_months", "agg_partner_ministries",
                    "agg_partner_pairs", "agg_semesters", "agg_periodic", "agg_coverage", "review_facts")

# What the applied corrections were when the tables were built ('' for none): the read layer compares.
CORRECTIONS_SIGNATURE = """
SELECT coalesce(md5(string_agg(concat_ws('|', target_id, field, value, meeting_id),
                               '\n' ORDER BY target_id, field, value, meeting_id)), '')
FROM corrections WHERE applied"""


def save_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every read-side table from the meeting tables (call after the last change to them, i.e.
    after corrections). The corrections' signature is stored with them: the read layer trusts the
    tables only while the applied corrections still match it."""
    for table in AGGREGATE_TABLES:
        con.execute(f"DELETE FROM {table}")  # noqa: S608 (constant table names)
    for sql in (_MEETING_FACTS, _CHILD_FACTS, _COUNTS, _REVIEW_FACTS):
        for statement in sql.split(";\n"):
            con.execute(statement)
    counts = ", ".join(f"count(*) FILTER (WHERE {test})" for _, test in COVERAGE_TESTS)
    con.execute(_COVERAGE.format(counts), [["total", *(name for name, _ in COVERAGE_TESTS)]])
    signature = con.execute(CORRECTIONS_SIGNATURE).fetchone()[0]
    con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES ('aggregates_corrections', ?)", [signature])
