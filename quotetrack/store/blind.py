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

from ..domain import REVIEW_STATUSES
from .base import StoreBase

_RANKS = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(REVIEW_STATUSES) if i)


def own_status(reviewer: str) -> str:
    """SQL for a quote's status rank by ``reviewer``'s own decision (0: they have not decided it)."""
    name = reviewer.replace("'", "''")  # the name as an SQL string literal (quotes doubled)
    return (f"coalesce((SELECT CASE d.status {_RANKS} ELSE 0 END FROM reviewer_decisions d"
            f" WHERE d.quote_id = quotes.id AND d.by = '{name}'), 0)")


class BlindRows(StoreBase):
    def _queue_own_rows(self, rowids: Sequence[int], blind: str) -> list[tuple]:
        """The queue's row fields (see ``queue_row_data``) as ``blind`` sees them."""
        # a speaker a review corrected is the extractor's again here (the review may be another's)
        status = own_status(blind)
        out: list[tuple] = []
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start:start + 500])
            out += self._queue_rows(
                "SELECT quotes.rowid, quotes.id, quotes.doc_id,"
                " coalesce(d.speaker_name, CASE WHEN r.speaker_name IS NULL THEN quotes.queue_speaker"
                " ELSE quotes.speaker_name END), coalesce(d.kind, quotes.kind), quotes.confidence,"
                f" {status}, quotes.text, d.kind IS NOT NULL, d.speaker_name IS NOT NULL, d.note IS NOT NULL, 0"
                " FROM quotes LEFT JOIN reviewer_decisions d ON d.quote_id = quotes.id AND d.by = ?"
                " LEFT JOIN reviews r ON r.quote_id = quotes.id"
                f" WHERE quotes.rowid IN ({','.join('?' * len(chunk))})", [blind, *chunk])
        return out
