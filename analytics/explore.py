"""Warehouse + filters -> the Explorer table, Khmer full-text search, one meeting's detail, highlighted evidence."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from analytics import db, i18n
from etl.normalize import normalize_text

# Column order of the Explorer table (and of `python -m etl export`): SQL expression, English, Khmer header.
# meeting_id keeps its name in both languages: pages and exports use it as the row key.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("m.meeting_date", "Date", "កាលបរិច្ឆេទ"),
    ("m.title", "Title", "ចំណងជើង"),
    ("m.province", "Province", "រាជធានី-ខេត្ត (EN)"),
    ("p.name_km", "Province (Khmer)", "រាជធានី-ខេត្ត"),
    ("m.lead_ministry", "Lead ministry", "ក្រសួងដឹកនាំ (EN)"),
    ("dm.name_km", "Lead ministry (Khmer)", "ក្រសួងដឹកនាំ"),
    ("m.organizer", "Organiser", "អ្នករៀបចំ"),
    ("m.chair", "Chair", "អធិបតី"),
    ("pp.partners", "Partners", "ដៃគូ"),
    ("m.semester", "Semester", "ឆមាស"),
    ("m.meeting_type", "Type", "ប្រភេទ"),
    ("m.online", "Online", "អនឡាញ"),
    ("m.n_sources", "Sources", "ចំនួនប្រភព"),
    ("m.meeting_id", "meeting_id", "meeting_id"),
)
ORDER = "m.meeting_date DESC NULLS LAST, m.meeting_id"

# Pick the page of meetings first (filter, order, limit), then fetch names and partners for those
# rows only: at 1M meetings a per-row partner list over every match costs seconds.
_TABLE = """
WITH page AS (SELECT m.* FROM meetings m WHERE {where} ORDER BY {order} {limit}),
pp AS (SELECT meeting_id, string_agg(partner, '; ' ORDER BY partner) AS partners
       FROM meeting_partners WHERE meeting_id IN (SELECT meeting_id FROM page) GROUP BY meeting_id)
