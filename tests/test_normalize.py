"""Khmer normalisation: folds, idempotence, and offsets that map spans back to the original."""

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import normalize
from etl.normalize import (
    drop_invisible,
    invisible_span_to_original,
    normalize_text,
    normalize_with_offsets,
)
from etl.normalize_clusters import cluster_edits, may_be_bad
from etl.offset_map import Tracked

ZWSP = "\u200b"

# (variant as written, the form it must equal after normalisation)
EQUAL_PAIRS = [
    ("កណ្តាល", "កណ្ដាល"),  # coeng-TA / coeng-DA
    ("ឯកឧត្តម", "ឯកឧត្ដម"),
    ("សាស្រ្តាចារ្យ", "សាស្ត្រាចារ្យ"),  # coeng-RO order
    ("រដ្ឋមន្រ្តី", "រដ្ឋមន្ត្រី"),
    ("ឲ្យ", "ឱ្យ"),
    ("ឣង្គការ", "អង្គការ"),  # deprecated U+17A3 (seed 003)
    ("គណះកម្មការ", "គណៈកម្មការ"),  # reahmuk / yuukaleapintu swap (seed 004)
    ("ទេ្វរភាគី", "ទ្វេរភាគី"),  # vowel typed before the subscript (seed 000)
    ("គំាទ្រ", "គាំទ្រ"),  # nikahit before the vowel
    ("ម៉ូ", "មូ៉"),  # shifter after the vowel
    ("ជេីង", "ជើង"),  # split vowel េ + ី
    ("សុីវិល", "ស៊ីវិល"),  # ុ typed for the shifter
    ("មុឺន", "ម៉ឺន"),
    ("ប៊ូ៊", "ប៊ូ"),  # shifter after the vowel, doubled
    ("ក" + ZWSP + "ណ្ដាល", "កណ្តាល"),
    ("ថ្ងៃទី២៣", "ថ្ងៃទី23"),
    ("a \u00a0  b", "a b"),
]


@pytest.mark.parametrize(("variant", "form"), EQUAL_PAIRS)
def test_variants_fold_together(variant: str, form: str) -> None:
    assert normalize_text(variant) == normalize_text(form)


def test_whole_output_of_a_mixed_line() -> None:
    text = f"ឯក{ZWSP}ឧត្ដម  រដ្ឋមន្រ្តី\u00a0ថ្ងៃទី២២\nខេត្តកណ្ដាល"
    assert normalize_text(text) == "ឯកឧត្តម រដ្ឋមន្ត្រី ថ្ងៃទី22\nខេត្តកណ្តាល"


def test_canonical_text_is_left_alone() -> None:
    text = "ក្រសួងសុខាភិបាល ប្រជុំ ម៉ោង ៊ី"
    assert normalize_text(text) == text


def _spans_map_back(text: str) -> None:
    norm, offsets = normalize_with_offsets(text)
    assert norm == normalize_text(text)
    assert len(offsets) == len(norm) + 1
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)
    for m in re.finditer(r"\S+", norm):  # every word-like span maps back to a matching original
        a, b = m.span()
        assert normalize_text(text[offsets[a] : offsets[b]]) == norm[a:b]


@pytest.mark.parametrize(("variant", "_form"), EQUAL_PAIRS)
def test_offsets_map_spans_back(variant: str, _form: str) -> None:
    _spans_map_back(f"ដំបូង {variant} ចុង{ZWSP}ក្រោយ")


def test_offsets_of_a_reordered_and_shortened_word() -> None:
    text = f"ក{ZWSP}ណ្ដា{ZWSP}ល ឯកឧត្ដម សាស្រ្តាចារ្យ"
    norm, offsets = normalize_with_offsets(text)
    for word in ("កណ្តាល", "ឯកឧត្តម", "សាស្ត្រាចារ្យ"):
        a = norm.index(word)
        b = a + len(word)
        assert normalize_text(text[offsets[a] : offsets[b]]) == word
    assert text[offsets[0] : offsets[norm.index(" ")]] == f"ក{ZWSP}ណ្ដា{ZWSP}ល"


