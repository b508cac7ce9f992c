"""How quotes live on a ``Doc``: plain records in ``doc.user_data`` and a span group.

Everything spaCy serialises (``doc.to_bytes``, ``DocBin(store_user_data=True)``,
``nlp.pipe(n_process=…)``, which ships docs between processes as bytes) goes through
msgpack, so the component stores each quote as a dict of strings and numbers and
rebuilds :class:`~quotetrack.domain.Quote` objects when ``doc._.quotes`` is read.
``doc.spans["quotes"]`` holds one span per quote over its content words, labelled with
its speaker (what displaCy's ``span`` style shows); its span attributes
(``span._.speaker``, ``span._.quote_kind``, ``span._.cue``, ``span._.confidence``,
``span._.quote``) read the same records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from spacy.tokens import Doc, Span, SpanGroup

from ..domain import Quote, TextSpan

SPANS_KEY = "quotes"
RECORDS_KEY = ("quotetrack", "quotes")  # a user_data key no extension attribute can take
NO_SPEAKER = "no speaker"  # a span's label when the quote's speaker was not found
_ID_PREFIX = "quotetrack:"


def _span_record(span: TextSpan | None) -> list | None:
    return None if span is None else [span.start, span.end, span.text]


def _text_span(value: Sequence | None) -> TextSpan | None:
    return None if value is None else TextSpan(int(value[0]), int(value[1]), str(value[2]))


def to_record(quote: Quote) -> dict:
    """The quote as msgpack-safe data (what ``doc.user_data`` keeps)."""
    return {
        "kind": quote.kind,
        "content": _span_record(quote.content),
        "cue": _span_record(quote.cue),
        "speaker": quote.speaker,
        "speaker_kind": quote.speaker_kind,
        "mention": _span_record(quote.mention),
        "resolved": _span_record(quote.resolved),
        "method": quote.method,
        "confidence": quote.confidence,
        "flags": list(quote.flags),
    }


def from_record(record: Mapping) -> Quote:
    """The quote back from :func:`to_record`'s data (lists may come back from msgpack as tuples)."""
    return Quote(
        kind=record["kind"],
        content=_text_span(record["content"]),
        cue=_text_span(record["cue"]),
        speaker=record["speaker"],
        speaker_kind=record["speaker_kind"],
        mention=_text_span(record["mention"]),
        resolved=_text_span(record["resolved"]),
        method=record["method"],
        confidence=float(record["confidence"]),
        flags=tuple(record["flags"]),
    )


def set_quotes(doc: Doc, quotes: Iterable[Quote] | None) -> None:
    """Put ``quotes`` on ``doc``: its records and the ``quotes`` span group (``None`` removes both)."""
    if quotes is None:
        doc.user_data.pop(RECORDS_KEY, None)
        if SPANS_KEY in doc.spans:
            del doc.spans[SPANS_KEY]
        return
    quotes = list(quotes)
    doc.user_data[RECORDS_KEY] = [to_record(q) for q in quotes]
    spans = []
    for i, quote in enumerate(quotes):
        # "expand": content offsets can fall inside a token (a quotation mark glued to a word)
        span = doc.char_span(quote.start, quote.end, label=quote.speaker or NO_SPEAKER,
                             alignment_mode="expand", span_id=f"{_ID_PREFIX}{i}")
        if span is not None:
            spans.append(span)
    doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans)


def get_quotes(doc: Doc) -> list[Quote] | None:
    """The quotes on ``doc`` (``None`` when the quotetrack component has not run on it)."""
    records = doc.user_data.get(RECORDS_KEY)
    return None if records is None else [from_record(r) for r in records]


def quote_of(span: Span) -> Quote | None:
    """The quote a span of ``doc.spans["quotes"]`` stands for (``None`` for any other span)."""
    span_id = span.id_
    records = span.doc.user_data.get(RECORDS_KEY)
    if not span_id.startswith(_ID_PREFIX) or records is None:
        return None
    index = int(span_id[len(_ID_PREFIX):])
    return from_record(records[index]) if index < len(records) else None


def _cue_span(span: Span) -> Span | None:
    quote = quote_of(span)
    if quote is None or quote.cue is None:
        return None
    return span.doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")


def _field(name: str):
    def getter(span: Span):
        quote = quote_of(span)
        return None if quote is None else getattr(quote, name)

    return getter


SPAN_ATTRIBUTES = {
    "quote": quote_of,
    "speaker": _field("speaker"),
    "quote_kind": _field("kind"),
    "confidence": _field("confidence"),
    "cue": _cue_span,
}


def register_extensions() -> None:
    """``doc._.quotes`` (read and write) and the span attributes above; idempotent."""
    if not Doc.has_extension("quotes"):
        Doc.set_extension("quotes", getter=get_quotes, setter=set_quotes)
    for name, getter in SPAN_ATTRIBUTES.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)
