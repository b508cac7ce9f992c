"""What a reviewer can decide about a quote, and the review each decision leads to.

Each decision is a pure function from the quote's current review (and what
extraction said) to the review wanted; :meth:`Store.decide` runs it inside
one transaction and records it (see :mod:`quotetrack.store.reviews`), so a
decision is in the store when the function returns. Undo, the undo depth
and a quote's history are the store's: :meth:`Store.undo`,
:meth:`Store.undo_depth`, :meth:`Store.history`.
"""

from __future__ import annotations

from dataclasses import replace

from ..domain import QUOTE_KINDS
from ..store import Decision, Extracted, ReviewError, ReviewState, Store


def prepare(db: Store) -> None:
    """Make a store fit for reviewing: decisions survive a power cut, not only a crash."""
    db.durable()


def _status_for(state: ReviewState, extracted: Extracted) -> str:
    return "corrected" if state.corrected or extracted.edited else "confirmed"


def _confirmed(state: ReviewState, extracted: Extracted) -> ReviewState:
    return replace(state, status=_status_for(state, extracted))


def confirm(db: Store, quote_id: str, by: str | None) -> Decision:
    """The attribution is right (with any corrections already made: then it stays ``corrected``)."""
    return db.decide(quote_id, "confirm", by, _confirmed)


def reject(db: Store, quote_id: str, by: str | None) -> Decision:
    """Not a quote, or not one worth keeping (no reason given: one given before goes; see
    :func:`quotetrack.review.edits.reject_because`)."""
    return db.reject_because(quote_id, None, by)


def set_speaker(db: Store, quote_id: str, name: str, by: str | None) -> Decision:
    """The speaker is ``name``: ``corrected`` when that differs from the extracted speaker.

    Naming the extracted speaker again takes a correction back (and
    confirms the quote).
    """
    name = " ".join(name.split())
    if not name:
        raise ReviewError("a speaker name cannot be empty")

    def change(state: ReviewState, extracted: Extracted) -> ReviewState:
        state = replace(state, speaker_name=None if name == extracted.speaker_name else name)
        return replace(state, status=_status_for(state, extracted))

    return db.decide(quote_id, "speaker", by, change)


def set_kind(db: Store, quote_id: str, kind: str, by: str | None) -> Decision:
    """The quote is ``kind`` (direct, indirect or mixed): ``corrected`` when that differs from extraction."""
    if kind not in QUOTE_KINDS:
        raise ReviewError(f"unknown kind {kind!r} (use {', '.join(QUOTE_KINDS)})")

    def change(state: ReviewState, extracted: Extracted) -> ReviewState:
        state = replace(state, kind=None if kind == extracted.kind else kind)
        return replace(state, status=_status_for(state, extracted))

    return db.decide(quote_id, "kind", by, change)


def set_note(db: Store, quote_id: str, note: str | None, by: str | None) -> Decision:
    """Attach a note (empty: remove it). The status stays as it is."""
    note = (note or "").strip() or None
    return db.decide(quote_id, "note", by, lambda state, _: replace(state, note=note))
