"""The review queue: what a reviewer works through, read from the store a window at a time.

The store keeps what the queue sorts, filters and counts by (indexes, count
tables and a text index, kept current by triggers: see
:mod:`quotetrack.store.queue`), so the queue holds only what is on screen
and around it, whatever the size of the store. :class:`Queue` is the
reviewer's side of it: the rows shown (a small cache), progress, decisions
taken in at once and other reviewers' from the audit log; a filter and an
order make a :class:`~quotetrack.review.view.View`, read a page at a time.

Rows are named by the quote's row number in the store (an ``int``); a
re-extraction renumbers its document's quotes, and :meth:`Queue.poll` then
reloads.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain import REVIEW_STATUSES
from ..store import Decision, QueueQuery, Store
from ..store.queue import QUEUE_SORTS
from .view import View

REVIEWED = "reviewed"  # a status filter: every status but pending
STATUS_FILTERS = (*REVIEW_STATUSES, REVIEWED)
DISPUTED = "disputed"  # a status filter of an adjudicator's review: the quotes reviewers disagree on
SORT_COLUMNS = QUEUE_SORTS
_STATUS_RANK = {s: i for i, s in enumerate(REVIEW_STATUSES)}
ROWS_KEPT = 4096  # rows whose fields the queue keeps (those on screen and around them)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows. Text filters ignore case; ``document`` and ``speaker`` match
    exactly when the value is a whole document id or speaker name, else as a substring."""

    status: str | None = None  # one of STATUS_FILTERS
    kind: str | None = None
    speaker: str = ""
    document: str = ""
    confidence: tuple[float, float] | None = None  # inclusive
    search: str = ""  # in the quote text or the speaker name
    flagged: bool = False  # only quotes flagged for a second look

    @property
    def active(self) -> bool:
        return self != QueueFilter()


@dataclass(frozen=True, slots=True)
class QueueSort:
    """Order of the queue: one column, ties broken by least confident first, then document order.

    The default, by status, puts pending quotes first and the least
    confident of them at the top: where a reviewer's time pays most.
    """

    column: str = "status"
    reverse: bool = False

    def describe(self) -> str:
        if self.column == "status" and not self.reverse:
            return "pending first, least confident first"
        arrow = "↓" if self.reverse else "↑"
        return f"by {self.column} {arrow}"


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue as the table shows it."""

    quote_id: str
    doc_id: str
    speaker: str | None
    kind: str
    confidence: float
    status: str
    text: str
    corrected_kind: bool
    corrected_speaker: bool
    note: bool
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    reviewed: int
    total: int
    by_status: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reviewed:,} / {self.total:,} reviewed"


def query_for(flt: QueueFilter, sort: QueueSort, blind: str | None = None) -> QueueQuery:
    """The store's terms for a filter and an order (ValueError for an unknown sort column); statuses
    are a ``blind`` reviewer's own decisions when one is given."""
    if flt.status is None or flt.status == DISPUTED:
        statuses = None
    elif flt.status == REVIEWED:
        statuses = tuple(range(1, len(REVIEW_STATUSES)))
    else:
        statuses = (_STATUS_RANK[flt.status],) if flt.status in _STATUS_RANK else ()
    return QueueQuery(
        statuses=statuses, kind=flt.kind or None, speaker=flt.speaker.strip(), doc=flt.document.strip(),
        confidence=flt.confidence, search=flt.search.strip(), sort=sort.column, reverse=sort.reverse,
        flagged=flt.flagged,
        disputed=flt.status == DISPUTED, blind=blind,
    )


class _Field:
    """``queue.ids[row]``, ``queue.statuses[row]``, …: one field of the rows, read through the cache."""

    def __init__(self, queue: Queue, name: str) -> None:
        self.queue, self.name = queue, name

    def __getitem__(self, row: int):
        return getattr(self.queue.row(row), self.name)


