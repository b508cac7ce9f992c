"""The unit of work every engine runs: documents in, attributed quotes out.

One function, :func:`extract_documents`, used alike by the in-process run,
the worker processes of ``--jobs N`` and the Dask workers, so their output
cannot differ. A worker builds its pipeline from a :class:`PipelineSpec`
(never from a pickled ``nlp``: coreferee's unpickling reloads the spaCy
model by its official package name, which the PyPI re-upload does not have).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language

from .chunks import chunk_limit, shift, split_text
from .domain import Document, Quote

log = logging.getLogger("quotetrack")
BATCH_SIZE = 16
# At most this many characters are parsed at once (a long document's pieces included).
BATCH_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """What a worker loads: picklable, small, and the same everywhere."""

    model: str | None = None
    coref: str = "window"

    def load(self) -> Language:
        from .pipeline import load

        return load(self.model, coref=self.coref)


@dataclass(slots=True)
class Result:
    """One document's outcome: its quotes and word count, or the reason it failed."""

    doc: Document
    quotes: list[Quote] = field(default_factory=list)
    words: int = 0
    error: str | None = None
    extractor: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def count_words(spacy_doc) -> int:
    return sum(1 for t in spacy_doc if not t.is_space and not t.is_punct)


def extract_documents(
    nlp: Language, docs: Iterable[Document], *, batch_size: int = BATCH_SIZE, extractor: str | None = None
) -> Iterator[Result]:
    """A :class:`Result` per document, in input order, lazily.

    Documents longer than the piece limit are parsed in paragraph-aligned
    pieces (:mod:`quotetrack.chunks`), a few at a time, and their quotes
    moved back to document offsets. A document that makes the pipeline
    raise is a failed result; the others go on.
    """
    limit = chunk_limit(nlp.max_length)
    batch: list[tuple[Result, list[tuple[int, int]], bool]] = []  # (result, pieces, last group of the doc)
    pieces_in_batch = chars_in_batch = 0
    for doc in docs:
        result = Result(doc, extractor=extractor)
        pieces = split_text(doc.text, limit) if len(doc.text) > limit else [(0, len(doc.text))]
        groups = list(_groups(pieces, batch_size, BATCH_CHARS))
        for n, group in enumerate(groups, 1):
            batch.append((result, group, n == len(groups)))
            pieces_in_batch += len(group)
            chars_in_batch += group[-1][1] - group[0][0]
            if pieces_in_batch >= batch_size or chars_in_batch >= BATCH_CHARS:
                yield from _run_batch(nlp, batch)
                batch, pieces_in_batch, chars_in_batch = [], 0, 0
    if batch:
        yield from _run_batch(nlp, batch)


def _groups(pieces: list[tuple[int, int]], count: int, chars: int) -> Iterator[list[tuple[int, int]]]:
    """Consecutive pieces, at most ``count`` and about ``chars`` characters a group."""
    group: list[tuple[int, int]] = []
    for piece in pieces:
        if group and (len(group) >= count or piece[1] - group[0][0] > chars):
            yield group
            group = []
        group.append(piece)
    yield group


def _run_batch(nlp: Language, batch: list[tuple[Result, list[tuple[int, int]], bool]]) -> Iterator[Result]:
    """Parse a batch; yield the results whose document ended in it."""
    texts = [(result.doc.text[s:e], (k, s)) for k, (result, pieces, _) in enumerate(batch) for s, e in pieces]
    try:
        parsed = list(nlp.pipe(texts, as_tuples=True))
    except Exception:
        # Find the culprit: piece by piece, so the good documents still go through.
        parsed = []
        for text, (k, s) in texts:
            if batch[k][0].error is not None:
                continue
            try:
                parsed.append((nlp(text), (k, s)))
            except Exception as exc:  # reported, never fatal to the run
                log.debug("extraction of %s failed", batch[k][0].doc.source, exc_info=True)
                batch[k][0].error = f"extraction failed: {type(exc).__name__}: {exc}"
    for spacy_doc, (k, start) in parsed:
        result = batch[k][0]
        if result.error is None:
            result.quotes.extend(shift(q, start) for q in (spacy_doc._.quotes or []))
            result.words += count_words(spacy_doc)
    del parsed
    for result, _, last in batch:
        if last:
            if result.error is not None:
                result.quotes = []
            yield result
