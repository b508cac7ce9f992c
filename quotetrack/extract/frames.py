"""Reporting frames in the parse: a cue, who it names as the source, and its content.

This module only reads the parse (the constructions are listed in ``docs/extraction.md``);
which (cue, construction) pairs report speech is the learned tables' answer.
Frames never cross a paragraph: content is cut to the cue's paragraph.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import LOWER, POS, TAG
from spacy.strings import get_string_id
from spacy.tokens import Span, Token

from . import cues
from .doc_index import DocIndex, Intervals
from .marks import strip_marks
from .stretch import Stretch, Subtrees
from .tables import Tables
from .text_shape import TextShape

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
# Prepositions that carry the content after an object: "accused X of Y", "described X as Y".
OBJECT_PREPS = frozenset({"of", "as", "for", "about", "over", "to", "against", "on", "with", "into", "from"})
# Prepositions that are part of a prep cue ("called for", "talked about").
CUE_PREPS = frozenset({"for", "about", "of", "to", "on", "against", "at", "with", "over", "into", "in", "from", "toward", "towards", "after", "upon"})
# Dependents of a cue verb that are part of the cue, not content: "said in a statement on Monday".
_CUE_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "prt", "npadvmod", "punct", "cc", "mark", "dative", "expl"})


@dataclass(slots=True)
class Frame:
    """One reporting frame: the cue words, the source token and the content pieces."""

    cue: Span
    key: str  # the cue as a lemma phrase: "say", "call for", "point out", "according to"
    construction: str
    pieces: list[tuple[int, int]]  # character spans of the content, in order
    source: Token | None = None
    via: str = "none"  # subject | inversion | participle | relative | agent | implicit | according | none
    prior: float = 0.0
    key_prior: float = 0.0
    flags: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


def lemma(tok: Token) -> str:
    lem = tok.lemma_.lower()
    return cues.LEMMA_FIXES.get(lem, lem)


def find_frames(ix: DocIndex, tables: Tables, min_prior: float | None = None, key_prior=None) -> list[Frame]:
    """Every frame of ``ix.doc`` whose prior reaches ``min_prior`` (default: cues.MIN_PRIOR).

    The prior is the frame classifier's probability (:meth:`Tables.frame_probability`
    over :func:`frame_features`) when the tables have a model, else the table prior of
    its (cue, construction). ``key_prior``: a function (key, construction) →
    prior to use instead of the table (for cross-fitted training).
    """
    threshold = cues.MIN_PRIOR if min_prior is None else min_prior
    key_prior = key_prior or tables.frame_prior
    text = ix.text
    frames: list[Frame] = []
    doc = ix.doc
    trees = Subtrees(doc)
    for i in _frame_heads(doc):
        tok = doc[i]
        try:
            found = _frames_at(tok, text, trees)
        except (IndexError, ValueError):  # a parse we cannot read: no frame, never a crash
            continue
        for f in found:
            if f.pieces:
                f.key_prior = key_prior(f.key, f.construction)
                frames.append(f)
    has_model = tables.frame_model is not None
    nesting, shape = Nesting(frames), TextShape(text)
    for f in frames:
        p = tables.frame_probability(frame_features(f, text, nesting, shape)) if has_model and f.key_prior > 0 else None
        f.prior = f.key_prior if p is None else p
    return [f for f in frames if f.prior >= threshold]


_TAIL_TAGS = np.array([get_string_id(t) for t in ("VBD", "VBZ", "VBP", "VBN")], dtype=np.uint64)


def _frame_heads(doc) -> list[int]:
    """Indexes of the tokens :func:`_frames_at` may find a frame at ("according", verbs), read
    from arrays so that no Token object is made for the others."""
    a = doc.to_array([LOWER, TAG, POS])
    keep = (a[:, 0] == get_string_id("according")) | np.isin(a[:, 1], _TAIL_TAGS) | (a[:, 2] == get_string_id("VERB"))
    return np.flatnonzero(keep).tolist()


_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_PERSONAL = frozenset({"he", "she", "they", "him", "her", "them"})


def subject_class(f: Frame) -> str:
    """What kind of words name the frame's source: a person, an organisation, a pronoun, …"""
    s = f.source
    if s is None:
        return f.via if f.via in ("implicit",) else "none"
    if f.via == "relative":
        return "relative"
    low = s.lower_
    if low in _PERSONAL:
        return "pron-person"
    if low in _FIRST_PERSON:
        return "pron-first"
    if s.pos_ == "PRON" or s.tag_ in ("WDT", "WP", "DT"):
        return "pron-other"
    if s.ent_type_ == "PERSON":
        return "person"
    if s.ent_type_ in ("ORG", "GPE", "NORP"):
        return "org"
    if s.pos_ == "PROPN":
        return "propn"
    if lemma(s) in cues.SOURCE_NOUNS or lemma(s) in cues.HUMAN_NOUNS:
        return "noun-human"
    if lemma(s) in cues.STATEMENT_NOUNS:
        return "noun-statement"
    return "noun"


