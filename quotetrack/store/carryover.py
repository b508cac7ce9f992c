"""Where a reviewed quote is in a document's new text: review decisions carried over a re-extraction.

A quote's id depends on its document's text, so a document extracted again
after any change (one trailing newline) has new quote ids, and the
reviewers' decisions, notes and corrections would point at nothing. Each
reviewed quote the new extraction lacks is looked for among the new quotes:
the same words (letters and digits, case aside: a new extractor that takes
in a comma or a closing mark still finds it), nearest to where the quote
stood once the edit before it is allowed for. Pure: no SQL (the store
applies what this decides).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Placed:
    """A quote of the new extraction: its id, offsets and text."""

    id: str
    start: int
    end: int
    text: str


def words(text: str) -> tuple[str, ...]:
    """What "the same words" compares: the word characters, case-folded, in order."""
    return tuple(_WORD.findall(text.casefold()))


def common_ends(old: str, new: str) -> tuple[int, int]:
    """(length of the common prefix, length of the common suffix not overlapping it)."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:  # the longest prefix, by halves: slices compare in C
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:] == new[len(new) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


class Mapper:
    """An old offset's likely place in the new text: unchanged before the edit, shifted after it.

    With edits in several places, an offset between the first and the last
    is placed proportionally; the words decide, the position only breaks ties.
    """

    def __init__(self, old: str | None, new: str) -> None:
        self.old_len, self.new_len = (len(old), len(new)) if old is not None else (len(new), len(new))
        self.prefix, self.suffix = common_ends(old, new) if old is not None else (0, 0)

    def __call__(self, offset: int) -> float:
        if offset <= self.prefix:
            return offset
        old_tail = self.old_len - self.suffix
        if offset >= old_tail:
            return offset + self.new_len - self.old_len
        new_tail = self.new_len - self.suffix
        share = (offset - self.prefix) / max(1, old_tail - self.prefix)
        return self.prefix + share * (new_tail - self.prefix)


def place(
    reviewed: Sequence[tuple[str, int, str]], candidates: Sequence[Placed], mapper: Mapper, taken: set[str]
) -> dict[str, str]:
    """Old quote id → new quote id for each reviewed quote ``(id, start, text)`` that can be placed.

    A candidate holds one review at most: those in ``taken`` (reviewed
    already) and those given to an earlier quote are passed over. Quotes are
    placed in their order in the text; each takes the nearest candidate with
    the same words, its exact text first.
    """
    by_words: dict[tuple[str, ...], list[Placed]] = {}
    for candidate in candidates:
        by_words.setdefault(words(candidate.text), []).append(candidate)
    placed: dict[str, str] = {}
    used = set(taken)
    for old_id, start, text in sorted(reviewed, key=lambda r: r[1]):
        key = words(text)
        options = [c for c in by_words.get(key, ()) if c.id not in used] if key else []
        if not options:
            continue
        where = mapper(start)
        best = min(options, key=lambda c: (c.text != text, abs(c.start - where), c.start))
        placed[old_id] = best.id
        used.add(best.id)
    return placed
