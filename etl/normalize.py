"""Khmer text -> a normalised form for matching (plus an offset map back to the original text).

The original text is kept for display and evidence; matching runs on the normalised form, where
spelling variants that Khmer writers mix are folded together. Each rule was checked against the
2019 news corpus (2,100 articles; counts in brackets):
- zero-width characters (U+200B word separators, U+200C/D, U+2060, U+FEFF, U+00AD) and the invisible
  inherent vowels U+17B4/U+17B5 are dropped; Khmer digits become ASCII; odd spaces become " ";
- deprecated independent vowels U+17A3 ឣ -> អ (seed 003 ឣង្គការ), U+17A4 ឤ -> អា;
  ឲ -> ឱ (ឲ្យ 4,656 / ឱ្យ 1,827); ៈ -> ះ (writers swap them: seed 004 គណះកម្មការ, seed 002 រយះពេល);
- coeng-DA -> coeng-TA (្ដ 4,142 / ្ត 24,503: កណ្ដាល = កណ្តាល);
- cluster order: subscripts first with coeng-RO last (្រ្ត 640, ្រ្គ 81, ្រ្ដ 60 ...), then the
  shifter ៉/៊, then vowels, then signs (ំា 58, vowel before coeng ~150: ទេ្វ -> ទ្វេ);
- split vowels េ+ី -> ើ (675), េ+ា -> ោ; a doubled vowel or shifter -> one (មួួយ);
- ុ typed for a shifter before an upper vowel (117: សុីវិល -> ស៊ីវិល, មុឺន -> ម៉ឺន);
- runs of spaces -> one space.  Newlines are kept: they still separate headline and paragraphs.
drop_invisible / invisible_span_to_original are the cheap alternative when only zero-width
characters must go (dates are matched that way, with exact offsets).
Speed matters (every document passes here), so the common work is str.replace and literal-prefix
regexes; clusters are rebuilt only around the rare misordered spots.
"""

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence

from etl.normalize_clusters import VOWEL_SIGNS, cluster_edits, may_be_bad
from etl.offset_map import Tracked, splice

_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5"
_SPACES = (
    "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# One character -> a string. No output is another input, so the order does not matter.
_CHAR_FOLDS: tuple[tuple[str, str], ...] = (
    *((c, "") for c in _DROP),
    *((c, " ") for c in _SPACES),
    *((chr(0x17E0 + i), str(i)) for i in range(10)),  # ០-៩
    ("\u17a3", "\u17a2"),  # ឣ -> អ
    ("\u17a4", "\u17a2\u17b6"),  # ឤ -> អា
    ("\u17b2", "\u17b1"),  # ឲ -> ឱ
    ("\u17c8", "\u17c7"),  # ៈ -> ះ
)
_FREQUENT = frozenset(("\u200b", "\u17b2", "\u17c8", *(chr(0x17E0 + i) for i in range(10))))
_FREQUENT_FOLDS = tuple(fold for fold in _CHAR_FOLDS if fold[0] in _FREQUENT)
_RARE_FOLDS = tuple(fold for fold in _CHAR_FOLDS if fold[0] not in _FREQUENT)
_RARE_CHARS = re.compile("[" + "".join(old for old, _ in _RARE_FOLDS) + "]")
# Sequences, in this order, each repeated while present (a swap can expose the next one).
_SEQ_FOLDS: tuple[tuple[str, str], ...] = (
    ("\u17d2\u178a", "\u17d2\u178f"),  # coeng-DA -> coeng-TA
    ("\u17c6\u17b6", "\u17b6\u17c6"),  # ំា -> ាំ
    ("\u17c6\u17bb", "\u17bb\u17c6"),  # ំុ -> ុំ
    ("\u17c1\u17b8", "\u17be"),  # េ+ី -> ើ
    ("\u17c1\u17b6", "\u17c4"),  # េ+ា -> ោ
)
# RO-run then other subscripts; written to start with a literal, so the regex engine jumps
# between coeng-RO spots instead of trying every character (~7x faster on a long article).
_RO_FIRST = re.compile("(\u17d2\u179a(?:\u17d2\u179a)*)((?:\u17d2[\u1780-\u1799\u179b-\u17a2])+)")

_SPACE_RUN = re.compile("  +")


def _ro_last(text: str) -> str:
    """Coeng-RO after the other subscripts: each _RO_FIRST match swapped (group 2, then group 1),
    repeated while one is left; split/join keeps it all in C (a template sub expands each match
    in Python, several times slower on a long article)."""
    for _ in range(8):
        if "\u17d2\u179a\u17d2" not in text:
            break
        parts = _RO_FIRST.split(text)  # [text, ro-run, subscripts, text, ...]
        if len(parts) == 1:
            break
        parts[1::3], parts[2::3] = parts[2::3], parts[1::3]
        text = "".join(parts)
    return text


def _fold_literals(text: str) -> str:
    """_CHAR_FOLDS, then _SEQ_FOLDS, then coeng-RO last: plain str.replace where possible."""
    for old, new in _FREQUENT_FOLDS:
        if old in text:
            text = text.replace(old, new)
    if _RARE_CHARS.search(text):
        for old, new in _RARE_FOLDS:
            text = text.replace(old, new)
    for old, new in _SEQ_FOLDS:
        for _ in range(8):
            if old not in text:
                break
            text = text.replace(old, new)
    return _ro_last(text)


# The last normalize_with_offsets input and result: a headline is normalised with offsets and
# then again as the given title (Context), so the second call is a lookup. One tuple, replaced
# whole, so a reader always sees a matching pair.
_LAST: tuple[str, str] = ("", "")


def normalize_text(text: str) -> str:
    """Normalised form of `text` for matching (idempotent; see the module docstring)."""
    last = _LAST
    if text == last[0]:
        return last[1]
    for _ in range(8):
        text = _fold_literals(unicodedata.normalize("NFC", text))
        if may_be_bad(text):
            text = splice(text, cluster_edits(text))
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)
        if unicodedata.is_normalized("NFC", text):  # removals can let marks compose
            break
    return text


