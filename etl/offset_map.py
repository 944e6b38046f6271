"""A string under rewriting -> the rewritten string plus a compact map back to the original indices.

normalize_with_offsets runs on every document, and a list with one int per character costs more
than the normalisation itself; the map is kept as runs instead (from normalised index s on, the
original index grows by one per character), so a whole document usually needs ~150 runs.
"""

import bisect
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import overload

Edit = tuple[int, int, str]  # replace text[start:end] by the string


class OffsetMap(Sequence[int]):
    """offsets[i] = original index of normalised character i; offsets[len(text)] = original end."""

    def __init__(self, starts: list[int], origins: list[int] | None, length: int) -> None:
        """origins None: only drops happened, run k starts k characters later in the original
        (the last run, which holds only the end, as many as the run before it)."""
        self._starts, self._origins, self._length = starts, origins, length
        self._drops = len(starts) - 2

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("offset index out of range")
        k = bisect.bisect_right(self._starts, i) - 1
        if self._origins is None:
            return i + min(k, self._drops)
        return self._origins[k] + i - self._starts[k]

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self._length))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OffsetMap({list(self)!r})"


class Tracked:
    """A string under rewriting plus its runs back to the original text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts, self._origins = [0], [0]  # identity; the run at len(text) is the end

    @property
    def origins(self) -> list[int]:
        """Original index of each run start (made on demand after a drop from the identity)."""
        if self._origins is None:
            self._origins = list(map(operator.add, self.starts, range(len(self.starts))))
            self._origins[-1] -= 1  # the end run follows the last piece, not another drop
        return self._origins

    @origins.setter
    def origins(self, origins: list[int]) -> None:
        self._origins = origins

    def at(self, i: int) -> int:
        """Original index of current index i (i may be len(text): the end)."""
        k = bisect.bisect_right(self.starts, i) - 1
        return self.origins[k] + i - self.starts[k]

    def offsets(self) -> OffsetMap:
        return OffsetMap(self.starts, self._origins, len(self.text) + 1)

    def _copy(self, a: int, b: int, to: int, runs: tuple[list[int], list[int]]) -> None:
        """Append the runs that map current [a, b) to their originals, placed at index `to`."""
        if a >= b:
            return
        k = bisect.bisect_right(self.starts, a) - 1
        m = bisect.bisect_left(self.starts, b, k + 1)  # runs k+1 .. m-1 begin inside [a, b)
        runs[0].append(to)
        runs[1].append(self.origins[k] + a - self.starts[k])
        runs[0].extend(map(operator.add, self.starts[k + 1 : m], itertools.repeat(to - a)))
        runs[1].extend(self.origins[k + 1 : m])

    def apply(self, edits: list[Edit]) -> None:
        """Apply sorted, disjoint edits; new character j of an edit maps to old character start+j
        (characters beyond the old length map to the edit's last old character)."""
        if not edits:
            return
        runs: tuple[list[int], list[int]] = ([], [])
        pos = to = 0
        for start, end, new in edits:
            self._copy(pos, start, to, runs)
            same = min(len(new), end - start)
            self._copy(start, start + same, to + start - pos, runs)
            to += start - pos + same
            for _ in range(len(new) - same):
                runs[0].append(to)
                runs[1].append(self.at(max(start, end - 1)))
                to += 1
            pos = end
        self._copy(pos, len(self.text), to, runs)
        to += len(self.text) - pos
        runs[0].append(to)
        runs[1].append(self.at(len(self.text)))
        self.text = splice(self.text, edits)
        self.starts, self.origins = runs

    def replace(self, pattern: re.Pattern[str], new: Callable[[re.Match[str]], str]) -> None:
        """Replace every match of `pattern` by new(match)."""
        self.apply([(m.start(), m.end(), new(m)) for m in pattern.finditer(self.text)])

    def drop(self, chars: str) -> None:
        """Delete every character in `chars` (split on the first; the others are rare)."""
        text = self.text
        for ch in chars[1:]:
            if ch in text:
                text = text.replace(ch, chars[0])
        pieces = text.split(chars[0])
        if len(pieces) == 1:
            return
        if self.starts != [0]:  # not the identity any more: the general path
            edits, pos = [], 0
            for piece in pieces[:-1]:
                pos += len(piece)
                edits.append((pos, pos + 1, ""))
                pos += 1
            self.apply(edits)
            return
        self.starts = list(itertools.accumulate(map(len, pieces), initial=0))
        # piece k starts after k deleted characters, and the end maps to the original end: the
        # origins follow from the starts, and most documents never need them as a list
        self._origins = None
        self.text = "".join(pieces)

    def nfc(self) -> None:
        """NFC one starter-plus-marks segment at a time, so offsets stay exact per segment."""
        if unicodedata.is_normalized("NFC", self.text):
            return
        text = self.text
        starts = [i for i, ch in enumerate(text) if i == 0 or not unicodedata.combining(ch)]
        spans = zip(starts, [*starts[1:], len(text)], strict=True)
        edits = [(a, b, unicodedata.normalize("NFC", text[a:b])) for a, b in spans]
        whole = unicodedata.normalize("NFC", text)
        if splice(text, edits) != whole:  # a composition across segments (rare scripts)
            edits = [(0, len(text), whole)]
        self.apply(edits)


def splice(text: str, edits: list[Edit]) -> str:
    """`text` with the sorted, disjoint edits applied."""
    parts, pos = [], 0
    for start, end, new in edits:
        parts += [text[pos:start], new]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
