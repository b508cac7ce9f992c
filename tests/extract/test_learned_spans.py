"""What the shipped span model finds that the rule frames alone did not, pinned with sentences written for these tests.

Each test says what a reader would answer (the quote, its cue, who said it), and that
the rule frames alone (the same tables without the model) answer otherwise, so a test
fails if the model stops doing its part.
"""

from __future__ import annotations

import pytest

from quotetrack.extract.attribution import attribute
from quotetrack.extract.quotes import find_candidates
from quotetrack.extract.tables import Tables
from tests.support.quotes import find


@pytest.fixture(scope="module")
def both(nlp):
    """Quotes of a text with the shipped tables, and with the same tables minus the span model."""
    shipped = nlp.get_pipe("quotetrack").tables
    assert shipped.span_model is not None, "the package ships a span model"
    rules = Tables(cue_frames=shipped.cue_frames, frame_model=shipped.frame_model, confidence=shipped.confidence)

    def run(text: str):
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        return attribute(doc, find_candidates(doc, shipped), shipped), attribute(doc, find_candidates(doc, rules), rules)

    return run


def _absent(quotes, fragment: str) -> bool:
    return not any(fragment in q.text for q in quotes)


def test_an_adjective_cue_through_its_copula(both):
    learned, rules = both("Republicans are worried that the deal will fail.")
    q = find(learned, "the deal will fail")
    assert (q.kind, q.text, q.cue.text, q.speaker) == ("indirect", "that the deal will fail", "are worried", "Republicans")
    assert _absent(rules, "the deal will fail")
