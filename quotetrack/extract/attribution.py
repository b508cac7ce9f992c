"""Attributing quotes to speakers: names, appositions, coreference, continuation.

Turns the finder's candidates into :class:`~quotetrack.domain.Quote` objects with the
speaker's name as the document gives it, the mention at the quote, what it was resolved
to, how, and the confidence. The rules, in order, are told in ``docs/extraction.md``.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from ..domain import Quote, TextSpan
from ..names import parse_person, resolve_in_document
from . import confidence, coref, cues, layouts
from .candidates import Candidate
from .descriptions import DETERMINERS, PARTY_WORDS, TitleIndex, age_antecedent, description_antecedent
from .doc_index import DocIndex
from .speaker_names import (
    ORG_LABELS,
    PERSON_LABELS,
    PRONOUN_GENDER,
    TITLE_WORDS,
    clean_name,
    is_time,
    name_gender,
    person_surnames,
    strip_determiner,
    strip_possessive,
    strip_titles,
    titled_name,
)
from .speaker_names import kind_of as _kind_of
from .tables import Tables

# Head nouns of phrases that speak as an institution: "the Clinton campaign", "Trump's office".
INSTITUTION_NOUNS = frozenset(
    """
    campaign administration office government ministry department committee team party
    agency commission council court company embassy mission alliance authority authorities
    organization organisation group firm bank army military police service board union
    newspaper network channel website magazine paper
    """.split()
)
# With no coreference model, a pronoun is resolved to the nearest person named this close.
FALLBACK_WINDOW_CHARS = 600
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
# Pronouns that only ever name people ("it" and "they" may name an organisation).
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
# A he/she with no person in reach names nobody we know: the quote ranks low whatever the
# table says (PolNeAR scores the bare "he" right by position, a reader would not).
UNRESOLVED_CEILING = 0.3
# Flags a split half or continuation takes over from the quote it continues.
INHERITED_FLAGS = ("no-coref", "unnamed-source", "unresolved-pronoun")

_strip_titles = strip_titles  # the name tests/extract/test_quote_lookups.py imports


def has_coref(doc: Doc) -> bool:
    return coref.available(doc)


def attribute(doc: Doc, candidates: list[Candidate], tables: Tables, index: DocIndex | None = None) -> list[Quote]:
    """Turn candidates into quotes with speakers, in document order. Never raises on odd parses.

    ``index``: the document's lookups, when the caller shares them with the finder.
    """
    ctx = context(doc, index)
    return finish(ctx, candidates, speakers(ctx, candidates), tables)


def context(doc: Doc, index: DocIndex | None = None) -> _Context:
    """What attribution knows of ``doc`` before asking coreference anything: made once per document."""
    ix = index if index is not None else DocIndex(doc)
    return _Context(ix, has_coref(doc), TitleIndex(doc), person_surnames(ix.ents[0]))


def speakers(ctx: _Context, candidates: list[Candidate]) -> list[Quote]:
    """Each candidate's quote and speaker, as its own cue and source give it: the step that asks
    coreference (the window resolver's dry run repeats only this)."""
    quotes: list[Quote] = []
    for cand in candidates:
        try:
            q = _attribute_one(ctx, cand)
        except (IndexError, ValueError, AttributeError):
            q = _bare(ctx.ix, cand)
        quotes.append(q)
    return quotes


def finish(ctx: _Context, candidates: list[Candidate], quotes: list[Quote], tables: Tables) -> list[Quote]:
    """Speakers across quotes (a continuation takes its opener's, surnames their full names), then
    confidences; ``quotes`` are :func:`speakers`' for the same candidates."""
    by_candidate = {id(cand): q for cand, q in zip(candidates, quotes)}
    for cand, q in zip(candidates, quotes):
        if cand.follows is not None and id(cand.follows) in by_candidate:
            _copy_speaker(by_candidate[id(cand.follows)], q, cand.construction)
    _complete_names(ctx.ix, quotes)
    for cand, q in zip(candidates, quotes):
        q.confidence = capped(q, confidence.confidence(cand, q, tables.confidence))
    return quotes


def capped(q: Quote, value: float) -> float:
    """The confidence with the product's promises applied on top of the fitted table."""
    return min(value, UNRESOLVED_CEILING) if "unresolved-pronoun" in q.flags else value


class _Context:
    """What attribution knows of one document: lookups, coreference, titles, people's surnames."""

    def __init__(self, ix: DocIndex, coref: bool, titles: TitleIndex, surnames: frozenset[str]):
        self.ix, self.coref, self.titles, self.surnames = ix, coref, titles, surnames
        self._genders: dict[str, set[str]] | None = None

    def is_person(self, tok: Token) -> bool:
        """A name that denotes a person: labelled so, or the surname of a person the article names."""
        name = _expand_name(tok, self.ix)
        return _kind_of(name) == "person" or strip_possessive(name)[-1].lower_ in self.surnames

    def gender(self, name: Span) -> str | None:
        """What the name, or the article's fuller names with that word, tells of gender: 'Clinton' after
        'Hillary Clinton' only is a woman (after Bill and Hillary, nobody knows); 'Hillary' after
        'Hillary Clinton' is a woman."""
        known = name_gender(name)
        if known is not None or len(strip_titles(name)) > 1:
            return known
        if self._genders is None:
            self._genders = {}
            for e in self.ix.ents[0]:
                g = name_gender(e) if e.label_ in PERSON_LABELS else None
                full = strip_titles(strip_possessive(e)) if g is not None else None
                if full is not None and len(full) > 1:
                    self._genders.setdefault(full[-1].lower_, set()).add(g)  # by surname
                    self._genders.setdefault(full[0].lower_, set()).add(g)  # by given name
        found = self._genders.get(strip_possessive(name)[-1].lower_, set())
        return next(iter(found)) if len(found) == 1 else None

    def person_for(self, pronoun: Token):
        """Which names ``pronoun`` (he, she) may stand for: people whose gender, when told, agrees."""
        wanted = PRONOUN_GENDER.get(pronoun.lower_)

        def accept(tok: Token) -> bool:
            return self.is_person(tok) and self.gender(_expand_name(tok, self.ix)) in (None, wanted)

        return accept


def _tspan(span: Span | None) -> TextSpan | None:
    if span is None or len(span) == 0:
        return None
    return TextSpan(span.start_char, span.end_char, span.text)


def _bare(ix: DocIndex, cand: Candidate) -> Quote:
    return Quote(
        kind=cand.kind,
        content=TextSpan(cand.start, cand.end, ix.text[cand.start : cand.end]),
        cue=_tspan(cand.cue),
        flags=tuple(cand.flags),
    )


def _copy_speaker(src: Quote, q: Quote, construction: str) -> None:
    """A split half or continuation speaks with the voice of the quote it continues."""
    q.speaker, q.speaker_kind = src.speaker, src.speaker_kind
    q.mention, q.resolved = src.mention, src.resolved
    if construction == "continuation":
        q.method = "continuation" if src.speaker is not None or src.mention is not None else "none"
    else:
        q.method = src.method
    q.flags = tuple(dict.fromkeys(q.flags + tuple(f for f in src.flags if f in INHERITED_FLAGS)))


def _attribute_one(ctx: _Context, cand: Candidate) -> Quote:
    ix = ctx.ix
    q = _bare(ix, cand)
    src = cand.source
    if src is not None and _is_when(src, ix):
        src = None  # '"…," said Monday', '5:45 p.m.': when, not who
    if src is None:
        q.method = "none"
        if cand.via == "implicit":
            q.flags = q.flags + ("implicit-source",)
        return q
    if cand.via == "label":
        layouts.label_speaker(ix, cand, q)
        return q
    if cand.via == "relative" or (src.lower_ in RELATIVE_PRONOUNS and src.tag_ in ("WP", "WDT")):
        _resolve_relative(ix, src, q, ctx.titles)
        return q
    if src.pos_ == "PRON" or src.lower_ in cues.PRONOUNS:
        _resolve_pronoun(ctx, src, q)
        return q
    _resolve_phrase(ix, src, q, ctx.coref, ctx.titles, cand.cue)
    if cand.via == "according" and q.method == "syntax":
        q.method = "according"
    return q


def _is_when(src: Token, ix: DocIndex) -> bool:
    """A source phrase that only says when ('Monday', '5:45 p.m.'); not 'Broaddrick Sunday night', not a name's phrase."""
    if not is_time(src):
        return False
    words = [t for t in noun_phrase(src) if not t.is_punct and t.dep_ != "det"]
    return all(is_time(t) for t in words) and name_in_phrase(src, ix)[1] not in ("person", "organization")


def _resolve_phrase(ix: DocIndex, src: Token, q: Quote, coref: bool, titles: "TitleIndex", cue: Span | None = None) -> None:
    doc = ix.doc
    mention, kind, method = name_in_phrase(src, ix)
    if mention is not None and cue is not None and mention.start < cue.start < mention.end:
        # NER ran the name into a headline's cue: "Dennis Prager Tells …"
        mention = doc[mention.start : cue.start]
    if mention is not None:
        q.mention = _tspan(mention)
        q.speaker = clean_name(mention)
        q.speaker_kind = kind
        q.method = method
        return
    # A description ("the head of Russian diplomacy", "a spokeswoman"): keep the words,
    # and take a name only from the article, never from a guess.
    phrase = noun_phrase(src)
    q.mention = _tspan(phrase)
    q.method = "description"
    antecedent = description_antecedent(doc, phrase, titles) or age_antecedent(phrase, *ix.ents[::2])
    if antecedent is None and coref:
        antecedent = coref_antecedent(ix, src)
        if antecedent is not None and _kind_of(antecedent) == "other":
            antecedent = None
    if antecedent is not None:
        q.resolved = _tspan(antecedent)
        q.speaker = clean_name(antecedent)
        q.speaker_kind = _kind_of(antecedent) if _kind_of(antecedent) != "other" else "person"
        q.method = "description"
        return
    institution = _institution(phrase)
    if institution is not None:
        q.speaker, q.speaker_kind, q.method = institution, "organization", "syntax"
        return
    if _definite_institution(phrase):
        # 'According to the transport authority': the body is named by what it is; that is its name here
        q.speaker, q.speaker_kind = " ".join(phrase.text.split()), "organization"
        return
    q.flags = q.flags + ("unnamed-source",)


def _resolve_pronoun(ctx: _Context, src: Token, q: Quote) -> None:
    ix, coref = ctx.ix, ctx.coref
    q.mention = _tspan(ix.doc[src.i : src.i + 1])
    if src.lower_ in ("i", "we", "you", "me", "us"):
        # First and second person: the speaker of the quote this sits in, which the finder
        # does not know; keep the mention, guess nothing.
        antecedent = coref_antecedent(ix, src) if coref else None
        if antecedent is not None:
            q.resolved, q.speaker, q.speaker_kind, q.method = _tspan(antecedent), clean_name(antecedent), _kind_of(antecedent), "coref"
        else:
            q.method = "none"
        return
    # He/she name people only: coreferee links "he" to "Russia" when no person is in reach.
    personal = src.lower_ in PERSONAL_PRONOUNS
    accept = ctx.person_for(src) if personal else None  # and "she" is not Donald Trump
    antecedent = coref_antecedent(ix, src, accept) if coref else None
    if antecedent is not None:
        q.method = "coref"
    else:
        antecedent = _nearest_name_before(ix, src, accept)
        q.method = "nearest-name" if antecedent is not None else "none"
        if not coref:
            q.flags = q.flags + ("no-coref",)
    if antecedent is not None:
        q.resolved = _tspan(antecedent)
        q.speaker = clean_name(antecedent)
        q.speaker_kind = "person" if personal else _kind_of(antecedent)
    elif personal:
        q.flags = q.flags + ("unresolved-pronoun",)


def _resolve_relative(ix: DocIndex, src: Token, q: Quote, titles: "TitleIndex") -> None:
    """'Smith, who said …': the relative pronoun is the mention, the noun it hangs from the speaker."""
    doc = ix.doc
    q.mention = _tspan(doc[src.i : src.i + 1])
    verb = src.head
    while verb.dep_ not in ("relcl", "acl") and verb.head.i != verb.i:
        if verb.dep_ in ("ROOT",):
            break
        verb = verb.head
    noun = verb.head if verb.dep_ in ("relcl", "acl") else None
    if noun is None or noun.pos_ not in ("PROPN", "NOUN", "PRON"):
        q.method = "none"
        return
    mention, kind, _ = name_in_phrase(noun, ix)
    if mention is not None:
        q.resolved, q.speaker, q.speaker_kind = _tspan(mention), clean_name(mention), kind
        q.method = "syntax"
        return
    phrase = noun_phrase(noun)
    antecedent = description_antecedent(doc, phrase, titles)
    q.resolved = _tspan(antecedent or phrase)
    if antecedent is not None:
        q.speaker, q.speaker_kind = clean_name(antecedent), "person"
    q.method = "description"


# --- names in noun phrases ---------------------------------------------------


def noun_phrase(head: Token) -> Span:
    """The head's phrase, without clauses hanging off it."""
    doc = head.doc
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in ("relcl", "acl", "punct", "cc", "conj", "advcl", "appos"):
            break
        right = child.right_edge.i
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left : right + 1]


