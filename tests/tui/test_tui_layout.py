"""80 × 24 (issue 14): the quote keeps room, help and quit stay on screen; Esc clears a search;
the history names both kinds of a kind change."""

from __future__ import annotations

import asyncio

from quotetrack import review
from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.widgets.key_bar import KeyBar
from tests.tui.test_tui import current_id, session, table_text, widget_text


def small_session(path, test, reviewer="ann"):
    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, reviewer, export_path=path.parent / "exports" / "quotes.json")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await test(app, pilot)
        db.close()

    asyncio.run(main())


def test_at_80_by_24_the_quote_has_room_and_help_and_quit_are_on_screen(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        widths = screen.table._widths(screen.table.scrollable_content_region.width)
        assert widths[-1] >= 30  # the quote column (it had 10 cells at 80 columns)
        bar = widget_text(screen.query_one(KeyBar)).rstrip()
        assert bar.endswith("? Help q Quit") and "…" in bar  # the keys between are cut, not these
        first = table_text(screen.table).splitlines()[1]
        assert "a fantasy built on hope" in first  # the whole quote text of the first row shows
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert widget_text(app.screen.query_one(KeyBar)).rstrip().endswith("? Help  q Quit")  # fits whole

    small_session(path, test)


def test_escape_clears_the_search(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        await pilot.press("slash", *"door", "enter")
        assert [screen.queue.ids[i] for i in screen.view] == [ids["door"]]
        await pilot.press("escape")  # in the queue: the search goes, the whole queue is back
        assert screen.query_one("#search").value == "" and len(screen.view) == 8
        await pilot.press("slash", *"budget")
        await pilot.press("escape")  # in the search box: cleared too, and back to the queue
        assert screen.query_one("#search").value == "" and len(screen.view) == 8
        assert screen.focused is screen.table

    session(path, test)


def test_history_shows_a_kind_change_as_from_to(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        assert current_id(app) == ids["fantasy"]  # extracted as mixed
        await pilot.press("k", "d")  # mixed → direct
        await pilot.pause()
        await pilot.press("k", "m")  # back to mixed: the correction is taken back
        await pilot.pause()
        text = widget_text(app.screen.detail)
        assert "kind: mixed → direct" in text and "kind: direct → mixed" in text
        assert "—" not in text.split("history", 1)[1].split("kind:")[1]

    session(path, test)
    db = Store(path, create=False)
    detail = review.quote_detail(db, ids["fantasy"])
    db.close()
    assert [(h.old, h.new) for h in detail.history if h.field == "kind"] == [("direct", "mixed"), ("mixed", "direct")]


def test_at_80_by_24_the_speaker_picker_fits_on_screen(newsroom):
    path, _ = newsroom

    async def test(app, pilot):
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen.query_one("#speaker-dialog")
        hint = list(dialog.query("Label"))[-1]
        assert "Esc cancel" in widget_text(hint)
        assert 0 <= dialog.region.y and dialog.region.bottom <= 24
        assert hint.region.bottom <= dialog.region.bottom - 1  # inside the border, not cut off

    small_session(path, test)
