"""Dedup: reports of one meeting become one meeting with all its sources; nothing else merges."""

from collections import Counter
from datetime import datetime

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.dedup import _fresh_id, assign_meeting_ids, find_pairs, group_documents
from etl.load import Batch, save_batch, save_schema
from etl.merge import save_meetings


def record(doc_id, date="2019-07-26", province="Siem Reap", lead="Ministry of Commerce", chair=None,
           organizer=None, confidence=0.8, partners=(), is_meeting=True, **extra):
    """A hand-made extractor record (doc_records row) plus its document row."""
    rec = {
        "doc_id": doc_id, "is_meeting": is_meeting, "confidence": confidence, "meeting_date": date,
        "date_year_inferred": False, "date_text": date, "province": province,
        "province_code": "KH-17" if province == "Siem Reap" else None, "lead_ministry": lead,
        "ministries": [lead] if lead else [], "organizer": organizer, "chair": chair,
        "chair_title": None, "partners": list(partners), "semester": None, "period": None,
        "meeting_type": None, "online": False, "participants": None,
    }
    rec.update(extra)
    doc = {"doc_id": doc_id, "source": f"{doc_id}.txt", "url": None, "title": f"title {doc_id}",
           "published": None, "file_hash": doc_id, "ingested_at": datetime(2024, 1, 1),
           "status": "meeting" if is_meeting else "not_meeting", "text": "t", "text_norm": "t"}
    return rec, doc


