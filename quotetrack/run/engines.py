"""Which engine extracts a run's documents, with how many jobs: one entry point for every caller."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language

from ..domain import Document
from ..models import extractor_id
from .processes import FORKS, run_in_processes
from .work import PipelineSpec, Result, extract_documents

ENGINES = ("local", "dask")
# A job per this many documents at most, asked for or not. A forked worker starts in milliseconds,
# but its first document runs slower than in the process it was forked from (its copy of the
# pipeline's memory is made page by page as it is touched): two or three articles in two
# processes measured 0.91x and 0.93x one process, four 1.45x (docs/performance.md). A spawned
# worker loads the models itself first (seconds), which a handful of documents does not repay.
AUTO_DOCS_PER_JOB = 2 if FORKS else 8


def check_engine(engine: str) -> str:
    """``engine`` when it is one of :data:`ENGINES`; ``ValueError`` otherwise."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")
    return engine


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def choose_jobs(documents: int, jobs: int | None = None) -> int:
    """The jobs for a run of ``documents`` (0: not known): ``jobs`` when given, else all cores; in both
    cases at most one per :data:`AUTO_DOCS_PER_JOB` documents, so that a small batch never runs slower
    than in one process (one job runs in this process)."""
    if documents <= 0:
        return jobs if jobs is not None else 1
    most = max(1, documents // AUTO_DOCS_PER_JOB)
    return min(jobs if jobs is not None else available_cores(), most)


def in_process(engine: str, jobs: int) -> bool:
    """Whether a run extracts in this process, with a pipeline loaded here: one local job."""
    return engine == "local" and jobs <= 1


def extract_results(
    docs: Iterable[Document],
    spec: PipelineSpec,
    *,
    nlp: Language | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cluster_options: dict | None = None,
    extract: Callable = extract_documents,
) -> Iterator[Result]:
    """A :class:`Result` for each of ``docs``, lazily; closing the iterator stops the workers.

    ``engine="dask"``: on a Dask cluster (``scheduler``'s, else a LocalCluster
    of ``jobs`` workers given ``cluster_options``). Local, one job: in this
    process, with ``nlp``. Local, more: ``jobs`` worker processes, forked from
    ``nlp`` (or from the pipeline ``spec`` describes, loaded here) where
    processes fork, else each loading it. ``extract`` replaces
    :func:`~quotetrack.run.work.extract_documents` on the local engine (for
    tests; importable by name, as spawned workers receive it).
    """
    if check_engine(engine) == "dask":
        from .dask import run_on_dask  # imports distributed: optional, and slow to import

        return run_on_dask(spec, docs, scheduler=scheduler, jobs=jobs, cluster_options=cluster_options)
    if nlp is not None and jobs <= 1:
        return _in_this_process(nlp, docs, spec, extract)
    return run_in_processes(spec, docs, jobs, nlp=nlp, extract=extract)


def _in_this_process(nlp: Language, docs: Iterable[Document], spec: PipelineSpec, extract: Callable) -> Iterator[Result]:
    yield from extract(nlp, docs, extractor=extractor_id(nlp), **spec.extract_options())
