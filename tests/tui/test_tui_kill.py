"""Kill -9 a review session in the middle of its work: every decision it showed is in the store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotetrack.store import Store
from tests.support import review_data

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "support" / "review_driver.py"
DECISIONS = 40
pytestmark = pytest.mark.slow  # a real review process, killed and reopened


def _reported(progress: Path) -> list[list]:
    if not progress.exists():
        return []
    text = progress.read_text(encoding="utf-8")
    lines = text.split("\n")[:-1]  # a line cut by the kill has no newline yet: not a report
    return [json.loads(line) for line in lines]


def test_sigkill_mid_session_loses_no_decision(tmp_path):
    db = tmp_path / "review.db"
    progress = tmp_path / "progress.jsonl"
    review_data.build_many(db, 20)  # 160 quotes: never runs out of pending ones
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(db), str(progress)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while len(_reported(progress)) < DECISIONS:
            assert proc.poll() is None, f"the review session died: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, "the review session made too few decisions in time"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-session: it is still pressing keys
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()

    reported = _reported(progress)
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
