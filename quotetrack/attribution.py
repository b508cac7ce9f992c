"""Attributing quotes to speakers: names, appositions, coreference, continuation.

Input: the finder's :class:`~quotetrack.quotes.Candidate` list, where a
candidate knows the token the parse names as its source. Output: domain
:class:`~quotetrack.domain.Quote` objects carrying the speaker's full name
as the document gives it, the mention that names the speaker at the quote
("he"), what that mention was resolved to ("Jens Stoltenberg"), how, and
with what confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span, Token

from . import coref, cues
from .domain import Quote, TextSpan
from .names import resolve_in_document
from .quotes import Candidate, doc_text

PERSON_LABELS = ("PERSON",)
ORG_LABELS = ("ORG", "GPE", "NORP")
TITLE_WORDS = frozenset(
    """
    mr mrs ms dr sir madam president minister secretary general spokesman spokeswoman
    spokesperson chancellor senator governor ambassador chief director prime foreign
    defence defense deputy vice premier king queen prince princess pope
    """.split()
)
# With no coreference model, a pronoun is resolved to the nearest person named this close.
FALLBACK_WINDOW_CHARS = 600

# First-cut confidences by how the speaker was found; see the benchmark for calibration.
CONFIDENCE = {
    ("direct", "syntax"): 0.92,
    ("direct", "apposition"): 0.9,
    ("direct", "coref"): 0.82,
    ("direct", "nearest-name"): 0.55,
    ("direct", "continuation"): 0.65,
    ("direct", "description"): 0.6,
    ("direct", "none"): 0.3,
    ("indirect", "syntax"): 0.75,
    ("indirect", "apposition"): 0.72,
    ("indirect", "according"): 0.8,
    ("indirect", "coref"): 0.68,
    ("indirect", "nearest-name"): 0.45,
    ("indirect", "description"): 0.55,
    ("indirect", "none"): 0.25,
}


def has_coref(doc: Doc) -> bool:
    return coref.available(doc)


def attribute(doc: Doc, candidates: list[Candidate]) -> list[Quote]:
    """Turn candidates into quotes with speakers, in document order."""
    _ENTS.pop(doc, None)  # the entities as they are now
    coref = has_coref(doc)
    quotes: list[Quote] = []
    for cand in candidates:
        quotes.append(_attribute_one(doc, cand, coref))
    _continue_speakers(doc_text(doc), candidates, quotes)
    _complete_names(doc, quotes)
    for q in quotes:
        base = CONFIDENCE.get((q.kind if q.kind != "mixed" else "indirect", q.method), 0.5)
        if q.kind == "direct" and q.method == "continuation" and "same-paragraph" in q.flags:
            base = 0.75
        if "unclosed" in q.flags:
            base -= 0.1
        q.confidence = round(max(0.05, min(0.99, base)), 2)
    return quotes


def _tspan(span: Span | None) -> TextSpan | None:
    if span is None:
        return None
    return TextSpan(span.start_char, span.end_char, span.text)


def _attribute_one(doc: Doc, cand: Candidate, coref: bool) -> Quote:
    q = Quote(
        kind=cand.kind,
        content=TextSpan(cand.start, cand.end, doc_text(doc)[cand.start : cand.end]),
        cue=_tspan(cand.cue),
        flags=tuple(cand.flags),
    )
    src = cand.source
    if src is None:
        q.method = "none"
        return q
    if src.pos_ == "PRON" or src.lower_ in cues.PRONOUNS:
        _resolve_pronoun(doc, src, q, coref)
        return q
    mention, kind, method = name_in_phrase(src)
    if mention is not None:
        q.mention = _tspan(mention)
        q.speaker = clean_name(mention)
        q.speaker_kind = kind
        q.method = "according" if cand.via == "according" and method == "syntax" else method
        return q
    # A description ("the head of Russian diplomacy", "a spokeswoman"): keep the words,
    # and take a name only from the coreference model, never from a guess.
    phrase = _noun_phrase(src)
    q.mention = _tspan(phrase)
    q.method = "description"
    if coref:
        antecedent = coref_antecedent(doc, src)
        if antecedent is not None:
            q.resolved = _tspan(antecedent)
            q.speaker = clean_name(antecedent)
            q.speaker_kind = _kind_of(antecedent)
            q.method = "coref"
    if q.speaker is None and src.lemma_.lower() in cues.SOURCE_NOUNS:
        q.flags = q.flags + ("unnamed-source",)
    return q


def _resolve_pronoun(doc: Doc, src: Token, q: Quote, coref: bool) -> None:
    q.mention = _tspan(doc[src.i : src.i + 1])
    antecedent = coref_antecedent(doc, src) if coref else None
    if antecedent is not None:
        q.method = "coref"
    else:
        antecedent = _nearest_name_before(doc, src)
        q.method = "nearest-name" if antecedent is not None else "none"
        if not coref:
            q.flags = q.flags + ("no-coref",)
    if antecedent is not None:
        q.resolved = _tspan(antecedent)
        q.speaker = clean_name(antecedent)
        q.speaker_kind = _kind_of(antecedent)


# --- names in noun phrases ---------------------------------------------------


# ``doc.ents`` and ``span.ents`` build a Span for every entity of the document on each
# access; asked once per quote, that made attribution quadratic in the document's length.
_ENTS: WeakKeyDictionary = WeakKeyDictionary()


def _doc_ents(doc: Doc) -> tuple[tuple[Span, ...], list[int], list[int]]:
    """The doc's entities (in order, never overlapping), their start and end token indexes."""
    entry = _ENTS.get(doc)
    if entry is None:
        ents = tuple(doc.ents)
        entry = (ents, [e.start for e in ents], [e.end for e in ents])
        _ENTS[doc] = entry
    return entry