class Nesting:
    """Which cues sit inside the content of another, reliable frame (by bisection, not a scan per frame)."""

    def __init__(self, frames: list[Frame]):
        self.pieces = Intervals((a, b, id(g)) for g in frames if g.key_prior >= 0.5 for a, b in g.pieces)

    def nested(self, f: Frame) -> bool:
        pos = f.cue.start_char
        # one piece of f at most holds its own cue: two spans are enough to answer
        return any(owner != id(f) for _, _, owner in self.pieces.overlapping(pos, pos + 1, limit=2))


def frame_features(f: Frame, text: str, nesting: Nesting | None = None, shape: TextShape | None = None) -> dict[str, float]:
    """The frame classifier's inputs: cue reliability, construction, source, verb form, content shape.

    ``text``: the document's text; ``shape``: its :class:`TextShape` (made here if not given:
    give one per text when asking of many frames).
    """
    root = f.cue.root
    shape = shape if shape is not None else TextShape(text)
    words = shape.words(f.pieces)
    kp = min(0.99, max(0.01, f.key_prior))
    subj = subject_class(f)
    feats = {
        "key": math.log(kp / (1 - kp)),
        f"c={f.construction}": 1.0,
        f"s={subj}": 1.0,
        f"c={f.construction}&s={subj}": 1.0,
        f"tag={root.tag_ if root.tag_ in ('VBD', 'VBZ', 'VBP', 'VBG', 'VBN', 'VB') else 'other'}": 1.0,
        "len": math.log1p(words),
        "short": 1.0 if words <= 3 else 0.0,
        "quoted": 1.0 if shape.quoted(f.pieces) else 0.0,
        "that": 1.0 if shape.head(f.pieces, 5).lower() == "that " else 0.0,
        "cue_words": float(len(f.cue)),
    }
    children = list(root.children)
    if any(c.dep_ == "neg" for c in children):
        feats["neg"] = 1.0
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in children):
        feats["modal"] = 1.0
    if root.dep_ in ("relcl", "acl"):
        feats["in-relative"] = 1.0
    if root.dep_ in ("advcl", "xcomp", "pcomp"):
        feats["dependent"] = 1.0
    if nesting is not None and nesting.nested(f):
        feats["nested"] = 1.0
    return feats


def _frames_at(tok: Token, text: str, trees: Subtrees) -> list[Frame]:
    if tok.lower_ == "according":
        f = according(tok, text, trees)
        return [f] if f else []
    if tok.tag_ in ("VBD", "VBZ", "VBP", "VBN"):
        tail = tail_frame(tok, text)
        if tail is not None:
            return [tail]
    if tok.pos_ != "VERB":
        return []
    return verb_frames(tok, text, trees)


