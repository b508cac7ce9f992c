"""A view of the queue: the rows a filter keeps, in an order, read from the store a page at a time.

A view holds a stretch of its rows (those around the cursor, at most
:data:`KEPT`) and knows where the stretch starts; moving on reads the next
page after the last row read (by its sort key, never by an offset), so a
step costs the same at the top of ten million rows as anywhere else. Where
a row stands in a large view is counted from the store's count tables (or an
index) when the view is placed on it. A view the counts show to be small is
read whole at once.

A view is a snapshot of membership and order once read: decisions change
its rows' statuses (:meth:`Queue.status_rank`), not where they stand, until
the view is made again. Reads run under the store's budget when the caller
set one (:meth:`Store.queue_budget`): they then raise ``QueueTooSlow`` and
leave the view as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from ..store import QueueQuery, QueueTooSlow, Store

if TYPE_CHECKING:
    from .queue import Queue

PAGE = 100  # rows read at a time
WHOLE = 5_000  # a view that surely holds at most this many rows is read whole
KEPT = 5_000  # rows kept of a view read by pages
FAR = 2_000  # a row farther than this from those read is reached by a jump, not page by page
SKIP = 5_000  # rows read at a time (and dropped) on the way to a far row


class View(Sequence[int]):
    """The rows (numbers) of one filter and order; ``len`` is the count once known (see :attr:`count`)."""

    def __init__(self, queue: Queue, query: QueueQuery) -> None:
        self.queue = queue
        self.query = query
        self.db = queue.db
        self.whole = False
        self.base = 0  # position of rows[0]
        self.rows: list[int] = []
        self.keys: list[tuple] = []  # each row's sort key (views read by pages)
        self.ranks: list[int] = []  # each row's status rank when read
        self.at_start = True
        self.at_end = True
        self.count: int | None = None  # rows in the view; None until counted
        self.pending: int | None = None

    # -- reading --

    def open(self, counts: bool = True) -> View:
        """Read the view's first rows (all of them when few) and, with ``counts``, try to count it."""
        whole = self.db.queue_whole(self.query, WHOLE)
        if whole is not None:
            self.whole = True
            self.rows, self.ranks = [r for r, _ in whole], [s for _, s in whole]
            self.keys, self.base, self.at_start, self.at_end = [], 0, True, True
            self.count, self.pending = len(self.rows), self.ranks.count(0)
            return self
        self._take(self.db.queue_page(self.query, None, PAGE), 0, PAGE)
        if counts:
            self.try_counts()
        return self

    def try_counts(self) -> bool:
        """Count the view (and its pending rows) if the budget allows; True when both are known."""
        try:
            count, self.pending = self.db.queue_numbers(self.query)
        except QueueTooSlow:
            return False
        if self.count is None:
            self.count = count
        return True

    def counted(self) -> tuple[int, int]:
        """(rows, pending rows), counted now whatever it takes (for a thread of its own)."""
        return self.db.queue_numbers(self.query)

    def pending_now(self) -> int | None:
        """Pending rows now: a view read whole counts its rows' current statuses; a view read by
        pages tells its count (None if not counted), which a later count brings up to date."""
        if self.whole:
            return sum(1 for r, s in zip(self.rows, self.ranks) if self.queue.status_rank(r, s) == 0)
        return self.pending

    # -- reading elsewhere --

    @contextmanager
    def reading_with(self, db: Store) -> Iterator[View]:
        """Read through ``db`` (a store of another thread) for a while."""
        mine, self.db = self.db, db
        try:
            yield self
        finally:
            self.db = mine

    def clone(self) -> View:
        """A copy to read on in another thread, while this one is shown; :meth:`adopt` takes it back."""
        twin = copy.copy(self)
        twin.rows, twin.keys, twin.ranks = list(self.rows), list(self.keys), list(self.ranks)
        return twin

    def adopt(self, twin: View) -> None:
        for name in ("whole", "base", "rows", "keys", "ranks", "at_start", "at_end", "count", "pending"):
            setattr(self, name, getattr(twin, name))

    def count_pending(self) -> int:
        self.pending = self.db.queue_count(self._pending_query())
        return self.pending

    def _pending_query(self) -> QueueQuery:
        statuses = self.query.statuses
        return replace(self.query, statuses=(0,) if statuses is None or 0 in statuses else ())

    def _take(self, page: list, base: int, asked: int) -> None:
        """A fresh stretch: ``page`` (read forwards) standing at ``base``."""
        self.rows = [r for r, _, _ in page]
        self.keys = [k for _, k, _ in page]
        self.ranks = [s for _, _, s in page]
        self.base = base
        self.at_start = base == 0
        self.at_end = len(page) < asked
        if self.at_end:
            self.count = base + len(page)

    # -- as a sequence --

    def __len__(self) -> int:
        if self.count is not None:
            return self.count
        return self.base + len(self.rows) + (0 if self.at_end else 1)  # at least: one more row is there

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self[p] for p in range(*position.indices(len(self)))]
        if position < 0:
            position += self.size()
        if position < 0:
            raise IndexError(position)
        offset = position - self.base
        if not 0 <= offset < len(self.rows):
            self._reach(position)
            offset = position - self.base
        return self.rows[offset]

    def __iter__(self) -> Iterator[int]:
        position = 0
        while True:
            try:
                yield self[position]
            except IndexError:
                return
            position += 1

    def __contains__(self, row: object) -> bool:
        if row in self.rows:
            return True
        if self.whole or not isinstance(row, int):
            return False
        return self.db.queue_key(self.query, row) is not None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (View, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def size(self) -> int:
        """The number of rows, counted now if not known yet."""
        if self.count is None:
            self.count = self.db.queue_count(self.query)
        return self.count

    def peek(self, position: int) -> int | None:
        """The row at ``position`` if it is read already (nothing is read here)."""
        offset = position - self.base
        return self.rows[offset] if 0 <= offset < len(self.rows) else None

    def read(self, position: int) -> bool:
        """Whether the row at ``position`` is read already."""
        return 0 <= position - self.base < len(self.rows)

    def index(self, row: int, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        """Where ``row`` stands (ValueError when the view does not hold it); the view is read around it."""
        if row in self.rows:
            return self.base + self.rows.index(row)
        if self.whole:
            raise ValueError(f"row {row} is not in the view")
        found = self.db.queue_key(self.query, row)
        if found is None:
            raise ValueError(f"row {row} is not in the view")
        key, rank = found
        position = self.db.queue_count(self.query, before=key)
        self._around(row, key, rank, position)
        return position

    # -- moving --

    def _reach(self, position: int) -> None:
        """Read the view up to ``position`` (IndexError beyond its end)."""
        end = self.base + len(self.rows)
        if position >= end:
            if self.at_end:
                raise IndexError(position)
            if position - end <= FAR:
                self._forward(position - end + PAGE)
            elif self.count is not None and self.count - position <= position - end:
                if position >= self.count:
                    raise IndexError(position)
                self._from_end()
            else:
                self._skip(position)
        elif position <= self.base - position:
            self._take(self.db.queue_page(self.query, None, PAGE), 0, PAGE)
        else:
            self._backward(self.base - position + PAGE)
        if not self.read(position):
            self._reach(position)

    def _forward(self, n: int) -> None:
        page = self.db.queue_page(self.query, self.keys[-1] if self.keys else None, n)
        self.rows += [r for r, _, _ in page]
        self.keys += [k for _, k, _ in page]
        self.ranks += [s for _, _, s in page]
        if len(page) < n:
            self.at_end = True
            self.count = self.base + len(self.rows)
        self._trim(keep_end=True)

    def _backward(self, n: int) -> None:
        page = self.db.queue_page(self.query, self.keys[0], n, forward=False)[::-1]
        self.rows[:0] = [r for r, _, _ in page]
        self.keys[:0] = [k for _, k, _ in page]
        self.ranks[:0] = [s for _, _, s in page]
        self.base -= len(page)
        if len(page) < n or self.base <= 0:
            self.at_start = True
            self.base = 0  # the view lost rows before these since it was read: positions start again here
        self._trim(keep_end=False)

    def _from_end(self) -> None:
        page = self.db.queue_page(self.query, None, PAGE, forward=False)[::-1]
        self._take(page, max(0, (self.count or 0) - len(page)), len(page))
        self.at_end = True

    def _skip(self, position: int) -> None:
        """Read on to a far row, keeping only the last rows read."""
        while self.base + len(self.rows) <= position and not self.at_end:
            self.base += max(0, len(self.rows) - PAGE)
            del self.rows[:-PAGE], self.keys[:-PAGE], self.ranks[:-PAGE]
            self.at_start = self.base == 0
            self._forward(min(SKIP, position - (self.base + len(self.rows)) + PAGE))

    def _trim(self, keep_end: bool) -> None:
        extra = len(self.rows) - KEPT
        if extra <= 0:
            return
        if keep_end:
            del self.rows[:extra], self.keys[:extra], self.ranks[:extra]
            self.base += extra
            self.at_start = False
        else:
            del self.rows[-extra:], self.keys[-extra:], self.ranks[-extra:]
            self.at_end = False

    def _around(self, row: int, key: tuple, rank: int, position: int) -> None:
        """Read the view around a row found by its key, standing at ``position``."""
        before = self.db.queue_page(self.query, key, PAGE, forward=False)[::-1]
        after = self.db.queue_page(self.query, key, PAGE)
        self._take([*before, (row, key, rank), *after], position - len(before), PAGE)
        self.at_end = len(after) < PAGE
        if self.at_end:
            self.count = position + 1 + len(after)
        self.at_start = len(before) < PAGE or self.base == 0

    # -- pending quotes --

    def next_pending(self, position: int, step: int = 1) -> int | None:
        """The position of the next (step 1) or previous (step -1) pending row, wrapping around."""
        if not self.rows:
            return None
        found = self._scan(position + step, step, None)
        if found is not None:
            return found
        if not (self.at_end if step > 0 else self.at_start):  # on past the rows read, to the view's edge
            hit = self._pending_from(self.keys[-1] if step > 0 else self.keys[0], step)
            if hit is not None:
                return self._go(hit)
        if not (self.at_start if step > 0 else self.at_end):  # around: from the other edge, up to the rows read
            hit = self._pending_from(None, step)
            if hit is not None and (hit[3] < self.base if step > 0 else hit[3] >= self.base + len(self.rows)):
                return self._go(hit)
        return self._scan(self.base if step > 0 else self.base + len(self.rows) - 1, step, position)

    def _scan(self, position: int, step: int, stop: int | None) -> int | None:
        """The first pending row among those read, from ``position`` on (up to ``stop``, inclusive)."""
        offset = position - self.base
        last = (len(self.rows) - 1 if step > 0 else 0) if stop is None else stop - self.base
        while (offset <= last if step > 0 else offset >= last) and 0 <= offset < len(self.rows):
            if self.queue.status_rank(self.rows[offset], self.ranks[offset]) == 0:
                return self.base + offset
            offset += step
        return None

    def _pending_from(self, key: tuple | None, step: int) -> tuple | None:
        """(row, key, status rank, position) of the first pending row past ``key`` (None: from the
        view's start, or its end going back); None when there is none."""
        page = self.db.queue_page(self._pending_query(), key, 1, forward=step > 0)
        if not page:
            return None
        row, found, rank = page[0]
        return row, found, rank, self.db.queue_count(self.query, before=found)

    def _go(self, hit: tuple) -> int:
        self._around(*hit)
        return hit[3]
