"""Where to write the export, of which quotes, as JSON or JSON Lines; never over a file without asking.

Confirmed-only and all-quotes exports have their own default files
(``exports/reviewed.json`` beside the full ``exports/quotes.json``), so the
review's export does not replace the full export by default, and a file
that exists already is overwritten only after a yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from ...text import visible
from ..drawing import as_given, plain
from .confirm_prompt import ConfirmPrompt

FORMATS = {"json": ".json", "jsonl": ".jsonl"}
REVIEWED_NAME = "reviewed"  # the confirmed-only export's default file name, beside the full export


@dataclass(frozen=True, slots=True)
class ExportChoice:
    path: str
    all_statuses: bool  # every quote with its status, not only the confirmed (and corrected) ones
    fmt: str = "json"  # or "jsonl"


def default_path(full_export: str | Path, all_statuses: bool, fmt: str) -> str:
    """The default file: the full export's for all quotes; for confirmed ones ``reviewed.json`` beside
    ``quotes.json`` (``news.reviewed.json`` beside ``news.json``)."""
    full = Path(full_export)
    if all_statuses:
        stem = full.stem
    else:
        stem = REVIEWED_NAME if full.stem == "quotes" else f"{full.stem}.{REVIEWED_NAME}"
    return str(full.with_name(stem + FORMATS[fmt]))


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Which quotes (confirmed only, or all with their status), which format, which file."""

    DEFAULT_CSS = """
    #export-options { height: auto; }
    #export-scope { width: 1fr; min-width: 40; }
    #export-format { width: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.full_path = path  # the session's export file: where all quotes go by default
        self.path = default_path(path, False, "json")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Text("Export the quote database", style="bold"))
            with Horizontal(id="export-options"):
                with RadioSet(id="export-scope"):
                    yield RadioButton("confirmed (and corrected) only", value=True, id="scope-confirmed")
                    yield RadioButton("all quotes, with their status", id="scope-all")
                with RadioSet(id="export-format"):
                    yield RadioButton("JSON", value=True, id="format-json")
                    yield RadioButton("JSON Lines", id="format-jsonl")
            yield Input(value=visible(self.path, one_line=True), placeholder="file to write", id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")
            yield Label(Text("an existing file is replaced only after you say so", style="dim"))

    def _choice_of(self, path: str) -> ExportChoice:
        fmt = "jsonl" if self.query_one("#format-jsonl", RadioButton).value else "json"
        return ExportChoice(path, self.query_one("#scope-all", RadioButton).value, fmt)

    @on(RadioSet.Changed)
    def _options_changed(self) -> None:
        """A default path follows the choices; a path the reviewer typed stays theirs."""
        box = self.query_one("#export-path", Input)
        if as_given(box.value, self.path) != self.path:
            return
        choice = self._choice_of(self.path)
        self.path = default_path(self.full_path, choice.all_statuses, choice.fmt)
        box.value = visible(self.path, one_line=True)

    def _result(self) -> ExportChoice | None:
        path = as_given(self.query_one("#export-path", Input).value, self.path).strip()
        if not path:
            self.notify("Give a file to write.", severity="warning")
            return None
        return self._choice_of(path)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        result = self._result()
        if result is None:
            return
        target = Path(result.path)
        if not target.exists():
            self.dismiss(result)
            return
        what = Text("It exists already")
        if target.resolve() == Path(self.full_path).resolve():
            what.append(" and holds the full export", style="bold")
        what.append(f" ({target.stat().st_size:,} bytes).")

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(result)

        self.app.push_screen(ConfirmPrompt("Replace this file?", [plain(result.path, "bold"), what], "Replace"),
                             answered)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
