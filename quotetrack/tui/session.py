"""A review session: what the screens work with, handed to them instead of the App."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .. import review
from ..store import Store, explain
from ..text import visible


@dataclass
class Session:
    """The store under review, who is deciding, and where exports go by default."""

    store: Store
    reviewer: str
    export_path: Path
    failure: str | None = field(default=None, init=False)  # the store's last failure, for the exit code

    def store_failed(self, exc: sqlite3.Error) -> str:
        """Note that the store failed under a decision; the message for the reviewer."""
        self.failure = f"{self.store.path}: {explain(exc)}"
        return f"{self.failure}. This decision was not saved; decisions saved before it are kept."
    adjudicator: bool = False  # opened on the disputed quotes: each decision settles its dispute
    blind: bool = False  # the reviewer sees and makes only their own decisions (review --blind)

    def __post_init__(self) -> None:
        review.prepare(self.store)
        self.store.review_as(adjudicator=self.adjudicator, blind=self.reviewer if self.blind else None)
        if self.adjudicator:
            self.store.mark_disputed(review.disputed_quotes(self.store))

    def queue(self) -> review.Queue:
        """The review queue as this reviewer sees it (their own decisions only, when blind)."""
        return review.Queue(self.store, blind=self.store.blind)

    @property
    def status_filters(self) -> tuple[str, ...]:
        """The status box's values: an adjudicator's has the disputed quotes too."""
        return (*review.STATUS_FILTERS, review.DISPUTED) if self.adjudicator else review.STATUS_FILTERS

    @property
    def title(self) -> str:
        """Who reviews which store, escaped for a title bar."""
        blind = " · blind" if self.blind else ""
        return visible(f"{self.reviewer}{blind} · {self.store.path.name}", one_line=True)

    def open_store(self) -> Store:
        """A store of its own for a worker thread (SQLite connections stay in their thread)."""
        db = Store(self.store.path, create=False)
        review.prepare(db)
        db.review_as(adjudicator=self.adjudicator, blind=self.store.blind)
        return db

    def finish(self) -> str | None:
        """Re-cluster speakers changed during the review, so the store is whole; what failed, if anything.

        A failure is not fatal: the next export or review catches up.
        """
        try:
            self.store.refresh_speakers_if_stale()
        except sqlite3.Error as exc:
            return f"speaker refresh on quit failed: {exc}"
        return None