def tail_frame(verb: Token, text: str) -> Frame | None:
    """'…, added Lavrov.' / '"…", denounced Russia.': a cue and its source closing the sentence.

    Read from the surface, because the parser often takes the inverted
    subject for an object or the verb for a modifier. The content is the
    sentence before the comma (or closing mark) that precedes the cue.
    """
    doc = verb.doc
    if lemma(verb) in RECIPIENT_VERBS or any(c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i for c in verb.children):
        return None  # '…," Butz, 49, told the Post': the subject came first, the Post is told
    k = verb.i - 1
    while k >= 0 and doc[k].is_quote:
        k -= 1
    if k < 0 or doc[k].text not in (",", "—", "–") and not doc[verb.i - 1].is_quote:
        return None
    # after the verb: a short noun phrase, then the end of the sentence
    end = verb.i + 1
    while end < len(doc) and not (doc[end].is_punct and doc[end].text in ".!?;") and doc[end].text != "\n" and end - verb.i <= 9:
        if doc[end].text == "," and end + 1 < len(doc) and doc[end + 1].pos_ not in ("PROPN", "NOUN", "DET", "ADJ"):
            break
        end += 1
    phrase = [t for t in doc[verb.i + 1 : end] if not t.is_punct]
    if not phrase or len(phrase) > 8 or not all(t.pos_ in ("PROPN", "NOUN", "DET", "ADJ", "PRON", "ADP", "NUM", "PART", "CCONJ") for t in phrase):
        return None
    if phrase[0].pos_ in ("ADP", "PART", "CCONJ"):
        return None  # '..., Adam Green said in a statement.': the subject came first
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in phrase):
        return None
    if any(t.pos_ == "PRON" and t.lower_ in ("it", "them", "him", "her", "us", "me") for t in phrase[:1]):
        return None  # "..., denounced it.": an object, not an inverted subject
    if any(t.ent_type_ in ("DATE", "TIME") for t in phrase):
        return None  # "..., said Monday."
    people = [t for t in phrase if t.ent_type_ == "PERSON"]
    source = people[-1] if people else next(t for t in phrase if t.pos_ in ("PROPN", "NOUN", "PRON"))
    while source.head.i != source.i and source.head in phrase and source.dep_ in ("compound", "flat", "amod", "poss"):
        source = source.head
    sent_start = verb.sent.start
    p_start, _ = paragraph_of(text, verb)
    tokens = Stretch.between(doc, max(sent_start, _token_at(doc, p_start)), k - 1)
    pieces = _pieces(tokens, verb, text) if tokens else []
    if not pieces:
        return None
    return Frame(cue_span(verb), cue_key(verb), "tail", pieces, source, "inversion")


# --- cue spans and keys ----------------------------------------------------


def cue_span(verb: Token, extra: Token | None = None) -> Span:
    """The cue words: the verb, its particle ('pointed out'), a preposition taken into the cue."""
    doc = verb.doc
    start, end = verb.i, verb.i + 1
    for child in verb.children:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    if extra is not None:
        start, end = min(start, extra.i), max(end, extra.i + 1)
    return doc[start:end]


def cue_key(verb: Token, prep: Token | None = None) -> str:
    parts = [lemma(verb)]
    parts += [c.lower_ for c in verb.children if c.dep_ == "prt"]
    if prep is not None:
        parts.append(prep.lower_)
    return " ".join(parts)


# --- the source ------------------------------------------------------------


def subject_of(verb: Token, inside: tuple[int, int] | None = None) -> tuple[Token | None, str]:
    """The token naming who speaks through ``verb``, and how it was found.

    ``inside``: character range of the content; a subject found there is
    part of the content, not its source. Passives give the agent ("was
    criticized by X") or nobody (``implicit``: "is expected to", "it is said").
    """
    if lemma(verb) in cues.IMPLICIT_SOURCE:
        return None, "implicit"
    for child in verb.children:
        if child.dep_ == "nsubj" and child.tag_ != "EX" and _outside(child, inside):
            if child.lower_ == "it" and any(c.dep_ == "ccomp" for c in verb.children) and verb.lemma_ in ("seem", "appear"):
                return None, "implicit"
            if child.tag_ in ("WP", "WDT") or (child.lower_ == "that" and verb.dep_ == "relcl"):
                return child, "relative"
            return child, ("inversion" if child.i > verb.i else "subject")
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None and _outside(pobj, inside):
                    return pobj, "agent"
        return None, "implicit"
    if any(c.dep_ == "expl" for c in verb.children):
        return None, "implicit"
    found = _subject_above(verb, inside)
    if found is not None:
        return found
    left = _left_noun(verb, inside)
    if left is not None:
        return left, "subject"
    return None, "none"


def _outside(tok: Token, inside: tuple[int, int] | None) -> bool:
    return inside is None or not (inside[0] <= tok.idx < inside[1])


