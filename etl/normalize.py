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

from etl.offset_map import Edit, Tracked, splice

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

_RO = "\u17d2\u179a"
_SHIFTERS = "\u17c9\u17ca"
_VOWELS = "".join(chr(c) for c in range(0x17B6, 0x17C6))
_SIGNS = "\u17c6\u17c7\u17cb\u17cd\u17ce\u17cf\u17d0\u17d1\u17d3\u17dd"  # robat U+17CC stays put
_VS = f"[{_VOWELS}{_SIGNS}]"
_SUB = "\u17d2[\u1780-\u17a2]"  # coeng + consonant
_MARK_SET = frozenset(_SHIFTERS + _VOWELS + _SIGNS)
_UPPER_VOWELS = "\u17b7\u17b8\u17b9\u17ba"
# Which shifter a ុ stands for before an upper vowel: ៉ for these o-series sonorants, ៊ for ប ស ហ អ.
_SHIFTER_FOR = {c: "\u17c9" for c in "\u1784\u1789\u1793\u1798\u1799\u179a\u179b\u179c"}
_SHIFTER_FOR.update({c: "\u17ca" for c in "\u1794\u179f\u17a0\u17a2"})
# A misordered spot that needs its cluster rebuilt; canonical clusters never match.
_BAD_SPOT = re.compile(
    f"{_VS}(?:{_SUB}|[{_SHIFTERS}])|[{_SHIFTERS}]{_SUB}"
    f"|\u17bb(?<=[{''.join(_SHIFTER_FOR)}]\u17bb)[{_UPPER_VOWELS}]"
)
# Cheap gate for clusters: low byte of each UTF-16 unit -> V (vowel/sign), C (coeng), H (shifter),
# else "."; "vowel before coeng" is then a bytes search (false hits from other scripts cost time only).
_CATEGORY_TABLE = bytes(
    ord("V" if chr(0x1700 + b) in _VOWELS + _SIGNS else "C" if b == 0xD2 else ".")
    if b not in (0xC9, 0xCA)
    else ord("H")
    for b in range(256)
)
_U_BEFORE_UPPER = re.compile(f"\u17bb[{_UPPER_VOWELS}]")
_CLUSTER = re.compile(f"(?:{_SUB}|[{_SHIFTERS}{_VOWELS}{_SIGNS}])+")
_SPACE_RUN = re.compile("  +")


def _is_consonant(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17a2"


def _cluster_start(text: str, i: int) -> int:
    """Index where the run of subscripts and marks containing position i begins."""
    while i > 0:
        if text[i - 1] in _MARK_SET:
            i -= 1
        elif i > 1 and text[i - 2] == "\u17d2" and _is_consonant(text[i - 1]):
            i -= 2
        else:
            break
    return i


def _canonical_cluster(base: str, items: list[str]) -> str:
    """Subscripts (RO last), shifters, vowels (composed, no doubles), then signs."""
    subs = sorted((it for it in items if len(it) == 2), key=lambda it: it == _RO)
    shifters = "".join(dict.fromkeys(it for it in items if it in _SHIFTERS))
    vowels = _dedupe("".join(it for it in items if it in _VOWELS))
    vowels = _dedupe(vowels.replace("\u17c1\u17b8", "\u17be").replace("\u17c1\u17b6", "\u17c4"))
    if not shifters:
        shifters, vowels = _shifter_for_u(subs[-1][1] if subs else base, vowels)
    signs = "".join(it for it in items if it in _SIGNS)
    return "".join(subs) + shifters + vowels + signs


def _shifter_for_u(consonant: str, vowels: str) -> tuple[str, str]:
    """ុ under an upper vowel looks like a shifter there, so writers type it instead."""
    if (
        consonant in _SHIFTER_FOR
        and vowels[:1] == "\u17bb"
        and vowels[1:2]
        and vowels[1] in _UPPER_VOWELS
    ):
        return _SHIFTER_FOR[consonant], vowels[1:]
    return "", vowels


def _dedupe(marks: str) -> str:
    return "".join(c for i, c in enumerate(marks) if i == 0 or c != marks[i - 1])


def _cluster_edits(text: str) -> list[Edit]:
    """Edits that rebuild every cluster holding a bad spot."""
    edits: list[Edit] = []
    done = 0
    for spot in _BAD_SPOT.finditer(text):
        if spot.start() < done:
            continue
        start = _cluster_start(text, spot.start())
        cluster = _CLUSTER.match(text, start)
        if cluster is None:
            continue
        items = re.findall("\u17d2.|.", cluster.group(), re.S)
        new = _canonical_cluster(text[start - 1] if start else "", items)
        if new != cluster.group():
            edits.append((start, cluster.end(), new))
        done = cluster.end()
    return edits


def _may_be_bad(text: str) -> bool:
    cats = text.encode("utf-16-le", "surrogatepass")[::2].translate(_CATEGORY_TABLE)
    return b"VC" in cats or b"VH" in cats or b"HC" in cats or bool(_U_BEFORE_UPPER.search(text))


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
        if _may_be_bad(text):
            text = splice(text, _cluster_edits(text))
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)
        if unicodedata.is_normalized("NFC", text):  # removals can let marks compose
            break
    return text


