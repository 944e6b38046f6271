"""Chrome rules per page: alternatives left out for lack of needles change no output."""

import dataclasses
import json
import re
import sys
from re import _parser as sre_parser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.chrome import (
    _EXTRA_CASES,
    RULES_PATH,
    LineRule,
    _lines,
    _max_width,
    _needles,
    _required_char,
    _required_literal,
    load_rules,
    strip_chrome,
)


def _ungated():
    """The rules with every drop_line alternative tried on every page (as before needles)."""
    rules = load_rules()
    return dataclasses.replace(rules, drop_line=LineRule(rules.drop_line.patterns, ()), tail_max=sys.maxsize)


def test_case_blind_letters_match_only_their_known_characters() -> None:
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found = set(re.findall(f"(?i){letter}", everything))
        assert found == {letter, letter.upper(), *_EXTRA_CASES.get(letter, "")}


NEEDLE_CASES = [
    r"\S+\.(?:jpe?g|png)",
    r".{0,40}រក្សាសិទ្ធិ.{0,8}",
    r"\d*\s*(?i:comments?)",
    r"(?i:(?:photo|img|image|dsc|fb_img)[ _-]?\d{4})",
    r"(?i:kis)\w",
    r"x(?-i:Ab)",
    r"(?:ab|cd)+e?",
    r"(?:Share(?: this)?|Tweet)\s*",
    r"[-+=]{3,}",
    r"a{0,2}b",
]


@pytest.mark.parametrize("pattern", NEEDLE_CASES + list(load_rules().drop_line.patterns))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_holds_a_needle(pattern: str, data) -> None:
    parsed = sre_parser.parse(pattern)
    needles = _needles(parsed, bool(parsed.state.flags & re.IGNORECASE))
    if needles is None:
        return
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert any(needle in text for needle in needles), (text, needles)


def test_costly_drop_alternatives_have_needles() -> None:
    gated = {load_rules().drop_line.patterns[bit.bit_length() - 1] for bit, _ in load_rules().drop_line.needles}
    assert any(r"\S+" in p for p in gated) and any(".{0,40}" in p for p in gated)


PIECES = ["ក", "ខ្ញុំ", " ", "\n", "\n\n", ".", "©", "(c)", "រក្សាសិទ្ធិគ្រប់យ៉ាង", "photo_2024_01_02", "IMG-2024 01 02",
          "comments", "3 Comments", "a.jpg", "\u200b", "ចែករំលែក", "Share", "----", "អត្ថបទទាក់ទង", "Menu"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_pages_read_as_with_every_alternative_tried(text: str) -> None:
    assert strip_chrome(text) == strip_chrome(text, _ungated())


def test_corpus_reads_as_with_every_alternative_tried(corpus_dir) -> None:
    ungated = _ungated()
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert strip_chrome(text) == strip_chrome(text, ungated), path.name


@pytest.mark.parametrize(
    ("pattern", "char"),
    [(r"<[\w:-]*image\b[^>]*>", "<"), (r"\bdata:image/[\w.+-]+", ":"), (r"(?i)image", ""), ("abc", "a"), (r"\d+", "")],
)
def test_inline_rules_are_skipped_without_their_character(pattern: str, char: str) -> None:
    assert _required_char(pattern) == char


@pytest.mark.parametrize("pattern", [p.pattern for *_, p in load_rules().inline_remove])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_inline_match_holds_its_character_and_literal(pattern: str, data) -> None:
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert _required_char(pattern) in text and _required_literal(pattern) in text


def test_max_width_bounds_every_match() -> None:
    assert _max_width(["ab|c", "(?i:read more)"]) == 9
    assert _max_width(["ab", r"\S+"]) == sys.maxsize


@pytest.mark.parametrize("pattern", json.loads(RULES_PATH.read_text(encoding="utf-8"))["tail_heading"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_tail_heading_is_longer_than_tail_max(pattern: str, data) -> None:
    assert len(data.draw(st.from_regex(pattern, fullmatch=True))) <= load_rules().tail_max


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "\n", "x", "ក"]), max_size=12).map("".join))
def test_lines_are_split_lines(text: str) -> None:
    assert list(_lines(text)) == text.split("\n")
