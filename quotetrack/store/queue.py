"""The review queue as stored: pages of it in any order and under any filter, its counts, its rows.

The queue never reads the store whole. A view (a filter and an order) is read
a page at a time by *keyset*: the rows after (or before) a known row's sort key,
through the index kept for that order (see ``QUEUE_INDEXES`` in
:mod:`.queue_schema`). Each order is a sequence of *groups* (statuses, kinds,
speaker names, confidences of a reversed confidence sort) walked one at a time
in the view's direction, with ties inside a group always least confident
first, then in document order: the index answers each group in that order,
whichever way the groups go. Counts come from ``queue_counts`` and
``queue_speakers`` (kept by triggers) where the filter allows, else from an
index or the text index (:mod:`.queue_counts`); a small view is read whole at
once. The documents and speaker names a filter or a search holds a part of are
found through trigram indexes of document ids and names, not by looking
through them all.

Reads that may be slow on a large store can be run under :meth:`QueueReads.queue_budget`:
they raise :class:`QueueTooSlow` instead of taking longer, and the caller
runs them again elsewhere (the review app: in a thread of its own).
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from .base import chunks, marks
from .blind import BlindRows, own_decided
from .queue_counts import QueueCounts
from .queue_query import (  # noqa: F401 (QUEUE_SORTS, QueueQuery, QueueTooSlow, fold: the queue's names, imported from here)
    _KIND,
    DOCS_LISTED,
    NAME_BATCH,
    NAMES_LISTED,
    NAMES_READ,
    QUEUE_SORTS,
    Key,
    Page,
    QueueQuery,
    QueueTooSlow,
    _contains,
    _full_order,
    _named,
    _Order,
    _order,
    _phrase,
    _status,
    fold,
)


class QueueReads(QueueCounts, BlindRows):
    """The review queue's reads: pages, counts and rows of views (``QueueQuery``) of the quotes."""

    # -- budgets --

    @contextmanager
    def queue_budget(self, seconds: float | None, min_steps: int = 300_000) -> Iterator[None]:
        """Stop queue reads that take longer than ``seconds`` (None: no limit) with :class:`QueueTooSlow`.

        Only reads that have also run ``min_steps`` SQLite steps are stopped,
        so a small store never hits the budget, however busy the machine.
        """
        if seconds is None:
            yield
            return
        deadline = time.perf_counter() + seconds
        steps = 0

        def check() -> int:
            nonlocal steps
            steps += 1000
            return int(steps > min_steps and time.perf_counter() > deadline)

        self.conn.set_progress_handler(check, 1000)
        self._queue_deadline = (deadline, lambda: steps > min_steps)
        try:
            yield
        finally:
            self.conn.set_progress_handler(None, 0)
            self._queue_deadline = None

    def _queue_check(self) -> None:
        """Between the many small reads of a walk: stop when the budget is spent."""
        limit = getattr(self, "_queue_deadline", None)
        if limit is not None and limit[1]() and time.perf_counter() > limit[0]:
            raise QueueTooSlow("queue read over budget")

    def _queue_rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        if not getattr(self, "_queue_functions", False):
            self.conn.create_function("qt_contains", 2, _contains, deterministic=True)
            self._queue_functions = True
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):  # by the budget's progress handler
                raise QueueTooSlow("queue read over budget") from None
            raise

    # -- filters --

    def _queue_where(self, query: QueueQuery, rows: bool = True) -> tuple[list[str], list]:
        """The view's filter as SQL conditions (joined by AND) and their parameters.

        ``rows``: the form that tests one row at a time (a walk through an
        order's index); else the form that finds the rows (counts, small views
        read whole), a text search then through the trigram index. Both keep the
        same rows, but for a few letters whose lower case differs between SQLite
        and Python (docs/review.md).
        """
        clauses: list[str] = []
        params: list = []
        if query.statuses is not None:
            clauses.append(f"{_status(query)} IN ({marks(query.statuses)})")
            params += query.statuses
            if query.blind is not None and 0 not in query.statuses:  # only quotes they decided: found by those
                clauses.append(own_decided(query.blind))
        if query.kind:
            clauses.append(f"{_KIND} = ?")
            params.append(query.kind)
        if query.confidence is not None:
            clauses.append("confidence BETWEEN ? AND ?")
            params += query.confidence
        if query.speaker:
            names = [query.speaker] if self._queue_name_exists(query.speaker) else self._queue_names_holding(query.speaker)
            clause, args = _named(names, query.speaker)
            clauses.append(clause)
            params += args
        if query.doc:
            clause, args = self._queue_doc_clause(query.doc)
            clauses.append(clause)
            params += args
        if query.search:
            clause, args = self._queue_search(fold(query.search), rows)
            clauses.append(clause)
            params += args
        if query.flagged:
            clauses.append("id IN (SELECT quote_id FROM quote_flags)")
        if query.disputed:
            clauses.append("id IN (SELECT quote_id FROM disputed_quotes)")
        return clauses, params

    def _queue_doc_clause(self, doc: str) -> tuple[str, list]:
        """The document filter as one condition: the document of that id, else those whose id holds
        ``doc``: listed when few, else found through the trigram index of ids (3 characters or more),
        else (a shorter part) each quote's document id tested."""
        if self._queue_doc_exists(doc):
            return "doc_id = ?", [doc]
        docs = self._queue_docs_holding(doc)
        if docs is not None:
            return (f"doc_id IN ({marks(docs)})", docs) if docs else ("0", [])
        part = fold(doc)
        if len(part) < 3:
            return "qt_contains(doc_id, ?)", [part]
        return ("doc_id IN (SELECT id FROM documents WHERE rowid IN (SELECT rowid FROM documents_fts"
                " WHERE documents_fts MATCH ?)) AND qt_contains(doc_id, ?)", [_phrase(part), part])

    def _queue_docs_holding(self, doc: str) -> list[str] | None:
        """The ids of the documents whose id holds ``doc`` (found by the trigram index of ids); None when
        more than ``DOCS_LISTED``, or ``doc`` is too short for the index."""
        part = fold(doc)
        if len(part) < 3:
            return None
        ids = [r[0] for r in self._queue_rows(
            "SELECT id FROM documents WHERE rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
            " LIMIT ?)", (_phrase(part), DOCS_LISTED + 1))]
        return [i for i in ids if part in i.lower()] if len(ids) <= DOCS_LISTED else None

    def _queue_search(self, search: str, rows: bool) -> tuple[str, list]:
        """A search in the quote text or the speaker's name, as one condition."""
        names = self._queue_names_holding(search)
        if rows or len(search) < 3:
            named, args = _named(names, search)
            return f"(qt_contains(text, ?) OR {named})", [search, *args]
        if names is None:  # many names hold it: those quotes through the index of names
            return ("rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? UNION ALL SELECT rowid FROM quotes"
                    " INDEXED BY queue_by_speaker WHERE queue_speaker COLLATE NOCASE IN"
                    " (SELECT name FROM queue_names_fts WHERE queue_names_fts MATCH ?))", [_phrase(search)] * 2)
        return ("rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? UNION ALL SELECT rowid FROM quotes"
                f" INDEXED BY queue_by_speaker WHERE queue_speaker COLLATE NOCASE IN ({marks(names)}))",
                [_phrase(search), *names])

    def _queue_names_holding(self, part: str) -> list[str] | None:
        """The speaker names (as ``queue_speakers`` spells them) holding ``part``; None when too many
        to list (then each quote's name is tested)."""
        part = fold(part)
        if len(part) >= 3:  # through the trigram index of names: as many read as they hold it
            names = [r[0] for r in self._queue_rows(
                "SELECT name FROM queue_names_fts WHERE queue_names_fts MATCH ? LIMIT ?", (_phrase(part), NAMES_LISTED + 1))]
            return [n for n in names if part in n.lower()] if len(names) <= NAMES_LISTED else None
        if self._queue_rows("SELECT count(*) > ? FROM queue_speakers", (NAMES_READ,))[0][0]:
            return None
        names = [r[0] for r in self._queue_rows("SELECT name FROM queue_speakers") if part in r[0].lower()]
        return names if len(names) <= NAMES_LISTED else None

    def _queue_name_exists(self, name: str) -> bool:
        return bool(self._queue_rows("SELECT 1 FROM queue_speakers WHERE name = ?", (name,)))

    def _queue_doc_exists(self, doc_id: str) -> bool:
        return bool(self._queue_rows("SELECT 1 FROM documents WHERE id = ?", (doc_id,)))

    # -- pages --

    def queue_page(self, query: QueueQuery, after: Key | None, limit: int, forward: bool = True) -> Page:
        """Up to ``limit`` rows of the view next to ``after`` (exclusive; None: from the view's start,
        or its end going backwards), in the walk's direction: (rowid, key, status rank) each."""
        order = _order(query)
        clauses, params = self._queue_where(query)
        out: Page = []
        start_group = after[0] if after is not None else None
        for group in self._queue_groups(query, order, start_group, forward, after is not None):
            self._queue_check()
            tail = after[1:] if after is not None and group == start_group else None
            where, args = clauses, params
            if tail is not None and query.confidence is not None and order.ties[0] == "confidence":
                # The filter's confidence range starts at the key: given the whole range and the key
                # as two bounds, SQLite walked the index from the range's far end to the key.
                lo, hi = query.confidence
                narrowed = (max(lo, tail[0]), hi) if forward != order.ties_desc else (lo, min(hi, tail[0]))
                where, args = self._queue_where(replace(query, confidence=narrowed))
            out += self._queue_group_page(order, group, where, args, tail, limit - len(out), forward)
            if len(out) >= limit:
                break
        return out

    def _queue_group_page(self, order: _Order, group, clauses: list[str], params: list, tail: Key | None,
                          limit: int, forward: bool) -> Page:
        where, args = list(clauses), list(params)
        if order.group is not None:
            where.append(self._queue_group_is(order, group))
            if group is not None:
                args.append(group)
        asc = forward != order.ties_desc  # read the index upwards?
        if tail is not None:
            where.append(f"({', '.join(order.ties)}) {'>' if asc else '<'} ({', '.join('?' * len(tail))})")
            args += tail
        columns = ", ".join(order.ties)
        direction = "" if asc else " DESC"
        index = "" if order.blind is not None and order.group == order.status and group else f" INDEXED BY {order.index}"
        if not index:  # a blind reviewer's decided quotes: few, found by their decisions, not by walking an index
            where.append(own_decided(order.blind))
        sql = (f"SELECT rowid, {order.status}, {columns} FROM quotes{index}"
               f" {'WHERE ' + ' AND '.join(where) if where else ''}"
               f" ORDER BY {', '.join(c + direction for c in order.ties)} LIMIT ?")
        return [(r[0], (group, *r[2:]), r[1]) for r in self._queue_rows(sql, [*args, limit])]

    @staticmethod
    def _queue_group_is(order: _Order, group) -> str:
        if group is None:
            return f"{order.group} IS NULL"
        if order.group == "queue_speaker":
            return "queue_speaker = ? COLLATE NOCASE"
        return f"{order.group} = ?"

    def _queue_groups(self, query: QueueQuery, order: _Order, start, forward: bool, from_start: bool) -> Iterator:
        """The groups of the view in walk order, from ``start`` (when ``from_start``) on."""
        if order.group is None:
            yield None
            return
        desc = order.groups_desc != (not forward)  # groups descending in this walk?
        if order.group == "confidence":
            yield from self._queue_confidences(query, start if from_start else None, desc)
            return
        if order.group == "queue_speaker":
            yield from self._queue_names(query, start, from_start, forward, desc)
            return
        if order.group == order.status:
            values = sorted(query.statuses if query.statuses is not None else range(4), reverse=desc)
        else:
            kinds = [r[0] for r in self._queue_rows("SELECT DISTINCT kind FROM queue_counts WHERE n > 0 ORDER BY kind")]
            values = [k for k in kinds if not query.kind or k == query.kind][::-1 if desc else 1]
        if from_start:
            values = values[values.index(start):] if start in values else [
                v for v in values if (v < start if desc else v > start)]
        yield from values

    def _queue_names(self, query: QueueQuery, start, from_start: bool, forward: bool, desc: bool) -> Iterator:
        """The speaker groups in walk order: names in NOCASE order (or reversed); the quotes with no
        speaker end the view whichever way it is sorted (and are in no view filtered by speaker)."""
        nameless = not query.speaker
        if forward:
            if not (from_start and start is None):
                yield from self._queue_name_walk(query, start if from_start else None, desc)
            if nameless:
                yield None
        elif from_start and start is not None:
            yield from self._queue_name_walk(query, start, desc)
        else:
            if nameless:
                yield None
            yield from self._queue_name_walk(query, None, desc)

    def _queue_name_walk(self, query: QueueQuery, start: str | None, desc: bool) -> Iterator[str]:
        """Names from ``start`` (inclusive; None: the first) on, those the speaker filter keeps."""
        if query.speaker and self._queue_name_exists(query.speaker):
            if start is None or fold(start) == fold(query.speaker):
                yield from (r[0] for r in self._queue_rows("SELECT name FROM queue_speakers WHERE name = ?",
                                                           (query.speaker,)))
            return
        part = fold(query.speaker)
        compare = "<" if desc else ">"
        bound, inclusive = start, True
        while True:
            self._queue_check()
            where = f" WHERE name {compare}{'=' if inclusive else ''} ?" if bound is not None else ""
            names = [r[0] for r in self._queue_rows(
                f"SELECT name FROM queue_speakers{where} ORDER BY name{' DESC' if desc else ''} LIMIT {NAME_BATCH}",
                [bound] if bound is not None else [])]
            yield from (name for name in names if part in name.lower())
            if len(names) < NAME_BATCH:
                return
            bound, inclusive = names[-1], False

    def _queue_confidences(self, query: QueueQuery, start: float | None, desc: bool) -> Iterator[float]:
        """Distinct confidences of a confidence sort's groups, one index seek each."""
        lo, hi = query.confidence if query.confidence is not None else (-math.inf, math.inf)
        value = start
        if value is None:
            row = self._queue_rows(f"SELECT {'max' if desc else 'min'}(confidence) FROM quotes"
                                   " INDEXED BY queue_by_confidence WHERE confidence BETWEEN ? AND ?", (lo, hi))
            value = row[0][0]
        while value is not None:
            yield value
            self._queue_check()
            sql = ("SELECT max(confidence) FROM quotes INDEXED BY queue_by_confidence WHERE confidence < ? AND confidence >= ?"
                   if desc else
                   "SELECT min(confidence) FROM quotes INDEXED BY queue_by_confidence WHERE confidence > ? AND confidence <= ?")
            value = self._queue_rows(sql, (value, lo if desc else hi))[0][0]


    def queue_whole(self, query: QueueQuery, limit: int) -> list[tuple[int, int]] | None:
        """Every (rowid, status rank) of the view in order, when it surely holds at most ``limit`` rows;
        None when it may hold more (then it is read by pages). Which index leads is chosen from counts."""
        if query.statuses == ():
            return []
        bound, index = self._queue_bound(query, limit)
        status = _status(query)
        if bound > limit:
            return None
        clauses, params = self._queue_where(query, rows=False)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        indexed = f" INDEXED BY {index}" if index else ""
        return [(r[0], r[1]) for r in self._queue_rows(
            f"SELECT rowid, {status} FROM quotes{indexed}{where} ORDER BY {_full_order(query)}", params)]

    def _queue_bound(self, query: QueueQuery, limit: int) -> tuple[int, str | None]:
        """(the most rows the view can hold, as far as counts tell; the index to read it by, None for
        the search's own lookup)."""
        statuses = set(query.statuses) if query.statuses is not None else None
        kinds = {query.kind} if query.kind else None
        lo, hi = query.confidence if query.confidence is not None else (-math.inf, math.inf)
        leads: list[tuple[int, str | None]] = []
        if query.blind is not None:  # the tallies count the reviews' statuses: a blind view's own are apart
            if statuses is not None and 0 not in statuses:  # only quotes the reviewer decided: as few as those
                leads.append((self._queue_rows("SELECT count(*) FROM reviewer_decisions WHERE by = ?",
                                               (query.blind,))[0][0], None))
            statuses = None
        bound = self._queue_tally(statuses, kinds, lo, hi)
        if statuses is not None:
            leads.append((self._queue_tally(statuses, None, -math.inf, math.inf), "queue_by_status"))
        if kinds is not None:
            leads.append((self._queue_tally(None, kinds, -math.inf, math.inf), "queue_by_kind"))
        if query.confidence is not None:
            leads.append((self._queue_tally(None, None, lo, hi), "queue_by_confidence"))
        if query.speaker:
            exists = self._queue_name_exists(query.speaker)
            names = [query.speaker] if exists else self._queue_names_holding(query.speaker)
            if names is not None:
                leads.append((self._queue_named_count(names), "queue_by_speaker"))
        if query.doc:
            docs = [query.doc] if self._queue_doc_exists(query.doc) else self._queue_docs_holding(query.doc)
            if docs is not None:
                leads.append((self._queue_count_where([f"doc_id IN ({marks(docs)})"], docs), "quotes_by_doc"))
        if query.flagged:  # few, as a rule: read by their own lookup
            leads.append((self._queue_rows("SELECT count(*) FROM quote_flags")[0][0], None))
        if query.disputed:  # few, and read by the quotes' own key
            leads.append((self._queue_rows("SELECT count(*) FROM disputed_quotes")[0][0], None))
        if len(query.search) >= 3:
            found = self._queue_text_bound(fold(query.search), limit)
            if found is not None:
                leads.append((found, None))
        if not leads:
            return bound, None
        n, index = min(leads, key=lambda t: t[0])
        return min(bound, n), index

    def _queue_named_count(self, names: list[str]) -> int:
        if not names:
            return 0
        return self._queue_rows(f"SELECT coalesce(sum(n), 0) FROM queue_speakers WHERE name IN ({marks(names)})",
                                names)[0][0]

    def _queue_text_bound(self, search: str, limit: int) -> int | None:
        """How many quotes hold ``search`` in their text or speaker name, at most, when few (None: more
        than ``limit``): the text index's hits, and the quotes of the speaker names holding it."""
        hits = len(self._queue_rows("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT ?",
                                    (_phrase(search), limit + 1)))
        if hits > limit:
            return None
        names = self._queue_names_holding(search)
        return None if names is None else hits + self._queue_named_count(names)


    def queue_row_data(self, rowids: Sequence[int], blind: str | None = None) -> list[tuple]:
        """(rowid, id, doc_id, speaker, kind, confidence, status rank, text, kind corrected, speaker
        corrected, has a note, flagged) of each of these quotes that exists; as a ``blind`` reviewer
        sees them: their own decision's, the extractor's where they decided nothing, no flags."""
        if blind is not None:
            return self._queue_own_rows(rowids, blind)
        out: list[tuple] = []
        for chunk in chunks(list(rowids)):
            out += self._queue_rows(
                "SELECT q.rowid, q.id, q.doc_id, q.queue_speaker, coalesce(q.queue_kind, q.kind), q.confidence,"
                " q.queue_status, q.text, r.kind IS NOT NULL, r.speaker_name IS NOT NULL, r.note IS NOT NULL,"
                " q.id IN (SELECT quote_id FROM quote_flags)"
                f" FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id WHERE q.rowid IN ({marks(chunk)})",
                chunk)
        return out

    def queue_rowid(self, quote_id: str) -> int | None:
        rows = self._queue_rows("SELECT rowid FROM quotes WHERE id = ?", (quote_id,))
        return rows[0][0] if rows else None

    def queue_progress(self) -> dict[int, int]:
        """Status rank → how many quotes have it (from ``queue_counts``)."""
        return dict(self._queue_rows("SELECT status, sum(n) FROM queue_counts GROUP BY status"))

    def queue_signature(self) -> tuple:
        """Changes when quotes are added, removed or replaced (re-extraction) or speakers re-clustered."""
        return (*self._queue_rows("SELECT coalesce(max(rowid), 0) FROM quotes")[0],
                *self._queue_rows("SELECT coalesce(sum(n), 0) FROM queue_counts")[0],
                *self._queue_rows("SELECT count(*), coalesce(max(rowid), 0) FROM speakers")[0])

    def queue_log_cursor(self) -> int:
        return self._queue_rows("SELECT coalesce(max(id), 0) FROM review_log")[0][0]

    def queue_changed_since(self, cursor: int, upto: int) -> list[int]:
        """Rowids of the quotes whose review changed in audit log entries ``cursor`` (exclusive) to ``upto``."""
        return [r[0] for r in self._queue_rows(
            "SELECT DISTINCT q.rowid FROM review_log l JOIN quotes q ON q.id = l.quote_id WHERE l.id > ? AND l.id <= ?",
            (cursor, upto))]

    def queue_key(self, query: QueueQuery, rowid: int) -> tuple[Key, int] | None:
        """(sort key, status rank) of the row in the view, or None when the view does not hold it."""
        order = _order(query)
        clauses, params = self._queue_where(query)
        group = "NULL" if order.group is None else order.group
        if order.group == "queue_speaker":  # the name as queue_speakers spells it: the walk's group
            group = "(SELECT name FROM queue_speakers WHERE name = queue_speaker)"
        rows = self._queue_rows(
            f"SELECT {order.status}, {group}, {', '.join(order.ties)} FROM quotes"
            f" WHERE {' AND '.join(['rowid = ?', *clauses])}", [rowid, *params])
        return (tuple(rows[0][1:]), rows[0][0]) if rows else None

    def queue_warm_search(self, search: str, limit: int = 5_000) -> None:
        """Read the text index for a search being typed, so that applying it finds it in memory."""
        if len(search) >= 3:
            self._queue_text_bound(fold(search), limit)