_SEQ_PATTERNS = tuple((old, re.compile(re.escape(old)), new) for old, new in _SEQ_FOLDS)


def _fold_literals_tracked(tracked: Tracked) -> None:
    """_fold_literals with offsets: the same folds in the same order. Same-length folds leave
    the offsets as they are, so only deletions and merges pay for offset bookkeeping."""
    tracked.drop(_DROP)
    rare = _RARE_FOLDS if _RARE_CHARS.search(tracked.text) else ()
    for old, new in (*_FREQUENT_FOLDS, *rare):
        if new and old in tracked.text:
            if len(new) == 1:
                tracked.text = tracked.text.replace(old, new)
            else:
                tracked.replace(re.compile(re.escape(old)), lambda m, new=new: new)
    for old, pattern, new in _SEQ_PATTERNS:
        for _ in range(8):
            if old not in tracked.text:
                break
            if len(old) == len(new):
                tracked.text = tracked.text.replace(old, new)
            else:
                tracked.replace(pattern, lambda m, new=new: new)
    tracked.text = _ro_last(tracked.text)  # a reorder: same length


def normalize_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """normalize_text(text) plus offsets: normalised index i (and the end) -> original index.

    The offsets are a compact read-only sequence (index it, len() it, list() it if needed)."""
    tracked = Tracked(text)
    for _ in range(8):
        tracked.nfc()
        _fold_literals_tracked(tracked)
        if _may_be_bad(tracked.text):
            tracked.apply(_cluster_edits(tracked.text))
        tracked.replace(_SPACE_RUN, lambda m: " ")
        if unicodedata.is_normalized("NFC", tracked.text):
            break
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


def _piece_starts(text: str) -> list[int]:
    """Where each piece of text between invisible characters starts in drop_invisible(text)."""
    for ch in _INVISIBLE[1:]:
        if ch in text:
            text = text.replace(ch, _INVISIBLE[0])
    return list(itertools.accumulate(map(len, text.split(_INVISIBLE[0])), initial=0))[:-1]


def _visible_to_original(starts: list[int], c: int) -> int:
    """Index in the text of character c of its visible form (or the end): c lies in piece k,
    after k invisible characters."""
    return c + bisect.bisect_right(starts, c) - 1


def invisible_span_to_original(text: str, start: int, end: int) -> tuple[int, int]:
    """Map a non-empty span of drop_invisible(text) back to `text` (no invisible edges)."""
    starts = _piece_starts(text)
    first = _visible_to_original(starts, start)
    return first, max(first, _visible_to_original(starts, end - 1) + 1)
