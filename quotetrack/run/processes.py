"""``--jobs N``: extraction in worker processes that start from a loaded pipeline.

A :class:`WorkerPool` hands documents to workers a few tasks at a time and
yields one :class:`~quotetrack.run.work.Result` per document as they finish.
On Linux the pipeline is loaded once, in this process (or taken as given),
and each worker is *forked* from it: it is extracting a few milliseconds
after it starts, where a spawned worker spends seconds importing spaCy and
loading the models (which made ``--jobs 2`` barely pay on a small batch), and
a worn-out worker is replaced as fast. Elsewhere (fork is unsafe on macOS)
workers are spawned and load the pipeline themselves. How the pool survives
dead, stuck and worn-out workers: docs/performance.md.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from spacy.language import Language

from ..domain import Document
from . import collector
from .work import TASK_SIZE, TIMEOUT_CHARS, PipelineSpec, Result, extract_documents, timeout_reason

PREFETCH = 2  # tasks a worker may hold at once
POLL_SECONDS = 0.5
RETRIES = 1  # times a document whose worker died is tried again (alone)
# A worker's memory creeps up with every document it parses (about half a MiB each, measured
# on PolNeAR): a worker that has done this many is replaced by a fresh one, so memory stays flat.
RECYCLE_AFTER = 400
# With a per-document time limit, a worker is also watched from here: one that has returned
# nothing for twice the limit (per 50,000 characters of what it holds) plus this many seconds
# is killed. The limit is normally enforced inside the worker (SIGALRM); this catches what a
# signal cannot interrupt (C code that holds the interpreter, such as a runaway regex).
WATCHDOG_GRACE = 30.0
# Workers are forked from a loaded pipeline where fork is safe to use with the libraries loaded
# (Linux); elsewhere they are spawned and load it themselves.
FORKS = sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


class WorkerStartError(RuntimeError):
    """A worker could not load the pipeline (or workers keep dying): the run cannot go on."""


def run_in_processes(
    spec: PipelineSpec,
    docs: Iterable[Document],
    jobs: int,
    *,
    nlp: Language | None = None,
    extract: Callable = extract_documents,
    task_size: int = TASK_SIZE,
    prefetch: int = PREFETCH,
    retries: int = RETRIES,
    recycle_after: int = RECYCLE_AFTER,
) -> Iterator[Result]:
    """Results of ``docs`` extracted by ``jobs`` worker processes, as they come.

    Workers start when the first document arrives (a run with nothing to do
    starts none), forked from ``nlp`` (the pipeline ``spec`` describes, loaded
    here when not given) where :data:`FORKS`. Closing the generator (or
    Ctrl-C) stops the workers at once; documents they held are simply not
    stored, so a rerun does them. ``extract`` must be importable by name (it
    is sent to spawned workers).
    """
    pool = WorkerPool(
        spec, jobs, nlp=nlp, extract=extract, task_size=task_size, prefetch=prefetch, retries=retries,
        recycle_after=recycle_after,
    )
    return pool.run(docs)


# --- in a worker process ----------------------------------------------------------------------


def _worker_main(spec: PipelineSpec, extract: Callable, tasks: Connection, results: Connection,
                 nlp: Language | None = None, inherited: tuple[Connection, ...] = ()) -> None:
    """A worker: load the pipeline once (or start from ``nlp``, forked), then extract task after task
    until told to stop.

    ``tasks`` and ``results`` are this worker's own pipe ends: nothing is
    shared with other workers, so a worker killed mid-write can corrupt
    nothing but its own pipe. A forked worker first closes the ends of other
    workers' pipes it inherited (``inherited``), so that each pipe still
    closes when the process at its other end dies.
    """
    # Ctrl-C goes to the whole process group: the main process decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for end in inherited:
        end.close()
    loaded = _load_pipeline(spec, results) if nlp is None else _ready(nlp, results)
    if loaded is None:
        return
    nlp, extractor = loaded
    # Tasks are taken off the pipe by a thread of their own, so that the main process can
    # always finish sending a task while this worker waits to send it results: two
    # processes each blocked on a full pipe to the other would wait for ever.
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_receive_tasks, args=(tasks, inbox), daemon=True).start()
    while (task := _next_task(inbox)) is not None:
        task_id, docs = task
        for result in extract(nlp, docs, extractor=extractor, **spec.extract_options()):
            # The main process holds the document: its text is not sent back.
            results.send(("result", (result.doc.id, result.quotes, result.words, result.error, result.extractor)))
        results.send(("done", task_id))


def _load_pipeline(spec: PipelineSpec, results: Connection) -> tuple | None:
    """(nlp, extractor id), announced to the main process as ``ready``; None once it is told why not."""
    try:
        from ..models import extractor_id

        nlp = spec.load()
        extractor = extractor_id(nlp)
    except BaseException as exc:  # noqa: BLE001 (reported to the main process, which stops the run)
        results.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return None
    results.send(("ready", extractor))
    return nlp, extractor


def _ready(nlp: Language, results: Connection) -> tuple:
    from ..models import extractor_id

    extractor = extractor_id(nlp)
    results.send(("ready", extractor))
    return nlp, extractor


def _receive_tasks(tasks: Connection, inbox: queue.Queue) -> None:
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            task = None
        inbox.put(task)
        if task is None:
            return


def _next_task(inbox: queue.Queue) -> tuple | None:
    """The next task; None when told to stop or when the main process is gone."""
    parent = mp.parent_process()
    while True:
        try:
            return inbox.get(timeout=POLL_SECONDS * 4)
        except queue.Empty:
            if parent is not None and not parent.is_alive():  # the main process was killed: stop too
                return None


# --- in the main process ----------------------------------------------------------------------


@dataclass
class _Worker:
    wid: int
    process: mp.process.BaseProcess
    tasks: Connection  # main → worker
    results: Connection  # worker → main
    ready: bool = False
    held: dict[str, Document] = field(default_factory=dict)  # sent, not yet returned
    tasks_open: int = 0
    alone: bool = False  # running a retried document on its own
    done: int = 0  # documents it has returned
    since: float = 0.0  # when it last returned something (or was given work while idle)

    def idle(self) -> bool:
        return not self.held and self.tasks_open == 0

    def close(self) -> None:
        self.tasks.close()
        self.results.close()

    def ending(self) -> str:
        """How its process ended, for a failure's reason."""
        code = self.process.exitcode
        return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"


