"""The review queue's terms: a view (``QueueQuery``), how each order reads, and the SQL pieces
the reads (:mod:`.queue`) and the counts (:mod:`.queue_counts`) share."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain import REVIEW_STATUSES
from .base import marks
from .blind import own_status
from .queue_schema import CONFIDENCE_BUCKETS

QUEUE_SORTS = ("document", "speaker", "kind", "confidence", "status")
NAME_BATCH = 256  # speaker names read at a time while walking a speaker sort
NAMES_LISTED = 1_000  # a filter matching more speaker names than this tests each quote's name instead
NAMES_READ = 50_000  # with more names than this in the store, names are not looked through at all
DOCS_LISTED = 1_000  # a document filter matching more ids than this finds their quotes through the index of ids


class QueueTooSlow(Exception):
    """A queue read ran past its budget (see :meth:`QueueReads.queue_budget`) and was stopped."""


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """Which quotes a view of the queue holds and their order, as plain values.

    ``statuses``: status ranks (0 pending, then the review statuses in their
    order); ``kind``: the shown kind; ``speaker``: a name matched whole
    (case-insensitive) when some quote is shown under it, else as a part of the
    name (case-folded); ``doc``: a document id when there is one, else a part of
    one; ``confidence``: an inclusive range; ``search``: a case-folded part of the
    quote text or of its speaker's name.
    """

    statuses: tuple[int, ...] | None = None
    kind: str | None = None
    speaker: str = ""
    doc: str = ""
    confidence: tuple[float, float] | None = None
    search: str = ""
    sort: str = "status"
    reverse: bool = False
    flagged: bool = False  # only quotes flagged for a second look (store/edits.py)
    disputed: bool = False  # only the quotes in ``disputed_quotes`` (reviewers disagree on them)
    blind: str | None = None  # a blind reviewer: statuses are their own decisions (reviewer_decisions)

    def __post_init__(self) -> None:
        if self.sort not in QUEUE_SORTS:
            raise ValueError(f"unknown sort column {self.sort!r} (use {', '.join(QUEUE_SORTS)})")


@dataclass(frozen=True, slots=True)
class _Order:
    """How one sort reads: the index, the group expression, the columns that order a group."""

    index: str
    group: str | None  # SQL for the group key; None: the whole view is one group
    ties: tuple[str, ...]  # order inside a group (rowid last: every key is unique)
    groups_desc: bool = False
    ties_desc: bool = False
    status: str = "queue_status"  # the status rank's SQL (see _status)
    blind: str | None = None  # the blind reviewer whose statuses those are


_TIES = ("confidence", "doc_id", "start", "rowid")
_KIND = "coalesce(queue_kind, kind)"
_STATUS = "queue_status"
_DECIDED = tuple(range(1, len(REVIEW_STATUSES)))  # every status rank but pending


def _status(query: QueueQuery) -> str:
    """The status rank a view sorts, filters and counts by: the quote's review's, or a blind reviewer's own."""
    return _STATUS if query.blind is None else own_status(query.blind)


def _order(query: QueueQuery) -> _Order:
    return replace(_order_of(query), status=_status(query), blind=query.blind)


def _order_of(query: QueueQuery) -> _Order:
    sort, rev = query.sort, query.reverse
    if sort == "status":
        if query.blind is not None:  # own statuses: groups read along the confidence index
            return _Order("queue_by_confidence", _status(query), _TIES, groups_desc=rev)
        return _Order("queue_by_status", "queue_status", _TIES, groups_desc=rev)
    if sort == "kind":
        return _Order("queue_by_kind", _KIND, _TIES, groups_desc=rev)
    if sort == "speaker":
        return _Order("queue_by_speaker", "queue_speaker", _TIES, groups_desc=rev)
    if sort == "confidence":
        if rev:  # most confident first, ties still in document order: one group per confidence
            return _Order("queue_by_confidence", "confidence", _TIES[1:], groups_desc=True)
        return _Order("queue_by_confidence", None, _TIES)
    return _Order("quotes_by_doc", None, ("doc_id", "start", "rowid"), ties_desc=rev)


def fold(text: str) -> str:
    """How the queue ignores case: each character lower-cased, as SQLite's trigram index folds text."""
    return text.lower()


def _contains(hay: str | None, part: str) -> bool:
    """The queue's substring match: ``part`` (already folded) in ``hay``, ignoring case."""
    return hay is not None and part in hay.lower()


def _phrase(search: str) -> str:
    """A substring as an FTS5 query of the trigram index (3 characters or more)."""
    return '"' + search.replace('"', '""') + '"'


def _bucket(confidence: float) -> int:
    return round(confidence * CONFIDENCE_BUCKETS)


Key = tuple  # (group value, *tie values): where a row stands in its view's order
Page = list[tuple[int, Key, int]]  # (rowid, key, status rank)


def _full_order(query: QueueQuery) -> str:
    """The view's order as one ORDER BY (for views read whole)."""
    desc = " DESC" if query.reverse else ""
    ties = "confidence, doc_id, start, rowid"
    if query.sort == "status":
        return f"{_status(query)}{desc}, {ties}"
    if query.sort == "kind":
        return f"{_KIND}{desc}, {ties}"
    if query.sort == "speaker":
        return f"queue_speaker IS NULL, queue_speaker COLLATE NOCASE{desc}, {ties}"
    if query.sort == "confidence":
        return f"confidence{desc}, doc_id, start, rowid"
    return f"doc_id{desc}, start{desc}, rowid{desc}"


def _named(names: list[str] | None, part: str) -> tuple[str, list]:
    """Quotes shown under one of ``names`` (None: under a name holding ``part``), as a condition."""
    if names is None:
        return "qt_contains(queue_speaker, ?)", [fold(part)]
    if not names:
        return "0", []
    return f"queue_speaker COLLATE NOCASE IN ({marks(names)})", list(names)
