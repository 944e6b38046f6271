"""Exports: CSV/XLSX/Parquet read back equal to the filtered Explorer table (Khmer, formula payloads),
file names, and `python -m etl export` from a subprocess."""

import io
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from analytics import export
from analytics.explore import meetings_table
from analytics.filters import Filters
from etl.aggregates import save_aggregates
from tests.db_fixtures import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2024, 8, 1, 9, 30)
CAPTION = "Kandal · 2022-01-01 – 2024-12-31"
# m3 gets a title that starts with '-' and hides control characters XLSX cannot store.
M3_TITLE = "-2+3 កិច្ចប្រជុំ\x01ពិគ្រោះ\x0bយោបល់\tនិង\x1f"


@pytest.fixture()
def db(tmp_path) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(path)) as rw:
        rw.execute("UPDATE meetings SET title = ? WHERE meeting_id = 'm3'", [M3_TITLE])
        rw.execute("UPDATE meetings SET organizer = '@cmd|calc' WHERE meeting_id = 'm1'")
        save_aggregates(rw)  # the read-side tables follow the edited meetings, as after an ingest
    return path


@pytest.fixture()
def table(db) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return meetings_table(con, Filters())


def expected_text(value) -> str:
    """How one table value must read in the CSV: ISO dates, '' for missing, formulas neutralised."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_table_holds_the_payloads(table):
    titles = set(table["Title"])
    assert any(t.startswith("=HYPERLINK(") for t in titles) and M3_TITLE in titles
    assert len(table) == 4


def test_csv_reads_back_equal_with_bom_khmer_and_neutralised_formulas(table):
    data = export.export_bytes(table, "csv", CAPTION, now=NOW)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(table.columns)
    expected = table.map(expected_text)
    pd.testing.assert_frame_equal(back, expected.astype(str), check_dtype=False)
    titles = list(back["Title"])
    assert "'=HYPERLINK(\"http://x\") កិច្ចប្រជុំក្រុមការងារអន្តរក្រសួង" in titles
    assert "'-2+3 កិច្ចប្រជុំពិគ្រោះយោបល់\tនិង" in titles
    assert "'@cmd|calc" in list(back["Organiser"])
    assert data.count(b"\r\n") == len(table) + 1  # CRLF rows, no caption line: a plain table


def xlsx_rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def expected_xlsx_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value.item() if hasattr(value, "item") else value


def test_xlsx_reads_back_equal_and_never_holds_a_formula(table):
    data = export.export_bytes(table, "xlsx", CAPTION, now=NOW)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Meetings"]
    expected = [list(table.columns)] + [[expected_xlsx_value(v) for v in row]
                                        for row in table.itertuples(index=False, name=None)]
    assert xlsx_rows(ws) == expected
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(table.columns)).column_letter}{len(table) + 1}"
    assert all(ws.column_dimensions[c.column_letter].width >= len(str(c.value)) for c in ws[1])
    payload = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert payload.data_type == "s" and payload.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert xlsx_rows(wb["About"]) == [
        ["Contents", CAPTION], ["Exported at", "2024-08-01 09:30:00 UTC"],
        ["Rows", len(table)], ["Columns", ", ".join(table.columns)]]


def test_parquet_reads_back_identical_with_caption_metadata(table):
    data = export.export_bytes(table, "parquet", CAPTION, now=NOW)
    parquet = pq.read_table(io.BytesIO(data))
    pd.testing.assert_frame_equal(parquet.to_pandas(), table)
    meta = parquet.schema.metadata
    assert meta[b"km.caption"].decode() == CAPTION
    assert meta[b"km.exported_at"] == b"2024-08-01 09:30:00 UTC"


def test_filtered_export_holds_exactly_the_filtered_rows(db):
    filters = Filters(provinces=("Kandal",), date_from=date(2024, 7, 1), date_to=date(2024, 9, 30))
    with duckdb.connect(str(db), read_only=True) as con:
        df = meetings_table(con, filters, lang="km")
    data = export.export_bytes(df, "xlsx", filters.caption("km"), now=NOW)
    rows = xlsx_rows(load_workbook(io.BytesIO(data))["Meetings"])
    assert rows[0] == list(df.columns) and len(rows) == 2
    assert "កិច្ចប្រជុំ គ.ក.ស.ក ខេត្តកណ្តាល" in rows[1] and "ខេត្តកណ្តាល" in rows[1]


def test_list_cells_are_joined_in_csv_and_xlsx():
    df = pd.DataFrame({"partners": [["UNICEF", "=evil"], []]})
    assert export.export_bytes(df, "csv", "x").decode("utf-8-sig") == (
        "partners\r\nUNICEF; =evil\r\n\"\"\r\n")
    rows = xlsx_rows(load_workbook(io.BytesIO(export.export_bytes(df, "xlsx", "x")))["Meetings"])
    assert rows == [["partners"], ["UNICEF; =evil"], [None]]


def test_empty_table_exports_a_header_only():
    df = pd.DataFrame({"Date": [], "Title": []})
    assert export.export_bytes(df, "csv", "x").decode("utf-8-sig") == "Date,Title\r\n"
    assert xlsx_rows(load_workbook(io.BytesIO(export.export_bytes(df, "xlsx", "x")))["Meetings"]) == [
        ["Date", "Title"]]
    with pytest.raises(ValueError, match="unknown export format"):
        export.export_bytes(df, "pdf", "x")


@given(st.text())
def test_safe_cell_never_leaves_a_formula_or_illegal_character(text):
    cell = export.safe_cell(text)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell)
    assert not cell.startswith(export.FORMULA_START)
    assert cell.lstrip("'") == export.clean_text(text).lstrip("'") or cell == "'" + export.clean_text(text)


def test_export_filename_uses_short_ministry_names(db, monkeypatch):
    from analytics import i18n

    with duckdb.connect(str(db), read_only=True) as con:
        monkeypatch.setattr(i18n, "_NAMES", i18n.load_names(con))  # what the dashboard loads
    filters = Filters(ministries=("Ministry of Health",), provinces=("Kandal",),
                      date_from=date(2024, 7, 1), date_to=date(2024, 9, 30))
    assert export.export_filename("meetings", filters, "xlsx") == (
        "meetings_MoH_Kandal_2024-07-01_2024-09-30.xlsx")


def test_export_filename_says_what_and_when():
    closed = Filters(provinces=("Kandal",), date_from=date(2024, 7, 1), date_to=date(2024, 9, 30))
    assert export.export_filename("meetings", closed, "xlsx") == f"meetings_{closed.slug()}.xlsx"
    assert export.export_filename("meetings", closed, "xlsx").endswith("Kandal_2024-07-01_2024-09-30.xlsx")
    assert export.export_filename("meetings", Filters(), "csv", now=NOW) == "meetings_all_asof_2024-08-01.csv"
    open_ended = Filters(date_from=date(2024, 1, 1))
    assert export.export_filename("quality", open_ended, "parquet", now=NOW) == (
        f"quality_{open_ended.slug()}_asof_2024-08-01.parquet")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "export", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def run_main(capsys, *args: str) -> tuple[int, str]:
    """The same command in-process (a subprocess costs seconds on a busy machine)."""
    from etl.__main__ import main

    code = main(["export", *args])
    return code, capsys.readouterr().err


def test_cli_export_matches_the_library(db, tmp_path, capsys):
    out = tmp_path / "k.csv"
    done = run_cli("--province", "កណ្តាល", "--from", "2022-01-01", "--to", "2024-12-31", "--db", str(db),
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    filters = Filters(provinces=("Kandal",), date_from=date(2022, 1, 1), date_to=date(2024, 12, 31))
    with duckdb.connect(str(db), read_only=True) as con:
        df = meetings_table(con, filters)
    assert out.read_bytes() == export.export_bytes(df, "csv", filters.caption())
    assert "wrote 2 meetings" in done.stderr
    xlsx = tmp_path / "all.xlsx"
    code, err = run_main(capsys, "--ministry", "mcs", "--db", str(db), "--out", str(xlsx))
    assert code == 0, err
    rows = xlsx_rows(load_workbook(xlsx)["Meetings"])
    assert len(rows) == 2 and rows[1][1].startswith("=HYPERLINK")


def test_cli_export_rejects_unknown_names_with_suggestions(db, tmp_path, capsys):
    code, err = run_main(capsys, "--ministry", "Ministry of Helth", "--db", str(db),
                         "--out", str(tmp_path / "x.csv"))
    assert code == 2
    assert "unknown ministry 'Ministry of Helth'; did you mean: Ministry of Health" in err
    assert not (tmp_path / "x.csv").exists()
    code, err = run_main(capsys, "--db", str(db), "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "--format" in err
    code, err = run_main(capsys, "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "no warehouse" in err


def test_export_buttons_offer_three_formats():
    from streamlit.testing.v1 import AppTest

    def app():
        import pandas as pd

        from analytics.export import export_buttons
        from analytics.filters import Filters

        export_buttons(pd.DataFrame({"Title": ["=1+1"]}), "meetings", Filters(), "t")

    at = AppTest.from_function(app).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["⬇ CSV", "⬇ Excel (XLSX)", "⬇ Parquet"]
    assert [b.key for b in buttons] == ["t_export_csv", "t_export_xlsx", "t_export_parquet"]


def test_khmer_export_labels_its_about_sheet_and_caption_in_khmer(db, tmp_path, capsys):
    xlsx = tmp_path / "km.xlsx"
    code, err = run_main(capsys, "--province", "Kandal", "--search", "ពិគ្រោះ", "--lang", "km",
                         "--db", str(db), "--out", str(xlsx))
    assert code == 0, err
    about = xlsx_rows(load_workbook(xlsx)["About"])
    assert [row[0] for row in about] == ["ខ្លឹមសារ", "នាំចេញនៅ", "ចំនួនជួរដេក", "ជួរឈរ"]
    assert about[0][1] == "ខេត្តកណ្តាល · ស្វែងរក៖ ពិគ្រោះ"  # the Khmer name from dim_provinces
    table = export.export_bytes(pd.DataFrame({"a": [1]}), "xlsx", "x", sheet="Review queue")
    assert load_workbook(io.BytesIO(table)).sheetnames == ["Review queue", "About"]
