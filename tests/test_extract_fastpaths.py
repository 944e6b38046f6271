"""Speed paths of the extractor give what the plain regex scans they replace would give."""

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from etl import (
    dates,
    extract,
    extract_bodies,
    extract_context,
    extract_meeting,
    extract_people,
    extract_period,
    gazetteer,
    gazetteer_match,
)
from etl.extract_context import Context
from etl.gazetteer_match import trie_branches, trie_pattern
from etl.normalize import normalize_text

GOLDEN = sorted(Path(__file__).with_name("golden").glob("*.json"))
# cue words of every kind glued into random Khmer text, so the patterns do match
_CUES = [
    *gazetteer.meeting_cues()["strong_meeting"],
    *gazetteer.meeting_cues()["negative"]["roundup"],
    *gazetteer.meeting_cues()["negative"]["non_state_holder"],
    "ប្រជុំរបស់",
    "ទីស្នាក់ការ",
    *gazetteer.titles()["honorifics"][:8],
    "ក្រោមអធិបតីភាព",
    "ដឹកនាំកិច្ចប្រជុំ",
    "ជាអធិបតី",
    "ក្រោមការធ្វើជាអធិបតី",
    "សហអធិបតីភាពដោយ",
    "ជាគណៈអធិបតី",
    "ធ្វើជាប្រធានអង្គប្រជុំ",
    "ជាប្រធានកិច្ចប្រជុំ",
    "ដឹកនាំ និង បើក កិច្ច ប្រជុំ",
    "ដឹកនាំដោយ",
    "មជ្ឈមណ្ឌលសន្និបាត",
    "សាល ប្រជុំ",
    "វេទិកា",
    "សិក្ខាសាលា",
    "ឆមាសទី១",
    "៦ខែដើមឆ្នាំ",
    "ប្រចាំខែ",
    "ចំនួន៦៦រូប",
    "តាមវីដេអូ",
    "កម្ពុជា",
    "ក្រសួងសុខាភិបាល",
    "UNICEF",
    "World Bank",
    "2019",
    "២៣/០១/២០២៤",
    "ថ្ងៃទី២២ ធ្នូ",
    "១២៣ដល់២៥ ខែមករា",
    "Fri, 26 July 2019",
    "July 26, 2019",
    "12019",
    "ខេត្តកណ្តាល",
    "ក្រសួងការបរទេស",
    "ប្រទេស",
    "ចិន",
    "អាស៊ាន",
    "ហាណូយ",
    "ASEAN",
]
PIECES = st.one_of(
    st.sampled_from(_CUES),
    st.text(st.characters(min_codepoint=0x1780, max_codepoint=0x17FF), max_size=6),
    st.sampled_from([" ", "\n", "។", "Zoom ", "abc ", "1"]),
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)


def _golden_texts() -> list[str]:
    return [json.loads(p.read_text(encoding="utf-8"))["text"] for p in GOLDEN]


def _same_everywhere(check) -> None:
    for text in _golden_texts():
        check(normalize_text(text))


def test_trie_branches_join_to_the_trie_pattern():
    words = ["ក្រសួង", "ក្រុម", "ខេត្ត", "ស", "សម្តេច"]
    assert "(?:" + "|".join(trie_branches(words)) + ")" == trie_pattern(words)
    assert trie_branches(["ក្រសួង"]) == [trie_pattern(["ក្រសួង"])]


def _check_all(norm: str) -> None:
    _check_gazetteer(norm)
    _check_foreign_follows(norm)
    _check_chair_cues(norm)
    _check_people(norm)
    _check_year(norm)
    _check_sentences(norm)
    _check_head_groups(norm)
    _check_body_cues(norm)
    _check_non_state_holder(norm)
    _check_needles(norm)
    _check_date_scans(norm)
    _check_venue_guarded(norm)
    _check_latin_runs(norm)