def _appositive_person(head: Token, ix: DocIndex) -> Span | None:
    """'a spokeswoman for the Alliance, Oana Lungescu' / 'Clinton's campaign manager, Robby Mook'."""
    for child in head.subtree:
        if child.dep_ == "appos" and child.i > head.i and child.doc[child.i - 1].text != "," and child.left_edge.i > 0 and child.doc[child.left_edge.i - 1].text != ",":
            continue
        if child.dep_ == "appos":
            ent = ix.entity_of(child)
            if ent is not None and ent.label_ in PERSON_LABELS:
                return strip_titles(ent)
    # Names in the phrase that are not under a preposition ("a spokesman for Hillary Clinton"
    # is not Hillary Clinton) and not possessors/modifiers of another noun.
    for tok in head.subtree:
        if tok.i == head.i or tok.ent_type_ not in PERSON_LABELS:
            continue
        path_ok = True
        t = tok
        while t.i != head.i and t.head.i != t.i:
            if t.dep_ in ("prep", "pobj", "poss", "relcl", "acl", "compound", "amod", "nmod") or t.tag_ == "POS":
                path_ok = False
                break
            t = t.head
        if path_ok and t.i == head.i:
            ent = ix.entity_of(tok)
            if ent is not None:
                return strip_titles(ent)
    return None


