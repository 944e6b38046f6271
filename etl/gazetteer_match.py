"""Surface tables (surface -> canonical key) -> a Matcher that finds every surface in normalised text.

Khmer surfaces are found by an Aho-Corasick automaton (pyahocorasick, C), one for all gazetteers: a
scan costs one pass over the text whatever the number of surfaces and gazetteers, many times faster
than a regex alternation per gazetteer, which tries every Khmer letter as a possible start. Spaces inside a Khmer surface are optional in the
text (writers split long names anywhere): the automaton runs over the text with its single spaces
taken out, and the hits are mapped back. Hits are leftmost-longest and non-overlapping, exactly what
the trie regex (trie_pattern, still used for short cue lists) would find. English surfaces match
case-insensitively on word boundaries, and only inside Latin-script runs.
"""

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import ahocorasick


class Hit(NamedTuple):
    """One gazetteer match in the normalised text: canonical key and span (a named tuple: a
    document makes dozens, and a frozen dataclass costs several times more to build)."""

    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Matcher:
    """Finds every surface of one gazetteer in normalised text, longest match first."""

    km_keys: dict[str, str]  # surface without spaces -> key
    en_regex: re.Pattern[str] | None
    en_keys: dict[str, str]
    km_automaton: Any = None  # ahocorasick.Automaton: surface -> ((group, length, key), ...)
    group: int = 0  # matchers compiled together share one automaton (one scan per text)

    def find(self, text: str) -> list[Hit]:
        """All non-overlapping hits, Khmer and English, in text order."""
        hits = self._khmer(text)
        hits += self.english(text)
        return sorted(hits, key=lambda h: h.start)

    def _khmer(self, text: str) -> list[Hit]:
        """Leftmost-longest, non-overlapping Khmer hits, mapped from the spaceless text back."""
        if self.km_automaton is None:
            return []
        squeezed, starts = squeeze_spaces(text)
        hits, done = [], 0
        for start, neg_end, group, key in _occurrences(self.km_automaton, squeezed):
            end = -neg_end
            if group == self.group and start >= done:
                done = end
                hits.append(Hit(key, _unsqueeze(starts, start), _unsqueeze(starts, end - 1) + 1))
        return hits

    def english(self, text: str, runs: Iterable[tuple[int, int]] | None = None) -> Iterator[Hit]:
        """English hits in text order, looked for in the Latin runs (or the given ones of them)."""
        if self.en_regex is None:
            return
        for lo, hi in latin_runs(text) if runs is None else runs:
            for m in self.en_regex.finditer(text, lo, hi):
                key = self.en_keys.get(_en_key(m.group()))
                if key is not None:
                    yield Hit(key, m.start(), m.end())


def find_each(
    matchers: list[Matcher], text: str, english: re.Pattern[str] | None = None
) -> list[list[Hit]]:
    """[m.find(text) for m in matchers], for matchers compiled together: their shared automaton's
    occurrences are walked once, each taken by its own matcher's leftmost-longest rule.
    english: any_english(matchers), when the caller keeps it."""
    automaton = matchers[0].km_automaton
    if automaton is None or any(m.km_automaton is not automaton for m in matchers):
        return [m.find(text) for m in matchers]
    squeezed, starts = squeeze_spaces(text)
    found: dict[int, list[Hit]] = {m.group: [] for m in matchers}
    done = dict.fromkeys(found, 0)
    for start, neg_end, group, key in _occurrences(automaton, squeezed):
        end = -neg_end
        if start >= done.get(group, end):
            done[group] = end
            found[group].append(
                Hit(key, _unsqueeze(starts, start), _unsqueeze(starts, end - 1) + 1)
            )
    runs = latin_runs(text)
    if runs:  # most Latin runs (photo credits, site names) hold no surface of any matcher
        union = english or any_english(matchers)
        runs = tuple(run for run in runs if union.search(text, *run))
    out = []
    for m in matchers:
        hits = found[m.group]
        if runs and (english := list(m.english(text, runs))):
            hits = sorted(hits + english, key=lambda h: h.start)
        out.append(hits)  # Khmer hits alone come in start order already
    return out


def any_english(matchers: list[Matcher]) -> re.Pattern[str]:
    """Matches where any of the matchers' English patterns (all case-insensitive) matches."""
    return _any_english(tuple(m.en_regex.pattern for m in matchers if m.en_regex))


