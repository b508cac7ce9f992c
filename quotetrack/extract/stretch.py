"""Sets of a doc's tokens kept as a few ranges of indexes, so a frame's content costs no more than its edges.

A frame's content is a subtree of the parse, less a few parts (the source, the
cue): as a list of tokens, reading it costs its length, and every verb of a
chain (``Jones said that Smith said that …``) or of nested quotes reads the whole
rest of it: quadratic time in one document. A :class:`Stretch` holds the same
set as sorted, disjoint, inclusive ranges, so each operation costs the number
of ranges (one or two in practice).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import HEAD
from spacy.tokens import Doc, Token


@dataclass(frozen=True, slots=True)
class Stretch:
    """Token indexes of ``doc``: sorted, disjoint, inclusive ``(lo, hi)`` ranges."""

    doc: Doc
    ranges: tuple[tuple[int, int], ...] = ()

    @classmethod
    def between(cls, doc: Doc, lo: int, hi: int) -> Stretch:
        """Tokens ``lo`` to ``hi``, both included (empty when ``hi < lo``)."""
        return cls(doc, ((lo, hi),) if lo <= hi else ())

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __len__(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.ranges)

    def __or__(self, other: Stretch) -> Stretch:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(self.ranges + other.ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        return Stretch(self.doc, tuple(merged))

    def clip(self, lo: int, hi: int) -> Stretch:
        """The tokens from ``lo`` to ``hi`` (inclusive) only."""
        return Stretch(self.doc, tuple((max(a, lo), min(b, hi)) for a, b in self.ranges if a <= hi and b >= lo))

    def without(self, lo: int, hi: int) -> Stretch:
        """All but the tokens from ``lo`` to ``hi`` (inclusive)."""
        out: list[tuple[int, int]] = []
        for a, b in self.ranges:
            if b < lo or a > hi:
                out.append((a, b))
                continue
            if a < lo:
                out.append((a, lo - 1))
            if b > hi:
                out.append((hi + 1, b))
        return Stretch(self.doc, tuple(out))

    def before(self, i: int) -> Stretch:
        return self.clip(0, i - 1)

    def after(self, i: int) -> Stretch:
        return self.clip(i + 1, len(self.doc) - 1)

    @property
    def first(self) -> Token:
        return self.doc[self.ranges[0][0]]

    @property
    def last(self) -> Token:
        return self.doc[self.ranges[-1][1]]


class Subtrees:
    """Where each token's subtree starts and ends, read once per doc from the heads.

    Not ``token.left_edge``/``right_edge``: after the parser's non-projective arcs are
    restored, those can stop short of the subtree's last word (measured on PolNeAR:
    ``She added that …, and that 2016 “is going …” — an issue …`` loses its last clause).
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        n = len(doc)
        heads = [i + h for i, h in enumerate(doc.to_array(HEAD).astype("int64").tolist())] if n else []
        depth = [-1] * n
        for i in range(n):
            path, j = [], i
            while depth[j] < 0 and heads[j] != j and len(path) <= n:
                path.append(j)
                j = heads[j]
            d = max(depth[j], 0)
            depth[j] = d
            for k in reversed(path):
                d += 1
                depth[k] = d
        self.lo, self.hi = list(range(n)), list(range(n))
        for i in sorted(range(n), key=depth.__getitem__, reverse=True):  # children before their heads
            h = heads[i]
            if h != i:
                self.lo[h] = min(self.lo[h], self.lo[i])
                self.hi[h] = max(self.hi[h], self.hi[i])

    def of(self, tok: Token) -> Stretch:
        """The token's subtree, from its first to its last word."""
        return Stretch.between(self.doc, self.lo[tok.i], self.hi[tok.i])
