"""Document records -> meeting groups: reports of the same meeting share one stable meeting_id.

Two meeting reports are the same meeting when they are in the same province, their dates are at
most one day apart, and they name the same lead ministry, organiser or chair (and none of those
three is known in both and different). Groups are the connected components of that relation.
meeting_id = "m" + the doc_id of a founding report; an existing meeting keeps its id when reports
join it, and an edited article keeps the id of the meeting its earlier version belonged to.
"""

import duckdb
import pyarrow as pa

KEYS = ("lead_ministry", "organizer", "chair")

# Equi-join on (province, key, date) with the date shifted by -1/0/+1, so the work stays linear.
_PAIRS_SQL = """
WITH cand AS (
    SELECT doc_id, province, meeting_date, lead_ministry, organizer, chair FROM doc_records
    WHERE is_meeting AND meeting_date IS NOT NULL AND province IS NOT NULL
), keyed AS (
    SELECT doc_id, province, meeting_date, k.name, k.value FROM cand,
    LATERAL (VALUES ('lead_ministry', lead_ministry), ('organizer', organizer), ('chair', chair))
        AS k(name, value)
    WHERE k.value IS NOT NULL
), shifted AS (
    SELECT doc_id, province, name, value, meeting_date + s.d AS day
    FROM keyed, (VALUES (-1), (0), (1)) AS s(d)
), hits AS (
    SELECT DISTINCT a.doc_id AS a, b.doc_id AS b FROM shifted a JOIN keyed b
      ON a.province = b.province AND a.name = b.name AND a.value = b.value
     AND a.day = b.meeting_date AND a.doc_id < b.doc_id
)
SELECT h.a, h.b FROM hits h
JOIN cand x ON x.doc_id = h.a JOIN cand y ON y.doc_id = h.b
WHERE coalesce(x.lead_ministry = y.lead_ministry, TRUE)
  AND coalesce(x.organizer = y.organizer, TRUE)
  AND coalesce(x.chair = y.chair, TRUE)
"""


def find_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Pairs of meeting documents (a < b) that report the same meeting."""
    return con.execute(_PAIRS_SQL).fetchall()


def group_documents(doc_ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """doc_id -> group root (the smallest doc_id of its connected component)."""
    parent = {doc_id: doc_id for doc_id in doc_ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {doc_id: root(doc_id) for doc_id in doc_ids}


# For each group, the meeting ids its documents had before (or inherited by source), with votes.
_HINT_VOTES_SQL = """
CREATE OR REPLACE TEMP TABLE _votes AS
WITH hints AS (
    SELECT doc_id, meeting_id FROM meeting_sources
    UNION
    SELECT d.doc_id, r.meeting_id FROM documents d JOIN replaced_sources r USING (source)
    WHERE d.doc_id NOT IN (SELECT doc_id FROM meeting_sources)
)
SELECT grp, meeting_id, n,
       count(*) OVER (PARTITION BY grp) = 1 AND count(*) OVER (PARTITION BY meeting_id) = 1 AS alone
FROM (SELECT g.grp, h.meeting_id, count(*) AS n FROM _groups g JOIN hints h USING (doc_id) GROUP BY ALL)
"""
# Votes that share their group or their meeting id with another vote: decided in Python, in this order.
_CONTESTED_SQL = "SELECT grp, meeting_id FROM _votes WHERE NOT alone ORDER BY n DESC, meeting_id, grp"
# Groups without an uncontested vote whose own id 'm' || grp is an id some vote names. A doc_id is hex,
# so a suffixed 'm' + grp + '-n' is never another group's own id: only ids from votes can clash.
_CLASHING_SQL = """
SELECT DISTINCT grp FROM _groups WHERE 'm' || grp IN (SELECT meeting_id FROM _votes)
AND grp NOT IN (SELECT grp FROM _votes WHERE alone) ORDER BY grp
"""

# Every meeting document with its group; the new id is 'm' || grp unless a vote chose an older one.
_GROUPS_SQL = """
CREATE OR REPLACE TEMP TABLE _groups AS
SELECT r.doc_id, coalesce(l.grp, r.doc_id) AS grp FROM doc_records r LEFT JOIN _linked l USING (doc_id)
WHERE r.is_meeting
"""
_MEETING_GROUPS_SQL = """
CREATE OR REPLACE TEMP TABLE meeting_groups AS
SELECT g.doc_id, coalesce(v.meeting_id, c.meeting_id, 'm' || g.grp) AS meeting_id
FROM _groups g LEFT JOIN (SELECT grp, meeting_id FROM _votes WHERE alone) v USING (grp)
LEFT JOIN _chosen c USING (grp)
"""


def assign_meeting_ids(con: duckdb.DuckDBPyConnection) -> int:
    """Fill temp table meeting_groups(doc_id, meeting_id); returns the number of groups.

    Most groups are one document whose id nobody else wants: that is SQL. Python only joins the
    documents that pair up (union-find) and settles votes that compete for a group or an id."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_sources (source VARCHAR, meeting_id VARCHAR)")
    pairs = find_pairs(con)
    linked = group_documents(sorted({doc_id for pair in pairs for doc_id in pair}), pairs)
    _register(con, "_linked", {"doc_id": list(linked), "grp": list(linked.values())})
    try:
        con.execute(_GROUPS_SQL)
    finally:
        con.unregister("_linked")
    con.execute(_HINT_VOTES_SQL)
    chosen = _settle_votes(con)
    _register(con, "_chosen", {"grp": list(chosen), "meeting_id": list(chosen.values())})
    try:
        con.execute(_MEETING_GROUPS_SQL)
    finally:
        con.unregister("_chosen")
    return con.execute("SELECT count(DISTINCT grp) FROM _groups").fetchone()[0]


def _settle_votes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """grp -> meeting id for the contested votes (most votes first, one id per group and per meeting),
    and for groups whose own id 'm' + grp an older meeting keeps: that id with a suffix."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()  # uncontested ids never meet a contested vote: left out here
    for grp, meeting_id in con.execute(_CONTESTED_SQL).fetchall():
        if grp not in chosen and meeting_id not in taken:
            chosen[grp] = meeting_id
            taken.add(meeting_id)
    clashing = [grp for (grp,) in con.execute(_CLASHING_SQL).fetchall() if grp not in chosen]
    if clashing:
        taken |= {r[0] for r in con.execute("SELECT meeting_id FROM _votes WHERE alone").fetchall()}
    for grp in clashing:  # in grp order, as suffixes are handed out
        if f"m{grp}" in taken:
            chosen[grp] = _fresh_id(grp, taken)
        taken.add(f"m{grp}")
    return chosen


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[str]]) -> None:
    con.register(name, pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}))


def _fresh_id(grp: str, taken: set[str]) -> str:
    """'m' + the group's smallest doc_id; a suffix only if an older meeting already uses that id."""
    candidate, n = f"m{grp}", 1
    while candidate in taken:
        n += 1
        candidate = f"m{grp}-{n}"
    taken.add(candidate)
    return candidate
