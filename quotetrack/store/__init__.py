"""The embedded SQLite store: documents, quotes, speakers, aliases, reviews — and every SQL statement.

One file, opened in WAL mode with a busy timeout so several processes (an
extraction run, two reviewers) can share it::

    with Store("quotetrack.db") as db:
        db.save_document(doc, quotes, extractor)
        db.refresh_speakers()
        db.write_export("quotes.json")

:class:`Store` is put together from one part per job: :mod:`.schema`
(tables, opening checks, migrations), :mod:`.documents`, :mod:`.speakers`,
:mod:`.reviews`, :mod:`.edits` (reviewers' fixes to quotes), :mod:`.export`, :mod:`.stats` and :mod:`.queue`.
"""

from __future__ import annotations

from .base import ReviewState, quote_id
from .documents import Documents, SavedQuotes, StoredDocument, StoredQuote
from .edits import ADDED_METHOD, SpanEdit
from .export import Export, parse_statuses
from .queue import QueueQuery, QueueReads, QueueTooSlow
from .refresh_report import RefreshReport
from .reviews import (
    Carried,
    Decision,
    Extracted,
    LogEntry,
    NothingToUndo,
    ReviewError,
    StoreBusy,
    UndoConflict,
    UnknownQuote,
    UnplacedReview,
)
from .schema import StoreError, check_writable, explain
from .selection import Selection
from .speaker_picks import SpeakerPicks
from .speakers import SpeakerSummary
from .stats import Stats


class Store(Documents, Export, Stats, QueueReads, SpeakerPicks):
    """A quotetrack store: ``Store(path, *, create=True, check=False, timeout=None)``.

    ``.path`` and ``.conn`` (the SQLite connection) are public; close it with
    :meth:`close` or use it as a context manager. Methods by job:
    documents and quotes (:class:`.documents.Documents`, which keeps
    reviews across a re-extraction), speakers (:class:`.speakers.Speakers`),
    reviews (:class:`.reviews.Reviews`), export (:class:`.export.Export`),
    aggregates for reports (:class:`.stats.Stats`), the review queue's
    pages and counts (:class:`.queue.QueueReads`), the speaker picker's speakers
    (:class:`.speaker_picks.SpeakerPicks`).
    """


__all__ = [
    "ADDED_METHOD",
    "Carried",
    "Decision",
    "Extracted",
    "LogEntry",
    "NothingToUndo",
    "QueueQuery",
    "QueueTooSlow",
    "RefreshReport",
    "ReviewError",
    "ReviewState",
    "SavedQuotes",
    "Selection",
    "SpanEdit",
    "SpeakerSummary",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoredDocument",
    "StoredQuote",
    "UndoConflict",
    "UnknownQuote",
    "UnplacedReview",
    "check_writable",
    "explain",
    "parse_statuses",
    "quote_id",
]
