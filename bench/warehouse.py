"""Bulk-build an N-meeting warehouse straight into etl/schema.sql with DuckDB SQL (no articles, no ingest).

Values are spread like the synthetic corpus: 2015–2026, all provinces and ministries, partners on about half
of the meetings, semester/annual/quarterly/monthly reviews. Pseudo-random from hash(i): deterministic.
"""

import time
from datetime import datetime
from pathlib import Path

import duckdb

from etl import gazetteer
from etl.aggregates import save_aggregates

SCHEMA = Path(__file__).resolve().parent.parent / "etl" / "schema.sql"
TYPES = ["semester_review", "annual_review", "quarterly_review", "monthly_review", "working_group",
         "consultation", "inter_ministerial", "dissemination", "bilateral", "council_session"]

MEETINGS_SQL = """
CREATE TEMP TABLE g AS
SELECT i, hash(i) AS h1, hash(i + 1000000007) AS h2, hash(i * 31 + 17) AS h3,
       DATE '2015-01-01' + CAST(hash(i) % 4337 AS INTEGER) AS day
FROM range(?) t(i);
INSERT INTO meetings
SELECT 'm' || lpad(CAST(i AS VARCHAR), 8, '0'), 'កិច្ចប្រជុំ ' || ty.meeting_type || ' ' || coalesce(p.name_km, ''),
       day, FALSE, NULL, 'day', p.province, p.province_code, mi.ministry,
       CASE WHEN mi.ministry IS NULL THEN coalesce(p.province, 'National') || ' Provincial Administration' END,
       'ឈ្មោះ ' || CAST(h3 % 5000 AS VARCHAR), NULL,
       CASE WHEN ty.meeting_type = 'semester_review' THEN
            CASE WHEN month(day) <= 6 THEN CAST(year(day) - 1 AS VARCHAR) || '-S2'
                 ELSE CAST(year(day) AS VARCHAR) || '-S1' END END,
       CASE ty.meeting_type WHEN 'annual_review' THEN CAST(year(day) - 1 AS VARCHAR)
            WHEN 'quarterly_review' THEN CAST(year(day) AS VARCHAR) || '-Q' || CAST(quarter(day) AS VARCHAR)
            WHEN 'monthly_review' THEN strftime(day, '%Y-%m') END,
       ty.meeting_type, (h3 >> 8) % 7 = 0, CAST(15 + h2 % 200 AS INTEGER), 0.5 + (h1 >> 12) % 50 / 100.0, 1, []
FROM g
LEFT JOIN bench_provinces p ON p.k = (h2 >> 4) % 28
LEFT JOIN bench_ministries mi ON mi.k = (h3 >> 4) % 44
JOIN bench_types ty ON ty.k = (h1 >> 20) % 10;
"""

LINKS_SQL = """
INSERT INTO meeting_ministries
SELECT meeting_id, lead_ministry, TRUE FROM meetings WHERE lead_ministry IS NOT NULL;
INSERT INTO meeting_ministries
SELECT DISTINCT 'm' || lpad(CAST(i AS VARCHAR), 8, '0'), mi.ministry, FALSE
FROM g JOIN bench_ministries mi ON mi.k = (h1 >> 28) % 29
WHERE (h1 >> 36) % 3 = 0
  AND mi.k <> (h3 >> 4) % 44;
INSERT INTO meeting_partners
SELECT 'm' || lpad(CAST(i AS VARCHAR), 8, '0'), pa.partner, pa.partner_kind
FROM g JOIN bench_partners pa ON pa.k = (h2 >> 40) % 24 WHERE (h2 >> 50) % 2 = 0;
INSERT INTO meeting_partners
SELECT 'm' || lpad(CAST(i AS VARCHAR), 8, '0'), pa.partner, pa.partner_kind
FROM g JOIN bench_partners pa ON pa.k = (h3 >> 40) % 24
WHERE (h3 >> 50) % 3 = 0 AND (h3 >> 40) % 24 <> (h2 >> 40) % 24;
INSERT INTO documents
SELECT 'd' || substr(meeting_id, 2), 'bench/' || meeting_id || '.txt', NULL, title, meeting_date,
       md5(meeting_id), ?, 'meeting', title || '។ ' || coalesce(lead_ministry, organizer) || ' ' || chair,
       title || ' ' || coalesce(lead_ministry, organizer) || ' ' || chair
FROM meetings;
INSERT INTO meeting_sources SELECT meeting_id, 'd' || substr(meeting_id, 2) FROM meetings;
INSERT INTO evidence SELECT 'd' || substr(meeting_id, 2), 'chair', chair, 0, length(chair) FROM meetings;
INSERT INTO doc_records
SELECT 'd' || substr(m.meeting_id, 2), TRUE, m.confidence, m.meeting_date, FALSE, NULL, m.province,
       m.province_code, m.lead_ministry,
       coalesce(l.ministries, []), m.organizer, m.chair, NULL, [], m.semester, m.period, m.meeting_type,
       m.online, m.participants
FROM meetings m LEFT JOIN (SELECT meeting_id, list(ministry ORDER BY ministry) AS ministries
                           FROM meeting_ministries GROUP BY 1) l USING (meeting_id);
"""


def _dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """dim_* from the gazetteers, plus numbered helper tables the generator joins on."""
    for table, rows in (("dim_ministries", gazetteer.dim_ministries()), ("dim_provinces", gazetteer.dim_provinces()),
                        ("dim_partners", gazetteer.dim_partners())):
        values = ", ".join("(" + ", ".join("?" * len(rows[0])) + ")" for _ in rows)
        con.execute(f"INSERT INTO {table} VALUES {values}", [v for row in rows for v in row])  # noqa: S608
    con.execute("CREATE TEMP TABLE bench_ministries AS SELECT row_number() OVER (ORDER BY ministry) - 1 AS k,"
                " ministry FROM dim_ministries")
    con.execute("CREATE TEMP TABLE bench_provinces AS SELECT row_number() OVER (ORDER BY province_code) - 1"
                " AS k, * FROM dim_provinces")
    # the commonest kinds of partner first, so 24 slots cover UN agencies, donors, NGOs and generic names
    con.execute("CREATE TEMP TABLE bench_partners AS SELECT row_number() OVER (ORDER BY CASE partner_kind"
                " WHEN 'country' THEN 1 ELSE 0 END, partner) - 1 AS k, * FROM dim_partners")
    con.execute("CREATE TEMP TABLE bench_types AS SELECT * FROM (SELECT unnest(range(10)) AS k,"
                " unnest(?::VARCHAR[]) AS meeting_type)", [TYPES])


def _script(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> None:
    """Run statements one by one; the one with a ? gets the parameters."""
    for statement in filter(str.strip, sql.split(";\n")):
        con.execute(statement, params if "?" in statement else None)


def build(path: Path, n: int) -> float:
    """Write an n-meeting warehouse to `path` (replacing it); return the seconds it took."""
    began = time.perf_counter()
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        _dimensions(con)
        _script(con, MEETINGS_SQL, [n])
        _script(con, LINKS_SQL, [datetime(2026, 11, 1, 9, 0)])
        save_aggregates(con)  # as the ingest's merge step does at publish time
        con.execute("INSERT INTO warehouse_meta VALUES ('dataset', 'bench')")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - began