def _ents_in(span: Span) -> list[Span]:
    """``span.ents``: the entities wholly inside ``span``."""
    ents, starts, _ = _doc_ents(span.doc)
    out = []
    for k in range(bisect_left(starts, span.start), len(ents)):
        if ents[k].end > span.end:
            break
        out.append(ents[k])
    return out


def _entity_of(tok: Token) -> Span | None:
    if tok.ent_type_ == "":
        return None
    ents, starts, _ = _doc_ents(tok.doc)
    k = bisect_right(starts, tok.i) - 1
    return ents[k] if k >= 0 and ents[k].start <= tok.i < ents[k].end else None


def _noun_phrase(head: Token) -> Span:
    """The head's phrase, without clauses hanging off it."""
    doc = head.doc
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in ("relcl", "acl", "punct", "cc", "conj", "advcl"):
            break
        right = child.right_edge.i
    while right > left and doc[right].is_punct:
        right -= 1
    return doc[left : right + 1]


def name_in_phrase(head: Token) -> tuple[Span | None, str, str]:
    """The name a source phrase gives: (mention span, kind, method).

    'Foreign Minister Sergey Lavrov' → 'Sergey Lavrov' (syntax); 'a
    spokeswoman for the Alliance, Oana Lungescu' → 'Oana Lungescu'
    (apposition); 'NATO' → organization. ``None`` when the phrase names
    nobody ('experts', 'the head of Russian diplomacy').
    """
    ent = _entity_of(head)
    if ent is not None and ent.label_ in PERSON_LABELS:
        return _strip_titles(ent), "person", "syntax"
    phrase = _noun_phrase(head)
    people = [e for e in _ents_in(phrase) if e.label_ in PERSON_LABELS]
    if people:
        return _strip_titles(people[-1]), "person", "apposition"
    if ent is not None and ent.label_ in ORG_LABELS:
        return _strip_possessive(ent), "organization", "syntax"
    if head.pos_ == "PROPN":
        left = head.i
        while left > 0 and head.doc[left - 1].pos_ == "PROPN" and head.doc[left - 1].dep_ in ("compound", "flat"):
            left -= 1
        span = _strip_titles(head.doc[left : head.i + 1])
        if all(t.lower_.strip(".") in TITLE_WORDS for t in span):  # "the Minister": a description
            return None, "other", "none"
        return span, _kind_of(span), "syntax"
    orgs = [e for e in _ents_in(phrase) if e.label_ == "ORG"]
    if orgs and head.lemma_.lower() not in cues.SOURCE_NOUNS:
        return _strip_possessive(orgs[-1]), "organization", "apposition"
    return None, "other", "none"


def _strip_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span.doc[span.start : end]


def _strip_titles(span: Span) -> Span:
    span = _strip_possessive(span)
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_.strip(".") in TITLE_WORDS:
        start += 1
    return span.doc[start : span.end]


