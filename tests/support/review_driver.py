"""Run a review session headless and keep working until killed (for the kill -9 tests).

    python tests/support/review_driver.py STORE PROGRESS_FILE [decisions|fixes]

Presses real keys through Textual's Pilot, a round at a time: ``decisions`` confirms, rejects,
changes speaker and kind, writes a note, undoes and moves; ``fixes`` changes a quote's words
and adds a quote. After each decision the screen shows as saved, it appends a JSON line to
PROGRESS_FILE and fsyncs it: a line there is a decision the reviewer saw made
(``decisions``: ``[action_id, quote_id, status, kind, speaker, note]``; ``fixes``:
``[action_id, quote_id, action, the quote's words]``).
:func:`run_until_killed` starts it, waits for enough lines, and SIGKILLs it.
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

ROUNDS = {
    "decisions": [
        ["a"],
        ["x"],
        ["s", *"Ann Lee", "enter"],
        ["k", "m"],
        ["n", *"kill test note", "enter"],
        ["a"],
        ["u"],
        ["right_square_bracket"],
    ],
    "fixes": [
        ["b", "left", "enter"],  # the current quote loses its last word
        ["plus", "right", "right", "enter", *"Kill Test", "enter", "i"],  # a quote added in its paragraph
        ["right_square_bracket"],
    ],
}


def _report(kind: str, screen, d) -> list:
    if kind == "fixes":
        return [d.action_id, d.quote_id, d.action, screen.session.store.quote(d.quote_id).quote.text]
    a = d.after
    return [d.action_id, d.quote_id, a.status, a.kind, a.speaker_name, a.note]


async def main(db: str, progress: str, kind: str = "decisions") -> None:
    from quotetrack.store import Store
    from quotetrack.tui.app import ReviewApp

    app = ReviewApp(Store(db, create=False), "killtest")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = None
        with open(progress, "a", encoding="utf-8") as out:
            for keys in itertools.cycle(ROUNDS[kind]):
                await pilot.press(*keys)
                d = screen.last_decision
                if d is None or d is seen or not d.changed:
                    continue
                seen = d
                out.write(json.dumps(_report(kind, screen, d)) + "\n")
                out.flush()
                os.fsync(out.fileno())


def reported(progress: Path) -> list[list]:
    """The lines written so far; a line cut by the kill has no newline yet: not a report."""
    if not progress.exists():
        return []
    lines = progress.read_text(encoding="utf-8").split("\n")[:-1]
    return [json.loads(line) for line in lines]


def run_until_killed(db: Path, progress: Path, kind: str, wanted: int, limit: float = 180) -> list[list]:
    """Run the session in a process of its own, SIGKILL it once ``wanted`` lines are in, and return them."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, __file__, str(db), str(progress), kind], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + limit
        while len(reported(progress)) < wanted:
            assert proc.poll() is None, f"the review session died: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, f"the review session made fewer than {wanted} {kind} in time"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-session: it is still pressing keys
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return reported(progress)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
