"""Batch runs: the same output from every engine, dead workers, interrupted runs, progress."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from quotetrack import Corpus
from quotetrack.domain import Document
from quotetrack.run.processes import WorkerStartError, run_in_processes
from quotetrack.run.work import PipelineSpec, Result, extract_documents
from quotetrack.store import Store

# Every test here starts worker processes, and each loads the spaCy pipeline.
pytestmark = pytest.mark.slow


def _export_bytes(db: Store, path: Path, fmt: str = "json") -> bytes:
    db.write_export(path, fmt)
    return re.sub(rb'\n  "generated_at": "[^"]*",', b"", path.read_bytes())


@pytest.fixture(scope="module")
def engine_runs(tmp_path_factory, seeds_dir, nlp):
    """The seeds extracted in this process, by two worker processes, and on a Dask LocalCluster."""
    work = tmp_path_factory.mktemp("engines")
    runs = {}
    for name, kwargs in {
        "jobs1": {"jobs": 1},
        "jobs2": {"jobs": 2},
        "dask": {"engine": "dask", "jobs": 1, "cluster_options": {"processes": False}},
    }.items():
        corpus = Corpus(work / f"{name}.db", nlp=nlp)
        db = corpus.store
        summary = corpus.extract([seeds_dir], **kwargs)
        runs[name] = (summary, _export_bytes(db, work / f"{name}.json"), _export_bytes(db, work / f"{name}.jsonl", "jsonl"))
    return runs


def test_every_engine_gives_the_same_export(engine_runs):
    summary, json1, jsonl1 = engine_runs["jobs1"]
    assert summary.extracted == 5 and summary.ok
    assert orjson.loads(json1)["quotes"]
    for name in ("jobs2", "dask"):
        other, json_other, jsonl_other = engine_runs[name]
        assert other.extracted == 5 and other.ok, name
        assert json_other == json1, name
        assert jsonl_other == jsonl1, name
    assert engine_runs["jobs2"][0].jobs == 2 and engine_runs["dask"][0].engine == "dask"


# --- a worker that dies -------------------------------------------------------


def crashing_extract(nlp, docs, extractor=None):
    """Runs in the worker: dies on documents that ask for it (once, or every time)."""
    for doc in docs:
        if "DIE-EVERY-TIME" in doc.text:
            os._exit(7)
        once = re.search(r"DIE-ONCE:(\S+)", doc.text)
        if once and not os.path.exists(once.group(1)):
            Path(once.group(1)).write_text("died")
            os.kill(os.getpid(), signal.SIGKILL)
        yield from extract_documents(nlp, [doc], extractor=extractor)


def test_a_dead_workers_documents_are_retried_or_reported(tmp_path):
    said = "“We will win this vote tonight, no doubt,” Ann Lee said."
    docs = [
        Document("a", said, "a.txt"),
        Document("flaky", f"{said} DIE-ONCE:{tmp_path / 'marker'}", "flaky.txt"),
        Document("b", said, "b.txt"),
        Document("poison", f"{said} DIE-EVERY-TIME", "poison.txt"),
        Document("c", said, "c.txt"),
    ]
    results = {r.doc.id: r for r in run_in_processes(PipelineSpec(coref="off"), docs, 1, extract=crashing_extract)}
    assert sorted(results) == ["a", "b", "c", "flaky", "poison"]  # nothing lost
    assert (tmp_path / "marker").exists()
    for doc_id in ("a", "b", "c", "flaky"):
        assert results[doc_id].ok, results[doc_id].error
        assert results[doc_id].quotes[0].speaker == "Ann Lee"
    poison = results["poison"]
    assert not poison.ok and "worker process died" in poison.error and "exit code 7" in poison.error


def quick_extract(nlp, docs, extractor=None):
    """Runs in the worker: answers at once, so tasks and results cross in both pipes at full speed."""
    for doc in docs:
        yield Result(doc, words=len(doc.text.split()), extractor=extractor)


def test_large_documents_in_both_directions_do_not_deadlock_the_pipes():
    # Tasks of several 200,000-character documents fill a pipe many times over while the
    # worker is sending results back: neither side may wait for the other for ever. Workers are
    # also replaced after 15 documents each (memory stays flat), without losing any.
    docs = [Document(f"d{i}", f"word{i} " * 25_000, f"d{i}.txt") for i in range(40)]
    results: list = []
    runner = threading.Thread(
        target=lambda: results.extend(
            run_in_processes(PipelineSpec(coref="off"), docs, 2, extract=quick_extract, recycle_after=15)
        ),
        daemon=True,
    )
    runner.start()
    runner.join(timeout=120)
    assert not runner.is_alive(), "the run hung"
    assert sorted(r.doc.id for r in results) == sorted(d.id for d in docs)
    assert all(r.ok and r.words == 25_000 and r.doc.text == d.text for r, d in zip(sorted(results, key=lambda r: r.doc.id), sorted(docs, key=lambda d: d.id)))


def pid_extract(nlp, docs, extractor=None):
    """Runs in the worker: a tenth of a second per document, and says which process did it (as its words)."""
    for doc in docs:
        time.sleep(0.1)
        yield Result(doc, words=os.getpid(), extractor=extractor)


@pytest.mark.parametrize("n", [2, 4, 8, 16, 40])
def test_a_small_batch_is_spread_over_the_workers(n):
    """Tasks hold up to eight documents and a worker two tasks ahead: a batch of 16 in full tasks would all
    go to the first worker ready. Every worker gets its share, whatever the batch's size."""
    docs = [Document(f"d{i}", SAID, f"d{i}.txt") for i in range(n)]
    done = Counter(r.words for r in run_in_processes(PipelineSpec(coref="off"), docs, 2, extract=pid_extract))
    assert sum(done.values()) == n and len(done) == 2
    assert max(done.values()) <= n // 2 + max(1, n // 8), done


