"""Ask for one line of text: a note, a speaker's new name."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...text import visible
from ..drawing import as_given, plain


class TextPrompt(ModalScreen[str | None]):
    """One line of text (a note, a new name): Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "Enter save · Esc cancel") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt-dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield Input(value=visible(self.value, one_line=True), placeholder=self.placeholder, id="prompt-input")
            yield Label(Text(self.hint, style="dim"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(as_given(event.value, self.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
