"""Reviewers' own decisions read from the store as :mod:`.agreement` compares them; disputed quotes.

A quote is disputed when two reviewers' own decisions differ on whether it
is a quote, its speaker, kind or words, and no adjudicator has decided it
since (an adjudicator's decision is its status: see ``review --status disputed``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..store import Store
from ..text import fold
from . import agreement
from .agreement import Judged


@dataclass(frozen=True, slots=True)
class Decisions:
    """Each quote's reviewers' decisions (adjudicators' apart), and the quotes adjudicated."""

    by_quote: dict[str, dict[str, Judged]]
    adjudicated: set[str]


def read_decisions(db: Store) -> Decisions:
    by_quote: dict[str, dict[str, Judged]] = {}
    adjudicated: set[str] = set()
    for quote_id, by, status, kind, speaker, state, adjudicator, q_kind, q_speaker, start, end in db.reviewer_decisions():
        if adjudicator:
            adjudicated.add(quote_id)
            continue
        # the words: a reviewer's corrected ones (``start``/``end`` of their review, when reviews carry
        # a span edit), else the extracted ones
        fields = json.loads(state)
        span = (start if fields.get("start") is None else fields["start"],
                end if fields.get("end") is None else fields["end"])
        by_quote.setdefault(quote_id, {})[by] = Judged(status, kind or q_kind, speaker or q_speaker, span)
    return Decisions(by_quote, adjudicated)


def disputed_quotes(db: Store) -> list[str]:
    """Quotes reviewers disagree on that no adjudicator has decided, sorted by id."""
    decisions = read_decisions(db)
    return [q for q in agreement.disagreements(decisions.by_quote, fold) if q not in decisions.adjudicated]


@dataclass(frozen=True, slots=True)
class AgreementReport:
    reviewers: tuple[str, ...]
    pairs: list[agreement.PairAgreement]  # every pair, per aspect
    groups: list[agreement.GroupAgreement]  # per aspect, when more than two reviewers
    disputed: int


def agreement_report(db: Store) -> AgreementReport:
    """Per pair of reviewers and aspect: quotes both judged, observed agreement, Cohen's κ; with more
    than two reviewers, Krippendorff's α per aspect over all of them."""
    decisions = read_decisions(db)
    labels = agreement.aspect_labels(decisions.by_quote, fold)
    reviewers = tuple(sorted({r for by in decisions.by_quote.values() for r in by}))
    pairs = [p for aspect in agreement.ASPECTS for p in agreement.pairwise(labels[aspect], aspect)]
    groups = [agreement.group(labels[aspect], aspect) for aspect in agreement.ASPECTS] if len(reviewers) > 2 else []
    disputed = sum(1 for q in agreement.disagreements(decisions.by_quote, fold) if q not in decisions.adjudicated)
    return AgreementReport(reviewers, pairs, groups, disputed)
