"""Documents longer than spaCy's max_length: paragraph-aligned pieces, offsets into the whole text."""

from __future__ import annotations

import spacy

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.run.chunks import CHUNK_CHARS, shift, split_text
from quotetrack.run.work import extract_documents

FILLER = "The council met again on Tuesday to discuss the budget for the coming year.\n"
LAST = "“This is the very last word on the matter, and I mean it,” the mayor said."


def _long_article(chars: int) -> str:
    paras, n, i = [], 0, 0
    while n < chars:
        p = f"“We will not give up on district {i}, not now and not ever,” the mayor told reporters.\n" if i % 200 == 0 else FILLER
        paras.append(p)
        n += len(p)
        i += 1
    paras.append(LAST)
    return "".join(paras)


def test_pieces_cover_the_text_in_order_and_end_at_paragraph_breaks():
    text = _long_article(2_500_000)
    pieces = split_text(text, CHUNK_CHARS)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < e - s <= CHUNK_CHARS for s, e in pieces)
    assert all(text[e - 1] == "\n" for _, e in pieces[:-1])
    assert "".join(text[s:e] for s, e in pieces) == text


def test_a_paragraph_longer_than_a_piece_is_cut_after_a_sentence_or_a_space():
    text = "First sentence here. " * 30 + "x" * 50
    pieces = split_text(text, 100)
    assert "".join(text[s:e] for s, e in pieces) == text
    assert all(e - s <= 100 for s, e in pieces)
    assert all(text[s:e].endswith(". ") for s, e in pieces[:-2])
    assert split_text("y" * 250, 100) == [(0, 100), (100, 200), (200, 250)]


def test_shift_moves_every_span():
    q = Quote("direct", TextSpan(5, 9, "abcd"), cue=TextSpan(11, 15, "said"), mention=TextSpan(16, 18, "he"))
    moved = shift(q, 100)
    assert (moved.start, moved.end, moved.cue.start, moved.mention.end) == (105, 109, 111, 118)
    assert moved.resolved is None and moved.text == "abcd"


def test_an_article_of_two_and_a_half_million_characters_is_processed_to_its_end():
    # A real (if light) spaCy pipeline: the default max_length of 1,000,000 would refuse this text.
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("quotetrack", config={"coref": "off"})
    text = _long_article(2_500_000)
    assert len(text) > 2 * nlp.max_length
    (result,) = extract_documents(nlp, [Document("big", text, "big.txt")])
    assert result.error is None
    assert len(result.quotes) == text.count("“")
    assert all(text[q.start : q.end] == q.text for q in result.quotes)
    assert all(text[q.cue.start : q.cue.end] == q.cue.text for q in result.quotes if q.cue)
    last = result.quotes[-1]
    assert last.text == "This is the very last word on the matter, and I mean it"
    assert text[last.end :] == ",” the mayor said."


def test_chunked_extraction_with_the_full_pipeline_gives_document_offsets(nlp, monkeypatch):
    paragraphs = [
        f"At the summit in city number {i}, Foreign Minister Sergey Lavrov spoke to the press. "
        f"“The basic conditions for joint work number {i} do not exist,” he said.\n"
        for i in range(12)
    ]
    text = "".join(paragraphs)
    whole = next(extract_documents(nlp, [Document("d", text, "d.txt")]))
    monkeypatch.setattr(nlp, "max_length", 600)  # forces pieces of a few paragraphs each
    pieces = split_text(text, 600)
    assert len(pieces) > 3
    chunked = next(extract_documents(nlp, [Document("d", text, "d.txt")]))
    assert chunked.error is None
    assert [(q.start, q.end, q.speaker) for q in chunked.quotes] == [(q.start, q.end, q.speaker) for q in whole.quotes]
    assert len(chunked.quotes) == 12
    for q in chunked.quotes:
        assert text[q.start : q.end] == q.text
        assert q.speaker == "Sergey Lavrov"
        assert text[q.mention.start : q.mention.end] == q.mention.text == "he"
