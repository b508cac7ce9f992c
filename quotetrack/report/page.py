"""The report as one HTML page: inline CSS and SVG, no script, nothing fetched.

Every string that comes from the data (names, quotes, ids, titles) goes
through :func:`_text`: control characters shown as symbols, HTML escaped,
and, in a ``<bdi>``, isolated so a right-to-left override in a name cannot
reorder the text around it. The Content-Security-Policy forbids scripts and
every fetch, so even a mistake here could neither run code nor call out.
"""

from __future__ import annotations

import hashlib
from html import escape

from ..text import visible
from .data import ReportData, SpeakerSection

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
:root { color-scheme: light; --ink: #2b2b2b; --muted: #6b6b6b; --line: #e3e3e3; --accent: #3b6ea8; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; background: #fafafa; }
main { max-width: 960px; margin: 0 auto; padding: 24px 28px 64px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 20px; margin: 40px 0 8px; border-bottom: 1px solid var(--line); }
.meta, .note { color: var(--muted); font-size: 13px; } nav a { margin-right: 14px; color: var(--accent); }
.cards { display: flex; gap: 12px; margin: 16px 0; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; min-width: 120px; }
.card b { display: block; font-size: 24px; }
svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 8px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details[open] summary { margin-bottom: 4px; }
details { border-bottom: 1px solid var(--line); padding: 6px 0; } summary { cursor: pointer; font-weight: 600; }
summary .meta { font-weight: normal; margin-left: 8px; }
ol.quotes { padding-left: 20px; } ol.quotes li { margin: 8px 0; }
mark { background: #fff1c2; padding: 0 1px; } .tag { font-size: 12px; color: var(--muted); margin-left: 6px; }
.status-rejected { color: #b5514b; } .status-confirmed, .status-corrected { color: #3f8f5b; }
"""


def render(data: ReportData, charts: dict[str, str]) -> str:
    """The whole page; ``charts``: SVG by section (``quoted``, ``kinds``, ``documents``, ``time``), absent ones left out."""
    sections = [_header(data)]
    if data.quotes or data.by_kind_status:
        sections += [_quoted(data, charts), _kinds(data, charts), _documents(data, charts), _time(data, charts),
                     _speakers(data)]
    else:
        sections.append('<p>No quotes yet: run <code>quotetrack extract</code> on some articles first.</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Quotes in {_plain(data.store)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(s for s in sections if s)
        + "\n</main>\n</body>\n</html>\n"
    )


def _plain(value) -> str:
    """Data as escaped text, control characters shown as symbols."""
    return escape(visible(str(value)), quote=True)


def _text(value) -> str:
    """Data as escaped text in its own bidirectional island."""
    return f"<bdi>{_plain(value)}</bdi>"


def _header(data: ReportData) -> str:
    reviewed = sum(n for (_, status), n in data.by_kind_status.items() if status != "pending")
    total = sum(data.by_kind_status.values())
    cards = [("documents", data.documents), ("quotes", data.quotes), ("speakers", len(data.speakers)),
             ("reviewed", f"{reviewed / total:.0%}" if total else "–")]
    nav = [("quoted", "Who is quoted most"), ("kinds", "Kinds and review"), ("documents", "Across documents"),
           ("time", "Over time"), ("speakers", "Each speaker's quotes")]
    return (
        f"<h1>Quotes in {_text(data.store)}</h1>\n"
        f'<p class="meta">quotetrack {_plain(data.version)} · {_plain(data.models)}</p>\n'
        '<div class="cards">' + "".join(f"<div class=card><b>{_number(v)}</b>{k}</div>" for k, v in cards) + "</div>\n"
        f'<p class="note">Rejected quotes ({data.rejected:,}) count only under "kinds and review"; '
        f"{_count(data.unattributed, 'quote')} without a speaker.</p>\n"
        "<nav>" + "".join(f'<a href="#{anchor}">{title}</a>' for anchor, title in nav) + "</nav>"
    )


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else _plain(value)


def _quoted(data: ReportData, charts: dict[str, str]) -> str:
    return ('<h2 id="quoted">Who is quoted most</h2>\n'
            f'<p class="note">Quotes per speaker, the {min(len(data.speakers), 20)} most quoted.</p>\n'
            + charts.get("quoted", ""))


def _kinds(data: ReportData, charts: dict[str, str]) -> str:
    kinds, statuses = data.kinds(), data.statuses()
    head = "<tr><th>kind</th>" + "".join(f'<th class="n">{s}</th>' for s in statuses) + '<th class="n">all</th></tr>'
    rows = []
    for kind in kinds:
        cells = [data.by_kind_status.get((kind, s), 0) for s in statuses]
        rows.append(f"<tr><td>{_plain(kind)}</td>" + "".join(f'<td class="n">{n:,}</td>' for n in cells)
                    + f'<td class="n">{sum(cells):,}</td></tr>')
    return ('<h2 id="kinds">Quotes by kind and review status</h2>\n'
            '<p class="note">Direct quotes stand in quotation marks, indirect ones are reported speech, '
            "mixed ones both; a status is what a reviewer decided (pending: not reviewed yet).</p>\n"
            + charts.get("kinds", "") + f"<table>{head}{''.join(rows)}</table>")


def _documents(data: ReportData, charts: dict[str, str]) -> str:
    rows = "".join(
        f'<tr><td><a href="#{_anchor(s)}">{_text(s.name)}</a></td><td>{_plain(s.kind)}</td>'
        f'<td class="n">{s.quote_count:,}</td><td class="n">{len(s.documents):,}</td>'
        f"<td>{', '.join(_text(a) for a in s.aliases if a != s.name)}</td></tr>"
        for s in data.speakers
    )
    return ('<h2 id="documents">Speakers across documents</h2>\n'
            f'<p class="note">In how many of the {data.documents:,} documents each speaker is quoted, '
            "the 20 most widespread; every speaker in the table.</p>\n"
            + charts.get("documents", "")
            + '<table><tr><th>speaker</th><th>kind</th><th class="n">quotes</th><th class="n">documents</th>'
            f"<th>also named</th></tr>{rows}</table>")


def _time(data: ReportData, charts: dict[str, str]) -> str:
    if "time" not in charts:
        return ('<h2 id="time">Quotes over time</h2>\n<p class="note">No document has a date, so there is no '
                "timeline: articles read from JSONL or HTML with a date in their metadata get one.</p>")
    undated = f" {_count(data.undated, 'quote')} {'is' if data.undated == 1 else 'are'} in documents without a date." if data.undated else ""
    return ('<h2 id="time">Quotes over time</h2>\n'
            f'<p class="note">Quotes by the date of their document.{undated}</p>\n' + charts["time"])


def _speakers(data: ReportData) -> str:
    return ('<h2 id="speakers">Each speaker\'s quotes</h2>\n'
            '<p class="note">Each quote in its sentence, in document order; click a name to open its list.</p>\n'
            + "\n".join(_speaker(s) for s in data.speakers))


def _speaker(section: SpeakerSection) -> str:
    items = []
    for q in section.quotes:
        where = _text(q.title) + f' <span class="tag">{_plain(q.doc_id)}</span>' if q.title else _text(q.doc_id)
        day = f" · {q.day.isoformat()}" if q.day else ""
        items.append(
            f"<li>{_text(q.sentence.before)}<mark>{_text(q.sentence.quote)}</mark>{_text(q.sentence.after)}<br>"
            f'<span class="tag">{where}{day} · {_plain(q.kind)} · <span class="status-{_plain(q.status)}">'
            f"{_plain(q.status)}</span> · confidence {q.confidence:.2f}</span></li>"
        )
    more = ""
    if section.more > 0:
        command = f": <code>quotetrack export --speaker {_plain(section.id)} --format csv -o -</code>" if section.id else ""
        more = f'<p class="note">and {section.more:,} more{command}</p>'

    return (f'<details id="{_anchor(section)}"><summary>{_text(section.name)}<span class="meta">'
            f"{_count(section.quote_count, 'quote')} · {_count(len(section.documents), 'document')}</span></summary>"
            f'<ol class="quotes">{"".join(items)}</ol>{more}</details>')


def _anchor(section: SpeakerSection) -> str:
    """An id for the section's link: the speaker id, else one made from the name (any characters)."""
    key = section.id or "name-" + hashlib.sha256(section.name.encode("utf-8", "replace")).hexdigest()[:12]
    return "speaker-" + _plain(key)
