"""Finding things as a reviewer types: names ranked for a query, and the confidence filter read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..text import fold


@dataclass(frozen=True, slots=True)
class Match:
    name: str
    score: float
    positions: tuple[int, ...]


@lru_cache(maxsize=65_536)
def _folded(name: str) -> str:
    """A candidate's form to match on, remembered: the picker matches the same few thousand names
    and aliases at every character typed (folding them took half its time)."""
    folded = fold(name)
    if len(folded) != len(name):  # folding changed lengths: match on the plain lower form
        folded = name.casefold() if len(name.casefold()) == len(name) else name.lower()
    return folded


def fuzzy_match(query: str, candidates: Iterable[str], limit: int = 50) -> list[Match]:
    """Rank names for a typed query: exact, then prefix, word start, substring, then letters in order.

    Case and accents are ignored. Among equal kinds of match, shorter names
    and earlier positions come first; candidates keep their given order
    (e.g. most quoted first) when all else is equal.
    """
    q = " ".join(fold(query).split())
    out = []
    if not q:
        return [Match(c, 0.0, ()) for c in list(candidates)[:limit]]
    letters = [re.escape(ch) for ch in q if not ch.isspace()]
    loose = re.compile(".*?".join(f"({ch})" for ch in letters)) if letters else None
    for order, name in enumerate(candidates):
        folded = _folded(name)
        at = folded.find(q)
        if folded == q:
            score, pos = 1000.0, tuple(range(len(q)))
        elif at == 0:
            score, pos = 800.0, tuple(range(len(q)))
        elif at > 0 and not folded[at - 1].isalnum():
            score, pos = 600.0, tuple(range(at, at + len(q)))
        elif at > 0:
            score, pos = 400.0, tuple(range(at, at + len(q)))
        else:
            m = loose.search(folded) if loose else None
            if m is None:
                continue
            pos = tuple(m.start(i + 1) for i in range(len(letters)))
            starts = sum(1 for p in pos if p == 0 or not folded[p - 1].isalnum())
            gaps = pos[-1] - pos[0] + 1 - len(pos)
            score = 200.0 + 10 * starts - gaps
        out.append((-(score - len(name) * 0.01 - (pos[0] if pos else 0) * 0.001), order, Match(name, score, pos)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [m for _, _, m in out[:limit]]


def parse_confidence(text: str) -> tuple[float, float] | None:
    """'<0.5', '<=0.5', '>0.8', '0.2-0.6', '0.2..0.6' → an inclusive range; '' → None.

    Raises ValueError for anything else, with a message a reviewer can act on.
    """
    t = text.strip().replace(" ", "")
    if not t:
        return None
    try:
        if t.startswith(("<=", ">=")):
            v = float(t[2:])
            return (0.0, v) if t[0] == "<" else (v, 1.0)
        if t.startswith(("<", ">")):
            v = float(t[1:])
            return (0.0, v) if t[0] == "<" else (v, 1.0)
        for sep in ("..", "-", "–"):
            if sep in t[1:]:
                i = t.index(sep, 1)
                lo, hi = float(t[:i]), float(t[i + len(sep):])
                return (min(lo, hi), max(lo, hi))
        v = float(t)
        return (v, v)
    except ValueError:
        raise ValueError(f"confidence {text!r}: use e.g. <0.5, >0.8 or 0.2-0.6") from None
