"""Extraction runs: documents in, quotes stored, speakers refreshed.

Reads inputs lazily, skips documents already extracted from the same text
by the same extractor, parses in batches with ``nlp.pipe`` and stores each
document (with its quotes) in its own transaction, so an interrupted run
keeps everything finished so far. One bad document is reported and the run
goes on.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from . import store
from .domain import Document
from .inputs import DEFAULT_ENCODING, InputError, NoteHook, read_documents
from .pipeline import model_info
from .speakers import refresh_speakers

BATCH_SIZE = 16
log = logging.getLogger("quotetrack")


@dataclass(slots=True)
class Failure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class RunSummary:
    seen: int = 0
    extracted: int = 0
    unchanged: int = 0
    words: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


ProgressHook = Callable[[str, "RunSummary"], None]


def extractor_id(nlp: Language) -> str:
    """What produced a document's quotes; a change means the document is extracted again."""
    info = model_info(nlp)
    return f"quotetrack {info.quotetrack_version}; {info.spacy_model}; coref {info.coref_model or 'none'}"


def record_models(conn: sqlite3.Connection, nlp: Language) -> None:
    info = model_info(nlp)
    with store.transaction(conn):
        store.set_meta(conn, "spacy_model", info.spacy_model)
        store.set_meta(conn, "coref_model", info.coref_model or "")
        store.set_meta(conn, "quotetrack_version", info.quotetrack_version)


def run_extraction(
    paths: Iterable[str | Path],
    conn: sqlite3.Connection,
    nlp: Language,
    *,
    force: bool = False,
    on_document: ProgressHook | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    encoding: str = DEFAULT_ENCODING,
    on_note: NoteHook | None = None,
) -> RunSummary:
    summary = RunSummary()
    started = time.perf_counter()
    extractor = extractor_id(nlp)
    record_models(conn, nlp)

    def fail(source: str, reason: str) -> None:
        failure = Failure(source, reason)
        summary.failures.append(failure)
        if on_failure:
            on_failure(failure)

    def todo() -> Iterator[Document]:
        for item in read_documents(list(paths), encoding=encoding, on_note=on_note):
            if isinstance(item, InputError):
                fail(item.source, item.reason)
                continue
            summary.seen += 1
            if not force and store.is_current(conn, item, extractor):
                summary.unchanged += 1
                if on_document:
                    on_document(item.id, summary)
                continue
            if len(item.text) > nlp.max_length:
                fail(item.source, f"too long: {len(item.text):,} characters (spaCy's limit is {nlp.max_length:,})")
                continue
            yield item

    for doc, parsed in parse_documents(nlp, todo(), fail):
        store.save_document(conn, doc, parsed._.quotes or [], extractor)
        summary.extracted += 1
        summary.words += sum(1 for t in parsed if not t.is_space and not t.is_punct)
        if on_document:
            on_document(doc.id, summary)
    refresh_speakers(conn)
    summary.seconds = time.perf_counter() - started
    return summary


def parse_documents(nlp: Language, docs: Iterable[Document], fail: Callable[[str, str], None]):
    """(document, spaCy doc) pairs; a document that makes the pipeline raise is reported and skipped."""
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= BATCH_SIZE:
            yield from _parse_batch(nlp, batch, fail)
            batch = []
    if batch:
        yield from _parse_batch(nlp, batch, fail)


def _parse_batch(nlp: Language, batch: list[Document], fail):
    try:
        parsed = list(nlp.pipe(((d.text, d) for d in batch), as_tuples=True))
    except Exception:
        # Find the culprit: one at a time, so the good documents still go through.
        for d in batch:
            try:
                yield d, nlp(d.text)
            except Exception as exc:  # reported, never fatal to the run
                log.debug("extraction of %s failed", d.source, exc_info=True)
                fail(d.source, f"extraction failed: {type(exc).__name__}: {exc}")
        return
    for spacy_doc, d in parsed:
        yield d, spacy_doc
