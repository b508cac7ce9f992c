"""Reporting frames from the learned span model, built on the cue frames of the parse.

The rule frames (:func:`quotetrack.extract.frames.find_frames`) are the model's
candidates and features: it reads which construction each token heads and which words
that frame takes as content, scores every token as a cue, and cuts each cue's content
itself. What comes out is a :class:`~quotetrack.extract.frames.Frame` per cue the model
believes in, with the model's probability as its ``prior``: the quote finder
(:mod:`quotetrack.extract.quotes`) treats them as it treats rule frames. A cue the rules
also saw keeps their cue words, construction and source; a cue only the model saw
(``claims of …``, ``afraid that …``, ``has been endorsed by …``) gets a construction
named after its part of speech (``learned-noun``) and the source the model picks (or none:
an implicit source).
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Span, Token

from . import cues
from .doc_index import DocIndex
from .frames import Frame, Nesting, cue_key, cue_span, lemma, subject_class, trimmed
from .span_features import DocArrays
from .span_model import Prediction, SpanModel
from .text_shape import TextShape

# Parts of speech that say nothing on their own: a content of one such word is a bad cut (a
# pronoun is not one: annotators take "it" or "which" as the content of "denied it", "which he denied").
FUNCTION_POS = frozenset({"SCONJ", "ADP", "PART", "CCONJ", "AUX", "PUNCT"})


def doc_arrays(ix: DocIndex, mask: bytearray, frames: list[Frame]) -> DocArrays:
    """The model's view of a document: its parse, quotation mask and rule frames by head token."""
    starts = ix.token_starts
    constructions: dict[int, str] = {}
    shapes: dict[int, str] = {}
    priors: dict[int, float] = {}
    members: dict[int, list[tuple[int, int]]] = {}
    nesting, shape = Nesting(frames), TextShape(ix.text)
    for f in frames:
        head = f.cue.start
        constructions[head] = f.construction
        shapes[head] = frame_shape(f, shape, nesting)
        priors[head] = f.prior
        # token ranges, not token lists: nested frames each hold the rest of the text
        members[head] = [(bisect_left(starts, a), bisect_left(starts, b)) for a, b in f.pieces]
    return DocArrays(ix.doc, ix.text, mask, constructions, members, shapes, priors)


def frame_shape(f: Frame, shape: TextShape, nesting: Nesting) -> str:
    """What the rule frame at a token looks like: its content's length and opening, what names the source."""
    words = shape.words(f.pieces)
    size = "1" if words <= 1 else "2-3" if words <= 3 else "4-8" if words <= 8 else "9+"
    quoted = "q" if shape.quoted(f.pieces) else "-"
    that = "that" if shape.head(f.pieces, 5).lower() == "that " else "-"
    nested = "nested" if nesting.nested(f) else "-"
    return f"{f.construction}|{size}|{quoted}|{that}|{subject_class(f)}|{nested}"


def learned_frames(ix: DocIndex, model: SpanModel, mask: bytearray, frames: list[Frame]) -> list[Frame]:
    """One frame per cue the model finds (probability at least its floor), content cut by the model."""
    by_head = {f.cue.start: f for f in frames}
    out = []
    for p in model.predict(ix.doc, doc_arrays(ix, mask, frames)):
        frame = _frame(ix, p, by_head.get(p.head))
        if frame is not None:
            out.append(frame)
    return out


def _cue_words(head: Token) -> Span:
    """The cue's words: a copula with the adjective it links ('are worried', 'is confident'), else as for verbs."""
    if head.pos_ == "AUX":
        adjective = next((c for c in head.rights if c.dep_ in ("acomp", "attr") and c.pos_ == "ADJ"), None)
        if adjective is not None and adjective.i - head.i <= 3:
            return head.doc[head.i : adjective.i + 1]
    return cue_span(head)


