"""Widgets of the review TUI: a virtual table, the quote detail and the progress line.

Document text, names and ids are data, never markup: everything here is
drawn from ``rich.text.Text`` built from plain strings (control characters
made visible by :func:`quotetrack.text.visible`), never parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ..review import Progress, QueueFilter, QueueSort, QuoteDetail
from ..text import visible


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None  # None: takes the width left over
    justify: str = "left"


class VirtualTable(ScrollView, can_focus=True):
    """A table that draws only the rows on screen: any number of rows costs the same.

    Rows come from ``cells(row) -> list[Text]`` when drawn; the table keeps
    only a row count and a cursor. A header line stays on top; clicking a
    header posts :class:`HeaderClicked`, clicking a row moves the cursor.
    """

    COMPONENT_CLASSES = {"vtable--header", "vtable--cursor", "vtable--sorted"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    class CursorMoved(Message):
        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[Column], cells: Callable[[int], list[Text]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self.cells = cells
        self.row_count = 0
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._version = 0  # bumped whenever row contents change: drawn lines are cached per version
        self._strips: LRUCache[tuple, Strip] = LRUCache(400)

    # -- data --

    def set_rows(self, count: int, cursor: int = 0) -> None:
        """A new set of rows (same columns); the cursor goes to ``cursor``."""
        self.row_count = count
        self._version += 1
        self._update_virtual_size()
        self.set_reactive(VirtualTable.cursor, max(0, min(cursor, count - 1)))
        self.scroll_to_cursor(center=True)
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))

    def refresh_rows(self) -> None:
        """Redraw: the rows' contents changed, not their number."""
        self._version += 1
        self.refresh()

    def _update_virtual_size(self) -> None:
        """Tell the scrollbar how many rows there are, without a layout pass of the whole screen.

        ``virtual_size`` is a layout reactive: setting it re-arranges every
        widget on the screen (about 20 ms of a filter's key press here). The
        table's own size never depends on its row count (its height is a
        share of the screen), so only the scrollbar needs to know; if the
        scrollbar appears or goes, that is a layout change of its own and
        Textual lays out then.
        """
        size = Size(max(1, self.scrollable_content_region.width), self.row_count + 1)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self.scroll_to_cursor()

    # -- cursor --

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self, new))

    def move_to(self, row: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(row, self.row_count - 1))

    def scroll_to_cursor(self, center: bool = False) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if center and not (top <= self.cursor < top + body):
            self.scroll_to(y=max(0, self.cursor - body // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, row: int) -> None:
        self.move_to(row if row >= 0 else self.row_count - 1)

    # -- drawing --

    def _widths(self, total: int) -> list[int]:
        fixed = sum((c.width or 0) + 1 for c in self.columns)
        flexible = [c for c in self.columns if c.width is None]
        spare = max(0, total - fixed)
        share = spare // len(flexible) if flexible else 0
        return [c.width if c.width is not None else max(8, share) for c in self.columns]

    def _cell_segments(self, cell: Text, width: int, justify: str, style: Style) -> list[Segment]:
        """One cell cut or padded to ``width`` cells; plain cells (the usual case) without Rich's layout."""
        if not cell.spans:
            text = cell.plain
            if cell_len(text) > width:
                text = set_cell_size(text, width - 1) + "…"
            pad = " " * (width - cell_len(text))
            text = pad + text if justify == "right" else text + pad
            own = Style.parse(cell.style) if isinstance(cell.style, str) else cell.style
            return [Segment(text, style + own if own else style)]
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis", pad=True)
        return [Segment(s.text, style + s.style if s.style else style)
                for s in cell.render(self.app.console) if s.text != "\n"]

    def _line(self, cells: list[Text], widths: list[int], style: Style) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" ", style)
        for column, cell, width in zip(self.columns, cells, widths):
            segments.extend(self._cell_segments(cell, width, column.justify, style))
            segments.append(gap)
        width = self.scrollable_content_region.width
        return Strip(segments).adjust_cell_length(width, style).simplify()

    def render_line(self, y: int) -> Strip:
        widths = self._widths(self.scrollable_content_region.width)
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("vtable--header")
            sorted_style = self.get_component_rich_style("vtable--sorted")
            labels = []
            for c in self.columns:
                label = Text(c.label)
                if c.key == self.sort_column:
                    label.append(" ▼" if self.sort_reverse else " ▲")
                    label.stylize(sorted_style)
                labels.append(label)
            return self._line(labels, widths, base + header)
        row = round(self.scroll_y) + y - 1
        if row >= self.row_count:
            return Strip.blank(self.scrollable_content_region.width, base)
        is_cursor = row == self.cursor
        key = (row, is_cursor, self.has_focus, tuple(widths), self._version, base)
        strip = self._strips.get(key)
        if strip is None:
            style = base + self.get_component_rich_style("vtable--cursor") if is_cursor else base
            strip = self._strips[key] = self._line(self.cells(row), widths, style)
        return strip

    # -- mouse --

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            for column, width in zip(self.columns, self._widths(self.scrollable_content_region.width)):
                if x <= offset.x < x + width + 1:
                    self.post_message(self.HeaderClicked(self, column.key))
                    break
                x += width + 1
            return
        self.focus()
        self.move_to(round(self.scroll_y) + offset.y - 1)


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


STATUS_STYLES = {
    "pending": Style(color="yellow"),
    "confirmed": Style(color="green", bold=True),
    "corrected": Style(color="cyan", bold=True),
    "rejected": Style(color="red", strike=False, bold=True),
}

QUEUE_COLUMNS = [
    Column("document", "document", 16),
    Column("speaker", "speaker", 22),
    Column("kind", "kind", 8),
    Column("confidence", "conf", 5, "right"),
    Column("status", "status", 11),
    Column("text", "quote", None),
]


def plain(text: str | None, style: Style | str = "") -> Text:
    """Data as a Text that will never be parsed as markup, its control characters visible."""
    return Text(visible(text or ""), style=style, no_wrap=True, end="")


def queue_cells(row) -> list[Text]:
    """The table cells of one :class:`quotetrack.review.QueueRow`."""
    speaker = plain(row.speaker or "-", Style(dim=True) if not row.speaker else "")
    if row.corrected_speaker:
        speaker.stylize(Style(italic=True, color="cyan"))
    kind = plain(row.kind, Style(italic=True, color="cyan") if row.corrected_kind else "")
    status = Text(row.status, style=STATUS_STYLES.get(row.status, ""))
    if row.note:
        status.append(" ✎", style=Style(dim=True))
    return [
        plain(row.doc_id),
        speaker,
        kind,
        Text(f"{row.confidence:.2f}"),
        status,
        plain(" ".join(row.text.split()), Style(dim=True)),
    ]


class ProgressLine(Static):
    """Always on screen: reviewed / total, a bar, what the view shows and how it is sorted."""

    def show(self, progress: Progress, shown: int, pending_shown: int, sort: QueueSort, flt: QueueFilter) -> None:
        total = max(progress.total, 1)
        width = 20
        done = round(width * progress.reviewed / total)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {progress} ", style="bold")
        text.append("█" * done, style="green")
        text.append("░" * (width - done), style="dim")
        text.append(f" {100 * progress.reviewed / total:.0f}%")
        text.append("  │  ", style="dim")
        text.append(f"showing {shown:,}" + (" (filtered)" if flt.active else ""))
        text.append(f", {pending_shown:,} pending")
        text.append("  │  ", style="dim")
        text.append(sort.describe(), style="dim")
        self.update(text, layout=False)  # one line, always: no layout pass needed


class QuoteView(Static):
    """The quote in its paragraph: content, cue, mention and resolved antecedent each marked."""

    COMPONENT_CLASSES = {"quote--content", "quote--cue", "quote--mention", "quote--resolved", "quote--label"}

    _lines = 0

    def show(self, detail: QuoteDetail | None, empty: str = "No quote matches these filters.") -> None:
        if detail is None:
            self._set(Text(empty, style="dim italic"))
        else:
            self._set(self.render_detail(detail))

    def _set(self, text: Text) -> None:
        """Show ``text``; skip the screen's layout pass (a third of a key press) when the height stays.

        The view is at least as tall as its panel (``min-height: 100%``), so
        while the old and the new text both fit, its size does not change.
        """
        width = self.content_region.width
        room = self.parent.content_region.height if isinstance(self.parent, Widget) else 0
        lines = len(text.wrap(self.app.console, width)) if width > 0 else room + 1
        fits = 0 < lines < room and self._lines < room  # a line of slack for wrapping differences
        self._lines = lines
        self.update(text, layout=not fits)

    def render_detail(self, d: QuoteDetail) -> Text:
        styles = {role: self.get_component_rich_style(f"quote--{role}") for role in
                  ("content", "cue", "mention", "resolved")}
        label = self.get_component_rich_style("quote--label")
        q, r = d.quote, d.review
        out = Text(end="")
        out.append("document ", style=label)
        out.append_text(plain(d.doc_id))
        out.append("   kind ", style=label)
        out.append_text(plain(d.kind))
        if r.kind:
            out.append(f" (extracted: {q.kind})", style="dim")
        out.append("   method ", style=label)
        out.append_text(plain(q.method))
        out.append("   confidence ", style=label)
        out.append(f"{q.confidence:.2f}")
        out.append("   status ", style=label)
        out.append(r.status, style=STATUS_STYLES.get(r.status, ""))
        if q.flags:
            out.append("   flags ", style=label)
            out.append_text(plain(", ".join(q.flags)))
        out.append("\n")
        out.append("speaker  ", style=label)
        out.append_text(plain(d.speaker or "— none found —", "bold" if d.speaker else "dim"))
        if r.speaker_name:
            out.append("  (extracted: ", style="dim")
            out.append_text(plain(q.speaker or "none", "dim"))
            out.append(")", style="dim")
        if q.mention:
            out.append("   mention ", style=label)
            out.append_text(plain(f"“{q.mention.text}”", styles["mention"]))
        if q.resolved:
            out.append(" → ", style="dim")
            out.append_text(plain(f"“{q.resolved.text}”", styles["resolved"]))
        out.append("\n")
        if r.note:
            out.append("note     ", style=label)
            out.append_text(plain(r.note, "italic"))
            out.append("\n")
        out.append("\n")
        body = Text(visible(d.excerpt.text), end="")
        for role in ("content", "cue", "resolved", "mention"):
            for start, end in d.excerpt.spans.get(role, []):
                body.stylize(styles[role], start, end)
        out.append_text(body)
        out.append("\n\n")
        out.append("  quote  ", style=styles["content"])
        out.append(" ")
        out.append("  cue  ", style=styles["cue"])
        out.append(" ")
        out.append("  mention  ", style=styles["mention"])
        out.append(" ")
        out.append("  resolved  ", style=styles["resolved"])
        if d.history:
            out.append("\n\nhistory  ", style=label)
            for i, h in enumerate(d.history):
                if i:
                    out.append("\n         ")
                out.append_text(plain(f"{h.at}  {h.by or '?'}  {h.field}: {h.old or '—'} → {h.new or '—'}", "dim"))
        return out


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
        padding (``a Confirm x Reject …``) before anything is cut off."""
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        full = sum(len(display) + len(description) + 3 for _, display, description, _ in self._keys)
        compact = full > self.size.width
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for key, display, description, enabled in self._keys:
            start = len(text)
            text.append(display if compact else f" {display} ", key_style if enabled else Style(dim=True))
            text.append(f" {description} " if compact else f"{description} ", description_style if enabled else Style(dim=True))
            self._spans.append((start, len(text), key))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                break
