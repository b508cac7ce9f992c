"""Reviewing: the decisions a reviewer makes about quotes, and the queue they work through.

No SQL and no Textual here: every read and write goes through a
:class:`~quotetrack.store.Store`, and the TUI is one face over this.

- :mod:`.decisions`: confirm, reject, correct the speaker or kind, note;
- :mod:`.edits`: fix a quote's words, add a missed quote, flag, reject with a reason;
- :mod:`.queue`: the queue of quotes, read from the store a window at a time;
- :mod:`.view`: one filter and order of it, read a page at a time;
- :mod:`.search`: names ranked for a typed query, the confidence filter;
- :mod:`.detail`: one quote in its paragraphs, with its review and history;
- :mod:`.speakers`: the speaker list and picker, merge, split, rename, undo;
- :mod:`.agreement`: agreement between reviewers (κ, α), pure;
- :mod:`.disputes`: reviewers' own decisions from the store, disputed quotes, the agreement report.
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
from .disputes import agreement_report, disputed_quotes
from .edits import (
    REJECT_REASONS,
    Paragraph,
    SpanChoice,
    add_quote,
    edit_span,
    next_paragraph,
    paragraph_of,
    reject_because,
    toggle_flag,
)
from .queue import (
    DISPUTED,
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
from .speakers import (
    SpeakerChoice,
    list_speakers,
    merge_speakers,
    picker_choices,
    rename_speaker,
    speaker_choices,
    speaker_names,
    split_alias,
    undo_speaker_change,
)
from .view import View

__all__ = [
    "REJECT_REASONS",
    "Paragraph",
    "SpanChoice",
    "add_quote",
    "edit_span",
    "next_paragraph",
    "paragraph_of",
    "reject_because",
    "toggle_flag",
    "DISPUTED",
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
    "SpeakerChoice",
    "StoreBusy",
    "UndoConflict",
    "UnknownQuote",
    "View",
    "agreement_report",
    "confirm",
    "disputed_quotes",
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
    "picker_choices",
    "speaker_choices",
    "speaker_names",
    "split_alias",
    "undo_speaker_change",
]
