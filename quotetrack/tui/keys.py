"""Action tables: one per screen, the single source of its key bindings and its help.

A table is a sequence of :class:`Key` rows in the order the key bar and
the help list them. ``BINDINGS = bindings(ACTIONS)`` makes Textual's
bindings from it, :func:`help_lines` the help screen's lines, so a key
cannot be bound without being explained, or explained without being bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from textual.binding import Binding

# How the help names keys whose Textual name is not what is printed on the key.
_HELP_NAMES = {"escape": "Esc", "up": "↑", "down": "↓"}


@dataclass(frozen=True, slots=True)
class Key:
    """One row of an action table: a key, what it does, and how the key bar and the help say so."""

    key: str  # Textual key name(s), comma-separated
    action: str  # the action it runs; "" when a widget of the screen binds the key (the table's arrows)
    label: str = ""  # in the key bar
    help: str = ""  # its line in the help; "" shares the line above (``] [`` next / previous)
    display: str | None = None  # how the key is shown (default: Textual's name for it)
    show: bool = True  # in the key bar (every row is in the help)

    @property
    def help_name(self) -> str:
        if self.display:
            return self.display
        return " ".join(_HELP_NAMES.get(k, k) for k in self.key.split(","))


@runtime_checkable
class Keyed(Protocol):
    """A screen with an action table: what the help screen shows for it."""

    ACTIONS: ClassVar[Sequence[Key]]
    HELP_TITLE: ClassVar[str]


def bindings(table: Sequence[Key]) -> list[Binding]:
    """Textual bindings of every row that binds a key itself."""
    return [Binding(k.key, k.action, k.label, show=k.show, key_display=k.display) for k in table if k.action]


def help_lines(table: Sequence[Key]) -> list[tuple[str, str]]:
    """(keys, description) lines of the help: a row without help joins its keys to the line above."""
    lines: list[tuple[str, str]] = []
    for k in table:
        if k.help or not lines:
            lines.append((k.help_name, k.help))
        else:
            keys, description = lines[-1]
            lines[-1] = (f"{keys} {k.help_name}", description)
    return lines
