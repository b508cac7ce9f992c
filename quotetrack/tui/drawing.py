"""Data as Rich text: the one way a string from the store becomes something a widget draws.

Quote text, names, notes, ids and paths are data, never markup:
:func:`plain` wraps them in a ``Text`` (never parsed) after
:func:`quotetrack.text.visible` has escaped every character that could
drive the terminal.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from ..text import visible

STATUS_STYLES = {
    "pending": Style(color="yellow"),
    "confirmed": Style(color="green", bold=True),
    "corrected": Style(color="cyan", bold=True),
    "rejected": Style(color="red", strike=False, bold=True),
}


def plain(text: str | None, style: Style | str = "") -> Text:
    """Data as one line of Text that is never parsed as markup, its unsafe characters shown as symbols."""
    return Text(visible(text or "", one_line=True), style=style, no_wrap=True, end="")


def as_given(typed: str, given: str) -> str:
    """What an input box holds: ``given`` while the box still shows it (escaped), else what was typed.

    A box opened on data shows it through :func:`visible`; left as it is,
    it must stand for the data itself, not for its escaped picture.
    """
    return given if typed == visible(given, one_line=True) else typed
