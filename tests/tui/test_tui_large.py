"""The review on a store too large for a key press: slow reads move to the background, keys stay live.

Every read a key press makes under its budget is made to overrun it here
(as on a store of millions of quotes), so each goes the slow way: read in a
thread of its own, shown when ready. What the reviewer ends up seeing must be
what the fast way shows.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager

import pytest

from quotetrack.store import QueueTooSlow, Store
from quotetrack.store.queue import QueueReads
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.background import Background
from quotetrack.tui.review_screen import ReviewScreen
from tests.tui.test_tui import SIZE, current_id, review_row, settle, widget_text


@pytest.fixture()
def too_large(monkeypatch):
    """Every budgeted read overruns at once; reads in the background have no budget and run."""

    @contextmanager
    def overrun(self, seconds, min_steps=0):
        if seconds is not None:
            raise QueueTooSlow("pretend the store is huge")
        yield

    monkeypatch.setattr(QueueReads, "queue_budget", overrun)


def run(path, test):
    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, "ann")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await test(app, pilot)
        db.close()

    asyncio.run(main())


def shown(app) -> set[str]:
    screen = app.screen
    return {screen.queue.ids[i] for i in screen.view}


def test_the_queue_opens_and_answers_from_the_background(newsroom, too_large):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and current_id(app) == ids["fantasy"]
        assert "0 / 8 reviewed" in widget_text(screen.progress) and "showing 8, 8 pending" in widget_text(screen.progress)
        await pilot.press("a")
        await settle(app, pilot)
        assert review_row(path, ids["fantasy"])[0] == "confirmed" and current_id(app) == ids["markup"]
        await pilot.press("slash", *"family", "enter")
        await settle(app, pilot)
        assert shown(app) == {ids["fair"]} and "showing 1 (filtered), 1 pending" in widget_text(screen.progress)
        await pilot.press("slash", *["backspace"] * 6, "enter")
        await settle(app, pilot)
        await pilot.click("#queue", offset=(51, 0))  # sort by confidence; the cursor stays on its quote
        await settle(app, pilot)
        assert screen.sort.column == "confidence" and current_id(app) == ids["fair"]  # kept since the search

    run(path, test)


def test_while_a_view_is_read_the_screen_says_so_and_keys_work_on_the_one_shown(newsroom, too_large, monkeypatch):
    path, ids = newsroom
    release = threading.Event()
    original = Background.run

    def slow_run(self, kind, read):
        if kind == "view":
            release.wait(10)
        return original(self, kind, read)

    async def test(app, pilot):
        screen = app.screen
        monkeypatch.setattr(Background, "run", slow_run)
        await pilot.press("slash", *"family", "enter")
        await pilot.pause()
        assert "searching…" in widget_text(screen.progress)
        assert len(screen.view) == 8  # the old view, still shown and live
        await pilot.press("down")
        assert current_id(app) == ids["markup"]
        release.set()
        await settle(app, pilot)
        assert shown(app) == {ids["fair"]} and "searching…" not in widget_text(screen.progress)

    run(path, test)


def test_a_newer_view_wins_over_an_older_one_still_being_read(newsroom, too_large, monkeypatch):
    path, ids = newsroom
    first = threading.Event()
    original = Background.run
    calls = []

    def slow_first(self, kind, read):
        if kind == "view":
            calls.append(kind)
            if len(calls) == 2:  # the first search typed: held back until the second is shown
                first.wait(10)
        return original(self, kind, read)

    async def test(app, pilot):
        monkeypatch.setattr(Background, "run", slow_first)
        await pilot.press("slash", *"family", "enter")
        await pilot.press("slash", *["backspace"] * 6, *"door", "enter")
        await pilot.pause(0.3)
        first.set()
        await settle(app, pilot)
        assert shown(app) == {ids["door"]}

    run(path, test)


def test_a_search_read_by_pages_is_counted_in_the_background_at_once(newsroom, monkeypatch):
    """On a store of millions a search is read by pages and counted with its hits (up to a second):
    its rows show at once, its numbers when counted, and the count is not tried under the key's budget."""
    from quotetrack.review import view as view_module

    path, ids = newsroom
    monkeypatch.setattr(view_module, "WHOLE", 0)  # every view read by pages, as on a store of millions
    tried: list[str] = []
    original = view_module.View.try_counts

    def spy(self):
        tried.append(self.query.search)
        return original(self)

    monkeypatch.setattr(view_module.View, "try_counts", spy)

    async def test(app, pilot):
        screen = app.screen
        await pilot.press("slash", *"family", "enter")
        await settle(app, pilot)
        assert shown(app) == {ids["fair"]} and "showing 1 (filtered), 1 pending" in widget_text(screen.progress)
        assert "family" not in tried
        await pilot.press("slash", *["backspace"] * 6, "enter")  # no search: counted at once, as before
        await settle(app, pilot)
        assert "showing 8, 8 pending" in widget_text(screen.progress) and "" in tried

    run(path, test)
