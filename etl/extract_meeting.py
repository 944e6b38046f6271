"""Context -> is_meeting with a confidence, the cue span, and the sentences that name the meeting.

A meeting article names one meeting in its headline or lead (កិច្ចប្រជុំ, សម័យប្រជុំ ...), says it was held,
led or opened, and involves a Cambodian public body. Round-ups, courtesy calls, speeches, crime, party
and foreign news are scored down. The weights were set on the dev labels and checked on unlabelled
corpus articles; they sit here, next to the rules.
"""

import math
import re
from dataclasses import dataclass
from functools import cache

import ahocorasick

from etl import gazetteer
from etl.extract_bodies import ministry_hits
from etl.extract_context import (
    VENUE_WORD_MAX,
    Context,
    VenueGuarded,
    anchor_lead,
    venue_before,
)
from etl.extract_place import province_mentions
from etl.normalize import normalize_text as nt

THRESHOLD = 2.5
_STRONG_ANCHORS = (nt("ប្រជុំ"), nt("សន្និបាត"))  # every strong cue word holds one
_CAMBODIAN = re.compile(
    nt(
        "កម្ពុជា|ខ្មែរ|រាជរដ្ឋាភិបាល|ឯកឧត្តម|លោកជំទាវ|សម្តេច|ទេសរដ្ឋមន្ត្រី|ឧបនាយករដ្ឋមន្ត្រី|រដ្ឋបាលខេត្ត|រាជធានីភ្នំពេញ"
    )
)
_HOME = re.compile(nt("កម្ពុជា|ខ្មែរ"))
_PAST_ONLY = re.compile(nt("កាលពី|ធ្លាប់|កន្លងទៅ|កន្លងមក|បន្ទាប់ពី|ក្រោយពី"))
# "after (finishing) attending a meeting": the meeting is only the occasion of what is reported
_AFTER_ATTENDING = re.compile(nt(r"(?:បន្ទាប់ពី|ក្រោយពី) ?(?:បាន ?)?(?:ចប់ ?)?(?:ការ ?)?ចូលរួម"))


@dataclass(frozen=True)
class Support:
    """Findings of other extractors that back a meeting reading."""

    chair: bool = False  # the text says who presided over a meeting
    reviewed: bool = False  # a reviewed semester/period was found in a meeting sentence
    dated: bool = False  # the meeting date stands in a sentence that names the meeting
    abroad_dateline: bool = False


@dataclass(frozen=True)
class MeetingVerdict:
    """is_meeting, confidence and the span of the deciding cue."""

    is_meeting: bool
    confidence: float
    cue: tuple[int, int] | None


@cache
def _rx(group: str) -> "re.Pattern[str] | VenueGuarded":
    cues = gazetteer.meeting_cues()
    words = cues["negative"][group] if group in cues["negative"] else cues[group]
    rx = re.compile(gazetteer.trie_pattern(words, flex_spaces=False))
    if group == "strong_meeting" and (lead := anchor_lead(words, _STRONG_ANCHORS)) is not None:
        return VenueGuarded(rx, _STRONG_ANCHORS, lead)  # tried only around ប្រជុំ/សន្និបាត
    return VenueGuarded(rx) if group in ("strong_meeting", "meeting") else rx


def _body_cues(ctx: Context) -> list[tuple[int, bool, bool, int]]:
    """Strong cue words in the body, scanned once: (start, not after a venue word in the text,
    not after one within the body alone: what a scan of the body string sees, end)."""
    found = ctx.memo.get("body_cues")
    if found is None:
        venue = venue_before()
        found = ctx.memo["body_cues"] = []
        for m in _rx("strong_meeting").raw_finditer(ctx.norm, ctx.body_start):
            at = m.start()
            in_text = not venue.search(ctx.norm, max(0, at - VENUE_WORD_MAX), at)
            if at - VENUE_WORD_MAX >= ctx.body_start:
                found.append((at, in_text, in_text, m.end()))
            else:
                in_body = venue.search(ctx.norm, max(ctx.body_start, at - VENUE_WORD_MAX), at)
                found.append((at, in_text, not in_body, m.end()))
    return found


