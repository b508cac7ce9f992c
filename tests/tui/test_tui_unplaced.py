"""Reviews a re-extraction could not place are visible in the review app, and a reviewer can dismiss them."""

from __future__ import annotations

import asyncio

from quotetrack import review
from quotetrack.domain import Document
from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.unplaced_screen import UnplacedScreen
from tests.support import review_data
from tests.tui.test_tui import widget_text


def _rewrite_budget_without_fantasy(path) -> None:
    """The budget article changes where the critics' words were; its other quotes stay."""
    doc, quotes = review_data.documents()[1]
    words = "a fantasy built on hope"
    changed = doc.text.replace(words, "a plan without a flaw!!")  # same length: the other quotes keep their offsets
    assert len(changed) == len(doc.text)
    kept = [q for q in quotes if q.text != words]
    with Store(path, create=False) as db:
        db.save_document(Document(doc.id, changed, doc.source), kept, "test-2")


def test_the_app_says_which_reviews_were_not_placed_and_dismissing_one_is_logged(newsroom):
    path, ids = newsroom
    with Store(path, create=False) as db:
        review.confirm(db, ids["fantasy"], "bob")
    _rewrite_budget_without_fantasy(path)

    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, "ann")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert any("1 review could not be placed" in n.message for n in app._notifications)
            await pilot.press("L")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, UnplacedScreen)
            shown = widget_text(screen.table)
            assert "budget-2" in shown and "confirmed" in shown and "a fantasy built on hope" in shown
            await pilot.press("d")
            await pilot.pause()
            assert db.unplaced_count() == 0 and screen.rows == []
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, UnplacedScreen)
        db.close()

    asyncio.run(main())
    with Store(path, create=False) as db:
        log = db.conn.execute("SELECT field, old, new, by FROM review_log WHERE quote_id = ? ORDER BY rowid",
                              (ids["fantasy"],)).fetchall()
    assert tuple(log[-1]) == ("unplaced", "confirmed", None, "ann")
