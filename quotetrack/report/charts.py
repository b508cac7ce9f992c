"""The report's charts, drawn by pygal as SVG to put inline in the page.

pygal draws labels as SVG ``<text>`` (escaped by its XML writer) and scales
with its ``viewBox``. Its charts carry a script for its hover tooltips,
which it would load from a CDN: the report loads nothing and runs no
script, so ``js=[]`` and an XML filter drops the inline config script (and
pygal's comments). The chart's ``<title>`` (what a browser shows on hover)
is the chart's description.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pygal
from pygal.style import Style

COLOURS = ("#3b6ea8", "#d08c2f", "#5a9e6f", "#b5514b", "#7d6aa8", "#8c8c8c")
STATUS_COLOURS = {"pending": "#9aa5b1", "confirmed": "#3f8f5b", "corrected": "#3b6ea8", "rejected": "#b5514b"}
_STYLE = dict(
    background="transparent", plot_background="transparent", foreground="#2b2b2b", foreground_strong="#2b2b2b",
    foreground_subtle="#d9d9d9", font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    label_font_size=13, major_label_font_size=13, value_font_size=12, legend_font_size=13, tooltip_font_size=12,
    guide_stroke_color="#ececec", major_guide_stroke_color="#ececec", guide_stroke_dasharray="0", major_guide_stroke_dasharray="0",
)
WIDTH = 860


def bars(description: str, labels: Sequence[str], values: Sequence[int]) -> str:
    """Horizontal bars, the first label on top (a ranking: who is quoted most)."""
    chart = pygal.HorizontalBar(**_config(description, height=70 + 28 * len(labels), colours=COLOURS[:1]))
    chart.x_labels = list(reversed(labels))
    chart.add("", list(reversed(values)))
    return _svg(chart, description)


def stacked(description: str, categories: Sequence[str], series: dict[str, Sequence[int]]) -> str:
    """Vertical stacked bars: one bar per category, one colour per series (kinds × review statuses)."""
    colours = tuple(STATUS_COLOURS.get(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series))
    chart = pygal.StackedBar(**_config(description, height=300, colours=colours, legend=True))
    chart.x_labels = list(categories)
    for name, values in series.items():
        chart.add(name, list(values))
    return _svg(chart, description)


def timeline(description: str, counts: dict[date, int]) -> str:
    """Quotes per day, month or year (whichever gives a readable number of bars), gaps shown as zero."""
    labels, values = periods(counts)
    chart = pygal.Bar(**_config(description, height=320, colours=COLOURS[:1]), x_label_rotation=-40,
                      x_labels_major_every=max(1, len(labels) // 16), show_minor_x_labels=len(labels) <= 16)
    chart.x_labels = labels
    chart.add("", values)
    return _svg(chart, description)


def periods(counts: dict[date, int]) -> tuple[list[str], list[int]]:
    """Labels and totals for every day (span up to 3 months), month (up to 6 years) or year between the first and last date."""
    first, last = min(counts), max(counts)
    if (last - first).days <= 92:
        steps = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        key, label = (lambda d: d), (lambda d: d.isoformat())
    elif last.year - first.year <= 6:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        steps = [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(months)]
        key, label = (lambda d: d.replace(day=1)), (lambda d: d.strftime("%Y-%m"))
    else:
        steps = [date(y, 1, 1) for y in range(first.year, last.year + 1)]
        key, label = (lambda d: date(d.year, 1, 1)), (lambda d: str(d.year))
    totals = dict.fromkeys(steps, 0)
    for day, n in counts.items():
        totals[key(day)] += n
    return [label(s) for s in steps], [totals[s] for s in steps]


def _config(description: str, *, height: int, colours: Sequence[str], legend: bool = False) -> dict:
    return dict(
        width=WIDTH, height=height, js=[], disable_xml_declaration=True, show_legend=legend, legend_at_bottom=True,
        print_values=True, print_zeroes=False, style=Style(colors=tuple(colours), **_STYLE), margin=12, spacing=8,
        title=None, no_data_text="no quotes", print_values_position="top", value_formatter=lambda v: f"{v:,.0f}",
    )


def _svg(chart, description: str) -> str:
    chart.add_xml_filter(lambda root: _static(root, description))
    return chart.render(is_unicode=True)


def _static(root, description: str):
    """No script (nothing to run, nothing to fetch), no comments; the description as the chart's title."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
            elif tag.rsplit("}", 1)[-1] == "title" and parent is root:
                child.text = description
    root.set("role", "img")
    root.set("aria-label", description)
    return root