def _cut(ix: DocIndex, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges as character pieces, trimmed; a piece without a letter or digit is none."""
    doc, text = ix.doc, ix.text
    pieces = []
    for i, j in ranges:
        a, b = trimmed(text, doc[i].idx, doc[j - 1].idx + len(doc[j - 1]))
        if b > a and any(ch.isalnum() for ch in text[a:b]):
            pieces.append((a, b))
    return pieces


def _frame(ix: DocIndex, p: Prediction, rule: Frame | None) -> Frame | None:
    doc = ix.doc
    head = doc[p.head]
    pieces = _cut(ix, p.pieces)
    source = rule.source if rule is not None else (doc[p.source] if p.source is not None else None)
    pieces = _sound(ix, pieces, source, rule)
    if not pieces and rule is not None and rule.pieces and set(rule.pieces) <= set(_cut(ix, p.doubtful)):
        # the start and end scores and the parse agree on the content, the content scores
        # only doubt it ('Lavrov said that in case of urgent matters NATO could liaise …')
        pieces = list(rule.pieces)
    if not pieces:
        return None
    if rule is not None:
        f = Frame(rule.cue, rule.key, rule.construction, pieces, rule.source, rule.via, flags=list(rule.flags))
    else:
        # no rule frame here, so no rule source: the pair network's source head (trained on the
        # annotated sources), or none when it scores no token above even odds
        source = doc[p.source] if p.source is not None else None
        via = "implicit" if source is None else ("relative" if source.tag_ in ("WP", "WDT") else "subject")
        key = cue_key(head) if head.pos_ in ("VERB", "AUX") else lemma(head)
        f = Frame(_cue_words(head), key, "learned-" + head.pos_.lower(), pieces, source, via)
    f.prior = f.key_prior = p.probability
    return f



def with_nested_reports(frames: list[Frame], rule_frames: list[Frame]) -> list[Frame]:
    """The model's frames, plus the rule frame of a report inside a report it kept whole.

    'Lavrov said that NATO officials claimed that Russia had violated the treaty': the
    model rarely takes a cue inside another cue's content (PolNeAR's annotators often
    leave it), but a speech verb with its own subject reports there too, and the
    reader is told who claimed what. Such a rule frame comes back with its rule prior.
    """
    heads = {f.cue.start for f in frames}
    nested = [
        r for r in rule_frames
        if r.cue.start not in heads and r.prior >= cues.MIN_PRIOR and r.source is not None and r.via == "subject"
        and r.cue.root.pos_ == "VERB" and lemma(r.cue.root) in cues.SPEECH_VERBS
        and any(a <= r.cue.start_char and r.end <= b for f in frames for a, b in f.pieces)
    ]
    return frames + nested


def scare_quote(f: Frame, text: str, mask: bytearray) -> bool:
    """A frame whose whole content is a quoted phrase of a few words and that names no speaker:
    the so-called "open door" were discussed' (a scare quote, not a quotation)."""
    return f.source is None and all(all(mask[a:b]) for a, b in f.pieces) and sum(len(text[a:b].split()) for a, b in f.pieces) < 4


def passive_topic(f: Frame) -> bool:
    """A frame that names nobody and whose content is the passive subject of its cue: 'the
    plan and the "open door" were discussed at length' says what was talked about, not what
    anybody said (a content of its own, 'it is expected that …', is kept)."""
    if f.source is not None or len(f.pieces) != 1:
        return False
    head = f.cue.root
    a, b = f.pieces[0]
    for child in head.children:
        if child.dep_ == "nsubjpass":
            start, end = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
            return start <= a and b <= end
    return False


def _sound(ix: DocIndex, pieces: list[tuple[int, int]], source: Token | None, rule: Frame | None) -> list[tuple[int, int]]:
    """The model's pieces without the speaker's own name ('…, added Lavrov': not content); a
    content of one function word ('said [that]') is no content:
    the rule frame's, when there is one, else none."""
    if source is not None:
        pieces = [(a, b) for a, b in pieces if not a <= source.idx < b]
    if len(pieces) == 1:
        i, j = ix.token_range(*pieces[0])
        if j - i == 1 and ix.doc[i].pos_ in FUNCTION_POS:
            return list(rule.pieces) if rule is not None else []
    return pieces
