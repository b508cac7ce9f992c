"""The spaCy pipeline component: ``nlp.add_pipe("quotetrack")`` sets ``doc._.quotes``.

Registered under the ``spacy_factories`` entry point, so any spaCy
pipeline can add it once quotetrack is installed. Put it after the parser
and NER, and after ``coreferee`` when that is used; without coreferee,
pronoun speakers fall back to the nearest named person, at lower
confidence, flagged ``no-coref``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .attribution import attribute
from .quotes import find_candidates


def register_extensions() -> None:
    if not Doc.has_extension("quotes"):
        Doc.set_extension("quotes", default=None)


class QuoteTracker:
    """Find quotes and attribute them; the result is a list of :class:`quotetrack.domain.Quote`."""

    def __init__(self, nlp: Language, name: str = "quotetrack"):
        self.name = name
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = attribute(doc, find_candidates(doc))
        return doc


@Language.factory("quotetrack", requires=["token.dep", "token.lemma", "doc.ents"], assigns=["doc._.quotes"])
def make_quotetrack(nlp: Language, name: str) -> QuoteTracker:
    return QuoteTracker(nlp, name)
