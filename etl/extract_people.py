"""Context -> the meeting's chair: Khmer personal name without honorifics, and the office title.

A chair is only reported when the text says who presided or led: a person right after ក្រោមអធិបតីភាព /
ក្រោមការដឹកនាំ / ដឹកនាំដោយ, or the nearest person before ដឹកនាំកិច្ចប្រជុំ / ជាអធិបតី. Names are one or
two words after a run of honorifics (ឯកឧត្តម, លោកជំទាវ, ឧត្តមសេនីយ៍ទោ ...), which may be glued on.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick

from etl import gazetteer
from etl.extract_context import Context, VenueGuarded, anchored_finditer
from etl.normalize import normalize_text as nt

_WORD = "[\u1780-\u17dd]+"
_AFTER_CUES = nt(
    "ក្រោមអធិបតីភាព|ក្រោមអធិបតី|ក្រោមការដឹកនាំ|ក្រោមការធ្វើជាអធិបតី|ក្រោមដឹកនាំ|ដឹកនាំដោយ|ធ្វើជាអធិបតីដោយ|"
    "សហអធិបតីភាពដោយ|អធិបតីភាពដោយ"
)
_BEFORE_CUES = nt(
    "ដឹកនាំ ?(?:និង ?)?(?:បើក ?|ការ ?)?(?:កិច្ច ?|សម័យ ?|អង្គ ?)?ប្រជុំ|ដឹកនាំអង្គប្រជុំ|"
    "(?:ជា|ជាគណៈ|ជាសហ)អធិបតី|ធ្វើជាប្រធានអង្គប្រជុំ|ជាប្រធានកិច្ចប្រជុំ"
)
# "X ... បានបើកកិច្ចប្រជុំ": the subject opened the meeting; only a person in the same sentence
_OPENED_CUES = nt(r"បាន ?(?:អញ្ជើញ ?)?បើក ?(?:កិច្ច ?|សម័យ ?)ប្រជុំ")
_CUE = re.compile(f"(?P<after>{_AFTER_CUES})|(?P<before>{_BEFORE_CUES})")
# every cue holds one of these words, at most _CUE_LEAD letters after its start (ក្រោមការធ្វើជា|អធិបតី)
_CUE_ANCHORS = (nt("អធិបតី"), nt("ដឹកនាំ"), nt("ជាប្រធាន"))
_CUE_LEAD = len(nt("ក្រោមការធ្វើជា"))
_OPENED = re.compile(_OPENED_CUES)
_STATE_HONORIFIC = re.compile(nt("ឯកឧត្តម|លោកជំទាវ|សម្តេច|ឧត្តមសេនីយ៍|ឯ\\.ឧ"))
_MEETING_WORDS = tuple(nt(w) for w in ("ប្រជុំ", "សន្និបាត", "វេទិកា", "សិក្ខាសាលា"))
_MEETING = VenueGuarded(re.compile("|".join(_MEETING_WORDS)), _MEETING_WORDS)
_AFTER_FILL = re.compile(nt(r"(?:ភាព)? ?(?:ដ៏ខ្ពង់ខ្ពស់ ?)?(?:របស់ ?|ពី ?|ដោយ ?|នៃ ?)?"))
_PRAISE = re.compile(nt("ដ៏ឈ្លាសវៃ|ដ៏ត្រឹមត្រូវ|ដ៏ប៉ិនប្រសប់|ដ៏ខ្ពង់ខ្ពស់របស់សម្តេច"))
_DEPUTY = re.compile(nt(r"(?:តំណាង(?:ដ៏ខ្ពង់ខ្ពស់)?|ជាមួយ|ជំនួសមុខ) ?$"))
_AND = re.compile(nt(r"និង ?$"))
BEFORE_REACH = 700  # a pronoun (លោក) may stand between the named chair and the cue
AFTER_REACH = 40
MEETING_REACH = 250
OFFICE_REACH = 50  # rest of a long name plus the office (ប្រធានកិត្តិយស សមាគម ...)
_OFFICE_END = re.compile(nt(r"[។\n]|បាន|នឹង|ក៏|និង"))  # the office ends at a verb or a second one


@dataclass(frozen=True)
class Person:
    """A named person: honorifics start, name span, and the name itself."""

    start: int
    name_start: int
    name_end: int
    name: str


@dataclass(frozen=True)
class Chair:
    """The chair found, with the title (if any) and the span of text describing them."""

    person: Person
    title: str | None
    title_span: tuple[int, int] | None
    about_end: int  # end of the describing phrase after the name (for the chair's ministry)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str], tuple[str, ...]]:
    words = gazetteer.titles()
    honorifics = [nt(h) for h in words["honorifics"]]
    hon = gazetteer.trie_pattern(honorifics, flex_spaces=False)
    first = "|".join([f"{nt('សម្តេច')}{_WORD}", *gazetteer.trie_branches(honorifics, False)])
    # (?:X ?)+ written X ?(?:X ?)* with X's letters up front: the engine skips to where one stands
    person = re.compile(
        f"(?:{first}) ?(?:(?:{nt('សម្តេច')}{_WORD}|{hon}) ?)*(?P<name>{_WORD}(?: {_WORD})?)"
    )
    positions = [nt(p) for p in words["positions"]]
    position_rx = re.compile(gazetteer.trie_pattern(positions, flex_spaces=False))
    not_name = [nt(w) for w in words["not_name_words"]]
    return person, position_rx, frozenset(not_name), tuple(w for w in not_name if len(w) >= 3)


@cache
def _copulas() -> frozenset[str]:
    return frozenset(nt(w) for w in gazetteer.titles()["copula_words"])


def _valid_token(token: str, shortest: int = 2) -> bool:
    _, _, exact, prefixes = _patterns()
    return shortest <= len(token) <= 16 and token not in exact and not token.startswith(prefixes)


def _clean_name(ctx: Context, m: re.Match[str]) -> Person | None:
    """Cut a title glued to the name (វង្សវឌ្ឍានារដ្ឋមន្ត្រី), keep valid name words."""
    _, position_rx, _, _ = _patterns()
    tokens = m.group("name").split(" ")
    first = tokens[0]
    second = tokens[1] if len(tokens) > 1 else ""
    glued = position_rx.search(second)
    if glued and glued.start() >= 2:
        second = second[: glued.start()]
    has_second = _valid_token(second) and not position_rx.match(second)
    # a one-letter surname (ស ថេត) or one that is also a word (ជា) only stands with a given name
    if not _valid_token(first, 1 if has_second else 2):
        return None
    if first in _copulas() and not has_second:
        return None
    name = f"{first} {second}" if has_second else first
    start = m.start("name")
    return Person(m.start(), start, start + len(name), name)


@cache
def _honorific_words() -> tuple[ahocorasick.Automaton, int]:
    """The words a person mention can open with (សម្តេច and the honorifics), for one C pass, and
    the length of the longest."""
    automaton = ahocorasick.Automaton()
    words = [nt("សម្តេច"), *(nt(h) for h in gazetteer.titles()["honorifics"])]
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton, max(map(len, words))


def find_people(ctx: Context, upto: int | None = None) -> list[Person]:
    """Every honorific + name mention, in text order; with `upto`, at least those that start at or
    before it. Which mentions start before a point does not depend on the text after it (only a
    mention's own match reads on), so only the prefix that can hold their opening words is walked."""
    limit = len(ctx.norm) if upto is None else min(upto, len(ctx.norm))
    known = ctx.memo.get("people")
    if known is not None and known[0] >= limit:
        return known[1]
    person_rx = _patterns()[0]
    # the regex is only tried where an opening word starts: what a search from pos would find,
    # without the engine trying the long alternation at every letter in between
    automaton, longest = _honorific_words()
    found = automaton.iter(ctx.norm, 0, limit + longest)
    starts = sorted({at for end, size in found if (at := end + 1 - size) <= limit})
    people, pos = [], 0
    for at in starts:
        if at < pos or (m := person_rx.match(ctx.norm, at)) is None:
            continue
        person = _clean_name(ctx, m)
        if person:
            people.append(person)
            pos = person.name_end
        else:
            pos = m.start() + 1
    ctx.memo["people"] = (limit, people)
    return people


def _near_meeting(ctx: Context, a: int, b: int) -> bool:
    return bool(_MEETING.search(ctx.norm, max(0, a - MEETING_REACH), b + MEETING_REACH))


def _after(ctx: Context, end: int) -> Person | None:
    fill = _AFTER_FILL.match(ctx.norm, end)
    if fill and _PRAISE.match(ctx.norm, fill.end()):
        return None
    reach = (fill.end() if fill else end) + AFTER_REACH
    return next((p for p in find_people(ctx, reach) if end <= p.start <= reach), None)


def _before(ctx: Context, start: int) -> Person | None:
    people = find_people(ctx, start)  # a name that ends by `start` starts before it
    prior = [p for p in people if start - BEFORE_REACH <= p.name_end <= start]
    while prior:
        person = prior.pop()
        lead = ctx.norm[max(0, person.start - 24) : person.start]
        if _DEPUTY.search(lead):
            continue
        if _AND.search(lead) and prior:  # "X និង Y ជាអធិបតី": the first-named co-chair
            return prior[-1]
        return person
    return None


def _title_for(ctx: Context, person: Person) -> tuple[str | None, tuple[int, int] | None]:
    """The office right after the chair's name (any mention of it), else one just before it."""
    _, position_rx, _, _ = _patterns()
    for end in ctx.mention_ends(person.name):
        at = end + (1 if ctx.norm[end : end + 1] == " " else 0)
        found = position_rx.match(ctx.norm, at)
        if found:
            return found.group(), found.span()
    found = position_rx.search(ctx.norm, person.start, person.name_start)
    return (found.group(), found.span()) if found else (None, None)


def _cues(text: str) -> Iterator[re.Match[str]]:
    """What _CUE.finditer(text) yields: _CUE is only tried where an anchor word allows (a group up
    front makes the engine's own scan try the whole pattern at every letter)."""
    return anchored_finditer(_CUE, text, _CUE_ANCHORS, _CUE_LEAD)


def extract_chair(ctx: Context) -> Chair | None:
    """The person who presided over or led the meeting, when the text says so."""
    for cue in _cues(ctx.norm):  # people are found only once a cue is there (and up to it)
        if not _near_meeting(ctx, *cue.span()):
            continue
        if cue.group("after"):
            person = _after(ctx, cue.end())
        else:
            person = _before(ctx, cue.start())
        if person and _non_state_office(ctx, person):
            return None  # presided by a party, association or company head: no public chair
        if person:
            title, span = _title_for(ctx, person)
            return Chair(person, title, span, ctx.sentence_at(person.name_end)[1])
    return _opener(ctx)


@cache
def _non_state_rx() -> re.Pattern[str]:
    words = gazetteer.meeting_cues()["negative"]["non_state_holder"]
    return re.compile(gazetteer.trie_pattern(words, flex_spaces=False))


def _non_state_office(ctx: Context, person: Person) -> bool:
    """The office right after a mention of the name is in a party, association, company or union."""
    rx = _non_state_rx()
    for end in ctx.mention_ends(person.name):
        stop = _OFFICE_END.search(ctx.norm, end, end + OFFICE_REACH)
        if rx.search(ctx.norm, end, stop.start() if stop else end + OFFICE_REACH):
            return True
    return False


def _opener(ctx: Context) -> Chair | None:
    """Without a presiding cue: the person who opened the meeting, named in the same lead sentence."""
    cue = _OPENED.search(ctx.norm, ctx.body_start, ctx.lead_end)
    if cue is None:
        return None
    person = _before(ctx, cue.start())
    if person is None or person.start < ctx.sentence_at(cue.start())[0]:
        return None
    if not _STATE_HONORIFIC.search(ctx.norm, person.start, person.name_start):
        return None  # plain លោក: a party or foreign leader as often as an official
    title, span = _title_for(ctx, person)
    return Chair(person, title, span, ctx.sentence_at(person.name_end)[1])
