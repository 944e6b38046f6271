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


# For each group, vote among the meeting ids its documents had before (or inherited by source).
_HINT_VOTES_SQL = """
WITH hints AS (
    SELECT doc_id, meeting_id FROM meeting_sources
    UNION
    SELECT d.doc_id, r.meeting_id FROM documents d JOIN replaced_sources r USING (source)
    WHERE d.doc_id NOT IN (SELECT doc_id FROM meeting_sources)
)
SELECT g.grp, h.meeting_id, count(*) AS n FROM _groups g JOIN hints h USING (doc_id)
GROUP BY ALL ORDER BY n DESC, h.meeting_id, g.grp
"""


def assign_meeting_ids(con: duckdb.DuckDBPyConnection) -> int:
    """Fill temp table meeting_groups(doc_id, meeting_id); returns the number of groups."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_sources (source VARCHAR, meeting_id VARCHAR)")
    doc_ids = [r[0] for r in con.execute(
        "SELECT doc_id FROM doc_records WHERE is_meeting ORDER BY doc_id").fetchall()]
    groups = group_documents(doc_ids, find_pairs(con))
    con.register("_groups", pa.table({
        "doc_id": pa.array(list(groups), pa.string()), "grp": pa.array(list(groups.values()), pa.string()),
    }))
    try:
        chosen: dict[str, str] = {}
        taken: set[str] = set()
        for grp, meeting_id, _ in con.execute(_HINT_VOTES_SQL).fetchall():
            if grp not in chosen and meeting_id not in taken:
                chosen[grp] = meeting_id
                taken.add(meeting_id)
    finally:
        con.unregister("_groups")
    ids = {}
    for grp in sorted(set(groups.values())):
        ids[grp] = chosen.get(grp) or _fresh_id(grp, taken)
    con.execute("CREATE OR REPLACE TEMP TABLE meeting_groups (doc_id VARCHAR, meeting_id VARCHAR)")
    con.register("_ids", pa.table({
        "doc_id": pa.array(list(groups), pa.string()),
        "meeting_id": pa.array([ids[g] for g in groups.values()], pa.string()),
    }))
    try:
        con.execute("INSERT INTO meeting_groups SELECT doc_id, meeting_id FROM _ids")
    finally:
        con.unregister("_ids")
    return len(ids)


def _fresh_id(grp: str, taken: set[str]) -> str:
    """'m' + the group's smallest doc_id; a suffix only if an older meeting already uses that id."""
    candidate, n = f"m{grp}", 1
    while candidate in taken:
        n += 1
        candidate = f"m{grp}-{n}"
    taken.add(candidate)
    return candidate
