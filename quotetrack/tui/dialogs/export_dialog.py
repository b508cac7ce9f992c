"""Where to write the JSON export, and of which quotes."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from ...text import visible
from ..drawing import as_given


@dataclass(frozen=True, slots=True)
class ExportChoice:
    path: str
    all_statuses: bool  # every quote with its status, not only the confirmed (and corrected) ones


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Where to write the JSON export, and whether only confirmed quotes or all with status."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Text("Export the JSON quote database", style="bold"))
            with RadioSet(id="export-scope"):
                yield RadioButton("confirmed (and corrected) only", value=True, id="scope-confirmed")
                yield RadioButton("all quotes, with their status", id="scope-all")
            yield Input(value=visible(self.path, one_line=True), placeholder="file to write", id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")
            yield Label(Text("written atomically: a temporary file renamed over the target", style="dim"))

    def _result(self) -> ExportChoice | None:
        path = as_given(self.query_one("#export-path", Input).value, self.path).strip()
        if not path:
            self.notify("Give a file to write.", severity="warning")
            return None
        return ExportChoice(path, self.query_one("#scope-all", RadioButton).value)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        result = self._result()
        if result:
            self.dismiss(result)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
