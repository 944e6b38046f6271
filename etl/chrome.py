"""Page text -> article text: drop site headers, share buttons, captions, image links and related tails.

The rules are data (etl/data/chrome.json). Everything that is not chrome is kept character for
character, because evidence offsets index the cleaned text; only blank-line runs are collapsed.
"""

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from re import _constants as sre_constants  # the compiler's own parse: see _required_literal
from re import _parser as sre_parser

RULES_PATH = Path(__file__).resolve().parent / "data" / "chrome.json"
# Trimmed around a line before matching rules: whitespace plus zero-width/nbsp padding.
_PAD = " \t\r\n\f\v\u00a0\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
TITLE_MAX_CHARS = 200
KEY_FOLD_MAX_CHARS = 300


# What a case-blind ASCII letter matches besides its two cases (tests/test_read_chrome.py checks it).
_EXTRA_CASES = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
# More needles would cost more to look for than the alternative costs to try on each line
# (a one-character search is a memchr, so single characters may be more).
_MAX_NEEDLES, _MAX_CHARS = 2, 8


@dataclass(frozen=True)
class LineRule:
    """A line rule: alternatives fullmatched against a line's key, one alternation per page.

    An alternative with needles (strings one of which every match of it holds) is left out of
    the alternation of a page that holds none of them; such alternatives (\\S+\\., .{0,40}...)
    are the costly ones to try on each line, and most pages give them nothing to match."""

    patterns: tuple[str, ...]
    needles: tuple[tuple[int, tuple[str, ...]], ...]  # (bit of the alternative, its needles)
    _compiled: dict = field(default_factory=dict, compare=False)

    def for_page(self, page: str, folded: str) -> re.Pattern | None:
        """The alternation to fullmatch the keys of a page with (None: no key can match);
        keys come from the page's text and its folded form (see _line_keys)."""
        dead = 0
        for bit, needles in self.needles:
            for needle in needles:
                if needle in page or folded is not page and needle in folded:
                    break
            else:
                dead |= bit
        if dead not in self._compiled:
            alive = [p for i, p in enumerate(self.patterns) if not dead >> i & 1]
            self._compiled[dead] = _alternation(alive) if alive else None
        return self._compiled[dead]


@dataclass(frozen=True)
class ChromeRules:
    """Compiled chrome rules (line rules as one alternation; inline rules one by one, which is faster)."""

    header: re.Pattern
    drop_line: LineRule
    tail_heading: re.Pattern
    tail_max: int  # no longer key (ending in none of ":៖ ") can be a tail heading
    # (a character and a literal every match contains, pattern): a page without them is skipped
    inline_remove: tuple[tuple[str, str, re.Pattern], ...]
    break_markers: tuple[str, ...]
    inline_break: re.Pattern
    not_title: re.Pattern


