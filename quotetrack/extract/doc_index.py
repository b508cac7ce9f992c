"""Per-document lookups that keep quote finding linear in the document's length.

A :class:`DocIndex` is built for one document in one call of the component and
passed down; the lookups answer by bisection instead of a scan per quote.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cached_property

from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from ..text import paragraphs
from .marks import MarkedSpan


class DocIndex:
    """One document's text, token starts, paragraphs and entities, each built once.

    spaCy rebuilds ``doc.text`` from every token on each access, and ``doc.ents``
    builds a Span per entity on each access: asked once per quote, both made
    extraction quadratic.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc.text
        self.token_starts = doc.to_array(IDX).tolist()  # no Token object made per token

    def token_range(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Token indexes [i, j) of the tokens that start in [start_char, end_char)."""
        return bisect_left(self.token_starts, start_char), bisect_left(self.token_starts, end_char)

    @cached_property
    def paragraphs(self) -> "Paragraphs":
        return Paragraphs(self.text)

    @cached_property
    def ents(self) -> tuple[tuple[Span, ...], list[int], list[int]]:
        """The doc's entities (in order, never overlapping), their start and end token indexes."""
        ents = tuple(self.doc.ents)
        return ents, [e.start for e in ents], [e.end for e in ents]

    def entity_of(self, tok: Token) -> Span | None:
        """The entity ``tok`` is part of, if any."""
        if tok.ent_type_ == "":
            return None
        ents, starts, _ = self.ents
        k = bisect_right(starts, tok.i) - 1
        return ents[k] if k >= 0 and ents[k].start <= tok.i < ents[k].end else None


class Blocks:
    """Which characters lie inside a quoted stretch (marks included): any stretch, by bisection."""

    def __init__(self, marked: list[MarkedSpan]):
        outer = sorted((m.open_start, m.close_end) for m in marked)
        self.starts = [s for s, _ in outer]
        self.reach: list[int] = []  # the furthest close_end among stretches opened so far
        for _, end in outer:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def covers(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


class Paragraphs:
    """Which paragraph a character is in, blank lines not counted."""

    def __init__(self, text: str):
        # just after the ``\n`` of each paragraph that has one (the last, unended line is not counted)
        self.line_ends = [end + 1 for _, end in paragraphs(text) if end < len(text)]

    def number(self, pos: int) -> int:
        """Index of the paragraph holding ``pos``."""
        return bisect_right(self.line_ends, pos)


class Intervals:
    """Character spans, asked which overlap a range: by bisection, not a scan over all of them.

    A span is ``(a, b)`` or ``(a, b, value)``; what :meth:`overlapping` returns
    is the tuples as given.
    """

    def __init__(self, spans=()):
        self.spans: list[tuple] = sorted(spans, key=lambda t: (t[0], t[1]))
        self.keys = [(t[0], t[1]) for t in self.spans]
        self.starts = [t[0] for t in self.spans]
        self.longest = max((t[1] - t[0] for t in self.spans), default=0)

    def add(self, a: int, b: int, *value) -> None:
        k = bisect_right(self.keys, (a, b))  # kept sorted by (start, end), starts with them
        self.keys.insert(k, (a, b))
        self.starts.insert(k, a)
        self.spans.insert(k, (a, b, *value))
        self.longest = max(self.longest, b - a)

    def overlapping(self, lo: int, hi: int, limit: int | None = None) -> list[tuple]:
        """The spans (a, b, ...) with a < hi and b > lo, in order; at most ``limit`` of them (the last
        starting), so that a caller asking "any?" or "more than n?" pays for no more than it asks."""
        out = []
        for k in range(bisect_left(self.starts, hi) - 1, -1, -1):
            a, b = self.keys[k]
            if a + self.longest <= lo:
                break  # no span starting this early reaches lo
            if b > lo:
                out.append(self.spans[k])
                if len(out) == limit:
                    break
        out.reverse()
        return out

    def contains(self, pos: int) -> bool:
        """Some span holds ``pos`` (a <= pos < b)."""
        return bool(self.overlapping(pos, pos + 1, limit=1))
