"""The embedded SQLite store: documents, quotes, speakers, aliases, reviews — and every SQL statement.

One file, opened in WAL mode with a busy timeout so several processes (an
extraction run, two reviewers) can share it::

    with Store("quotetrack.db") as db:
        db.save_document(doc, quotes, extractor)
        db.refresh_speakers()
        db.write_export("quotes.json")

:class:`Store` is put together from one part per job: :mod:`.schema`
(tables, opening checks, migrations), :mod:`.documents`, :mod:`.speakers`,
:mod:`.reviews`, :mod:`.export` and :mod:`.stats`.
"""

from __future__ import annotations

from .documents import Documents, StoredDocument, StoredQuote, quote_id
from .export import Export, parse_statuses
from .reviews import (
    Decision,
    Extracted,
    LogEntry,
    NothingToUndo,
    ReviewError,
    Reviews,
    ReviewState,
    StoreBusy,
    UndoConflict,
    UnknownQuote,
)
from .schema import StoreError, explain
from .selection import Selection
from .speakers import RefreshReport, SpeakerSummary
from .stats import Stats


class Store(Documents, Reviews, Export, Stats):
    """A quotetrack store: ``Store(path, *, create=True, check=False, timeout=None)``.

    ``.path`` and ``.conn`` (the SQLite connection) are public; close it with
    :meth:`close` or use it as a context manager. Methods by job:
    documents and quotes (:class:`.documents.Documents`), speakers
    (:class:`.speakers.Speakers`), reviews (:class:`.reviews.Reviews`),
    export (:class:`.export.Export`), aggregates for reports (:class:`.stats.Stats`).
    """


__all__ = [
    "Decision",
    "Extracted",
    "LogEntry",
    "NothingToUndo",
    "RefreshReport",
    "ReviewError",
    "ReviewState",
    "Selection",
    "SpeakerSummary",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoredDocument",
    "StoredQuote",
    "UndoConflict",
    "UnknownQuote",
    "explain",
    "parse_statuses",
    "quote_id",
]
