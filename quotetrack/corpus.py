"""Extraction runs: documents in, quotes stored, speakers refreshed.

Reads inputs lazily, skips documents already extracted from the same text
by the same extractor, has an engine extract the rest, and stores each
document (with its quotes) in its own transaction as its result arrives,
so an interrupted run (Ctrl-C, a kill, a crash) keeps everything finished
so far and a rerun carries on where it stopped, without duplicates.
One bad document is reported and the run goes on.

The engine (this process, worker processes or Dask) is chosen by
:func:`quotetrack.run.engines.extract_results`; all give the same output.

Speaker normalisation runs afterwards, over the whole store
(:meth:`quotetrack.store.Store.refresh_speakers`), so it is the same
whichever engine ran and in whatever order documents finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language

from .domain import Document, Failure
from .models import ModelInfo, describe, extractor_id, model_info
from .run.engines import check_engine, extract_results, in_process
from .run.inputs import DEFAULT_ENCODING, NoteHook, read_documents
from .run.work import PipelineSpec, Result, extract_documents
from .store import Store


@dataclass
class RunSummary:
    seen: int = 0
    extracted: int = 0
    unchanged: int = 0
    words: int = 0
    quotes: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    engine: str = "local"
    jobs: int = 1

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    @property
    def done(self) -> int:
        """Documents finished one way or another: extracted, unchanged or failed."""
        return self.extracted + self.unchanged + len(self.failures)


ProgressHook = Callable[[str, "RunSummary"], None]


def record_models(db: Store, info: Language | ModelInfo) -> None:
    if not isinstance(info, ModelInfo):
        info = model_info(info)
    with db.transaction():
        db.set_meta("spacy_model", info.spacy_model)
        db.set_meta("coref_model", info.coref_model or "")
        db.set_meta("quotetrack_version", info.quotetrack_version)


def run_extraction(
    paths: Iterable[str | Path],
    db: Store,
    nlp: Language | None = None,
    *,
    force: bool = False,
    spec: PipelineSpec | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    on_document: ProgressHook | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    extract: Callable = extract_documents,
    cluster_options: dict | None = None,
    encoding: str = DEFAULT_ENCODING,
    on_note: NoteHook | None = None,
    doc_timeout: float | None = None,
) -> RunSummary:
    """Extract every new or changed document under ``paths`` into the store.

    ``nlp``: a loaded pipeline, used in this process (``jobs`` must be 1,
    engine local). ``doc_timeout``: seconds a document may take (per 50,000
    characters) before it is reported as failed and the run goes on (in
    this process and in ``--jobs`` workers; not enforced on Dask); ``0`` or
    ``None``: no limit. Otherwise the pipeline described by ``spec`` is loaded
    by each worker (or here, for ``jobs=1``). Ctrl-C stops the run cleanly:
    what was stored stays, speakers are refreshed, and the summary says
    ``interrupted``.
    """
    check_engine(engine)
    spec = spec or PipelineSpec()
    if doc_timeout is not None:
        spec = replace(spec, doc_timeout=doc_timeout or None)
    summary = RunSummary(engine=engine, jobs=jobs if nlp is None or engine == "dask" else 1)
    started = time.perf_counter()
    if nlp is None and in_process(engine, jobs):
        nlp = spec.load()
    info = model_info(nlp) if nlp is not None else describe(spec.model, coref=spec.coref)
    extractor = extractor_id(info)
    record_models(db, info)

    def fail(source: str, reason: str) -> None:
        failure = Failure(source, reason)
        summary.failures.append(failure)
        if on_failure:
            on_failure(failure)
        if on_document:
            on_document(source, summary)

    def todo() -> Iterator[Document]:
        for item in read_documents(list(paths), encoding=encoding, on_note=on_note):
            if isinstance(item, Failure):
                fail(item.source, item.reason)
                continue
            summary.seen += 1
            if not force and db.is_current(item, extractor):
                summary.unchanged += 1
                if on_document:
                    on_document(item.id, summary)
                continue
            yield item

    results = extract_results(
        todo(), spec, nlp=nlp, jobs=jobs, engine=engine, scheduler=scheduler, cluster_options=cluster_options, extract=extract
    )
    try:
        for result in results:
            _store(db, result, extractor, summary, fail)
            if result.ok and on_document:
                on_document(result.doc.id, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        results.close()  # stops the workers
    db.refresh_speakers()
    summary.failures.sort(key=lambda f: (f.source, f.reason))
    summary.seconds = time.perf_counter() - started
    return summary


def _store(db: Store, result: Result, extractor: str, summary: RunSummary, fail) -> None:
    if not result.ok:
        fail(result.doc.source, result.error)
        return
    db.save_document(result.doc, result.quotes, result.extractor or extractor)
    summary.extracted += 1
    summary.words += result.words
    summary.quotes += len(result.quotes)
