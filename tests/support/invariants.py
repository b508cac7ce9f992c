"""What must hold for any text: the contracts the property tests and the fuzzer check."""

from __future__ import annotations

from quotetrack.domain import QUOTE_KINDS, SPEAKER_KINDS

METHODS = {"syntax", "apposition", "according", "coref", "nearest-name", "continuation", "description", "none"}


def check_marked(text: str, spans) -> None:
    """Quoted stretches from :func:`quotetrack.extract.marks.find_marked`."""
    previous_end = 0
    for m in spans:
        assert 0 <= m.open_start <= m.start <= m.end <= m.close_end <= len(text), m
        assert m.open_start < m.start or not m.opened, m  # only a quote never opened has no opening mark
        assert m.open_start >= previous_end, f"overlapping stretches: {spans}"
        assert "\n" not in text[m.open_start : m.close_end], f"a stretch crosses a paragraph: {m}"
        assert any(ch.isalnum() or ch == "_" for ch in text[m.start : m.end]), m
        assert m.closed == (m.end < m.close_end), m
        previous_end = m.close_end


def _check_span(text: str, span, what: str) -> None:
    if span is None:
        return
    assert 0 <= span.start <= span.end <= len(text), f"{what} out of range: {span}"
    assert text[span.start : span.end] == span.text, f"{what} text differs from its offsets: {span}"


def check_quotes(text: str, quotes) -> None:
    """Quotes from the full pipeline (``doc._.quotes``)."""
    assert isinstance(quotes, list)
    assert [q.start for q in quotes] == sorted(q.start for q in quotes), "quotes out of document order"
    for k, q in enumerate(quotes):
        _check_span(text, q.content, "content")
        assert q.start < q.end, f"empty quote: {q}"
        for p in quotes[:k]:
            if p.end > q.start:  # overlapping: only a report inside a report ("X said Y claimed that …")
                outer, inner = (p, q) if p.start <= q.start and q.end <= p.end else (q, p)
                nested = outer.start <= inner.start and inner.end <= outer.end
                assert nested and inner.cue is not None and outer.start <= inner.cue.start < outer.end, (
                    f"overlapping quotes that are not one reported inside the other: {p.content} / {q.content}"
                )
        for name in ("cue", "mention", "resolved"):
            _check_span(text, getattr(q, name), name)
        assert q.kind in QUOTE_KINDS and q.speaker_kind in SPEAKER_KINDS and q.method in METHODS, q
        assert 0.0 <= q.confidence <= 1.0, q
        assert q.speaker is None or (isinstance(q.speaker, str) and q.speaker.strip()), q


def coref_decisions(doc) -> tuple:
    """What coreferee decided for ``doc``: every chain, and every anaphor's candidates in ranked order.

    The ranking is only there when the scratch attributes were kept
    (``quotetrack.extract.coref_fast.annotate``, or ``Annotator.annotate(doc, used_in_training=True)``).
    """
    chains = [[tuple(m.token_indexes) for m in chain] for chain in doc._.coref_chains]
    ranked = {
        t.i: [tuple(m.token_indexes) for m in t._.coref_chains.temp_potential_referreds]
        for t in doc
        if hasattr(t._.coref_chains, "temp_potential_referreds")
    }
    return chains, ranked


def check_coref_speed(nlp, stock, fast, text: str) -> tuple:
    """coreferee as published (``stock``) and quotetrack's faster one (``fast``) decide the same on ``text``."""
    from quotetrack.extract import coref_fast

    with nlp.select_pipes(disable=["quotetrack"]):
        one, two = nlp(text), nlp(text)
    stock.rules_analyzer.initialize(one)
    stock.annotate(one, used_in_training=True)  # keeps the rankings to compare
    coref_fast.annotate(fast, two)
    expected, found = coref_decisions(one), coref_decisions(two)
    assert found == expected, f"coref_fast decided differently:\n{found}\ncoreferee:\n{expected}"
    return expected
