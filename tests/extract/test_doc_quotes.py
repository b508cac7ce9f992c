"""Quotes on a Doc are spaCy-shaped and survive everything spaCy serialises."""

from __future__ import annotations

import srsly
from spacy import displacy
from spacy.tokens import Doc, DocBin

from quotetrack.domain import Quote, TextSpan
from quotetrack.extract.doc_quotes import NO_SPEAKER, from_record, to_record

TEXT = (
    'Jens Stoltenberg spoke in Brussels. "We are ready," he said. '
    "Foreign Minister Sergey Lavrov said that NATO was a threat. "
    '"It is over," someone shouted.'
)


def test_a_record_survives_msgpack_as_spacy_reads_it_back():
    quote = Quote("mixed", TextSpan(3, 9, "ab\u201ccd"), TextSpan(10, 14, "said"), None, "other",
                  None, None, "none", 0.25, ("no-coref", "maybe"))
    back = srsly.msgpack_loads(srsly.msgpack_dumps([to_record(quote)]), use_list=False)[0]
    assert from_record(back) == quote


def test_spans_carry_speaker_kind_cue_and_confidence(nlp):
    doc = nlp(TEXT)
    quotes, spans = doc._.quotes, list(doc.spans["quotes"])
    assert len(spans) == len(quotes) >= 2
    by_text = {s.text: s for s in spans}
    ready = by_text["We are ready"]
    assert ready.label_ == ready._.speaker == "Jens Stoltenberg"
    assert ready._.quote_kind == "direct" and ready._.cue.text == "said"
    assert 0 < ready._.confidence <= 1 and ready._.quote in quotes
    assert by_text["that NATO was a threat"]._.speaker == "Sergey Lavrov"
    assert all(s.label_ == (s._.speaker or NO_SPEAKER) for s in spans)
    assert doc[0:2]._.speaker is None  # a span that is not a quote has no quote attributes


def test_to_bytes_and_docbin_keep_the_quotes(nlp):
    doc = nlp(TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.quotes == doc._.quotes
    assert [(s.text, s.label_) for s in again.spans["quotes"]] == [(s.text, s.label_) for s in doc.spans["quotes"]]
    stored = DocBin(store_user_data=True)
    stored.add(doc)
    (read,) = DocBin().from_bytes(stored.to_bytes()).get_docs(nlp.vocab)
    assert read._.quotes == doc._.quotes
    assert read.spans["quotes"][0]._.cue.text == "said"


def test_pipe_with_two_processes_gives_what_one_gives(nlp):
    texts = [TEXT, "No quotes here.", '"Ready," she said.']
    alone = [nlp(t)._.quotes for t in texts]
    assert [d._.quotes for d in nlp.pipe(texts, n_process=2, batch_size=1)] == alone
    assert alone[0] and alone[1] == []


def test_displacy_shows_quotes_labelled_by_speaker(nlp):
    html = displacy.render(nlp(TEXT), style="span", options={"spans_key": "quotes"})
    assert "Jens Stoltenberg" in html and "Sergey Lavrov" in html
    assert "Foreign Minister" in html and "ready" in html  # the words, shown token by token


def test_an_unprocessed_doc_has_no_quotes_and_setting_none_clears(nlp):
    doc = nlp.make_doc("Nothing ran here.")
    assert doc._.quotes is None and "quotes" not in doc.spans
    done = nlp(TEXT)
    done._.quotes = None
    assert done._.quotes is None and "quotes" not in done.spans