def clean_name(span: Span) -> str:
    text = span.text
    for suffix in ("’s", "'s", "´s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split())


def _kind_of(span: Span) -> str:
    labels = {t.ent_type_ for t in span if t.ent_type_}
    if labels & set(PERSON_LABELS):
        return "person"
    if labels & set(ORG_LABELS):
        return "organization"
    return "other"


# --- coreference ---------------------------------------------------------------


def _expand_name(tok: Token) -> Span:
    ent = _entity_of(tok)
    if ent is not None:
        return _strip_titles(ent)
    doc = tok.doc
    left = tok.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ in ("compound", "flat"):
        left -= 1
    return doc[left : tok.i + 1]


def coref_antecedent(doc: Doc, tok: Token) -> Span | None:
    """The nearest proper-name mention in ``tok``'s coreference chain (see :mod:`quotetrack.coref`)."""
    pick = coref.antecedent_token(doc, tok)
    return _expand_name(pick) if pick is not None else None


def _nearest_name_before(doc: Doc, tok: Token) -> Span | None:
    """Without coreference: the closest person named shortly before a he/she."""
    if tok.lower_ not in ("he", "she", "him", "her"):
        return None
    ents, _, ends = _doc_ents(doc)
    for k in range(bisect_right(ends, tok.i) - 1, -1, -1):  # the last one ending before tok, backwards
        ent = ents[k]
        if tok.idx - ent.start_char > FALLBACK_WINDOW_CHARS:
            break
        if ent.label_ in PERSON_LABELS:
            return _strip_titles(ent)
    return None


# --- document-level conventions ----------------------------------------------


def _continue_speakers(text: str, candidates: list[Candidate], quotes: list[Quote]) -> None:
    """A direct quote with no cue of its own continues the previous quote's speaker."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def paragraph_index(pos: int) -> int:
        return bisect_left(newlines, pos)  # the number of newlines before pos

    prev: Quote | None = None
    for cand, q in zip(candidates, quotes):
        if q.method == "none" and cand.kind == "direct" and cand.cue is None and prev is not None:
            same = paragraph_index(prev.start) == paragraph_index(q.start)
            near = paragraph_index(q.start) - paragraph_index(prev.end) <= 1
            if prev.speaker is not None and (same or near) and _opens_paragraph_or_follows(text, prev, q):
                q.speaker, q.speaker_kind = prev.speaker, prev.speaker_kind
                q.mention, q.resolved = prev.mention, prev.resolved
                q.method = "continuation"
                q.flags = q.flags + (("same-paragraph",) if same else ())
        if q.speaker is not None:
            prev = q


def _opens_paragraph_or_follows(text: str, prev: Quote, q: Quote) -> bool:
    line_start = text.rfind("\n", 0, q.start) + 1
    before = text[line_start : q.start]
    return len(before.strip()) <= 1 or prev.end >= line_start


def _complete_names(doc: Doc, quotes: list[Quote]) -> None:
    """Give surname-only speakers the full name the article uses ('Lavrov' → 'Sergey Lavrov')."""
    ents = _doc_ents(doc)[0]
    people = [clean_name(_strip_titles(e)) for e in ents if e.label_ in PERSON_LABELS]
    first_mention: dict[str, Span] = {}
    for e in ents:
        if e.label_ in PERSON_LABELS:
            first_mention.setdefault(clean_name(_strip_titles(e)), _strip_titles(e))
    # NER often labels a lone surname an organisation ("Lavrov said"): a name the article
    # gives elsewhere as a person's is taken as that person, whatever the label here.
    candidates = [q for q in quotes if q.speaker]
    mapping = resolve_in_document(people + [q.speaker for q in candidates])
    person_names = set(people)
    for q in candidates:
        full = mapping.get(q.speaker)
        if full is None:
            if q.speaker in mapping and q.speaker_kind == "person":  # two people share it: flag, don't guess
                q.flags = q.flags + ("ambiguous-name",)
            continue
        if full in person_names:
            q.speaker_kind = "person"
        if q.speaker_kind != "person" or full == q.speaker:
            continue
        q.speaker = full
        if q.resolved is None and full in first_mention:
            q.resolved = _tspan(first_mention[full])
