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
from .run.inputs import DEFAULT_ENCODING, InputNote, NoteHook, check_encoding, check_fields, count_documents, read_documents
from .run.work import PipelineSpec, Result, check_time_limit, extract_documents
from .store import Selection, SpeakerSummary, Store, parse_statuses
from .store.speakers import ALIASES_META_KEY

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
    skipped: int = 0  # empty documents, skipped with a note
    failed: int = 0  # documents read, then failed in extraction (counted in failures too)
    carried: int = 0  # reviews carried over to the new quotes of re-extracted documents
    unplaced: int = 0  # reviews whose quote a re-extraction lost, kept unplaced (Store.unplaced_reviews)
    aliases_error: str | None = None  # the remembered aliases file could not be used: speakers went without it

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted and self.aliases_error is None

    @property
    def done(self) -> int:
        """Documents finished one way or another: extracted, unchanged, failed or skipped as empty."""
        return self.extracted + self.unchanged + len(self.failures) + self.skipped

    @property
    def not_done(self) -> int:
        """Documents the run did not finish (Ctrl-C): those it was working on and those it never reached."""
        return max(0, self.total - self.done)


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
        self.aliases_error: str | None = None  # see refresh_speakers

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
        id_field: str = "id",
        text_field: str = "text",
        doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
        aliases: str | Path | None = None,
        on_progress: Callable[[RunSummary], None] | None = None,
        on_failure: Callable[[Failure], None] | None = None,
        on_note: NoteHook | None = None,
        cluster_options: dict | None = None,
        extract: Callable = extract_documents,
    ) -> RunSummary:
        """Extract every new or changed document under ``paths`` into the store, then normalise speakers.

        ``paths``: ``.txt`` files, JSON lines (``.jsonl``, ``.jsonl.gz``), HTML
        pages (``.html``, ``.htm``) and folders of them. A JSONL object keeps
        the id under ``id_field`` and the text under ``text_field``; its other
        fields become the document's ``meta``. Documents already extracted
        from the same text by the same pipeline are skipped (``force``
        extracts them again); a changed document's reviews are carried over
        to its new quotes, and those that cannot be placed are kept and
        noted (one note per document). ``jobs``: worker processes (default:
        all cores, one for a handful of documents); ``engine="dask"`` runs on
        a Dask cluster (``scheduler``, else a LocalCluster). ``doc_timeout``:
        seconds a document may take per 50,000 characters (0, None or
        infinity: no limit; not enforced on Dask). ``aliases``: a TOML aliases
        file, remembered for later runs (:class:`AliasesError` when it cannot
        be used); a remembered one that has since become unusable is left out
        and named in the summary's ``aliases_error``. Bad inputs and failed
        documents go to ``on_failure`` and the run goes on; ``on_progress``
        gets the summary after each document. Ctrl-C stops the run cleanly:
        what was stored stays, speakers are normalised, and the summary says
        ``interrupted`` (and how many documents were ``not_done``).
        """
        paths = list(paths)
        check_engine(engine)
        encoding = check_encoding(encoding)
        check_fields(id_field, text_field)
        doc_timeout = check_time_limit(doc_timeout)
        if aliases is not None:
            self.remember_aliases(aliases)
        total = count_documents(paths)
        jobs = choose_jobs(total, jobs)
        spec = PipelineSpec(self.model, self.coref, doc_timeout)
        nlp = self.nlp if in_process(engine, jobs) else self._nlp  # workers fork from a loaded pipeline
        if nlp is None and self.wheelhouse is not None:
            ensure_coref_model(self.wheelhouse)  # each worker loads the pipeline the spec describes
        run = _Run(self, nlp or describe(self.model, coref=self.coref), force, on_progress, on_failure, on_note)
        run.summary.engine, run.summary.total = engine, total
        run.summary.jobs = 1 if in_process(engine, jobs) else jobs
        documents = read_documents(paths, encoding=encoding, on_note=run.note, id_field=id_field, text_field=text_field)
        results = extract_results(run.todo(documents), spec, nlp=nlp, jobs=jobs, engine=engine, scheduler=scheduler,
                                  cluster_options=cluster_options, extract=extract)
        return run.finish(results)

    def remember_aliases(self, path: str | Path) -> None:
        """Check a TOML aliases file and remember it for this and later runs (:class:`AliasesError` naming it)."""
        _aliases_call(path, lambda: self.store.use_aliases_file(path))

    def use_aliases(self, path: str | Path) -> None:
        """Force or forbid speaker merges from a TOML aliases file (remembered), and normalise speakers again."""
        self.remember_aliases(path)
        self.refresh_speakers()

    def refresh_speakers(self, only_if_stale: bool = False) -> bool:
        """Normalise speakers over the store (``only_if_stale``: when a reviewer changed one); True if it ran.

        A remembered aliases file that can no longer be used (removed, made a
        folder, malformed) is left out, and :attr:`aliases_error` says why
        (None when it was used, or there is none).
        """
        self.aliases_error = None
        try:
            _aliases_call(self.store.get_meta(ALIASES_META_KEY) or "", self.store.file_overrides)
        except AliasesError as exc:
            self.aliases_error = f"{exc}; speakers were normalised without it"
        if only_if_stale and not self.store.speakers_stale():
            return False  # the speakers stand as last normalised (without the file, if it is broken: said above)
        if self.aliases_error:
            from .names import Overrides

            self.store.refresh_speakers(Overrides())
        else:
            self.store.refresh_speakers()  # reads the file again: it is small
        return True

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
        self.refresh_speakers(only_if_stale=True)  # speakers a reviewer changed get their final ids first
        return self.store.quote_records(self.select(status, speaker, doc, kind, min_confidence))

    def speakers(self) -> list[SpeakerSummary]:
        """Every canonical speaker with its aliases, quote count and documents, most quoted first."""
        self.refresh_speakers(only_if_stale=True)
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
        self.refresh_speakers(only_if_stale=True)
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