def test_corpus_sample_idempotent_and_offsets_agree(corpus_dir) -> None:
    for path in sorted(corpus_dir.glob("*.txt"))[:60]:
        text = path.read_text(encoding="utf-8")
        norm = normalize_text(text)
        assert normalize_text(norm) == norm, path.name
        _spans_map_back(text)


def test_seeds_idempotent_and_offsets_agree(seeds_dir) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert normalize_text(normalize_text(text)) == normalize_text(text)
        _spans_map_back(text)


KHMER = st.sampled_from(
    [chr(c) for c in range(0x1780, 0x17FA)] + ["\u17d2\u178a", "\u17d2\u179a", ZWSP, " ", "\u00a0"]
)
TEXTS = st.one_of(
    st.lists(KHMER, max_size=40).map("".join),
    st.text(max_size=40),
    st.lists(st.one_of(KHMER, st.characters()), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_property_idempotent_and_offsets_sane(text: str) -> None:
    norm = normalize_text(text)
    assert normalize_text(norm) == norm
    norm2, offsets = normalize_with_offsets(text)
    assert norm2 == norm
    assert len(offsets) == len(norm) + 1
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)


def test_drop_invisible_spans_map_back() -> None:
    text = f"{ZWSP}ថ្ងៃ{ZWSP}ទី{ZWSP}២៦{ZWSP} ខែ{ZWSP}កក្កដា{ZWSP}"
    clean = drop_invisible(text)
    assert clean == "ថ្ងៃទី២៦ ខែកក្កដា"
    start, end = invisible_span_to_original(text, 0, len(clean))
    assert text[start:end] == text.strip(ZWSP)
    a = clean.index("ខែ")
    start, end = invisible_span_to_original(text, a, a + 2)
    assert text[start:end] == "ខែ"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\u200b\u200c\u200d\u2060\ufeff\u00ad", max_size=14), st.data())
def test_invisible_spans_map_to_visible_edges(text, data) -> None:
    clean = drop_invisible(text)
    if not clean:
        return
    a = data.draw(st.integers(0, len(clean) - 1))
    b = data.draw(st.integers(a + 1, len(clean)))
    start, end = invisible_span_to_original(text, a, b)
    assert drop_invisible(text[start:end]) == clean[a:b]
    assert text[start] == clean[a] and text[end - 1] == clean[b - 1]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab\u200b\u200c", max_size=30), st.integers(0, 700), st.data())
def test_invisible_spans_map_back_in_long_texts(tail, pad, data) -> None:
    text = (ZWSP * pad + tail + "c" * 150) * 3  # spans far in, behind long invisible runs
    visible = [i for i, ch in enumerate(text) if drop_invisible(ch)]
    a = data.draw(st.integers(0, len(visible) - 1))
    b = data.draw(st.integers(a + 1, len(visible)))
    assert invisible_span_to_original(text, a, b) == (visible[a], visible[b - 1] + 1)


WORDS = st.sampled_from([v for pair in EQUAL_PAIRS for v in pair] + ["ក្រសួង", "១២", "\u00a0"])
SEPARATORS = st.sampled_from([" ", ZWSP, "  ", f"{ZWSP} ", "\n", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=12))
def test_property_word_spans_map_back(parts: list[tuple[str, str]]) -> None:
    _spans_map_back("".join(word + sep for word, sep in parts))


def _reference_with_offsets(text: str) -> tuple[str, list[int]]:
    """The plain loop the fast path must equal: every step on every pass, NFC checked each time."""
    tracked = Tracked(text)
    for _ in range(8):
        tracked.nfc()
        normalize._fold_frequent(tracked)
        normalize._fold_rest(tracked, rare=bool(normalize._RARE_CHARS.search(tracked.text)))
        if may_be_bad(tracked.text):
            tracked.apply(cluster_edits(tracked.text))
        tracked.replace(normalize._SPACE_RUN, lambda m: " ")
        if unicodedata.is_normalized("NFC", tracked.text):
            break
    return tracked.text, list(tracked.offsets())


SAFE_TRICKY = [chr(c) for c in range(0x1780, 0x17FA) if c != 0x17DD] + [
    *(
        "\u17d2\u178a",
        "\u17d2\u179a",
        "\u17c6\u17b6",
        "\u17c6\u17bb",
        "\u17c1\u17b8",
        "\u17c1\u17b6",
    ),
    *("\u17d2\u179a\u17d2\u178f", "\u179f\u17bb\u17b7", "\u1798\u17bb\u17ba"),  # ្រ្ត សុិ មុឺ
    *("\u201c", "\u2026", "\u2020"),  # safe punctuation (U+2020's low byte is a space's)
    *(
        "\u17bb\u17b8",
        "\u17c9",
        "\u17ca\u17d2",
        ZWSP,
        "\u00ad",
        "\u17b4",
        " ",
        "  ",
        "\n",
        "a",
        "\u00bb",
    ),
]
TRICKY = st.sampled_from(
    SAFE_TRICKY
    + ["\u200d", "\t", "\u00a0", "\u2000", "\u17a4", "\u17a3", "\u17dd", "e\u0301", "\u0301"]
    + ["\u00e9", "\u201c", "\u2026", "\u2028", "\u20d0", "\u1714", "\U0001f64f"]
)
# mostly Khmer, so the steps after the folds meet each other; and with everything else mixed in
FAST_PATH_TEXTS = st.one_of(
    st.lists(st.sampled_from(SAFE_TRICKY), max_size=60), st.lists(TRICKY, max_size=60)
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(FAST_PATH_TEXTS)
def test_fast_path_equals_the_plain_loop(text: str) -> None:
    norm, offsets = normalize_with_offsets(text)
    assert (norm, list(offsets)) == _reference_with_offsets(text)


def test_corpus_fast_path_equals_the_plain_loop(corpus_dir) -> None:
    for path in sorted(corpus_dir.glob("*.txt"))[::20]:
        text = path.read_text(encoding="utf-8")
        norm, offsets = normalize_with_offsets(text)
        assert (norm, list(offsets)) == _reference_with_offsets(text), path.name


def _composition_seconds() -> set[str]:
    """Characters that end a two-character canonical decomposition (NFC may compose onto them)."""
    seconds = set()
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_safe_characters_make_only_nfc_strings() -> None:
    """Why the fast path may skip NFC: every safe character is its own NFC, never the second half
    of a composition, and all non-zero combining classes among them are equal (no reordering).
    The dropped invisible characters are NFC-inert starters too."""
    safe = [chr(c) for c in range(0x3000) if normalize._is_safe(chr(c))]
    assert len(safe) == 0x100 + 0x100 - 1 + 0x18
    for char in (chr(c) for c in range(0x2000, 0x2100)):  # the check on UTF-16 bytes agrees
        assert (normalize._safe_low_bytes("ក" + char) is not None) == normalize._is_safe(char)
    seconds = _composition_seconds()
    for char in safe + list(normalize._DROP):
        assert unicodedata.normalize("NFC", char) == char and char not in seconds, hex(ord(char))
    assert {unicodedata.combining(c) for c in safe} == {0, 9}
    assert {unicodedata.combining(c) for c in normalize._DROP} == {0}
    for text in ("\u17dd\u17d2", "\u2000", "e\u0301", "\u201c\u20d0", "\u2028", "\U0001f64f"):
        assert normalize._safe_low_bytes(text) is None
    assert normalize._safe_low_bytes("\u201cក\u2026\u00bb") is not None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\u200b\u200c", max_size=20))
def test_dropped_characters_map_back_exactly(text: str) -> None:
    tracked = Tracked(text)
    tracked.drop("\u200b\u200c")
    expected = [i for i, char in enumerate(text) if char not in "\u200b\u200c"] + [len(text)]
    assert list(tracked.offsets()) == expected
    assert [tracked.at(i) for i in range(len(tracked.text) + 1)] == expected  # origins made here
    assert list(tracked.offsets()) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(WORDS, SEPARATORS), max_size=10), st.lists(WORDS, max_size=10))
def test_normalising_never_crosses_a_line_break(first, rest) -> None:
    """A headline line normalises as in the whole text (the extractor reads it from there)."""
    first, rest = "".join(first), " ".join(rest)
    whole = normalize_text(first + "\n" + rest)
    assert whole == normalize_text(first) + "\n" + normalize_text(rest)
    assert normalize_with_offsets(first + "\n" + rest)[0] == whole