_SEQ_PATTERNS = tuple(
    ("da" if new == "\u17d2\u178f" else "vowels", old, re.compile(re.escape(old)), new)
    for old, new in _SEQ_FOLDS
)
# Strings of these characters are NFC whatever is dropped or folded (tests/test_normalize.py checks
# it): Latin-1, U+1700-17FF (Khmer, Philippine scripts) except U+17DD, the one mark there whose
# combining class is not 9, and U+2010-2027 (dashes, quotes, bullets, ellipsis: news punctuation).
# The UTF-16 high bytes tell the blocks apart; the low bytes of the U+20xx units are checked only
# when there are some (ints AND the two byte strings as one mask each).
_SAFE_HIGH_BYTES = b"\x00\x17\x20"
_UNSAFE_IN_SAFE_BLOCKS = "\u17dd"
_HIGH_20 = bytes(0xFF if b == 0x20 else 0 for b in range(256))
_LOW_NOT_SAFE_IN_20 = bytes(0 if 0x10 <= b <= 0x27 else 0xFF for b in range(256))


def _is_safe(char: str) -> bool:
    return (
        char < "\u0100" or "\u1700" <= char < "\u1800" or "\u2010" <= char <= "\u2027"
    ) and char not in _UNSAFE_IN_SAFE_BLOCKS


_SAFE_RARE = tuple(old for old, new in _RARE_FOLDS if new and _is_safe(old))


def _safe_low_bytes(text: str) -> bytes | None:
    """The low bytes of text's UTF-16 units when text is all safe characters (see above), else None."""
    units = text.encode("utf-16-le", "surrogatepass")
    high = units[1::2]
    if high.translate(None, _SAFE_HIGH_BYTES) or _UNSAFE_IN_SAFE_BLOCKS in text:
        return None
    low = units[::2]
    if b"\x20" in high and int.from_bytes(high.translate(_HIGH_20), "little") & int.from_bytes(
        low.translate(_LOW_NOT_SAFE_IN_20), "little"
    ):
        return None
    return low


# Which later steps a safe text can need, from one pass over its UTF-16 low bytes: each character
# gets a class, each adjacent pair one byte (class + 16 * next class), and pairs no step acts on are
# deleted. Latin-1 characters share low bytes with Khmer ones: they can only add false "maybe"s.
_CLASSES = bytes(
    {0xD2: 1, 0x8A: 2, 0xC6: 3, 0xC1: 4, 0xB6: 5, 0xBB: 6, 0xB8: 7, 0xB7: 8, 0xB9: 8, 0xBA: 8}.get(
        b,
        {0xC9: 9, 0xCA: 9, 0x20: 10, 0x9A: 11}.get(b, 12 if chr(0x1700 + b) in VOWEL_SIGNS else 0),
    )
    for b in range(256)
)
_PAIR_STEP = {
    1 | 2 << 4: "da",  # coeng-DA
    **{first | second << 4: "vowels" for first, second in ((3, 5), (3, 6), (4, 7), (4, 5))},
    11 | 1 << 4: "ro",  # RO then coeng: maybe coeng-RO before another subscript
    **{vowel | next_ << 4: "cluster" for vowel in (3, 4, 5, 6, 7, 8, 12) for next_ in (1, 9)},
    9 | 1 << 4: "cluster",  # shifter before a subscript
    6 | 7 << 4: "cluster",  # ុ before an upper vowel
    6 | 8 << 4: "cluster",
    10 | 10 << 4: "space",
}
_NO_STEP = bytes(code for code in range(256) if code not in _PAIR_STEP)


def _steps(low: bytes) -> frozenset[str]:
    """The steps after the character folds that a safe text with these low bytes may need."""
    classes = int.from_bytes(low.translate(_CLASSES), "little")
    pairs = (classes | (classes >> 8 << 4)).to_bytes(len(low), "little")
    return frozenset(_PAIR_STEP[code] for code in set(pairs.translate(None, _NO_STEP)))


