"""A small warehouse built from etl/schema.sql plus hand-written rows, for read-side and page tests."""

from datetime import date, datetime
from pathlib import Path

import duckdb

from etl.aggregates import save_aggregates

SCHEMA = Path(__file__).resolve().parent.parent / "etl" / "schema.sql"

# (meeting_id, date, province_code, province, lead ministry, organizer, chair, semester, type, online,
#  ministries, partners[(name, kind)], title)
SAMPLE_MEETINGS = [
    ("m1", date(2024, 7, 17), "KH-12", "Phnom Penh", "Ministry of Rural Development", None,
     "ផូ ផារិទ្ធ", "2024-S1", "semester_review", True,
     ["Ministry of Rural Development"], [("NGO", "generic")],
     "កិច្ចប្រជុំបូកសរុបរបាយការណ៍ឆមាសទី១ ឆ្នាំ២០២៤"),
    ("m2", date(2024, 7, 31), "KH-8", "Kandal", None, "Kandal Women and Children Consultative Committee",
     "នួន នារតី", "2024-S1", "semester_review", False,
     [], [("UNICEF", "un_agency")], "កិច្ចប្រជុំ គ.ក.ស.ក ខេត្តកណ្តាល"),
    ("m3", date(2022, 6, 23), "KH-8", "Kandal", None, "Kandal Provincial Administration",
     "ហ៊ុន កុសនី", None, "consultation", False,
     [], [("Save the Children", "ngo"), ("UNICEF", "un_agency"), ("USAID", "donor")],
     "កិច្ចប្រជុំពិគ្រោះយោបល់ កិច្ចការពារកុមារ"),
    ("m4", date(2024, 1, 23), None, None, "Ministry of Civil Service", None,
     "យក់ ប៊ុនណា", None, "inter_ministerial", False,
     ["Ministry of Civil Service", "Ministry of Health", "Ministry of Interior"], [],
     "=HYPERLINK(\"http://x\") កិច្ចប្រជុំក្រុមការងារអន្តរក្រសួង"),
]

DIM_MINISTRIES = [
    ("Ministry of Rural Development", "ក្រសួងអភិវឌ្ឍន៍ជនបទ", "MRD"),
    ("Ministry of Civil Service", "ក្រសួងមុខងារសាធារណៈ", "MCS"),
    ("Ministry of Health", "ក្រសួងសុខាភិបាល", "MoH"),
    ("Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "MoI"),
]
DIM_PROVINCES = [
    ("KH-12", "Phnom Penh", "រាជធានីភ្នំពេញ", 11.5564, 104.9282),
    ("KH-8", "Kandal", "ខេត្តកណ្តាល", 11.2237, 105.1259),
]
DIM_PARTNERS = [
    ("NGO", "generic", "អង្គការមិនមែនរដ្ឋាភិបាល"),
    ("UNICEF", "un_agency", "យូនីសេហ្វ"),
    ("Save the Children", "ngo", None),
    ("USAID", "donor", None),
]


def make_warehouse(path: Path, meetings=SAMPLE_MEETINGS, aggregates: bool = True) -> Path:
    """Create a warehouse file at `path` holding `meetings` (one source document each).

    aggregates: also build the read-side tables, as an ingest does (False: an older warehouse)."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    now = datetime(2024, 8, 1, 9, 0)
    con.executemany("INSERT INTO dim_ministries VALUES (?, ?, ?)", DIM_MINISTRIES)
    con.executemany("INSERT INTO dim_provinces VALUES (?, ?, ?, ?, ?)", DIM_PROVINCES)
    con.executemany("INSERT INTO dim_partners VALUES (?, ?, ?)", DIM_PARTNERS)
    for (mid, day, code, prov, lead, org, chair, sem, mtype, online, mins, parts, title) in meetings:
        doc_id = f"doc-{mid}"
        con.execute(
            "INSERT INTO documents VALUES (?, ?, NULL, ?, NULL, ?, ?, 'meeting', ?, ?)",
            [doc_id, f"data/raw/{mid}.txt", title, f"hash-{mid}", now, title, title],
        )
        con.execute(
            "INSERT INTO meetings VALUES (?, ?, ?, FALSE, ?, 'day', ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?,"
            " NULL, 0.9, 1, [])",
            [mid, title, day, day.isoformat(), prov, code, lead, org, chair, sem, mtype, online],
        )
        for ministry in mins:
            con.execute("INSERT INTO meeting_ministries VALUES (?, ?, ?)", [mid, ministry, ministry == lead])
        for partner, kind in parts:
            con.execute("INSERT INTO meeting_partners VALUES (?, ?, ?)", [mid, partner, kind])
        con.execute("INSERT INTO meeting_sources VALUES (?, ?)", [mid, doc_id])
        con.execute(
            "INSERT INTO evidence VALUES (?, 'chair', ?, 0, ?)", [doc_id, chair, len(chair)]
        )
    if aggregates:
        save_aggregates(con)
    con.close()
    return path