def _subject_above(verb: Token, inside: tuple[int, int] | None) -> tuple[Token | None, str] | None:
    """The source of a participle or infinitive: that of the verb it depends on (None: not found).

    "..., saying ...", "declined to say", "by rejecting ...", "was able to convince ...".
    """
    head = verb
    for _ in range(6):
        if head.head.i == head.i or head.dep_ not in _CLIMB:
            break
        if head.dep_ in ("acl", "advcl") and head.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in head.children):
            # "members accused of spying", "Asked about it, Trump said …": the noun is who is
            # spoken of or to; who spoke is not said.
            return None, "implicit"
        if head.dep_ == "xcomp":
            # "prompting Russia to withdraw", "urged Congress to act": the object does it.
            obj = next((c for c in head.head.children if c.dep_ in ("dobj", "dative") and c.i < head.i), None)
            if obj is not None and _outside(obj, inside):
                return obj, "participle"
        if head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _noun_source(head.head, inside)
        head = head.head
        for child in head.children:
            if child.dep_ == "nsubj" and _outside(child, inside) and child.tag_ != "EX":
                if child.tag_ in ("WP", "WDT") or (child.lower_ == "that" and head.dep_ == "relcl"):
                    return child, "relative"
                return child, "participle"
            if child.dep_ == "nsubjpass":
                return None, "implicit"
    return None


def _noun_source(noun: Token, inside: tuple[int, int] | None) -> tuple[Token, str]:
    """Who speaks through a participle hanging off ``noun``.

    "officials saying ...": the noun names the source. "said in a statement
    highlighting ...", "his statement saying ...": the statement's author.
    """
    if lemma(noun) in cues.STATEMENT_NOUNS:
        author = author_of(noun, inside)
        if author is not None:
            return author, "participle"
    if not _inanimate(noun):
        return noun, "participle"
    # "gave a speech refuting …", "took a moment to point out …": the thing
    # does not speak; whoever the clause is about does.
    gov = noun.head
    while gov.head.i != gov.i and gov.pos_ not in ("VERB", "AUX"):
        gov = gov.head
    subj = next((c for c in gov.children if c.dep_ == "nsubj" and _outside(c, inside) and c.tag_ != "EX"), None)
    if subj is not None and not _inanimate(subj):
        return subj, "participle"
    return noun, "participle"


def _inanimate(tok: Token) -> bool:
    """A common noun that names no one ('the speech', 'a moment'), as far as the words tell."""
    return (
        tok.pos_ == "NOUN"
        and not tok.ent_type_
        and lemma(tok) not in cues.SOURCE_NOUNS
        and lemma(tok) not in cues.HUMAN_NOUNS
        and lemma(tok) not in cues.STATEMENT_NOUNS
    )


# Dependencies a subject search climbs through, from a participle or infinitive to its governor.
_CLIMB = frozenset({"advcl", "xcomp", "conj", "pcomp", "acl", "dep", "prep", "acomp", "advmod"})


def _left_noun(verb: Token, inside: tuple[int, int] | None) -> Token | None:
    """A misparsed subject: 'Trump, in Kentucky, said …' with 'Trump' hung off the verb otherwise."""
    if verb.dep_ not in ("ROOT", "ccomp", "conj", "parataxis"):
        return None
    for child in sorted(verb.lefts, key=lambda t: -t.i):
        if child.dep_ in ("npadvmod", "dep", "appos", "nmod", "intj", "attr") and child.pos_ in ("PROPN", "NOUN", "PRON"):
            if inside is None or not (inside[0] <= child.idx < inside[1]):
                if child.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
                    return child
    return None


def author_of(noun: Token, inside: tuple[int, int] | None = None) -> Token | None:
    """Who wrote or spoke a statement noun: 'his statement', 'said in a statement' → the subject."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    node = noun
    for _ in range(3):
        if node.dep_ in ("pobj", "dobj", "prep") and node.head.i != node.i:
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                src, via = subject_of(node, inside)
                return src if via != "implicit" else None
        else:
            break
    return None


# Speech verbs whose direct object is who is spoken to.
RECIPIENT_VERBS = frozenset({"tell", "ask", "assure", "inform", "remind", "advise", "brief", "reassure", "urge", "email", "text"})


def inverted_object(verb: Token, inside: tuple[int, int] | None = None) -> Token | None:
    """'"...", denounced Russia.': the parser often reads the inverted subject as an object.

    Not for verbs whose object is the listener: in '"…," Butz told the
    Huffington Post' the Post is told, not telling.
    """
    deps = ("nsubj",) if lemma(verb) in RECIPIENT_VERBS else ("dobj", "attr", "npadvmod", "nsubj")
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in deps
            and child.pos_ in ("PROPN", "NOUN")
            and (inside is None or not (inside[0] <= child.idx < inside[1]))
        ):
            return child
    return None


# --- content -----------------------------------------------------------------


def paragraph_of(text: str, tok: Token) -> tuple[int, int]:
    start = text.rfind("\n", 0, tok.idx) + 1
    end = text.find("\n", tok.idx)
    return start, len(text) if end < 0 else end


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge whitespace, marks and sentence-final punctuation (content has no frame)."""
    start, end = strip_marks(text, start, end)
    while end > start and text[end - 1] in ".!?":
        end -= 1
    return strip_marks(text, start, end)


