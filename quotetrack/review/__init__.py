"""Reviewing: the decisions a reviewer makes about quotes, and the queue they work through.

Every decision is one ``BEGIN IMMEDIATE`` transaction that writes the
quote's current review (``reviews``), what the decision was and the state
before and after it (``review_actions``), and one audit row per changed
field (``review_log``: who, when, old, new). Nothing is kept only in memory:
when a function here returns, the decision is in the store, and a reviewer
killed a moment later loses nothing. Undo is a decision like any other: it
writes the old state back and is logged, so it is as durable as the rest.

The queue is an in-memory index of every quote's queue fields, read in one
scan when the review opens and then updated in place from each decision and
from the audit log (other reviewers' decisions): filtering, sorting and
searching 100,000 quotes is list work in memory, the table shows a window of
it, and nothing is reloaded per key press. Nothing here imports Textual.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import compress, repeat
from operator import contains, eq, itemgetter, ne
from pathlib import Path

from .. import store
from ..domain import QUOTE_KINDS, REVIEW_STATUSES, Quote
from ..text import fold, lines

REVIEWED = "reviewed"  # a status filter: every status but pending
STATUS_FILTERS = (*REVIEW_STATUSES, REVIEWED)
SORT_COLUMNS = ("document", "speaker", "kind", "confidence", "status")
ACTIONS = ("confirm", "reject", "speaker", "kind", "note", "undo")
_STATUS_RANK = {s: i for i, s in enumerate(REVIEW_STATUSES)}
_KIND_RANK = {k: i for i, k in enumerate(sorted(QUOTE_KINDS))}
_STALE_KEY, _FRESH_KEY = "speakers_changed", "speakers_refreshed"


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


# --- review state -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewState:
    """A quote's current review: its ``reviews`` row, or these defaults when it has none.

    ``kind`` and ``speaker_name`` are corrections: ``None`` means the
    extracted value stands.
    """

    status: str = "pending"
    kind: str | None = None
    speaker_name: str | None = None
    note: str | None = None
    by: str | None = None
    at: str | None = None

    def decision(self) -> tuple:
        """What was decided, without who and when: two states that decide the same are equal here."""
        return (self.status, self.kind, self.speaker_name, self.note)

    @property
    def corrected(self) -> bool:
        return self.kind is not None or self.speaker_name is not None


_FIELDS = ("status", "kind", "speaker_name", "note")


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


def _state_json(state: ReviewState | None) -> str | None:
    return None if state is None else json.dumps(asdict(state), ensure_ascii=False)


def _state_from_json(text: str | None) -> ReviewState | None:
    return None if text is None else ReviewState(**json.loads(text))


def _read_state(conn: sqlite3.Connection, quote_id: str) -> ReviewState | None:
    row = conn.execute(
        "SELECT status, kind, speaker_name, note, by, at FROM reviews WHERE quote_id = ?", (quote_id,)
    ).fetchone()
    return None if row is None else ReviewState(*row)


def review_state(conn: sqlite3.Connection, quote_id: str) -> ReviewState:
    """The quote's current review (``pending`` with no corrections when it has none)."""
    return _read_state(conn, quote_id) or ReviewState()


def _write_state(conn: sqlite3.Connection, quote_id: str, state: ReviewState | None) -> None:
    if state is None:
        conn.execute("DELETE FROM reviews WHERE quote_id = ?", (quote_id,))
        return
    conn.execute(
        "INSERT INTO reviews(quote_id, status, by, at, note, kind, speaker_name) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(quote_id) DO UPDATE SET status = excluded.status, by = excluded.by, at = excluded.at,"
        " note = excluded.note, kind = excluded.kind, speaker_name = excluded.speaker_name",
        (quote_id, state.status, state.by, state.at, state.note, state.kind, state.speaker_name),
    )


# --- writing decisions ----------------------------------------------------------


def prepare(conn: sqlite3.Connection) -> None:
    """Make a connection fit for reviewing: decisions survive a power cut, not only a crash."""
    conn.execute("PRAGMA synchronous = FULL")


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


