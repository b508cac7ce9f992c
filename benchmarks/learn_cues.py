"""Learn which reporting frames are attributions, from PolNeAR train.

Writes two files the extractor reads:

* ``quotetrack/extract/data/cue_frames.tsv``: per (cue lemma phrase, construction),
  how many frames the parse proposed and how many the annotators agreed
  with. Every frame the parse offers (:func:`quotetrack.extract.frames.find_frames`
  with no threshold; frames whose cue is inside a quotation or in page
  furniture are left out, as the extractor leaves them out) is checked: a
  frame *agrees* when an annotated attribution has a cue overlapping the
  frame's cue and a content whose words overlap the frame's content with
  Jaccard >= 0.5. :meth:`quotetrack.extract.tables.Tables.frame_prior` smooths the counts.
* ``quotetrack/extract/data/frame_model.json``: a logistic regression over
  :func:`quotetrack.extract.frames.frame_features` (the cue's smoothed prior, the
  construction, what names the source, verb form, content shape) predicting
  agreement. Its probability is a frame's ``prior``: the extractor proposes
  frames from ``cues.MIN_PRIOR`` on and uses it in the confidence. The cue
  prior feature is cross-fitted (each half of the corpus gets priors
  counted on the other half), so the model learns how far to trust a
  prior, not to memorise it.

    python benchmarks/learn_cues.py [--gold DIR] [--cache DIR] [--data DIR] [--l2 1.0]

From Python, :func:`learn` does the same for any subset of articles and
returns the tables in memory (:class:`Learned`; ``.write(dir)`` writes them,
``.tables(confidence)`` gives the :class:`~quotetrack.extract.tables.Tables` a
component would hold), as benchmarks/polnear_crossval.py does for each
cross-validation fold.

Parses are cached by benchmarks/polnear_tune.py. Train split only.
"""

from __future__ import annotations

import argparse
import collections
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, parsed_docs  # noqa: E402

from quotetrack.evaluate import Tokens, jaccard, read_gold  # noqa: E402
from quotetrack.extract import cues  # noqa: E402
from quotetrack.extract.boilerplate import boilerplate_spans  # noqa: E402
from quotetrack.extract.doc_index import DocIndex  # noqa: E402
from quotetrack.extract.frames import Nesting, find_frames, frame_features  # noqa: E402
from quotetrack.extract.marks import find_marked, quoted_mask  # noqa: E402
from quotetrack.extract.tables import Tables, format_cue_frames, format_frame_model  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "quotetrack" / "extract" / "data"
FOLDS = 2


def frames_with_agreement(gold_doc, doc, key_prior):
    """(frame, agreed) for every frame the extractor could propose in one document.

    ``key_prior``: (key, construction) → prior. No learned table is read (the frames are
    proposed with an empty :class:`Tables`), so what is learned does not depend on the
    tables shipped.
    """
    tokens = Tokens(gold_doc.text)
    golds = [(g.cue, tokens.of(g.content)) for g in gold_doc.attributions if g.cue]
    text = gold_doc.text
    mask = quoted_mask(text, find_marked(text))
    skip = boilerplate_spans(text)
    out = []
    for f in find_frames(DocIndex(doc), Tables(), min_prior=-1.0, key_prior=key_prior):
        if mask[f.cue.start_char] or any(a <= f.cue.start_char < b for a, b in skip):
            continue  # the extractor never proposes these (quotes.find_candidates)
        ca, cb = f.cue.start_char, f.cue.end_char
        content = tokens.of(f.pieces)
        agreed = any(
            any(a < cb and ca < b for a, b in cue) and jaccard(content, gc) >= 0.5 for cue, gc in golds
        )
        out.append((f, agreed))
    return out


def count(pairs) -> dict[tuple[str, str], list[int]]:
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for key, construction, agreed in pairs:
        c = counts[(key, construction)]
        c[0] += 1
        c[1] += agreed
    return counts


def base_rates(counts) -> dict[str, float]:
    totals: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for (_, construction), (n, k) in counts.items():
        if k >= 1 or (n >= 3 and _.split()[0] in cues.SPEECH_VERBS):
            totals[construction][0] += n
            totals[construction][1] += k
    return {c: (k / n if n else 0.0) for c, (n, k) in totals.items()}


def table_rows(counts) -> list[tuple[str, str, int, int]]:
    """The rows cue_frames.tsv keeps: agreed at least once, a listed speech verb seen 3+ times, or 'according'."""
    rows = []
    for (key, construction), (n, k) in counts.items():
        head = key.split()[0]
        if k >= 1 or (n >= 3 and head in cues.SPEECH_VERBS) or construction == "according":
            rows.append((key, construction, n, k))
    rows.sort(key=lambda r: (-r[3], -r[2], r[0], r[1]))
    return rows


def fit_logistic(rows: list[dict[str, float]], y: np.ndarray, l2: float, iters: int = 60):
    """L2-regularised logistic regression by Newton's method (IRLS); returns (bias, weights)."""
    names = sorted({k for r in rows for k in r})
    index = {n: i for i, n in enumerate(names)}
    X = np.zeros((len(rows), len(names) + 1))
    X[:, -1] = 1.0
    for i, r in enumerate(rows):
        for k, v in r.items():
            X[i, index[k]] = v
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + reg * w
        H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return float(w[-1]), {n: float(w[i]) for n, i in index.items()}


