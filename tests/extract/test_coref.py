"""Windowed coreference: the same attributions as coreferee over whole documents, for less work."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from quotetrack.extract import coref
from quotetrack.run.inputs import normalise_text

FAR_BACK = (
    "Jens Stoltenberg arrived in Brussels on Monday.\n"
    + "".join(f"He met the {w} delegation in the afternoon.\n" for w in ["French", "German", "Polish", "Danish", "Dutch", "Spanish", "Greek"])
    + "“Russia is responsible for aggressive actions against its neighbors,” he said.\n"
)


def _key(quotes):
    return [(q.kind, q.start, q.end, q.speaker, q.method, q.resolved) for q in quotes]


def _whole_document(nlp, text):
    """quotetrack's answer when coreferee has run over the whole document first."""
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    tracker = nlp.get_pipe("quotetrack")
    tracker.resolver.annotator.annotate(doc)
    assert coref.has_chains(doc)
    return tracker(doc)._.quotes


def test_windows_give_the_whole_document_attributions_on_the_seeds(nlp, seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = normalise_text(path.read_text(encoding="utf-8"))
        assert _key(nlp(text)._.quotes) == _key(_whole_document(nlp, text)), path.name


def test_a_chain_of_pronouns_is_followed_back_beyond_the_window(nlp):
    (q,) = nlp(FAR_BACK)._.quotes
    assert q.speaker == "Jens Stoltenberg" and q.method == "coref"
    assert q.resolved.start == 0
    assert _key([q]) == _key(_whole_document(nlp, FAR_BACK))


def test_only_the_windows_around_asked_tokens_are_annotated(nlp, monkeypatch):
    spans = []
    original = coref.WindowedCoref.annotate

    def spy(self, doc, start, end, arrays=None):
        spans.append((start, end, len(doc)))
        return original(self, doc, start, end, arrays)

    monkeypatch.setattr(coref.WindowedCoref, "annotate", spy)
    named = "Officials met in Vienna on Monday. " * 20 + "“We will win this vote tonight, no doubt,” Ann Lee said."
    assert nlp(named)._.quotes[0].speaker == "Ann Lee"
    assert spans == []  # a named speaker needs no coreference at all
    nlp(FAR_BACK)
    assert spans and all(end - start < n for start, end, n in spans[:1])  # the first window is not the whole text


@pytest.mark.parametrize(
    "sentence, word, expected",
    [
        ("“We are ready,” he said.", "he", True),
        ("“We are ready,” I said.", "I", False),
        ("“We are ready,” officials said.", "officials", False),
        ("“We are ready,” a spokeswoman said.", "spokeswoman", False),
        ("“We are ready,” the spokeswoman said.", "spokeswoman", True),
    ],
)
def test_which_sources_can_have_an_antecedent(nlp, sentence, word, expected):
    doc = nlp(sentence)
    (tok,) = [t for t in doc if t.text == word]
    assert coref.may_refer_back(tok) is expected


def test_the_component_leaves_no_state_on_the_doc(nlp):
    doc = nlp(FAR_BACK)
    assert doc._.get(coref.EXTENSION) is None
    assert not coref.available(doc)


def test_coref_off_in_the_component_config(nlp):
    from quotetrack.extract.component import QuoteTracker

    tracker = QuoteTracker(nlp, "qt", "off")
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(FAR_BACK)
    (q,) = tracker(doc)._.quotes
    assert "no-coref" in q.flags and q.method == "nearest-name"
    with pytest.raises(ValueError):
        QuoteTracker(nlp, "qt", "sometimes")


def test_coreferee_word_lists_are_looked_up_as_sets(nlp):
    tracker = nlp.get_pipe("quotetrack")
    rules = tracker.resolver.annotator.rules_analyzer
    assert isinstance(rules.male_names, frozenset) and isinstance(rules.person_words, frozenset)
    assert isinstance(rules.blacklisted_phrases, list)  # iterated in order: stays a list
    assert Doc.has_extension("coref_chains")


def test_a_window_is_the_span_as_its_own_doc(nlp, seeds_dir):
    """window_doc (faster) copies what spaCy's as_doc copies: every token attribute, entities cut at
    the edges, the tensor's rows, the vector; and leaves the document's arrays as they were."""
    import numpy as np

    text = normalise_text(sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8"))
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    head = doc._get_array_attrs()
    array = doc.to_array(head)
    kept = array.copy()
    ents = [(e.start, e.end) for e in doc.ents]
    # windows cutting an entity at either edge, the whole document, one token
    edges = [(ents[1][0] + 1, ents[4][1] - 1), (0, len(doc)), (ents[2][0], ents[2][0] + 1), (40, 180)]
    for start, end in edges:
        expected = doc[start:end].as_doc()
        for arrays in (None, (head, array)):
            window = coref.window_doc(doc, start, end, arrays)
            assert window.to_bytes(exclude=["user_data"]) == expected.to_bytes(exclude=["user_data"])
            assert window.text == expected.text and len(window) == end - start
            assert [(e.start, e.end, e.label_) for e in window.ents] == [(e.start, e.end, e.label_) for e in expected.ents]
            assert np.array_equal(window.tensor, expected.tensor)
            assert np.allclose(window.vector, expected.vector, atol=1e-5) and window.vector.any()
            assert window.vector_norm == pytest.approx(expected.vector_norm, rel=1e-5)
    assert np.array_equal(array, kept)
