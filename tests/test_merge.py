"""Merge (etl/merge.py): every meeting field is the best-evidenced value of its reports, and its lists the
union of theirs, as a plain Python reading of the rule gives them, for random groups of reports (single and merged meetings)."""

from datetime import date

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.load import Batch, save_batch, save_schema
from etl.merge import CONFLICT_FIELDS, VOTED_FIELDS, save_meetings
from tests.test_dedup import record

POOLS = {
    "meeting_date": [None, "2024-03-01", "2024-03-02"], "date_text": [None, "1 March", "2 March"],
    "province": [None, "Kandal", "Takeo"], "province_code": [None, "KH-8", "KH-21"],
    "lead": [None, "Ministry of Health", "Ministry of Interior"], "organizer": [None, "Kandal Provincial Administration"],
    "chair": [None, "ក", "ខ"], "chair_title": [None, "Minister"], "semester": [None, "2024-S1"],
    "period": [None, "2024", "2024-Q1"], "meeting_type": [None, "consultation", "semester_review"],
    "participants": [None, 20, 50], "confidence": [0.5, 0.7, 0.9], "online": [False, True],
    "date_year_inferred": [False, True],
}
MINISTRIES = ["Ministry of Health", "Ministry of Interior", "Ministry of Commerce"]
COLUMNS = ("meeting_id", "title", "meeting_date", "date_year_inferred", "date_text", "date_precision", "province",
           "province_code", "lead_ministry", "organizer", "chair", "chair_title", "semester", "period",
           "meeting_type", "online", "participants", "confidence", "n_sources")


def _winner(reports: list[dict], name: str) -> dict | None:
    """The report whose value of `name` most reports give, then the most confident, then the smallest id."""
    having = [r for r in reports if r[name] is not None]
    votes = {r[name]: sum(o[name] == r[name] for o in having) for r in having}
    return min(having, key=lambda r: (-votes[r[name]], -r["confidence"], r["doc_id"])) if having else None


def _expected_meeting(meeting_id: str, reports: list[dict]) -> tuple:
    """A single report is copied as it is (companions too); merged reports vote field by field."""
    won = {name: _winner(reports, name) if len(reports) > 1 else reports[0] for name in VOTED_FIELDS}
    row = {"meeting_id": meeting_id, "n_sources": len(reports), "online": any(r["online"] for r in reports),
           "confidence": max(r["confidence"] for r in reports),
           "title": f"title {min(reports, key=lambda r: (-r['confidence'], r['doc_id']))['doc_id']}"}
    for name, companions in VOTED_FIELDS.items():
        for column in (name, *companions):
            row[column] = won[name][column] if won[name] else None
    dated, texted = won["meeting_date"], won["date_text"]
    row["date_text"] = (dated and dated["date_text"]) or (texted and texted["date_text"])
    row["date_year_inferred"] = bool(dated and dated["date_year_inferred"])
    row["date_precision"] = "day" if dated and dated["meeting_date"] else "day_month" if row["date_text"] else "none"
    row["meeting_date"] = date.fromisoformat(row["meeting_date"]) if row["meeting_date"] else None
    return tuple(row[c] for c in COLUMNS)


def _expected_lists(meeting_id: str, reports: list[dict], lead: str | None) -> tuple[list, list]:
    listed = {m for r in reports for m in r["ministries"]} | ({lead} if lead else set())
    conflicts = []
    for name in CONFLICT_FIELDS:
        seen = sorted({str(r[name]) for r in reports if r[name] is not None})
        if len(seen) > 1:
            conflicts.append((meeting_id, name, seen))
    return [(meeting_id, m, m == lead) for m in sorted(listed)], conflicts


@st.composite
def reports(draw):
    """Up to 9 reports in up to 4 meetings, values drawn from small pools so votes tie and differ."""
    n = draw(st.integers(1, 9))
    found = []
    for i in range(n):
        pick = {k: draw(st.sampled_from(v)) for k, v in POOLS.items()}
        rec, doc = record(f"{i:x}{draw(st.integers(0, 9))}", date=pick.pop("meeting_date"), province=pick.pop("province"),
                          lead=pick.pop("lead"), **pick)
        rec["ministries"] = draw(st.lists(st.sampled_from(MINISTRIES), unique=True, max_size=2))
        rec["partners"] = draw(st.lists(st.sampled_from(["UNDP", "UNICEF", "WHO"]), max_size=3))  # repeats too
        found.append((rec, doc, f"g{draw(st.integers(0, 3))}"))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_meetings_equal_the_plain_python_rule(found):
    con = duckdb.connect()
    save_schema(con)
    save_batch(con, Batch(documents=[d for _, d, _ in found], records=[r for r, _, _ in found]), run_id=1)
    con.execute("CREATE TEMP TABLE meeting_groups (doc_id VARCHAR, meeting_id VARCHAR)")
    con.executemany("INSERT INTO meeting_groups VALUES (?, ?)", [[r["doc_id"], g] for r, _, g in found])
    save_meetings(con)
    groups: dict[str, list[dict]] = {}
    for rec, _, grp in found:
        groups.setdefault(grp, []).append(rec)
    expected = [_expected_meeting(g, groups[g]) for g in sorted(groups)]
    found_rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM meetings ORDER BY meeting_id")  # noqa: S608
    assert found_rows.fetchall() == expected
    ministries, conflicts = [], []
    for meeting in expected:
        listed, disagree = _expected_lists(meeting[0], groups[meeting[0]], meeting[COLUMNS.index("lead_ministry")])
        ministries += listed
        conflicts += disagree
    assert con.execute("SELECT * FROM meeting_ministries ORDER BY 1, 2").fetchall() == ministries
    assert con.execute("SELECT * FROM meeting_conflicts ORDER BY 1, 2").fetchall() == sorted(conflicts)
    partners = sorted({(g, p, "other") for g, recs in groups.items() for r in recs for p in r["partners"]})
    assert con.execute("SELECT * FROM meeting_partners ORDER BY 1, 2").fetchall() == partners


def test_repeated_row_keys_stop_the_build():
    """The meeting tables carry no primary keys (their indexes cost a third of the rebuild): check_unique
    is what refuses a merge that made two rows with one key."""
    import pytest

    from etl.merge import ROW_KEYS, check_unique

    con = duckdb.connect()
    save_schema(con)
    check_unique(con)  # empty tables are fine
    con.execute("INSERT INTO meeting_sources VALUES ('m1', 'd1'), ('m1', 'd2'), ('m2', 'd1')")
    check_unique(con)
    con.execute("INSERT INTO meeting_sources VALUES ('m1', 'd2')")
    with pytest.raises(RuntimeError, match="two meeting_sources rows for \\('m1', 'd2'\\)"):
        check_unique(con)
    assert set(ROW_KEYS) == {"meetings", "meeting_ministries", "meeting_partners", "meeting_sources",
                             "meeting_conflicts"}