SELECT {select}
FROM page m
LEFT JOIN pp ON pp.meeting_id = m.meeting_id
LEFT JOIN dim_provinces p ON p.province_code = m.province_code
LEFT JOIN dim_ministries dm ON dm.ministry = m.lead_ministry
ORDER BY {order}"""

# Without a search, the read-side meeting_facts (etl/aggregates.py) hold every column of the table.
_FACT_TABLE = """
WITH page AS (SELECT m.* FROM meeting_facts m WHERE {where} ORDER BY {order} {limit})
SELECT {select}
FROM page m
LEFT JOIN dim_provinces p ON p.province_code = m.province_code
LEFT JOIN dim_ministries dm ON dm.ministry = m.lead_ministry
ORDER BY {order}"""
FACT_PARTNERS = "CASE WHEN len(m.partners) > 0 THEN array_to_string(m.partners, '; ') END"

# The meeting has a source whose normalised text contains every term. Caseless terms (Khmer,
# digits) use contains() on the stored text; lower() over every article costs ten times more.
_SEARCH = """m.meeting_id IN (SELECT ms.meeting_id FROM meeting_sources ms
    JOIN documents d ON d.doc_id = ms.doc_id WHERE {tests})"""
_CASELESS_TEST = "contains(d.text_norm, ?)"
_CASED_TEST = "contains(lower(d.text_norm), ?)"


@dataclass(frozen=True)
class MeetingDetail:
    """Everything the detail view shows about one meeting."""

    fields: dict[str, Any]
    sources: pd.DataFrame  # doc_id, source, url, title, published, status, text
    evidence: pd.DataFrame  # doc_id, field, snippet, start_pos, end_pos
    corrections: pd.DataFrame  # target_id, field, value, note, author, corrected_on, applied, problem
    conflicts: pd.DataFrame  # field, values_seen: where the merged sources disagree


def search_terms(search: str | None) -> list[str]:
    """The normalised, lower-cased terms of a search box entry (all must match); [] for no search."""
    if not search:
        return []
    return [term.lower() for term in normalize_text(search).split() if term]


def _where(filters, search: str | None) -> tuple[str, list]:
    """The filter predicate plus the search condition, with bound parameters."""
    predicate, params = filters.where("m")
    terms = search_terms(search)
    if not terms:
        return predicate, params
    tests = " AND ".join(_CASELESS_TEST if t == t.upper() else _CASED_TEST for t in terms)
    return f"({predicate}) AND {_SEARCH.format(tests=tests)}", [*params, *terms]


def meetings_table(con: duckdb.DuckDBPyConnection, filters, search: str | None = None,
                   lang: str = "en", limit: int | None = None) -> pd.DataFrame:
    """The Explorer table for the filtered meetings (newest first), headers in `lang` (en|km)."""
    header = 2 if lang == "km" else 1
    fast = not search_terms(search) and db.has_aggregates(con)
    select = ", ".join(f'{FACT_PARTNERS if fast and col[0] == "pp.partners" else col[0]} AS "{col[header]}"'
                       for col in COLUMNS)
    where, params = filters.where("m", facts=True) if fast else _where(filters, search)
    if fast and limit and filters.is_empty():  # filtered, the date-ordered facts are read in one pass
        where, params = _page_keys(con, where, params, int(limit))
    sql = (_FACT_TABLE if fast else _TABLE).format(where=where, order=ORDER, select=select,
                                                   limit="LIMIT ?" if limit else "")
    df = con.execute(sql, [*params, int(limit)] if limit else params).df()
    df[df.columns[0]] = pd.to_datetime(df[df.columns[0]]).dt.date
    kind = COLUMNS[10][header]  # meeting types as words ("Semester review"), missing stays missing
    df[kind] = [None if v is None or pd.isna(v) else i18n.meeting_type(v, lang) for v in df[kind]]
    return df


def _page_keys(con: duckdb.DuckDBPyConnection, where: str, params: list, limit: int) -> tuple[str, list]:
    """The page's rows picked by key: ordering narrow rows first, then reading the wide ones in a key
    range (meeting_facts is stored in key order, so the range skips the rest of the table)."""
    sql = f"SELECT meeting_key FROM meeting_facts m WHERE {where} ORDER BY {ORDER} LIMIT ?"  # noqa: S608
    keys = [k for (k,) in con.execute(sql, [*params, limit]).fetchall()]
    if not keys:
        return "FALSE", []
    return ("m.meeting_key BETWEEN ? AND ? AND m.meeting_key IN (SELECT unnest(?::INTEGER[]))",
            [min(keys), max(keys), keys])


def count_meetings(con: duckdb.DuckDBPyConnection, filters, search: str | None = None) -> int:
    """How many meetings match the filters and the search."""
    fast = not search_terms(search) and db.has_aggregates(con)
    where, params = filters.where("m", facts=True) if fast else _where(filters, search)
    sql = f"SELECT count(*) FROM {'meeting_facts' if fast else 'meetings'} m WHERE {where}"  # noqa: S608 - constants + bound params
    return int(con.execute(sql, params).fetchone()[0])


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def meeting_detail(con: duckdb.DuckDBPyConnection, meeting_id: str) -> MeetingDetail | None:
    """Fields, sources, evidence and applied corrections of one meeting; None when it does not exist."""
    fields = _frame(con, """
        SELECT f.*, p.name_km AS province_km, dm.name_km AS lead_ministry_km
        FROM meetings_flat f
        LEFT JOIN dim_provinces p ON p.province_code = f.province_code
        LEFT JOIN dim_ministries dm ON dm.ministry = f.lead_ministry
        WHERE f.meeting_id = ?""", [meeting_id])
    if fields.empty:
        return None
    sources = _frame(con, """
        SELECT d.doc_id, d.source, d.url, d.title, d.published, d.status, d.text
        FROM meeting_sources ms JOIN documents d ON d.doc_id = ms.doc_id
        WHERE ms.meeting_id = ? ORDER BY d.published NULLS LAST, d.source""", [meeting_id])
    evidence = _frame(con, """
        SELECT e.doc_id, e.field, e.snippet, e.start_pos, e.end_pos
        FROM evidence e JOIN meeting_sources ms ON ms.doc_id = e.doc_id
        WHERE ms.meeting_id = ? ORDER BY e.doc_id, e.start_pos, e.field""", [meeting_id])
    corrections = _frame(con, """
        SELECT target_id, field, value, note, author, corrected_on, applied, problem
        FROM corrections
        WHERE meeting_id = ? OR target_id = ?
           OR target_id IN (SELECT doc_id FROM meeting_sources WHERE meeting_id = ?)
        ORDER BY corrected_on NULLS LAST, field""", [meeting_id] * 3)
    conflicts = _frame(con, "SELECT field, values_seen FROM meeting_conflicts WHERE meeting_id = ?"
                            " ORDER BY field", [meeting_id])
    return MeetingDetail(fields=fields.iloc[0].to_dict(), sources=sources, evidence=evidence,
                         corrections=corrections, conflicts=conflicts)


def locate_spans(text: str, evidence: pd.DataFrame) -> list[tuple[int, int, str]]:
    """Evidence rows of one document as (start, end, field) spans checked against `text`.

    Offsets are trusted when they cut out the stored snippet; otherwise the snippet is searched
    for (offsets from an older extractor); spans that cannot be placed are dropped.
    """
    spans = []
    for row in evidence.itertuples(index=False):
        start, end = int(row.start_pos), int(row.end_pos)
        if text[start:end] != row.snippet:
            start = text.find(row.snippet) if row.snippet else -1
            end = start + len(row.snippet)
        if 0 <= start < end <= len(text):
            spans.append((start, end, str(row.field)))
    return spans


def highlight_html(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The article as safe HTML: every character escaped, evidence spans wrapped in our own <mark> tags."""
    spans = [(max(s, 0), min(e, len(text)), f) for s, e, f in spans if max(s, 0) < min(e, len(text))]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[start:end]).replace("\n", "<br>")
        fields = sorted({f for s, e, f in spans if s <= start and end <= e})
        if fields:
            label = html.escape(", ".join(fields), quote=True)
            piece = f'<mark title="{label}" data-fields="{label}">{piece}</mark>'
        parts.append(piece)
    return '<div class="km-article" style="line-height:1.9">' + "".join(parts) + "</div>"


def documents_records(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> pd.DataFrame:
    """What the warehouse holds for these documents: text, status and the meeting each one fed, if any."""
    return con.execute("""
        SELECT d.doc_id, d.source, d.status, d.text, f.meeting_id, coalesce(f.title, d.title) AS title,
               f.meeting_date, f.date_text, f.province, f.lead_ministry, f.ministries, f.organizer,
               f.chair, f.chair_title, f.partners, f.semester, f.period, f.meeting_type, f.online,
               f.participants, f.confidence, f.n_sources, f.corrected_fields
        FROM documents d
        LEFT JOIN meeting_sources ms ON ms.doc_id = d.doc_id
        LEFT JOIN meetings_flat f ON f.meeting_id = ms.meeting_id
        WHERE list_contains(?, d.doc_id)
        ORDER BY d.source, d.doc_id""", [list(doc_ids)]).df()


def documents_evidence(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> pd.DataFrame:
    """Evidence rows (field, snippet, offsets) of these documents."""
    return con.execute("""
        SELECT doc_id, field, snippet, start_pos, end_pos FROM evidence
        WHERE list_contains(?, doc_id) ORDER BY doc_id, start_pos, field""", [list(doc_ids)]).df()
