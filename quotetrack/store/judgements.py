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
"""

from __future__ import annotations

import json
from dataclasses import asdict

from .base import StoreBase, utc_now


def _decision_of(state_json: str) -> tuple:
    """What a stored own decision decided (as ReviewState.decision())."""
    state = json.loads(state_json)
    return (state["status"], state.get("kind"), state.get("speaker_name"), state.get("note"))


def _who(by: str | None) -> str:
    return by or ""  # a reviewer with no name is one reviewer too (the key cannot be NULL)


class Judgements(StoreBase):
    adjudicator = False  # this connection's decisions settle disputes (see review_as)

    def review_as(self, *, adjudicator: bool = False) -> None:
        """How this connection's decisions count: ``adjudicator``: each settles its quote's dispute."""
        self.adjudicator = adjudicator

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
