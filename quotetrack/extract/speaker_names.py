"""Names in the parse: a speaker's name without its titles, and what kind of speaker it is.

Titles come off the front of a name whatever the title word: an honorific or office
(``Gov.``, ``Prime Minister``), any word :func:`quotetrack.names.person.is_role_word`
takes for a role (``Striker``, ``Midfielder``, ``Economist``: the rule the names
wing applies when it parses a name, so both give one person one name), or a word the
parse tags as a common noun although capitalised (``Goalkeeper Mark Hughes``).
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ..names.person import given_names, is_descriptor, is_role_word

PERSON_LABELS = ("PERSON",)
ORG_LABELS = ("ORG", "GPE", "NORP")
TITLE_WORDS = frozenset(
    """
    mr mrs ms dr sir madam president minister secretary general spokesman spokeswoman
    spokesperson chancellor senator governor ambassador chief director prime foreign
    defence defense deputy vice premier king queen prince princess pope sen rep gov
    lt col gen adm sgt capt judge justice mayor
    """.split()
)
# Entity labels for when, not who: "said Monday", "5:45 p.m.".
TIME_LABELS = frozenset({"DATE", "TIME"})
# "the 23-year-old" is tagged DATE, but names a person by age.
AGE = re.compile(r"\d+\s*-?\s*(?:year|month)s?\s*-?\s*old", re.I)
# Words for when that NER may leave unlabelled; months are not here ("May", "August" name people).
WHEN_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow".split())


def is_title_token(tok: Token) -> bool:
    """A word that says what someone is, not who: stripped from the front of a name."""
    if tok.lower_.strip(".") in TITLE_WORDS or is_role_word(tok.text):
        return True
    return tok.tag_ in ("NN", "NNS") and tok.text[:1].isupper()


def _common_noun_title(tok: Token) -> bool:
    """Only the parse says this is a title (a capitalised common noun, no role word): weaker evidence."""
    return not (tok.lower_.strip(".") in TITLE_WORDS or is_role_word(tok.text))


def strip_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span.doc[span.start : end]


def strip_determiner(span: Span) -> Span:
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_ in ("the", "a", "an"):
        start += 1
    return span.doc[start : span.end]


def strip_titles(span: Span) -> Span:
    """'Foreign Minister Sergey Lavrov' → 'Sergey Lavrov'; 'Striker João Silva' → 'João Silva'.

    A word only the parse calls a common noun goes only when a name of two
    proper nouns stays ("Goalkeeper Mark Hughes"): a tagger's NN may be a
    given name, or a name in a headline's title case ("Trump Says He …").
    """
    span = strip_possessive(span)
    doc = span.doc
    start = span.start
    while start < span.end - 1 and is_title_token(doc[start]):
        rest = doc[start + 1 : span.end]
        if _common_noun_title(doc[start]) and (len(rest) < 2 or not all(t.pos_ == "PROPN" for t in rest)):
            break
        start += 1
    return doc[start : span.end]


def titled_name(span: Span) -> Span | None:
    """A role before a name the NER took for an organisation ('Spokeswoman Haley Morris'): the name."""
    if len(span) < 3 or not is_title_token(span[0]) or _common_noun_title(span[0]):
        return None
    name = strip_titles(span)
    if name.start == span.start or len(name) < 2 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in name):
        return None
    return None if any(is_descriptor(t.text) for t in name) else name  # not 'Major League Baseball'


def clean_name(span: Span) -> str:
    text = span.text
    for suffix in ("’s", "'s", "´s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split())


def kind_of(span: Span) -> str:
    labels = {t.ent_type_ for t in span if t.ent_type_}
    if labels & set(PERSON_LABELS):
        return "person"
    if labels & set(ORG_LABELS):
        return "organization"
    return "other"


def is_time(tok: Token) -> bool:
    """A source token that says when, not who ('said Monday', '5:45 p.m.'); an age ('the 23-year-old') is a who."""
    if tok.ent_type_ in TIME_LABELS:
        when = not tok.like_num  # '43 said the same' is 43 percent, whatever NER says; '5:45 p.m.' is a time
    else:
        when = tok.ent_type_ == "" and (tok.lower_ in WHEN_WORDS or tok.lower_ in ("a.m.", "p.m."))
    # The age test reads the words before: only asked of what would otherwise be a time.
    return when and not AGE.search(tok.doc[max(0, tok.i - 4) : tok.i + 1].text)


def person_surnames(ents) -> frozenset[str]:
    """Last words of the people an article names: 'Menendez' stands for 'Bob Menendez' whatever its label."""
    out = set()
    for e in ents:
        if e.label_ in PERSON_LABELS:
            name = strip_possessive(e)
            out.add(name[-1].lower_)
    return frozenset(out)


# --- gender, as far as a name tells it -------------------------------------------

# Honorifics that say it, before or inside a name ("Mr. Trump", "Mrs. Clinton").
HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "madam": "f", "dame": "f", "lord": "m", "lady": "f"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}


def name_gender(span: Span) -> str | None:
    """'m' or 'f' when an honorific or the given name says it ('Hillary Clinton', 'Mr. Trump'), else None."""
    doc = span.doc
    for tok in [doc[span.start - 1]] if span.start > 0 else []:
        if tok.lower_.strip(".") in HONORIFIC_GENDER:
            return HONORIFIC_GENDER[tok.lower_.strip(".")]
    for tok in span:
        if tok.lower_.strip(".") in HONORIFIC_GENDER:
            return HONORIFIC_GENDER[tok.lower_.strip(".")]
    name = strip_titles(span)
    if len(name) < 2:
        return None
    men, women = given_names()
    first = name[0].text
    return "m" if first in men else "f" if first in women else None
