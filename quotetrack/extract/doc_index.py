"""Per-document lookups that keep quote finding linear in the document's length.

spaCy rebuilds ``doc.text`` from every token on each access, and finding the
tokens near a quote by scanning the whole doc costs a pass per quote: both
made extraction quadratic. These are built once per document (or text) and
answer by bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from weakref import WeakKeyDictionary

from spacy.tokens import Doc

from ..text import paragraphs
from .marks import MarkedSpan

_DOC_INDEX: WeakKeyDictionary = WeakKeyDictionary()


def forget(doc: Doc) -> None:
    """Drop what is known of ``doc`` (call before reading a doc that may have changed)."""
    _DOC_INDEX.pop(doc, None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document."""
    return _doc_index(doc)[0]


def _doc_index(doc: Doc) -> tuple[str, list[int]]:
    entry = _DOC_INDEX.get(doc)
    if entry is None or len(entry[1]) != len(doc):  # a retokenized doc is indexed again
        entry = (doc.text, [t.idx for t in doc])
        _DOC_INDEX[doc] = entry
    return entry


def token_range(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Token indexes [i, j) of the tokens that start in [start_char, end_char)."""
    starts = _doc_index(doc)[1]
    return bisect_left(starts, start_char), bisect_left(starts, end_char)


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


@lru_cache(maxsize=8)
def _paragraph_line_ends(text: str) -> list[int]:
    """Just after the ``\n`` of each paragraph that has one (the last, unended line is not counted)."""
    return [end + 1 for _, end in paragraphs(text) if end < len(text)]


def paragraph_number(text: str, pos: int) -> int:
    """Index of the paragraph holding ``pos``, blank lines not counted."""
    return bisect_right(_paragraph_line_ends(text), pos)


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

    def overlapping(self, lo: int, hi: int) -> list[tuple]:
        """The spans (a, b, ...) with a < hi and b > lo, in order."""
        out = []
        for k in range(bisect_left(self.starts, hi) - 1, -1, -1):
            a, b = self.keys[k]
            if a + self.longest <= lo:
                break  # no span starting this early reaches lo
            if b > lo:
                out.append(self.spans[k])
        out.reverse()
        return out

    def contains(self, pos: int) -> bool:
        """Some span holds ``pos`` (a <= pos < b)."""
        return bool(self.overlapping(pos, pos + 1))
