"""Khmer clusters -> canonical order (subscripts with coeng-RO last, shifter, vowels, signs).

Used by etl/normalize.py: cluster_edits lists the rebuilt clusters of a text; may_be_bad is the cheap
gate that says whether any cluster can need one (most articles have none).
"""

import re

from etl.offset_map import Edit

_RO = "\u17d2\u179a"
_SHIFTERS = "\u17c9\u17ca"
_VOWELS = "".join(chr(c) for c in range(0x17B6, 0x17C6))
_SIGNS = "\u17c6\u17c7\u17cb\u17cd\u17ce\u17cf\u17d0\u17d1\u17d3\u17dd"  # robat U+17CC stays put
VOWEL_SIGNS = _VOWELS + _SIGNS
_VS = f"[{VOWEL_SIGNS}]"
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


def cluster_edits(text: str) -> list[Edit]:
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


def may_be_bad(text: str) -> bool:
    """Whether a cluster of text may need rebuilding (never a false "no")."""
    cats = text.encode("utf-16-le", "surrogatepass")[::2].translate(_CATEGORY_TABLE)
    return b"VC" in cats or b"VH" in cats or b"HC" in cats or bool(_U_BEFORE_UPPER.search(text))
