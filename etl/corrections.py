"""data/corrections.csv -> curated values written over extracted meeting fields on every ingest.

A correction targets a meeting_id or a doc_id (a doc_id survives re-ingest and dedup: it resolves to
whichever meeting that document belongs to). Applied corrections are listed in table `corrections`
and their fields in meetings.corrected_fields, so pages can show them as corrected.
"""

import csv
import hashlib
from pathlib import Path

import duckdb

COLUMNS = ("target_id", "field", "value", "note", "author", "corrected_on")
# Scalar meeting columns a curator may set; 'ministries'/'partners' take "A; B" lists;
# is_meeting=false removes a meeting that is not one.
SCALAR_FIELDS = (
    "title", "meeting_date", "date_text", "province", "province_code", "lead_ministry", "organizer",
    "chair", "chair_title", "semester", "period", "meeting_type", "online", "participants",
)
LIST_FIELDS = {"ministries": "meeting_ministries", "partners": "meeting_partners"}


def read_corrections(path: Path) -> list[dict]:
    """Rows of the corrections file (empty when it does not exist); a bad header raises ValueError."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        return [{k: (row.get(k) or "").strip() or None for k in COLUMNS} for row in reader
                if any((v or "").strip() for v in row.values())]


def corrections_hash(path: Path) -> str | None:
    """Content hash of the corrections file, to notice when it changed."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else None


def resolve_target(con: duckdb.DuckDBPyConnection, target: str) -> str | None:
    """The meeting a target id means: a meeting_id, a doc_id, or the id of a meeting merged away."""
    row = con.execute(
        "SELECT meeting_id FROM meetings WHERE meeting_id = $t"
        " UNION ALL SELECT meeting_id FROM meeting_sources WHERE doc_id = $t"
        " UNION ALL SELECT meeting_id FROM meeting_sources WHERE 'm' || doc_id = $t LIMIT 1",
        {"t": target},
    ).fetchone()
    return row[0] if row else None


def apply_corrections(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    """Apply rows in file order (later rows win); record each in table corrections. Returns applied."""
    con.execute("DELETE FROM corrections")
    applied = 0
    for row in rows:
        meeting_id = resolve_target(con, row["target_id"] or "")
        problem = "unknown target_id" if meeting_id is None else _apply(con, meeting_id, row)
        applied += problem is None
        con.execute(
            "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, TRY_CAST(? AS DATE), ?, ?, ?)",
            [row["target_id"] or "", row["field"] or "", row["value"], row["note"], row["author"],
             row["corrected_on"], problem is None, meeting_id, problem],
        )
    return applied


def _apply(con: duckdb.DuckDBPyConnection, meeting_id: str, row: dict) -> str | None:
    """Write one correction; returns a problem description, or None when applied."""
    name, value = row["field"] or "", row["value"]
    if name == "is_meeting":
        return _drop_meeting(con, meeting_id, value)
    if name in LIST_FIELDS:
        _set_list(con, meeting_id, name, value)
    elif name in SCALAR_FIELDS:
        try:
            con.execute(f"UPDATE meetings SET {name} = ? WHERE meeting_id = ?",  # noqa: S608
                        [value, meeting_id])
        except duckdb.Error as error:
            return f"bad value for {name}: {error}".splitlines()[0]
        _follow_up(con, meeting_id, name, value)
    else:
        return f"unknown field {name!r}"
    con.execute(
        "UPDATE meetings SET corrected_fields = list_sort(list_distinct(list_append(corrected_fields, ?)))"
        " WHERE meeting_id = ?", [name, meeting_id])
    return None


def _follow_up(con: duckdb.DuckDBPyConnection, meeting_id: str, name: str, value: str | None) -> None:
    """Keep dependent columns consistent with a corrected field."""
    if name == "meeting_date":
        con.execute(
            "UPDATE meetings SET date_year_inferred = FALSE,"
            " date_precision = CASE WHEN meeting_date IS NULL THEN 'none' ELSE 'day' END"
            " WHERE meeting_id = ?", [meeting_id])
    elif name == "province":
        con.execute(
            "UPDATE meetings SET province_code = (SELECT province_code FROM dim_provinces"
            " WHERE province = ?) WHERE meeting_id = ?", [value, meeting_id])
    elif name == "lead_ministry":
        con.execute("UPDATE meeting_ministries SET is_lead = (ministry = ?) WHERE meeting_id = ?",
                    [value, meeting_id])
        if value:  # listed already (is_lead just set) or added; no key constraint needed
            con.execute("INSERT INTO meeting_ministries SELECT $m, $v, TRUE WHERE NOT EXISTS (SELECT 1 FROM"
                        " meeting_ministries WHERE meeting_id = $m AND ministry = $v)", {"m": meeting_id, "v": value})


def _set_list(con: duckdb.DuckDBPyConnection, meeting_id: str, name: str, value: str | None) -> None:
    """Replace a meeting's ministries or partners with a '; '-separated list."""
    items = sorted({item.strip() for item in (value or "").split(";") if item.strip()})
    table = LIST_FIELDS[name]
    con.execute(f"DELETE FROM {table} WHERE meeting_id = ?", [meeting_id])  # noqa: S608
    for item in items:
        if name == "ministries":
            con.execute(
                "INSERT INTO meeting_ministries SELECT ?, ?, coalesce(lead_ministry = ?, FALSE)"
                " FROM meetings WHERE meeting_id = ?", [meeting_id, item, item, meeting_id])
        else:
            con.execute(
                "INSERT INTO meeting_partners SELECT ?, ?, coalesce((SELECT partner_kind FROM"
                " dim_partners WHERE partner = ?), 'other')", [meeting_id, item, item])


def _drop_meeting(con: duckdb.DuckDBPyConnection, meeting_id: str, value: str | None) -> str | None:
    """is_meeting=false: the group of reports is not a meeting; remove it from the meeting tables."""
    if (value or "").strip().lower() not in ("false", "0", "no"):
        return "is_meeting can only be corrected to false"
    for table in ("meeting_ministries", "meeting_partners", "meeting_sources", "meeting_conflicts",
                  "meetings"):
        con.execute(f"DELETE FROM {table} WHERE meeting_id = ?", [meeting_id])  # noqa: S608
    return None
