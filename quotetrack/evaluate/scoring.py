"""``score``: gold documents and predicted quotes in, a :class:`Report` of counts out (rules in docs/evaluate.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import Quote
from .errors import Errors, Example, collect_errors
from .gold import KINDS, GoldAttribution, GoldDocument
from .matching import MODES, PredictedUnit, Tokens, group_predictions, match_units
from .speakers import SOURCE_TYPES, source_type, speaker_correct

CALIBRATION_EDGES = (0.0, 0.5, 0.7, 0.85, 1.0)
ECE_BINS = 10


@dataclass(slots=True)
class Detection:
    """Counts behind precision and recall (one-to-one, so matched counts)."""

    n_gold: int = 0
    n_pred: int = 0
    matched_gold: int = 0
    matched_pred: int = 0

    @property
    def precision(self) -> float:
        return self.matched_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "gold": self.n_gold,
            "predicted": self.n_pred,
            "matched_gold": self.matched_gold,
            "matched_predicted": self.matched_pred,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(slots=True)
class KindScore:
    """Detection, speaker accuracy and end-to-end numbers for one kind."""

    detection: Detection = field(default_factory=Detection)
    speaker_right: int = 0
    speaker_total: int = 0
    end_to_end: Detection = field(default_factory=Detection)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_total if self.speaker_total else 0.0

    def as_dict(self) -> dict:
        return {
            "detection": self.detection.as_dict(),
            "speaker_accuracy": self.speaker_accuracy,
            "speaker_right": self.speaker_right,
            "speaker_judged": self.speaker_total,
            "end_to_end": self.end_to_end.as_dict(),
        }


@dataclass(slots=True)
class ModeScore:
    """All numbers for one matching mode; ``kinds`` has KINDS + ``overall``."""

    mode: str
    kinds: dict[str, KindScore]
    confusion: dict[tuple[str, str], int]
    speaker_by_source: dict[str, list[int]]

    @property
    def overall(self) -> KindScore:
        return self.kinds["overall"]


@dataclass(slots=True)
class CalibrationBucket:
    low: float
    high: float
    count: int = 0
    correct: int = 0
    confidence_sum: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.count if self.count else 0.0

    @property
    def mean_confidence(self) -> float:
        return self.confidence_sum / self.count if self.count else 0.0

    def as_dict(self) -> dict:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "mean_confidence": self.mean_confidence,
        }


@dataclass(slots=True)
class Report:
    n_docs: int
    modes: dict[str, ModeScore]
    calibration: list[CalibrationBucket]
    calibration_bins: list[CalibrationBucket]
    ece: float
    false_positives: list[Example]
    false_negatives: list[Example]
    speaker_errors: list[Example]
    warnings: list[str]

    @property
    def overlap(self) -> ModeScore:
        return self.modes["overlap"]

    @property
    def exact(self) -> ModeScore:
        return self.modes["exact"]


def score(gold_docs: list[GoldDocument], predictions: dict[str, list[Quote]]) -> Report:
    """Score predictions (quotes per document name) against the gold."""
    modes = {m: _empty_mode(m) for m in MODES}
    calibration = _buckets(CALIBRATION_EDGES)
    bins = _buckets(tuple(i / ECE_BINS for i in range(ECE_BINS + 1)))
    errors = Errors([], [], [])
    warnings = _unknown_predictions(gold_docs, predictions)
    for doc in gold_docs:
        quotes = predictions.get(doc.name)
        if quotes is None:
            warnings.append(f"{doc.name}: no predictions, scored as none")
            quotes = []
        warnings.extend(_check_offsets(doc, quotes))
        units = group_predictions(quotes)
        tokens = Tokens(doc.text)
        gold_tok = [tokens.of(g.content) for g in doc.attributions]
        pred_tok = [tokens.of(u.content) for u in units]
        for mode in MODES:
            pairs = match_units(gold_tok, pred_tok, mode)
            right = _score_doc(modes[mode], doc, tokens, units, pairs)
            if mode == "overlap":
                _calibrate(calibration, bins, units, right)
                collect_errors(errors, doc, units, pairs, right, gold_tok, pred_tok)
    return Report(
        len(gold_docs), modes, calibration, bins, _ece(bins),
        errors.false_positives, errors.false_negatives, errors.speaker_errors, warnings,
    )


def _unknown_predictions(gold_docs: list[GoldDocument], predictions: dict[str, list[Quote]]) -> list[str]:
    """The gold's own warnings, then one for each predicted document the gold lacks."""
    warnings = [w for d in gold_docs for w in d.warnings]
    known = {d.name for d in gold_docs}
    for name in sorted(set(predictions) - known):
        warnings.append(f"predictions for {name}, which is not in the gold, ignored")
    return warnings


