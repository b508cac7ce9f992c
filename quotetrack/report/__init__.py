"""``quotetrack report``: one self-contained HTML page about a store, to open in any browser.

Who is quoted most, quotes by kind and review status, speakers across
documents, quotes over time (when documents have dates) and each speaker's
quotes in their sentence. Charts are inline SVG drawn by pygal; the page
loads nothing and runs no script (docs/report.md)::

    from quotetrack import Corpus
    from quotetrack.report import build_report

    with Corpus("news.db", create=False) as corpus:
        Path("report.html").write_text(build_report(corpus).html, encoding="utf-8")

It reads through the :class:`~quotetrack.Corpus` and its store: no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text import printable
from .charts import bars, stacked, timeline
from .data import ReportData, collect
from .page import render

TOP = 20  # speakers in each ranking chart (the tables list them all)


@dataclass(frozen=True, slots=True)
class Report:
    html: str
    quotes: int  # shown (all but rejected)
    speakers: int


def build_report(corpus) -> Report:
    """The page for ``corpus`` (a :class:`~quotetrack.Corpus`), with what it counts."""
    data = collect(corpus)
    return Report(render(data, draw_charts(data)), data.quotes, len(data.speakers))


def draw_charts(data: ReportData) -> dict[str, str]:
    """The SVG charts the data has material for, by section."""
    charts = {}
    if data.speakers:
        top = data.speakers[:TOP]
        charts["quoted"] = bars("Quotes per speaker, most quoted first", [_label(s.name) for s in top],
                                [s.quote_count for s in top])
        wide = sorted(data.speakers, key=lambda s: (-len(s.documents), -s.quote_count, s.name))[:TOP]
        charts["documents"] = bars("Documents each speaker is quoted in", [_label(s.name) for s in wide],
                                   [len(s.documents) for s in wide])
    if data.by_kind_status:
        kinds, statuses = data.kinds(), data.statuses()
        charts["kinds"] = stacked("Quotes by kind, coloured by review status", kinds,
                                  {s: [data.by_kind_status.get((k, s), 0) for k in kinds] for s in statuses})
    if data.by_day:
        charts["time"] = timeline("Quotes by the date of their document", data.by_day)
    return charts


def _label(name: str) -> str:
    """A name as a chart label: an SVG ``<text>`` cannot isolate bidi overrides as the page's ``<bdi>`` does,
    so every control, format (bidi) and separator character is shown escaped."""
    return printable(name)


__all__ = ["Report", "build_report", "draw_charts"]
