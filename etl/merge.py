"""Meeting groups + document records -> meetings, meeting_ministries/partners/sources/conflicts.

Each field of a meeting takes the best-evidenced value among its reports: the value most reports
give, then the most confident report, then the smallest doc_id (so rebuilds are deterministic).
Companion fields come from the report that won their main field (date_text with meeting_date,
province_code with province, chair_title with chair).
"""

import duckdb

# main field -> companion fields copied from the winning report
VOTED_FIELDS: dict[str, tuple[str, ...]] = {
    "meeting_date": ("date_year_inferred", "date_text"),
    "date_text": (),  # used only when no report has a full date ("22-12" without a year)
    "province": ("province_code",),
    "lead_ministry": (),
    "organizer": (),
    "chair": ("chair_title",),
    "semester": (),
    "period": (),
    "meeting_type": (),
    "participants": (),
}
# Fields whose disagreement between reports sends a meeting to the review queue.
CONFLICT_FIELDS = ("meeting_date", "province", "lead_ministry", "organizer", "chair")

MEETING_TABLES = ("meetings", "meeting_ministries", "meeting_partners", "meeting_sources",
                  "meeting_conflicts")


def _vote(name: str) -> str:
    """The winning report's value of `name` with its companions, as a struct (NULL: no report has it)."""
    fields = ", ".join(f"{c} := {c}" for c in (name, *VOTED_FIELDS[name]))
    return (f"first(struct_pack({fields}) ORDER BY n_{name} DESC, confidence DESC, doc_id)"
            f" FILTER (WHERE {name} IS NOT NULL) AS w_{name}")


def _multi_sql() -> str:
    """Merged meetings in one pass over their reports: per field, how often each value occurs in the
    meeting (a histogram per field, one aggregate), then one aggregate takes every field's winner."""
    columns = sorted({c for name, companions in VOTED_FIELDS.items() for c in (name, *companions)})
    histograms = ", ".join(f"histogram({name}) AS h_{name}" for name in VOTED_FIELDS)
    counts = ", ".join(f"h.h_{name}[r.{name}] AS n_{name}" for name in VOTED_FIELDS)
    values = ["w_meeting_date.meeting_date", "coalesce(w_meeting_date.date_year_inferred, FALSE)"
              " AS date_year_inferred", "coalesce(w_meeting_date.date_text, w_date_text.date_text) AS date_text"]
    values += [f"w_{name}.{c}" for name in list(VOTED_FIELDS)[2:] for c in (name, *VOTED_FIELDS[name])]
    return f"""
    INSERT INTO meetings BY NAME
    WITH reports AS (
        SELECT g.meeting_id, d.title, r.doc_id, r.confidence, r.online, {", ".join(f"r.{c}" for c in columns)}
        FROM multi_groups g JOIN doc_records r USING (doc_id) JOIN documents d USING (doc_id)
    ), h AS (SELECT meeting_id, {histograms} FROM reports GROUP BY meeting_id)
    SELECT meeting_id, title, {", ".join(values)},
           CASE WHEN w_meeting_date IS NOT NULL THEN 'day'
                WHEN any_date_text THEN 'day_month' ELSE 'none' END AS date_precision,
           online, confidence, n_sources, []::VARCHAR[] AS corrected_fields
    FROM (
        SELECT meeting_id, bool_or(online) AS online, max(confidence) AS confidence,
               count(*) AS n_sources, bool_or(date_text IS NOT NULL) AS any_date_text,
               first(title ORDER BY confidence DESC, doc_id) AS title,
               {", ".join(_vote(name) for name in VOTED_FIELDS)}
        FROM (SELECT r.*, {counts} FROM reports r JOIN h USING (meeting_id))
        GROUP BY meeting_id
    )"""  # noqa: S608 (built from this module's constants)


# A meeting with one report (most of them) is that report's record: no voting needed.
_SINGLE_SQL = """
INSERT INTO meetings BY NAME
SELECT g.meeting_id, d.title, r.meeting_date, r.date_year_inferred, r.date_text,
       CASE WHEN r.meeting_date IS NOT NULL THEN 'day'
            WHEN r.date_text IS NOT NULL THEN 'day_month' ELSE 'none' END AS date_precision,
       r.province, r.province_code, r.lead_ministry, r.organizer, r.chair, r.chair_title,
       r.semester, r.period, r.meeting_type, r.online, r.participants, r.confidence,
       1 AS n_sources, []::VARCHAR[] AS corrected_fields
FROM single_groups g JOIN doc_records r USING (doc_id) JOIN documents d USING (doc_id)
"""

