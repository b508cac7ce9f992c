"""Fuzz the quote detector, the input readers and the store for a fixed time budget with Hypothesis.

    .venv/bin/python benchmarks/fuzz_quotes.py --minutes 10

Six stages share the budget: the character-level mark finder
(``marks.find_marked``, fast, many examples), the full pipeline (spaCy
parse + coreferee + quote finder + attribution) on generated news text,
coreferee as published against ``quotetrack.extract.coref_fast`` (the same
chains and candidate rankings, ``tests/support/invariants.check_coref_speed``),
and the input shapes of the second hardening round (``fuzz_inputs.py``):
generated folders of hostile inputs (``.txt``, JSONL with any fields, cut
``.jsonl.gz``, HTML, pipes, links to devices, over-long lines) through the
readers; long and dense texts through the chunker (every piece within its
characters and tokens); and reviewed articles edited at random and stored
again (no review lost). Every example is checked against its invariants
and the quote stages run twice to check that the same input gives the same
output. Hypothesis runs in rounds with fresh seeds until the budget is
spent; a failing round is shrunk to a minimal input, which is printed (and
the fuzzing goes on). Exit code 1 when anything failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from benchmarks.fuzz_inputs import check_carry_over, check_inputs, check_pieces, edited_articles, input_trees, long_texts  # noqa: E402
from tests.support.invariants import check_coref_speed, check_marked, check_quotes  # noqa: E402
from tests.support.strategies import any_text, news_text  # noqa: E402


class Stage:
    def __init__(self, name: str, strategy, check, batch: int):
        self.name, self.strategy, self.check, self.batch = name, strategy, check, batch
        self.examples = 0
        self.rounds = 0
        self.seconds = 0.0
        self.failures: dict[str, str] = {}  # signature → minimal input and traceback

    def run_round(self, round_seed: int) -> None:
        counter = self

        @seed(round_seed)
        @settings(max_examples=self.batch, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
        @given(self.strategy)
        def fuzz(text):
            counter.examples += 1
            self.check(text)

        started = time.perf_counter()
        try:
            fuzz()
        except Exception as exc:  # a shrunk failure: record it, keep fuzzing
            frames = traceback.extract_tb(exc.__traceback__)
            where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "quotetrack" in f.filename
                          or "invariants" in f.filename), "?")
            signature = f"{type(exc).__name__} at {where}"
            falsifying = getattr(exc, "__notes__", None) or []
            self.failures.setdefault(signature, "\n".join([*falsifying, f"{type(exc).__name__}: {exc}"]))
        self.rounds += 1
        self.seconds += time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="total time budget (default 10)")
    parser.add_argument("--marks-share", type=float, default=0.2, help="share of the budget for the mark finder")
    parser.add_argument("--coref-share", type=float, default=0.2,
                        help="share of the budget for coref_fast against coreferee as published")
    parser.add_argument("--inputs-share", type=float, default=0.1, help="share for generated folders through the readers")
    parser.add_argument("--pieces-share", type=float, default=0.05, help="share for long texts through the chunker")
    parser.add_argument("--carry-share", type=float, default=0.1, help="share for edited, reviewed articles stored again")
    parser.add_argument("--seed", type=int, default=0, help="first round's seed (rounds use seed, seed+1, ...)")
    args = parser.parse_args()

    import quotetrack
    from quotetrack.extract import coref
    from quotetrack.extract.marks import find_marked

    nlp = quotetrack.load()
    stock, _ = coref.load_annotator(nlp, fast=False)
    fast, _ = coref.load_annotator(nlp)

    def check_marks(text: str) -> None:
        spans = find_marked(text)
        check_marked(text, spans)
        assert find_marked(text) == spans, "not deterministic"

    def check_pipeline(text: str) -> None:
        quotes = nlp(text)._.quotes
        check_quotes(text, quotes)
        assert nlp(text)._.quotes == quotes, "not deterministic"

    def check_coref(text: str) -> None:
        check_coref_speed(nlp, stock, fast, text)

    budget = args.minutes * 60
    new_shares = args.inputs_share + args.pieces_share + args.carry_share
    stages = [
        (Stage("marks.find_marked", any_text, check_marks, batch=2000), budget * args.marks_share),
        (Stage("pipeline (nlp → doc._.quotes)", news_text() | any_text, check_pipeline, batch=100),
         budget * (1 - args.marks_share - args.coref_share - new_shares)),
        (Stage("inputs (folders of hostile files → read_documents)", input_trees(), check_inputs, batch=50),
         budget * args.inputs_share),
        (Stage("pieces (long, dense text → split_pieces)", long_texts(), check_pieces, batch=200),
         budget * args.pieces_share),
        (Stage("carry-over (reviewed article edited → save_document)", edited_articles(), check_carry_over, batch=100),
         budget * args.carry_share),
    ]
    if stock is not None and fast is not None:
        stages.append((Stage("coref_fast ≡ coreferee", news_text() | any_text, check_coref, batch=100),
                       budget * args.coref_share))
    started = time.perf_counter()
    for stage, stage_budget in stages:
        stage_end = time.perf_counter() + stage_budget
        round_seed = args.seed
        while time.perf_counter() < stage_end:
            stage.run_round(round_seed)
            round_seed += 1
        rate = stage.examples / stage.seconds if stage.seconds else 0.0
        print(f"{stage.name}: {stage.examples:,} examples in {stage.rounds} rounds, {stage.seconds:,.0f} s "
              f"({rate:,.0f}/s), {len(stage.failures)} distinct failures", flush=True)
        for signature, detail in stage.failures.items():
            print(f"  FAIL {signature}\n    " + detail.replace("\n", "\n    "), flush=True)
    total = sum(s.examples for s, _ in stages)
    failed = sum(len(s.failures) for s, _ in stages)
    print(f"total: {total:,} examples in {time.perf_counter() - started:,.0f} s, {failed} distinct failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
