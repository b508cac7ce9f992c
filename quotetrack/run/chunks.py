"""Long documents in paragraph-aligned pieces, and quotes moved back to document offsets.

spaCy refuses texts over ``nlp.max_length`` and its parse takes memory in
proportion to the tokens it holds (about 17 KiB a token, measured: see
docs/hardening.md), so a long document is cut at paragraph breaks (else
after a sentence end, at a space, anywhere) into pieces of at most
:data:`CHUNK_CHARS` characters and about :data:`PIECE_TOKENS` tokens.
Quotation marks are matched per paragraph, so a quote never spans two
pieces; only coreference across a cut is lost.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..domain import Quote, TextSpan

# Pieces longer than this are not worth parsing whole: flat memory matters more than
# coreference across a hundred thousand characters.
CHUNK_CHARS = 50_000
# At most about this many tokens a piece: 50,000 characters of news text, but a tenth of
# that in text made of marks and letters ("“a”\n" is four tokens in four characters).
PIECE_TOKENS = 12_500

_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*\s+")
# What spaCy's English tokenizer makes a token of, nearly: a run of word characters, any other
# non-space character, a newline, a space after a space. Within a few percent on news text,
# above it on URLs and punctuation runs, at most about half of it on units such as "10km".
_TOKENISH = re.compile(r"\w+|[^\w\s]|\n|\s(?=\s)")


def estimate_tokens(text: str, start: int = 0, end: int | None = None) -> int:
    """About how many tokens spaCy makes of ``text[start:end]`` (what its parse's memory follows)."""
    return sum(1 for _ in _TOKENISH.finditer(text, start, len(text) if end is None else end))


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


def split_pieces(text: str, limit: int, tokens: int = PIECE_TOKENS) -> list[tuple[int, int, int]]:
    """(start, end, estimated tokens) pieces covering ``text``: at most ``limit`` characters and,
    unless a piece cannot be cut smaller, about ``tokens`` tokens each (see :func:`split_text`)."""
    pieces: list[tuple[int, int, int]] = []
    todo = split_text(text, limit) if len(text) > limit else [(0, len(text))]
    todo.reverse()
    while todo:
        start, end = todo.pop()
        count = estimate_tokens(text, start, end)
        if count <= tokens or end - start <= 1:
            pieces.append((start, end, count))
            continue
        parts = -(-count // tokens)  # cut into this many pieces of about equal size
        smaller = max(1, -(-(end - start) // parts))
        todo.extend(reversed([(start + s, start + e) for s, e in split_text(text[start:end], smaller)]))
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
