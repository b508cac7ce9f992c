"""How many jobs a run gets, and where it runs: the policy the CLI and the library share."""

from __future__ import annotations

import pytest

from quotetrack.run import engines
from quotetrack.run.engines import ENGINES, check_engine, choose_jobs, extract_results, in_process
from quotetrack.run.work import PipelineSpec


def test_jobs_asked_for_are_kept():
    assert choose_jobs(0, 3) == 3 and choose_jobs(10_000, 1) == 1


def test_jobs_asked_for_are_at_most_one_per_few_documents():
    """Two jobs asked for one, two or three articles: they are extracted in this process, as with one
    (a forked worker's first document runs slower, which so few documents do not repay); four get two."""
    per = engines.AUTO_DOCS_PER_JOB
    assert choose_jobs(1, 2) == 1 and choose_jobs(2 * per - 1, 2) == 1 and choose_jobs(2 * per, 2) == 2
    assert choose_jobs(40, 2) == 2 and choose_jobs(3 * per, 8) == 3
    assert in_process("local", choose_jobs(1, 2)) and in_process("local", choose_jobs(2 * per - 1, 2))


def test_by_default_all_cores_but_one_job_for_a_handful_of_documents(monkeypatch):
    monkeypatch.setattr(engines, "available_cores", lambda: 4)
    assert choose_jobs(0) == 1
    assert choose_jobs(engines.AUTO_DOCS_PER_JOB * 2 - 1) == 1
    assert choose_jobs(engines.AUTO_DOCS_PER_JOB * 2) == 2
    assert choose_jobs(10_000) == 4


def test_one_local_job_runs_in_this_process():
    assert in_process("local", 1)
    assert not in_process("local", 2) and not in_process("dask", 1)


def test_an_unknown_engine_is_refused_before_anything_starts():
    assert [check_engine(e) for e in ENGINES] == ["local", "dask"]
    with pytest.raises(ValueError, match="unknown engine 'spark' \\(use local or dask\\)"):
        extract_results(iter(()), PipelineSpec(), engine="spark")
