"""How the quote finder's time grows with document length (it should be near linear).

    .venv/bin/python benchmarks/quote_scaling.py [--max-copies 8]

Builds documents of 1, 2, 4, ... copies of the seed articles (and of pathological
texts: short quotes glued together, quotations nested ever deeper, a chain of
"X said that Y said that ..."), parses each
once with the pipeline minus the quotetrack component, then times the
component alone. Prints seconds per document and the growth factor per
doubling: ~2 is linear, ~4 quadratic. Timings on a shared machine are
noisy; compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pathological import chain, nested  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-copies", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3, help="time the component this many times, keep the best")
    args = parser.parse_args()

    import quotetrack

    nlp = quotetrack.load(coref=False)  # coreferee's own cost is not what is measured here
    component = nlp.get_pipe("quotetrack")
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    cases = {
        "seed articles": lambda copies: "\n".join([seeds] * copies),
        "glued quotes": lambda copies: "\n".join(['"We will not go," he said."They will," she said.' * 60] * copies),
        "nested quotes, 250 levels per copy": lambda copies: nested(250 * copies),
        "a chain of 500 reports per copy": lambda copies: chain(500 * copies),
    }
    for name, make in cases.items():
        print(f"{name} ({len(make(1)):,} characters for one copy)")
        previous = None
        copies = 1
        while copies <= args.max_copies:
            text = make(copies)
            with nlp.select_pipes(disable=["quotetrack"]):
                doc = nlp(text)
            best = float("inf")
            for _ in range(args.repeats):
                started = time.perf_counter()
                component(doc)
                best = min(best, time.perf_counter() - started)
            growth = f"×{best / previous:.1f} per doubling" if previous else ""
            print(f"  {copies:>3} copies {len(text):>9,} chars {len(doc._.quotes):>5} quotes {best:8.3f} s  {growth}")
            previous = best
            copies *= 2


if __name__ == "__main__":
    main()
