"""The review queue as a blind reviewer sees it (``review --blind``): their own decisions only.

A blind view sorts, filters and counts by the reviewer's own status rank,
looked up per quote by ``reviewer_decisions``' key (quote, reviewer): no
column or index of its own, so nothing is kept per reviewer by triggers;
the rows show their own corrections, the extractor's values elsewhere.
See :mod:`.queue` for the views themselves and :mod:`.judgements` for the
decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..domain import REVIEW_STATUSES
from .base import StoreBase, chunks, marks

_RANKS = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(REVIEW_STATUSES) if i)


def own_status(reviewer: str) -> str:
    """SQL for a quote's status rank by ``reviewer``'s own decision (0: they have not decided it)."""
    return (f"coalesce((SELECT CASE d.status {_RANKS} ELSE 0 END FROM reviewer_decisions d"
            f" WHERE d.quote_id = quotes.id AND d.by = {_literal(reviewer)}), 0)")


def _literal(name: str) -> str:
    """The name as an SQL string literal (quotes doubled): the views' SQL is built once per view."""
    return "'" + name.replace("'", "''") + "'"


def own_statuses(query) -> bool:
    """Whether a view (a QueueQuery) filters or sorts by a blind reviewer's own statuses (the count
    tables, which count the reviews' statuses, cannot count it)."""
    return query.blind is not None and (query.statuses is not None or query.sort == "status")


def own_decided(reviewer: str) -> str:
    """SQL: the quote is one ``reviewer`` decided, as a lookup of their decisions (SQLite reads those
    first: a reviewer's decisions are few beside the quotes, and a walk of a quote index finds them late)."""
    return f"id IN (SELECT quote_id FROM reviewer_decisions WHERE by = {_literal(reviewer)})"


class BlindRows(StoreBase):
    def _queue_own_rows(self, rowids: Sequence[int], blind: str) -> list[tuple]:
        """The queue's row fields (see ``queue_row_data``) as ``blind`` sees them."""
        # a speaker a review corrected is the extractor's again here (the review may be another's)
        status = own_status(blind)
        out: list[tuple] = []
        for chunk in chunks(list(rowids)):
            out += self._queue_rows(
                "SELECT quotes.rowid, quotes.id, quotes.doc_id,"
                " coalesce(d.speaker_name, CASE WHEN r.speaker_name IS NULL THEN quotes.queue_speaker"
                " ELSE quotes.speaker_name END), coalesce(d.kind, quotes.kind), quotes.confidence,"
                f" {status}, quotes.text, d.kind IS NOT NULL, d.speaker_name IS NOT NULL, d.note IS NOT NULL, 0"
                " FROM quotes LEFT JOIN reviewer_decisions d ON d.quote_id = quotes.id AND d.by = ?"
                " LEFT JOIN reviews r ON r.quote_id = quotes.id"
                f" WHERE quotes.rowid IN ({marks(chunk)})", [blind, *chunk])
        return out

    def _queue_blind_count(self, query, before) -> int:
        """Rows of a blind view filtered or sorted by the reviewer's own statuses (before the row with key
        ``before``): quotes they have not decided are counted as all the view's quotes (the count tables
        and indexes count those) less those they decided; the decided are counted from their decisions.
        (One pass over every quote with a lookup each took 50-90 ms on 100,000 quotes.)"""
        every = range(len(REVIEW_STATUSES))
        wanted = set(query.statuses) if query.statuses is not None else set(every)
        decided = tuple(r for r in every if r)
        if before is None or query.sort != "status":
            if 0 not in wanted:
                return self._queue_count_of(query, before)  # found by their decisions
            others = tuple(r for r in decided if r not in wanted)
            out = self.queue_count(replace(query, statuses=None, blind=None), before)
            return out - (self._queue_count_of(replace(query, statuses=others), before) if others else 0)
        group, tail = before[0], before[1:]
        earlier = [r for r in wanted if (r > group if query.reverse else r < group)]
        total = sum(self._queue_blind_count(replace(query, statuses=(r,)), None) for r in earlier)
        if group:
            return total + self._queue_count_of(replace(query, statuses=(group,)), before)
        # pending rows before ``tail`` (ties ordered as in a confidence sort): all such rows, less the decided
        by_ties = replace(query, sort="confidence", reverse=False, statuses=None)
        return (total + self.queue_count(replace(by_ties, blind=None), (None, *tail))
                - self._queue_count_of(replace(by_ties, statuses=decided), (None, *tail)))
