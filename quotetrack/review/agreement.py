"""How far reviewers agree: observed agreement, Cohen's κ per pair, Krippendorff's α for more than two.

Pure functions over labels (no store, no SQL): ``judgements`` maps each quote
to what each reviewer said about it on one aspect (accept/reject, the
speaker, the kind, the span), already made comparable (see
:func:`aspect_labels`). A reviewer who did not judge a quote is absent from
its dict. Chance-corrected measures are ``None`` when chance agreement is
total (every label the same): nothing to correct for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import combinations

Judgements = Mapping[str, Mapping[str, Hashable]]  # quote id -> reviewer -> label

ASPECTS = ("accept", "speaker", "kind", "span")


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two reviewers on one aspect: how many quotes both judged, how many alike, observed and κ."""

    a: str
    b: str
    aspect: str
    both: int
    agreed: int
    observed: float | None  # agreed / both; None when they judged nothing in common
    kappa: float | None


@dataclass(frozen=True, slots=True)
class GroupAgreement:
    """All reviewers on one aspect: Krippendorff's α (nominal) over quotes judged by two or more."""

    aspect: str
    reviewers: tuple[str, ...]
    units: int  # quotes with at least two judgements
    alpha: float | None


def cohen_kappa(pairs: list[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's κ of two raters' labels ``(a, b)`` on the same items: (p_o − p_e) / (1 − p_e)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    first, second = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: list[list[Hashable]]) -> float | None:
    """Krippendorff's α for nominal labels: 1 − D_o / D_e over the coincidence matrix.

    ``units``: the labels each item got (one per rater who judged it); items
    with fewer than two are not pairable and are left out.
    """
    coincidences: Counter = Counter()
    for labels in units:
        m = len(labels)
        if m < 2:
            continue
        for i, j in ((i, j) for i in range(m) for j in range(m) if i != j):
            coincidences[(labels[i], labels[j])] += 1 / (m - 1)
    totals: Counter = Counter()
    for (c, _), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    disagree = sum(w for (c, k), w in coincidences.items() if c != k) / n
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n * (n - 1))
    if expected == 0:
        return None
    return 1 - disagree / expected


def pairwise(judgements: Judgements, aspect: str) -> list[PairAgreement]:
    """Every pair of reviewers (sorted by name) on ``aspect``: the quotes both judged, agreement, κ."""
    reviewers = sorted({r for labels in judgements.values() for r in labels})
    out = []
    for a, b in combinations(reviewers, 2):
        pairs = [(labels[a], labels[b]) for labels in judgements.values() if a in labels and b in labels]
        agreed = sum(1 for x, y in pairs if x == y)
        out.append(PairAgreement(a, b, aspect, len(pairs), agreed, agreed / len(pairs) if pairs else None,
                                 cohen_kappa(pairs)))
    return out


def group(judgements: Judgements, aspect: str) -> GroupAgreement:
    """Krippendorff's α over every reviewer on ``aspect``."""
    reviewers = tuple(sorted({r for labels in judgements.values() for r in labels}))
    units = [list(labels.values()) for labels in judgements.values() if len(labels) >= 2]
    return GroupAgreement(aspect, reviewers, len(units), krippendorff_alpha(units))


@dataclass(frozen=True, slots=True)
class Judged:
    """One reviewer's decision on one quote, with the extracted values a decision leaves standing."""

    status: str  # confirmed, corrected or rejected
    kind: str
    speaker: str | None
    span: tuple[int, int]


def aspect_labels(decisions: Mapping[str, Mapping[str, Judged]], fold=str.casefold) -> dict[str, dict]:
    """Per aspect, the judgements to compare: ``accept`` over every decision (accept or reject);
    ``speaker`` (``fold``-ed names), ``kind`` and ``span`` only over quotes both reviewers kept,
    since a rejected quote has no right speaker, kind or words."""
    out: dict[str, dict] = {aspect: {} for aspect in ASPECTS}
    for quote_id, by_reviewer in decisions.items():
        out["accept"][quote_id] = {r: ("reject" if d.status == "rejected" else "accept") for r, d in by_reviewer.items()}
        kept = {r: d for r, d in by_reviewer.items() if d.status != "rejected"}
        if kept:
            out["speaker"][quote_id] = {r: fold(d.speaker) if d.speaker else None for r, d in kept.items()}
            out["kind"][quote_id] = {r: d.kind for r, d in kept.items()}
            out["span"][quote_id] = {r: d.span for r, d in kept.items()}
    return out


def disagreements(decisions: Mapping[str, Mapping[str, Judged]], fold=str.casefold) -> list[str]:
    """Quotes two reviewers judged differently on any aspect, sorted."""
    labels = aspect_labels(decisions, fold)
    return sorted({q for aspect in ASPECTS for q, by in labels[aspect].items() if len(set(by.values())) > 1})
