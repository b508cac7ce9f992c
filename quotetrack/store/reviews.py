"""Review decisions as stored: current reviews, the action log (undo) and the audit log.

Every decision is one ``BEGIN IMMEDIATE`` transaction that writes the
quote's current review (``reviews``), what the decision was and the state
before and after it (``review_actions``), and one audit row per changed
field (``review_log``: who, when, old, new). When a method here returns, the
decision is in the store, and a reviewer killed a moment later loses
nothing. Undo writes the old state back and is logged like any decision.
What a decision does to a review is not decided here: :meth:`Reviews.decide`
takes it as a function (see :mod:`quotetrack.review.decisions`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace

from .base import ReviewState, chunks, marks, utc_now
from .carryover import Mapper, Placed, place
from .judgements import Judgements
from .speakers import Speakers


class ReviewError(Exception):
    """A decision that could not be made; the store is unchanged."""


class UnknownQuote(ReviewError):
    pass


class NothingToUndo(ReviewError):
    pass


class UndoConflict(ReviewError):
    """The quote changed since the decision being undone (another reviewer): left as it is."""


class StoreBusy(ReviewError):
    """Another process held the store's write lock for too long; the decision was not saved."""


_FIELDS = ("status", "kind", "speaker_name", "note")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction said about a quote: what a correction is measured against."""

    kind: str
    speaker_name: str | None
    edited: bool = False  # a reviewer changed the quote's words (store/edits.py): it stays corrected


@dataclass(frozen=True, slots=True)
class Decision:
    """What one decision (or undo) did to one quote."""

    action_id: int | None  # None when the decision changed nothing (nothing was written)
    quote_id: str
    action: str
    before: ReviewState
    after: ReviewState
    speaker_id: str | None = None  # the quote's speaker id afterwards
    speaker_changed: bool = False

    @property
    def changed(self) -> bool:
        return self.action_id is not None


@dataclass(frozen=True, slots=True)
class UnplacedReview:
    """A review whose quote a re-extraction of its document no longer has, and that could not be
    carried over to a quote on the same words: kept, with the quote as it was, for a reviewer to see."""

    quote_id: str  # the id the quote had
    doc_id: str
    text: str  # the quote's words, as they were
    start: int  # offsets into the document's text as it was then
    end: int
    kind: str  # what extraction said then
    speaker_name: str | None
    review: ReviewState
    since: str  # when the re-extraction left it unplaced


@dataclass(frozen=True, slots=True)
class Carried:
    """What a re-extraction did to its document's reviews: carried over to the new quotes, or kept unplaced."""

    carried: int = 0
    unplaced: int = 0


@dataclass(frozen=True, slots=True)
class LogEntry:
    field: str
    old: str | None
    new: str | None
    by: str | None
    at: str


def _state_json(state: ReviewState | None) -> str | None:
    return None if state is None else json.dumps(asdict(state), ensure_ascii=False)


def _state_from_json(text: str | None) -> ReviewState | None:
    return None if text is None else ReviewState(**json.loads(text))


def _with_retry(fn: Callable[[], Decision], tries: int = 4, pause: float = 0.05) -> Decision:
    """Run a write, retrying while another process holds the write lock past the busy timeout."""
    for attempt in range(tries):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            message = str(exc).lower()
            if "locked" not in message and "busy" not in message:
                raise
            if attempt == tries - 1:
                raise StoreBusy("the store is busy (another process is writing); the decision was not saved") from exc
            time.sleep(pause * (2**attempt))
    raise AssertionError("unreachable")


