"""A proposed quote, between quote finding and attribution: what both, and the layouts, work on."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .marks import MarkedSpan


@dataclass(slots=True)
class Candidate:
    """A proposed quote: content ``[start, end)``, cue, source token and how it was found.

    ``construction`` names the pattern (``direct-after``, ``split``,
    ``continuation``, ``ccomp``, ``object``, …) and ``prior`` the learned
    precision of its cue frame; both feed the confidence. Candidates with
    the same ``cue`` span are pieces of one attribution.
    """

    kind: str
    start: int
    end: int
    cue: Span | None = None
    source: Token | None = None
    via: str = "none"  # subject | inversion | according | participle | relative | agent | implicit | none
    marked: MarkedSpan | None = None
    flags: list[str] = field(default_factory=list)
    construction: str = "none"
    cue_key: str = ""
    prior: float = 0.0
    follows: "Candidate | None" = None  # the quote a split half or continuation continues
