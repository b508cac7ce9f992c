"""Batch speed, agreement and memory on PolNeAR (a benchmark that prints numbers; not a test).

Sections (all by default):

- ``agreement``: every article of the train split is parsed once; then
  quotetrack runs with windowed coreference (as shipped) and with coreferee
  over the whole document, on the same parse. Prints words/s of the bare
  parse, of quotetrack as shipped and of quotetrack with whole-document
  coreference (all measured in this one run, so their ratios hold on a busy
  machine; CPU-time columns too, steadier when other work shares the
  cores), and the share of identical attributions (same quote span,
  speaker and method), listing the differences.
- ``coref-equivalence``: coreferee as published against
  ``quotetrack.extract.coref_fast``'s faster version, on every article cut into
  windows of six sentences (the size the shipped resolver annotates):
  the share of windows with identical chains and identical candidate
  rankings for every anaphor, the largest score difference, and the time
  of each (process CPU seconds); then every article whole, through
  coreferee's own ``annotate`` entry point (the ``--coref document`` path):
  the share with identical chains.
- ``engines``: ``Corpus.extract`` into a fresh store at ``--jobs 1`` and
  ``--jobs 2`` (and, with ``--engine-dask``, a Dask ``LocalCluster`` of 2
  workers), worker start-up included, on ``--engine-docs`` articles: with the
  pipeline loaded once (the library), as fresh ``quotetrack extract``
  processes, and on small batches (``--engine-sizes``); runs interleaved,
  medians of ``--engine-repeats``.
- ``memory``: ``quotetrack extract --jobs 2`` as a subprocess on 1,000 and
  5,000 articles (the split sampled and repeated under new ids), with the
  peak resident memory of the whole process tree.

Usage: ``.venv/bin/python benchmarks/batch_speed.py [--section agreement|engines|memory] [--limit N]``
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "data" / "polnear-train" / "text"


def texts(limit: int | None = None) -> list[tuple[str, str]]:
    from quotetrack.run.inputs import normalise_text

    files = sorted(POLNEAR.glob("*.txt"))[:limit]
    return [(f.stem, normalise_text(f.read_text(encoding="utf-8"))) for f in files]


def _key(q) -> tuple:
    return (q.kind, q.start, q.end, q.speaker, q.method)


def agreement(limit: int | None) -> None:
    from quotetrack.run.collector import extraction_collector

    # The garbage collector as an extraction runs it (quotetrack.run.collector), the parse's too.
    with extraction_collector():
        _agreement(limit)


def _agreement(limit: int | None) -> None:
    from quotetrack import load
    from quotetrack.run.work import count_words

    docs = texts(limit)
    nlp = load()
    tracker = nlp.get_pipe("quotetrack")
    annotator = tracker.resolver.annotator
    parse = window = whole = 0.0
    cpu = {"parse": 0.0, "window": 0.0, "whole": 0.0}  # process CPU time: steadier on a shared machine
    words = 0
    total = same = same_speaker = 0
    differences = []
    for name, text in docs:
        t, c = time.perf_counter(), time.process_time()
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        parse += time.perf_counter() - t
        cpu["parse"] += time.process_time() - c
        words += count_words(doc)
        t, c = time.perf_counter(), time.process_time()
        windowed = [_key(q) for q in tracker(doc)._.quotes]
        window += time.perf_counter() - t
        cpu["window"] += time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        annotator.annotate(doc)  # coreferee over the whole document, then the same component
        reference = [_key(q) for q in tracker(doc)._.quotes]
        whole += time.perf_counter() - t
        cpu["whole"] += time.process_time() - c
        mine = {k[1:3]: k for k in windowed}
        for k in reference:
            total += 1
            other = mine.get(k[1:3])
            if other == k:
                same += 1
            if other is not None and other[3] == k[3]:
                same_speaker += 1
            if other != k:
                differences.append((name, k, other))
        if len(windowed) != len(reference):
            differences.append((name, f"{len(reference)} quotes", f"{len(windowed)} quotes"))
    print(f"## agreement and single-process speed: {len(docs)} PolNeAR train articles, {words:,} words\n")
    p = cpu["parse"]
    print("| pipeline | words/s | × bare parse | words per CPU second | × bare parse (CPU) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bare spaCy parse (en_core_web_sm) | {words / parse:,.0f} | 1.00 | {words / p:,.0f} | 1.00 |")
    for label, extra, extra_cpu in (
        ("quotetrack, whole-document coreference", whole, cpu["whole"]),
        ("quotetrack as shipped (windowed coreference)", window, cpu["window"]),
    ):
        print(f"| {label} | {words / (parse + extra):,.0f} | {parse / (parse + extra):.2f} "
              f"| {words / (p + extra_cpu):,.0f} | {p / (p + extra_cpu):.2f} |")
    print()
    print(f"identical attributions (span, speaker, method): {same:,}/{total:,} = {same / total:.2%}")
    print(f"same speaker: {same_speaker:,}/{total:,} = {same_speaker / total:.2%}")
    print("\ndifferences (article, whole-document, windowed):")
    for d in differences:
        print("  ", *d)
    print(flush=True)


def coref_equivalence(limit: int | None) -> None:
    from quotetrack import load
    from quotetrack.extract import coref, coref_fast

    docs = texts(limit)
    nlp = load()
    stock, error = coref.load_annotator(nlp, fast=False)
    fast, _ = coref.load_annotator(nlp)
    assert stock is not None and fast is not None, error
    cpu = {"stock": 0.0, "fast": 0.0}
    windows = same = tokens = 0
    largest = 0.0
    differences = []

    def decisions(window):
        chains = [[tuple(m.token_indexes) for m in c] for c in window._.coref_chains]
        ranked = {}
        for t in window:
            for m in getattr(t._.coref_chains, "temp_potential_referreds", ()):
                ranked.setdefault(t.i, []).append((tuple(m.token_indexes), m.temp_score))
        return chains, ranked

    for name, text in docs:
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        starts = [s.start for s in doc.sents] + [len(doc)]
        for k in range(0, len(starts) - 1, 6):
            a, b = starts[k], starts[min(k + 6, len(starts) - 1)]
            one, two = doc[a:b].as_doc(), doc[a:b].as_doc()
            c = time.process_time()
            stock.rules_analyzer.initialize(one)
            stock.annotate(one, used_in_training=True)  # keeps the rankings to compare
            cpu["stock"] += time.process_time() - c
            c = time.process_time()
            coref_fast.annotate(fast, two)
            cpu["fast"] += time.process_time() - c
            (chains1, ranked1), (chains2, ranked2) = decisions(one), decisions(two)
            order1 = {i: [m for m, _ in r] for i, r in ranked1.items()}
            order2 = {i: [m for m, _ in r] for i, r in ranked2.items()}
            for i, r in ranked1.items():
                for (m1, s1), (m2, s2) in zip(r, ranked2.get(i, ())):
                    if m1 == m2:
                        largest = max(largest, abs(s1 - s2))
            windows += 1
            tokens += b - a
            if chains1 == chains2 and order1 == order2:
                same += 1
            else:
                differences.append((name, a, b))
    whole_same = 0
    for name, text in docs:
        with nlp.select_pipes(disable=["quotetrack"]):
            one, two = nlp(text), nlp(text)
        stock.annotate(one)
        fast.annotate(two)
        if decisions(one)[0] == decisions(two)[0]:
            whole_same += 1
        else:
            differences.append((name, "whole document"))
    print(f"## coreferee as published vs quotetrack.extract.coref_fast: {len(docs)} articles, {windows:,} windows, {tokens:,} tokens\n")
    print(f"identical chains and candidate rankings: {same:,}/{windows:,} windows = {same / windows:.2%}")
    print(f"largest difference of a candidate's score: {largest:.2g}")
    print(f"CPU seconds: as published {cpu['stock']:.1f}, coref_fast {cpu['fast']:.1f} "
          f"({cpu['stock'] / cpu['fast']:.2f}× faster)")
    print(f"whole articles through coreferee's own annotate(): identical chains in {whole_same:,}/{len(docs):,}")
    for d in differences:
        print("   differs:", *d)
    print(flush=True)


def _median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def engines(limit: int, repeats: int = 3, sizes: tuple[int, ...] = (1, 2, 4, 8, 16), dask: bool = False) -> None:
    """``--jobs 1`` against ``--jobs 2`` (and Dask): runs interleaved, medians of ``repeats``.

    Three ways: the library with the pipeline loaded once (``Corpus(nlp=...)``,
    as the issue measured: one job extracts in this process, two jobs start
    workers, included in the time); fresh ``quotetrack extract`` processes
    (start-up of everything included, as a user runs it); and small batches
    (the library again), where ``--jobs 2`` must never be slower.
    """
    from quotetrack import Corpus, load

    work = Path(tempfile.mkdtemp(prefix="qt-engines-"))
    files = sorted(POLNEAR.glob("*.txt"))
    corpora = {}
    for n in sorted({limit, *sizes}):
        corpora[n] = work / f"corpus-{n}"
        corpora[n].mkdir()
        for f in files[:n]:
            shutil.copy(f, corpora[n] / f.name)
    nlp = load()
    runs = [("--jobs 1 (in process)", {"jobs": 1}), ("--jobs 2", {"jobs": 2})]
    if dask:
        runs.append(("--engine dask (LocalCluster, 2 workers)", {"engine": "dask", "jobs": 2}))
    print(f"## engines: {limit} articles into a fresh store, worker start-up included; medians of {repeats} runs,"
          f" interleaved (load average at the start: {_load()})\n")

    def library(n: int, kwargs: dict) -> tuple[float, float, int]:
        with Corpus(work / f"{len(os.listdir(work))}.db", nlp=nlp) as corpus:
            cpu = time.process_time()
            s = corpus.extract([corpora[n]], **kwargs)
        assert s.extracted == n and s.ok, s.failures
        return s.seconds, time.process_time() - cpu, s.words

    def cli(n: int, jobs: int) -> float:
        db = work / f"{len(os.listdir(work))}.db"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "quotetrack.cli", "extract", str(corpora[n]), "--db", str(db),
                        "--jobs", str(jobs), "-o", str(work / "out.json")], check=True, capture_output=True, cwd=work)
        return time.perf_counter() - started

    times: dict[str, list[float]] = {}
    words = 0
    for _ in range(repeats):
        for name, kwargs in runs:
            seconds, _, words = library(limit, kwargs)
            times.setdefault(f"library|{name}", []).append(seconds)
        for jobs in (1, 2):
            times.setdefault(f"cli|--jobs {jobs}", []).append(cli(limit, jobs))
        for n in sizes:
            for jobs in (1, 2):
                times.setdefault(f"size|{n}|{jobs}", []).append(library(n, {"jobs": jobs})[0])
    one = _median(times["library|--jobs 1 (in process)"])
    print("| engine (library, pipeline loaded once) | words/s | seconds | × --jobs 1 |")
    print("|---|---:|---:|---:|")
    for name, _ in runs:
        t = _median(times[f"library|{name}"])
        print(f"| {name} | {words / t:,.0f} | {t:.1f} | {one / t:.2f} |")
    cli_one = _median(times["cli|--jobs 1"])
    print("\n| `quotetrack extract` (fresh process, everything included) | seconds | × --jobs 1 |")
    print("|---|---:|---:|")
    for jobs in (1, 2):
        t = _median(times[f"cli|--jobs {jobs}"])
        print(f"| --jobs {jobs} | {t:.1f} | {cli_one / t:.2f} |")
    print("\n| articles | --jobs 1 (s) | --jobs 2 (s) | × |")
    print("|---:|---:|---:|---:|")
    for n in sizes:
        a, b = _median(times[f"size|{n}|1"]), _median(times[f"size|{n}|2"])
        print(f"| {n} | {a:.2f} | {b:.2f} | {a / b:.2f} |")
    print(f"\nload average at the end: {_load()}\n", flush=True)
    shutil.rmtree(work, ignore_errors=True)


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def memory(sizes: list[int]) -> None:
    files = sorted(POLNEAR.glob("*.txt"))
    print("## memory: `quotetrack extract --jobs 2` (CLI, whole process tree)\n")
    print("| articles | words/s | peak RSS (MiB) |")
    print("|---:|---:|---:|")
    rng = random.Random(7)
    peaks = {}
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"qt-mem-{n}-"))
        corpus = work / "corpus"
        corpus.mkdir()
        for i in range(n):  # sample with repetition, each copy under an id of its own
            shutil.copy(rng.choice(files), corpus / f"{i:05d}.txt")
        cmd = [sys.executable, "-m", "quotetrack.cli", "extract", str(corpus), "--jobs", "2",
               "--db", str(work / "q.db"), "-o", str(work / "quotes.json")]
        peak = 0
        proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

        def sample() -> None:
            nonlocal peak
            while proc.poll() is None:
                peak = max(peak, _tree_rss(proc.pid))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        sampler.join()
        speed = next((line.split("│")[2].strip() for line in out.splitlines() if "words/s" in line), "?")
        if speed == "?":
            print(out, file=sys.stderr)
        peaks[n] = peak
        print(f"| {n:,} | {speed.split(' words')[0]} | {peak / 2**20:,.0f} |", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    if len(sizes) == 2:
        a, b = sizes
        print(f"\npeak RSS {b:,} / {a:,} articles: {peaks[b] / peaks[a]:.2f}×")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=("agreement", "coref-equivalence", "engines", "memory", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="articles for the agreement and coref-equivalence sections (default: all 840)")
    parser.add_argument("--engine-docs", type=int, default=40)
    parser.add_argument("--engine-repeats", type=int, default=3)
    parser.add_argument("--engine-sizes", default="1,2,4,8,16", help="small batches: --jobs 1 against --jobs 2")
    parser.add_argument("--engine-dask", action="store_true", help="also time a Dask LocalCluster (slow to start)")
    parser.add_argument("--memory-sizes", default="1000,5000")
    args = parser.parse_args()
    if args.section in ("agreement", "all"):
        agreement(args.limit)
    if args.section in ("coref-equivalence", "all"):
        coref_equivalence(args.limit)
    if args.section in ("engines", "all"):
        engines(args.engine_docs, args.engine_repeats, tuple(int(x) for x in args.engine_sizes.split(",")),
                args.engine_dask)
    if args.section in ("memory", "all"):
        memory([int(x) for x in args.memory_sizes.split(",")])


if __name__ == "__main__":
    main()
