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


def _winner_sql(name: str) -> str:
    """Per merged meeting, the doc whose value of `name` is best evidenced."""
    return f"""
    SELECT meeting_id, first(doc_id ORDER BY n DESC, confidence DESC, doc_id) AS doc_id FROM (
        SELECT g.meeting_id, r.doc_id, r.confidence,
               count(*) OVER (PARTITION BY g.meeting_id, r.{name}) AS n
        FROM multi_groups g JOIN doc_records r USING (doc_id) WHERE r.{name} IS NOT NULL
    ) GROUP BY meeting_id"""  # noqa: S608 (field names are constants of this module)


def _companion(i: int, column: str) -> str:
    """A companion column of winner r{i}; flags default to FALSE when no report has the field."""
    if column == "date_year_inferred":
        return f"coalesce(r{i}.{column}, FALSE) AS {column}"
    return f"r{i}.{column}"


def _meetings_sql() -> str:
    joins, columns = [], []
    for i, (name, companions) in enumerate(VOTED_FIELDS.items()):
        joins.append(f"LEFT JOIN ({_winner_sql(name)}) w{i} ON w{i}.meeting_id = b.meeting_id"
                     f" LEFT JOIN doc_records r{i} ON r{i}.doc_id = w{i}.doc_id")
        if name == "date_text":
            columns[columns.index("r0.date_text")] = f"coalesce(r0.date_text, r{i}.date_text) AS date_text"
            continue
        columns += [f"r{i}.{name}"] + [_companion(i, c) for c in companions]
    return f"""
    INSERT INTO meetings BY NAME
    SELECT b.meeting_id, d.title, {", ".join(columns)},
           CASE WHEN r0.meeting_date IS NOT NULL THEN 'day'
                WHEN b.any_date_text THEN 'day_month' ELSE 'none' END AS date_precision,
           b.online, b.confidence, b.n_sources, []::VARCHAR[] AS corrected_fields
    FROM (
        SELECT g.meeting_id, bool_or(r.online) AS online, max(r.confidence) AS confidence,
               count(*) AS n_sources, bool_or(r.date_text IS NOT NULL) AS any_date_text,
               first(r.doc_id ORDER BY r.confidence DESC, r.doc_id) AS best_doc
        FROM multi_groups g JOIN doc_records r USING (doc_id) GROUP BY g.meeting_id
    ) b
    JOIN documents d ON d.doc_id = b.best_doc
    {" ".join(joins)}
    """  # noqa: S608 (built from this module's constants)


# A meeting with one report (most of them) is that report's record: no voting needed.
_SINGLE_SQL = """
INSERT INTO meetings BY NAME
SELECT g.meeting_id, d.title, r.meeting_date, r.date_year_inferred, r.date_text,
       CASE WHEN r.meeting_date IS NOT NULL THEN 'day'
            WHEN r.date_text IS NOT NULL THEN 'day_month' ELSE 'none' END AS date_precision,
       r.province, r.province_code, r.lead_ministry, r.organizer, r.chair, r.chair_title,
       r.semester, r.period, r.meeting_type, r.online, r.participants, r.confidence,
       1 AS n_sources, []::VARCHAR[] AS corrected_fields
FROM meeting_groups g JOIN doc_records r USING (doc_id) JOIN documents d USING (doc_id)
WHERE g.meeting_id NOT IN (SELECT meeting_id FROM multi_groups)
"""

_LISTS_SQL = """
INSERT INTO meeting_sources SELECT meeting_id, doc_id FROM meeting_groups;
INSERT INTO meeting_ministries
SELECT g.meeting_id, x.ministry, bool_or(x.ministry IS NOT DISTINCT FROM m.lead_ministry)
FROM meeting_groups g JOIN doc_records r USING (doc_id)
CROSS JOIN unnest(r.ministries) AS x(ministry) JOIN meetings m ON m.meeting_id = g.meeting_id
GROUP BY ALL;
INSERT INTO meeting_ministries
SELECT meeting_id, lead_ministry, TRUE FROM meetings WHERE lead_ministry IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO meeting_partners
SELECT DISTINCT g.meeting_id, x.partner, coalesce(p.partner_kind, 'other')
FROM meeting_groups g JOIN doc_records r USING (doc_id)
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
    con.execute(_SINGLE_SQL)
    con.execute(_meetings_sql())
    con.execute(_LISTS_SQL)
    con.execute(_conflicts_sql())
