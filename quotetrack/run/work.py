"""The unit of work every engine runs: documents in, attributed quotes out.

This process, each ``--jobs`` worker and each Dask worker all run
:func:`extract_documents`, so their output cannot differ.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from spacy.language import Language

from ..domain import Document, Quote
from .chunks import chunk_limit, shift, split_text

log = logging.getLogger("quotetrack")
TASK_SIZE = 8  # documents per task an engine (worker processes, Dask) sends to a worker
BATCH_SIZE = 16  # pieces parsed in one nlp.pipe batch
# At most this many characters are parsed at once (a long document's pieces included).
BATCH_CHARS = 200_000
# The per-document time limit (``--doc-timeout``) is per this many characters: a piece of a
# long document, or the parse of a whole batch before its first document, gets its multiple.
TIMEOUT_CHARS = 50_000


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """What a worker loads: picklable, small, and the same everywhere.

    Workers build their pipeline from this, never from a pickled ``nlp``:
    coreferee's unpickling reloads the spaCy model by its official package
    name, which the PyPI re-upload does not have.
    """

    model: str | None = None
    coref: str = "window"
    doc_timeout: float | None = None  # seconds a document may take (see extract_documents); None: no limit

    def extract_options(self) -> dict:
        """Keyword arguments for the extract function (none unless a limit is set)."""
        return {"time_limit": self.doc_timeout} if self.doc_timeout else {}

    def load(self) -> Language:
        from ..models import load

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
    nlp: Language,
    docs: Iterable[Document],
    *,
    batch_size: int = BATCH_SIZE,
    extractor: str | None = None,
    time_limit: float | None = None,
) -> Iterator[Result]:
    """A :class:`Result` per document, in input order, lazily.

    Documents longer than the piece limit are parsed in paragraph-aligned
    pieces (:mod:`quotetrack.run.chunks`), a few at a time, and their quotes
    moved back to document offsets. A document that makes the pipeline
    raise is a failed result; the others go on.

    ``time_limit``: seconds a document (per 50,000 characters) may take
    before it is abandoned as a failed result (coreferee is quadratic on
    some pathological texts). Enforced with ``SIGALRM`` when running in a
    process's main thread (a one-process run, each ``--jobs`` worker);
    elsewhere (a Dask worker's thread) it is not enforced.
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
                yield from _run_batch(nlp, batch, time_limit)
                batch, pieces_in_batch, chars_in_batch = [], 0, 0
    if batch:
        yield from _run_batch(nlp, batch, time_limit)


def _groups(pieces: list[tuple[int, int]], count: int, chars: int) -> Iterator[list[tuple[int, int]]]:
    """Consecutive pieces, at most ``count`` and about ``chars`` characters a group."""
    group: list[tuple[int, int]] = []
    for piece in pieces:
        if group and (len(group) >= count or piece[1] - group[0][0] > chars):
            yield group
            group = []
        group.append(piece)
    yield group


class DocTimeout(BaseException):
    """A document took longer than the time limit.

    A ``BaseException``, like ``KeyboardInterrupt``: the ``except Exception``
    that keeps coreferee's failures from stopping attribution must not
    swallow it.
    """


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocTimeout` in this block after ``seconds``.

    No limit outside the main thread (signals go to it alone) or when the
    host program has a real-time timer of its own running (it is not ours to cancel).
    """
    if (
        not seconds
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return
    armed = True

    def on_alarm(signum, frame) -> None:
        if armed:  # a late alarm, once the block is done, is ignored
            raise DocTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timeout_reason(limit: float) -> str:
    return f"took longer than the time limit of {limit:g} s per document (--doc-timeout); skipped"


def _run_batch(
    nlp: Language, batch: list[tuple[Result, list[tuple[int, int]], bool]], limit: float | None = None
) -> Iterator[Result]:
    """Parse a batch; yield the results whose document ended in it."""
    texts = [(result.doc.text[s:e], (k, s)) for k, (result, pieces, _) in enumerate(batch) for s, e in pieces]
    parsed = []
    while texts:
        texts = _parse(nlp, texts, batch, parsed, limit)
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


def _parse(nlp: Language, texts: list, batch: list, parsed: list, limit: float | None) -> list:
    """Parse ``texts`` into ``parsed``; returns the pieces left to parse after a document timed out.

    With a limit, each piece gets ``limit`` seconds per 50,000 characters
    from the previous one (the first: per 50,000 characters of the whole
    batch, whose parse it waits for). The piece that runs out fails its
    document; the pipe is started again on the pieces after it.
    """
    if limit:
        pending = iter(nlp.pipe(texts, as_tuples=True))
        first_chars = sum(len(t) for t, _ in texts)
        for n, (text, (k, _)) in enumerate(texts):
            allowance = limit * max(1.0, (first_chars if n == 0 else len(text)) / TIMEOUT_CHARS)
            try:
                with time_limit(allowance):
                    item = next(pending)
            except DocTimeout:
                log.debug("%s timed out", batch[k][0].doc.source)
                batch[k][0].error = timeout_reason(limit)
                return [t for t in texts[n + 1 :] if batch[t[1][0]][0].error is None]
            except Exception:
                return _parse_one_by_one(nlp, texts[n:], batch, parsed, limit)
            parsed.append(item)
        return []
    try:
        done = list(nlp.pipe(texts, as_tuples=True))
    except Exception:
        return _parse_one_by_one(nlp, texts, batch, parsed, limit)
    parsed.extend(done)
    return []


def _parse_one_by_one(nlp: Language, texts: list, batch: list, parsed: list, limit: float | None) -> list:
    """Find the culprit: piece by piece, so the good documents still go through."""
    for text, (k, s) in texts:
        if batch[k][0].error is not None:
            continue
        try:
            with time_limit(limit * max(1.0, len(text) / TIMEOUT_CHARS) if limit else None):
                parsed.append((nlp(text), (k, s)))
        except DocTimeout:
            batch[k][0].error = timeout_reason(limit)
        except Exception as exc:  # reported, never fatal to the run
            log.debug("extraction of %s failed", batch[k][0].doc.source, exc_info=True)
            batch[k][0].error = f"extraction failed: {type(exc).__name__}: {exc}"
    return []
