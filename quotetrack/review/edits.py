"""Fixing quotes in review: their words (a word-wise span editor), quotes the extractor missed,
flags for a second look, and reasons to reject. No SQL, no Textual: the store keeps what is
decided (:mod:`quotetrack.store.edits`), and the TUI's editor is a face over :class:`SpanChoice`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..store import Decision, Store
from ..text import lines

# What a step of the editor moves by: a word (with its inner apostrophes, hyphens and points, as in
# "don't", "Jean-Marc", "U.S"), or one mark of punctuation, so "anyone" and "anyone." are a step apart.
_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")

REJECT_REASONS = ("not a quote", "wrong words", "page furniture", "duplicate", "not worth keeping")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A stretch of a document the editor works in: ``doc[start:end]``."""

    start: int
    end: int


def paragraph_of(doc_text: str, start: int, end: int | None = None) -> Paragraph:
    """The lines of the document that hold ``doc[start:end]`` (the line at ``start`` without ``end``)."""
    bounds = lines(doc_text)
    first = max(0, bisect_right([b[0] for b in bounds], start) - 1)
    last = max(first, bisect_right([b[0] for b in bounds], max(start, (end or start + 1) - 1)) - 1)
    return Paragraph(bounds[first][0], bounds[last][1])


def next_paragraph(doc_text: str, paragraph: Paragraph, step: int) -> Paragraph | None:
    """The paragraph (a line with words) before (step -1) or after (1) this one; None at either end."""
    bounds = [b for b in lines(doc_text) if doc_text[b[0]:b[1]].strip()]
    starts = [b[0] for b in bounds]
    here = bisect_right(starts, paragraph.start) - 1 if step < 0 else bisect_left(starts, paragraph.end)
    if step < 0:
        while here >= 0 and bounds[here][0] >= paragraph.start:
            here -= 1
    return Paragraph(*bounds[here]) if 0 <= here < len(bounds) else None


class SpanChoice:
    """Two edges over the words of a paragraph. The end edge is active first; :meth:`move` steps the
    active edge by a word (never past the other: a quote keeps one word at least), :meth:`switch`
    makes the other edge active."""

    def __init__(self, doc_text: str, paragraph: Paragraph, start: int | None = None, end: int | None = None) -> None:
        self.doc_text, self.paragraph = doc_text, paragraph
        found = [(m.start() + paragraph.start, m.end() + paragraph.start)
                 for m in _TOKEN.finditer(doc_text[paragraph.start:paragraph.end])]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]
        if start is None or end is None:  # a new quote: the paragraph's first word
            start, end = (found[0] if found else (paragraph.start, paragraph.start))
        self.start, self.end = start, end
        self.active = "end"

    @property
    def words(self) -> bool:
        return bool(self.starts)

    @property
    def text(self) -> str:
        return self.doc_text[self.start:self.end]

    def switch(self) -> None:
        self.active = "start" if self.active == "end" else "end"

    def move(self, step: int) -> bool:
        """Move the active edge a word right (1) or left (-1); whether it moved."""
        if self.active == "end":
            i = bisect_right(self.ends, self.end) if step > 0 else bisect_left(self.ends, self.end) - 1
            if 0 <= i < len(self.ends) and self.ends[i] > self.start:
                self.end = self.ends[i]
                return True
            return False
        i = bisect_right(self.starts, self.start) if step > 0 else bisect_left(self.starts, self.start) - 1
        if 0 <= i < len(self.starts) and self.starts[i] < self.end:
            self.start = self.starts[i]
            return True
        return False

    def edge_to_end(self, step: int) -> None:
        """The active edge as far as it goes (right for 1, left for -1)."""
        while self.move(step):
            pass


# -- decisions (each one transaction in the store) --

def edit_span(db: Store, quote_id: str, start: int, end: int, by: str | None) -> Decision:
    """The quote's words become ``doc[start:end]``: it is ``corrected``, the extracted words kept."""
    return db.edit_span(quote_id, start, end, by)


def add_quote(db: Store, doc_id: str, start: int, end: int, kind: str, speaker: str | None,
              by: str | None) -> Decision:
    """A quote the extractor missed: stored as confirmed, marked as added by a reviewer."""
    return db.add_quote(doc_id, start, end, kind, speaker, by)


def reject_because(db: Store, quote_id: str, reason: str | None, by: str | None) -> Decision:
    """Reject the quote, saying why (stored, exported and counted)."""
    return db.reject_because(quote_id, reason, by)


def toggle_flag(db: Store, quote_id: str, by: str | None) -> bool:
    """Flag the quote for a second look, or take its flag off; whether it is flagged now."""
    flagged = not db.is_flagged(quote_id)
    db.set_flag(quote_id, flagged, by)
    return flagged
