"""``--jobs N``: extraction in worker processes, each loading the pipeline once.

The main process reads the inputs, hands documents to the workers a few
batches at a time (so memory stays flat whatever the corpus size), and
receives one :class:`~quotetrack.work.Result` per document, in whatever
order they finish. Every worker runs the same
:func:`~quotetrack.work.extract_documents` as a one-process run, so the
output is the same.

Workers are started with ``spawn`` and build their pipeline from a
:class:`~quotetrack.work.PipelineSpec`; no ``nlp`` is ever pickled.

A worker that dies (a crash, the OOM killer, ``kill -9``) loses nothing:
the documents it held and had not returned are retried, each alone in a
worker of its own; one that kills its worker again is reported as failed
with the reason, and a later run tries it again (it is not in the store).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from ..domain import Document
from .work import TIMEOUT_CHARS, PipelineSpec, Result, extract_documents, timeout_reason

TASK_SIZE = 8  # documents per task sent to a worker
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


class WorkerStartError(RuntimeError):
    """A worker could not load the pipeline: the run cannot go on."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _worker_main(wid: int, spec: PipelineSpec, extract: Callable, tasks, results) -> None:
    """A worker: load the pipeline once, then extract task after task until told to stop.

    ``tasks`` and ``results`` are this worker's own pipe ends: nothing is
    shared with other workers, so a worker killed mid-write can corrupt
    nothing but its own pipe.
    """
    # Ctrl-C goes to the whole process group: the main process decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from ..models import extractor_id

        nlp = spec.load()
        extractor = extractor_id(nlp)
    except BaseException as exc:  # noqa: BLE001 (reported to the main process, which stops the run)
        results.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return
    results.send(("ready", extractor))
    # Tasks are taken off the pipe by a thread of their own, so that the main process can
    # always finish sending a task while this worker waits to send it results: two
    # processes each blocked on a full pipe to the other would wait for ever.
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_receive_tasks, args=(tasks, inbox), daemon=True).start()
    parent = mp.parent_process()
    while True:
        try:
            task = inbox.get(timeout=POLL_SECONDS * 4)
        except queue.Empty:
            if parent is not None and not parent.is_alive():  # the main process was killed: stop too
                return
            continue
        if task is None:
            return
        task_id, docs = task
        for result in extract(nlp, docs, extractor=extractor, **spec.extract_options()):
            # The main process holds the document: its text is not sent back.
            results.send(("result", (result.doc.id, result.quotes, result.words, result.error, result.extractor)))
        results.send(("done", task_id))


def _receive_tasks(tasks: Connection, inbox: queue.Queue) -> None:
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            task = None
        inbox.put(task)
        if task is None:
            return


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


