"""The keys of the screen underneath, from its action table, and what the mouse does."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class HelpScreen(ModalScreen[None]):
    """Lines of keys (see :func:`quotetrack.tui.keys.help_lines`) and notes, under a title."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, title: str, keys: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.keys = list(keys)
        self.notes = list(notes)

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold reverse", justify="center", min_width=7)
        table.add_column()
        for key, description in self.keys:
            table.add_row(Text(f" {key} "), Text(description))
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(Text(self.title_text, style="bold"))
            with VerticalScroll(id="help-body"):
                yield Static(table)
                for note in self.notes:
                    yield Static(Text(note, style="dim"), classes="help-note")
            yield Label(Text("Esc, ? or q to close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
