"""Article text -> a Context: normalised text, offsets back to the original, title/lead zones, evidence.

Every extractor works on the normalised text (ctx.norm) and reports spans in it; ctx.evidence turns a
span into the {text, start, end} evidence of the original text, which is what a reader sees.
"""

import bisect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property

from etl import gazetteer
from etl.gazetteer import Hit
from etl.normalize import normalize_text, normalize_with_offsets

TITLE_MAX = 300  # a first line longer than this is a paragraph, not a headline
LEAD_CHARS = 700  # the lead: the first characters of the body, where the subject is stated
_SENTENCE_END = re.compile(r"[។៕\n]|\?|!")
VENUE_WORD_MAX = 12  # longest venue word (មជ្ឈមណ្ឌល) plus a space
# (?<!\d)(19[89]\d|20[0-4]\d)(?!\d) with the look-behind after the first digit: a pattern that opens
# with a look-behind is tried at every character; one that opens with [12] is scanned for those
YEAR = re.compile(r"(1(?<!\d1)9[89]\d|2(?<!\d2)0[0-4]\d)(?!\d)")


@dataclass
class Context:
    """One document under extraction."""

    text: str
    title: str | None = None
    published: str | None = None
    norm: str = field(init=False)
    offsets: list[int] = field(init=False)
    title_span: tuple[int, int] | None = field(init=False, default=None)
    title_norm: str = field(init=False, default="")
    body_start: int = field(init=False, default=0)
    _hits: dict[str, list[Hit]] = field(init=False, default_factory=dict, repr=False)
    _hit_starts: dict[str, list[int]] = field(init=False, default_factory=dict, repr=False)
    _evidence: dict[tuple[int, int], tuple[str, int, int]] = field(
        init=False, default_factory=dict, repr=False
    )
    memo: dict = field(
        init=False, default_factory=dict, repr=False
    )  # per-document extractor caches

    def __post_init__(self) -> None:
        self.norm, self.offsets = normalize_with_offsets(self.text)
        self._find_title()

    def _find_title(self) -> None:
        """The headline: the given title, else a short first line followed by more text."""
        stripped = self.norm.lstrip()
        lead_ws = len(self.norm) - len(stripped)
        given = self._title_normalized().strip() if self.title else ""
        if given and stripped.startswith(given):
            self.title_span = (lead_ws, lead_ws + len(given))
        elif not given:
            line_end = stripped.find("\n")
            if 0 < line_end <= TITLE_MAX and stripped[line_end:].strip():
                self.title_span = (lead_ws, lead_ws + line_end)
        if self.title_span:
            self.body_start = self.title_span[1]
            given = given or self.norm[slice(*self.title_span)]
        self.title_norm = given

    def _title_normalized(self) -> str:
        """normalize_text(title); a title that is the text's whole first line is read from norm
        (normalising never crosses a line break, so that line normalises as in the whole text)."""
        title = self.title or ""
        if "\n" not in title and self.text.startswith(title + "\n"):
            return self.norm[: self.norm.find("\n")]
        return normalize_text(title)

    @cached_property
    def body(self) -> str:
        """Normalised text after the headline."""
        return self.norm[self.body_start :]

    @cached_property
    def lead_end(self) -> int:
        """End (in norm) of the lead zone."""
        return min(len(self.norm), self.body_start + LEAD_CHARS)

    @cached_property
    def head(self) -> str:
        """Title (or, without one, nothing) plus the lead: where an article states its subject."""
        return self.title_norm + "\n" + self.norm[self.body_start : self.lead_end]

    def in_title(self, pos: int) -> bool:
        """Whether a norm position lies inside the headline."""
        return self.title_span is not None and self.title_span[0] <= pos < self.title_span[1]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """Span of the sentence (។, ៕, line break) around a norm position."""
        norm = self.norm
        start = max(norm.rfind("។", 0, pos), norm.rfind("៕", 0, pos), norm.rfind("\n", 0, pos)) + 1
        m = _SENTENCE_END.search(norm, pos)
        return start, (m.start() if m else len(norm))

    def hits(self, matcher: str, lo: int = 0, hi: int | None = None) -> list[Hit]:
        """Hits of one gazetteer matcher (e.g. "province_matcher") within norm[lo:hi]; the first call
        scans for all matchers at once."""
        if not self._hits:
            for name, hits in gazetteer.find_all(self.norm).items():
                self._hits[name + "_matcher"] = hits
                self._hit_starts[name + "_matcher"] = [h.start for h in hits]
        found = self._hits[matcher]
        if lo == 0 and hi is None:
            return found
        hi = len(self.norm) if hi is None else hi
        out = []
        for h in found[bisect.bisect_left(self._hit_starts[matcher], lo) :]:
            if h.start >= hi:
                break  # hits are in start order and end after they start
            if h.end <= hi:
                out.append(h)
        return out

    def mention_ends(self, word: str) -> list[int]:
        """End of each non-overlapping occurrence of `word` in norm, left to right (what
        re.finditer(re.escape(word)) finds, without compiling a pattern per name)."""
        ends, at = [], self.norm.find(word)
        while at >= 0 and word:
            ends.append(at + len(word))
            at = self.norm.find(word, at + len(word))
        return ends

    def evidence(self, start: int, end: int) -> dict:
        """Evidence for a norm span: the original snippet with its offsets in the original text."""
        if not self.offsets or end <= start:
            return {"text": "", "start": 0, "end": 0}
        found = self._evidence.get((start, end))
        if found is None:  # the same span often backs two fields (province and its code)
            a = self.offsets[start]
            b = self.offsets[min(end, len(self.norm)) - 1] + 1
            found = self._evidence[(start, end)] = (self.text[a:b], a, b)
        return {"text": found[0], "start": found[1], "end": found[2]}

    @cached_property
    def years(self) -> list[int]:
        """Four-digit years written in the text, in order."""
        return [int(y) for y in YEAR.findall(self.norm)]


