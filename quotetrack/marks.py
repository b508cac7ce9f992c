"""Quotation marks: find the quoted stretches of a text, paragraph by paragraph.

This works on characters, before and independently of any parse, so a
missing or stray mark can never make the parser's trouble ours: a quote
that is opened and never closed ends with its paragraph, and nothing
spills into the rest of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Marks that only ever open, only ever close, and the ambiguous straight one.
OPENERS = {"“": "”", "«": "»", "„": "“", "‟": "”", "``": "''", "»": "«"}
CLOSERS = {"”", "»", "«", "''"}
STRAIGHT = '"'
ALL_DOUBLE = set(OPENERS) | CLOSERS | {STRAIGHT}
_MARK_RE = re.compile(r"``|''|[\"“”«»„‟]")
_WORDISH = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """A quoted stretch: marks at ``open`` and ``close`` (``close`` may be None).

    ``start``/``end`` delimit the content inside the marks. ``closed`` is
    False when the paragraph ended before a closing mark.
    """

    open_start: int
    start: int
    end: int
    close_end: int
    closed: bool

    @property
    def outer(self) -> tuple[int, int]:
        return self.open_start, self.close_end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line: news paragraphs are lines here."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def _role(text: str, i: int, mark: str) -> str:
    """'open', 'close' or 'either' for the mark at ``text[i]``."""
    before = text[i - 1] if i > 0 else " "
    after_i = i + len(mark)
    after = text[after_i] if after_i < len(text) else " "
    space_before = before.isspace() or before in "([{—–-/"
    space_after = after.isspace() or after in ".,;:!?)]}"
    if mark in ("«", "»"):
        # French «…», German »…«: a guillemet glued to the word after it opens.
        if space_before and not space_after:
            return "open"
        if space_after and not space_before:
            return "close"
        return "open" if mark == "«" else "close"
    if mark in OPENERS and mark != "“":
        return "open"
    if mark in CLOSERS:
        return "close"
    if mark == "“":
        # English opener; German texts close „ with it, handled by the pairing.
        return "open" if not space_after else "either"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"


def find_marked(text: str, start: int = 0, end: int | None = None) -> list[MarkedSpan]:
    """All quoted stretches in ``text[start:end]``, each within one paragraph."""
    end = len(text) if end is None else end
    spans: list[MarkedSpan] = []
    for p_start, p_end in paragraphs(text[start:end]):
        spans.extend(_in_paragraph(text, start + p_start, start + p_end))
    return spans


def _in_paragraph(text: str, p_start: int, p_end: int) -> list[MarkedSpan]:
    out: list[MarkedSpan] = []
    open_at: int | None = None
    open_mark = ""
    for m in _MARK_RE.finditer(text, p_start, p_end):
        mark, i = m.group(), m.start()
        role = _role(text, i, mark)
        if open_at is None:
            if role in ("open", "either"):
                open_at, open_mark = i, mark
            continue
        if _closes(open_mark, mark, role):
            out.append(MarkedSpan(open_at, open_at + len(open_mark), i, m.end(), True))
            open_at = None
        elif role == "open" and mark != STRAIGHT and open_mark == STRAIGHT:
            # A curly opener after an unmatched straight mark: the straight one was stray.
            open_at, open_mark = i, mark
    if open_at is not None:
        content_end = p_end
        while content_end > open_at + len(open_mark) and text[content_end - 1].isspace():
            content_end -= 1
        if _WORDISH.search(text, open_at + len(open_mark), content_end):
            out.append(MarkedSpan(open_at, open_at + len(open_mark), content_end, content_end, False))
    return [s for s in out if _WORDISH.search(text, s.start, s.end)]


def _closes(open_mark: str, mark: str, role: str) -> bool:
    if role == "open":
        return False
    if open_mark == STRAIGHT:
        return mark in (STRAIGHT, "”")
    expected = OPENERS.get(open_mark, "”")
    return mark == expected or mark == STRAIGHT or (open_mark == "“" and mark == "”")


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace, quotation marks and punctuation."""
    while start < end and (text[start].isspace() or text[start] in "\"“”«»„‟'‘’`,;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"“”«»„‟'‘’`,;:—–-"):
        end -= 1
    return start, end
