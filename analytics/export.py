"""A table (DataFrame) + its filter caption -> CSV / XLSX / Parquet bytes; also `python -m etl export`.

What each format carries:
- CSV: the plain table, UTF-8 with a BOM so Excel shows Khmer, CRLF lines. No caption line, so
  machines can read it as is; the file name says what it holds (filters + dates).
- XLSX: the table's sheet ("Meetings" unless the caller names it; frozen header, autofilter, sized
  columns) and sheet "About" with the filter caption, export time, row count and columns, labelled in
  the export's language; the caption is also the workbook title. Sheet names stay English so scripts
  can find them whatever the language.
- Parquet: the exact values and types; caption and export time in the schema metadata
  (keys `km.caption`, `km.exported_at`).
Formula safety: text cells that start with = + - @ tab or CR are prefixed with an apostrophe in CSV
and stored as quote-prefixed text (never a formula) in XLSX; control characters that XLSX forbids are
removed from both. Parquet keeps values untouched (no spreadsheet evaluates it).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

FORMATS = ("csv", "xlsx", "parquet")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and therefore XLSX) cannot hold; tab, LF and CR are allowed.
ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_COL_WIDTH = 60


def clean_text(value: str) -> str:
    """Drop characters that XLSX cannot store."""
    return ILLEGAL_CHARS.sub("", value)


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet could run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: object) -> object:
    """CSV cell value: control characters removed, formula-like text behind an apostrophe."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if is_formula_like(value) else value


