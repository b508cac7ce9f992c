"""What the span model costs: words/s of the bare parse, of quotetrack as shipped (span
model) and of quotetrack on the rule frames alone, in one process on the same parses.

Each article is parsed once; then the shipped component and the same component with
the span model taken out run on that parse, in alternating order (so neither always
gets the warm caches). Wall clock and the process's CPU time (steadier when other work
shares the cores). A benchmark that prints numbers, not a test.

    .venv/bin/python benchmarks/span_speed.py [--limit N]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from batch_speed import texts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=200, help="first N articles of PolNeAR train (0: all)")
    args = ap.parse_args(argv)

    from quotetrack import load
    from quotetrack.run.collector import extraction_collector
    from quotetrack.run.work import count_words

    nlp = load()
    tracker = nlp.get_pipe("quotetrack")
    shipped = tracker.tables
    assert shipped.span_model is not None, "no span model shipped"
    rules = dataclasses.replace(shipped, span_model=None)
    wall = {"parse": 0.0, "model": 0.0, "rules": 0.0}
    cpu = dict.fromkeys(wall, 0.0)
    words = 0
    docs = texts(args.limit or None)
    # The garbage collector as an extraction runs it (quotetrack.run.collector), the parse's too.
    with extraction_collector():
        for n, (_, text) in enumerate(docs):
            t, c = time.perf_counter(), time.process_time()
            with nlp.select_pipes(disable=["quotetrack"]):
                doc = nlp(text)
            wall["parse"] += time.perf_counter() - t
            cpu["parse"] += time.process_time() - c
            words += count_words(doc)
            for label in (("model", "rules") if n % 2 == 0 else ("rules", "model")):
                tracker.tables = shipped if label == "model" else rules
                t, c = time.perf_counter(), time.process_time()
                tracker(doc)
                wall[label] += time.perf_counter() - t
                cpu[label] += time.process_time() - c
    tracker.tables = shipped
    print(f"## {len(docs)} PolNeAR train articles, {words:,} words\n")
    print("| pipeline | words/s | × bare parse | words per CPU second | × bare parse (CPU) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bare spaCy parse | {words / wall['parse']:,.0f} | 1.00 | {words / cpu['parse']:,.0f} | 1.00 |")
    for label, key in (("quotetrack, rule frames only", "rules"), ("quotetrack as shipped (span model)", "model")):
        w, c = wall["parse"] + wall[key], cpu["parse"] + cpu[key]
        print(f"| {label} | {words / w:,.0f} | {wall['parse'] / w:.2f} | {words / c:,.0f} | {cpu['parse'] / c:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