def _fold_frequent(tracked: Tracked) -> None:
    """Drop invisible characters, then the frequent one-character folds (all same-length)."""
    tracked.drop(_DROP)
    for old, new in _FREQUENT_FOLDS:
        if new and old in tracked.text:
            tracked.text = tracked.text.replace(old, new)


def _fold_rest(tracked: Tracked, rare: bool, steps: frozenset[str] | None = None) -> None:
    """The rare one-character folds (when `rare`), _SEQ_FOLDS, then coeng-RO last (only `steps`
    when given). Same-length folds leave the offsets alone; only merges pay for bookkeeping."""
    for old, new in _RARE_FOLDS if rare else ():
        if new and old in tracked.text:
            if len(new) == 1:
                tracked.text = tracked.text.replace(old, new)
            else:
                tracked.replace(re.compile(re.escape(old)), lambda m, new=new: new)
    for step, old, pattern, new in _SEQ_PATTERNS:
        for _ in range(8 if steps is None or step in steps else 0):
            if old not in tracked.text:
                break
            if len(old) == len(new):
                tracked.text = tracked.text.replace(old, new)
            else:
                tracked.replace(pattern, lambda m, new=new: new)
    if steps is None or "ro" in steps:
        tracked.text = _ro_last(tracked.text)  # a reorder: same length


def _finish_pass(tracked: Tracked, steps: frozenset[str] | None = None) -> None:
    """Rebuild misordered clusters, then collapse space runs (only `steps` when given)."""
    if may_be_bad(tracked.text) if steps is None else "cluster" in steps:
        tracked.apply(cluster_edits(tracked.text))
    if (steps is None or "space" in steps) and "  " in tracked.text:
        tracked.replace(_SPACE_RUN, lambda m: " ")


def normalize_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """normalize_text(text) plus offsets: normalised index i (and the end) -> original index.

    The offsets are a compact read-only sequence (index it, len() it, list() it if needed).
    Same steps as normalize_text; a text of safe characters (most articles) skips the NFC checks
    and the rare-fold scan, and the bytes of that check tell which later steps can be skipped
    (the folds keep the classes _steps reads: a vowel for a vowel, subscripts among subscripts)."""
    tracked = Tracked(text)
    _fold_frequent(tracked)
    low = _safe_low_bytes(tracked.text)  # safe: text is NFC, and so is every fold of it
    if low is None and not unicodedata.is_normalized("NFC", text):
        tracked = Tracked(text)
        tracked.nfc()
        _fold_frequent(tracked)
    if low is not None and any(char in tracked.text for char in _SAFE_RARE):
        low = None  # a rare fold changes characters: the general checks from here on
    steps = None if low is None else _steps(low)
    _fold_rest(tracked, rare=low is None and bool(_RARE_CHARS.search(tracked.text)), steps=steps)
    _finish_pass(tracked, steps)
    for _ in range(0 if low is not None else 7):
        if unicodedata.is_normalized("NFC", tracked.text):  # removals can let marks compose
            break
        tracked.nfc()
        _fold_frequent(tracked)
        _fold_rest(tracked, rare=bool(_RARE_CHARS.search(tracked.text)))
        _finish_pass(tracked)
    global _LAST  # noqa: PLW0603 - see _LAST
    _LAST = (text, tracked.text)
    return tracked.text, tracked.offsets()


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def drop_invisible(text: str) -> str:
    """Text without zero-width characters only (a cheap view for matching with exact offsets)."""
    for ch in _INVISIBLE:
        if ch in text:
            text = text.replace(ch, "")
    return text


def _piece_ends(text: str) -> list[int]:
    """0, then where each piece of text between invisible characters ends in drop_invisible(text)
    (so [:-1] are the pieces' starts and [-1] is the visible length)."""
    for ch in _INVISIBLE[1:]:
        if ch in text:
            text = text.replace(ch, _INVISIBLE[0])
    return list(itertools.accumulate(map(len, text.split(_INVISIBLE[0])), initial=0))


def _visible_to_original(starts: list[int], c: int) -> int:
    """Index in the text of character c of its visible form (or the end): c lies in piece k,
    after k invisible characters."""
    return c + bisect.bisect_right(starts, c) - 1


def invisible_span_to_original(text: str, start: int, end: int) -> tuple[int, int]:
    """Map a non-empty span of drop_invisible(text) back to `text` (no invisible edges)."""
    bound = end + 256  # dates sit near the top of long articles: only the pieces up to the span
    while (ends := _piece_ends(text[:bound]))[-1] <= end and bound < len(text):
        bound *= 2
    starts = ends[:-1]  # the pieces starting up to `end` are the whole text's
    first = _visible_to_original(starts, start)
    return first, max(first, _visible_to_original(starts, end - 1) + 1)