# is_lead: the ministry is the meeting's (voted) lead, which is always listed too. A single report's
# lists are its own, made distinct per row; only merged meetings need a DISTINCT over all their rows.
_LISTS_SQL = """
INSERT INTO meeting_sources SELECT meeting_id, doc_id FROM meeting_groups;
INSERT INTO meeting_ministries
SELECT g.meeting_id, u.ministry, coalesce(u.ministry = r.lead_ministry, FALSE)
FROM single_groups g JOIN doc_records r USING (doc_id),
     unnest(list_distinct(list_append(r.ministries, r.lead_ministry))) u(ministry);
INSERT INTO meeting_ministries
SELECT meeting_id, ministry, bool_or(is_lead) FROM (
    SELECT g.meeting_id, unnest(r.ministries) AS ministry, FALSE AS is_lead
    FROM multi_groups g JOIN doc_records r USING (doc_id)
    UNION ALL SELECT meeting_id, lead_ministry, TRUE FROM meetings WHERE lead_ministry IS NOT NULL AND n_sources > 1)
GROUP BY ALL;
INSERT INTO meeting_partners
SELECT g.meeting_id, u.partner, coalesce(p.partner_kind, 'other')
FROM single_groups g JOIN doc_records r USING (doc_id), unnest(list_distinct(r.partners)) u(partner)
LEFT JOIN dim_partners p ON p.partner = u.partner;
INSERT INTO meeting_partners
SELECT DISTINCT g.meeting_id, x.partner, coalesce(p.partner_kind, 'other')
FROM multi_groups g JOIN doc_records r USING (doc_id)
CROSS JOIN unnest(r.partners) AS x(partner) LEFT JOIN dim_partners p ON p.partner = x.partner;
"""


def _conflicts_sql() -> str:
    parts = [
        f"""SELECT g.meeting_id, '{name}' AS field,
               list(DISTINCT CAST(r.{name} AS VARCHAR) ORDER BY CAST(r.{name} AS VARCHAR)) AS v
        FROM multi_groups g JOIN doc_records r USING (doc_id) WHERE r.{name} IS NOT NULL
        GROUP BY g.meeting_id HAVING count(DISTINCT r.{name}) > 1"""  # noqa: S608
        for name in CONFLICT_FIELDS
    ]
    return "INSERT INTO meeting_conflicts " + " UNION ALL ".join(parts)


def save_meetings(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild all meeting tables from temp table meeting_groups and doc_records."""
    # The conflicts query only looks at merged meetings: a single report cannot disagree.
    for table in MEETING_TABLES:
        con.execute(f"DELETE FROM {table}")  # noqa: S608 (constant table names)
    con.execute("CREATE OR REPLACE TEMP TABLE multi_groups AS SELECT * FROM meeting_groups"
                " WHERE meeting_id IN (SELECT meeting_id FROM meeting_groups GROUP BY 1 HAVING count(*) > 1)")
    con.execute("CREATE OR REPLACE TEMP TABLE single_groups AS SELECT * FROM meeting_groups"
                " WHERE meeting_id NOT IN (SELECT meeting_id FROM multi_groups)")
    con.execute(_SINGLE_SQL)
    con.execute(_multi_sql())
    for statement in _LISTS_SQL.split(";\n"):
        if statement.strip():
            con.execute(statement)
    con.execute(_conflicts_sql())
    check_unique(con)


# Each meeting table's row key: the merge makes them unique, and this check (not a primary key, whose
# index cost a third of the rebuild) stops the publish if a change to the merge ever breaks that.
ROW_KEYS = {"meetings": "meeting_id", "meeting_ministries": "meeting_id, ministry",
            "meeting_partners": "meeting_id, partner", "meeting_sources": "meeting_id, doc_id",
            "meeting_conflicts": "meeting_id, field"}


def check_unique(con: duckdb.DuckDBPyConnection) -> None:
    """Raise RuntimeError when a meeting table holds two rows with the same key."""
    for table, key in ROW_KEYS.items():
        repeated = con.execute(f"SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchone()  # noqa: S608
        if repeated:
            raise RuntimeError(f"merge made two {table} rows for {repeated}: the warehouse was not changed")


def count_changes(con: duckdb.DuckDBPyConnection, summary) -> None:
    """added / updated / merged by comparing the rebuilt meetings with the snapshot taken before."""
    if con.execute("SELECT count(*) FROM old_meetings").fetchone()[0] == 0:  # first build: all new
        total, folded = con.execute("SELECT count(*), coalesce(sum(n_sources - 1), 0) FROM meetings").fetchone()
        summary.meetings_added = summary.meetings_total = total
        summary.meetings_updated, summary.meetings_merged = 0, max(0, int(folded))
        return
    added, updated, total, folded_new, folded_old = con.execute("""
        SELECT (SELECT count(*) FROM meetings WHERE meeting_id NOT IN (SELECT meeting_id FROM old_meetings)),
               (SELECT count(*) FROM meetings_flat f JOIN old_meetings o USING (meeting_id)
                 WHERE md5(CAST(f AS VARCHAR)) <> o.sig),
               (SELECT count(*) FROM meetings),
               (SELECT coalesce(sum(n_sources - 1), 0) FROM meetings),
               (SELECT coalesce(sum(n_sources - 1), 0) FROM old_meetings)""").fetchone()
    summary.meetings_added, summary.meetings_updated, summary.meetings_total = added, updated, total
    summary.meetings_merged = max(0, int(folded_new) - int(folded_old))
