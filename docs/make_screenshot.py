"""Regenerate docs/review.svg and docs/review-edit.svg, the README's pictures of the review screen
(the second with the editor of a quote's words open, `b`).

    .venv/bin/python docs/make_screenshot.py

Uses the small hand-made store of the tests, a few decisions made with real
key presses, and a fixed terminal size, so the picture changes only when the
screen does.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotetrack.store import Store  # noqa: E402
from quotetrack.tui.app import ReviewApp  # noqa: E402
from tests.support import review_data  # noqa: E402


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "newsroom.db"
        review_data.build(db)
        store = Store(db, create=False)
        app = ReviewApp(store, "ann")
        async with app.run_test(size=(120, 34)) as pilot:
            await pilot.pause()
            await pilot.press("a", "x", "k", "m", "right_square_bracket")
            await pilot.pause()
            app.save_screenshot("review.svg", str(ROOT / "docs"))
            await pilot.press("b", "left", "left")  # the end edge two words back
            await pilot.pause()
            app.save_screenshot("review-edit.svg", str(ROOT / "docs"))
        store.close()
    print(ROOT / "docs" / "review.svg", ROOT / "docs" / "review-edit.svg")


if __name__ == "__main__":
    asyncio.run(main())
