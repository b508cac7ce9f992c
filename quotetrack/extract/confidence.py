"""How sure quotetrack is of a quote: calibrated, so 0.8 means right about 8 times in 10.

A quote's confidence is the accuracy measured on annotated news for quotes found
the same way (the cells of :func:`features`), from the learned confidence table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..domain import Quote
    from .candidates import Candidate

PRIOR_BANDS = (0.0, 0.4, 0.6, 0.8)
# A cell counts as this many extra observations at its parent's accuracy.
SHRINK = 8.0
FLOOR, CEILING = 0.03, 0.98


def family(construction: str) -> str:
    """Constructions grouped for calibration: every 'direct-<frame>' host is one family."""
    if construction.startswith("direct-") and construction not in ("direct-after", "direct-before"):
        return "direct-frame"
    return construction or "none"


def band(prior: float) -> str:
    b = 0
    for i, edge in enumerate(PRIOR_BANDS):
        if prior >= edge:
            b = i
    return str(b)


def features(cand: "Candidate", quote: "Quote") -> tuple[str, str, str, str]:
    """(kind, construction family, speaker method, prior band): the cells of the table."""
    method = quote.method
    if "no-coref" in quote.flags and method in ("nearest-name", "none"):
        method += "-nocoref"
    elif "implicit-source" in quote.flags:
        method = "implicit"
    elif "unnamed-source" in quote.flags:
        method = "unnamed"
    elif method == "none" and quote.mention is not None:
        method = "mention-only"
    return quote.kind, family(cand.construction), method, band(cand.prior)


def fitted(feats: tuple[str, ...], cells: Mapping[tuple[str, ...], tuple[int, int]]) -> float | None:
    """Shrunk accuracy of the most specific cell, each level pulled toward its parent (None without cells)."""
    if not cells:
        return None
    n, k = cells.get((), (0, 0))
    value = k / n if n else 0.5
    for depth in range(1, len(feats) + 1):
        n, k = cells.get(feats[:depth], (0, 0))
        value = (k + SHRINK * value) / (n + SHRINK)
    return value


# Used only when no fitted table ships: rough accuracies by kind and construction.
_FALLBACK = {"direct": 0.75, "mixed": 0.65, "indirect": 0.55}


# Without a coreference model a pronoun's speaker is a guess by proximity. On PolNeAR
# the guess is right about as often as coreferee, but the product promise is that
# such quotes rank below their coreference-resolved twins: this much below.
NO_COREF_MARGIN = 0.03


def confidence(cand: "Candidate", quote: "Quote", cells: Mapping[tuple[str, ...], tuple[int, int]]) -> float:
    """The quote's confidence from the table's ``cells`` (a hand-set prior without them)."""
    feats = features(cand, quote)
    value = fitted(feats, cells)
    if value is not None and feats[2].endswith("-nocoref"):
        twin = fitted((feats[0], feats[1], "coref", feats[3]), cells)
        if twin is not None:
            value = min(value, twin - NO_COREF_MARGIN)
    if value is None:
        value = _FALLBACK.get(quote.kind, 0.5)
        if feats[2] in ("none", "implicit", "unnamed"):
            value -= 0.15
        if feats[1] in ("uncued", "continuation"):
            value -= 0.15
    return round(max(FLOOR, min(CEILING, value)), 3)
