"""The keys of the screen in one line at the bottom; click one to press it."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

PINNED = ("question_mark", "q")  # help and quit: never cut off the end of a narrow screen


class KeyBar(Widget):
    """The keys of the screen, in one line at the bottom; click one to press it.

    One widget redrawn when the keys change (focus moves into the search
    box, say), instead of Textual's footer of a widget per key, whose
    rebuilding on every focus change cost most of that key press's time.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._keys: list[tuple[str, str, str, bool]] = []
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        keys = [
            (binding.key, self.app.get_key_display(binding), binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        ]
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def render(self) -> Text:
        """`` a Confirm  x Reject …``; when that is wider than the screen, the keys lose their
        padding (``a Confirm x Reject …``); when still wider, the keys in the middle are cut off
        (``…``) and help and quit stay at the right end, always on screen."""
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        full = sum(len(display) + len(description) + 3 for _, display, description, _ in self._keys)
        compact = full > self.size.width
        fits = sum(len(display) + len(description) + 2 for _, display, description, _ in self._keys) <= self.size.width
        pinned = [k for k in self._keys if k[0] in PINNED] if not fits else []
        room = self.size.width - sum(len(display) + len(description) + 2 for _, display, description, _ in pinned)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []

        def add(key: str, display: str, description: str, enabled: bool) -> None:
            start = len(text)
            text.append(display if compact else f" {display} ", key_style if enabled else Style(dim=True))
            text.append(f" {description} " if compact else f"{description} ", description_style if enabled else Style(dim=True))
            self._spans.append((start, len(text), key))

        for key, display, description, enabled in self._keys:
            if (key, display, description, enabled) in pinned:
                continue
            if pinned and len(text) + len(display) + len(description) + 2 > room - 1:
                text.append("…", description_style)
                break
            add(key, display, description, enabled)
        if pinned:
            text.pad_right(max(0, room - len(text)))
            for item in pinned:
                add(*item)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                break
