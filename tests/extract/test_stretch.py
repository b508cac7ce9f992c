"""Token sets as ranges (Stretch), subtree extents read once per doc (Subtrees) and content shapes
(TextShape): the same answers as reading every token or character, at the cost of a few ranges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.lang.en import English

from quotetrack.extract import quotes as quotes_module
from quotetrack.extract.component import QuoteTracker
from quotetrack.extract.stretch import Stretch, Subtrees
from quotetrack.extract.text_shape import TextShape
from tests.support.pathological import chain, nested

DOC = English()("one two three four five six seven eight nine ten eleven twelve")
ranges = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=4)


def as_set(stretch: Stretch) -> set[int]:
    return {i for lo, hi in stretch.ranges for i in range(lo, hi + 1)}


def union(pairs) -> tuple[Stretch, set[int]]:
    out, want = Stretch(DOC), set()
    for lo, hi in pairs:
        out |= Stretch.between(DOC, lo, hi)
        want |= set(range(lo, hi + 1))
    return out, want


@settings(max_examples=300)
@given(ranges, st.integers(0, 11), st.integers(0, 11))
def test_stretch_operations_are_set_operations(pairs, lo, hi):
    s, want = union(pairs)
    assert as_set(s) == want and len(s) == len(want) and bool(s) == bool(want)
    assert all(a <= b and (k == 0 or s.ranges[k - 1][1] + 1 < a) for k, (a, b) in enumerate(s.ranges))  # sorted, apart
    assert as_set(s.without(lo, hi)) == {i for i in want if not lo <= i <= hi}
    assert as_set(s.clip(lo, hi)) == {i for i in want if lo <= i <= hi}
    assert as_set(s.before(lo)) == {i for i in want if i < lo}
    assert as_set(s.after(lo)) == {i for i in want if i > lo}
    if want:
        assert (s.first.i, s.last.i) == (min(want), max(want))


alphabet = st.sampled_from(list("ab '\"“”‘’\n\t\u00a0,"))


@settings(max_examples=500)
@given(st.text(alphabet, max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=3))
def test_text_shape_answers_what_the_joined_content_says(text, pieces):
    pieces = [(min(a, len(text)), min(b, len(text))) for a, b in pieces]
    content = " ".join(text[a:b] for a, b in pieces)
    shape = TextShape(text)
    assert shape.words(pieces) == len(content.split())
    assert shape.quoted(pieces) == (any(ch in content for ch in '"“”‘') or "''" in content)
    assert shape.head(pieces, 5) == content[:5]


def test_subtree_extents_are_the_subtrees_first_and_last_words(nlp):
    # A sentence whose parse has a non-projective arc: spaCy's right_edge of "added"'s clause
    # stops before "— an issue …", which the clause holds.
    doc = nlp("She added that the race can’t just be about reacting to Trump, and that 2016 “is going to be a "
              "national security election” — an issue Democrats have struggled with in the past. "
              "Lavrov said that Nato, which he called a relic, was expanding.")
    trees = Subtrees(doc)
    for tok in doc:
        words = [t.i for t in tok.subtree]
        assert (trees.lo[tok.i], trees.hi[tok.i]) == (min(words), max(words)), tok.text


def _clash_checks(nlp, monkeypatch, text: str) -> int:
    calls = 0
    real = quotes_module._clash

    def counted(a, b):
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(quotes_module, "_clash", counted)
    _extract(nlp, text)
    return calls


def _extract(nlp, text):
    """The component alone, without coreference (what is measured is quotetrack's own frame code)."""
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    return QuoteTracker(nlp, "bare", "off")(doc)


def test_a_chain_of_reports_costs_checks_in_proportion_to_its_length(nlp, monkeypatch):
    # 0.2.0 checked every frame against every frame kept before it: 4x the checks per doubling
    small, large = (_clash_checks(nlp, monkeypatch, chain(n)) for n in (200, 400))
    assert large <= 2.2 * small and large <= 400 * (quotes_module.MAX_OVERLAPPING + 1)


def test_nested_quotes_a_thousand_deep_give_the_innermost_reports_and_stop(nlp):
    doc = _extract(nlp, nested(1000))
    indirect = [q for q in doc._.quotes if q.kind != "direct"]
    assert 0 < len(indirect) <= quotes_module.MAX_OVERLAPPING + 1  # and the outermost, hosting the quotation
    assert all(q.content.text == doc.text[q.start:q.end] for q in doc._.quotes)
