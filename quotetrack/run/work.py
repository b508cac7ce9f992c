"""The unit of work every engine runs: documents in, attributed quotes out.

This process, each ``--jobs`` worker and each Dask worker all run
:func:`extract_documents`, so their output cannot differ.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from spacy.language import Language

from ..domain import Document, Quote
from .chunks import chunk_limit, shift, split_pieces
from .collector import extraction_collector

log = logging.getLogger("quotetrack")
TASK_SIZE = 8  # documents per task an engine (worker processes, Dask) sends to a worker
BATCH_SIZE = 16  # pieces parsed in one nlp.pipe batch
# At most about this many tokens are parsed at once (a long document's pieces included): the
# parse's memory follows its tokens (about 17 KiB each), so this bounds a worker's memory
# whatever one document holds (docs/hardening.md has the measurements). Sixteen news
# articles fit; a long document goes through two 50,000-character pieces at a time.
BATCH_TOKENS = 25_000
# A document with more quotes than this is not an article (a generated or hostile text); it
# fails as soon as it passes the mark, so that its quotes never fill a worker's memory.
MAX_QUOTES = 100_000
# The per-document time limit (``--doc-timeout``) is per this many characters: a piece of a
# long document, or the parse of a whole batch before its first document, gets its multiple.
TIMEOUT_CHARS = 50_000
# The longest timer an alarm can be set for (Python's clock overflows past about 9.2e9 s);
# a longer limit is no limit.
MAX_TIMER_SECONDS = 1e9


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


def check_time_limit(seconds: float | None) -> float | None:
    """A ``--doc-timeout`` value as a limit in seconds: None for no limit (None, 0 or infinity).

    ``ValueError`` for a negative value or not a number.
    """
    if seconds is None:
        return None
    seconds = float(seconds)
    if math.isnan(seconds) or seconds < 0:
        raise ValueError(f"a time limit is a number of seconds, 0 or more (0 or inf: no limit), not {seconds:g}")
    return None if seconds == 0 or math.isinf(seconds) else seconds


_Piece = tuple  # (result, start, end, last piece of its document)


def extract_documents(
    nlp: Language,
    docs: Iterable[Document],
    *,
    batch_size: int = BATCH_SIZE,
    extractor: str | None = None,
    time_limit: float | None = None,
) -> Iterator[Result]:
    """A :class:`Result` per document, in input order, lazily.

    Documents are parsed in batches of at most ``batch_size`` pieces and
    about :data:`BATCH_TOKENS` tokens. A document longer than a piece is
    parsed in paragraph-aligned pieces (:mod:`quotetrack.run.chunks`), each
    released once its quotes are taken, and its quotes moved back to document
    offsets; so the memory a document takes does not grow with its length.
    A document that makes the pipeline raise, or that has more than
    :data:`MAX_QUOTES` quotes, is a failed result; the others go on. The
    garbage collector runs less often meanwhile (:mod:`.collector`).

    ``time_limit``: seconds a document (per 50,000 characters) may take
    before it is abandoned as a failed result (coreferee is quadratic on
    some pathological texts). Enforced with ``SIGALRM`` when running in a
    process's main thread (a one-process run, each ``--jobs`` worker);
    elsewhere (a Dask worker's thread) it is not enforced.
    """
    limit = chunk_limit(nlp.max_length)
    time_limit = check_time_limit(time_limit)
    batch: list[_Piece] = []
    tokens_in_batch = 0
    with extraction_collector():
        for doc in docs:
            result = Result(doc, extractor=extractor)
            pieces = split_pieces(doc.text, limit)
            for n, (start, end, tokens) in enumerate(pieces, 1):
                if batch and (len(batch) >= batch_size or tokens_in_batch + tokens > BATCH_TOKENS):
                    yield from _run_batch(nlp, batch, time_limit)
                    batch, tokens_in_batch = [], 0
                batch.append((result, start, end, n == len(pieces)))
                tokens_in_batch += tokens
        if batch:
            yield from _run_batch(nlp, batch, time_limit)


class DocTimeout(BaseException):
    """A document took longer than the time limit.

    A ``BaseException``, like ``KeyboardInterrupt``: the ``except Exception``
    that keeps coreferee's failures from stopping attribution must not
    swallow it.
    """


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocTimeout` in this block after ``seconds``.

    No limit outside the main thread (signals go to it alone), when the
    host program has a real-time timer of its own running (it is not ours to
    cancel), or past :data:`MAX_TIMER_SECONDS` (or infinity).
    """
    if (
        not seconds
        or not seconds <= MAX_TIMER_SECONDS
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


def _run_batch(nlp: Language, batch: list[_Piece], limit: float | None = None) -> Iterator[Result]:
    """Parse a batch of pieces; yield the results whose document ended in it.

    Pieces of a document that has failed already (in an earlier batch) are
    not parsed; each parsed piece is dropped as soon as its quotes are taken.
    """
    texts = [(result.doc.text[s:e], (k, s)) for k, (result, s, e, _) in enumerate(batch) if result.error is None]
    parsed: list = []
    while texts:
        texts = _parse(nlp, texts, batch, parsed, limit)
    del texts
    for n, (spacy_doc, (k, start)) in enumerate(parsed):
        parsed[n] = None  # the piece's parse goes now, not at the end of the batch
        result = batch[k][0]
        if result.error is None:
            result.quotes.extend(shift(q, start) for q in (spacy_doc._.quotes or []))
            result.words += count_words(spacy_doc)
            if len(result.quotes) > MAX_QUOTES:
                result.error = f"more than {MAX_QUOTES:,} quotes: not an article (a generated or hostile text?); skipped"
        del spacy_doc
    del parsed
    for result, _, _, last in batch:
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