class _Rows:
    """``queue.index[quote_id]``: the row of a quote (KeyError when the store has none)."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    def get(self, quote_id: str, default: int | None = None) -> int | None:
        row = self.queue.db.queue_rowid(quote_id)
        return default if row is None else row

    def __getitem__(self, quote_id: str) -> int:
        row = self.get(quote_id)
        if row is None:
            raise KeyError(quote_id)
        return row

    def __contains__(self, quote_id: str) -> bool:
        return self.get(quote_id) is not None


class Queue:
    """The queue of a store: rows by number, progress, and views made from filters and orders.

    :meth:`apply` takes in a decision made here, :meth:`poll` those made by
    other reviewers (from the audit log); when the quotes themselves changed
    (a re-extraction, speakers re-clustered) :meth:`poll` reloads, and views
    made before are then out of date.

    A ``blind`` queue (a reviewer's name) shows that reviewer's own decisions
    only: statuses, corrections, progress and pending quotes are theirs.
    """

    def __init__(self, db: Store, blind: str | None = None):
        self.db = db
        self.blind = blind
        self.ids = _Field(self, "quote_id")
        self.doc_ids = _Field(self, "doc_id")
        self.speakers = _Field(self, "speaker")
        self.confidences = _Field(self, "confidence")
        self.statuses = _Field(self, "status")
        self.texts = _Field(self, "text")
        self.index = _Rows(self)
        self.load()

    def load(self) -> None:
        """(Re)read what the queue keeps: progress, where the audit log stands; forget cached rows."""
        db = self.db
        self.signature = db.queue_signature()
        self.log_cursor = db.queue_log_cursor()
        self.counts = self._progress_counts()
        self._rows: OrderedDict[int, QueueRow] = OrderedDict()
        self.changed: dict[int, int] = {}  # row → status rank, for rows decided since views were read

    def __len__(self) -> int:
        return sum(self.counts.values())

    # -- rows --

    def row(self, i: int) -> QueueRow:
        """The row's fields (read from the store unless cached); KeyError when the quote is gone."""
        cached = self._rows.get(i)
        if cached is None:
            self.fetch([i])
            cached = self._rows.get(i)
            if cached is None:
                raise KeyError(i)
        else:
            self._rows.move_to_end(i)
        return cached

    def fetch(self, rows: Sequence[int]) -> None:
        """Read these rows' fields at once (those not cached): the table asks for a screenful."""
        missing = [i for i in rows if i not in self._rows]
        for rowid, qid, doc, speaker, kind, conf, rank, text, ckind, cspeaker, note, flag in self.db.queue_row_data(missing, self.blind):
            self._rows[rowid] = QueueRow(qid, doc, speaker, kind, conf, REVIEW_STATUSES[rank], text,
                                         bool(ckind), bool(cspeaker), bool(note), bool(flag))
        while len(self._rows) > ROWS_KEPT:
            self._rows.popitem(last=False)

    def kind(self, i: int) -> str:
        return self.row(i).kind

    def status_rank(self, i: int, read: int) -> int:
        """The row's status rank now: ``read`` (as a view read it) unless decided since."""
        return self.changed.get(i, read)

    # -- keeping current --

    def apply(self, decision: Decision) -> int | None:
        """Take in a decision made on this store; returns its row (None if the quote is gone)."""
        i = self.db.queue_rowid(decision.quote_id)
        if i is None:
            return None
        self._reread([i])
        before, after = _STATUS_RANK[decision.before.status], _STATUS_RANK[decision.after.status]
        if before != after:
            self.counts[before] = self.counts.get(before, 0) - 1
            self.counts[after] = self.counts.get(after, 0) + 1
        return i

    def _reread(self, rows: Sequence[int]) -> None:
        for i in rows:
            self._rows.pop(i, None)
        self.fetch(rows)
        for i in rows:
            if i in self._rows:
                self.changed[i] = _STATUS_RANK[self._rows[i].status]

    def poll(self) -> set[int] | None:
        """Take in what others changed: the rows updated, or None after a full reload.

        Reviews come from the audit log since the last poll (an index range);
        changed quotes or speakers mean a reload.
        """
        if self.db.queue_signature() != self.signature:
            self.load()
            return None
        cursor = self.db.queue_log_cursor()
        if cursor == self.log_cursor:
            return set()
        changed = self.db.queue_changed_since(self.log_cursor, cursor)
        self.log_cursor = cursor
        self._reread(changed)
        self.counts = self._progress_counts()
        return set(changed)

    def _progress_counts(self) -> dict[int, int]:
        return self.db.queue_progress() if self.blind is None else self.db.own_progress(self.blind)

    # -- reading --

    def progress(self) -> Progress:
        by_status = {s: self.counts.get(i, 0) for i, s in enumerate(REVIEW_STATUSES)}
        total = sum(by_status.values())
        return Progress(total - by_status["pending"], total, by_status)

    def pending_in(self, view: View) -> int:
        """How many of the view's rows are pending (counted when the view was read, kept since)."""
        return view.pending if view.pending is not None else view.count_pending()

    def view(self, flt: QueueFilter = QueueFilter(), sort: QueueSort = QueueSort()) -> View:
        """The rows matching the filter in the sort's order, not read yet (see :meth:`View.open`)."""
        return View(self, query_for(flt, sort, self.blind))

    def select(self, flt: QueueFilter = QueueFilter(), sort: QueueSort = QueueSort()) -> View:
        """The rows matching the filter, in the sort's order, read (its first page and counts)."""
        view = self.view(flt, sort)
        view.open()
        return view

    def prepare_search(self, text: str) -> None:
        """Look up a search being typed ahead of time (while the reviewer types): the text index
        pages it needs are read, and how many quotes hold it is kept for when it is applied."""
        self.db.queue_warm_search(text.strip())


def next_pending(queue: Queue, view: Sequence[int], position: int, step: int = 1) -> int | None:
    """The view position of the next (step 1) or previous (step -1) pending quote, wrapping around.

    A :class:`View` finds it through the store; any other sequence of rows is looked through.
    """
    if isinstance(view, View):
        return view.next_pending(position, step)
    n = len(view)
    for k in range(1, n + 1):
        p = (position + k * step) % n
        if queue.statuses[view[p]] == "pending":
            return p
    return None
