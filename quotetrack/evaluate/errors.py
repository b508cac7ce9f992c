"""Error examples for ``--errors``: unmatched and wrong-speaker units, each with a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from .gold import GoldAttribution, GoldDocument, fragments_text
from .matching import PredictedUnit

FP_PIECE = "piece of a found quote"
FP_BOUNDARY = "overlaps a missed quote"
FP_NOTHING = "overlaps no gold quote"
FN_BOUNDARY = "overlapped by a prediction below the threshold"
FN_NOTHING = "no prediction overlaps it"


@dataclass(slots=True)
class Example:
    """One error: where, what gold said, what we said."""

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
class Errors:
    """A document's errors under overlap matching, appended to in text order."""

    false_positives: list[Example]
    false_negatives: list[Example]
    speaker_errors: list[Example]


def collect_errors(
    errors: Errors,
    doc: GoldDocument,
    units: list[PredictedUnit],
    pairs: list[tuple[int, int, float]],
    right: set[int],
    gold_tok: list[frozenset[int]],
    pred_tok: list[frozenset[int]],
) -> None:
    """Add ``doc``'s unmatched units and wrong-speaker pairs to ``errors``.

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
            errors.false_negatives.append(
                _example("false negative", doc, g, None, FN_BOUNDARY if touched else FN_NOTHING)
            )
    for pi, u in enumerate(units):
        if pi not in matched_p:
            overlapped = [gi for gi, g in enumerate(gold_tok) if not g.isdisjoint(pred_tok[pi])]
            if any(gi in matched_g for gi in overlapped):
                why = FP_PIECE
            else:
                why = FP_BOUNDARY if overlapped else FP_NOTHING
            errors.false_positives.append(_example("false positive", doc, None, u, why))
    for gi, pi, _ in pairs:
        if pi not in right:
            errors.speaker_errors.append(_example("wrong speaker", doc, doc.attributions[gi], units[pi]))


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
