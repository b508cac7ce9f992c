"""Small modal screens: speaker picker, kind picker, note, export, text prompt, help.

Each returns its answer through ``dismiss`` (``None`` when cancelled with
Escape); none of them touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from ..domain import QUOTE_KINDS
from ..review import fuzzy_match
from ..text import visible
from .widgets import plain

STRONG_MATCH = 400  # fuzzy_match scores from here up: the typed text occurs in the name


class SpeakerPicker(ModalScreen[str | None]):
    """Pick a known speaker by typing any part of the name (fuzzy), or type a new name."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, names: Sequence[str], current: str | None) -> None:
        super().__init__()
        self.names = list(names)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="speaker-dialog"):
            title = Text("Speaker of this quote", style="bold")
            if self.current:
                title.append("  (now: ", style="dim")
                title.append_text(plain(self.current, "dim"))
                title.append(")", style="dim")
            yield Label(title)
            yield Input(placeholder="type to search known speakers, or a new name", id="speaker-query")
            yield OptionList(id="speaker-options")
            yield Label(Text("↑↓ choose · Enter set · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        options = self.query_one("#speaker-options", OptionList)
        options.clear_options()
        typed = " ".join(query.split())
        matches = fuzzy_match(typed, self.names, limit=40)
        # Names containing what was typed come first (Enter takes the best), then the typed
        # text as a new name, then names that only have its letters in order.
        strong = [(i, m) for i, m in enumerate(matches) if m.score >= STRONG_MATCH]
        weak = [(i, m) for i, m in enumerate(matches) if m.score < STRONG_MATCH]
        items: list[Option] = [self._option(i, m) for i, m in strong]
        if typed and not any(m.name.casefold() == typed.casefold() for m in matches):
            prompt = Text("+ new speaker: ", style="bold green")
            prompt.append_text(plain(typed))
            items.append(Option(prompt, id="new"))
        items.extend(self._option(i, m) for i, m in weak)
        self._matches = matches
        self._typed = typed
        options.add_options(items)
        if items:
            options.highlighted = 0

    @staticmethod
    def _option(i: int, match) -> Option:
        prompt = plain(match.name)
        for p in match.positions:
            if p < len(prompt):
                prompt.stylize(Style(bold=True, underline=True), p, p + 1)
        return Option(prompt, id=f"m{i}")

    @on(Input.Changed, "#speaker-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#speaker-query")
    def _submitted(self) -> None:
        options = self.query_one("#speaker-options", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)
        elif self._typed:
            self.dismiss(self._typed)

    @on(OptionList.OptionSelected, "#speaker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == "new":
            self.dismiss(self._typed)
        elif option_id and option_id.startswith("m"):
            self.dismiss(self._matches[int(option_id[1:])].name)

    def action_move(self, step: int) -> None:
        options = self.query_one("#speaker-options", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
            yield Input(value=visible(self.value), placeholder=self.placeholder, id="prompt-input")
            yield Label(Text(self.hint, style="dim"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of a few strings (e.g. which alias to split off)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choice-dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield OptionList(*[Option(plain(c), id=str(i)) for i, c in enumerate(self.choices)])
            yield Label(Text("↑↓ choose · Enter pick · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
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
            yield Input(value=visible(self.path), placeholder="file to write", id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")
            yield Label(Text("written atomically: a temporary file renamed over the target", style="dim"))

    def _result(self) -> tuple[str, bool] | None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("Give a file to write.", severity="warning")
            return None
        return path, self.query_one("#scope-all", RadioButton).value

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        result = self._result()
        if result:
            self.dismiss(result)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, from its bindings (so it is never out of date), and the mouse."""

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