def _token_at(doc, char: int) -> int:
    """Index of the first token starting at or after ``char`` (a binary search: no walk over the doc)."""
    return bisect_left(range(len(doc)), char, key=lambda i: doc[i].idx)


def content_span(tokens: Stretch, anchor: Token, text: str) -> tuple[int, int] | None:
    """Character span of ``tokens`` within ``anchor``'s paragraph, trimmed; None if empty.

    The span runs from the first to the last token (a subtree with a gap, from
    a non-projective arc, is taken whole); a gap that is a cue left out is split by
    the caller.
    """
    p_start, p_end = paragraph_of(text, anchor)
    doc = anchor.doc
    tokens = tokens.clip(_token_at(doc, p_start), _token_at(doc, p_end) - 1)
    if not tokens:
        return None
    first, last = tokens.first, tokens.last
    start, end = trimmed(text, first.idx, last.idx + len(last))
    if end <= start or not any(ch.isalnum() for ch in text[start:end]):
        return None
    if len(tokens) == 1 and first.pos_ not in ("NOUN", "PROPN", "NUM", "PRON"):
        return None  # a lone "that" or "so": a misparse, not a content
    return start, end


def _without(tokens: Stretch, tok: Token | None) -> Stretch:
    if tok is None:
        return tokens
    return tokens.without(tok.left_edge.i, tok.right_edge.i)


def _pieces(tokens: Stretch, anchor: Token, text: str, gap: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    """Content pieces: one span, or two around ``gap`` (token indexes of the cue phrase)."""
    if gap is None:
        span = content_span(tokens, anchor, text)
        return [span] if span else []
    left = tokens.before(gap[0])
    right = tokens.after(gap[1])
    out = []
    for part in (left, right):
        span = content_span(part, anchor, text) if part else None
        if span:
            out.append(span)
    return out


# --- verb frames ---------------------------------------------------------------


def verb_frames(verb: Token, text: str, trees: Subtrees) -> list[Frame]:
    """The frame a verb heads: by its clause, the clause around it, or its object, infinitive or preposition."""
    children = list(verb.children)
    ccomps = [c for c in children if c.dep_ == "ccomp"]
    ccomp = next((c for c in ccomps if c.i > verb.i), None)
    if ccomp is None:
        ccomp = next((c for c in ccomps if _is_clause(c) or _quoted_start(c)), None)
    if ccomp is not None:
        return _clause_frame(verb, ccomp, text, trees)
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        return _parenthetical_frame(verb, text, trees)
    return _complement_frame(verb, children, text, trees)


def _clause_frame(verb: Token, ccomp: Token, text: str, trees: Subtrees) -> list[Frame]:
    """'Lavrov said (that) …' / '…, Lavrov said.': the clause is the content."""
    before = ccomp.i < verb.i
    subtree = trees.of(ccomp)
    # the side of the verb the clause is on (a non-projective subtree can reach past the verb)
    tokens = subtree.before(verb.i) if before else subtree.after(verb.i)
    source, via = subject_of(verb)
    if source is not None and source.i > verb.i and via == "subject":
        via = "inversion"
    tokens = _without(tokens, source)
    if before and source is None and via == "none":
        # '"…," a spokesperson, Oana Lungescu, said': the parser hung the source inside the clause.
        source, tokens = _trailing_source(verb, tokens)
        via = "subject" if source is not None else via
    pieces = _pieces(tokens, verb, text)
    construction = "ccomp-before" if before else "ccomp"
    return [Frame(cue_span(verb), cue_key(verb), construction, pieces, source, via)] if pieces else []


def _parenthetical_frame(verb: Token, text: str, trees: Subtrees) -> list[Frame]:
    """'By early next month, foreign minister Sergey Lavrov said, Russia will halt …'.

    The content is the clause around the cue, in two pieces when the cue is inside it.
    """
    head = verb.head
    lo, hi = verb.left_edge.i, verb.right_edge.i
    tokens = trees.of(head).without(lo, hi)
    source, via = subject_of(verb)
    inside = bool(tokens.before(lo)) and bool(tokens.after(hi))
    pieces = _pieces(tokens, verb, text, (lo, hi) if inside else None)
    return [Frame(cue_span(verb), cue_key(verb), "parenthetical", pieces, source, via)] if pieces else []


def _complement_frame(verb: Token, children: list[Token], text: str, trees: Subtrees) -> list[Frame]:
    """A verb without a clause: its object (and what follows it), its infinitive, or a preposition's object."""
    frames = []
    dobj = next((c for c in children if c.dep_ in ("dobj",) and c.i > verb.i), None)
    source, via = subject_of(verb)
    if dobj is not None and dobj.lower_ == "that" and dobj.tag_ == "IN":
        # "said that ..." with the clause misparsed under "that": the rest of the sentence.
        tokens = Stretch.between(verb.doc, dobj.i, verb.sent.end - 1)
        pieces = _pieces(_without(tokens, source), verb, text)
        return [Frame(cue_span(verb), cue_key(verb), "ccomp", pieces, source, via)] if pieces else []
    if dobj is not None:
        tokens = trees.of(dobj)
        for sib in children:
            if sib.i <= dobj.i:
                continue
            if sib.dep_ in ("oprd", "xcomp", "ccomp", "acomp") or (sib.dep_ == "prep" and sib.lower_ in OBJECT_PREPS):
                tokens |= trees.of(sib)
        span = content_span(tokens, verb, text)
        if span:
            frames.append(Frame(cue_span(verb), cue_key(verb), "object", [span], source, via))
        return frames
    xcomp = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
    if xcomp is not None:
        tokens = trees.of(xcomp)
        span = content_span(tokens, verb, text)
        if span:
            frames.append(Frame(cue_span(verb), cue_key(verb), "xcomp", [span], source, via))
        return frames
    prep = next((c for c in children if c.dep_ == "prep" and c.i > verb.i and c.lower_ in CUE_PREPS), None)
    if prep is not None and _adjacent(verb, prep):
        obj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)
        if obj is not None:
            span = content_span(trees.of(obj), verb, text)
            if span:
                frames.append(Frame(cue_span(verb, prep), cue_key(verb, prep), "prep", [span], source, via))
    return frames