def anchor_starts(
    text: str, anchors: tuple[str, ...], pos: int = 0, endpos: int = sys.maxsize
) -> list[int]:
    """Start of every occurrence of any anchor in text[pos:endpos], in order (str.find is fast)."""
    starts = set()
    for word in anchors:
        at = text.find(word, pos, endpos)
        while at >= 0:
            starts.add(at)
            at = text.find(word, at + 1, endpos)
    return sorted(starts)


def anchor_lead(words: list[str], anchors: tuple[str, ...]) -> int | None:
    """For a pattern matching exactly `words`: how far into a match its first anchor may start
    (see anchored_finditer); None when a word holds no anchor."""
    firsts = [min((w.find(a) for a in anchors if a in w), default=-1) for w in words]
    return None if -1 in firsts else max(firsts, default=0)


def anchored_finditer(
    rx: re.Pattern[str],
    text: str,
    anchors: tuple[str, ...],
    lead: int,
    pos: int = 0,
    endpos: int = sys.maxsize,
) -> Iterator[re.Match[str]]:
    """What rx.finditer(text, pos, endpos) yields, for a pattern (no look-behind, no empty match) whose every
    match holds an anchor starting at most `lead` characters after the match start: rx is tried only
    at the starts the anchors allow. The engine's scan over Khmer text, where most letters can open
    some alternative, costs ~15x a str.find per anchor."""
    tried = pos  # every start below this was tried already or lies inside a yielded match
    starts, i = anchor_starts(text, anchors, pos, endpos), 0
    while i < len(starts):
        at, m = starts[i], None
        for start in range(max(tried, at - lead), at + 1):
            if (m := rx.match(text, start, endpos)) is not None:
                break
        if m is None:
            tried, i = max(tried, at + 1), i + 1
            continue
        yield m
        tried = max(m.end(), m.start() + 1)
        i += tried > at  # a match that ends before this anchor: the anchor may open the next one


@cache
def venue_before() -> re.Pattern[str]:
    """A venue word (មជ្ឈមណ្ឌល ...) right at the end of the searched range."""
    words = gazetteer.meeting_cues()["venue_before"]
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + ") ?$")


class VenueGuarded:
    """A meeting-word pattern that skips matches inside a venue name (មជ្ឈមណ្ឌលសន្និបាត: a convention
    centre). Matches are filtered afterwards: a look-behind in the pattern would cost the fast scan.
    anchors, lead: see anchored_finditer (when every match holds an anchor)."""

    def __init__(self, rx: re.Pattern[str], anchors: tuple[str, ...] = (), lead: int = 0) -> None:
        self.rx = rx
        self.pattern = rx.pattern
        self.anchors, self.lead = anchors, lead

    def raw_finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """self.rx.finditer(text, pos, endpos), venue words or not."""
        if not self.anchors:
            return self.rx.finditer(text, pos, endpos)
        return anchored_finditer(self.rx, text, self.anchors, self.lead, pos, endpos)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """Matches not preceded by a venue word."""
        venue = venue_before()
        for m in self.raw_finditer(text, pos, endpos):
            if not venue.search(text, max(0, m.start() - VENUE_WORD_MAX), m.start()):
                yield m

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """The first match not preceded by a venue word (finditer's first, without its generator)."""
        venue = venue_before()
        for m in self.raw_finditer(text, pos, endpos):
            if not venue.search(text, max(0, m.start() - VENUE_WORD_MAX), m.start()):
                return m
        return None

    def findall(self, text: str) -> list[str]:
        """All matched strings (the pattern has no groups)."""
        return [m.group() for m in self.finditer(text)]
