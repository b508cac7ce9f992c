"""The line at the bottom of the review: how far the review is, what the view shows, its order."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...review import Progress, QueueFilter, QueueSort


class ProgressLine(Static):
    """Always on screen: reviewed / total, a bar, what the view shows and how it is sorted."""

    def show(self, progress: Progress, shown: int, pending_shown: int | None, sort: QueueSort, flt: QueueFilter,
             counting: bool = False, working: str = "") -> None:
        """``counting``: the view's numbers are still being counted (``shown`` is what is read so far);
        ``working``: a new view is being read (said in place of the order)."""
        total = max(progress.total, 1)
        width = 20
        done = round(width * progress.reviewed / total)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {progress} ", style="bold")
        text.append("█" * done, style="green")
        text.append("░" * (width - done), style="dim")
        text.append(f" {100 * progress.reviewed / total:.0f}%")
        text.append("  │  ", style="dim")
        if counting:
            text.append(f"showing {shown:,}+ (counting…)" + (" (filtered)" if flt.active else ""))
        else:
            text.append(f"showing {shown:,}" + (" (filtered)" if flt.active else ""))
            text.append(f", {pending_shown or 0:,} pending")
        text.append("  │  ", style="dim")
        text.append(working or sort.describe(), style="dim")
        self.update(text, layout=False)  # one line, always: no layout pass needed