def name_in_phrase(head: Token, ix: DocIndex) -> tuple[Span | None, str, str]:
    """The name a source phrase gives: (mention span, kind, method).

    'Foreign Minister Sergey Lavrov' → 'Sergey Lavrov' (syntax); 'a
    spokeswoman for the Alliance, Oana Lungescu' → 'Oana Lungescu'
    (apposition); 'NATO' → organization. ``None`` when the phrase names
    nobody ('experts', 'the head of Russian diplomacy', 'a spokesman for
    Hillary Clinton').
    """
    ent = ix.entity_of(head)
    if ent is not None and ent.label_ in PERSON_LABELS:
        return strip_titles(ent), "person", "syntax"
    if (head.lower_ in PARTY_WORDS or head.lower_.strip(".") in TITLE_WORDS) and any(
        c.lower_ in DETERMINERS and c.dep_ == "det" for c in head.children
    ):
        # 'the Massachusetts Democrat', 'The Russian Foreign Minister': a description of a person
        return None, "other", "none"
    if head.pos_ == "PROPN" and ent is None and head.i > 0 and head.doc[head.i - 1].pos_ == "PROPN":
        # a name NER missed ("Nick Merrill, a Clinton campaign spokesman"): the name, not the apposition
        return strip_titles(_propn_run(head)), "person", "syntax"
    person = _appositive_person(head, ix)
    if person is not None:
        return person, "person", "apposition"
    if ent is not None and ent.label_ in ORG_LABELS + ("FAC",):
        person = titled_name(ent)  # 'Spokeswoman Haley Morris' tagged ORG: a role, then a name
        if person is not None:
            return person, "person", "syntax"
        return strip_determiner(strip_possessive(ent)), "organization", "syntax"
    if head.pos_ == "PROPN":
        span = strip_titles(_propn_run(head))
        if all(t.lower_.strip(".") in TITLE_WORDS for t in span):  # "the Minister": a description
            return None, "other", "none"
        return span, _kind_of(span), "syntax"
    return None, "other", "none"


