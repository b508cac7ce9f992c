"""Long documents in paragraph-aligned pieces, and quotes moved back to document offsets.

spaCy refuses texts over ``nlp.max_length`` and its parser's memory grows
with the text, so a long document is cut at paragraph breaks (else after a
sentence end, at a space, anywhere). Quotation marks are matched per
paragraph, so a quote never spans two pieces; only coreference across a cut
is lost.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..domain import Quote, TextSpan

# Pieces longer than this are not worth parsing whole: flat memory matters more than
# coreference across a hundred thousand characters.
CHUNK_CHARS = 50_000

_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*\s+")


def chunk_limit(max_length: int, limit: int = CHUNK_CHARS) -> int:
    return max(1, min(limit, max_length))


def split_text(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) pieces covering ``text`` in order, each at most ``limit`` characters.

    Cuts fall just after a newline where possible, so every piece holds
    whole paragraphs; ``text[start:end]`` of consecutive pieces join up to
    the whole text.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > limit:
        window_end = start + limit
        cut = text.rfind("\n", start, window_end) + 1  # just after a paragraph break
        if cut <= start:
            cut = _cut_inside_paragraph(text, start, window_end)
        pieces.append((start, cut))
        start = cut
    if start < n or not pieces:
        pieces.append((start, n))
    return pieces


def _cut_inside_paragraph(text: str, start: int, end: int) -> int:
    last = None
    for m in _SENTENCE_END.finditer(text, start, end):
        last = m.end()
    if last is not None and last > start:
        return last
    space = max(text.rfind(" ", start, end), text.rfind("\t", start, end))
    if space > start:
        return space + 1
    return end


def shift(quote: Quote, offset: int) -> Quote:
    """``quote`` with every span moved ``offset`` characters on (a piece's quotes → the document's)."""
    if offset == 0:
        return quote

    def move(span: TextSpan | None) -> TextSpan | None:
        return None if span is None else TextSpan(span.start + offset, span.end + offset, span.text)

    return replace(
        quote,
        content=move(quote.content),
        cue=move(quote.cue),
        mention=move(quote.mention),
        resolved=move(quote.resolved),
    )