def build(records) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding these records, with meetings grouped and rebuilt."""
    con = duckdb.connect()
    save_schema(con)
    batch = Batch(documents=[d for _, d in records], records=[r for r, _ in records])
    batch.files = [{"path": d["source"], "file_hash": d["doc_id"], "size": 1, "mtime_ns": 1,
                    "status": "loaded", "n_docs": 1, "doc_ids": [d["doc_id"]]} for _, d in records]
    save_batch(con, batch, run_id=1)
    regroup(con)
    return con


def regroup(con):
    assign_meeting_ids(con)
    save_meetings(con)


def groups(con) -> set[frozenset[str]]:
    rows = con.execute("SELECT list(doc_id) FROM meeting_sources GROUP BY meeting_id").fetchall()
    return {frozenset(r[0]) for r in rows}


def test_group_documents_is_transitive_and_rooted_at_smallest_id():
    found = group_documents(["a", "b", "c", "d"], [("b", "c"), ("a", "c")])
    assert found == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_same_meeting_reported_three_times_becomes_one_meeting():
    con = build([record("a1"), record("b2", date="2019-07-27", chair="ប៉ាន សូរស័ក្តិ"),
                 record("c3", lead=None, chair="ប៉ាន សូរស័ក្តិ", date="2019-07-26")])
    assert groups(con) == {frozenset({"a1", "b2", "c3"})}
    row = con.execute("SELECT meeting_id, meeting_date, n_sources, lead_ministry, chair FROM meetings").fetchone()
    assert row[0] == "ma1"
    assert (str(row[1]), row[2], row[3], row[4]) == ("2019-07-26", 3, "Ministry of Commerce", "ប៉ាន សូរស័ក្តិ")
    conflicts = con.execute("SELECT field, values_seen FROM meeting_conflicts").fetchall()
    assert conflicts == [("meeting_date", ["2019-07-26", "2019-07-27"])]


@pytest.mark.parametrize("other", [
    {"date": "2019-07-28"},  # two days apart
    {"province": "Phnom Penh"},
    {"lead": "Ministry of Health"},  # different organiser
    {"lead": None, "organizer": "Siem Reap Provincial Administration"},  # nothing shared
    {"chair": "someone else", "extra_chair": True},  # same ministry, different chair
    {"is_meeting": False},
    {"date": None},
])
def test_different_meetings_stay_apart(other):
    other = dict(other)
    first = record("a1", chair="ប៉ាន សូរស័ក្តិ" if other.pop("extra_chair", False) else None)
    con = build([first, record("b2", **other)])
    assert len(groups(con)) == (1 if other.get("is_meeting") is False else 2)


def test_best_evidenced_value_wins_and_lists_are_united():
    con = build([record("a1", province="Siem Reap", confidence=0.9, partners=["Belarus"]),
                 record("b2", confidence=0.5, participants=80, partners=["UNDP"]),
                 record("c3", confidence=0.6, participants=80, chair="x"),
                 record("d4", confidence=0.95, participants=120, chair="x")])
    row = con.execute("SELECT participants, confidence, title, n_sources FROM meetings").fetchone()
    assert row == (80, 0.95, "title d4", 4)  # two reports say 80; the most confident gives the title
    partners = con.execute("SELECT partner, partner_kind FROM meeting_partners ORDER BY 1").fetchall()
    assert partners == [("Belarus", "other"), ("UNDP", "other")]


def test_meeting_id_is_stable_when_a_report_with_a_smaller_id_joins():
    con = build([record("b2"), record("c3")])
    assert con.execute("SELECT meeting_id FROM meetings").fetchall() == [("mb2",)]
    rec, doc = record("a1")
    save_batch(con, Batch(documents=[doc], records=[rec]), run_id=2)
    regroup(con)
    assert con.execute("SELECT meeting_id, n_sources FROM meetings").fetchall() == [("mb2", 3)]


def test_fresh_build_gives_the_same_ids_as_incremental_when_order_is_natural():
    con = build([record("a1"), record("x9", province="Kandal")])
    ids = sorted(r[0] for r in con.execute("SELECT meeting_id FROM meetings").fetchall())
    assert ids == ["ma1", "mx9"]


# Hand-checked duplicate reports in the real corpus (titles, texts and eval-label notes read by a
# person): each set reports one meeting. Belarus and malaria are the cases named in the issue.
BELARUS = {"312195", "312930", "313164"}  # 3rd Cambodia-Belarus joint committee, Siem Reap
MALARIA = {"456662", "456740", "457167", "457475"}  # MoH malaria task-force consultation, 22 Oct
SAME_MEETING = [BELARUS, MALARIA,
                {"311885", "312216", "312302"},  # National Assembly standing committee, 26 Jul
                {"311892", "313152"},  # Takeo police semester review
                {"451581", "451744"},  # Phnom Penh underground roads meeting (17/18 Oct)
                {"455896", "456825"},  # Sea Festival preparation, Kampot
                {"457401", "457406"},  # closing of the Kampot councils' association congress
                {"457436", "457863"}]  # Kampong Cham police recruitment meeting


@pytest.mark.slow
def test_real_corpus_duplicates_merge_and_nothing_else(corpus_dir, tmp_path):
    from etl.ingest import ingest_paths

    db = tmp_path / "corpus.duckdb"
    summary = ingest_paths([corpus_dir], db, tmp_path / "none.csv", progress=False, workers=2)
    con = duckdb.connect(str(db), read_only=True)
    merged = [set(r[0]) for r in con.execute(
        "SELECT list(regexp_extract(d.source, '(\\d+)\\.txt$', 1)) FROM meeting_sources s"
        " JOIN documents d USING (doc_id) GROUP BY s.meeting_id HAVING count(*) > 1").fetchall()]
    con.close()
    print(f"{len(merged)} merged groups: {sorted(map(sorted, merged))}")
    assert BELARUS in merged
    assert any(len(group & MALARIA) >= 3 and group <= MALARIA for group in merged)
    unexpected = [g for g in merged if not any(g <= known for known in SAME_MEETING)]
    assert unexpected == []  # nothing else is merged
    assert summary.meetings_merged == sum(len(g) - 1 for g in merged)


def _reference_ids(doc_ids, pairs, hints) -> dict[str, str]:
    """The meeting ids as the first implementation gave them: all in Python, every vote in one loop."""
    groups = group_documents(sorted(doc_ids), pairs)
    votes = Counter((groups[d], m) for d, m in set(hints) if d in groups)
    chosen, taken = {}, set()
    for (grp, meeting_id), _ in sorted(votes.items(), key=lambda v: (-v[1], v[0][1], v[0][0])):
        if grp not in chosen and meeting_id not in taken:
            chosen[grp] = meeting_id
            taken.add(meeting_id)
    ids = {}
    for grp in sorted(set(groups.values())):
        ids[grp] = chosen.get(grp) or _fresh_id(grp, taken)
    return {doc_id: ids[grp] for doc_id, grp in groups.items()}


HEX_IDS = [f"{i:02x}{j}" for i, j in zip(range(0, 240, 20), "0f1e2d3c4b5a", strict=True)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_ids_equal_the_all_python_reference(data):
    """Groups, votes of earlier meeting ids (contested ones too) and suffixed ids as the reference gives them."""
    docs = data.draw(st.lists(st.sampled_from(HEX_IDS), min_size=1, max_size=10, unique=True))
    records = [record(d, date=data.draw(st.sampled_from(["2019-07-26", "2019-07-27", "2019-07-29", None])),
                      province=data.draw(st.sampled_from(["Siem Reap", "Kandal"])),
                      lead=data.draw(st.sampled_from(["Ministry of Commerce", "Ministry of Health", None])),
                      chair=data.draw(st.sampled_from([None, "x"])), is_meeting=data.draw(st.booleans() | st.just(True)))
               for d in docs]
    pool = [f"m{d}" for d in HEX_IDS[:5]] + [f"m{HEX_IDS[0]}-2", "mold"]
    hints = data.draw(st.lists(st.tuples(st.sampled_from(docs), st.sampled_from(pool)), max_size=8, unique=True))
    con = duckdb.connect()
    save_schema(con)
    save_batch(con, Batch(documents=[d for _, d in records], records=[r for r, _ in records]), run_id=1)
    for doc_id, meeting_id in hints:
        con.execute("INSERT INTO meeting_sources VALUES (?, ?)", [meeting_id, doc_id])
    meeting_docs = [r["doc_id"] for r, _ in records if r["is_meeting"]]
    expected = _reference_ids(meeting_docs, find_pairs(con), hints)
    assert assign_meeting_ids(con) == len(set(expected.values()))
    assert dict(con.execute("SELECT doc_id, meeting_id FROM meeting_groups").fetchall()) == expected
