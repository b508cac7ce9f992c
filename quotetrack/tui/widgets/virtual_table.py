"""A table that draws only the rows on screen, for a queue of any length."""

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


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None  # None: takes the width left over
    justify: str = "left"
    min_width: int | None = None  # may narrow down to this when the flexible column is short of room


FLEXIBLE_WANTS = 40  # cells the flexible column (the quote) gets before fixed columns give up theirs


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

    def resize_rows(self, count: int) -> None:
        """The number of rows changed (counted, or found on reading on); cursor and scroll stay."""
        if count != self.row_count:
            self.row_count = count
            self._update_virtual_size()
            if self.cursor >= count:
                self.move_to(count - 1)
            self.refresh()

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
        """Each column's width: fixed ones as given, the flexible ones sharing the rest. On a narrow
        screen (80 columns) the columns with a ``min_width`` give up cells, in turn, until the flexible
        ones have :data:`FLEXIBLE_WANTS` (or they are all at their least)."""
        widths = [c.width for c in self.columns]
        flexible = [i for i, c in enumerate(self.columns) if c.width is None]
        spare = total - sum((w or 0) + 1 for w in widths)
        short = FLEXIBLE_WANTS * len(flexible) - spare if flexible else 0
        while short > 0:
            narrowed = False
            for i, c in enumerate(self.columns):
                if short > 0 and c.min_width is not None and widths[i] > c.min_width:
                    widths[i] -= 1
                    short -= 1
                    spare += 1
                    narrowed = True
            if not narrowed:
                break
        share = max(0, spare) // len(flexible) if flexible else 0
        return [w if w is not None else max(8, share) for w in widths]

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