def _alternation(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _required_literal(pattern: str) -> str:
    """The longest run of plain characters the pattern's top level always matches ("" if none).

    A page without it cannot match, so the pattern is skipped by one `in` test; a pattern with no
    literal prefix (such as one opening with \\b) would otherwise be tried at every character."""
    parsed = sre_parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return ""
    best = run = ""
    for op, arg in parsed.data:
        if op is sre_constants.LITERAL:
            run += chr(arg)
            best = max(best, run, key=len)
        elif op is not sre_constants.AT:  # zero-width assertions keep a run going
            run = ""
    return best


def _char_set(code: int, icase: bool) -> frozenset[str] | None:
    """The characters a literal matches (None: a cased non-ASCII letter under IGNORECASE)."""
    char = chr(code)
    if not icase or char.lower() == char.upper() == char:
        return frozenset(char)
    low = char.lower()
    return frozenset((low, low.upper(), *_EXTRA_CASES.get(low, ""))) if char.isascii() else None


def _needles(parsed, icase: bool) -> frozenset[str] | None:
    """Strings one of which every match holds: a run of exact literals, the characters of a
    case-blind letter, or the needles of each branch of a branch every match takes."""
    found: list[frozenset[str]] = []
    run = ""
    for op, arg in [*parsed, (None, None)]:
        chars = _char_set(arg, icase) if op is sre_constants.LITERAL else None
        if chars is not None and len(chars) == 1:
            run += chr(arg)
            continue
        found += [frozenset([run])] if run else []
        run, sub = "", None
        if chars is not None:
            found.append(chars)
        elif op is sre_constants.BRANCH:
            branches = [_needles(branch, icase) for branch in arg[1]]
            sub = None if None in branches else frozenset().union(*branches)
        elif op is sre_constants.SUBPATTERN and not (arg[1] | arg[2]) & (re.LOCALE | re.ASCII):
            sub = _needles(arg[3], (icase or bool(arg[1] & re.IGNORECASE)) and not arg[2] & re.IGNORECASE)
        elif op in _REPEATS and arg[0] >= 1:
            sub = _needles(arg[2], icase)
        found += [sub] if sub else []
    usable = [s for s in found if all(n.strip() for n in s)]  # a space is in nearly every line
    return max(usable, key=lambda s: (-len(s), min(map(len, s))), default=None)


def _line_rule(patterns: list[str]) -> LineRule:
    needles = []
    for i, pattern in enumerate(patterns):
        parsed = sre_parser.parse(pattern)
        if parsed.state.flags & (re.LOCALE | re.ASCII):
            continue
        found = _needles(parsed, bool(parsed.state.flags & re.IGNORECASE))
        if found and len(found) <= (_MAX_CHARS if max(map(len, found)) == 1 else _MAX_NEEDLES):
            needles.append((1 << i, tuple(sorted(found))))
    return LineRule(tuple(patterns), tuple(needles))


def _required_char(pattern: str) -> str:
    """A character the pattern's top level always matches, punctuation first ("" if none): a
    one-character search is a memchr, several times faster than looking for a longer literal
    (~1 us per article each), and punctuation such as "<" or "!" is rare in article text."""
    parsed = sre_parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return ""
    chars = [chr(arg) for op, arg in parsed.data if op is sre_constants.LITERAL]
    return next((c for c in chars if c.isascii() and not c.isalnum() and not c.isspace()), chars[0] if chars else "")


def _max_width(patterns: list[str]) -> int:
    """The most characters a match of the alternation can have (sys.maxsize when unbounded)."""
    widest = sre_parser.parse("|".join(f"(?:{p})" for p in patterns)).getwidth()[1]
    return widest if widest < sre_constants.MAXREPEAT else sys.maxsize


def _runs(markers: list[str]) -> re.Pattern:
    """Runs such as "++++" (at least as long as the marker) with the spaces around them."""
    runs = "|".join(f"{re.escape(m[0])}{{{len(m)},}}" for m in markers)
    return re.compile(f"[ \\t\u00a0]*(?:{runs})[ \\t\u00a0]*")


@cache
def load_rules(path: Path = RULES_PATH) -> ChromeRules:
    """Load and compile the chrome rules once (a bad pattern fails loudly here)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ChromeRules(
        header=_alternation(data["header"]),
        drop_line=_line_rule(data["drop_line"]),
        tail_heading=_alternation(data["tail_heading"]),
        tail_max=_max_width(data["tail_heading"]),
        inline_remove=tuple((_required_char(p), _required_literal(p), re.compile(p)) for p in data["inline_remove"]),
        break_markers=tuple(data["inline_break"]),
        inline_break=_runs(data["inline_break"]),
        not_title=_alternation(data["not_title"]),
    )


def trim(line: str) -> str:
    """A line without surrounding whitespace and zero-width padding (for matching only)."""
    return line.strip(_PAD)


def match_key(line: str) -> str:
    """A line as chrome rules see it: trimmed, zero-width characters out, coeng-DA read as coeng-TA."""
    key = trim(line)
    if len(key) > KEY_FOLD_MAX_CHARS:
        return key  # chrome lines are short; folding long article paragraphs is wasted time
    for char in _ZERO_WIDTH:  # str.replace: several times faster than re.sub or translate here
        if char in key:
            key = key.replace(char, "")
    return key.replace("\u17d2\u178a", "\u17d2\u178f")


def _line_keys(text: str, lines: list[str]) -> tuple[list[str], str]:
    """match_key of each line (lines = text.split("\\n")), with the characters folded in one pass
    over the whole text instead of one per line (folding never touches a line break); and that
    folded text."""
    folded = text
    for char in _ZERO_WIDTH:
        if char in folded:
            folded = folded.replace(char, "")
    if "\u17d2\u178a" in folded:
        folded = folded.replace("\u17d2\u178a", "\u17d2\u178f")
    if folded is text:
        return [line.strip(_PAD) for line in lines], folded  # trim, without a call per line
    keys = [line.strip(_PAD) for line in folded.split("\n")]
    if max(map(len, lines)) <= KEY_FOLD_MAX_CHARS:
        return keys, folded  # no long line
    for i, line in enumerate(lines):
        if len(line) > KEY_FOLD_MAX_CHARS and len(trim(line)) > KEY_FOLD_MAX_CHARS:
            keys[i] = trim(line)  # as match_key: a long line is only trimmed
    return keys, folded


def _clean_lines(text: str, rules: ChromeRules) -> list[tuple[str, str]]:
    """Remove inline chrome and split lines at decorative runs ("title +++++ body"); each line
    comes with its match_key, so the rules that follow do not fold it again."""
    for char, literal, pattern in rules.inline_remove:
        if char in text and literal in text:
            text = pattern.sub("", text)
    split = text.split("\n")
    keys, folded = _line_keys(text, split)
    drop = rules.drop_line.for_page(text, folded)  # a decoration-only line goes, not a paragraph break
    if drop is None:
        lines = list(zip(split, keys, strict=True))
    else:
        lines = [(line, key) for line, key in zip(split, keys, strict=True) if not drop.fullmatch(key)]
    # rare: skip the regex (one character first: a one-character search is a memchr)
    if not any(marker[0] in text and marker in text for marker in rules.break_markers):
        return lines
    broken: list[tuple[str, str]] = []
    for line, key in lines:
        parts = rules.inline_break.sub("\n", line).split("\n")
        broken.extend([(line, key)] if len(parts) == 1 else [(p, match_key(p)) for p in parts])
    return broken


def strip_chrome(text: str, rules: ChromeRules | None = None) -> str:
    """The article text of a page: chrome lines dropped, related-article tails cut."""
    rules = rules or load_rules()
    lines = _clean_lines(text, rules)
    # A page that is nothing but header words ("សេចក្តីប្រកាសព័ត៌មាន") keeps them: they are its text.
    return _article(lines, rules, drop_header=True) or _article(lines, rules, drop_header=False)


def _article(lines: list[tuple[str, str]], rules: ChromeRules, drop_header: bool) -> str:
    kept: list[str] = []
    has_content = False
    for line, key in lines:
        if not key:
            if kept and kept[-1]:
                kept.append("")
            continue
        if drop_header and not has_content and rules.header.fullmatch(key):
            continue
        # (most lines are longer than any tail heading: no rstrip, no regex call for them)
        if (len(key) <= rules.tail_max or key[-1] in ":៖ ") and rules.tail_heading.fullmatch(key.rstrip(":៖ ")):
            if has_content:
                break
            continue
        has_content = True
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def first_line_title(text: str, rules: ChromeRules | None = None) -> str | None:
    """The headline: the first non-blank line that is not a dateline, without markdown "#", shortened."""
    rules = rules or load_rules()
    for line in _lines(text):
        title = trim(line).lstrip("#").strip(_PAD)
        if title and not rules.not_title.fullmatch(match_key(title)):
            return shorten(title)
    return None


def _lines(text: str) -> Iterator[str]:
    """text.split("\\n") one line at a time (the headline is nearly always the first line)."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def shorten(title: str, limit: int = TITLE_MAX_CHARS) -> str:
    """Cut an over-long title at the last space before the limit (Khmer has few spaces)."""
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", limit // 2, limit)
    return title[: cut if cut > 0 else limit].rstrip(_PAD) + "…"
