"""Kill -9 a review session while it changes quotes' words and adds quotes: every fix it showed is in the store.

Run as a script, this module is the session (``python test_span_edit_kill.py STORE PROGRESS``): it
presses real keys through Textual's Pilot and, after each fix the screen shows as saved, appends
``[action id, quote id, action, the quote's words]`` (JSON) to PROGRESS and fsyncs it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXES = 12
ROUND = [
    ["b", "left", "enter"],  # the current quote loses its last word
    ["plus", "right", "right", "enter", *"Kill Test", "enter", "i"],  # a quote added in its paragraph
    ["right_square_bracket"],
]


async def drive(db: str, progress: str) -> None:
    from quotetrack.store import Store
    from quotetrack.tui.app import ReviewApp

    app = ReviewApp(Store(db, create=False), "killtest")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = None
        with open(progress, "a", encoding="utf-8") as out:
            for keys in itertools.cycle(ROUND):
                await pilot.press(*keys)
                d = screen.last_decision
                if d is None or d is seen or not d.changed:
                    continue
                seen = d
                words = screen.session.store.quote(d.quote_id).quote.text
                out.write(json.dumps([d.action_id, d.quote_id, d.action, words]) + "\n")
                out.flush()
                os.fsync(out.fileno())


def _reported(progress: Path) -> list[list]:
    if not progress.exists():
        return []
    lines = progress.read_text(encoding="utf-8").split("\n")[:-1]  # a line cut by the kill is no report
    return [json.loads(line) for line in lines]


@pytest.mark.slow  # a real review process, killed and reopened
def test_sigkill_loses_no_added_quote_and_no_changed_words(tmp_path):
    from quotetrack.store import Store
    from tests.support import review_data

    db = tmp_path / "review.db"
    progress = tmp_path / "progress.jsonl"
    review_data.build_many(db, 10)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, __file__, str(db), str(progress)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while len(_reported(progress)) < FIXES:
            assert proc.poll() is None, f"the review session died: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, "the review session made too few fixes in time"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-session: it is still pressing keys
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()

    reported = _reported(progress)
    assert {"span", "add"} <= {action for _, _, action, _ in reported}
    store = Store(db, create=False)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for action_id, quote_id, action, words in reported:
        stored = store.conn.execute("SELECT quote_id, action FROM review_actions WHERE id = ?", (action_id,)).fetchone()
        assert stored is not None and tuple(stored) == (quote_id, action), f"{action} {action_id} shown but not stored"
        q = store.quote(quote_id)
        assert q is not None and q.quote.text == words == q.doc_text[q.quote.start:q.quote.end]
        if action == "add":
            assert q.quote.method == "reviewer" and store.review_state(quote_id).status == "confirmed"
            assert store.is_added(quote_id)
        else:
            assert store.span_edit(quote_id).text == words and store.review_state(quote_id).status == "corrected"
    store.close()


if __name__ == "__main__":
    asyncio.run(drive(sys.argv[1], sys.argv[2]))