def sleepy_extract(nlp, docs, extractor=None):
    """Runs in the worker: a second per document, so that workers hold documents when the run is closed."""
    for doc in docs:
        time.sleep(1)
        yield Result(doc, extractor=extractor)


def test_closing_the_results_stops_the_workers_at_once():
    docs = [Document(f"d{i}", SAID, f"d{i}.txt") for i in range(100)]
    results = run_in_processes(PipelineSpec(coref="off"), docs, 2, extract=sleepy_extract)
    assert next(results).ok
    started = time.monotonic()
    results.close()
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()


def test_a_worker_that_cannot_load_the_pipeline_stops_the_run():
    docs = [Document("a", SAID, "a.txt")]
    with pytest.raises(WorkerStartError, match="a worker could not load the pipeline: .*no_such_model"):
        list(run_in_processes(PipelineSpec(model="no_such_model", coref="off"), docs, 2))
    assert not multiprocessing.active_children()


# --- a document that takes too long -------------------------------------------

SAID = "“We will win this vote tonight, no doubt,” Ann Lee said."


def _slow_on_marker(find_candidates):
    """The quote finder, made to take 30 s on documents marked PATHOLOGICAL (like coreferee on glued quotes)."""

    def slow(doc, *args):
        if "PATHOLOGICAL" in doc.text:
            for _ in range(600):
                time.sleep(0.05)
        return find_candidates(doc, *args)

    return slow


def slow_extract(nlp, docs, extractor=None, **options):
    """Runs in the worker: the same extraction, with the slow quote finder."""
    import quotetrack.extract.component

    if not getattr(quotetrack.extract.component.find_candidates, "slowed", False):
        quotetrack.extract.component.find_candidates = _slow_on_marker(quotetrack.extract.component.find_candidates)
        quotetrack.extract.component.find_candidates.slowed = True
    yield from extract_documents(nlp, docs, extractor=extractor, **options)


def test_a_document_over_the_time_limit_fails_alone_in_process(tmp_path, nlp, monkeypatch):
    import quotetrack.extract.component

    monkeypatch.setattr(quotetrack.extract.component, "find_candidates", _slow_on_marker(quotetrack.extract.component.find_candidates))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("a", SAID), ("stuck", f"{SAID} PATHOLOGICAL"), ("b", SAID.replace("Ann Lee", "Maria Lopez"))):
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    db = Store(tmp_path / "q.db")
    summary = Corpus(db.path, nlp=nlp).extract([corpus], jobs=1, doc_timeout=1)
    assert [(Path(f.source).name, "time limit of 1 s" in f.reason) for f in summary.failures] == [("stuck.txt", True)]
    assert summary.extracted == 2 and not summary.ok
    speakers = sorted(r[0] for r in db.conn.execute("SELECT speaker_name FROM quotes"))
    assert speakers == ["Ann Lee", "Maria Lopez"]
    assert db.conn.execute("SELECT count(*) FROM documents WHERE id = 'stuck'").fetchone()[0] == 0  # tried again next run