@lru_cache(maxsize=4)
def _any_english(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_SINGLE_SPACE = re.compile("(?<! ) (?! )")
_LATIN_RUN = re.compile(r"[A-Za-z][^\u1780-\u17ff\n]*")


@lru_cache(maxsize=8)  # six matchers scan the same text in a row
def squeeze_spaces(text: str) -> tuple[str, list[int]]:
    """Text without its single spaces (runs stay: a surface may skip one space, not two), plus
    starts[k] = squeezed index where piece k begins (piece k begins k spaces later in `text`)."""
    pieces = _SINGLE_SPACE.split(text) if "  " in text else text.split(" ")
    return "".join(pieces), list(itertools.accumulate(map(len, pieces), initial=0))[:-1]


@lru_cache(maxsize=8)  # the matchers of one automaton scan the same text in a row
def _occurrences(automaton: Any, squeezed: str) -> list[tuple[int, int, int, str]]:
    """Every (start, -end, group, key) occurrence of a surface, overlapping ones too, sorted by
    start and then longest first: taking each one that starts after the last taken one ends
    gives the leftmost-longest hits."""
    found = [
        (end + 1 - size, -end - 1, group, key)
        for end, entries in automaton.iter(squeezed)
        for group, size, key in entries
    ]
    # a plain tuple sort (no key function): ties on (start, end) only join different groups,
    # whose order does not matter (each group takes its own hits)
    found.sort()
    return found


def _unsqueeze(starts: list[int], i: int) -> int:
    """Index in the original text of character i of the squeezed text."""
    return i + bisect.bisect_right(starts, i) - 1


_NOT_LATIN_LETTER = bytes(b for b in range(128) if not chr(b).isalpha())


@lru_cache(maxsize=8)  # six matchers scan the same text in a row
def latin_runs(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of Latin-script runs: English surfaces are only looked for there (fast on Khmer text).
    The ASCII letters, in order (a C encode), say where the first and the last one stand: the
    regex scans from the first and stops after the run holding the last (most articles have few)."""
    letters = text.encode("ascii", "ignore").translate(None, _NOT_LATIN_LETTER)
    if not letters:
        return ()
    last = text.rfind(chr(letters[-1]))
    runs = []
    for m in _LATIN_RUN.finditer(text, text.find(chr(letters[0]))):
        runs.append(m.span())
        if m.end() > last:
            break
    return tuple(runs)


def km_key(surface: str) -> str:
    """A Khmer surface as matched: spaces are optional in the text."""
    return surface.replace(" ", "")


def _en_key(surface: str) -> str:
    return " ".join(surface.lower().split())


def _trie_alts(node: dict, lead: str, flex: bool) -> str:
    parts = [
        lead + re.escape(ch) + _trie_alts(child, " ?" if flex else "", flex)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in node else body


def _trie(surfaces: Iterable[str], flex_spaces: bool) -> dict:
    root: dict = {}
    for surface in surfaces:
        node = root
        for ch in km_key(surface) if flex_spaces else surface:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def trie_pattern(surfaces: Iterable[str], flex_spaces: bool = True) -> str:
    """One regex alternation over `surfaces`, factored as a trie; longer surfaces win."""
    return _trie_alts(_trie(surfaces, flex_spaces), "", flex_spaces)


def trie_branches(surfaces: Iterable[str], flex_spaces: bool = True) -> list[str]:
    """The top-level alternatives of trie_pattern (non-empty surfaces), one per first letter and
    opening with it: joined into a larger alternation they keep the engine's first-letter scan."""
    root = _trie(surfaces, flex_spaces)
    lead = " ?" if flex_spaces else ""
    return [
        re.escape(ch) + _trie_alts(child, lead, flex_spaces)
        for ch, child in sorted(root.items())
        if ch
    ]


def add_surface(table: dict[str, str], surface: str, key: str, where: str) -> None:
    """Register one surface, refusing a surface that would map to two keys."""
    if not surface:
        raise ValueError(f"{where}: empty surface for {key!r}")
    old = table.setdefault(surface, key)
    if old != key:
        raise ValueError(f"{where}: surface {surface!r} maps to both {old!r} and {key!r}")


def compile_matchers(tables: list[tuple[dict[str, str], dict[str, str]]]) -> list[Matcher]:
    """Matchers from (Khmer spaceless normalised surface -> key, English surface -> key) tables;
    their Khmer surfaces share one automaton, so one scan of a text serves them all."""
    entries: dict[str, list[tuple[int, int, str]]] = {}
    for group, (km_keys, _) in enumerate(tables):
        for surface, key in km_keys.items():
            entries.setdefault(surface, []).append((group, len(surface), key))
    automaton = None
    if entries:
        automaton = ahocorasick.Automaton()
        for surface, found in entries.items():
            automaton.add_word(surface, tuple(found))
        automaton.make_automaton()
    return [
        Matcher(km_keys, *_english_regex(en), automaton if km_keys else None, group)
        for group, (km_keys, en) in enumerate(tables)
    ]


def compile_matcher(km_keys: dict[str, str], en: dict[str, str]) -> Matcher:
    """One Matcher (see compile_matchers)."""
    return compile_matchers([(km_keys, en)])[0]


def _english_regex(en: dict[str, str]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Case-insensitive regex over the English surfaces, and normalised surface -> key."""
    en_keys: dict[str, str] = {}
    for surface, key in en.items():
        add_surface(en_keys, _en_key(surface), key, "english")
    if not en_keys:
        return None, en_keys
    en_alts = trie_pattern(en_keys, flex_spaces=False).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w)(?:{en_alts})(?!\w)", re.IGNORECASE), en_keys
