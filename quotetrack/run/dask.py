"""``--engine dask``: the same extraction on a Dask distributed cluster.

Each Dask worker loads the pipeline once (:class:`PipelinePlugin`) and runs
:func:`~quotetrack.run.work.extract_documents` on batches sent from the client,
which gets the results back and stores them; a batch whose workers keep dying
is reported as failed (docs/performance.md). Workers need quotetrack and the
same models installed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from itertools import islice

from ..domain import Document
from .work import TASK_SIZE, PipelineSpec, Result, extract_documents

PLUGIN_NAME = "quotetrack-pipeline"
IN_FLIGHT_PER_WORKER = 2


try:  # the base class is optional at import time: the local engine does not need Dask
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover
    _WorkerPlugin = object


class PipelinePlugin(_WorkerPlugin):
    """Loads the quotetrack pipeline once per Dask worker (``setup`` runs when the worker starts or joins)."""

    def __init__(self, spec: PipelineSpec):
        self.spec = spec
        self.nlp = None
        self.extractor = None
        self.lock = threading.Lock()  # one document batch at a time, whatever the worker's thread count

    def setup(self, worker=None) -> None:
        from ..models import extractor_id

        self.nlp = self.spec.load()
        self.extractor = extractor_id(self.nlp)

    def __getstate__(self) -> dict:
        return {"spec": self.spec}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["spec"])


def extract_batch(docs: list[Document]) -> list[Result]:
    """Runs on a Dask worker: the batch's results, with the worker's pipeline."""
    from distributed import get_worker

    plugin: PipelinePlugin = get_worker().plugins[PLUGIN_NAME]
    with plugin.lock:
        if plugin.nlp is None:
            plugin.setup()
        return list(extract_documents(plugin.nlp, docs, extractor=plugin.extractor))


def run_on_dask(
    spec: PipelineSpec,
    docs: Iterable[Document],
    *,
    scheduler: str | None = None,
    jobs: int = 1,
    task_size: int = TASK_SIZE,
    cluster_options: dict | None = None,
) -> Iterator[Result]:
    """Results of ``docs`` extracted on a Dask cluster, as batches finish.

    ``scheduler``: the address of a running scheduler (``tcp://host:8786``);
    ``None`` starts a ``LocalCluster`` (``jobs`` worker processes of one
    thread; ``cluster_options`` are passed to it). At most a couple of
    batches per worker are in flight, so memory stays flat.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError("the Dask engine needs dask[distributed] (pip install 'dask[distributed]')") from exc

    cluster = None
    if scheduler is None:
        options = {"n_workers": jobs, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        options.update(cluster_options or {})
        cluster = LocalCluster(**options)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        client.register_plugin(PipelinePlugin(spec), name=PLUGIN_NAME)
        yield from _batches_on(client, iter(docs), task_size)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _batches_on(client, source: Iterator[Document], task_size: int) -> Iterator[Result]:
    """Submit batches of ``task_size`` documents, a couple per worker at a time; their results as each finishes."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending = as_completed()
    batches: dict = {}

    def submit() -> bool:
        batch = list(islice(source, task_size))
        if not batch:
            return False
        future = client.submit(extract_batch, batch, pure=False)
        batches[future.key] = batch
        pending.add(future)
        return True

    for _ in range(workers * IN_FLIGHT_PER_WORKER):
        if not submit():
            break
    for future in pending:
        results = _batch_results(future, batches.pop(future.key))
        future.release()
        yield from results
        submit()


def _batch_results(future, batch: list[Document]) -> list[Result]:
    """A finished batch's results; when it failed, each of its documents fails with the reason."""
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return [Result(doc, error=f"Dask workers died while extracting it ({exc})") for doc in batch]
    except Exception as exc:  # noqa: BLE001 (a batch's failure is its documents' failure)
        return [Result(doc, error=f"extraction failed on Dask: {type(exc).__name__}: {exc}") for doc in batch]


class SchedulerUnreachable(RuntimeError):
    """A ``--scheduler`` address that cannot be used: malformed, or nobody answers there."""


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Connect to the Dask scheduler at ``address`` and hang up; :class:`SchedulerUnreachable` if that fails.

    Run before anything is created, so a mistyped or stopped scheduler costs
    one clear line and no empty store. ``timeout``: seconds to keep trying
    (default: Dask's ``distributed.comm.timeouts.connect``, 30 s).
    """
    import asyncio

    import dask.config
    from dask.utils import parse_timedelta
    from distributed.comm import connect
    from distributed.security import Security

    if timeout is None:
        timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), default="seconds")

    async def probe() -> None:
        comm = await connect(address, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    try:
        asyncio.run(probe())
    except (OSError, ValueError, TypeError, asyncio.TimeoutError) as exc:
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
