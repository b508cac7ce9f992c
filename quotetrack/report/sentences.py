"""The sentence a quote stands in, cut from its document's text without a parser.

A report shows each quote with its sentence, so a reader sees who said it
and how ("…,” Ann Lee said.). Loading spaCy to find sentence bounds would
cost seconds before the first byte of a page, so the bounds are found from
the punctuation around the quote: good enough to read, never used to count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? … (with any closing quotation marks or brackets after it) followed by
# white space, or at a line break.
_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s)|\n")
_SPACE = re.compile(r"\s+")
REACH = 300  # characters looked at on each side of the quote, at most


@dataclass(frozen=True, slots=True)
class Sentence:
    """A stretch of a document around a quote: ``before`` + ``quote`` + ``after`` read as one sentence."""

    before: str
    quote: str
    after: str


def sentence_around(text: str, start: int, end: int, context: tuple[int, int] | None = None) -> Sentence:
    """The sentence(s) holding ``text[start:end]``; ``context`` (the cue and speaker's span) is kept in too.

    Cut at most :data:`REACH` characters from the quote on each side (an
    ellipsis marks a cut inside a sentence). White space runs become one space.
    """
    lo, hi = (min(start, context[0]), max(end, context[1])) if context else (start, end)
    left = max(0, lo - REACH)
    ends = list(_END.finditer(text, left, lo))
    if ends:
        first = ends[-1].end()
    else:
        first = left
    found = _END.search(text, hi, min(len(text), hi + REACH))
    last = found.end() if found else min(len(text), hi + REACH)
    before = _flat(text[first:start]).lstrip()
    after = _flat(text[end:last]).rstrip()
    if not ends and left > 0:
        before = "…" + before.split(" ", 1)[-1]
    if not found and last < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return Sentence(before, _flat(text[start:end]), after)


def _flat(piece: str) -> str:
    return _SPACE.sub(" ", piece)
