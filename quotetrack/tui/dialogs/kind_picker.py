"""Pick the kind of a quote: direct, indirect or mixed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...domain import QUOTE_KINDS


class KindPicker(ModalScreen[str | None]):
    """direct, indirect or mixed: arrows and Enter, or the first letter."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("d", "pick('direct')", "Direct"),
        Binding("i", "pick('indirect')", "Indirect"),
        Binding("m", "pick('mixed')", "Mixed"),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="kind-dialog"):
            yield Label(Text("Kind of this quote", style="bold"))
            yield OptionList(*[Option(Text(f"{k}  ({k[0]})"), id=k) for k in QUOTE_KINDS], id="kind-options")
            yield Label(Text("d/i/m or ↑↓ Enter · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = QUOTE_KINDS.index(self.current) if self.current in QUOTE_KINDS else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, kind: str) -> None:
        self.dismiss(kind)

    def action_cancel(self) -> None:
        self.dismiss(None)
