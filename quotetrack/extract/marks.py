"""Quotation marks: find the quoted stretches of a text, paragraph by paragraph.

Works on characters, before and independently of any parse: a quote opened and never
closed ends with its paragraph. What counts as a mark, and which way it faces, is told
in ``docs/extraction.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..text import paragraphs

OPEN_CURLY = frozenset("“„‟")
CLOSE_CURLY = frozenset("”")
STRAIGHT = '"'
TYPEWRITER = ("''", "``")
SINGLE_OPEN = frozenset("‘'‚")
SINGLE_CLOSE = frozenset("’'")
_MARK_RE = re.compile(r"``|'''|''|[\"“”«»„‟]")
_WORDISH = re.compile(r"\w")
# Characters that may stand right before an opening mark / right after a closing one.
_BEFORE_OPEN = set("([{—–-/:;,")
_AFTER_CLOSE = set(".,;:!?)]}—–-…")


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """A quoted stretch: content ``[start, end)`` between its marks.

    ``open_start`` is where the opening mark starts (== ``start`` when the
    paragraph began inside the quote: ``opened`` is then False), and
    ``close_end`` where the closing mark ends (== ``end`` when the
    paragraph ended before a closing mark: ``closed`` is then False).
    ``single``: delimited by single marks (‘…’).
    """

    open_start: int
    start: int
    end: int
    close_end: int
    closed: bool
    opened: bool = True
    single: bool = False

    @property
    def outer(self) -> tuple[int, int]:
        return self.open_start, self.close_end


def _prev_visible(text: str, i: int, start: int) -> str:
    """The character before ``i``, skipping invisible format marks (U+200E, U+202A…)."""
    k = i - 1
    while k >= start and unicodedata.category(text[k]) == "Cf":
        k -= 1
    return text[k] if k >= start else ""


def _role(text: str, i: int, mark: str, p_start: int, p_end: int) -> str:
    """'open', 'close' or 'either' for the mark at ``text[i]``."""
    before = _prev_visible(text, i, p_start)
    after_i = i + len(mark)
    after = text[after_i] if after_i < p_end else ""
    space_before = before == "" or before.isspace() or before in _BEFORE_OPEN
    space_after = after == "" or after.isspace() or after in _AFTER_CLOSE
    if mark in ("«", "»"):
        # French «…», German »…«: a guillemet glued to the word after it opens.
        if space_before and not space_after:
            return "open"
        if space_after and not space_before:
            return "close"
        return "open" if mark == "«" else "close"
    if mark in OPEN_CURLY:
        # Typed on the wrong side: 'end.“ Then' closes.
        if before and not before.isspace() and (after == "" or after.isspace()):
            return "close"
        return "open"
    if mark in CLOSE_CURLY:
        # 'says, ”Hi' opens.
        if (before == "" or before.isspace()) and after and not after.isspace():
            return "open"
        return "close"
    if mark == "``":
        return "open"
    # " and '': by the neighbours.
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"


def find_marked(text: str, start: int = 0, end: int | None = None) -> list[MarkedSpan]:
    """All quoted stretches in ``text[start:end]``, each within one paragraph, in order."""
    end = len(text) if end is None else end
    spans: list[MarkedSpan] = []
    for p_start, p_end in paragraphs(text[start:end]):
        spans.extend(_in_paragraph(text, start + p_start, start + p_end))
    return spans


def _starts_inside(text: str, p_start: int, p_end: int) -> int | None:
    """Where the first mark is, when the paragraph's first mark is a curly one closing a quote never opened."""
    for m in _MARK_RE.finditer(text, p_start, p_end):
        mark = m.group()
        if mark in CLOSE_CURLY:
            return m.start() if _role(text, m.start(), mark, p_start, p_end) == "close" else None
        return None  # the paragraph's first mark opens (or may open) a quote of its own
    return None


