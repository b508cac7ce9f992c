"""``quotetrack review``: the Textual app over the store.

The app holds the store, the reviewer's name and the screens;
the screens wire keys to :mod:`quotetrack.review`, which does the work.
"""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from .. import review
from ..review import QueueFilter
from ..store import Store
from ..text import visible
from .dialogs import HelpScreen
from .screens import MOUSE_NOTES, ReviewScreen


class ReviewApp(App):
    """Confirm, reject or correct every attribution in the store."""

    CSS_PATH = "review.tcss"
    TITLE = "quotetrack review"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        db: Store,
        reviewer: str,
        document: str | None = None,
        status: str | None = None,
        export_path: str | Path = "exports/quotes.json",
    ) -> None:
        super().__init__()
        self.db = db
        self.db_path = db.path
        self.db_name = visible(self.db_path.name)
        self.reviewer = reviewer
        self.export_path = Path(export_path)
        self.initial_filter = QueueFilter(status=status or None, document=document or "")
        review.prepare(db)

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.initial_filter))

    def settle_heap(self) -> None:
        """Take what is loaded now out of the garbage collector's full passes.

        The queue holds a score of lists of 100,000 items; every so often
        Python's cycle collector walks all of them, which took 40-60 ms in
        the middle of a key press (the slow tail of every key). Nothing in
        them forms cycles (they are freed by reference counting on a reload),
        so they are frozen after each load and unfrozen when the app ends.
        """
        gc.collect()
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def open_store(self) -> Store:
        """A store of its own for a worker thread (SQLite connections stay in their thread)."""
        db = Store(self.db_path, create=False)
        review.prepare(db)
        return db

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        keys = getattr(screen, "HELP", ReviewScreen.HELP)
        title = getattr(screen, "HELP_TITLE", "quotetrack review — keys")
        self.push_screen(HelpScreen(title, keys, MOUSE_NOTES))

    async def action_quit(self) -> None:
        """Leave; speakers changed during the review are re-clustered first, so the store is whole."""
        try:
            self.db.refresh_speakers_if_stale()
        except sqlite3.Error as exc:  # leave anyway: the next export or review catches up
            self.log.warning(f"speaker refresh on quit failed: {exc}")
        self.exit()
