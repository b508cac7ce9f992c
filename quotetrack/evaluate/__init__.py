"""``quotetrack evaluate``: score predicted quotes against brat gold.

Everything here except :func:`predict` and :func:`run` is pure Python over
:class:`~quotetrack.gold.GoldDocument` and :class:`~quotetrack.domain.Quote`
lists, so the rules below are unit-tested without spaCy.

Units. A gold unit is one attribution relation (its Content may be
discontinuous). A predicted unit is one :class:`Quote`, except that quotes
sharing the same ``cue`` span are merged into one unit: a tool that reports
``"A," he said, "B."`` as two quotes tied to one "said" made the same claim
as the single two-piece relation the annotators drew.

Spans as words. Spans are compared as sets of word tokens (maximal ``\\w+``
runs) overlapping them. Two spans with the same token set are the same span
once quotation marks, whitespace and punctuation at their edges are ignored.

Matching. Per document, gold and predicted units are matched one-to-one,
kind-agnostically, in two modes:

* ``exact``: identical token sets;
* ``overlap``: token Jaccard >= 0.5; pairs are taken greedily by Jaccard
  (ties: earlier gold, then earlier prediction), each unit used once.

Per kind. Recall of kind k counts gold units of kind k (gold kind by the
rule in :mod:`quotetrack.gold`); precision of kind k counts predicted units
the tool labelled k. A direct gold quote found but labelled ``mixed`` thus
helps direct recall and mixed precision; the kind confusion table shows it.

Speaker rule, for a matched pair (see :func:`speaker_correct`):

* gold without Source (implicit): right iff the prediction names nobody
  (``speaker`` and ``mention`` both ``None``);
* otherwise right iff the predicted ``mention`` or ``resolved`` span shares a
  word with the gold Source, or the predicted ``speaker`` name matches the
  name in the gold Source (same surname; given names, when both have them,
  must share a word: "Trump" = "Donald Trump", "Bill Clinton" != "Hillary
  Clinton");
* but a name conflict vetoes a span overlap: if both the gold Source and the
  predicted ``speaker`` yield a name and the names differ, it is wrong
  ("Sanders campaign manager Jeff Weaver" is not "Bernie Sanders").

Pronoun and descriptive gold Sources ("he", "a spokesman") carry no name, so
they are judged by span overlap only: PolNeAR has no coreference.

End-to-end: a pair that matches and has the right speaker. Calibration: the
fraction of predicted units correct end-to-end (overlap mode) per confidence
bucket, and expected calibration error over ten equal-width bins.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..domain import Quote, TextSpan
from ..text import fold
from .gold import KINDS, Fragments, GoldAttribution, GoldDocument, fragments_text, read_gold

__all__ = [
    "CalibrationBucket",
    "Detection",
    "Example",
    "KindScore",
    "ModeScore",
    "PredictedUnit",
    "Report",
    "Tokens",
    "error_breakdown",
    "format_report",
    "group_predictions",
    "jaccard",
    "match_units",
    "name_key",
    "name_keys",
    "names_match",
    "predict",
    "read_gold",
    "report_to_dict",
    "run",
    "score",
    "source_type",
    "speaker_correct",
]

MODES = ("exact", "overlap")
JACCARD_THRESHOLD = 0.5
CALIBRATION_EDGES = (0.0, 0.5, 0.7, 0.85, 1.0)
ECE_BINS = 10

_WORD = re.compile(r"\w+")


# ----------------------------------------------------------------------
# Tokens


class Tokens:
    """Word tokens of one text, for turning character spans into token sets."""

    def __init__(self, text: str):
        spans = [m.span() for m in _WORD.finditer(text)]
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


# ----------------------------------------------------------------------
# Predicted units


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


# ----------------------------------------------------------------------
# Matching


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


# ----------------------------------------------------------------------
# Speaker rule

PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves "
    "he him his himself she her hers herself it its itself they them their theirs "
    "themselves this that these those who whom whose which one someone somebody "
    "everyone everybody anyone anybody nobody".split()
)

# Honorifics and offices dropped from the front of a name ("Sen. Ted Cruz").
TITLES = frozenset(
    "mr mrs ms miss mx dr sen senator rep representative gov governor president "
    "vice secretary sec gen general lt col maj capt adm judge justice speaker mayor "
    "rev reverend sir dame lord prof professor chairman chairwoman chair former "
    "the candidate nominee attorney leader minister prime chief ambassador pastor "
    "pope first lady state house majority minority whip deputy assistant press "
    "director commissioner councilman councilwoman congressman congresswoman "
    "sheriff officer agent detective sgt".split()
)

_NAME_TOKEN = re.compile(r"[^\W_][\w'’.\-]*")
_CUT = re.compile(r"[,;:()\[\]—–]| - ")
_SPLIT_ENTITIES = re.compile(r"\s+(?:and|or|&)\s+|/")
_POSSESSIVE = re.compile(r"['’]s?$")
_PREPOSITIONS = frozenset("for of at from with to by in on about".split())


def _fold(token: str) -> str:
    """A name word as it is compared: folded, without a possessive or dots around it."""
    return re.sub(r"'s$|'$", "", fold(token)).strip(".")


def name_key(text: str | None) -> tuple[str, ...] | None:
    """The name a speaker string or Source span carries, folded, or ``None``.

    Takes the part before the first comma/bracket/dash, then the run of
    capitalised words at its very end ("Sanders campaign manager *Jeff
    Weaver*", "CNN's *Jake Tapper*"), drops honorifics at its front and
    initials. No name when the
    phrase ends in a lowercase word ("the Clinton campaign"), when the run
    is only a pronoun ("He"), or when the run hangs off a preposition after
    a lowercase word ("a spokesman for Hillary Clinton" is the spokesman).
    """
    if not text:
        return None
    chunk = _CUT.split(text.strip(), maxsplit=1)[0]
    tokens = _NAME_TOKEN.findall(chunk)
    if not tokens or not _capitalised(tokens[-1]):
        return None
    k = len(tokens) - 1
    while k > 0 and _capitalised(tokens[k - 1]) and not _POSSESSIVE.search(tokens[k - 1]):
        k -= 1
    run = tokens[k:]
    prefix = [t for t in tokens[:k] if t.lower() != "the"]
    if len(prefix) >= 2 and prefix[-1].lower() in _PREPOSITIONS and not _capitalised(prefix[-2]):
        return None
    folded = [_fold(t) for t in run]
    while folded and folded[0] in TITLES:
        folded.pop(0)
    folded = [t for t in folded if len(t) > 1]
    if not folded or (len(folded) == 1 and folded[0] in PRONOUNS):
        return None
    return tuple(folded)


def _capitalised(token: str) -> bool:
    return bool(token) and token[0].isupper()


def name_keys(text: str | None) -> list[tuple[str, ...]]:
    """Keys of every entity in a Source like "Trump and Clinton"."""
    if not text:
        return []
    keys = [name_key(part) for part in _SPLIT_ENTITIES.split(text)]
    return [k for k in keys if k]


def names_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname, and given names (when both have some) share a word."""
    if a[-1] != b[-1]:
        return False
    if len(a) == 1 or len(b) == 1:
        return True
    return bool(set(a[:-1]) & set(b[:-1]))


def source_type(doc_text: str, source: Fragments | None) -> str:
    """``implicit`` / ``pronoun`` / ``named`` / ``description``."""
    if not source:
        return "implicit"
    text = fragments_text(doc_text, source, " ")
    words = [w.lower() for w in _WORD.findall(text)]
    if words and all(w in PRONOUNS for w in words):
        return "pronoun"
    return "named" if name_keys(text) else "description"


def speaker_correct(doc_text: str, tokens: Tokens, gold: GoldAttribution, pred: PredictedUnit) -> bool:
    """The speaker rule of the module docstring, for one matched pair."""
    if not gold.source:
        return pred.speaker is None and pred.mention is None
    gold_words = tokens.of(gold.source)
    gold_keys = name_keys(fragments_text(doc_text, gold.source, " "))
    pred_key = name_key(pred.speaker)
    if gold_keys and pred_key:
        return any(names_match(g, pred_key) for g in gold_keys)
    for span in (pred.mention, pred.resolved):
        if span is not None and not gold_words.isdisjoint(tokens.of([(span.start, span.end)])):
            return True
    return False


# ----------------------------------------------------------------------
# Report


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
class Example:
    """One error, for ``--errors``: where, what gold said, what we said."""

    error: str
    doc: str
    start: int
    why: str | None = None
    gold_kind: str | None = None
    gold_content: str | None = None
    gold_source: str | None = None
    pred_kind: str | None = None
    pred_content: str | None = None
    pred_speaker: str | None = None
    pred_mention: str | None = None
    confidence: float | None = None

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


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


# ----------------------------------------------------------------------
# Scoring


def _empty_mode(mode: str) -> ModeScore:
    return ModeScore(
        mode=mode,
        kinds={k: KindScore() for k in (*KINDS, "overall")},
        confusion={},
        speaker_by_source={t: [0, 0] for t in ("named", "pronoun", "description", "implicit")},
    )


def _buckets(edges: tuple[float, ...]) -> list[CalibrationBucket]:
    return [CalibrationBucket(lo, hi) for lo, hi in zip(edges, edges[1:])]


def _bucket_of(buckets: list[CalibrationBucket], confidence: float) -> CalibrationBucket:
    """Buckets are [low, high) except the last, which includes 1.0."""
    c = min(max(confidence, 0.0), 1.0)
    for b in buckets:
        if c < b.high:
            return b
    return buckets[-1]


def score(gold_docs: list[GoldDocument], predictions: dict[str, list[Quote]]) -> Report:
    """Score predictions (quotes per document name) against the gold."""
    modes = {m: _empty_mode(m) for m in MODES}
    calibration = _buckets(CALIBRATION_EDGES)
    bins = _buckets(tuple(i / ECE_BINS for i in range(ECE_BINS + 1)))
    fps: list[Example] = []
    fns: list[Example] = []
    spk: list[Example] = []
    warnings = [w for d in gold_docs for w in d.warnings]
    known = {d.name for d in gold_docs}
    for name in sorted(set(predictions) - known):
        warnings.append(f"predictions for {name}, which is not in the gold, ignored")
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
                _collect_errors(doc, units, pairs, right, gold_tok, pred_tok, fps, fns, spk)
    ece = _ece(bins)
    return Report(len(gold_docs), modes, calibration, bins, ece, fps, fns, spk, warnings)


def _check_offsets(doc: GoldDocument, quotes: list[Quote]) -> list[str]:
    bad = sum(1 for q in quotes if doc.text[q.content.start : q.content.end] != q.content.text)
    if bad:
        return [f"{doc.name}: {bad} predicted quote(s) whose offsets do not index the normalised text"]
    return []


def _score_doc(
    ms: ModeScore,
    doc: GoldDocument,
    tokens: Tokens,
    units: list[PredictedUnit],
    pairs: list[tuple[int, int, float]],
) -> set[int]:
    """Add one document to ``ms``; return indices of end-to-end right units."""
    right_units: set[int] = set()
    for g in doc.attributions:
        for k in (g.kind, "overall"):
            ms.kinds[k].detection.n_gold += 1
            ms.kinds[k].end_to_end.n_gold += 1
    for u in units:
        for k in (u.kind, "overall"):
            ms.kinds.setdefault(k, KindScore())
            ms.kinds[k].detection.n_pred += 1
            ms.kinds[k].end_to_end.n_pred += 1
    for gi, pi, _ in pairs:
        g, u = doc.attributions[gi], units[pi]
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
        if ok:
            right_units.add(pi)
    return right_units


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


FP_PIECE = "piece of a found quote"
FP_BOUNDARY = "overlaps a missed quote"
FP_NOTHING = "overlaps no gold quote"
FN_BOUNDARY = "overlapped by a prediction below the threshold"
FN_NOTHING = "no prediction overlaps it"


def _collect_errors(
    doc: GoldDocument,
    units: list[PredictedUnit],
    pairs: list[tuple[int, int, float]],
    right: set[int],
    gold_tok: list[frozenset[int]],
    pred_tok: list[frozenset[int]],
    fps: list[Example],
    fns: list[Example],
    spk: list[Example],
) -> None:
    """Unmatched and wrong-speaker units, each with a diagnosis (``why``).

    A false positive that overlaps a *matched* gold quote is usually the
    second half of a split quote not tied to the first by its cue, or a
    duplicate; one that overlaps an unmatched gold quote has wrong
    boundaries; the rest are quotes the annotators did not mark.
    """
    matched_g = {gi for gi, _, _ in pairs}
    matched_p = {pi for _, pi, _ in pairs}
    for gi, g in enumerate(doc.attributions):
        if gi not in matched_g:
            touched = any(not gold_tok[gi].isdisjoint(p) for p in pred_tok)
            fns.append(_example("false negative", doc, g, None, FN_BOUNDARY if touched else FN_NOTHING))
    for pi, u in enumerate(units):
        if pi not in matched_p:
            overlapped = [gi for gi, g in enumerate(gold_tok) if not g.isdisjoint(pred_tok[pi])]
            if any(gi in matched_g for gi in overlapped):
                why = FP_PIECE
            else:
                why = FP_BOUNDARY if overlapped else FP_NOTHING
            fps.append(_example("false positive", doc, None, u, why))
    for gi, pi, _ in pairs:
        if pi not in right:
            spk.append(_example("wrong speaker", doc, doc.attributions[gi], units[pi]))


def _example(
    error: str, doc: GoldDocument, g: GoldAttribution | None, u: PredictedUnit | None, why: str | None = None
) -> Example:
    ex = Example(error=error, doc=doc.name, start=(g.content[0][0] if g else u.start), why=why)
    if g is not None:
        ex.gold_kind = g.kind
        ex.gold_content = fragments_text(doc.text, g.content)
        ex.gold_source = fragments_text(doc.text, g.source) if g.source else None
    if u is not None:
        ex.pred_kind = u.kind
        ex.pred_content = fragments_text(doc.text, u.content)
        ex.pred_speaker = u.speaker
        ex.pred_mention = u.mention.text if u.mention else None
        ex.confidence = u.confidence
    return ex


# ----------------------------------------------------------------------
# Output


def spread(items: list, n: int) -> list:
    """``n`` items evenly spaced through ``items``: deterministic, not clustered."""
    if n <= 0 or not items:
        return []
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def error_breakdown(report: Report) -> dict[str, dict[str, int]]:
    """How many false positives / negatives fall under each diagnosis."""
    out = {}
    for label, items in (("false_positives", report.false_positives), ("false_negatives", report.false_negatives)):
        counts: dict[str, int] = {}
        for ex in items:
            counts[ex.why or "?"] = counts.get(ex.why or "?", 0) + 1
        out[label] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def report_to_dict(report: Report, errors: int = 0) -> dict:
    """Everything in the report as plain JSON-able data (for ``--json``)."""
    out: dict[str, Any] = {"documents": report.n_docs}
    for mode, ms in report.modes.items():
        out[mode] = {
            "kinds": {k: ks.as_dict() for k, ks in ms.kinds.items()},
            "kind_confusion": [
                {"gold": g, "predicted": p, "count": c} for (g, p), c in sorted(ms.confusion.items())
            ],
            "speaker_by_source_type": {
                t: {"right": r, "judged": n, "accuracy": r / n if n else 0.0}
                for t, (r, n) in ms.speaker_by_source.items()
            },
        }
    out["calibration"] = {
        "buckets": [b.as_dict() for b in report.calibration],
        "bins": [b.as_dict() for b in report.calibration_bins],
        "ece": report.ece,
    }
    out["error_counts"] = {
        "false_positives": len(report.false_positives),
        "false_negatives": len(report.false_negatives),
        "speaker_errors": len(report.speaker_errors),
    }
    out["error_breakdown"] = error_breakdown(report)
    if errors:
        out["errors"] = {
            "false_positives": [e.as_dict() for e in spread(report.false_positives, errors)],
            "false_negatives": [e.as_dict() for e in spread(report.false_negatives, errors)],
            "speaker_errors": [e.as_dict() for e in spread(report.speaker_errors, errors)],
        }
    out["warnings"] = list(report.warnings)
    return out


def _pct(x: float) -> str:
    return f"{x:.3f}"


def format_report(report: Report, errors: int = 0):
    """A rich renderable: score tables, calibration, and ``errors`` examples."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(f"{report.n_docs} documents", style="bold")]
    for mode in MODES:
        ms = report.modes[mode]
        title = "exact spans" if mode == "exact" else f"token overlap (Jaccard ≥ {JACCARD_THRESHOLD})"
        t = Table(title=title, title_justify="left")
        for col in ("kind", "gold", "pred", "P", "R", "F1", "speaker acc", "e2e P", "e2e R", "e2e F1"):
            t.add_column(col, justify="left" if col == "kind" else "right")
        for k in (*KINDS, "overall"):
            ks = ms.kinds[k]
            d, e = ks.detection, ks.end_to_end
            t.add_row(
                k, str(d.n_gold), str(d.n_pred), _pct(d.precision), _pct(d.recall), _pct(d.f1),
                f"{_pct(ks.speaker_accuracy)} ({ks.speaker_total})", _pct(e.precision), _pct(e.recall), _pct(e.f1),
                style="bold" if k == "overall" else None,
            )
        parts.append(t)
    parts.append(_speaker_table(report.overlap))
    parts.append(_confusion_table(report.overlap))
    parts.append(_calibration_table(report))
    parts.append(_breakdown_table(report))
    if errors:
        for label, items in (
            ("false negatives (gold missed)", report.false_negatives),
            ("false positives (not in gold)", report.false_positives),
            ("wrong speaker", report.speaker_errors),
        ):
            parts.append(Text(f"\n{label}: {len(items)}, showing {min(errors, len(items))}", style="bold"))
            for ex in spread(items, errors):
                parts.append(Text(_describe(ex)))
    if report.warnings:
        parts.append(Text(f"\n{len(report.warnings)} warning(s); first: {report.warnings[0]}", style="yellow"))
    return Group(*parts)


def _speaker_table(ms: ModeScore):
    from rich.table import Table

    t = Table(title="speaker accuracy by gold source type (overlap)", title_justify="left")
    for col in ("source", "judged", "right", "accuracy"):
        t.add_column(col, justify="left" if col == "source" else "right")
    for stype, (r, n) in ms.speaker_by_source.items():
        t.add_row(stype, str(n), str(r), _pct(r / n if n else 0.0))
    return t


def _confusion_table(ms: ModeScore):
    from rich.table import Table

    t = Table(title="kind of matched pairs: gold (rows) × predicted (columns)", title_justify="left")
    pred_kinds = sorted({p for _, p in ms.confusion} | set(KINDS))
    t.add_column("gold")
    for p in pred_kinds:
        t.add_column(p, justify="right")
    for g in KINDS:
        t.add_row(g, *(str(ms.confusion.get((g, p), 0)) for p in pred_kinds))
    return t


def _calibration_table(report: Report):
    from rich.table import Table

    t = Table(title=f"calibration (end-to-end correct, overlap) — ECE {report.ece:.3f}", title_justify="left")
    for col in ("confidence", "predictions", "correct", "accuracy", "mean conf"):
        t.add_column(col, justify="right")
    for b in report.calibration:
        t.add_row(f"{b.low:.2f}–{b.high:.2f}", str(b.count), str(b.correct), _pct(b.accuracy), _pct(b.mean_confidence))
    return t


def _breakdown_table(report: Report):
    from rich.table import Table

    t = Table(title="unmatched quotes by diagnosis (overlap)", title_justify="left")
    t.add_column("error")
    t.add_column("diagnosis")
    t.add_column("count", justify="right")
    for label, counts in error_breakdown(report).items():
        for why, n in counts.items():
            t.add_row(label.replace("_", " "), why, str(n))
    return t


def _clip(s: str | None, n: int = 160) -> str:
    if s is None:
        return "—"
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _describe(ex: Example) -> str:
    lines = [f"• {ex.doc} @{ex.start}" + (f"  ({ex.why})" if ex.why else "")]
    if ex.gold_content is not None:
        lines.append(f"    gold [{ex.gold_kind}] {_clip(ex.gold_content)}  — source: {_clip(ex.gold_source, 60)}")
    if ex.pred_content is not None:
        lines.append(
            f"    pred [{ex.pred_kind} {ex.confidence:.2f}] {_clip(ex.pred_content)}  — speaker: "
            f"{_clip(ex.pred_speaker, 60)} (mention: {_clip(ex.pred_mention, 40)})"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------
# Running the pipeline


def predict(
    gold_docs: list[GoldDocument],
    nlp,
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Quote]]:
    """Run ``nlp`` over the gold texts and collect ``doc._.quotes``.

    Texts are the gold documents' normalised texts, so quote offsets index
    the same strings the gold offsets do. Single process, input order: the
    result is deterministic.
    """
    out: dict[str, list[Quote]] = {}
    texts = (d.text for d in gold_docs)
    for i, (gold, doc) in enumerate(zip(gold_docs, nlp.pipe(texts, batch_size=batch_size)), start=1):
        out[gold.name] = list(doc._.quotes)
        if progress is not None:
            progress(i, len(gold_docs))
    return out


def run(
    gold_dir: Path,
    nlp,
    limit: int | None = None,
    json_out: Path | None = None,
    console=None,
    errors: int = 0,
) -> Report:
    """What ``quotetrack evaluate`` does: read, predict, score, print, save."""
    from rich.console import Console

    console = console or Console()
    docs = read_gold(gold_dir)
    if limit is not None:
        docs = docs[:limit]
    with console.status(f"running quotetrack on {len(docs)} documents…") as status:

        def progress(i: int, n: int) -> None:
            status.update(f"running quotetrack: {i}/{n} documents")

        predictions = predict(docs, nlp, progress=progress)
    report = score(docs, predictions)
    console.print(format_report(report, errors=errors))
    if json_out is not None:
        import orjson

        Path(json_out).write_bytes(orjson.dumps(report_to_dict(report, errors=errors), option=orjson.OPT_INDENT_2))
    return report