def _one_stuck_among_three(doc_timeout: float, extract) -> str:
    """Run a, stuck, b in one worker: a and b come through, and the reason stuck failed is returned."""
    docs = [
        Document("a", SAID, "a.txt"),
        Document("stuck", f"{SAID} PATHOLOGICAL", "stuck.txt"),
        Document("b", SAID, "b.txt"),
    ]
    spec = PipelineSpec(coref="off", doc_timeout=doc_timeout)
    results = {r.doc.id: r for r in run_in_processes(spec, docs, 1, extract=extract)}
    assert sorted(results) == ["a", "b", "stuck"]
    assert results["a"].ok and results["b"].ok and results["b"].quotes[0].speaker == "Ann Lee"
    assert not results["stuck"].ok
    return results["stuck"].error


def test_a_document_over_the_time_limit_fails_alone_in_a_worker():
    assert "time limit of 1 s per document (--doc-timeout)" in _one_stuck_among_three(1, slow_extract)


def unstoppable_extract(nlp, docs, extractor=None, **options):
    """Runs in the worker: hangs on documents marked PATHOLOGICAL where no signal gets through."""
    for doc in docs:
        if "PATHOLOGICAL" in doc.text:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(120)
        yield from extract_documents(nlp, [doc], extractor=extractor, **options)


def test_a_worker_stuck_past_the_time_limit_is_stopped_and_the_rest_goes_on(monkeypatch):
    import quotetrack.run.processes

    monkeypatch.setattr(quotetrack.run.processes, "WATCHDOG_GRACE", 1.0)
    assert "its worker process was stopped" in _one_stuck_among_three(0.5, unstoppable_extract)


# --- interrupted runs ---------------------------------------------------------


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _count(db: Path) -> int:
    """Documents stored, once the run is over: errors raise instead of reading as 0."""
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _ctrl_c_stops() -> None:
    # A test run started in the background by a shell (`make test &`) inherits SIGINT ignored,
    # and an ignored SIGINT stays ignored across exec: Python then installs no KeyboardInterrupt
    # handler and the run would finish as if Ctrl-C never came. In a terminal it is not ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(corpus: Path, work: Path, jobs: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "quotetrack.cli", "extract", str(corpus), "--db", str(work / "q.db"),
           "-o", str(work / "quotes.json"), "--jobs", str(jobs)]
    return subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_ctrl_c_stops)


def _wait_for_documents(proc: subprocess.Popen, db: Path, at_least: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = _stored(db)
        if n >= at_least:
            return n
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("the run stored nothing in time")


ARTICLES = 200


def test_interrupted_runs_carry_on_without_duplicates(tmp_path, seeds_dir, nlp):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    # Enough articles that the run cannot finish between its first stored ones and the interrupt
    # (with 60, a faster extraction once ended before Ctrl-C arrived).
    for i in range(ARTICLES):
        shutil.copy(seeds[i % len(seeds)], corpus / f"article_{i:03d}.txt")
    reference = Store(tmp_path / "reference.db")
    Corpus(reference.path, nlp=nlp).extract([corpus], jobs=1)
    expected = _export_bytes(reference, tmp_path / "reference.json")
    work = tmp_path / "work"
    work.mkdir()
    db = work / "q.db"

    # Ctrl-C (to the whole process group, as a terminal sends it) with two workers: a clean stop.
    proc = _start(corpus, work, jobs=2)
    _wait_for_documents(proc, db, 2)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in out and "interrupted" in err, (out, err)
    first = _count(db)
    assert 2 <= first < ARTICLES, (first, out, err)

    # kill -9 in the middle of the next run.
    proc = _start(corpus, work, jobs=1)
    _wait_for_documents(proc, db, first + 1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    second = _count(db)
    assert first < second < ARTICLES, (first, second)

    # The last run does only what is left, and the result is that of an uninterrupted run.
    final = subprocess.run(
        [sys.executable, "-m", "quotetrack.cli", "extract", str(corpus), "--db", str(db), "-o", str(work / "quotes.json"),
         "--jobs", "1"], cwd=work, capture_output=True, text=True, timeout=300,
    )
    assert final.returncode == 0, final.stderr
    assert f"{second:,} unchanged" in final.stdout, (second, final.stdout)
    final_store = Store(db)
    assert _stored(db) == ARTICLES
    ids = [r[0] for r in final_store.conn.execute("SELECT id FROM quotes")]
    assert len(ids) == len(set(ids))
    assert _export_bytes(final_store, work / "again.json") == expected
