"""How many rows a view of the review queue holds (before a row, when asked): from the count
tables (``queue_counts``, ``queue_speakers``) where the filter allows, else from an index or the
text index. A mixin of :class:`~quotetrack.store.queue.QueueReads`, whose reads it uses."""

from __future__ import annotations

import math
from dataclasses import replace

from .base import marks
from .blind import own_statuses
from .queue_query import _DECIDED, _KIND, CONFIDENCE_BUCKETS, Key, QueueQuery, _bucket, _Order, _order, _phrase, fold


class QueueCounts:
    """Counts of views of the queue (see the module's docstring)."""

    def queue_count(self, query: QueueQuery, before: Key | None = None) -> int:
        """How many rows the view holds (before the row with key ``before``, when given).

        From the count tables when the filter is only status, kind and
        confidence (or only a speaker's whole name), from an index otherwise:
        the latter reads every counted row, and is what a budget stops.
        """
        if query.statuses == ():
            return 0
        if own_statuses(query):
            return self._queue_blind_count(query, before)
        order = _order(query)
        plain = not (query.speaker or query.doc or query.search or query.flagged or query.disputed
                     or own_statuses(query))
        unfiltered = plain and query.statuses is None and not query.kind and query.confidence is None
        if plain and (before is None or query.sort in ("status", "kind", "confidence")):
            return self._queue_count_tallied(query, order, before)
        if unfiltered and query.sort == "speaker":
            return self._queue_count_by_name(query, order, before)
        if unfiltered and query.sort == "document":
            return self._queue_count_by_doc(order, before)
        only_speaker = not (query.doc or query.search or query.kind or query.flagged or query.disputed) and query.statuses is None and query.confidence is None
        if before is None and only_speaker and not own_statuses(query) and self._queue_name_exists(query.speaker):
            return self._queue_rows("SELECT n FROM queue_speakers WHERE name = ?", (query.speaker,))[0][0]
        return self._queue_count_sql(query, order, before)

    def _queue_count_of(self, query: QueueQuery, before: Key | None) -> int:
        return self._queue_count_sql(query, _order(query), before)

    def _queue_count_sql(self, query: QueueQuery, order: _Order, before: Key | None) -> int:
        clauses, params = self._queue_where(query, rows=False)
        if before is None:
            return self._queue_count_where(clauses, params)
        group, tail = before[0], before[1:]
        total = 0
        if order.group is not None:
            earlier = self._queue_groups_before(order, group)
            if earlier is not None:
                total += self._queue_count_where([*clauses, earlier[0]], [*params, *earlier[1]])
            same = [*clauses, self._queue_group_is(order, group)]
            params = [*params, group] if group is not None else params
            clauses = same
        # The first tie column apart, then the rest within its value: a row value compared over a long
        # stretch of the index costs each row a tuple comparison (a document sort's position: 172 ms
        # for 470,000 rows, 40 ms with the document id alone).
        op = ">" if order.ties_desc else "<"
        first, rest = order.ties[0], order.ties[1:]
        total += self._queue_count_where([*clauses, f"{first} {op} ?"], [*params, tail[0]])
        tie = f"({', '.join(rest)}) {op} ({', '.join('?' * len(rest))})"
        return total + self._queue_count_where([*clauses, f"{first} = ?", tie], [*params, tail[0], *tail[1:]])

    def _queue_count_where(self, clauses: list[str], params: list) -> int:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._queue_rows(f"SELECT count(*) FROM quotes{where}", params)[0][0]

    @staticmethod
    def _queue_groups_before(order: _Order, group) -> tuple[str, list] | None:
        """SQL for "in a group before ``group`` in the view's order" (None: no group is)."""
        if order.group == "queue_speaker":
            if group is None:  # the nameless group is last: every named row is before it
                return "queue_speaker IS NOT NULL", []
            return f"queue_speaker {'>' if order.groups_desc else '<'} ? COLLATE NOCASE", [group]
        return f"{order.group} {'>' if order.groups_desc else '<'} ?", [group]

    def _queue_count_by_name(self, query: QueueQuery, order: _Order, before: Key) -> int:
        """Rows before ``before`` in an unfiltered speaker sort: whole names from ``queue_speakers``."""
        group, tail = before[0], before[1:]
        if group is None:
            earlier = self._queue_rows("SELECT coalesce(sum(n), 0) FROM queue_speakers")[0][0]
            same, args = "queue_speaker IS NULL", []
        else:
            compare = ">" if order.groups_desc else "<"
            earlier = self._queue_rows(f"SELECT coalesce(sum(n), 0) FROM queue_speakers WHERE name {compare} ?",
                                       (group,))[0][0]
            same, args = "queue_speaker = ? COLLATE NOCASE", [group]
        first, rest = order.ties[0], order.ties[1:]  # (apart, as in _queue_count_sql: a name of many quotes)
        tie = f"{first} = ? AND ({', '.join(rest)}) < ({', '.join('?' * len(rest))})"
        return earlier + sum(self._queue_rows(
            f"SELECT count(*) FROM quotes INDEXED BY queue_by_speaker WHERE {same} AND {where}", [*args, *values])[0][0]
            for where, values in ((f"{first} < ?", tail[:1]), (tie, tail)))

    def _queue_count_by_doc(self, order: _Order, before: Key) -> int:
        """Rows before ``before`` in an unfiltered document sort: whole documents from ``queue_doc_counts``
        (a row a document: a tenth of the quotes' index entries counted one by one), then the
        document's own earlier quotes."""
        op = ">" if order.ties_desc else "<"
        doc, start, rowid = before[1:]
        return self._queue_rows(f"SELECT coalesce(sum(n), 0) FROM queue_doc_counts WHERE doc_id {op} ?", (doc,))[0][0] + \
            self._queue_rows(f"SELECT count(*) FROM quotes INDEXED BY quotes_by_doc WHERE doc_id = ? AND (start, rowid) {op} (?, ?)",
                             (doc, start, rowid))[0][0]

    def _queue_count_tallied(self, query: QueueQuery, order: _Order, before: Key | None) -> int:
        """Counts of a view filtered by status, kind and confidence only, from ``queue_counts``."""
        statuses = set(query.statuses) if query.statuses is not None else None
        kinds = {query.kind} if query.kind else None
        lo, hi = query.confidence if query.confidence is not None else (-math.inf, math.inf)
        if before is None:
            return self._queue_tally(statuses, kinds, lo, hi)
        group, tail = before[0], before[1:]
        if order.group is None:  # confidence, ascending
            return self._queue_tally(statuses, kinds, lo, hi, below=tail)
        if order.group == "confidence":  # descending: the more confident, then this confidence's earlier rows
            more = self._queue_tally(statuses, kinds, lo, hi) - self._queue_tally(statuses, kinds, lo, min(hi, group))
            clauses, params = self._queue_where(query)
            same = self._queue_count_where([*clauses, "confidence = ?", "(doc_id, start, rowid) < (?, ?, ?)"],
                                           [*params, group, *tail])
            return more + same
        desc = order.groups_desc
        if order.group == "queue_status":
            every = statuses if statuses is not None else set(range(4))
            earlier = {s for s in every if (s > group if desc else s < group)}
            return (self._queue_tally(earlier, kinds, lo, hi) if earlier else 0) + self._queue_tally(
                {group}, kinds, lo, hi, below=tail)
        every = kinds if kinds is not None else {r[0] for r in self._queue_rows("SELECT DISTINCT kind FROM queue_counts")}
        earlier = {k for k in every if (k > group if desc else k < group)}
        return (self._queue_tally(statuses, earlier, lo, hi) if earlier else 0) + self._queue_tally(
            statuses, {group}, lo, hi, below=tail)

    def _queue_tally(self, statuses: set[int] | None, kinds: set[str] | None, lo: float, hi: float,
                     below: Key | None = None) -> int:
        """Quotes of these statuses and kinds with ``lo <= confidence <= hi`` (and sorted before
        ``below``, a (confidence, doc_id, start, rowid) key): whole confidence buckets from
        ``queue_counts``, the rows of the (at most two) buckets cut by a bound from an index."""
        if below is not None:
            hi = min(hi, below[0])
        if lo > hi:
            return 0
        where, args = _status_kind_filter(statuses, kinds, "status", "kind")
        edges = []
        if lo > -math.inf:
            edges.append(_bucket(lo))
            where.append("bucket > ?")
            args.append(_bucket(lo))
        if hi < math.inf:
            edges.append(_bucket(hi))
            where.append("bucket < ?")
            args.append(_bucket(hi))
        sql = "SELECT coalesce(sum(n), 0) FROM queue_counts" + (f" WHERE {' AND '.join(where)}" if where else "")
        total = self._queue_rows(sql, args)[0][0]
        for edge in sorted(set(edges)):
            total += self._queue_edge(statuses, kinds, lo, hi, edge, below)
        return total

    def _queue_edge(self, statuses: set[int] | None, kinds: set[str] | None, lo: float, hi: float, bucket: int,
                    below: Key | None) -> int:
        """The quotes of one confidence bucket that the bounds keep, counted row by row from an index."""
        # One range, the bucket's and the bounds' together: given two, SQLite took the open bound
        # (-inf) as the index's start and counted every row below (170 ms at 2.8 million quotes).
        where = ["confidence BETWEEN ? AND ?", f"CAST(round(confidence * {CONFIDENCE_BUCKETS}) AS INTEGER) = ?"]
        args: list = [max(lo, (bucket - 1) / CONFIDENCE_BUCKETS), min(hi, (bucket + 1) / CONFIDENCE_BUCKETS), bucket]
        more_where, more_args = _status_kind_filter(statuses, kinds, "queue_status", _KIND)
        where += more_where
        args += more_args
        if below is not None:
            where.append("(confidence, doc_id, start, rowid) < (?, ?, ?, ?)")
            args += below
        return self._queue_count_where(where, args)

    # -- small views, read whole --
    def queue_numbers(self, query: QueueQuery) -> tuple[int, int]:
        """(rows, pending rows) of the view: from the count tables when they tell, else in one pass."""
        plain = not (query.speaker or query.doc or query.search or query.flagged or query.disputed)
        if query.blind is not None and query.statuses is None:  # pending: the rows less those they decided
            n = self.queue_count(query)
            return n, n - self._queue_count_of(replace(query, statuses=_DECIDED), None)
        if plain or query.blind is not None or query.statuses == ():  # (blind: see _queue_blind_count)
            pending = replace(query, statuses=(0,) if query.statuses is None or 0 in query.statuses else ())
            return self.queue_count(query), self.queue_count(pending)
        if len(query.search) >= 3 and query == QueueQuery(search=query.search, sort=query.sort, reverse=query.reverse):
            return self._queue_search_numbers(fold(query.search))
        clauses, params = self._queue_where(query, rows=False)
        n, pending = self._queue_rows(
            f"SELECT count(*), coalesce(sum(queue_status = 0), 0) FROM quotes WHERE {' AND '.join(clauses)}", params)[0]
        return n, pending

    def _queue_search_numbers(self, search: str) -> tuple[int, int]:
        """(rows, pending rows) of a search alone, without reading the quotes found: the text index's
        hits counted in the index, plus the quotes under a name holding ``search`` whose text does
        not (from the index of names), less the decided quotes found (decided quotes are read from
        the status index, a few against the store). A count of every hit's row took 180 ms for
        245,000 hits, and grows with the store."""
        phrase = _phrase(search)
        n = self._queue_rows("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?", (phrase,))[0][0]
        names = self._queue_names_holding(search)
        if names is None:
            named, args = "IN (SELECT name FROM queue_names_fts WHERE queue_names_fts MATCH ?)", [phrase]
        else:
            named, args = f"IN ({marks(names)})", names
        if names != []:
            n += self._queue_rows(
                f"SELECT count(*) FROM quotes INDEXED BY queue_by_speaker WHERE queue_speaker COLLATE NOCASE {named}"
                " AND rowid NOT IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)", [*args, phrase])[0][0]
        clause, args = self._queue_search(search, rows=True)
        decided = self._queue_rows(
            f"SELECT count(*) FROM quotes INDEXED BY queue_by_status WHERE queue_status > 0 AND {clause}", args)[0][0]
        return n, n - decided

    # -- rows and what changed --


def _status_kind_filter(statuses: set[int] | None, kinds: set[str] | None, status: str, kind: str) -> tuple[list, list]:
    """Conditions (and their values) keeping ``statuses`` and ``kinds`` (None: any), on the columns
    that hold them: ``queue_counts``' own, or the quotes' (``queue_status``, the shown kind)."""
    where, args = [], []
    if statuses is not None:
        where.append(f"{status} IN ({marks(statuses)})")
        args += sorted(statuses)
    if kinds is not None:
        where.append(f"{kind} IN ({marks(kinds)})")
        args += sorted(kinds)
    return where, args