def _is_clause(head: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in head.children)


def _quoted_start(head: Token) -> bool:
    first = head.left_edge
    return first.i > 0 and first.doc[first.i - 1].is_quote or first.is_quote


def _trailing_source(verb: Token, tokens: Stretch) -> tuple[Token | None, Stretch]:
    """The noun phrase right before a cue verb that has no subject, split off the content.

    It starts after the last comma or closing quotation mark before the
    verb; it must hold a noun, a name or a pronoun.
    """
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].text == ",":
        i -= 1
    j = i
    quoted = False
    while j >= 0 and i - j < 12:
        if doc[j].is_quote:
            quoted = True
            break
        j -= 1
    if not quoted:
        j = i
        while j >= 0 and doc[j].text != "," and i - j < 8:
            j -= 1
    phrase = [t for t in doc[j + 1 : i + 1] if t.text != ","]
    if not phrase or not any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in phrase):
        return None, tokens
    people = [t for t in phrase if t.ent_type_ == "PERSON"]
    head = people[-1] if people else next(t for t in phrase if t.pos_ in ("PROPN", "NOUN", "PRON"))
    while head.head.i != head.i and head.head in phrase and head.dep_ in ("compound", "flat", "amod", "poss", "appos"):
        head = head.head
    lo = phrase[0].i
    return head, tokens.before(lo)


def _adjacent(verb: Token, prep: Token) -> bool:
    """The preposition follows the verb (its particle or a short adverb aside): 'called for', 'spoke openly about'."""
    between = [t for t in verb.doc[verb.i + 1 : prep.i]]
    return len(between) <= 2 and all(t.dep_ in ("prt", "advmod", "neg") for t in between)


def according(tok: Token, text: str, trees: Subtrees) -> Frame | None:
    """'According to X, <content>' / '<content>, according to X': the clause, without the phrase."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    head = tok.head
    if head.i == tok.i:
        return None
    lo, hi = tok.left_edge.i, tok.right_edge.i
    tokens = trees.of(head).without(lo, hi)
    inside = bool(tokens.before(lo)) and bool(tokens.after(hi))
    pieces = _pieces(tokens, tok, text, (lo, hi) if inside else None)
    if not pieces:
        return None
    doc = tok.doc
    return Frame(doc[tok.i : to.i + 1], "according to", "according", pieces, source, "according")
