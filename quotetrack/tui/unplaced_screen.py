"""Reviews a re-extraction could not place: each decision with the quote as it was; dismiss one once seen.

A changed article is extracted again and every review is carried to the new
quote on the same words (store/carryover.py); one whose words are gone is kept
here rather than dropped, until a reviewer has seen it (and decided the new
quote again, or not) and dismisses it. Dismissing is logged.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from ..store import UnplacedReview
from .drawing import plain
from .keys import Key, bindings
from .session import Session
from .widgets.key_bar import KeyBar
from .widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("doc", "document", 20),
    Column("status", "decision", 10),
    Column("speaker", "speaker", 20),
    Column("since", "since", 17),
    Column("text", "the quote as it was", None),
]


class UnplacedScreen(Screen):
    """The reviews kept after their article changed under them."""

    AUTO_FOCUS = "#unplaced"
    HELP_TITLE = "quotetrack review — reviews not placed"
    ACTIONS = (
        Key("d", "dismiss_review", "Dismiss", "dismiss: seen (the new quote decided again, or not); logged"),
        Key("up,down", "", help="move (PgUp/PgDn, Home/End too)"),
        Key("escape", "back", "Back", "back to the review"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[UnplacedReview] = []

    def compose(self) -> ComposeResult:
        yield Header()
        self.table = VirtualTable(COLUMNS, self._cells, id="unplaced")
        yield self.table
        self.status = Static(id="unplaced-status")
        yield self.status
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "reviews not placed"
        self._read()

    def _read(self, cursor: int = 0) -> None:
        self.rows = self.session.store.unplaced_reviews()
        self.table.set_rows(len(self.rows), min(cursor, max(len(self.rows) - 1, 0)))
        self.status.update(Text(
            f" {len(self.rows):,} reviews whose words a re-extraction no longer has: kept, with the quote as it was",
            style="bold", no_wrap=True, overflow="ellipsis"))

    def _cells(self, position: int) -> list[Text]:
        r = self.rows[position]
        review = r.review
        speaker = review.speaker_name or r.speaker_name or ""
        return [plain(r.doc_id), plain(review.status, "bold"), plain(speaker), plain(r.since[:16]),
                plain(" ".join(r.text.split()))]

    def action_dismiss_review(self) -> None:
        if not self.rows:
            return
        cursor = self.table.cursor
        row = self.rows[cursor]
        try:
            self.session.store.dismiss_unplaced(row.quote_id, self.session.reviewer)
        except sqlite3.Error as exc:
            self.notify(self.session.store_failed(exc), severity="error", timeout=30)
            return
        self.notify(f"Dismissed the {row.review.status} review of a quote in {row.doc_id}")
        self._read(cursor)

    def action_back(self) -> None:
        self.dismiss(None)