class Reviews(Judgements, Speakers):
    # tables keyed by quote id that follow a review carried over to a new quote
    _CARRIED_TABLES: tuple[str, ...] = ("review_log", "review_actions", "reviewer_decisions")

    # -- one quote's review --

    def review_state(self, quote_id: str) -> ReviewState:
        """The quote's current review (``pending`` with no corrections when it has none); a blind
        reviewer's own decision when this connection reviews blind."""
        if self.blind is not None:
            return self.own_state(quote_id, self.blind)
        return self._read_state(quote_id) or ReviewState()

    def history(self, quote_id: str, limit: int = 20) -> list[LogEntry]:
        """The quote's audit trail, newest first (none for a blind reviewer: it holds others' decisions)."""
        if self.blind is not None:
            return []
        return [
            LogEntry(*r)
            for r in self.conn.execute(
                "SELECT field, old, new, by, at FROM review_log WHERE quote_id = ? ORDER BY id DESC LIMIT ?",
                (quote_id, limit),
            )
        ]

    def _read_state(self, quote_id: str) -> ReviewState | None:
        row = self.conn.execute(
            "SELECT status, kind, speaker_name, note, by, at FROM reviews WHERE quote_id = ?", (quote_id,)
        ).fetchone()
        return None if row is None else ReviewState(*row)

    def _write_state(self, quote_id: str, state: ReviewState | None) -> None:
        if state is None:
            self.conn.execute("DELETE FROM reviews WHERE quote_id = ?", (quote_id,))
            return
        self.conn.execute(
            "INSERT INTO reviews(quote_id, status, by, at, note, kind, speaker_name) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(quote_id) DO UPDATE SET status = excluded.status, by = excluded.by, at = excluded.at,"
            " note = excluded.note, kind = excluded.kind, speaker_name = excluded.speaker_name",
            (quote_id, state.status, state.by, state.at, state.note, state.kind, state.speaker_name),
        )

    def _extracted(self, quote_id: str) -> Extracted:
        row = self.conn.execute(
            "SELECT kind, speaker_name, EXISTS(SELECT 1 FROM span_edits WHERE quote_id = ?) FROM quotes WHERE id = ?",
            (quote_id, quote_id)).fetchone()
        if row is None:
            raise UnknownQuote(f"no quote {quote_id} in the store (re-extracted since?)")
        return Extracted(row[0], row[1], bool(row[2]))

    def _speaker_id(self, quote_id: str) -> str | None:
        return self.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()[0]

    def _log(self, action_id: int, quote_id: str, before: ReviewState, after: ReviewState) -> None:
        rows = [
            (quote_id, name, getattr(before, name), getattr(after, name), after.by, after.at, action_id)
            for name in _FIELDS
            if getattr(before, name) != getattr(after, name)
        ]
        self.conn.executemany(
            "INSERT INTO review_log(quote_id, field, old, new, by, at, action_id) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
        )

    def _add_action(self, quote_id: str, action: str, by: str | None, at: str, old: ReviewState | None,
                    new: ReviewState | None, undoes: int | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO review_actions(quote_id, action, by, at, old_state, new_state, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (quote_id, action, by, at, _state_json(old), _state_json(new), undoes),
        )
        return int(cur.lastrowid)

    # -- decisions --

    def decide(self, quote_id: str, action: str, by: str | None,
               change: Callable[[ReviewState, Extracted], ReviewState]) -> Decision:
        """Apply ``change`` to the quote's review, in one transaction, and record it as ``action`` by ``by``.

        ``change`` gets the current review and what extraction said, and
        returns the review wanted; one that decides the same as before
        writes nothing. Raises :class:`UnknownQuote`, or :class:`StoreBusy`
        when another writer holds the store too long.
        """

        def run() -> Decision:
            with self.transaction():
                extracted = self._extracted(quote_id)
                if self.blind is not None:
                    action_id, own_before, own_after = self._decide_own(quote_id, action, by, change, extracted)
                    return Decision(action_id, quote_id, action, own_before, own_after, self._speaker_id(quote_id))
                stored = self._read_state(quote_id)
                before = stored or ReviewState()
                after = change(before, extracted)
                if after.decision() == before.decision():
                    # The quote's review stands (nothing changed: no action id), but it may be news as
                    # this reviewer's own judgement (a second reviewer confirming): kept, and undoable.
                    self._judge_alike(quote_id, action, by, stored, after)
                    return Decision(None, quote_id, action, before, before, self._speaker_id(quote_id))
                after = replace(after, by=by, at=utc_now())
                self._write_state(quote_id, after)
                own = self._own_state_json(quote_id, by)
                self._judge(quote_id, by, after, self.adjudicator)
                action_id = self._add_action(quote_id, action, by, after.at, stored, after)
                self._keep_own(action_id, own)
                self._log(action_id, quote_id, before, after)
                speaker_changed = after.speaker_name != before.speaker_name
                if speaker_changed:
                    sid = self._point_at_speaker(quote_id, after.speaker_name or extracted.speaker_name)
                else:
                    sid = self._speaker_id(quote_id)
                return Decision(action_id, quote_id, action, before, after, sid, speaker_changed)

        return _with_retry(run)

    def undo(self, by: str | None) -> Decision:
        """Take back this reviewer's latest decision not yet undone; undo again to go further back.

        The undo writes the state from before that decision back, and is itself
        a logged action. When the quote has changed since (another reviewer
        decided on it), nothing is written to it: the decision is passed over
        (so the next undo reaches the one before) and :class:`UndoConflict` says so.
        """

        def run() -> Decision:
            conflict = None
            with self.transaction():
                row = self.conn.execute(
                    "SELECT id, quote_id, action, old_state, new_state, blind FROM review_actions"
                    " WHERE by IS ? AND action != 'undo' AND undone_by IS NULL AND blind >= ? ORDER BY id DESC LIMIT 1",
                    (by, int(self.blind is not None)),  # a blind reviewer undoes their blind decisions only
                ).fetchone()
                if row is None:
                    raise NothingToUndo("nothing to undo")
                if row["blind"]:  # a blind decision: only the reviewer's own decision goes back
                    action_id, own_before, own_after = self._undo_own(row, by)
                    found = self.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (row["quote_id"],)).fetchone()
                    return Decision(action_id, row["quote_id"], "undo", own_before, own_after, found and found[0])
                quote_id = row["quote_id"]
                target = _state_from_json(row["old_state"])
                made = _state_from_json(row["new_state"]) or ReviewState()
                stored = self._read_state(quote_id)
                current = stored or ReviewState()
                now = utc_now()
                exists = self.conn.execute("SELECT 1 FROM quotes WHERE id = ?", (quote_id,)).fetchone() is not None
                if current.decision() != made.decision() or not exists:
                    conflict = current
                    action_id = self._add_action(quote_id, "undo", by, now, stored, stored, row["id"])
                else:
                    self._write_state(quote_id, target)
                    action_id = self._add_action(quote_id, "undo", by, now, stored, target, row["id"])
                    self._judge_back(quote_id, by, row["id"])
                self.conn.execute("UPDATE review_actions SET undone_by = ? WHERE id = ?", (action_id, row["id"]))
                if conflict is None:
                    after = target or ReviewState()
                    self._log(action_id, quote_id, current, replace(after, by=by, at=now))
                    speaker_changed = after.speaker_name != current.speaker_name
                    if speaker_changed:
                        extracted = self._extracted(quote_id)
                        sid = self._point_at_speaker(quote_id, after.speaker_name or extracted.speaker_name)
                    else:
                        sid = self._speaker_id(quote_id)
                    decision = Decision(action_id, quote_id, "undo", current, after, sid, speaker_changed)
            if conflict is not None:
                who = f" by {conflict.by}" if conflict.by else ""
                raise UndoConflict(
                    f"not undone: quote {quote_id} was changed{who} since your {row['action']}; passed over"
                )
            return decision

        return _with_retry(run)

    def undo_depth(self, by: str | None) -> int:
        """How many of this reviewer's decisions can still be undone."""
        return self.conn.execute(
            "SELECT count(*) FROM review_actions WHERE by IS ? AND action != 'undo' AND undone_by IS NULL AND blind >= ?",
            (by, int(self.blind is not None))).fetchone()[0]

    # -- reviews across a re-extraction (see .carryover) --

    def _carry_reviews(self, doc_id: str, new_quotes: Sequence[Placed], new_text: str) -> Carried:
        """Carry the reviews of the document's quotes that the new extraction lacks over to its quotes
        on the same words, in the caller's transaction, before the old quotes are replaced. Those that
        cannot be placed move to ``unplaced_reviews``; earlier unplaced ones are tried again."""
        new_ids = [q.id for q in new_quotes]
        lost = self.conn.execute(
            # a quote whose words a reviewer changed is looked for by the words extraction gave it
            "SELECT q.id, coalesce(e.extracted_start, q.start) AS start, coalesce(e.extracted_end, q.end) AS end,"
            " coalesce(e.extracted_text, q.text) AS text, q.kind, q.speaker_name FROM quotes q"
            " JOIN reviews r ON r.quote_id = q.id LEFT JOIN span_edits e ON e.quote_id = q.id"
            " WHERE q.doc_id = ?", (doc_id,),
        ).fetchall()
        keep = set(new_ids)
        lost = [row for row in lost if row["id"] not in keep]
        earlier = self.conn.execute("SELECT quote_id, start, text FROM unplaced_reviews WHERE doc_id = ?", (doc_id,)).fetchall()
        if not lost and not earlier:
            return Carried()
        old_text = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        mapper = Mapper(old_text[0] if old_text else None, new_text)
        taken = set(self._reviewed_among(new_ids))
        wanted = [(r["id"], r["start"], r["text"]) for r in lost] + [(r[0], r[1], r[2]) for r in earlier]
        placed = place(wanted, new_quotes, mapper, taken)
        now = utc_now()
        for row in lost:
            if row["id"] in placed:
                self.conn.execute("UPDATE reviews SET quote_id = ? WHERE quote_id = ?", (placed[row["id"]], row["id"]))
            else:
                self._unplace(doc_id, row, now)
        for old_id, _, _ in wanted[len(lost):]:
            if old_id in placed:
                self._replace_unplaced(old_id, placed[old_id])
        for old_id, new_id in placed.items():
            for table in self._CARRIED_TABLES:
                self.conn.execute(f"UPDATE OR REPLACE {table} SET quote_id = ? WHERE quote_id = ?", (new_id, old_id))
        return Carried(carried=len(placed), unplaced=len(lost) - sum(1 for r in lost if r["id"] in placed))

    def _reviewed_among(self, quote_ids: Sequence[str]) -> Iterator[str]:
        for chunk in chunks(quote_ids):
            yield from (r[0] for r in self.conn.execute(
                f"SELECT quote_id FROM reviews WHERE quote_id IN ({marks(chunk)})", chunk))

    def _unplace(self, doc_id: str, quote: sqlite3.Row, now: str) -> None:
        state = self.review_state(quote["id"])
        self.conn.execute(
            "INSERT OR REPLACE INTO unplaced_reviews(quote_id, doc_id, text, start, end, kind, speaker_name, status, by, at,"
            " note, review_kind, review_speaker_name, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (quote["id"], doc_id, quote["text"], quote["start"], quote["end"], quote["kind"], quote["speaker_name"],
             state.status, state.by, state.at, state.note, state.kind, state.speaker_name, now),
        )
        self.conn.execute("DELETE FROM reviews WHERE quote_id = ?", (quote["id"],))

    def _replace_unplaced(self, old_id: str, new_id: str) -> None:
        """An unplaced review becomes the review of quote ``new_id`` again."""
        review = next(u.review for u in self._unplaced("WHERE quote_id = ?", (old_id,)))
        self._write_state(new_id, review)
        self.conn.execute("DELETE FROM unplaced_reviews WHERE quote_id = ?", (old_id,))

    def unplaced_reviews(self, doc_id: str | None = None) -> list[UnplacedReview]:
        """Reviews kept after a re-extraction found no quote on their words, by document and position."""
        if doc_id is None:
            return list(self._unplaced("", ()))
        return list(self._unplaced("WHERE doc_id = ?", (doc_id,)))

    def unplaced_count(self) -> int:
        """How many reviews wait to be placed again (a reviewer's screen can say so)."""
        return self.conn.execute("SELECT count(*) FROM unplaced_reviews").fetchone()[0]

    def _unplaced(self, where: str, params: tuple) -> Iterator[UnplacedReview]:
        for r in self.conn.execute(
            "SELECT quote_id, doc_id, text, start, end, kind, speaker_name, status, review_kind, review_speaker_name,"
            f" note, by, at, since FROM unplaced_reviews {where} ORDER BY doc_id, start, quote_id", params,
        ).fetchall():
            review = ReviewState(r["status"], r["review_kind"], r["review_speaker_name"], r["note"], r["by"], r["at"])
            yield UnplacedReview(r["quote_id"], r["doc_id"], r["text"], r["start"], r["end"], r["kind"],
                                 r["speaker_name"], review, r["since"])

    def dismiss_unplaced(self, old_id: str, by: str | None) -> None:
        """A reviewer has seen an unplaced review (and decided the new quote again, or not): it goes.

        The audit log keeps what it was (field ``unplaced``: its status, then none).
        """
        with self.transaction():
            found = list(self._unplaced("WHERE quote_id = ?", (old_id,)))
            if not found:
                raise UnknownQuote(f"no unplaced review {old_id}")
            self.conn.execute("DELETE FROM unplaced_reviews WHERE quote_id = ?", (old_id,))
            self.conn.execute(
                "INSERT INTO review_log(quote_id, field, old, new, by, at) VALUES (?, 'unplaced', ?, NULL, ?, ?)",
                (old_id, found[0].review.status, by, utc_now()),
            )

    # -- what the review queue reads --

    def queue_rows(self) -> list[tuple]:
        """Every quote's queue fields in document order, as plain tuples:
        (id, doc_id, kind, confidence, speaker_name, speaker_id, text)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a third faster than sqlite3.Row on 100,000 rows
        return cursor.execute(
            "SELECT id, doc_id, kind, confidence, speaker_name, speaker_id, text FROM quotes ORDER BY doc_id, start"
        ).fetchall()

    def review_rows(self) -> list[tuple]:
        """Every review, as plain tuples: (quote_id, status, kind, speaker_name, note)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute("SELECT quote_id, status, kind, speaker_name, note FROM reviews").fetchall()

    def review_log_cursor(self) -> int:
        """The latest audit log entry's id (0 for none): where to read changes from next time."""
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM review_log").fetchone()[0]

    def reviewed_since(self, cursor: int) -> list[str]:
        """Quotes whose review changed after audit log entry ``cursor``."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT quote_id FROM review_log WHERE id > ?", (cursor,))]

    def current_reviews(self, quote_ids: Sequence[str]) -> Iterator[tuple[str, str | None, ReviewState]]:
        """(quote id, speaker id, review) of each of these quotes that exists."""
        for chunk in chunks(quote_ids):
            for qid, sid, status, kind, speaker, note, by, at in self.conn.execute(
                "SELECT q.id, q.speaker_id, r.status, r.kind, r.speaker_name, r.note, r.by, r.at FROM quotes q"
                f" LEFT JOIN reviews r ON r.quote_id = q.id WHERE q.id IN ({marks(chunk)})",
                chunk,
            ):
                yield qid, sid, ReviewState(status or "pending", kind, speaker, note, by, at)

    def change_signature(self) -> tuple:
        """Changes when quotes are added, removed or replaced (re-extraction) or speakers re-clustered."""
        q = self.conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM quotes").fetchone()
        s = self.conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM speakers").fetchone()
        return (*q, *s)