def _extracted(conn: sqlite3.Connection, quote_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT kind, speaker_name FROM quotes WHERE id = ?", (quote_id,)).fetchone()
    if row is None:
        raise UnknownQuote(f"no quote {quote_id} in the store (re-extracted since?)")
    return row


def _status_for(state: ReviewState) -> str:
    return "corrected" if state.corrected else "confirmed"


def _log(conn: sqlite3.Connection, action_id: int, quote_id: str, before: ReviewState, after: ReviewState) -> None:
    rows = [
        (quote_id, name, getattr(before, name), getattr(after, name), after.by, after.at, action_id)
        for name in _FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    conn.executemany(
        "INSERT INTO review_log(quote_id, field, old, new, by, at, action_id) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
    )


def _assign_speaker(conn: sqlite3.Connection, quote_id: str, name: str | None) -> str | None:
    """Point the quote at the speaker that holds its (corrected) name as an alias, at once.

    A full re-clustering per key press would be far too slow on a large
    store, so this looks the name up among the known aliases (what
    normalisation itself does last) and marks the speakers stale; the full
    refresh runs when speakers are next needed whole (export, the speakers
    screen, leaving the review). A name no speaker has yet gets its id then.
    """
    sid = None
    if name is not None:
        row = conn.execute(
            "SELECT speaker_id FROM aliases WHERE alias = ? ORDER BY speaker_id LIMIT 1", (name,)
        ).fetchone()
        sid = row[0] if row else None
    conn.execute("UPDATE quotes SET speaker_id = ? WHERE id = ?", (sid, quote_id))
    changed = int(store.get_meta(conn, _STALE_KEY, "0") or 0) + 1
    store.set_meta(conn, _STALE_KEY, str(changed))
    return sid


def _decide(conn: sqlite3.Connection, quote_id: str, action: str, by: str | None,
            change: Callable[[ReviewState, sqlite3.Row], ReviewState]) -> Decision:
    def run() -> Decision:
        with store.transaction(conn):
            extracted = _extracted(conn, quote_id)
            stored = _read_state(conn, quote_id)
            before = stored or ReviewState()
            after = change(before, extracted)
            if after.decision() == before.decision():
                sid = conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()[0]
                return Decision(None, quote_id, action, before, before, sid)
            after = replace(after, by=by, at=store.utc_now())
            _write_state(conn, quote_id, after)
            cur = conn.execute(
                "INSERT INTO review_actions(quote_id, action, by, at, old_state, new_state) VALUES (?, ?, ?, ?, ?, ?)",
                (quote_id, action, by, after.at, _state_json(stored), _state_json(after)),
            )
            action_id = int(cur.lastrowid)
            _log(conn, action_id, quote_id, before, after)
            speaker_changed = after.speaker_name != before.speaker_name
            if speaker_changed:
                sid = _assign_speaker(conn, quote_id, after.speaker_name or extracted["speaker_name"])
            else:
                sid = conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()[0]
            return Decision(action_id, quote_id, action, before, after, sid, speaker_changed)

    return _with_retry(run)


def confirm(conn: sqlite3.Connection, quote_id: str, by: str | None) -> Decision:
    """The attribution is right (with any corrections already made: then it stays ``corrected``)."""
    return _decide(conn, quote_id, "confirm", by, lambda s, _: replace(s, status=_status_for(s)))


def reject(conn: sqlite3.Connection, quote_id: str, by: str | None) -> Decision:
    """Not a quote, or not one worth keeping."""
    return _decide(conn, quote_id, "reject", by, lambda s, _: replace(s, status="rejected"))


def set_speaker(conn: sqlite3.Connection, quote_id: str, name: str, by: str | None) -> Decision:
    """The speaker is ``name``: ``corrected`` when that differs from the extracted speaker.

    Naming the extracted speaker again takes a correction back (and
    confirms the quote).
    """
    name = " ".join(name.split())
    if not name:
        raise ReviewError("a speaker name cannot be empty")

    def change(state: ReviewState, extracted: sqlite3.Row) -> ReviewState:
        corrected = None if name == extracted["speaker_name"] else name
        state = replace(state, speaker_name=corrected)
        return replace(state, status=_status_for(state))

    return _decide(conn, quote_id, "speaker", by, change)


def set_kind(conn: sqlite3.Connection, quote_id: str, kind: str, by: str | None) -> Decision:
    """The quote is ``kind`` (direct, indirect or mixed): ``corrected`` when that differs from extraction."""
    if kind not in QUOTE_KINDS:
        raise ReviewError(f"unknown kind {kind!r} (use {', '.join(QUOTE_KINDS)})")

    def change(state: ReviewState, extracted: sqlite3.Row) -> ReviewState:
        state = replace(state, kind=None if kind == extracted["kind"] else kind)
        return replace(state, status=_status_for(state))

    return _decide(conn, quote_id, "kind", by, change)


def set_note(conn: sqlite3.Connection, quote_id: str, note: str | None, by: str | None) -> Decision:
    """Attach a note (empty: remove it). The status stays as it is."""
    note = (note or "").strip() or None
    return _decide(conn, quote_id, "note", by, lambda s, _: replace(s, note=note))


def undo(conn: sqlite3.Connection, by: str | None) -> Decision:
    """Take back this reviewer's latest decision not yet undone; undo again to go further back.

    The undo writes the state from before that decision back, and is itself
    a logged action. When the quote has changed since (another reviewer
    decided on it), nothing is written to it: the decision is passed over
    (so the next undo reaches the one before) and :class:`UndoConflict` says so.
    """

    def run() -> Decision:
        conflict = None
        with store.transaction(conn):
            row = conn.execute(
                "SELECT id, quote_id, action, old_state, new_state FROM review_actions"
                " WHERE by IS ? AND action != 'undo' AND undone_by IS NULL ORDER BY id DESC LIMIT 1",
                (by,),
            ).fetchone()
            if row is None:
                raise NothingToUndo("nothing to undo")
            quote_id = row["quote_id"]
            target = _state_from_json(row["old_state"])
            made = _state_from_json(row["new_state"]) or ReviewState()
            stored = _read_state(conn, quote_id)
            current = stored or ReviewState()
            now = store.utc_now()
            exists = conn.execute("SELECT 1 FROM quotes WHERE id = ?", (quote_id,)).fetchone() is not None
            if current.decision() != made.decision() or not exists:
                conflict = current
                cur = conn.execute(
                    "INSERT INTO review_actions(quote_id, action, by, at, old_state, new_state, undoes)"
                    " VALUES (?, 'undo', ?, ?, ?, ?, ?)",
                    (quote_id, by, now, _state_json(stored), _state_json(stored), row["id"]),
                )
            else:
                _write_state(conn, quote_id, target)
                cur = conn.execute(
                    "INSERT INTO review_actions(quote_id, action, by, at, old_state, new_state, undoes)"
                    " VALUES (?, 'undo', ?, ?, ?, ?, ?)",
                    (quote_id, by, now, _state_json(stored), _state_json(target), row["id"]),
                )
            action_id = int(cur.lastrowid)
            conn.execute("UPDATE review_actions SET undone_by = ? WHERE id = ?", (action_id, row["id"]))
            if conflict is None:
                after = target or ReviewState()
                _log(conn, action_id, quote_id, current, replace(after, by=by, at=now))
                speaker_changed = after.speaker_name != current.speaker_name
                if speaker_changed:
                    extracted = _extracted(conn, quote_id)
                    sid = _assign_speaker(conn, quote_id, after.speaker_name or extracted["speaker_name"])
                else:
                    sid = conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()[0]
                decision = Decision(action_id, quote_id, "undo", current, after, sid, speaker_changed)
        if conflict is not None:
            who = f" by {conflict.by}" if conflict.by else ""
            raise UndoConflict(
                f"not undone: quote {quote_id} was changed{who} since your {row['action']}; passed over"
            )
        return decision

    return _with_retry(run)


def undo_depth(conn: sqlite3.Connection, by: str | None) -> int:
    """How many of this reviewer's decisions can still be undone."""
    return conn.execute(
        "SELECT count(*) FROM review_actions WHERE by IS ? AND action != 'undo' AND undone_by IS NULL", (by,)
    ).fetchone()[0]


@dataclass(frozen=True, slots=True)
class LogEntry:
    field: str
    old: str | None
    new: str | None
    by: str | None
    at: str


def history(conn: sqlite3.Connection, quote_id: str, limit: int = 20) -> list[LogEntry]:
    """The quote's audit trail, newest first."""
    return [
        LogEntry(*r)
        for r in conn.execute(
            "SELECT field, old, new, by, at FROM review_log WHERE quote_id = ? ORDER BY id DESC LIMIT ?",
            (quote_id, limit),
        )
    ]


# --- speakers -------------------------------------------------------------------


def speakers_stale(conn: sqlite3.Connection) -> bool:
    """True when speaker corrections were made since speakers were last re-clustered."""
    return (store.get_meta(conn, _STALE_KEY, "0") or "0") != (store.get_meta(conn, _FRESH_KEY, "0") or "0")


def refresh_speakers(conn: sqlite3.Connection) -> None:
    """Re-cluster every speaker (applying the reviewers' overrides), then mark speakers fresh."""
    from ..store.speakers import refresh_speakers as refresh

    seen = store.get_meta(conn, _STALE_KEY, "0") or "0"
    refresh(conn)
    with store.transaction(conn):
        store.set_meta(conn, _FRESH_KEY, seen)


def refresh_speakers_if_stale(conn: sqlite3.Connection) -> bool:
    """Re-cluster speakers when a reviewer changed a speaker since the last time; True if it ran."""
    if not speakers_stale(conn):
        return False
    refresh_speakers(conn)
    return True


@dataclass(slots=True)
class SpeakerInfo:
    id: str
    name: str
    kind: str
    aliases: list[str]
    quotes: int = 0
    documents: int = 0


def list_speakers(conn: sqlite3.Connection) -> list[SpeakerInfo]:
    """Every canonical speaker with its aliases and how many quotes and documents it has."""
    speakers = {
        r[0]: SpeakerInfo(r[0], r[1], r[2], []) for r in conn.execute("SELECT id, name, kind FROM speakers")
    }
    for alias, sid in conn.execute("SELECT alias, speaker_id FROM aliases ORDER BY alias"):
        if sid in speakers:
            speakers[sid].aliases.append(alias)
    for sid, n, docs in conn.execute(
        "SELECT speaker_id, count(*), count(DISTINCT doc_id) FROM quotes WHERE speaker_id IS NOT NULL GROUP BY speaker_id"
    ):
        if sid in speakers:
            speakers[sid].quotes, speakers[sid].documents = n, docs
    return sorted(speakers.values(), key=lambda s: (-s.quotes, fold(s.name), s.id))


def merge_speakers(conn: sqlite3.Connection, a: str, b: str, by: str | None) -> None:
    """Make the speakers named ``a`` and ``b`` one; stored, so every later normalisation keeps it."""
    if fold(a) == fold(b):
        raise ReviewError("pick two different speakers to merge")
    store.add_speaker_override(conn, "merge", a, b, by=by)
    refresh_speakers(conn)


def split_alias(conn: sqlite3.Connection, alias: str, by: str | None) -> None:
    """Take the name ``alias`` out of its speaker into a speaker of its own; stored."""
    store.add_speaker_override(conn, "split", alias, None, by=by)
    refresh_speakers(conn)


def rename_speaker(conn: sqlite3.Connection, name: str, new_name: str, by: str | None) -> None:
    """Show the speaker holding ``name`` as ``new_name`` from now on; stored."""
    new_name = " ".join(new_name.split())
    if not new_name:
        raise ReviewError("a speaker name cannot be empty")
    store.add_speaker_override(conn, "rename", name, new_name, by=by)
    refresh_speakers(conn)


@dataclass(frozen=True, slots=True)
class Match:
    name: str
    score: float
    positions: tuple[int, ...]


def fuzzy_match(query: str, candidates: Iterable[str], limit: int = 50) -> list[Match]:
    """Rank names for a typed query: exact, then prefix, word start, substring, then letters in order.

    Case and accents are ignored. Among equal kinds of match, shorter names
    and earlier positions come first; candidates keep their given order
    (e.g. most quoted first) when all else is equal.
    """
    q = " ".join(fold(query).split())
    out = []
    if not q:
        return [Match(c, 0.0, ()) for c in list(candidates)[:limit]]
    letters = [re.escape(ch) for ch in q if not ch.isspace()]
    loose = re.compile(".*?".join(f"({ch})" for ch in letters)) if letters else None
    for order, name in enumerate(candidates):
        folded = fold(name)
        if len(folded) != len(name):  # folding changed lengths: match on the plain lower form
            folded = name.casefold() if len(name.casefold()) == len(name) else name.lower()
        at = folded.find(q)
        if folded == q:
            score, pos = 1000.0, tuple(range(len(q)))
        elif at == 0:
            score, pos = 800.0, tuple(range(len(q)))
        elif at > 0 and not folded[at - 1].isalnum():
            score, pos = 600.0, tuple(range(at, at + len(q)))
        elif at > 0:
            score, pos = 400.0, tuple(range(at, at + len(q)))
        else:
            m = loose.search(folded) if loose else None
            if m is None:
                continue
            pos = tuple(m.start(i + 1) for i in range(len(letters)))
            starts = sum(1 for p in pos if p == 0 or not folded[p - 1].isalnum())
            gaps = pos[-1] - pos[0] + 1 - len(pos)
            score = 200.0 + 10 * starts - gaps
        out.append((-(score - len(name) * 0.01 - (pos[0] if pos else 0) * 0.001), order, Match(name, score, pos)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [m for _, _, m in out[:limit]]


# --- the queue ------------------------------------------------------------------


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


def parse_confidence(text: str) -> tuple[float, float] | None:
    """'<0.5', '<=0.5', '>0.8', '0.2-0.6', '0.2..0.6' → an inclusive range; '' → None.

    Raises ValueError for anything else, with a message a reviewer can act on.
    """
    t = text.strip().replace(" ", "")
    if not t:
        return None
    try:
        if t.startswith(("<=", ">=")):
            v = float(t[2:])
            return (0.0, v) if t[0] == "<" else (v, 1.0)
        if t.startswith(("<", ">")):
            v = float(t[1:])
            return (0.0, v) if t[0] == "<" else (v, 1.0)
        for sep in ("..", "-", "–"):
            if sep in t[1:]:
                i = t.index(sep, 1)
                lo, hi = float(t[:i]), float(t[i + len(sep):])
                return (min(lo, hi), max(lo, hi))
        v = float(t)
        return (v, v)
    except ValueError:
        raise ValueError(f"confidence {text!r}: use e.g. <0.5, >0.8 or 0.2-0.6") from None


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


@dataclass(frozen=True, slots=True)
class Progress:
    reviewed: int
    total: int
    by_status: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reviewed:,} / {self.total:,} reviewed"


_SEARCHES_KEPT = 8  # recent searches whose rows the queue keeps (at most 100,000 ints each)

_QUEUE_SQL = """
SELECT id, doc_id, kind, confidence, speaker_name, speaker_id, text
FROM quotes ORDER BY doc_id, start
"""


class Queue:
    """Every quote's queue fields, in columns (document order), kept current in memory.

    Read in one scan; afterwards :meth:`apply` updates a quote from a
    decision made here and :meth:`poll` from the audit log (decisions made
    by other reviewers), so nothing is reloaded whole unless the quotes
    themselves changed (a re-extraction): then :meth:`poll` reloads.

    Sorting 100,000 rows per key press is affordable only as C-level work:
    every sortable column is kept as a list of small integers (or floats),
    the order of all rows by each sort is cached, and a filter walks the
    cached order instead of sorting what it keeps.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.load()

    def load(self) -> None:
        conn = self.conn
        self.speaker_names: dict[str, str] = dict(conn.execute("SELECT id, name FROM speakers"))
        self.log_cursor: int = conn.execute("SELECT coalesce(max(id), 0) FROM review_log").fetchone()[0]
        self.signature = self._signature()
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: a third faster than sqlite3.Row on 100,000 rows
        rows = cursor.execute(_QUEUE_SQL).fetchall()
        reviews = {r[0]: r[1:] for r in cursor.execute("SELECT quote_id, status, kind, speaker_name, note FROM reviews")}
        self.ids = [r[0] for r in rows]
        self.doc_ids = [r[1] for r in rows]
        self.extracted_kinds = [r[2] for r in rows]
        self.confidences = [r[3] for r in rows]
        self.extracted_speakers = [r[4] for r in rows]
        self.speaker_ids = [r[5] for r in rows]
        self.texts = [r[6] for r in rows]
        n = len(rows)
        self.statuses = ["pending"] * n
        self.corrected_kinds: list[str | None] = [None] * n
        self.corrected_speakers: list[str | None] = [None] * n
        self.notes = [False] * n
        self.index = {qid: i for i, qid in enumerate(self.ids)}
        for qid, (status, kind, speaker, note) in reviews.items():
            i = self.index.get(qid)
            if i is not None:
                self.statuses[i] = status or "pending"
                self.corrected_kinds[i], self.corrected_speakers[i] = kind, speaker
                self.notes[i] = note is not None
        self.status_ranks = [_STATUS_RANK[s] for s in self.statuses]
        self.kind_ranks = [_KIND_RANK.get(self.kind(i), len(_KIND_RANK)) for i in range(n)]
        self.lower_texts = [t.casefold() for t in self.texts]  # what search looks in
        self._searches: dict[str, list[int]] = {}  # recent queries → their rows (see _text_hits)
        self.doc_rows: dict[str, range] = {}
        for i, doc in enumerate(self.doc_ids):  # rows are in document order: each document is a run
            first = self.doc_rows.get(doc)
            self.doc_rows[doc] = range(first.start if first else i, i + 1)
        self._orders: dict[tuple[str, bool], tuple[int, list[int]]] = {}
        self._positions: dict[tuple[str, bool], tuple[int, list[int]]] = {}
        self._generation = {"status": 0, "kind": 0, "speaker": 0, "confidence": 0, "document": 0}
        self._refresh_speaker_columns()

    def _signature(self) -> tuple:
        """Changes when quotes are added, removed or replaced (re-extraction) or speakers re-clustered."""
        q = self.conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM quotes").fetchone()
        s = self.conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM speakers").fetchone()
        return (*q, *s)

    def __len__(self) -> int:
        return len(self.ids)

    def _speaker_of(self, i: int) -> str | None:
        sid = self.speaker_ids[i]
        if sid is not None and sid in self.speaker_names:
            return self.speaker_names[sid]
        return self.corrected_speakers[i] or self.extracted_speakers[i]

    def _refresh_speaker_columns(self) -> None:
        self.speakers = [self._speaker_of(i) for i in range(len(self.ids))]
        self.speaker_lower = [(s or "").casefold() for s in self.speakers]
        self.speaker_set = {s for s in self.speaker_lower if s}
        self._speaker_ranks: list[int] | None = None
        self._rows_by_speaker: dict[str, list[int]] | None = None

    def kind(self, i: int) -> str:
        return self.corrected_kinds[i] or self.extracted_kinds[i]

    def row(self, i: int) -> QueueRow:
        return QueueRow(
            quote_id=self.ids[i], doc_id=self.doc_ids[i], speaker=self.speakers[i], kind=self.kind(i),
            confidence=self.confidences[i], status=self.statuses[i], text=self.texts[i],
            corrected_kind=self.corrected_kinds[i] is not None,
            corrected_speaker=self.corrected_speakers[i] is not None, note=self.notes[i],
        )

    # -- keeping current --

    def apply(self, decision: Decision) -> int | None:
        """Update one quote from a decision made on this store; returns its row (None if not queued)."""
        i = self.index.get(decision.quote_id)
        if i is None:
            return None
        self._set(i, decision.after, decision.speaker_id)
        return i

    def _set(self, i: int, state: ReviewState, speaker_id: str | None) -> None:
        if self.statuses[i] != state.status:
            self.statuses[i] = state.status
            self.status_ranks[i] = _STATUS_RANK[state.status]
            self._generation["status"] += 1
        if self.corrected_kinds[i] != state.kind:
            self.corrected_kinds[i] = state.kind
            self.kind_ranks[i] = _KIND_RANK.get(self.kind(i), len(_KIND_RANK))
            self._generation["kind"] += 1
        self.corrected_speakers[i] = state.speaker_name
        self.notes[i] = state.note is not None
        self.speaker_ids[i] = speaker_id
        name = self._speaker_of(i)
        if name != self.speakers[i]:
            self.speakers[i] = name
            self.speaker_lower[i] = (name or "").casefold()
            if name:
                self.speaker_set.add(name.casefold())
            self._speaker_ranks = None
            self._rows_by_speaker = None
            self._generation["speaker"] += 1

    def poll(self) -> set[int] | None:
        """Take in what others changed: the rows updated, or None after a full reload.

        Reviews come from the audit log since the last poll (cheap: an
        index range); changed quotes or speakers mean a full reload.
        """
        if self._signature() != self.signature:
            self.load()
            return None
        rows = self.conn.execute(
            "SELECT DISTINCT quote_id FROM review_log WHERE id > ?", (self.log_cursor,)
        ).fetchall()
        self.log_cursor = self.conn.execute("SELECT coalesce(max(id), 0) FROM review_log").fetchone()[0]
        changed: set[int] = set()
        ids = [r[0] for r in rows if r[0] in self.index]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for qid, sid, status, kind, speaker, note, by, at in self.conn.execute(
                "SELECT q.id, q.speaker_id, r.status, r.kind, r.speaker_name, r.note, r.by, r.at FROM quotes q"
                f" LEFT JOIN reviews r ON r.quote_id = q.id WHERE q.id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                i = self.index[qid]
                self._set(i, ReviewState(status or "pending", kind, speaker, note, by, at), sid)
                changed.add(i)
        return changed

    # -- reading --

    def progress(self) -> Progress:
        counts = {s: self.statuses.count(s) for s in REVIEW_STATUSES}
        total = len(self.statuses)
        return Progress(total - counts["pending"], total, counts)

    def pending_in(self, rows: Sequence[int]) -> int:
        """How many of these rows are pending."""
        if not rows:
            return 0
        if len(rows) == 1:
            return int(self.statuses[rows[0]] == "pending")
        if len(rows) == len(self.statuses):  # all of them: a count, without a tuple of 100,000
            return self.statuses.count("pending")
        return itemgetter(*rows)(self.status_ranks).count(_STATUS_RANK["pending"])

    def select(self, flt: QueueFilter = QueueFilter(), sort: QueueSort = QueueSort()) -> list[int]:
        """Rows matching the filter, in the sort's order.

        Document and speaker narrow to a set of rows first (through
        per-document runs and per-speaker lists); search marks its rows in
        a list of flags (one pass over the texts, or over the last search's
        hits when the query only grew). What is left is put in order: a few
        rows are sorted by their place in the cached order, many are picked
        from it in one pass. Status, kind and confidence are checked last.
        """
        candidates: set[int] | None = None

        def narrow(rows: Iterable[int]) -> None:
            nonlocal candidates
            candidates = set(rows) if candidates is None else candidates.intersection(rows)

        document = flt.document.strip()
        if document:
            if document in self.doc_rows:
                narrow(self.doc_rows[document])
            else:
                want = document.casefold()
                narrow(i for doc, run in self.doc_rows.items() if want in doc.casefold() for i in run)
        speaker = flt.speaker.strip().casefold()
        if speaker:
            by_speaker = self._speaker_rows()
            names = [speaker] if speaker in by_speaker else [n for n in by_speaker if speaker in n]
            narrow(i for n in names for i in by_speaker[n])
        order = self.order(sort)
        search = flt.search.strip().casefold()
        if search:
            hits = self._text_hits(search)
            by_speaker = self._speaker_rows()
            named = [by_speaker[n] for n in by_speaker if search in n]
            if candidates is not None or len(hits) + sum(map(len, named)) < len(order) // 8:
                found = set(hits).union(*named)
                narrow(found)
            else:  # many hits: flags, and one pass over the order picks them (no set of 40,000 rows)
                flags = [False] * len(order)
                for part in (hits, *named):
                    deque(map(flags.__setitem__, part, repeat(True)), maxlen=0)
                rows = list(compress(order, map(flags.__getitem__, order)))
        if candidates is not None:
            if len(candidates) < len(order) // 8:
                rows = sorted(candidates, key=self._position(sort).__getitem__)
            else:
                rows = list(filter(candidates.__contains__, order))
        elif not search:
            rows = order
        if flt.status and rows is order and sort.column == "status":
            rows = self._status_block(order, flt.status, sort.reverse)  # the status's rows are one run
        # (compress/map keep these loops in C: three times faster than comprehensions on 100,000 rows)
        elif flt.status:
            ranks = map(self.status_ranks.__getitem__, rows)
            if flt.status == REVIEWED:
                rows = list(compress(rows, map(ne, ranks, repeat(_STATUS_RANK["pending"]))))
            else:
                rows = list(compress(rows, map(eq, ranks, repeat(_STATUS_RANK[flt.status]))))
        if flt.kind:
            ranks = map(self.kind_ranks.__getitem__, rows)
            rows = list(compress(rows, map(eq, ranks, repeat(_KIND_RANK.get(flt.kind, -1)))))
        if flt.confidence:
            lo, hi = flt.confidence
            cf = self.confidences
            rows = [i for i in rows if lo <= cf[i] <= hi]
        return list(rows) if rows is order else rows  # a copy: the cached order is never handed out

    def _status_block(self, order: list[int], status: str, reverse: bool) -> list[int]:
        """The rows of one status (or of all reviewed ones) in the order by status.

        Sorted by status, the rows of each status are one run of the order,
        and the reviewed statuses (all but pending, the first) are adjacent
        runs: where they lie follows from the counts of each status, with
        no pass over the rows.
        """
        statuses = list(REVIEW_STATUSES)  # in rank order: the order's runs
        if reverse:
            statuses.reverse()
        wanted = [i for i, s in enumerate(statuses) if (s != "pending" if status == REVIEWED else s == status)]
        if not wanted:
            raise KeyError(status)
        counts = [self.statuses.count(s) for s in statuses]
        return order[sum(counts[:wanted[0]]):sum(counts[:wanted[-1] + 1])]

    def _speaker_rows(self) -> dict[str, list[int]]:
        """Rows of each speaker (case-folded display name)."""
        if self._rows_by_speaker is None:
            out: dict[str, list[int]] = {}
            for i, name in enumerate(self.speaker_lower):
                if name:
                    out.setdefault(name, []).append(i)
            self._rows_by_speaker = out
        return self._rows_by_speaker

    def prepare_search(self, text: str) -> None:
        """Look up the rows a search for ``text`` will show, ahead of time.

        The review calls this between key presses while the reviewer types,
        so that by the time the search is applied (Enter, or a pause) only
        the newest characters are left to look for.
        """
        search = text.strip().casefold()
        if search:
            self._text_hits(search)

    def _text_hits(self, search: str) -> list[int]:
        """Rows whose (case-folded) text contains ``search``, in storage order.

        The last few answers are kept: a query that grew (the reviewer typed
        on) can match only where a shorter one it contains matched, so only
        those rows are looked at again; one seen before (a backspace) is
        answered at once. Texts change only in :meth:`load`, which forgets them.
        """
        searches = self._searches
        hits = searches.pop(search, None)
        if hits is None:
            texts = self.lower_texts
            base = max((q for q in searches if q in search), key=len, default=None)
            if base is not None:
                rows = searches[base]
                hits = list(compress(rows, map(contains, map(texts.__getitem__, rows), repeat(search))))
            else:  # one pass in storage order (faster than in sort order; operator.contains beats str.__contains__)
                hits = list(compress(range(len(texts)), map(contains, texts, repeat(search))))
            while len(searches) >= _SEARCHES_KEPT:
                del searches[next(iter(searches))]
        searches[search] = hits  # the most recent last
        return hits

    def _position(self, sort: QueueSort) -> list[int]:
        """Each row's place in the sort's order."""
        key = (sort.column, sort.reverse)
        order = self.order(sort)
        generation = self._generation[sort.column]
        cached = self._positions.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
        position = [0] * len(order)
        for p, i in enumerate(order):
            position[i] = p
        self._positions[key] = (generation, position)
        return position

    def order(self, sort: QueueSort) -> list[int]:
        """All rows in the sort's order (cached until the sorted column changes; do not modify)."""
        if sort.column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {sort.column!r} (use {', '.join(SORT_COLUMNS)})")
        key = (sort.column, sort.reverse)
        generation = self._generation[sort.column]
        cached = self._orders.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
        n = len(self.ids)
        if sort.column == "document":
            rows = list(range(n - 1, -1, -1)) if sort.reverse else list(range(n))
        elif sort.column == "confidence":
            rows = sorted(range(n), key=self.confidences.__getitem__, reverse=sort.reverse)
        else:
            # stable sorts: the column, ties least confident first, then document order
            rows = list(self.order(QueueSort("confidence")))
            ranks = {"status": self.status_ranks, "kind": self.kind_ranks}.get(sort.column)
            if ranks is None:
                ranks = self._speaker_rank_list(sort.reverse)
                rows.sort(key=ranks.__getitem__)
            else:
                rows.sort(key=ranks.__getitem__, reverse=sort.reverse)
        self._orders[key] = (generation, rows)
        return rows

    def _speaker_rank_list(self, reverse: bool) -> list[int]:
        """Each row's speaker as its rank among all names (no speaker: last, either way)."""
        if self._speaker_ranks is None:
            names = sorted(self.speaker_set)
            rank = {name: r for r, name in enumerate(names)}
            self._speaker_ranks = [rank[s] if s else len(names) for s in self.speaker_lower]
        if not reverse:
            return self._speaker_ranks
        last = max(self._speaker_ranks, default=0)
        return [last - r if s else last + 1 for r, s in zip(self._speaker_ranks, self.speaker_lower)]


def next_pending(queue: Queue, view: Sequence[int], position: int, step: int = 1) -> int | None:
    """The view position of the next (step 1) or previous (step -1) pending quote, wrapping around."""
    n = len(view)
    st = queue.statuses
    for k in range(1, n + 1):
        p = (position + k * step) % n
        if st[view[p]] == "pending":
            return p
    return None


# --- the quote in its paragraph ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Paragraphs of a document around a quote, with every span relative to ``text``."""

    text: str
    spans: dict[str, list[tuple[int, int]]]  # role → spans: content, cue, mention, resolved


def excerpt(doc_text: str, spans: dict[str, tuple[int, int] | None], gap: str = "…") -> Excerpt:
    """The paragraphs that hold any of the spans (in order, a ``gap`` line between distant ones)."""
    bounds = lines(doc_text)
    starts = [b[0] for b in bounds]
    wanted: set[int] = set()
    for span in spans.values():
        if span is None:
            continue
        first = max(0, bisect_right(starts, span[0]) - 1)
        last = max(0, bisect_right(starts, max(span[0], span[1] - 1)) - 1)
        wanted.update(range(first, last + 1))
    pieces: list[tuple[int, int, int]] = []  # (doc start, doc end, excerpt start)
    out: list[str] = []
    pos, prev = 0, None
    for p in sorted(wanted):
        if prev is not None:
            sep = "\n" if p == prev + 1 else f"\n{gap}\n"
            out.append(sep)
            pos += len(sep)
        s, e = bounds[p]
        pieces.append((s, e, pos))
        out.append(doc_text[s:e])
        pos += e - s
        prev = p
    mapped: dict[str, list[tuple[int, int]]] = {}
    for role, span in spans.items():
        if span is None:
            continue
        parts = []
        for s, e, at in pieces:
            lo, hi = max(s, span[0]), min(e, span[1])
            if lo < hi:
                parts.append((at + lo - s, at + hi - s))
        mapped[role] = parts
    return Excerpt("".join(out), mapped)


@dataclass(frozen=True, slots=True)
class QuoteDetail:
    quote_id: str
    doc_id: str
    source: str
    quote: Quote  # as extracted
    review: ReviewState
    speaker_id: str | None
    speaker: str | None  # canonical name, else the (corrected) name
    kind: str  # effective
    excerpt: Excerpt
    history: list[LogEntry]


def quote_detail(conn: sqlite3.Connection, quote_id: str) -> QuoteDetail | None:
    """Everything the detail view shows about one quote (None when it is gone)."""
    row = conn.execute(
        "SELECT q.*, d.text AS doc_text, d.source AS doc_source, s.name AS canonical FROM quotes q"
        " JOIN documents d ON d.id = q.doc_id LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.id = ?",
        (quote_id,),
    ).fetchone()
    if row is None:
        return None
    quote = store.quote_from_row(row)
    state = review_state(conn, quote_id)
    spans = {
        "content": (quote.start, quote.end),
        "cue": (quote.cue.start, quote.cue.end) if quote.cue else None,
        "mention": (quote.mention.start, quote.mention.end) if quote.mention else None,
        "resolved": (quote.resolved.start, quote.resolved.end) if quote.resolved else None,
    }
    return QuoteDetail(
        quote_id=quote_id, doc_id=row["doc_id"], source=row["doc_source"], quote=quote, review=state,
        speaker_id=row["speaker_id"], speaker=row["canonical"] or state.speaker_name or quote.speaker,
        kind=state.kind or quote.kind, excerpt=excerpt(row["doc_text"], spans),
        history=history(conn, quote_id, 5),
    )


# --- export ---------------------------------------------------------------------------


def export(conn: sqlite3.Connection, path: str | Path, all_statuses: bool = False, fmt: str = "json") -> int:
    """Write the JSON export atomically: confirmed (and corrected) quotes only, or all with their status.

    Speakers are re-clustered first if a reviewer changed any, so every
    exported speaker id is the normaliser's.
    """
    from ..store.export import parse_statuses, write_export

    refresh_speakers_if_stale(conn)
    return write_export(conn, path, fmt, None if all_statuses else parse_statuses("confirmed"))
