"""Placing documents' speaker names, in worker processes when a refresh has many documents.

Placing (resolving a document's names and finding each one's unit,
:meth:`~quotetrack.names.Normaliser.place`) is most of a large refresh's time
— about 0.6 ms of CPU per news article — and each document's is its own: the
normaliser keeps nothing between documents but caches. So from
:data:`PARALLEL_FROM` documents on, where processes fork, workers forked from
this process (its normaliser, its caches) place batches of documents while
this one writes what they placed, in the documents' order. The result is the
same as placing them here one by one (``tests/store/test_speakers_incremental.py``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator

from ..names.cluster import Normaliser, Placement
from .speaker_index import DocNames

PARALLEL_FROM = 2_000  # documents: fewer are placed here sooner than workers start
BATCH = 200  # documents sent to a worker at a time
MAX_WORKERS = 4
AHEAD = 2  # batches in flight per worker: enough to keep them busy, memory stays flat

_normaliser: Normaliser | None = None  # a forked worker's normaliser (its parent's)


def workers_for(documents: int) -> int:
    """How many worker processes place ``documents`` (0: this process does)."""
    if documents < PARALLEL_FROM or not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods():
        return 0  # fork is unsafe on macOS; spawned workers would rebuild every cache first
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, MAX_WORKERS) if cores > 1 else 0


def placed(normaliser: Normaliser, docs: Iterable[tuple[str, DocNames]], workers: int = 0
           ) -> Iterator[tuple[str, DocNames, list[Placement]]]:
    """Each of ``docs`` with its placements, in the order given; by ``workers`` forked processes if any."""
    if workers <= 0:
        for doc_id, names in docs:
            yield doc_id, names, normaliser.place(doc_id, names.counts, names.votes)
        return
    global _normaliser
    _normaliser = normaliser
    pool = mp.get_context("fork").Pool(workers)
    try:
        pending: deque = deque()
        for batch in _batches(docs):
            pending.append((batch, pool.apply_async(_place_batch, ([(d, n.counts, dict(n.votes)) for d, n in batch],))))
            if len(pending) >= AHEAD * workers:
                yield from _done(pending.popleft())
        while pending:
            yield from _done(pending.popleft())
    finally:
        pool.terminate()  # nothing is left to do (or the caller stopped early): no worker outlives the refresh
        pool.join()
        _normaliser = None


def _batches(docs: Iterable[tuple[str, DocNames]]) -> Iterator[list[tuple[str, DocNames]]]:
    batch: list[tuple[str, DocNames]] = []
    for item in docs:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _done(entry) -> Iterator[tuple[str, DocNames, list[Placement]]]:
    batch, result = entry
    for (doc_id, names), placements in zip(batch, result.get()):
        yield doc_id, names, placements


def _place_batch(batch: list[tuple[str, dict, dict]]) -> list[list[Placement]]:
    """In a worker: the placements of each document of ``batch``."""
    assert _normaliser is not None  # set before the fork
    return [_normaliser.place(doc_id, counts, votes) for doc_id, counts, votes in batch]
