"""The spaCy pipeline component: ``nlp.add_pipe("quotetrack")`` sets ``doc._.quotes``
and ``doc.spans["quotes"]`` (see :mod:`.doc_quotes`: both survive ``doc.to_bytes``,
``DocBin`` and ``nlp.pipe(n_process=…)``).

Registered under the ``spacy_factories`` entry point; put it after the parser and
NER. It owns the learned tables (:class:`~quotetrack.extract.tables.Tables`), which
``nlp.to_disk`` saves with the pipeline and ``spacy.load`` reads back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from . import attribution, coref, doc_quotes
from .doc_index import DocIndex
from .quotes import find_candidates
from .tables import Tables

log = logging.getLogger("quotetrack")
# window: coreferee on the sentences around pronoun and descriptive sources, loaded on
# first use; document: the whole-document chains of a ``coreferee`` pipe that runs
# before this one; off: pronoun speakers fall back to the nearest named person, at
# lower confidence, flagged ``no-coref``. Whatever the mode, chains already on the
# doc (a coreferee pipe ran) are used.
COREF_MODES = ("window", "document", "off")


def register_extensions() -> None:
    doc_quotes.register_extensions()
    coref.register_extensions()


class QuoteTracker:
    """Find quotes and attribute them; the result is a list of :class:`quotetrack.domain.Quote`.

    ``tables``: the learned tables (default: those shipped with quotetrack).
    """

    def __init__(self, nlp: Language, name: str = "quotetrack", coref_mode: str = "window", tables: Tables | None = None):
        if coref_mode not in COREF_MODES:
            raise ValueError(f"quotetrack: coref must be one of {', '.join(COREF_MODES)}, not {coref_mode!r}")
        self.name = name
        self.nlp = nlp
        self.coref_mode = coref_mode
        self.tables = tables if tables is not None else Tables.shipped()
        self._resolver: coref.WindowedCoref | None = None
        self._resolver_error: str | None = None
        register_extensions()

    @property
    def resolver(self) -> coref.WindowedCoref | None:
        """The window resolver, its coreferee model loaded on first use (``None`` unless in window mode and available)."""
        if self.coref_mode != "window" or self._resolver_error is not None:
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
        ix = DocIndex(doc)
        candidates = find_candidates(doc, self.tables, ix)
        resolver = None if coref.has_chains(doc) else self.resolver
        if resolver is None:
            doc._.quotes = attribution.attribute(doc, candidates, self.tables, ix)
            return doc
        state = resolver.attach(doc)
        try:
            # A dry run notes which tokens attribution asks about, so that their
            # windows are annotated together, merged where they overlap. When no
            # window had to be annotated, every answer was "no chain" in the dry
            # run too, so its speakers are the speakers. Only the step that asks
            # is run twice: what follows it asks coreference nothing.
            ctx = attribution.context(doc, ix)
            with state.recording():
                quotes = attribution.speakers(ctx, candidates)
            if state.prepare():
                quotes = attribution.speakers(ctx, candidates)
            doc._.quotes = attribution.finish(ctx, candidates, quotes, self.tables)
        finally:
            resolver.detach(doc)
        return doc

    # spaCy's serialisation protocol: the tables travel with the pipeline.

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.tables.to_disk(path, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> QuoteTracker:
        self.tables = self.tables.from_disk(path, exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.tables.to_bytes(exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> QuoteTracker:
        self.tables = self.tables.from_bytes(data, exclude)
        return self

    def __getstate__(self) -> dict:
        # The coreferee model is reloaded where the component is unpickled, never shipped.
        return {"name": self.name, "nlp": self.nlp, "coref_mode": self.coref_mode, "tables": self.tables}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["nlp"], state["name"], state["coref_mode"], state["tables"])


@Language.factory(
    "quotetrack",
    default_config={"coref": "window"},
    requires=["token.dep", "token.lemma", "doc.ents"],
    assigns=["doc._.quotes", "doc.spans"],
)
def make_quotetrack(nlp: Language, name: str, coref: str) -> QuoteTracker:
    return QuoteTracker(nlp, name, coref)