def _exported_at(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")


def _flat(value: object) -> object:
    """List values (e.g. several partners) as one '; '-joined text cell."""
    if isinstance(value, list | tuple) or type(value).__name__ == "ndarray":
        return "; ".join(map(str, value))
    return value


def _csv_bytes(df: pd.DataFrame) -> bytes:
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object:
            safe[col] = safe[col].map(lambda v: safe_cell(_flat(v)))
    text = safe.to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def _xlsx_value(value: object) -> object:
    """One value as openpyxl should store it (missing -> empty cell, text cleaned, lists joined)."""
    value = _flat(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def _column_width(header: str, values: pd.Series) -> float:
    sample = [len(str(v)) for v in map(_xlsx_value, values.head(500)) if v is not None]
    return min(MAX_COL_WIDTH, max([len(str(header)), *sample]) + 2)


def _write_table(ws, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for r, values in enumerate(df.itertuples(index=False, name=None), start=2):
        cells = [_xlsx_value(v) for v in values]
        ws.append(cells)
        for c, value in enumerate(cells, start=1):
            if is_formula_like(value):  # keep it text: openpyxl would store '=...' as a formula
                cell = ws.cell(r, c)
                cell.data_type, cell.quotePrefix = "s", True
            elif isinstance(value, date):
                ws.cell(r, c).number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(df.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _column_width(col, df[col])


def _xlsx_bytes(df: pd.DataFrame, caption: str, exported_at: str, lang: str, sheet: str) -> bytes:
    from openpyxl import Workbook

    from analytics.i18n import t

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    _write_table(ws, df)
    about = wb.create_sheet("About")
    for key, value in (("contents", clean_text(caption)), ("exported_at", exported_at), ("rows", len(df)),
                       ("columns", clean_text(", ".join(map(str, df.columns))))):
        about.append((t(f"export.about.{key}", lang), value))
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 90
    wb.properties.title = clean_text(caption)[:250]
    wb.properties.description = f"Exported at {exported_at}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parquet_bytes(df: pd.DataFrame, caption: str, exported_at: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = {**(table.schema.metadata or {}), b"km.caption": caption.encode("utf-8"),
            b"km.exported_at": exported_at.encode("utf-8")}
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return buf.getvalue()


def export_bytes(df: pd.DataFrame, fmt: str, caption: str, *, now: datetime | None = None, lang: str = "en",
                 sheet: str = "Meetings") -> bytes:
    """Exactly the rows and columns of `df` as a csv|xlsx|parquet file; caption says what it holds
    (written in `lang`, which also labels the XLSX About sheet; `sheet` names the XLSX table sheet)."""
    exported_at = _exported_at(now)
    if fmt == "csv":
        return _csv_bytes(df)
    if fmt == "xlsx":
        return _xlsx_bytes(df, caption, exported_at, lang, sheet)
    if fmt == "parquet":
        return _parquet_bytes(df, caption, exported_at)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_filename(stem: str, filters, fmt: str, now: datetime | None = None) -> str:
    """File name that says what and when: stem, filter slug, and the export date when open-ended."""
    slug = filters.slug() if filters is not None else ""
    parts = [stem] + ([slug] if slug else [])
    if filters is None or getattr(filters, "date_to", None) is None:
        parts.append(f"asof_{(now or datetime.now(UTC)):%Y-%m-%d}")  # contents depend on when
    name = re.sub(r"[^\w.\-]+", "-", "_".join(parts), flags=re.ASCII).strip("-_")
    return f"{name}.{fmt}"


def export_buttons(df: pd.DataFrame, stem: str, filters, key: str, lang: str = "en",
                   sheet: str = "Meetings") -> None:
    """Three download buttons (CSV, XLSX, Parquet) for exactly this table and these filters; the
    caption and the XLSX About sheet in the page's language."""
    import streamlit as st

    caption = filters.caption(lang)
    labels = {"csv": "CSV", "xlsx": "Excel (XLSX)", "parquet": "Parquet"}
    for col, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        col.download_button(
            f"⬇ {labels[fmt]}",
            data=lambda fmt=fmt: export_bytes(df, fmt, caption, lang=lang, sheet=sheet),
            file_name=export_filename(stem, filters, fmt), mime=MIME[fmt],
            key=f"{key}_export_{fmt}", on_click="ignore", disabled=df.empty,
        )


# ---- command line: python -m etl export ---------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m etl export`."""
    parser.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    parser.add_argument("--ministry", action="append", default=[], metavar="NAME",
                        help="English name, short name (MoH) or Khmer name; repeat for several")
    parser.add_argument("--province", action="append", default=[], metavar="NAME")
    parser.add_argument("--partner", action="append", default=[], metavar="NAME")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--search", help="Khmer or English text the source article must contain")
    parser.add_argument("--lang", choices=("en", "km"), default="en", help="column headers")
    parser.add_argument("--db", type=Path, help="warehouse file (default: KM_DB or data/meetings.duckdb)")
    parser.add_argument("--out", type=Path, required=True, help="file to write")


# Khmer names in the warehouse carry the unit ("ខេត្តកណ្តាល"); people often type just "កណ្តាល".
KHMER_UNIT_PREFIXES = ("រាជធានី", "ខេត្ត", "ក្រុង")


def _key(name: str) -> str:
    """Comparison form of a name: normalised Khmer spelling, lower case, no unit prefix."""
    from etl.normalize import normalize_text

    key = normalize_text(name).strip().lower()
    for prefix in KHMER_UNIT_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):].strip()
    return key


def _names(con, sql: str) -> dict[str, str]:
    """alias key -> canonical English name, from rows of (canonical, alias, alias...)."""
    out: dict[str, str] = {}
    for row in con.execute(sql).fetchall():
        for alias in row:
            if alias:
                out.setdefault(_key(str(alias)), row[0])
    return out


NAME_SQL = {
    "ministry": "SELECT ministry, short_en, name_km FROM dim_ministries",
    "province": "SELECT province, name_km, province_code FROM dim_provinces",
    "partner": "SELECT partner, name_km FROM dim_partners"
               " UNION SELECT DISTINCT partner, NULL FROM meeting_partners",
}


def resolve_names(con, kind: str, given: list[str]) -> tuple[str, ...]:
    """Canonical English names for user input; ValueError naming close matches for unknown ones."""
    import difflib

    known = _names(con, NAME_SQL[kind])
    resolved = []
    for name in given:
        canonical = known.get(_key(name))
        if canonical is None:
            close = difflib.get_close_matches(_key(name), list(known), n=3, cutoff=0.6)
            hint = f"; did you mean: {', '.join(dict.fromkeys(known[c] for c in close))}?" if close else ""
            raise ValueError(f"unknown {kind} {name!r}{hint}")
        resolved.append(canonical)
    return tuple(dict.fromkeys(resolved))


def _filters_from_args(con, args: argparse.Namespace):
    from analytics.filters import Filters

    return Filters(date_from=args.date_from, date_to=args.date_to,
                   ministries=resolve_names(con, "ministry", args.ministry),
                   provinces=resolve_names(con, "province", args.province),
                   partners=resolve_names(con, "partner", args.partner))


def run(args: argparse.Namespace) -> int:
    """Write the filtered Explorer table to --out; 2 on bad input."""
    from analytics import db
    from analytics.explore import meetings_table
    from analytics.i18n import load_names, set_names, t

    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        print(f"error: cannot tell the format from {args.out}; pass --format", file=sys.stderr)
        return 2
    path = args.db or Path(db.db_path())
    if not Path(path).is_file():
        print(f"error: no warehouse at {path}; run `python -m etl ingest` first", file=sys.stderr)
        return 2
    con = db.connect(path)
    try:
        set_names(load_names(con))  # Khmer names for the caption
        filters = _filters_from_args(con, args)
        df = meetings_table(con, filters, search=args.search, lang=args.lang)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        con.close()
    caption = filters.caption(args.lang)
    if args.search:
        caption += " · " + t("export.search", args.lang, query=args.search)
    args.out.write_bytes(export_bytes(df, fmt, caption, lang=args.lang))
    print(f"wrote {len(df)} meetings ({caption}) to {args.out}", file=sys.stderr)
    return 0