def _propn_run(head: Token) -> Span:
    left = head.i
    while left > 0 and head.doc[left - 1].pos_ == "PROPN" and head.doc[left - 1].dep_ in ("compound", "flat"):
        left -= 1
    return head.doc[left : head.i + 1]


def _institution(phrase: Span) -> str | None:
    """'the Clinton campaign', "Trump's office": an institution named by its owner, as said in the text."""
    head = phrase.root
    if head.lemma_.lower() not in INSTITUTION_NOUNS:
        return None
    owners = [t for t in phrase if t.i < head.i and t.pos_ == "PROPN"]
    if not owners:
        return None
    words = [t for t in phrase if t.i >= owners[0].i and t.i <= head.i]
    return " ".join(t.text for t in words).replace(" 's", "'s").replace(" ’s", "’s")


def _definite_institution(phrase: Span) -> bool:
    """'the transport authority', 'the ministry': a body named by what it is, definite and singular."""
    head = phrase.root
    return (
        len(phrase) > 0
        and phrase[0].lower_ in DETERMINERS
        and head.tag_ == "NN"
        and head.lemma_.lower() in INSTITUTION_NOUNS
    )


# --- coreference ---------------------------------------------------------------


def _expand_name(tok: Token, ix: DocIndex) -> Span:
    ent = ix.entity_of(tok)
    if ent is not None:
        return strip_titles(ent)
    doc = tok.doc
    left = tok.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ in ("compound", "flat"):
        left -= 1
    return doc[left : tok.i + 1]


