"""The library object: a store of articles, their quotes and speakers, to extract into, read, export.

::

    from quotetrack import Corpus

    with Corpus("news.db") as corpus:
        corpus.extract(["articles/"], jobs=2)
        for quote in corpus.quotes(status="confirmed", speaker="Sergey Lavrov"):
            print(quote["speaker"]["name"], quote["text"])
        corpus.export("exports/quotes.json")

The command line is a face over this object, as the review app is a face
over :mod:`quotetrack.review` and the :class:`~quotetrack.store.Store`
(``corpus.store``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from spacy.language import Language

from .domain import Document, Failure
from .models import check_coref_mode, describe, ensure_coref_model, extractor_id, load, model_info
from .run.engines import check_engine, choose_jobs, extract_results, in_process
from .run.inputs import DEFAULT_ENCODING, NoteHook, check_encoding, count_documents, read_documents
from .run.work import PipelineSpec, Result, extract_documents
from .store import RefreshReport, Selection, SpeakerSummary, Store, parse_statuses

# A news article takes about half a second; coreferee is quadratic on some pathological texts
# (thousands of short glued quotes) and would take hours.
DEFAULT_DOC_TIMEOUT = 120.0


@dataclass
class RunSummary:
    """What one :meth:`Corpus.extract` did."""

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
    total: int = 0  # documents the inputs hold, counted before the run (malformed JSONL lines included)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    @property
    def done(self) -> int:
        """Documents finished one way or another: extracted, unchanged or failed."""
        return self.extracted + self.unchanged + len(self.failures)


class Corpus:
    """A quotetrack store, with the pipeline that fills it (loaded when first needed).

    ``model``/``coref``/``wheelhouse`` say which pipeline extraction uses (see
    :func:`quotetrack.models.load`); ``nlp`` gives a loaded one instead.
    ``create``/``check`` are the store's (see :class:`~quotetrack.store.Store`).
    """

    def __init__(
        self,
        path: str | Path = "quotetrack.db",
        *,
        create: bool = True,
        check: bool = False,
        model: str | None = None,
        coref: str = "window",
        wheelhouse: str | Path | None = None,
        nlp: Language | None = None,
    ) -> None:
        self.model, self.coref, self.wheelhouse = model, check_coref_mode(coref), wheelhouse
        self._nlp = nlp
        self.store = Store(path, create=create, check=check)

    def __repr__(self) -> str:
        return f"<Corpus {str(self.path)!r}>"

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def nlp(self) -> Language:
        """The pipeline extraction runs in this process (loaded once, on first use)."""
        if self._nlp is None:
            self._nlp = load(self.model, coref=self.coref, wheelhouse=self.wheelhouse)
        return self._nlp

    # -- extraction --

    def extract(
        self,
        paths: Iterable[str | Path],
        *,
        jobs: int | None = None,
        engine: str = "local",
        scheduler: str | None = None,
        force: bool = False,
        encoding: str = DEFAULT_ENCODING,
        doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
        aliases: str | Path | None = None,
        on_progress: Callable[[RunSummary], None] | None = None,
        on_failure: Callable[[Failure], None] | None = None,
        on_note: NoteHook | None = None,
        cluster_options: dict | None = None,
        extract: Callable = extract_documents,
    ) -> RunSummary:
        """Extract every new or changed document under ``paths`` into the store, then normalise speakers.

        ``paths``: ``.txt`` files, folders of them, ``.jsonl`` files. Documents
        already extracted from the same text by the same pipeline are skipped
        (``force`` extracts them again). ``jobs``: worker processes (default:
        all cores, one for a handful of documents); ``engine="dask"`` runs on a
        Dask cluster (``scheduler``, else a LocalCluster). ``doc_timeout``:
        seconds a document may take per 50,000 characters (0 or None: no
        limit; not enforced on Dask). ``aliases``: a TOML aliases file,
        remembered for later runs. Bad inputs and failed documents go to
        ``on_failure`` and the run goes on; ``on_progress`` gets the summary
        after each document. Ctrl-C stops the run cleanly: what was stored
        stays, speakers are normalised, and the summary says ``interrupted``.
        """
        paths = list(paths)
        check_engine(engine)
        encoding = check_encoding(encoding)
        if aliases is not None:
            self.store.use_aliases_file(aliases)
        total = count_documents(paths)
        jobs = choose_jobs(total, jobs)
        spec = PipelineSpec(self.model, self.coref, doc_timeout or None)
        nlp = self.nlp if in_process(engine, jobs) else None
        if nlp is None and self.wheelhouse is not None:
            ensure_coref_model(self.wheelhouse)  # each worker loads the pipeline the spec describes
        run = _Run(self.store, nlp or describe(self.model, coref=self.coref), force, on_progress, on_failure)
        run.summary.engine, run.summary.total = engine, total
        run.summary.jobs = jobs if nlp is None or engine == "dask" else 1
        todo = run.todo(read_documents(paths, encoding=encoding, on_note=on_note))
        results = extract_results(todo, spec, nlp=nlp, jobs=jobs, engine=engine, scheduler=scheduler,
                                  cluster_options=cluster_options, extract=extract)
        return run.finish(results)

    def use_aliases(self, path: str | Path) -> None:
        """Force or forbid speaker merges from a TOML aliases file (remembered), and normalise speakers again."""
        self.store.use_aliases_file(path)
        self.store.refresh_speakers()

    def rebuild_speakers(self) -> RefreshReport:
        """Cluster every speaker name in the store again from nothing.

        Extraction, review and export refresh speakers incrementally (only
        what new or changed documents touch), which gives the same result;
        this is the full re-cluster, for a check or after a store was edited
        behind quotetrack's back.
        """
        return self.store.rebuild_speakers()

    # -- reading and exporting --

    def quotes(
        self,
        *,
        status: str | Iterable[str] | None = None,
        speaker: str | None = None,
        doc: str | None = None,
        kind: str | None = None,
        min_confidence: float | None = None,
    ) -> Iterator[dict]:
        """The quotes, as the export writes them (``quotetrack/1``), in document order.

        ``status``: review statuses, a list or comma-separated (``confirmed``
        includes ``corrected``, ``reviewed`` is all but ``pending``); ``speaker``: a speaker id or any name the
        speaker holds; ``doc``: a document id; ``kind``: direct, indirect or
        mixed; ``min_confidence``: at least this sure.
        """
        self.store.refresh_speakers_if_stale()  # speakers a reviewer changed get their final ids first
        return self.store.quote_records(self.select(status, speaker, doc, kind, min_confidence))

    def speakers(self) -> list[SpeakerSummary]:
        """Every canonical speaker with its aliases, quote count and documents, most quoted first."""
        self.store.refresh_speakers_if_stale()
        return self.store.speakers()

    def export(
        self, path: str | Path | BinaryIO, *, format: str = "json", status: str | Iterable[str] | None = None, **filters
    ) -> int:
        """Write the quote database to ``path``; returns the quotes written.

        ``format``: ``json`` (the database), ``jsonl`` (a quote per line) or
        ``csv`` (a row per quote). ``path``: a file, replaced atomically (its
        mode kept), or an open binary stream such as ``sys.stdout.buffer``.
        Takes the same filters as :meth:`quotes`.
        """
        self.store.refresh_speakers_if_stale()
        return self.store.write_export(path, format, self.select(status, **filters))

    @staticmethod
    def select(
        status: str | Iterable[str] | None = None,
        speaker: str | None = None,
        doc: str | None = None,
        kind: str | None = None,
        min_confidence: float | None = None,
    ) -> Selection:
        """The :class:`~quotetrack.store.Selection` these filters make (``ValueError`` for an unknown status)."""
        return Selection(parse_statuses(status), speaker, doc, kind, min_confidence)


class _Run:
    """One extraction run's bookkeeping: which documents to do, storing each result as it comes."""

    def __init__(self, store: Store, pipeline, force: bool, on_progress, on_failure) -> None:
        info = model_info(pipeline) if isinstance(pipeline, Language) else pipeline
        self.store, self.force = store, force
        self.extractor = extractor_id(info)
        self.summary = RunSummary()
        self.on_progress, self.on_failure = on_progress, on_failure
        self.started = time.perf_counter()
        store.record_models(info)

    def progress(self) -> None:
        if self.on_progress:
            self.on_progress(self.summary)

    def fail(self, source: str, reason: str) -> None:
        failure = Failure(source, reason)
        self.summary.failures.append(failure)
        if self.on_failure:
            self.on_failure(failure)
        self.progress()

    def todo(self, items: Iterable[Document | Failure]) -> Iterator[Document]:
        """The documents that need extracting; bad inputs and unchanged documents are counted here."""
        for item in items:
            if isinstance(item, Failure):
                self.fail(item.source, item.reason)
                continue
            self.summary.seen += 1
            if not self.force and self.store.is_current(item, self.extractor):
                self.summary.unchanged += 1
                self.progress()
                continue
            yield item

    def finish(self, results: Iterator[Result]) -> RunSummary:
        """Store each result as it arrives (one transaction each), then normalise speakers."""
        try:
            for result in results:
                self.store_result(result)
        except KeyboardInterrupt:
            self.summary.interrupted = True
        finally:
            results.close()  # stops the workers
        self.store.refresh_speakers()
        self.summary.failures.sort(key=lambda f: (f.source, f.reason))
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def store_result(self, result: Result) -> None:
        if not result.ok:
            self.fail(result.doc.source, result.error)
            return
        self.store.save_document(result.doc, result.quotes, result.extractor or self.extractor)
        self.summary.extracted += 1
        self.summary.words += result.words
        self.summary.quotes += len(result.quotes)
        self.progress()