class WorkerPool:
    """``jobs`` worker processes extracting one stream of documents; :meth:`run` it once.

    The loop: replace worn-out workers, give work to the ready ones, yield
    what comes back, then deal with workers that died or overran.
    """

    def __init__(
        self,
        spec: PipelineSpec,
        jobs: int,
        *,
        nlp: Language | None = None,
        extract: Callable = extract_documents,
        task_size: int = TASK_SIZE,
        prefetch: int = PREFETCH,
        retries: int = RETRIES,
        recycle_after: int = RECYCLE_AFTER,
    ):
        self.spec = spec
        self.jobs = jobs
        self.extract = extract
        self.task_size = task_size
        self.prefetch = prefetch
        self.retries = retries
        self.recycle_after = recycle_after
        self.nlp = nlp  # forked workers start from it (loaded before the first one starts, if not given)
        self.ctx = mp.get_context("fork" if FORKS else "spawn")
        self.workers: dict[int, _Worker] = {}
        self.retired: list[_Worker] = []  # told to stop, not reaped yet
        self.next_wid = 0
        self.source: Iterator[Document] = iter(())
        self.source_done = False
        self.backlog: deque[Document] = deque()  # read from the source, not sent yet
        self.retry: deque[Document] = deque()  # held by a worker that died: to be tried again, alone
        self.attempts: dict[str, int] = {}
        self.tasks_sent = 0
        self.deaths_left = max(4, jobs * 4)

    def run(self, docs: Iterable[Document]) -> Iterator[Result]:
        """A result per document of ``docs``, in whatever order they finish; the workers stop at the end."""
        self.source = iter(docs)
        try:
            while self.work_left():
                self.renew()
                self.feed()
                yield from self.collect()
                yield from self.watch()
        finally:
            self.stop()

    # --- the loop's steps ---

    def work_left(self) -> bool:
        if self.backlog or self.retry or any(w.held for w in self.workers.values()):
            return True
        self.backlog.extend(self.take(1))
        return bool(self.backlog)

    def renew(self) -> None:
        """Retire the workers that have done their share, reap those gone, start up to ``jobs``."""
        for worker in list(self.workers.values()):
            if worker.done >= self.recycle_after and worker.idle():
                self.retire(worker)
        for worker in [w for w in self.retired if w.process.exitcode is not None]:
            self.reap(worker)  # no zombie per replaced worker over a long run
        while len(self.workers) < self.jobs:
            self.start()

    def feed(self) -> None:
        """Give work to every ready worker: a retried document alone, else tasks up to the prefetch."""
        for worker in list(self.workers.values()):
            if not worker.ready or worker.alone or worker.done >= self.recycle_after:
                continue
            if self.retry:
                if not worker.held:
                    self.send(worker, [self.retry.popleft()], alone=True)
                continue
            while worker.tasks_open < self.prefetch:
                size, last = self.next_task()
                if last and worker.tasks_open:
                    break  # the last documents go one task at a time, so that every worker gets some
                if not (batch := self.take(size)):
                    break
                self.send(worker, batch)

    def next_task(self) -> tuple[int, bool]:
        """How many documents the next task holds, and whether they are among the last ones.

        Reads ahead as many documents as full tasks for every worker would
        hold. If the source ends there (a small batch, or a run's tail), the
        rest is cut into shrinking tasks (half of what is left per worker) given
        one at a time, so that it spreads over all the workers instead of
        queueing at the first one ready: 16 documents in tasks of 8, two tasks
        ahead, would all go to one worker.
        """
        ahead = self.jobs * self.prefetch * self.task_size
        while not self.source_done and len(self.backlog) < ahead:
            try:
                self.backlog.append(next(self.source))
            except StopIteration:
                self.source_done = True
        if not self.source_done:
            return self.task_size, False
        return max(1, min(self.task_size, -(-len(self.backlog) // self.jobs))), True

    def collect(self) -> Iterator[Result]:
        """Wait a moment for results; a worker whose pipe has closed is buried."""
        readable = wait([w.results for w in self.workers.values()], timeout=POLL_SECONDS)
        for worker in [w for w in list(self.workers.values()) if w.results in readable]:
            try:
                # Everything it sent before dying is read before its death is noticed.
                yield from self.receive(worker)
            except (EOFError, OSError, pickle.UnpicklingError):
                yield from self.bury(worker)

    def watch(self) -> Iterator[Result]:
        """Bury the workers that died with nothing left to read; stop those past the time limit."""
        for worker in list(self.workers.values()):
            if worker.process.exitcode is not None and not worker.results.poll():
                yield from self.bury(worker)
            elif self.overran(worker):
                yield from self.stop_overrun(worker)

    # --- one thing each ---

    def start(self) -> None:
        if FORKS and self.nlp is None:
            self.nlp = self.load()
        task_reader, task_writer = self.ctx.Pipe(duplex=False)
        result_reader, result_writer = self.ctx.Pipe(duplex=False)
        others = tuple(end for w in [*self.workers.values(), *self.retired] for end in (w.tasks, w.results))
        args = (self.spec, self.extract, task_reader, result_writer, self.nlp, others) if FORKS else (
            self.spec, self.extract, task_reader, result_writer)
        process = self.ctx.Process(target=_worker_main, args=args, name=f"quotetrack-{self.next_wid}", daemon=True)
        if FORKS:
            collector.freeze_before_fork()
        process.start()
        task_reader.close()
        result_writer.close()  # so that the worker's death is an EOF here
        self.workers[self.next_wid] = _Worker(self.next_wid, process, task_writer, result_reader)
        self.next_wid += 1

    def load(self) -> Language:
        """The pipeline the workers fork from, loaded here once (WorkerStartError if it cannot be)."""
        try:
            return self.spec.load()
        except Exception as exc:  # noqa: BLE001 (the run cannot go on: said as a worker would)
            raise WorkerStartError(f"a worker could not load the pipeline: {type(exc).__name__}: {exc}") from exc

    def take(self, n: int) -> list[Document]:
        """Up to ``n`` documents: the backlog's first, then new ones from the source."""
        batch: list[Document] = []
        while self.backlog and len(batch) < n:
            batch.append(self.backlog.popleft())
        while not self.source_done and len(batch) < n:
            try:
                batch.append(next(self.source))
            except StopIteration:
                self.source_done = True
        return batch

    def send(self, worker: _Worker, batch: list[Document], alone: bool = False) -> None:
        self.tasks_sent += 1
        if not worker.held:
            worker.since = time.monotonic()
        for doc in batch:
            worker.held[doc.id] = doc
        worker.tasks_open += 1
        worker.alone = alone
        try:
            worker.tasks.send((self.tasks_sent, batch))
        except OSError:  # it died: noticed by collect or watch, and what it holds is retried
            pass

    def receive(self, worker: _Worker) -> Iterator[Result]:
        """What a worker has sent; raises EOFError when it is gone."""
        while worker.results.poll():
            kind, payload = worker.results.recv()
            if kind == "fatal":
                raise WorkerStartError(f"a worker could not load the pipeline: {payload}")
            if kind == "ready":
                worker.ready = True
            elif kind == "result":
                doc_id, quotes, words, error, extractor = payload
                doc = worker.held.pop(doc_id, None)
                if doc is not None:
                    worker.done += 1
                    worker.since = time.monotonic()
                    yield Result(doc, quotes, words, error, extractor)
            elif kind == "done":
                worker.tasks_open -= 1
                if worker.tasks_open == 0:
                    worker.alone = False

    def bury(self, worker: _Worker) -> Iterator[Result]:
        """A worker died: retry what it held (alone), or report what already killed one."""
        del self.workers[worker.wid]
        worker.process.join(timeout=5)
        how = worker.ending()
        for doc in worker.held.values():
            self.attempts[doc.id] = self.attempts.get(doc.id, 0) + 1
            if self.attempts[doc.id] > self.retries:
                yield Result(doc, error=f"the worker process died while extracting it ({how}), also when retried alone")
            else:
                self.retry.append(doc)
        worker.close()
        self.deaths_left -= 1
        if self.deaths_left < 0:
            raise WorkerStartError(f"worker processes keep dying ({how}); stopping")

    def overran(self, worker: _Worker) -> bool:
        if not self.spec.doc_timeout or not worker.held:
            return False
        chars = sum(len(d.text) for d in worker.held.values())
        allowed = 2 * self.spec.doc_timeout * max(1.0, chars / TIMEOUT_CHARS) + WATCHDOG_GRACE
        return time.monotonic() - worker.since > allowed

    def stop_overrun(self, worker: _Worker) -> Iterator[Result]:
        """A worker stuck past the time limit: kill it, fail the document it was on, requeue the rest."""
        del self.workers[worker.wid]
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.close()
        held = list(worker.held.values())  # in the order sent: the first is the one it was on
        yield Result(held[0], error=f"{timeout_reason(self.spec.doc_timeout)}; its worker process was stopped")
        self.backlog.extendleft(reversed(held[1:]))

    def retire(self, worker: _Worker) -> None:
        """Tell a worker that has done its share to stop; a fresh one takes its place."""
        del self.workers[worker.wid]
        try:
            worker.tasks.send(None)
        except OSError:
            pass
        self.retired.append(worker)

    def reap(self, worker: _Worker) -> None:
        self.retired.remove(worker)
        worker.process.join()
        worker.close()

    def stop(self) -> None:
        """Stop every worker: idle ones are asked, those holding documents are not waited for."""
        workers = list(self.workers.values()) + self.retired
        self.workers, self.retired = {}, []
        for worker in workers:
            if worker.process.exitcode is None and not worker.held:
                try:
                    worker.tasks.send(None)
                except OSError:
                    pass
        for worker in workers:
            worker.process.join(timeout=0 if worker.held else 5)
            if worker.process.exitcode is None:
                worker.process.terminate()
                worker.process.join(timeout=5)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            worker.close()
        if FORKS and workers:
            collector.unfreeze()
