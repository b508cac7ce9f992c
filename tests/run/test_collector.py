"""The garbage collector during extraction: collected less often while documents are extracted,
the caller's own settings back afterwards, and nothing left frozen once the workers are gone."""

from __future__ import annotations

import gc
import threading

import pytest

from quotetrack.domain import Document
from quotetrack.run import collector
from quotetrack.run.processes import FORKS, run_in_processes
from quotetrack.run.work import PipelineSpec, Result, extract_documents

SAID = "“We will win this vote tonight,” Ann Lee said.\n"


@pytest.fixture()
def caller_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def docs(n: int) -> list[Document]:
    return [Document(f"d{i}", SAID * 3, f"d{i}.txt") for i in range(n)]


def test_extraction_collects_less_often_and_gives_the_callers_settings_back(light, caller_threshold):
    seen = []
    for result in extract_documents(light, docs(3)):
        assert result.ok and result.quotes
        seen.append(gc.get_threshold())
    assert all(t == collector.THRESHOLD for t in seen)
    assert gc.get_threshold() == caller_threshold


def test_an_abandoned_extraction_gives_the_settings_back_too(light, caller_threshold):
    results = extract_documents(light, docs(40))
    next(results)
    assert gc.get_threshold() == collector.THRESHOLD
    results.close()
    assert gc.get_threshold() == caller_threshold


def test_a_caller_who_collects_even_less_often_keeps_it(light):
    before = gc.get_threshold()
    gc.set_threshold(50_000, 5, 100)
    try:
        for _ in extract_documents(light, docs(2)):
            assert gc.get_threshold() == (50_000, 20, 100)
        assert gc.get_threshold() == (50_000, 5, 100)
    finally:
        gc.set_threshold(*before)


def test_overlapping_extractions_restore_the_settings_when_the_last_one_ends(light, caller_threshold):
    first, second = extract_documents(light, docs(2)), extract_documents(light, docs(2))
    next(first)
    next(second)
    list(first)
    assert gc.get_threshold() == collector.THRESHOLD  # the second still runs
    done = threading.Event()
    threading.Thread(target=lambda: (list(second), done.set()), daemon=True).start()
    assert done.wait(60)
    assert gc.get_threshold() == caller_threshold


def frozen_extract(nlp, docs, extractor=None):
    """Runs in the worker: reports (as its words) how many objects it inherited frozen."""
    for doc in docs:
        yield Result(doc, words=gc.get_freeze_count(), extractor=extractor)


@pytest.mark.skipif(not FORKS, reason="workers are forked only where fork is safe (Linux)")
def test_forked_workers_leave_the_parents_objects_alone_and_nothing_stays_frozen():
    """The parent's objects are frozen when a worker is forked, so the worker's collections never
    touch (and copy) the memory pages they share; once the workers are gone, the caller's objects
    are under the collector again."""
    assert gc.get_freeze_count() == 0
    results = list(run_in_processes(PipelineSpec(coref="off"), docs(6), 2, extract=frozen_extract))
    assert len(results) == 6 and all(r.words > 10_000 for r in results)
    assert gc.get_freeze_count() == 0
