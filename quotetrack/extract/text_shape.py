"""What a frame's features ask of its content (how many words, any quotation mark), answered by bisection.

Reading a content's characters costs its length, and in a chain of reports or nested quotes
every frame's content holds the rest of the text: quadratic time. The positions are found
once per text here, so each question costs a few binary searches.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_WORD = re.compile(r"\S+")  # what str.split() splits out
_MARK = re.compile("[\"“”‘]")
_DOUBLED = re.compile("(?='')")  # every position of two apostrophes, overlapping ones too


class TextShape:
    """Word starts and quotation-mark positions of one text."""

    def __init__(self, text: str):
        self.text = text
        self.word_starts = [m.start() for m in _WORD.finditer(text)]
        self.marks = [m.start() for m in _MARK.finditer(text)]
        self.doubled = [m.start() for m in _DOUBLED.finditer(text)]

    def words(self, pieces) -> int:
        """``len(" ".join(text[a:b] for a, b in pieces).split())``."""
        text, starts, n = self.text, self.word_starts, 0
        for a, b in pieces:
            if b <= a:
                continue
            n += bisect_left(starts, b) - bisect_left(starts, a)
            if a > 0 and not text[a].isspace() and not text[a - 1].isspace():
                n += 1  # the piece starts inside a word: that word counts too
        return n

    def quoted(self, pieces) -> bool:
        """Whether the pieces hold a quotation mark or two apostrophes in a row."""
        for a, b in pieces:
            if bisect_left(self.marks, b) > bisect_left(self.marks, a):
                return True
            if bisect_left(self.doubled, b - 1) > bisect_left(self.doubled, a):
                return True
        return False

    def head(self, pieces, n: int) -> str:
        """The first ``n`` characters of the pieces joined by spaces."""
        out = ""
        for k, (a, b) in enumerate(pieces):
            out += (" " if k else "") + self.text[a : max(a, min(b, a + n))]
            if len(out) >= n:
                break
        return out[:n]