@dataclass
class Learned:
    """What learn_cues writes, in memory: the cue table's counts and the frame model's JSON document."""

    counts: dict[tuple[str, str], list[int]]
    model: dict
    weights: dict[str, float]  # unrounded, for the printout
    fold_counts: list = None  # per inner fold k: the counts of the documents i with i % FOLDS != k

    def cross_fitted(self, i: int) -> Tables:
        """Tables for the i-th training document as if it had not been learned from.

        The cue table of the other inner fold's documents and the frame model (whose cue
        prior feature was cross-fitted the same way): the priors the span model is trained
        with (benchmarks/train_spans.py), so that it learns how far to trust them.
        """
        rows = {(key, c): (n, k) for key, c, n, k in table_rows(self.fold_counts[i % FOLDS])}
        return Tables(cue_frames=rows, frame_model=self.model)

    def table(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(cue key, construction) → (proposed, agreed): the rows cue_frames.tsv keeps, in its order."""
        return {(key, c): (n, k) for key, c, n, k in table_rows(self.counts)}

    def tables(self, confidence: dict[tuple[str, ...], tuple[int, int]]) -> Tables:
        """The learned cue table and frame model, with these confidence cells."""
        return Tables(cue_frames=self.table(), frame_model=self.model, confidence=confidence)

    def write(self, data: Path) -> tuple[Path, Path]:
        """Write cue_frames.tsv and frame_model.json into ``data``; returns their paths."""
        data.mkdir(parents=True, exist_ok=True)
        table, model = data / "cue_frames.tsv", data / "frame_model.json"
        table.write_text(format_cue_frames(self.table()), encoding="utf-8")
        model.write_text(format_frame_model(self.model), encoding="utf-8")
        return table, model


def learn(gold, docs, l2: float = 1.0, min_count: int = 20) -> Learned:
    """Learn the cue table and the frame model from these gold documents and their parses (same order).

    Pure in its inputs: the frames proposed for learning do not depend on the
    tables currently loaded (step 1 uses no prior at all, step 2 its own
    cross-fitted priors), so this can run for any subset of articles, e.g.
    the training folds of a cross-validation (benchmarks/polnear_crossval.py).
    """
    # 1. every frame with its agreement; counts over the given documents and per inner fold
    per_doc = []
    for g, d in zip(gold, docs):
        per_doc.append([(f.key, f.construction, agreed) for f, agreed in frames_with_agreement(g, d, key_prior=lambda k, c: 0.0)])
    counts = count(x for doc in per_doc for x in doc)
    fold_counts = []
    for k in range(FOLDS):
        fold_counts.append(count(x for i, doc in enumerate(per_doc) if i % FOLDS != k for x in doc))

    # 2. features with cross-fitted cue priors, then the classifier
    rows, labels = [], []
    for i, (g, d) in enumerate(zip(gold, docs)):
        other = fold_counts[i % FOLDS]
        rates = base_rates(other)

        def prior(key, construction, other=other, rates=rates):
            row = other.get((key, construction))
            if row is not None and row[1] == 0 and key.split()[0] not in cues.SPEECH_VERBS and construction != "according":
                row = None  # the shipped table keeps no such row either
            return cues.smoothed_prior(key, construction, tuple(row) if row else None, rates)

        pairs = frames_with_agreement(g, d, key_prior=prior)
        nesting = Nesting([f for f, _ in pairs])
        for f, agreed in pairs:
            if f.key_prior <= 0:
                continue  # never proposed: no row, no hand prior
            rows.append(frame_features(f, g.text, nesting))
            labels.append(1.0 if agreed else 0.0)
    seen = collections.Counter(k for r in rows for k in r)
    rows = [{k: v for k, v in r.items() if seen[k] >= min_count} for r in rows]
    y = np.array(labels)
    bias, weights = fit_logistic(rows, y, l2)
    model = {
        "about": "logistic regression over quotetrack.extract.frames.frame_features, fitted by benchmarks/learn_cues.py on PolNeAR train",
        "examples": len(rows),
        "positives": int(y.sum()),
        "l2": l2,
        "bias": round(bias, 5),
        "weights": {k: round(v, 5) for k, v in sorted(weights.items())},
    }
    return Learned(counts=counts, model=model, weights=weights, fold_counts=fold_counts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=20, help="features seen fewer times are dropped")
    args = ap.parse_args(argv)

    gold = read_gold(args.gold)
    _, docs = parsed_docs(gold, args.cache)
    learned = learn(gold, docs, l2=args.l2, min_count=args.min_count)
    table_path, model_path = learned.write(args.data)
    print(f"wrote {len(table_rows(learned.counts))} rows to {table_path}")
    model, weights = learned.model, learned.weights
    print(f"fitted on {model['examples']} frames ({model['positives']} agreed), {len(weights)} features → {model_path}")
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:25]
    for k, v in top:
        print(f"  {v:+.3f}  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