def _in_paragraph(text: str, p_start: int, p_end: int) -> list[MarkedSpan]:
    out: list[MarkedSpan] = []
    open_at: int | None = None
    open_mark = ""
    scan_from = p_start
    first_close = _starts_inside(text, p_start, p_end)
    if first_close is not None:
        content_start = p_start
        while content_start < first_close and text[content_start].isspace():
            content_start += 1
        out.append(MarkedSpan(content_start, content_start, first_close, first_close + 1, True, opened=False))
        scan_from = first_close + 1
    for m in _MARK_RE.finditer(text, scan_from, p_end):
        mark, i, m_end = m.group(), m.start(), m.end()
        if mark == "'''":
            # NYT nesting: "'''The" opens the double quote, then a single one;
            # "it,''' he" closes the single quote, then the double one.
            if _role(text, i, mark, p_start, p_end) == "open":
                mark, m_end = "''", i + 2
            else:
                mark, i = "''", i + 1
        role = _role(text, i, mark, p_start, p_end)
        if open_at is None:
            if role in ("open", "either"):
                open_at, open_mark = i, mark
            continue
        if _closes(open_mark, mark, role):
            out.append(MarkedSpan(open_at, open_at + len(open_mark), i, m_end, True))
            open_at = None
        elif role == "open" and mark not in (STRAIGHT, "''") and open_mark in (STRAIGHT, "''"):
            # A curly opener after an unmatched straight mark: the straight one was stray.
            open_at, open_mark = i, mark
    if open_at is not None:
        content_end = p_end
        while content_end > open_at + len(open_mark) and text[content_end - 1].isspace():
            content_end -= 1
        out.append(MarkedSpan(open_at, open_at + len(open_mark), content_end, content_end, False))
    doubles = [s for s in out if _WORDISH.search(text, s.start, s.end)]
    singles = _single_quoted(text, p_start, p_end, [(s.open_start, s.close_end) for s in out])
    return sorted(doubles + singles, key=lambda s: s.open_start)


def _closes(open_mark: str, mark: str, role: str) -> bool:
    if role == "open":
        return False
    if open_mark in (STRAIGHT, "''", "``"):
        return mark in (STRAIGHT, "''", "”")
    if open_mark == "«":
        return mark in ("»", STRAIGHT)
    if open_mark == "»":
        return mark in ("«", STRAIGHT)
    # “ ‟ „: the English closer, or the German one („…“), or a straight mark.
    return mark in ("”", "“", STRAIGHT, "''")


def _is_wordchar(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _single_quoted(text: str, p_start: int, p_end: int, blocked: list[tuple[int, int]]) -> list[MarkedSpan]:
    """‘…’ / '…' pairs outside double-quoted stretches (apostrophes are not marks)."""
    out: list[MarkedSpan] = []
    runs = []
    pos = p_start
    for a, b in sorted(blocked):
        if a > pos:
            runs.append((pos, a))
        pos = max(pos, b)
    if pos < p_end:
        runs.append((pos, p_end))
    for a, b in runs:
        i = a
        while i < b:
            ch = text[i]
            if ch in SINGLE_OPEN and not _is_wordchar(text, i - 1) and i + 1 < b and text[i + 1].isalnum():
                close = _single_close(text, i + 1, b)
                if close is not None:
                    if _WORDISH.search(text, i + 1, close):
                        out.append(MarkedSpan(i, i + 1, close, close + 1, True, single=True))
                    i = close + 1
                    continue
            i += 1
    return out


def _single_close(text: str, start: int, end: int) -> int | None:
    """The closing single mark of a quote opened before ``start``, or None.

    A plural possessive (``the candidates’ plans``) looks like a closer; it
    is passed over when a later closer exists.
    """
    found = None
    for k in range(start + 1, end):
        if text[k] in SINGLE_CLOSE and not _is_wordchar(text, k + 1) and not text[k - 1].isspace():
            possessive = text[k - 1] in "sS" and k + 2 < end and text[k + 1] == " " and text[k + 2].islower()
            if not possessive:
                return k
            if found is None:
                found = k
    return found


def quoted_mask(text: str, spans: list[MarkedSpan]) -> bytearray:
    """``mask[i] == 1`` when character ``i`` lies inside one of ``spans``."""
    mask = bytearray(len(text))
    for s in spans:
        mask[s.start : s.end] = b"\x01" * (s.end - s.start)
    return mask


def kind_of(text: str, fragments, mask: bytearray) -> str:
    """``direct`` when every word character of the fragments is quoted (``mask``), ``mixed`` when some are."""
    quoted = unquoted = False
    for start, end in fragments:
        k, end = max(0, start), min(end, len(text))
        # run by run of the mask, each searched for a word character in C, until both kinds are seen:
        # a quote's cost does not grow with its length (nested quotes hold the whole rest of a text)
        while k < end and not (quoted and unquoted):
            inside = mask[k]
            stop = mask.find(0 if inside else 1, k, end)
            stop = end if stop < 0 else stop
            if _WORDISH.search(text, k, stop):  # \w: str.isalnum() or '_', as sre has it
                quoted, unquoted = quoted or bool(inside), unquoted or not inside
            k = stop
    if quoted and not unquoted:
        return "direct"
    return "mixed" if quoted else "indirect"


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace, quotation marks and punctuation."""
    while start < end and (text[start].isspace() or text[start] in "\"“”«»„‟'‘’`,;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"“”«»„‟'‘’`,;:—–-"):
        end -= 1
    return start, end