class AliasesError(ValueError):
    """An aliases file that cannot be used; the message names the file and says why."""


def _aliases_call(path: str | Path, call: Callable):
    """``call()``, with every way an aliases file can be unusable turned into one :class:`AliasesError`."""
    try:
        return call()
    except UnicodeDecodeError as exc:
        raise AliasesError(f"{path}: the aliases file is not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:  # the names wing's own messages name the file and the entry
        raise AliasesError(str(exc)) from None
    except OSError as exc:
        reason = "is a folder, not a file" if isinstance(exc, IsADirectoryError) else f"cannot be read ({exc.strerror or exc})"
        raise AliasesError(f"{path}: the aliases file {reason}") from None


class _Run:
    """One extraction run's bookkeeping: which documents to do, storing each result as it comes."""

    def __init__(self, corpus: Corpus, pipeline, force: bool, on_progress, on_failure, on_note) -> None:
        info = model_info(pipeline) if isinstance(pipeline, Language) else pipeline
        self.corpus, self.store, self.force = corpus, corpus.store, force
        self.extractor = extractor_id(info)
        self.summary = RunSummary()
        self.on_progress, self.on_failure, self.on_note = on_progress, on_failure, on_note
        self.started = time.perf_counter()
        self.store.record_models(info)

    def progress(self) -> None:
        if self.on_progress:
            self.on_progress(self.summary)

    def note(self, note: InputNote) -> None:
        if note.skipped:
            self.summary.skipped += 1
        if self.on_note:
            self.on_note(note)
        if note.skipped:
            self.progress()

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
        self.corpus.refresh_speakers()
        self.summary.aliases_error = self.corpus.aliases_error
        self.summary.failures.sort(key=lambda f: (f.source, f.reason))
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def store_result(self, result: Result) -> None:
        if not result.ok:
            self.summary.failed += 1
            self.fail(result.doc.source, result.error)
            return
        saved = self.store.save_document(result.doc, result.quotes, result.extractor or self.extractor)
        self.summary.extracted += 1
        self.summary.words += result.words
        self.summary.quotes += len(result.quotes)
        self.summary.carried += getattr(saved, "carried", 0)
        unplaced = getattr(saved, "unplaced", 0)
        if unplaced:
            self.summary.unplaced += unplaced
            if self.on_note:
                what = "a reviewed quote" if unplaced == 1 else f"{unplaced:,} reviewed quotes"
                self.on_note(InputNote(result.doc.source, f"{what} could not be placed on the changed text; the "
                                       "decisions are kept (quotetrack review lists them)"))
        self.progress()