def _lead_cue(ctx: Context, lead: str) -> tuple[int, int] | None:
    """The span of strong.search(lead) (lead = the lead zone alone), read from the body cues: the
    lead's cues are the body's up to the first one the lead's end would cut."""
    for at, _, in_body, end in _body_cues(ctx):
        if at >= ctx.lead_end:
            return None
        if end > ctx.lead_end:  # cut short in the lead alone, it may match otherwise
            m = _rx("strong_meeting").search(lead)
            return m.span() if m else None
        if in_body:
            return at - ctx.body_start, end - ctx.body_start
    return None


def meeting_sentences(ctx: Context, limit: int = 3) -> list[tuple[int, int]]:
    """The title plus the first body sentences that name a meeting (strong cue words)."""
    spans = [ctx.title_span] if ctx.title_span else []
    for at, guarded, _, _ in _body_cues(ctx):
        if not guarded:
            continue
        span = ctx.sentence_at(at)
        if span not in spans:
            spans.append(span)
        if len(spans) > limit:
            break
    return spans


def _is_cambodian(ctx: Context, index: dict[str, int]) -> bool:
    """A Cambodian state actor in the headline or lead (foreign ministries do not count)."""
    if _in(index, "cambodian", len(ctx.head)):
        return True
    hi = ctx.lead_end
    if any(usable for _, usable in province_mentions(ctx, ctx.body_start, hi)):
        return True
    return any(ctx.in_title(h.start) or h.start < ctx.lead_end for h in ministry_hits(ctx, None))


@cache
def _non_state_holder() -> re.Pattern[str]:
    """The lead's meeting belongs to a party, association, company or union."""
    words = gazetteer.trie_pattern(gazetteer.meeting_cues()["negative"]["non_state_holder"], False)
    of_holder = nt(r"ប្រជុំ[^។\n]{0,90}(?:របស់|នៃ) ?")
    # three literal-first alternatives (not a group up front): the engine skips to their letters
    office, branch = nt("ទីស្នាក់ការ ?"), nt("សាខា ?")
    return re.compile(f"{of_holder}(?:{words})|{office}(?:{words})|{branch}(?:{words})")


_HEAD_GROUPS = (
    ("hold_verbs", "public_bodies")
    + ("roundup", "courtesy", "speech", "crime", "party", "visit", "ceremony", "future")
    + ("cambodian", "home")
)


@cache
def _head_words() -> ahocorasick.Automaton:
    """Every plain cue word the score looks for in the head, one automaton: a word -> its groups."""
    cues = gazetteer.meeting_cues()
    lists = {g: cues["negative"][g] if g in cues["negative"] else cues.get(g) for g in _HEAD_GROUPS}
    lists["cambodian"], lists["home"] = _CAMBODIAN.pattern.split("|"), _HOME.pattern.split("|")
    groups: dict[str, set[str]] = {}
    for group, words in lists.items():
        for word in words:
            groups.setdefault(word, set()).add(group)
    automaton = ahocorasick.Automaton()
    for word, found in groups.items():
        automaton.add_word(word, (len(word), tuple(found)))
    automaton.make_automaton()
    return automaton


def head_index(head: str) -> dict[str, int]:
    """Group -> end of its first-ending word in head: one pass answers every "does a word of this
    group stand in the head / its first n characters (the title)" question, as the group's regex
    would (the words are plain text)."""
    first: dict[str, int] = {}
    for end, (_, groups) in _head_words().iter(head):
        for group in groups:
            first.setdefault(group, end + 1)  # ends come in increasing order
    return first


def _in(index: dict[str, int], group: str, limit: int) -> bool:
    """Whether a word of the group ends within the first `limit` characters of the head."""
    return index.get(group, limit + 1) <= limit


def _held_by_non_state(lead: str, at: int) -> bool:
    """The meeting named at `at` belongs to a party, association ... (every match of the pattern
    ends with one of the holder words: without one in reach, no scan)."""
    words = gazetteer.meeting_cues()["negative"]["non_state_holder"]
    if not any(lead.find(word, at, at + 400) >= 0 for word in words):
        return False
    return _non_state_holder().search(lead, at, at + 400) is not None