def _check_offsets(doc: GoldDocument, quotes: list[Quote]) -> list[str]:
    bad = sum(1 for q in quotes if doc.text[q.content.start : q.content.end] != q.content.text)
    if bad:
        return [f"{doc.name}: {bad} predicted quote(s) whose offsets do not index the normalised text"]
    return []


def _empty_mode(mode: str) -> ModeScore:
    return ModeScore(
        mode=mode,
        kinds={k: KindScore() for k in (*KINDS, "overall")},
        confusion={},
        speaker_by_source={t: [0, 0] for t in SOURCE_TYPES},
    )


def _score_doc(
    ms: ModeScore,
    doc: GoldDocument,
    tokens: Tokens,
    units: list[PredictedUnit],
    pairs: list[tuple[int, int, float]],
) -> set[int]:
    """Add one document to ``ms``; return indices of end-to-end right units."""
    for g in doc.attributions:
        for k in (g.kind, "overall"):
            ms.kinds[k].detection.n_gold += 1
            ms.kinds[k].end_to_end.n_gold += 1
    for u in units:
        for k in (u.kind, "overall"):
            ms.kinds.setdefault(k, KindScore())
            ms.kinds[k].detection.n_pred += 1
            ms.kinds[k].end_to_end.n_pred += 1
    right_units: set[int] = set()
    for gi, pi, _ in pairs:
        if _score_pair(ms, doc, tokens, doc.attributions[gi], units[pi]):
            right_units.add(pi)
    return right_units


def _score_pair(ms: ModeScore, doc: GoldDocument, tokens: Tokens, g: GoldAttribution, u: PredictedUnit) -> bool:
    """Count one matched pair; True when its speaker is right too."""
    ok = speaker_correct(doc.text, tokens, g, u)
    stype = source_type(doc.text, g.source)
    ms.speaker_by_source[stype][0] += ok
    ms.speaker_by_source[stype][1] += 1
    ms.confusion[(g.kind, u.kind)] = ms.confusion.get((g.kind, u.kind), 0) + 1
    for k in (g.kind, "overall"):
        ks = ms.kinds[k]
        ks.detection.matched_gold += 1
        ks.speaker_total += 1
        ks.speaker_right += ok
        ks.end_to_end.matched_gold += ok
    for k in (u.kind, "overall"):
        ms.kinds[k].detection.matched_pred += 1
        ms.kinds[k].end_to_end.matched_pred += ok
    return ok


def _buckets(edges: tuple[float, ...]) -> list[CalibrationBucket]:
    return [CalibrationBucket(lo, hi) for lo, hi in zip(edges, edges[1:])]


def _bucket_of(buckets: list[CalibrationBucket], confidence: float) -> CalibrationBucket:
    """Buckets are [low, high) except the last, which includes 1.0."""
    c = min(max(confidence, 0.0), 1.0)
    for b in buckets:
        if c < b.high:
            return b
    return buckets[-1]


def _calibrate(
    calibration: list[CalibrationBucket], bins: list[CalibrationBucket], units: list[PredictedUnit], right: set[int]
) -> None:
    for i, u in enumerate(units):
        for buckets in (calibration, bins):
            b = _bucket_of(buckets, u.confidence)
            b.count += 1
            b.correct += i in right
            b.confidence_sum += u.confidence


def _ece(bins: list[CalibrationBucket]) -> float:
    """Expected calibration error: count-weighted |accuracy - confidence|."""
    total = sum(b.count for b in bins)
    if not total:
        return 0.0
    return sum(b.count * abs(b.accuracy - b.mean_confidence) for b in bins) / total
