"""Reviewing: the decisions a reviewer makes about quotes, and the queue they work through.

No SQL and no Textual here: every read and write goes through a
:class:`~quotetrack.store.Store`, and the TUI is one face over this.

- :mod:`.decisions`: confirm, reject, correct the speaker or kind, note;
- :mod:`.queue`: the queue of quotes, read from the store a window at a time;
- :mod:`.view`: one filter and order of it, read a page at a time;
- :mod:`.search`: names ranked for a typed query, the confidence filter;
- :mod:`.detail`: one quote in its paragraphs, with its review and history;
- :mod:`.speakers`: the speaker list and picker, merge, split, rename.
"""

from __future__ import annotations

from ..store import (
    Decision,
    LogEntry,
    NothingToUndo,
    ReviewError,
    ReviewState,
    StoreBusy,
    UndoConflict,
    UnknownQuote,
)
from .decisions import confirm, prepare, reject, set_kind, set_note, set_speaker
from .detail import Excerpt, QuoteDetail, excerpt, quote_detail
from .queue import (
    REVIEWED,
    SORT_COLUMNS,
    STATUS_FILTERS,
    Progress,
    Queue,
    QueueFilter,
    QueueRow,
    QueueSort,
    next_pending,
)
from .search import Match, fuzzy_match, parse_confidence
from .speakers import list_speakers, merge_speakers, rename_speaker, speaker_names, split_alias
from .view import View

__all__ = [
    "REVIEWED",
    "SORT_COLUMNS",
    "STATUS_FILTERS",
    "Decision",
    "Excerpt",
    "LogEntry",
    "Match",
    "NothingToUndo",
    "Progress",
    "Queue",
    "QueueFilter",
    "QueueRow",
    "QueueSort",
    "QuoteDetail",
    "ReviewError",
    "ReviewState",
    "StoreBusy",
    "UndoConflict",
    "UnknownQuote",
    "View",
    "confirm",
    "excerpt",
    "fuzzy_match",
    "list_speakers",
    "merge_speakers",
    "next_pending",
    "parse_confidence",
    "prepare",
    "quote_detail",
    "reject",
    "rename_speaker",
    "set_kind",
    "set_note",
    "set_speaker",
    "speaker_names",
    "split_alias",
]
