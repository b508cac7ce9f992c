"""One quote as the detail view shows it: in its paragraphs, with its review and recent history."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from ..domain import Quote
from ..store import LogEntry, ReviewState, SpanEdit, Store
from ..text import lines


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Paragraphs of a document around a quote, with every span relative to ``text``."""

    text: str
    spans: dict[str, list[tuple[int, int]]]  # role → spans: content, cue, mention, resolved


def excerpt(doc_text: str, spans: dict[str, tuple[int, int] | None], gap: str = "…") -> Excerpt:
    """The paragraphs that hold any of the spans (in order, a ``gap`` line between distant ones)."""
    bounds = lines(doc_text)
    starts = [b[0] for b in bounds]
    wanted: set[int] = set()
    for span in spans.values():
        if span is None:
            continue
        first = max(0, bisect_right(starts, span[0]) - 1)
        last = max(0, bisect_right(starts, max(span[0], span[1] - 1)) - 1)
        wanted.update(range(first, last + 1))
    pieces: list[tuple[int, int, int]] = []  # (doc start, doc end, excerpt start)
    out: list[str] = []
    pos, prev = 0, None
    for p in sorted(wanted):
        if prev is not None:
            sep = "\n" if p == prev + 1 else f"\n{gap}\n"
            out.append(sep)
            pos += len(sep)
        s, e = bounds[p]
        pieces.append((s, e, pos))
        out.append(doc_text[s:e])
        pos += e - s
        prev = p
    mapped: dict[str, list[tuple[int, int]]] = {}
    for role, span in spans.items():
        if span is None:
            continue
        parts = []
        for s, e, at in pieces:
            lo, hi = max(s, span[0]), min(e, span[1])
            if lo < hi:
                parts.append((at + lo - s, at + hi - s))
        mapped[role] = parts
    return Excerpt("".join(out), mapped)


@dataclass(frozen=True, slots=True)
class QuoteDetail:
    quote_id: str
    doc_id: str
    source: str
    quote: Quote  # as extracted
    review: ReviewState
    speaker_id: str | None
    speaker: str | None  # canonical name, else the (corrected) name
    kind: str  # effective
    excerpt: Excerpt
    history: list[LogEntry]
    edit: SpanEdit | None = None  # the reviewer's words, and the extracted ones
    added: bool = False  # a reviewer added the quote
    flagged: bool = False
    reason: str | None = None  # why it was rejected


def quote_detail(db: Store, quote_id: str) -> QuoteDetail | None:
    """Everything the detail view shows about one quote (None when it is gone); a blind reviewer's
    (the store reviews blind) shows their own decision, no history, flag or reject reason."""
    stored = db.quote(quote_id)
    if stored is None:
        return None
    quote = stored.quote
    state = db.review_state(quote_id)
    spans = {
        "content": (quote.start, quote.end),
        "cue": (quote.cue.start, quote.cue.end) if quote.cue else None,
        "mention": (quote.mention.start, quote.mention.end) if quote.mention else None,
        "resolved": (quote.resolved.start, quote.resolved.end) if quote.resolved else None,
    }
    if db.blind is not None:  # their own decision, else the extractor's: nothing another reviewer said
        return QuoteDetail(
            quote_id=quote_id, doc_id=stored.doc_id, source=stored.source, quote=quote, review=state,
            speaker_id=None, speaker=state.speaker_name or quote.speaker, kind=state.kind or quote.kind,
            excerpt=excerpt(stored.doc_text, spans), history=[], edit=db.span_edit(quote_id), added=db.is_added(quote_id))
    return QuoteDetail(
        quote_id=quote_id, doc_id=stored.doc_id, source=stored.source, quote=quote, review=state,
        speaker_id=stored.speaker_id, speaker=stored.canonical_name or state.speaker_name or quote.speaker,
        kind=state.kind or quote.kind, excerpt=excerpt(stored.doc_text, spans),
        history=[_as_seen(h, quote) for h in db.history(quote_id, 5)], edit=db.span_edit(quote_id), added=db.is_added(quote_id),
        flagged=db.is_flagged(quote_id), reason=db.reject_reason(quote_id),
    )


def _as_seen(entry: LogEntry, quote: Quote) -> LogEntry:
    """A kind or speaker change as the reviewer saw it: a correction taken back (None in the log)
    reads as the extracted value, so the history says ``direct → mixed``, not ``— → mixed``."""
    extracted = {"kind": quote.kind, "speaker_name": quote.speaker}
    if entry.field not in extracted:
        return entry
    value = extracted[entry.field]
    return replace(entry, old=entry.old if entry.old is not None else value,
                   new=entry.new if entry.new is not None else value)