def coref_antecedent(ix: DocIndex, tok: Token, accept=None) -> Span | None:
    """The nearest proper-name mention in ``tok``'s coreference chain (see :mod:`quotetrack.extract.coref`)
    that ``accept`` takes, when given."""
    pick = coref.antecedent_token(ix.doc, tok, accept)
    return _expand_name(pick, ix) if pick is not None else None


def _nearest_name_before(ix: DocIndex, tok: Token, accept=None) -> Span | None:
    """Without coreference: the closest person named shortly before a he/she (whose name ``accept`` takes)."""
    if tok.lower_ not in PERSONAL_PRONOUNS:
        return None
    ents, _, ends = ix.ents
    for k in range(bisect_right(ends, tok.i) - 1, -1, -1):  # the last one ending before tok, backwards
        ent = ents[k]
        if tok.idx - ent.start_char > FALLBACK_WINDOW_CHARS:
            break
        if ent.label_ in PERSON_LABELS and (accept is None or accept(ent[-1])):
            return strip_titles(ent)
    return None


# --- document-level conventions ----------------------------------------------


def _full_name(name: str) -> bool:
    person = parse_person(name)
    return person is not None and person.given_level == 2


def _complete_names(ix: DocIndex, quotes: list[Quote]) -> None:
    """Give surname-only speakers the full name the article uses ('Lavrov' → 'Sergey Lavrov')."""
    ents = ix.ents[0]
    people = [clean_name(strip_titles(e)) for e in ents if e.label_ in PERSON_LABELS]
    first_mention: dict[str, Span] = {}
    for e in ents:
        if e.label_ in PERSON_LABELS:
            first_mention.setdefault(clean_name(strip_titles(e)), strip_titles(e))
    # NER often labels a lone surname, or one spelling of a name, an organisation ("Lavrov
    # said"): a name that stands in this article for someone it names elsewhere as a person
    # is that person, whatever the label here.
    candidates = [q for q in quotes if q.speaker]
    mapping = resolve_in_document(people + [q.speaker for q in candidates])
    persons = {mapping.get(n) for n in people} | {mapping.get(q.speaker) for q in candidates if q.speaker_kind == "person"}
    for q in candidates:
        full = mapping.get(q.speaker)
        if full is None:
            if q.speaker in mapping and q.speaker_kind == "person":  # two people share it: flag, don't guess
                q.flags = q.flags + ("ambiguous-name",)
            continue
        if full in persons:
            q.speaker_kind = "person"
        if q.speaker_kind != "person" or full == q.speaker or _full_name(q.speaker):
            continue  # a full name keeps its own spelling: only a surname is completed
        q.speaker = full
        if q.resolved is None and full in first_mention:
            q.resolved = _tspan(first_mention[full])
