"""The Aho-Corasick matcher finds exactly what the flex-space trie regex finds (leftmost-longest)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from etl import gazetteer
from etl.gazetteer_match import compile_matcher, compile_matchers, squeeze_spaces, trie_pattern

SURFACES = {"ក្រសួង": "M", "ក្រសួងការងារ": "L", "ការងារ": "W", "ងារ": "N", "ab": "A", "abc": "B"}


def _regex_hits(surfaces: dict[str, str], text: str) -> list[tuple[str, int, int]]:
    rx = re.compile(trie_pattern(surfaces))
    return [(surfaces[m.group().replace(" ", "")], *m.span()) for m in rx.finditer(text)]


def _hits(matcher, text: str) -> list[tuple[str, int, int]]:
    return [(h.key, h.start, h.end) for h in matcher.find(text)]


def test_spaces_inside_a_surface_are_optional_but_not_at_its_edges():
    m = compile_matcher(SURFACES, {})
    assert _hits(m, " ក្រសួង ការ ងារ  ab c") == [("L", 1, 15), ("B", 17, 21)]
    assert _hits(m, "ក្រសួងការ  ងារ") == [("M", 0, 6), ("N", 11, 14)]  # two spaces: not one name


def test_squeeze_spaces_keeps_runs():
    assert squeeze_spaces("a b  c d") == ("ab  cd", [0, 1, 5])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*SURFACES, " ", "  ", "ក", "x", "\n", "ការ", "a"]), max_size=12))
def test_same_hits_as_the_trie_regex(pieces):
    text = "".join(pieces)
    assert _hits(compile_matcher(SURFACES, {}), text) == _regex_hits(SURFACES, text)


def test_gazetteer_matchers_agree_with_the_regex_on_their_own_surfaces():
    for name in ("ministry_matcher", "province_matcher", "country_matcher"):
        m = getattr(gazetteer, name)()
        text = " និង ".join(list(m.km_keys)[::3])
        assert [h for h in _hits(m, text) if h[0]] == _regex_hits(m.km_keys, text), name


def test_matchers_compiled_together_find_what_each_finds_alone():
    other = {"ការងារ": "X", "សួងការ": "Y", "abc": "Z"}
    together = compile_matchers([(SURFACES, {}), (other, {})])
    text = "ក្រសួងការងារ និង ab c សួងការ"
    assert _hits(together[0], text) == _hits(compile_matcher(SURFACES, {}), text)
    assert _hits(together[1], text) == _regex_hits(other, text)
