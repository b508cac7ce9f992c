"""What the shipped span model finds that the rule frames alone did not, pinned with sentences written for these tests.

Each test says what a reader would answer (the quote, its cue, who said it), and that
the rule frames alone (the same tables without the model) answer otherwise, so a test
fails if the model stops doing its part.
"""

from __future__ import annotations

import dataclasses

import pytest

from quotetrack.extract.attribution import attribute
from quotetrack.extract.frames import Frame
from quotetrack.extract.learned import passive_topic
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


def test_the_start_and_end_scores_stop_a_content_before_its_relative_clause(nlp, both):
    text = "Lawmakers criticized the ruling, which had been expected for weeks."
    learned, _ = both(text)
    q = find(learned, "the ruling")
    assert (q.text, q.cue.text, q.mention.text) == ("the ruling", "criticized", "Lawmakers")
    # the same model cutting by its content scores alone runs on into the clause
    shipped = nlp.get_pipe("quotetrack").tables
    plain = dataclasses.replace(shipped.span_model, meta={**shipped.span_model.meta, "boundary_weight": 0.0})
    tables = Tables(cue_frames=shipped.cue_frames, frame_model=shipped.frame_model, confidence=shipped.confidence, span_model=plain)
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    assert find(attribute(doc, find_candidates(doc, tables), tables), "the ruling").text == "the ruling, which had been expected for weeks"


def test_what_a_passive_verb_was_about_is_not_a_quote(both):
    learned, _ = both("The tax plan and the “open door” policy were discussed at length on Monday.")
    assert learned == []
    # with its agent it is an attribution, and a content of its own is kept
    learned, _ = both("The new rules were criticized by several senators.")
    assert find(learned, "The new rules").cue.text == "criticized"
    learned, _ = both("It is expected that the bill will pass.")
    assert find(learned, "the bill will pass").text == "that the bill will pass"


def test_a_passive_topic_is_the_subject_of_a_cue_that_names_nobody(nlp):
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp("The plan was discussed at length.")
    cue = doc[3:4]
    topic = Frame(cue, "discuss", "learned-verb", [(0, 8)], None, "implicit")
    assert passive_topic(topic)
    assert not passive_topic(Frame(cue, "discuss", "learned-verb", [(0, 8)], doc[5], "subject"))  # it names somebody
    assert not passive_topic(Frame(cue, "discuss", "learned-verb", [(22, 31)], None, "implicit"))  # not its subject
