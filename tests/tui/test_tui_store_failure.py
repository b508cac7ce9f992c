"""A store that fails under the review: the reviewer is told, keeps the screen, and the exit code says so."""

from __future__ import annotations

import asyncio

import pytest
import typer

from quotetrack.cli import _review_ended
from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.review_screen import ReviewScreen
from tests.tui.test_tui import current_id, review_row


def test_a_store_that_stops_taking_writes_is_said_and_the_screen_stays(newsroom, capsys):
    path, ids = newsroom

    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, "ann", export_path=path.parent / "exports" / "quotes.json")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("a")  # saved
            db.conn.execute("PRAGMA query_only = ON")  # from now on every write fails, as on a read-only disk
            before = current_id(app)
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen) and current_id(app) == before
            messages = [n.message for n in app._notifications]
            assert any("read-only" in m and "not saved" in m for m in messages), messages
            await pilot.press("u")
            await pilot.pause()
            assert app.is_running
        db.close()
        return app

    app = asyncio.run(main())
    assert app.store_failure and "newsroom.db" in app.store_failure
    assert review_row(path, ids["fantasy"])[0] == "confirmed"  # the decision saved before the failure is kept
    with pytest.raises(typer.Exit) as ended:
        _review_ended(app, path)
    assert ended.value.exit_code == 3
    err = capsys.readouterr().err
    assert "newsroom.db" in err and "decisions saved before it are kept" in err
