"""One of a few values, chosen in place: the status and kind filters."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget


class Choice(Widget, can_focus=True):
    """One of a few values, chosen in place: ← → (or ↑ ↓, space) step through them, a letter
    jumps to the next value starting with it, a click on the left or right half steps back or on.

    The filters' drop-downs were Textual ``Select`` widgets, whose overlay
    closes with a layout pass of the whole screen (25-30 ms of the key press
    here). This one is a line of fixed width that only redraws
    itself, and every value is one key away.
    """

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 16;
        background: $boost;
        color: $foreground;
    }
    Choice:focus {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    Choice > .choice--blank {
        color: $text-muted;
    }
    Choice:focus > .choice--blank {
        color: $block-cursor-foreground;
    }
    """
    COMPONENT_CLASSES = {"choice--blank"}
    BINDINGS = [
        Binding("left,up", "step(-1)", "Previous", show=False),
        Binding("right,down,space", "step(1)", "Next", show=False),
        Binding("enter", "submit", "Done", show=False),
    ]

    class Changed(Message):
        """The value changed (None: any)."""

        def __init__(self, choice: Choice, value: str | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    class Submitted(Message):
        """Enter: the reviewer is done choosing."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: Sequence[str], blank: str, value: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.options: list[str | None] = [None, *options]
        self.blank = blank
        self._index = self.options.index(value) if value in self.options else 0

    @property
    def value(self) -> str | None:
        return self.options[self._index]

    @value.setter
    def value(self, value: str | None) -> None:
        self._choose(self.options.index(value))

    def _choose(self, index: int) -> None:
        index %= len(self.options)
        if index != self._index:
            self._index = index
            self.refresh()  # same width, same height: a repaint of this line, no layout
            self.post_message(self.Changed(self, self.value))

    def action_step(self, step: int) -> None:
        self._choose(self._index + step)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def on_key(self, event: events.Key) -> None:
        """A letter picks the next value starting with it; letters never reach the screen's keys
        (as in a text box: typing ``x`` here must not reject a quote)."""
        char = (event.character or "").casefold()
        if not (len(char) == 1 and char.isalpha()):
            return
        event.stop()
        event.prevent_default()
        names = [value or self.blank for value in self.options]
        for k in range(1, len(names) + 1):
            i = (self._index + k) % len(names)
            if names[i].casefold().startswith(char):
                self._choose(i)
                return

    def on_click(self, event: events.Click) -> None:
        self._choose(self._index + (-1 if event.x < self.size.width // 2 else 1))

    def render(self) -> Text:
        value = self.value
        label = Text(value or self.blank, style="" if value else self.get_component_rich_style("choice--blank"))
        return Text.assemble("◂ ", label, " ▸", no_wrap=True, overflow="ellipsis", end="")
