"""Quick held-out experiments with the span model: refit only the networks, score many settings.

``polnear_crossval.py`` learns everything per fold (cue table, frame model, span model,
confidence cells) and takes 20–45 minutes. To try a training setting or a decoding
setting of the span model, most of that is the same every time: this script caches,
per fold, the rule tables learned without the fold and the training examples built from
them (under ``--cache``, keyed by the source of the code that builds them, so a change to
the features builds them again), refits only the two networks (about 40 s a fold), and
scores the pooled held-out folds once per ``--try`` change of the model's ``meta``
(thresholds, ``boundary_weight``: no refit). Confidence cells are the shipped ones, so
ECE is not reported; the numbers are otherwise those of ``polnear_crossval.py``.

    python benchmarks/span_sweep.py [--folds 5] [--parts 0 1 …] [--hidden 32 --epochs 2 …]
        [--try '{"boundary_weight": 2}' --try '{"min_prior": 0.45}']

One line per setting: overall P / R / F1, direct, mixed and indirect F1, exact-span F1,
speaker accuracy and end-to-end F1. About 4 minutes for 5 folds on one core once the
examples are cached (the first run builds them: about 1.5 minutes a fold). Train split only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import train_spans as ts  # noqa: E402
from learn_cues import learn  # noqa: E402
from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, parsed_docs  # noqa: E402

from quotetrack.evaluate import read_gold, score  # noqa: E402
from quotetrack.extract.attribution import attribute  # noqa: E402
from quotetrack.extract.quotes import find_candidates  # noqa: E402
from quotetrack.extract.tables import Tables  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The code that decides what a fold's examples are: a change to any of it builds them again.
EXAMPLE_CODE = [
    ROOT / "benchmarks" / "train_spans.py",
    ROOT / "benchmarks" / "learn_cues.py",
    *(ROOT / "quotetrack" / "extract" / f for f in ("span_features.py", "span_model.py", "frames.py", "cues.py", "tables.py", "learned.py", "marks.py")),
]


def code_key(names: list[str]) -> str:
    h = hashlib.sha256()
    for p in EXAMPLE_CODE:
        h.update(p.read_bytes())
    h.update("\n".join(names).encode("utf-8"))
    return h.hexdigest()[:16]


def fold_examples(gold, docs, train: list[int], path: Path, log):
    """The rule tables learned on ``train`` and the span model's examples from them (cached in ``path``)."""
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    t0 = time.perf_counter()
    g, d = [gold[i] for i in train], [docs[i] for i in train]
    rules = learn(g, d)
    width = int(d[0].tensor.shape[1])
    ex = ts.every_example(g, d, width, rules)
    out = (rules.table(), rules.model, width, ex)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two sweeps at once never read half a file
    with partial.open("wb") as f:
        pickle.dump(out, f)
    os.replace(partial, path)
    log(f"  examples of {len(train)} articles built in {time.perf_counter() - t0:.0f}s ({path.name})")
    return out


def line(label: str, report) -> str:
    k = report.overlap.kinds
    o = k["overall"]
    return (
        f"{label:44s} overall {o.detection.precision:.3f} / {o.detection.recall:.3f} / {o.detection.f1:.4f}  "
        f"direct {k['direct'].detection.f1:.3f}  mixed {k['mixed'].detection.f1:.3f}  indirect {k['indirect'].detection.f1:.3f}  "
        f"exact {report.exact.kinds['overall'].detection.f1:.4f}  speaker {o.speaker_accuracy:.4f}  e2e {o.end_to_end.f1:.4f}"
    )


def main(argv: list[str] | None = None) -> int:
    from threadpoolctl import threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--parts", type=int, nargs="+", default=None, help="only these folds (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (a smoke run)")
    ap.add_argument("--try", dest="tries", action="append", default=[], metavar="JSON",
                    help="a change to the models' meta to score too (thresholds, boundary_weight); repeatable")
    defaults = ts.Settings()
    for name, value in vars(defaults).items():
        ap.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = ap.parse_args(argv)
    settings = ts.Settings(**{k: getattr(args, k) for k in vars(defaults)})

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    gold = read_gold(args.gold)[: args.limit]
    nlp, docs = parsed_docs(gold, args.cache)
    parts = args.parts if args.parts is not None else list(range(args.folds))
    key = code_key([g.name for g in gold])
    shipped = Tables.shipped()
    models = []
    with threadpool_limits(1):
        for part in parts:
            train = [i for i, g in enumerate(gold) if ts.fold_of(g.name, args.folds) != part]
            test = [i for i, g in enumerate(gold) if ts.fold_of(g.name, args.folds) == part]
            path = args.cache / f"span-examples-{key}-k{args.folds}-p{part}.pkl"
            cue_frames, frame_model, width, ex = fold_examples(gold, docs, train, path, log)
            model = ts.networks(ex, width, settings)
            tables = Tables(cue_frames=cue_frames, frame_model=frame_model, confidence=shipped.confidence, span_model=model)
            models.append((tables, test))
            log(f"  fold {part}: fitted on {len(train)} articles  {time.perf_counter() - t0:.0f}s")
        for change in [{}] + [json.loads(t) for t in args.tries]:
            quotes, scored = {}, []
            for tables, test in models:
                meta = dict(tables.span_model.meta)
                tables.span_model.meta.update(change)
                for i in test:
                    quotes[gold[i].name] = attribute(docs[i], find_candidates(docs[i], tables), tables)
                    scored.append(gold[i])
                tables.span_model.meta.clear()
                tables.span_model.meta.update(meta)
            print(line(json.dumps(change) if change else "as trained", score(scored, quotes)), flush=True)
    log(f"total {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
