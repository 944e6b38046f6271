"""Khmer text -> a normalised form for matching (plus an offset map back to the original text).

The original text is kept for display and evidence; matching runs on the normalised form, where
spelling variants that Khmer writers mix are folded together. Every rule below was checked against
the 2019 news corpus (counts in tests/test_normalize.py docstrings):
- zero-width characters (U+200B word separators, U+200C/D, U+FEFF, U+00AD) and the invisible
  inherent vowels U+17B4/U+17B5 are dropped; Khmer digits become ASCII digits; odd spaces become " ";
- deprecated independent vowels: U+17A3 ឣ -> អ, U+17A4 ឤ -> អា;  ឲ -> ឱ (ឲ្យ / ឱ្យ);
  ៈ (yuukaleapintu) -> ះ (reahmuk): writers swap them (គណះកម្មការ, រយះពេល);
- coeng-DA -> coeng-TA (កណ្ដាល -> កណ្តាល);
- cluster order: coeng-RO after the other subscripts (្រ្ត -> ្ត្រ), subscripts before shifters,
  shifters (៉ ៊) before vowels, vowels before signs (ំា -> ាំ, ទេ្វ -> ទ្វេ);
- split vowels: េ+ី -> ើ, េ+ា -> ោ; a doubled mark -> one mark;
- ុ typed for a shifter under an upper vowel (សុី -> ស៊ី, មុឺន -> ម៉ឺន);
- runs of spaces -> one space.  Newlines are kept: they still separate headline and paragraphs.
"""

import re
import unicodedata
from collections.abc import Callable

_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
_CHAR_MAP: dict[int, str | None] = {ord(c): None for c in _DROP}
_CHAR_MAP.update({ord(c): " " for c in _SPACES})
_CHAR_MAP.update({0x17E0 + i: str(i) for i in range(10)})  # ០-៩
_CHAR_MAP.update({0x17A3: "\u17a2", 0x17A4: "\u17a2\u17b6", 0x17B2: "\u17b1", 0x17C8: "\u17c7"})
_TRANSLATABLE = re.compile("[" + "".join(chr(k) for k in _CHAR_MAP) + "]")

_SUB = "\u17d2[\u1780-\u17a2]"  # coeng + consonant
_SHIFT = "[\u17c9\u17ca]"
_VOWEL = "[\u17b6-\u17c5]"
_SIGN = "[\u17c6-\u17c8\u17cb\u17cd-\u17d1\u17d3\u17dd]"  # robat U+17CC stays where it is
_MARK = "[\u17b6-\u17c8\u17c9-\u17cb\u17cd-\u17d1\u17d3\u17dd]"

# Each rule swaps or merges one adjacent pair; applied until nothing matches (a bubble sort).
_RULE_SOURCES: tuple[tuple[str, str], ...] = (
    ("\u17d2\u178a", "\u17d2\u178f"),  # coeng-DA -> coeng-TA
    ("(\u17d2\u179a)(\u17d2[\u1780-\u1799\u179b-\u17a2])", r"\2\1"),  # coeng-RO last
    (f"({_MARK})({_SUB})", r"\2\1"),  # subscripts first
    (f"({_VOWEL}|{_SIGN})({_SHIFT})", r"\2\1"),  # shifter before vowel/sign
    (f"({_SIGN})({_VOWEL})", r"\2\1"),  # vowel before sign
    ("\u17c1\u17b8", "\u17be"),  # េ+ី -> ើ
    ("\u17c1\u17b6", "\u17c4"),  # េ+ា -> ោ
    (f"({_MARK})\\1", r"\1"),  # doubled mark
    ("([\u1784\u1789\u1793\u1798\u1799\u179a\u179b\u179c])\u17bb([\u17b7-\u17ba])", "\\1\u17c9\\2"),
    ("([\u1794\u179f\u17a0\u17a2])\u17bb([\u17b7-\u17ba])", "\\1\u17ca\\2"),
)
_CLUSTER_RULES = tuple((re.compile(p), r) for p, r in _RULE_SOURCES)
# One pattern to ask "is anything left to fold?": groups made non-capturing, the backreference named.
_CLUSTER_BAD = re.compile(
    "|".join(
        p.replace("(", "(?:").replace("(?:" + _MARK + ")\\1", f"(?P<dup>{_MARK})(?P=dup)")
        for p, _ in _RULE_SOURCES
    )
)
_SPACE_RUN = re.compile("  +")

Sub = Callable[[re.Pattern[str], str, str], str]


def _fold_clusters(text: str, sub: Sub) -> str:
    """Apply the cluster rules until none matches (a few passes at most on real text)."""
    for _ in range(32):
        if not _CLUSTER_BAD.search(text):
            break
        for rx, repl in _CLUSTER_RULES:
            text = sub(rx, repl, text)
    return text


def _is_stable(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not _TRANSLATABLE.search(text)


def normalize_text(text: str) -> str:
    """Normalised form of `text` for matching (idempotent; see the module docstring)."""
    for _ in range(8):
        text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
        text = _fold_clusters(text, lambda rx, repl, s: rx.sub(repl, s))
        text = _SPACE_RUN.sub(" ", text)
        if _is_stable(text):
            break
    return text


class _Tracked:
    """A string under rewriting together with, per character, its index in the original."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets = list(range(len(text) + 1))

    def rewrite(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> None:
        """Replace every match; output character j of a match maps to input character a+j."""
        parts: list[str] = []
        offsets: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            a, b = m.span()
            new = replace(m)
            parts.append(self.text[pos:a])
            offsets.extend(self.offsets[pos:a])
            parts.append(new)
            offsets.extend(self.offsets[min(a + j, b - 1)] for j in range(len(new)))
            pos = b
        if not parts:
            return
        parts.append(self.text[pos:])
        offsets.extend(self.offsets[pos:])
        self.text = "".join(parts)
        self.offsets = offsets

    def sub(self, rx: re.Pattern[str], repl: str, text: str) -> str:
        self.rewrite(rx, lambda m: m.expand(repl))
        return self.text

    def nfc(self) -> None:
        """NFC one starter-plus-marks segment at a time, so offsets stay exact per segment."""
        if unicodedata.is_normalized("NFC", self.text):
            return
        spans = _starter_spans(self.text)
        pieces = [unicodedata.normalize("NFC", self.text[a:b]) for a, b in spans]
        whole = unicodedata.normalize("NFC", self.text)
        if "".join(pieces) != whole:  # compositions across segments (rare scripts): one segment
            spans, pieces = [(0, len(self.text))], [whole]
        offsets: list[int] = []
        for (a, b), piece in zip(spans, pieces, strict=True):
            offsets.extend(self.offsets[min(a + j, b - 1)] for j in range(len(piece)))
        self.text = whole
        self.offsets = offsets + [self.offsets[-1]]


def _starter_spans(text: str) -> list[tuple[int, int]]:
    starts = [i for i, ch in enumerate(text) if i == 0 or not unicodedata.combining(ch)]
    return list(zip(starts, starts[1:] + [len(text)], strict=True))


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """normalize_text(text) plus offsets: normalised index i (and the end) -> original index."""
    tracked = _Tracked(text)
    for _ in range(8):
        tracked.nfc()
        tracked.rewrite(_TRANSLATABLE, lambda m: m.group().translate(_CHAR_MAP))
        _fold_clusters(tracked.text, tracked.sub)
        tracked.rewrite(_SPACE_RUN, lambda m: " ")
        if _is_stable(tracked.text):
            break
    return tracked.text, tracked.offsets