def _negatives(index: dict[str, int], head: str, title: str, strong_title: bool) -> float:
    """Round-ups, courtesy calls, speeches ...; the title is the head's first len(title) chars."""
    t, whole = len(title), len(head)
    score = 0.0
    if _in(index, "roundup", t or min(200, whole)):
        score -= 4.0
    if _in(index, "courtesy", t or whole) and not strong_title:
        score -= 2.0
    if _in(index, "speech", whole):
        score -= 2.5
    if _in(index, "crime", t):
        score -= 1.5
    if _in(index, "party", t):
        score -= 4.0
    if _in(index, "visit", t) and not strong_title:
        score -= 1.5
    if _in(index, "ceremony", t) and not strong_title:
        score -= 2.0
    if _in(index, "future", whole):
        score -= 4.0
    return score


def _score(ctx: Context, support: Support) -> tuple[float, tuple[int, int] | None]:
    """Weighted cue score for the article and the span of the first meeting cue."""
    title, head = ctx.title_norm, ctx.head
    index = head_index(head)
    strong = _rx("strong_meeting")
    in_title = strong.search(title)
    lead = ctx.norm[ctx.body_start : ctx.lead_end]
    in_lead = _lead_cue(ctx, lead)  # the span of strong.search(lead)
    score = 2.0 if in_title else (1.0 if _rx("meeting").search(title) else 0.0)
    score += 1.5 if in_lead else 0.0
    score += 1.0 if _in(index, "hold_verbs", len(head)) else 0.0
    count = sum(cue[2] for cue in _body_cues(ctx))  # len(strong.findall(ctx.body))
    score += 0.5 if count >= 2 else (-1.0 if count == 0 else 0.0)
    score += 0.5 if _in(index, "public_bodies", len(head)) else -1.5
    score += 0.0 if _is_cambodian(ctx, index) else -3.0
    if in_lead and not in_title and _PAST_ONLY.search(lead, max(0, in_lead[0] - 30), in_lead[0]):
        score -= 1.0
        past = lead[max(0, in_lead[0] - 30) : in_lead[0]]
        score -= 1.0 if _AFTER_ATTENDING.search(past) else 0.0
    score += _negatives(index, head, title, bool(in_title))
    if in_lead and _held_by_non_state(lead, in_lead[0]):
        score -= 4.0
    score += 2.0 if support.chair else 0.0
    score += 1.0 if support.reviewed else 0.0
    score += 1.0 if support.dated else 0.0
    score -= 2.0 if support.abroad_dateline and not _in(index, "home", len(head)) else 0.0
    cue = None
    if in_title and ctx.title_span:
        cue = (ctx.title_span[0] + in_title.start(), ctx.title_span[0] + in_title.end())
    elif in_lead:
        cue = (ctx.body_start + in_lead[0], ctx.body_start + in_lead[1])
    return score, cue


def judge_meeting(ctx: Context, support: Support) -> MeetingVerdict:
    """Whether the article's main subject is one meeting with a Cambodian public body."""
    score, cue = _score(ctx, support)
    confidence = 1.0 / (1.0 + math.exp(-(score - THRESHOLD)))
    is_meeting = score >= THRESHOLD
    conf = confidence if is_meeting else 1.0 - confidence
    return MeetingVerdict(is_meeting, round(conf, 3), cue)


def meeting_type(
    ctx: Context, spans: list[tuple[int, int]], derived: str | None
) -> tuple[str, tuple[int, int] | None]:
    """Type slug from the taxonomy: a derived review/bilateral type, else the first cue found."""
    if derived:
        return derived, None
    for entry in gazetteer.meeting_types():
        for cue in entry["cues"]:
            if cue not in ctx.norm:
                continue  # one scan of the document instead of one per sentence
            for lo, hi in spans:
                at = ctx.norm.find(cue, lo, hi)
                if at >= 0:
                    return entry["slug"], (at, at + len(cue))
    return "meeting", None
