"""Each reviewer's own decision on each quote, beside the quote's effective one (``reviews``).

``reviews`` holds what a quote's review *is* (the export's status); this
part keeps what every reviewer *said* (``reviewer_decisions``: one row per
quote and reviewer), so two reviewers can judge the same quotes and their
agreement be measured. Every decision and undo writes both, in the
decision's own transaction (see :meth:`.reviews.Reviews.decide`).

A decision is the quote's review at once (the last writer wins, as
before); the reviewers' own rows keep what each said. An adjudicator (a
reviewer deciding on disputed quotes, ``review --status disputed``) writes
rows marked ``adjudicated``: a quote with one is no longer disputed.

A *blind* reviewer (``review --blind``, :meth:`Judgements.review_as`) decides
from their own last decision and writes only their own row (and an action
for undo): the quote's review, the audit log and the quote's speaker stay as
they were, so nothing one blind reviewer decides shows to another, and the
export is unchanged until an adjudicator (or an open review) decides.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from .base import ReviewState, StoreBase, utc_now


def _decision_of(state_json: str) -> tuple:
    """What a stored own decision decided (as ReviewState.decision())."""
    state = json.loads(state_json)
    return (state["status"], state.get("kind"), state.get("speaker_name"), state.get("note"))


def _who(by: str | None) -> str:
    return by or ""  # a reviewer with no name is one reviewer too (the key cannot be NULL)


class Judgements(StoreBase):
    adjudicator = False  # this connection's decisions settle disputes (see review_as)
    blind: str | None = None  # this connection reviews blind, as this reviewer ("" unnamed; see review_as)

    def review_as(self, *, adjudicator: bool = False, blind: str | None = None) -> None:
        """How this connection's decisions count: ``adjudicator``: each settles its quote's dispute;
        ``blind`` (a reviewer's name): decisions are that reviewer's own only, and the review's reads
        (state, history, the queue) show only theirs."""
        if adjudicator and blind is not None:
            raise ValueError("an adjudicator sees every reviewer's decisions: not blind")
        self.adjudicator = adjudicator
        self.blind = None if blind is None else _who(blind)

    def own_state(self, quote_id: str, by: str | None):
        """This reviewer's own decision on the quote as a ReviewState (pending when they have none)."""

        own = self._own_state_json(quote_id, by)
        if own is None:
            return ReviewState()
        fields = json.loads(own)
        return ReviewState(**{k: fields.get(k) for k in ("status", "kind", "speaker_name", "note", "by", "at")})

    def _decide_own(self, quote_id: str, action: str, by: str | None, change, extracted):
        """A blind decision (in the caller's transaction): ``change`` applied to the reviewer's own last
        decision, recorded as theirs with an action that leaves the quote's review as it is (so
        :meth:`_undo_own` takes it back). Returns (action id or None, own before, own after)."""
        from dataclasses import replace

        before = self.own_state(quote_id, by)
        after = change(before, extracted)
        if after.decision() == before.decision():
            return None, before, before
        after = replace(after, by=by, at=utc_now())
        own = self._own_state_json(quote_id, by)
        self._judge(quote_id, by, after)
        stored = self._read_state(quote_id)
        action_id = self._add_action(quote_id, action, by, after.at, stored, stored)
        self._keep_own(action_id, own)
        self.conn.execute("UPDATE review_actions SET blind = 1 WHERE id = ?", (action_id,))
        return action_id, before, after

    def _undo_own(self, row, by: str | None):
        """Undo a blind action (``row`` of review_actions), in the caller's transaction: the reviewer's own
        decision goes back; nobody else writes it, so there is no conflict. Returns (undo id, before, after)."""
        quote_id = row["quote_id"]
        before = self.own_state(quote_id, by)
        stored = self._read_state(quote_id)
        action_id = self._add_action(quote_id, "undo", by, utc_now(), stored, stored, row["id"])
        self.conn.execute("UPDATE review_actions SET blind = 1 WHERE id = ?", (action_id,))
        self._judge_back(quote_id, by, row["id"])
        self.conn.execute("UPDATE review_actions SET undone_by = ? WHERE id = ?", (action_id, row["id"]))
        return action_id, before, self.own_state(quote_id, by)

    def own_progress(self, by: str | None) -> dict[int, int]:
        """Status rank → how many quotes this reviewer decided so (0: the quotes they have not decided)."""
        from ..domain import REVIEW_STATUSES

        rank = {s: i for i, s in enumerate(REVIEW_STATUSES)}
        counts: dict[int, int] = {}
        for status, n in self.conn.execute(
                "SELECT d.status, count(*) FROM reviewer_decisions d JOIN quotes q ON q.id = d.quote_id"
                " WHERE d.by = ? GROUP BY d.status", (_who(by),)):
            counts[rank.get(status, 0)] = counts.get(rank.get(status, 0), 0) + n
        total = self.conn.execute("SELECT coalesce(sum(n), 0) FROM queue_counts").fetchone()[0]
        counts[0] = total - sum(n for r, n in counts.items() if r)
        return counts

    def _judge(self, quote_id: str, by: str | None, state, adjudicated: bool = False) -> None:
        """Record ``state`` (a ReviewState; None or pending: no decision) as this reviewer's own, in
        the caller's transaction. Deleted and inserted, so the newest decision has the highest rowid."""
        self.conn.execute("DELETE FROM reviewer_decisions WHERE quote_id = ? AND by = ?", (quote_id, _who(by)))
        if state is None or state.status == "pending":
            return
        self.conn.execute(
            "INSERT INTO reviewer_decisions(quote_id, by, status, kind, speaker_name, note, state, at, adjudicated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (quote_id, _who(by), state.status, state.kind, state.speaker_name, state.note,
             json.dumps(asdict(state), ensure_ascii=False), state.at or "", int(adjudicated)),
        )

    def _judge_alike(self, quote_id: str, action: str, by: str | None, stored, after) -> int | None:
        """A decision that leaves the quote's review as it is: recorded as this reviewer's own when it
        differs from their own last one (an action with the review unchanged, so undo takes it back);
        None when it is what they had decided already."""
        from dataclasses import replace

        own = self._own_state_json(quote_id, by)
        if after.status == "pending" or (own is not None and _decision_of(own) == after.decision()):
            return None
        now = utc_now()
        self._judge(quote_id, by, replace(after, by=by, at=now), self.adjudicator)
        action_id = self._add_action(quote_id, action, by, now, stored, stored)
        self._keep_own(action_id, own)
        return action_id

    def _keep_own(self, action_id: int, own: str | None) -> None:
        """Remember with the action the reviewer's own decision before it, for its undo."""
        self.conn.execute("UPDATE review_actions SET own_before = ? WHERE id = ?", (own, action_id))

    def _judge_back(self, quote_id: str, by: str | None, action_id: int) -> None:
        """An undo of ``action_id``: the reviewer's own decision goes back to what it was before it."""
        row = self.conn.execute("SELECT own_before FROM review_actions WHERE id = ?", (action_id,)).fetchone()
        self.conn.execute("DELETE FROM reviewer_decisions WHERE quote_id = ? AND by = ?", (quote_id, _who(by)))
        if row and row[0]:
            state = json.loads(row[0])
            self.conn.execute(
                "INSERT INTO reviewer_decisions(quote_id, by, status, kind, speaker_name, note, state, at, adjudicated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (quote_id, _who(by), state["status"], state.get("kind"), state.get("speaker_name"), state.get("note"),
                 json.dumps({k: v for k, v in state.items() if k != "adjudicated"}, ensure_ascii=False),
                 state.get("at") or "", int(state.get("adjudicated", 0))),
            )

    def _own_state_json(self, quote_id: str, by: str | None) -> str | None:
        """This reviewer's own decision on the quote: its ReviewState and ``adjudicated``, as JSON."""
        row = self.conn.execute("SELECT state, adjudicated FROM reviewer_decisions WHERE quote_id = ? AND by = ?",
                                (quote_id, _who(by))).fetchone()
        return json.dumps({**json.loads(row[0]), "adjudicated": row[1]}, ensure_ascii=False) if row else None

    def reviewer_decisions(self) -> list[tuple]:
        """Every reviewer's decision with what extraction said, for agreement:
        (quote_id, by, status, kind, speaker_name, state JSON, adjudicated, extracted kind, extracted
        speaker, start, end), by quote then reviewer."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(
            "SELECT d.quote_id, d.by, d.status, d.kind, d.speaker_name, d.state, d.adjudicated,"
            " q.kind, q.speaker_name, q.start, q.end FROM reviewer_decisions d JOIN quotes q ON q.id = d.quote_id"
            " ORDER BY d.quote_id, d.by").fetchall()

    def mark_disputed(self, quote_ids: list[str]) -> None:
        """Make ``quote_ids`` the quotes the review's disputed filter shows (worked out by the caller)."""
        with self.transaction():
            self.conn.execute("DELETE FROM disputed_quotes")
            self.conn.executemany("INSERT OR IGNORE INTO disputed_quotes(quote_id) VALUES (?)", [(q,) for q in quote_ids])

    def reviewers(self) -> list[str]:
        """Everyone with a decision of their own in the store, by name."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT by FROM reviewer_decisions ORDER BY by")]