def run_in_processes(
    spec: PipelineSpec,
    docs: Iterable[Document],
    jobs: int,
    *,
    extract: Callable = extract_documents,
    task_size: int = TASK_SIZE,
    prefetch: int = PREFETCH,
    retries: int = RETRIES,
    recycle_after: int = RECYCLE_AFTER,
) -> Iterator[Result]:
    """Results of ``docs`` extracted by ``jobs`` worker processes, as they come.

    Workers start when the first document arrives (a run with nothing to do
    starts none). Closing the generator (or Ctrl-C) stops the workers at
    once; documents they held are simply not stored, so a rerun does them.
    ``extract`` must be importable by name (it is sent to the workers).
    """
    ctx = mp.get_context("spawn")
    workers: dict[int, _Worker] = {}
    next_wid = 0
    source = iter(docs)
    source_done = False
    backlog: deque[Document] = deque()  # read from the source, not sent yet
    retry: deque[Document] = deque()  # held by a worker that died: to be tried again, alone
    attempts: dict[str, int] = {}
    task_counter = 0
    deaths_left = max(4, jobs * 4)

    def start_worker() -> None:
        nonlocal next_wid
        task_reader, task_writer = ctx.Pipe(duplex=False)
        result_reader, result_writer = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_worker_main,
            args=(next_wid, spec, extract, task_reader, result_writer),
            name=f"quotetrack-{next_wid}",
            daemon=True,
        )
        process.start()
        task_reader.close()
        result_writer.close()  # so that the worker's death is an EOF here
        workers[next_wid] = _Worker(next_wid, process, task_writer, result_reader)
        next_wid += 1

    def send(worker: _Worker, batch: list[Document], alone: bool = False) -> None:
        nonlocal task_counter
        task_counter += 1
        if not worker.held:
            worker.since = time.monotonic()
        for d in batch:
            worker.held[d.id] = d
        worker.tasks_open += 1
        worker.alone = alone
        try:
            worker.tasks.send((task_counter, batch))
        except OSError:  # it died: noticed below, and what it holds is retried
            pass

    def take(n: int) -> list[Document]:
        nonlocal source_done
        batch: list[Document] = []
        while backlog and len(batch) < n:
            batch.append(backlog.popleft())
        while not source_done and len(batch) < n:
            try:
                batch.append(next(source))
            except StopIteration:
                source_done = True
        return batch

    def work_left() -> bool:
        if backlog or retry or any(w.held for w in workers.values()):
            return True
        if not source_done:
            backlog.extend(take(1))
        return bool(backlog)

    def receive(worker: _Worker) -> Iterator[Result]:
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

    def bury(worker: _Worker) -> Iterator[Result]:
        """A worker died: retry what it held (alone), or report what already killed one."""
        nonlocal deaths_left
        del workers[worker.wid]
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        for doc in worker.held.values():
            attempts[doc.id] = attempts.get(doc.id, 0) + 1
            if attempts[doc.id] > retries:
                yield Result(doc, error=f"the worker process died while extracting it ({how}), also when retried alone")
            else:
                retry.append(doc)
        worker.tasks.close()
        worker.results.close()
        deaths_left -= 1
        if deaths_left < 0:
            raise WorkerStartError(f"worker processes keep dying ({how}); stopping")

    def overran(worker: _Worker) -> bool:
        if not spec.doc_timeout or not worker.held:
            return False
        chars = sum(len(d.text) for d in worker.held.values())
        allowed = 2 * spec.doc_timeout * max(1.0, chars / TIMEOUT_CHARS) + WATCHDOG_GRACE
        return time.monotonic() - worker.since > allowed

    def stop_overrun(worker: _Worker) -> Iterator[Result]:
        """A worker stuck past the time limit: kill it, fail the document it was on, requeue the rest."""
        del workers[worker.wid]
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.tasks.close()
        worker.results.close()
        held = list(worker.held.values())
        yield Result(held[0], error=f"{timeout_reason(spec.doc_timeout)}; its worker process was stopped")
        backlog.extendleft(reversed(held[1:]))

    retired: list[_Worker] = []

    def reap(worker: _Worker) -> None:
        retired.remove(worker)
        worker.process.join()
        worker.tasks.close()
        worker.results.close()

    def retire(worker: _Worker) -> None:
        """Stop a worker that has done its share; a fresh one takes its place."""
        del workers[worker.wid]
        try:
            worker.tasks.send(None)
        except OSError:
            pass
        retired.append(worker)

    try:
        while work_left():
            for worker in list(workers.values()):
                if worker.done >= recycle_after and not worker.held and worker.tasks_open == 0:
                    retire(worker)
            for worker in [w for w in retired if w.process.exitcode is not None]:
                reap(worker)  # no zombie per replaced worker over a long run
            while len(workers) < jobs:
                start_worker()
            for worker in list(workers.values()):
                if not worker.ready or worker.alone or worker.done >= recycle_after:
                    continue
                if retry:
                    if not worker.held:
                        send(worker, [retry.popleft()], alone=True)
                    continue
                while worker.tasks_open < prefetch:
                    batch = take(task_size)
                    if not batch:
                        break
                    send(worker, batch)
            readable = wait([w.results for w in workers.values()], timeout=POLL_SECONDS)
            for worker in [w for w in list(workers.values()) if w.results in readable]:
                try:
                    # Everything it sent before dying is read before its death is noticed.
                    yield from receive(worker)
                except (EOFError, OSError, pickle.UnpicklingError):
                    yield from bury(worker)
            for worker in list(workers.values()):
                if worker.process.exitcode is not None and not worker.results.poll():
                    yield from bury(worker)
                elif overran(worker):
                    yield from stop_overrun(worker)
    finally:
        _stop(list(workers.values()) + retired)


def _stop(workers: Iterable[_Worker]) -> None:
    workers = list(workers)
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
        worker.tasks.close()
        worker.results.close()
