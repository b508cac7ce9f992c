"""One quote in its paragraphs, with its spans marked, its review and its recent history."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from ...review import QuoteDetail
from ...text import visible
from ..drawing import STATUS_STYLES, plain


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

    @staticmethod
    def _render_fixes(out: Text, d: QuoteDetail, label) -> None:
        """What reviewers did to the quote itself: added it, changed its words, flagged it, why rejected."""
        marks = []
        if d.added:
            marks.append("added by a reviewer")
        if d.flagged:
            marks.append("⚑ flagged for a second look")
        if d.reason:
            marks.append(f"rejected: {d.reason}")
        if marks:
            out.append("review   ", style=label)
            out.append_text(plain(" · ".join(marks), "bold"))
            out.append("\n")
        if d.edit is not None:
            out.append("words    ", style=label)
            out.append_text(plain(f"changed by {d.edit.by or '?'}; extracted: ", "dim"))
            out.append_text(plain(f"“{' '.join(d.edit.extracted.text.split())}”", "dim italic"))
            out.append("\n")

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
            out.append_text(plain(f" (extracted: {q.kind})", "dim"))
        out.append("   method ", style=label)
        out.append_text(plain(q.method))
        out.append("   confidence ", style=label)
        out.append(f"{q.confidence:.2f}")
        out.append("   status ", style=label)
        out.append_text(plain(r.status, STATUS_STYLES.get(r.status, "")))
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
        self._render_fixes(out, d, label)
        out.append("\n")
        body = Text(visible(d.excerpt.text), end="")  # one character for one: the spans' offsets hold
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
