"""Ask before a change that touches many quotes at once (merging two speakers, overwriting a file)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmPrompt(ModalScreen[bool]):
    """A question with a yes button and a no button: ``y`` or Enter says yes, ``n`` or Esc no.

    ``lines`` is already-escaped Rich text (see ``drawing.plain``): data never reaches it as markup.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, lines: list[Text], yes: str, no: str = "Cancel") -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label(Text(self.title_text, style="bold"))
            for line in self.lines:
                yield Label(line)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="confirm-yes")
                yield Button(f"{self.no} (n)", id="confirm-no")
            yield Label(Text("y or Enter: yes · n or Esc: no", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
