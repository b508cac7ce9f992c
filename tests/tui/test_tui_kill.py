"""Kill -9 a review session in the middle of its work: every decision it showed is in the store."""

from __future__ import annotations

import json

import pytest

from quotetrack.store import Store
from tests.support import review_data
from tests.support.review_driver import run_until_killed

DECISIONS = 40
pytestmark = pytest.mark.slow  # a real review process, killed and reopened


def test_sigkill_mid_session_loses_no_decision(tmp_path):
    db = tmp_path / "review.db"
    review_data.build_many(db, 20)  # 160 quotes: never runs out of pending ones
    reported = run_until_killed(db, tmp_path / "progress.jsonl", "decisions", DECISIONS)
    assert len(reported) >= DECISIONS
    store = Store(db, create=False)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    actions = {r["id"]: r for r in store.conn.execute("SELECT id, quote_id, action, new_state FROM review_actions")}
    kinds = {actions[a]["action"] for a, *_ in reported}
    assert {"confirm", "reject", "speaker", "kind", "note", "undo"} <= kinds
    for action_id, quote_id, status, kind, speaker, note in reported:
        stored = actions.get(action_id)
        assert stored is not None, f"decision {action_id} on {quote_id} was shown as saved but is not in the store"
        state = json.loads(stored["new_state"]) if stored["new_state"] else {}
        assert stored["quote_id"] == quote_id
        assert (state.get("status", "pending"), state.get("kind"), state.get("speaker_name"), state.get("note")) == (
            status, kind, speaker, note)
    # and the current review of every quote is what its latest decision made it
    latest: dict[str, str | None] = {}
    for action_id in sorted(actions):
        latest[actions[action_id]["quote_id"]] = actions[action_id]["new_state"]
    for quote_id, state in latest.items():
        row = store.conn.execute("SELECT status, kind, speaker_name, note FROM reviews WHERE quote_id = ?",
                           (quote_id,)).fetchone()
        expected = json.loads(state) if state else None
        assert (tuple(row) if row else None) == (
            (expected["status"], expected["kind"], expected["speaker_name"], expected["note"]) if expected else None)
    store.close()
