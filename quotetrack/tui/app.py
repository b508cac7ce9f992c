"""``quotetrack review``: the Textual app over the store.

The app opens a :class:`~quotetrack.tui.session.Session` and the review
screen on it; the screens wire keys to :mod:`quotetrack.review`, which
does the work. Every notification passes :func:`quotetrack.text.visible`
here, once for all screens.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.notifications import SeverityLevel

from ..review import QueueFilter
from ..store import Store
from ..text import visible
from .dialogs.help_screen import HelpScreen
from .keys import Key, Keyed, bindings, help_lines
from .review_screen import ReviewScreen
from .session import Session

HELP_NOTES = (
    "Mouse: click a row to select it, click a column header to sort by it (again to reverse), "
    "scroll with the wheel, click the keys in the footer.",
    "Every decision is saved in the store the moment you make it; undo is saved the same way.",
)


class ReviewApp(App[None]):
    """Confirm, reject or correct every attribution in the store."""

    CSS_PATH = "review.tcss"
    TITLE = "quotetrack review"
    ENABLE_COMMAND_PALETTE = False
    ACTIONS = (
        Key("question_mark", "help", "Help", "this help", display="?"),
        Key("q", "quit", "Quit", "quit"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self,
        db: Store,
        reviewer: str,
        document: str | None = None,
        status: str | None = None,
        export_path: str | Path = "exports/quotes.json",
        blind: bool = False,
    ) -> None:
        super().__init__()
        self.session = Session(db, reviewer, Path(export_path), adjudicator=status == "disputed", blind=blind)
        self.initial_filter = QueueFilter(status=status or None, document=document or "")

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.session, self.initial_filter))

    @property
    def store_failure(self) -> str | None:
        """The store's failure under a decision, if any: the review ends with the exit code for it."""
        return self.session.failure

    @store_failure.setter
    def store_failure(self, message: str | None) -> None:
        self.session.failure = message

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notify with every character that could drive the terminal escaped, and no markup parsed.

        Messages carry data (speaker and reviewer names, paths, errors that
        quote them); Textual writes them to the terminal as they are.
        """
        super().notify(visible(message), title=visible(title, one_line=True), severity=severity, timeout=timeout,
                       markup=False)

    def action_help(self) -> None:
        """The keys of the screen from its action table, then the app's own.

        (A dialog is modal: the app's keys, this one included, do not reach past it.)
        """
        screen = self.screen
        if isinstance(screen, Keyed):
            self.push_screen(HelpScreen(screen.HELP_TITLE, help_lines([*screen.ACTIONS, *self.ACTIONS]), HELP_NOTES))

    async def action_quit(self) -> None:
        """Leave; speakers changed during the review are re-clustered first, so the store is whole."""
        problem = self.session.finish()
        if problem:
            self.log.warning(visible(problem))
        self.exit()
