"""The spaCy pipeline component: ``nlp.add_pipe("quotetrack")`` sets ``doc._.quotes``.

Registered under the ``spacy_factories`` entry point, so any spaCy
pipeline can add it once quotetrack is installed. Put it after the parser
and NER. Coreference (config ``coref``):

- ``"window"`` (the default): coreferee runs only on the few sentences
  around the pronoun and descriptive sources attribution asks about (see
  :mod:`quotetrack.coref`); the coreferee model loads on first use.
- ``"off"``: no coreference; pronoun speakers fall back to the nearest
  named person, at lower confidence, flagged ``no-coref``.

Whatever the setting, when the ``coreferee`` pipe ran before this one
(``doc._.coref_chains`` is set) its whole-document chains are used.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from spacy.tokens import Doc

from . import coref
from .attribution import attribute
from .quotes import find_candidates

log = logging.getLogger("quotetrack")
COREF_MODES = ("window", "off")


def register_extensions() -> None:
    if not Doc.has_extension("quotes"):
        Doc.set_extension("quotes", default=None)
    coref.register_extensions()


class QuoteTracker:
    """Find quotes and attribute them; the result is a list of :class:`quotetrack.domain.Quote`."""

    def __init__(self, nlp: Language, name: str = "quotetrack", coref_mode: str = "window"):
        if coref_mode not in COREF_MODES:
            raise ValueError(f"quotetrack: coref must be one of {', '.join(COREF_MODES)}, not {coref_mode!r}")
        self.name = name
        self.nlp = nlp
        self.coref_mode = coref_mode
        self._resolver: coref.WindowedCoref | None = None
        self._resolver_error: str | None = None
        register_extensions()

    @property
    def resolver(self) -> coref.WindowedCoref | None:
        """The window resolver, its coreferee model loaded on first use (``None`` when off or unavailable)."""
        if self.coref_mode == "off" or self._resolver_error is not None:
            return None
        if self._resolver is None:
            annotator, error = coref.load_annotator(self.nlp)
            if annotator is None:
                self._resolver_error = error
                log.warning(
                    "coreference is off: %s. Pronoun speakers fall back to the nearest named person, at lower confidence.",
                    error,
                )
                return None
            self._resolver = coref.WindowedCoref(annotator)
        return self._resolver

    def __call__(self, doc: Doc) -> Doc:
        candidates = find_candidates(doc)
        resolver = None if coref.has_chains(doc) else self.resolver
        if resolver is None:
            doc._.quotes = attribute(doc, candidates)
            return doc
        state = resolver.attach(doc)
        try:
            # A dry run notes which tokens attribution asks about, so that their
            # windows are annotated together, merged where they overlap. When no
            # window had to be annotated, every answer was "no chain" in the dry
            # run too, so its result is the result.
            with state.recording():
                quotes = attribute(doc, candidates)
            if state.prepare():
                quotes = attribute(doc, candidates)
            doc._.quotes = quotes
        finally:
            resolver.detach(doc)
        return doc

    def __getstate__(self) -> dict:
        # The coreferee model is reloaded where the component is unpickled, never shipped.
        return {"name": self.name, "nlp": self.nlp, "coref_mode": self.coref_mode}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["nlp"], state["name"], state["coref_mode"])


@Language.factory(
    "quotetrack",
    default_config={"coref": "window"},
    requires=["token.dep", "token.lemma", "doc.ents"],
    assigns=["doc._.quotes"],
)
def make_quotetrack(nlp: Language, name: str, coref: str) -> QuoteTracker:
    return QuoteTracker(nlp, name, coref)
