"""Predicted units, spans as word-token sets, and the one-to-one matching of gold and predicted units."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..domain import Quote, TextSpan
from .gold import Fragments

MODES = ("exact", "overlap")
JACCARD_THRESHOLD = 0.5

WORD = re.compile(r"\w+")


class Tokens:
    """Word tokens of one text, for turning character spans into token sets."""

    def __init__(self, text: str):
        spans = [m.span() for m in WORD.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def of(self, fragments: Iterable[tuple[int, int]] | None) -> frozenset[int]:
        """Indices of the tokens any fragment overlaps by at least one char."""
        found: set[int] = set()
        for a, b in fragments or ():
            if b <= a:
                continue
            first = bisect.bisect_right(self.ends, a)
            last = bisect.bisect_left(self.starts, b)
            found.update(range(first, last))
        return frozenset(found)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(slots=True)
class PredictedUnit:
    """One or more predicted quotes that share a cue span, scored as one."""

    quotes: tuple[Quote, ...]
    kind: str
    content: Fragments
    confidence: float
    speaker: str | None
    mention: TextSpan | None
    resolved: TextSpan | None

    @property
    def start(self) -> int:
        return self.content[0][0]


def group_predictions(quotes: Iterable[Quote]) -> list[PredictedUnit]:
    """Merge quotes with the same cue span into one unit; sorted by start.

    The unit's kind is the members' kind when they agree, else ``mixed``;
    its confidence is the members' mean; its speaker fields come from the
    most confident member (earliest on ties). Quotes without a cue stay
    alone.
    """
    groups: dict[Any, list[Quote]] = {}
    for i, q in enumerate(quotes):
        key = ("cue", q.cue.start, q.cue.end) if q.cue is not None else ("alone", i)
        groups.setdefault(key, []).append(q)
    units = [_unit(sorted(members, key=lambda q: (q.start, q.end))) for members in groups.values()]
    units.sort(key=lambda u: (u.content, u.kind))
    return units


def _unit(members: list[Quote]) -> PredictedUnit:
    kinds = {q.kind for q in members}
    lead = max(members, key=lambda q: (q.confidence, -q.start))
    return PredictedUnit(
        quotes=tuple(members),
        kind=kinds.pop() if len(kinds) == 1 else "mixed",
        content=tuple(sorted({(q.start, q.end) for q in members})),
        confidence=sum(q.confidence for q in members) / len(members),
        speaker=lead.speaker,
        mention=lead.mention,
        resolved=lead.resolved,
    )


def match_units(
    gold_tokens: list[frozenset[int]], pred_tokens: list[frozenset[int]], mode: str
) -> list[tuple[int, int, float]]:
    """One-to-one ``(gold_index, pred_index, jaccard)`` pairs.

    Greedy by descending Jaccard, ties broken by gold index then prediction
    index (both in text order), so the result never depends on dict order.
    Units with no word tokens never match.
    """
    candidates = []
    for gi, g in enumerate(gold_tokens):
        for pi, p in enumerate(pred_tokens):
            if not g or not p or g.isdisjoint(p):
                continue
            if mode == "exact":
                if g == p:
                    candidates.append((1.0, gi, pi))
            else:
                j = jaccard(g, p)
                if j >= JACCARD_THRESHOLD:
                    candidates.append((j, gi, pi))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for j, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi, j))
    pairs.sort()
    return pairs