def _check_foreign_follows(norm: str) -> None:
    ctx = Context(norm)
    for end in range(len(ctx.norm) + 1):
        at = extract_bodies._FOREIGN_FOLLOW.match(ctx.norm, end)
        start = at.end() if at else end
        hits = ctx.hits("country_matcher", start, start + 40)
        hits += ctx.hits("abroad_matcher", start, start + 40)
        blocs = ctx.hits("partner_matcher", start, start + 60)
        hits += [h for h in blocs if gazetteer.partner_kind(h.key) == "bloc"]
        assert extract_bodies._foreign_follows(ctx, end) == any(h.start == start for h in hits)


def _check_gazetteer(norm: str) -> None:
    found = gazetteer.find_all(norm)
    for name, hits in found.items():
        assert hits == getattr(gazetteer, f"{name}_matcher")().find(norm), name
    ctx = Context(norm)
    for name in found:
        for lo, hi in [(0, len(norm) // 2), (3, len(norm)), (5, 9)]:
            want = [h for h in found[name] if lo <= h.start and h.end <= hi]
            assert ctx.hits(f"{name}_matcher", lo, hi) == want


def _check_chair_cues(norm: str) -> None:
    got = [(m.span(), m.lastgroup) for m in extract_people._cues(norm)]
    assert got == [(m.span(), m.lastgroup) for m in extract_people._CUE.finditer(norm)]


def _check_people(norm: str) -> None:
    ctx, person_rx = Context(norm), extract_people._patterns()[0]
    want, pos = [], 0
    while (m := person_rx.search(ctx.norm, pos)) is not None:
        person = extract_people._clean_name(ctx, m)
        want += [person] if person else []
        pos = person.name_end if person else m.start() + 1
    assert extract_people.find_people(ctx) == want
    for upto in range(0, len(norm) + 2, 3):  # a prefix walk finds the mentions up to its end
        found = extract_people.find_people(Context(norm), upto)
        assert [p for p in found if p.start <= upto] == [p for p in want if p.start <= upto]
    for name in {p.name for p in want}:
        ends = [m.end() for m in re.finditer(re.escape(name), ctx.norm)]
        assert ctx.mention_ends(name) == ends


def _check_sentences(norm: str) -> None:
    ctx = Context(norm)
    for pos in range(0, len(norm) + 1, 7):
        start = pos
        while start > 0 and norm[start - 1] not in "។៕\n":
            start -= 1
        assert ctx.sentence_at(pos)[0] == start


def _check_year(norm: str) -> None:
    old = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
    assert extract_context.YEAR.findall(norm) == old.findall(norm)


def _check_head_groups(norm: str) -> None:
    index = extract_meeting.head_index(norm)
    rxs = {g: extract_meeting._rx(g) for g in extract_meeting._HEAD_GROUPS[:-2]}
    rxs.update(cambodian=extract_meeting._CAMBODIAN, home=extract_meeting._HOME)
    for group, rx in rxs.items():
        for limit in (len(norm), len(norm) // 3):
            want = rx.search(norm[:limit]) is not None
            assert extract_meeting._in(index, group, limit) == want, group


def _check_non_state_holder(norm: str) -> None:
    for at in (0, len(norm) // 2):
        want = extract_meeting._non_state_holder().search(norm, at, at + 400) is not None
        assert extract_meeting._held_by_non_state(norm, at) == want


def _check_body_cues(norm: str) -> None:
    for title in (None, norm.split("\n")[0][:5]):
        ctx = Context(norm, title)
        strong = extract_meeting._rx("strong_meeting")
        assert sum(c[2] for c in extract_meeting._body_cues(ctx)) == len(strong.findall(ctx.body))
        assert [c[3] for c in extract_meeting._body_cues(ctx)] == [
            m.end() for m in strong.rx.finditer(ctx.norm, ctx.body_start)
        ]
        want = [ctx.title_span] if ctx.title_span else []
        for m in strong.finditer(ctx.norm, ctx.body_start):
            span = ctx.sentence_at(m.start())
            want += [] if span in want else [span]
            if len(want) > 3:
                break
        assert extract_meeting.meeting_sentences(ctx) == want
        for lead_end in {len(norm), len(norm) // 2, len(norm) // 3 + 1, 7}:  # cut cues too
            ctx = Context(norm, title)
            ctx.lead_end = max(ctx.body_start, lead_end)  # the lead zone, shortened
            lead = ctx.norm[ctx.body_start : ctx.lead_end]
            m = strong.search(lead)
            assert extract_meeting._lead_cue(ctx, lead) == (m.span() if m else None)


def _check_venue_guarded(norm: str) -> None:
    for fast in (extract_meeting._rx("strong_meeting"), extract_people._MEETING):
        plain = extract_context.VenueGuarded(fast.rx)
        for lo, hi in [(0, len(norm) + 5), (3, len(norm) // 2), (len(norm) // 3, len(norm))]:
            want = [m.span() for m in plain.finditer(norm, lo, hi)]
            assert [m.span() for m in fast.finditer(norm, lo, hi)] == want


def _check_latin_runs(norm: str) -> None:
    want = tuple(m.span() for m in re.finditer(r"[A-Za-z][^\u1780-\u17ff\n]*", norm))
    assert gazetteer_match.latin_runs(norm) == want


def _check_date_scans(norm: str) -> None:
    voc = dates._vocab()
    for text in (norm, norm.replace(" ", " Sept. 3, 2019 "), norm + " 1 may 2020"):
        full_scan = dict(voc, en_openings=re.compile(b""))  # b"" is in any text: no skipping
        assert dates._english_dates(text, voc) == dates._english_dates(text, full_scan)


def _check_needles(norm: str) -> None:
    for rx, needles in extract_period._NEEDLES.items():
        for m in rx.finditer(norm):
            assert any(n in m.group() for n in needles), rx.pattern


def test_fast_paths_match_the_plain_scans_on_golden_texts():
    _same_everywhere(_check_all)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_fast_paths_match_the_plain_scans_on_cue_soup(text):
    _check_all(normalize_text(text))


# anchors "c", "d"; a match opens at most 2 letters before one
_TOY = re.compile("ab?cd|xcd|c(?:de)?|d+")


@settings(max_examples=200, deadline=None)
@given(st.text("abcdex", max_size=30), st.integers(0, 5), st.integers(0, 40))
def test_anchored_finditer_is_finditer(text, pos, endpos):
    lead = extract_context.anchor_lead(["abcd", "acd", "xcd", "c", "cde", "d"], ("c", "d"))
    assert lead == 2
    scan = extract_context.anchored_finditer(_TOY, text, ("c", "d"), lead, pos, endpos)
    assert [m.span() for m in scan] == [m.span() for m in _TOY.finditer(text, pos, endpos)]


def test_anchor_lead_needs_an_anchor_in_every_word():
    assert extract_context.anchor_lead(["ប្រជុំ", "កិច្ចប្រជុំ"], ("ប្រជុំ",)) == len("កិច្ច")
    assert extract_context.anchor_lead(["ប្រជុំ", "វេទិកា"], ("ប្រជុំ",)) is None


_DATE_BITS = ["Jun", "jUNE", "Ma", "y", "Sep", "t", "2019", "26", " ", ",", "ក", "é", "Fri"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_DATE_BITS), max_size=12).map("".join))
def test_english_month_precheck_skips_only_texts_without_a_month(text):
    voc = dates._vocab()
    full_scan = dict(voc, en_openings=re.compile(b""))  # b"" is in any text: no skipping
    assert dates._english_dates(text, voc) == dates._english_dates(text, full_scan)


@settings(max_examples=100, deadline=None)
@given(TEXTS, TEXTS)
def test_title_line_is_read_from_the_normalised_text(title, body):
    ctx = Context(f"{title}\n{body}", title)
    assert ctx._title_normalized() == normalize_text(title)


@settings(max_examples=200, deadline=None)
@given(st.text("aZ9 ,\nកខ\u200bſ", max_size=30))
def test_latin_runs_are_the_regex_runs(text):
    _check_latin_runs(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["meeting", "MEETING", "eetin", "g", "G", "ប្រជុំ", "សន្និ", " "])))
def test_prefilter_is_any_prefilter_word(pieces):
    text = "".join(pieces)
    words = gazetteer.load_data("meeting_cues")["prefilter"]
    assert extract._may_be_meeting(text) == any(word in text for word in words)
