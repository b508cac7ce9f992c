"""Run a review session headless and keep deciding until killed (for the kill -9 test).

    python tests/support/review_driver.py STORE PROGRESS_FILE

Presses real keys through Textual's Pilot: confirm, reject, change speaker,
change kind, note, undo, move. After each decision the screen shows as
saved, appends ``action_id quote_id status kind speaker note`` (JSON) to
PROGRESS_FILE and fsyncs it: a line there is a decision the reviewer saw made.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys

from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp

ROUND = [
    ["a"],
    ["x"],
    ["s", *"Ann Lee", "enter"],
    ["k", "m"],
    ["n", *"kill test note", "enter"],
    ["a"],
    ["u"],
    ["right_square_bracket"],
]


async def main(db: str, progress: str) -> None:
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
                a = d.after
                out.write(json.dumps([d.action_id, d.quote_id, a.status, a.kind, a.speaker_name, a.note]) + "\n")
                out.flush()
                os.fsync(out.fileno())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
