"""Page text -> article text: drop site headers, share buttons, captions, image links and related tails.

The rules are data (etl/data/chrome.json). Everything that is not chrome is kept character for
character, because evidence offsets index the cleaned text; only blank-line runs are collapsed.
"""

import json
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ChromeRules:
    """Compiled chrome rules (line rules as one alternation; inline rules one by one, which is faster)."""

    header: re.Pattern
    drop_line: re.Pattern
    tail_heading: re.Pattern
    inline_remove: tuple[tuple[str, re.Pattern], ...]  # (a literal every match contains, pattern)
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
        drop_line=_alternation(data["drop_line"]),
        tail_heading=_alternation(data["tail_heading"]),
        inline_remove=tuple((_required_literal(p), re.compile(p)) for p in data["inline_remove"]),
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


def _line_keys(text: str, lines: list[str]) -> list[str]:
    """match_key of each line (lines = text.split("\\n")), with the characters folded in one pass
    over the whole text instead of one per line (folding never touches a line break)."""
    folded = text
    for char in _ZERO_WIDTH:
        if char in folded:
            folded = folded.replace(char, "")
    if "\u17d2\u178a" in folded:
        folded = folded.replace("\u17d2\u178a", "\u17d2\u178f")
    if folded is text:
        return [trim(line) for line in lines]
    keys = [trim(line) for line in folded.split("\n")]
    for i, line in enumerate(lines):
        if len(line) > KEY_FOLD_MAX_CHARS and len(trim(line)) > KEY_FOLD_MAX_CHARS:
            keys[i] = trim(line)  # as match_key: a long line is only trimmed
    return keys


def _clean_lines(text: str, rules: ChromeRules) -> list[tuple[str, str]]:
    """Remove inline chrome and split lines at decorative runs ("title +++++ body"); each line
    comes with its match_key, so the rules that follow do not fold it again."""
    for literal, pattern in rules.inline_remove:
        if literal in text:
            text = pattern.sub("", text)
    split = text.split("\n")
    drop = rules.drop_line.fullmatch  # a decoration-only line goes, it is not a paragraph break
    keys = _line_keys(text, split)
    lines = [(line, key) for line, key in zip(split, keys, strict=True) if not drop(key)]
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
        if rules.tail_heading.fullmatch(key.rstrip(":៖ ")):
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
    for line in text.split("\n"):
        title = trim(line).lstrip("#").strip(_PAD)
        if title and not rules.not_title.fullmatch(match_key(title)):
            return shorten(title)
    return None


def shorten(title: str, limit: int = TITLE_MAX_CHARS) -> str:
    """Cut an over-long title at the last space before the limit (Khmer has few spaces)."""
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", limit // 2, limit)
    return title[: cut if cut > 0 else limit].rstrip(_PAD) + "…"
