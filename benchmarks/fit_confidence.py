"""Fit quotetrack's confidence table (quotetrack/extract/data/confidence.tsv) on PolNeAR train.

Runs the extractor over the cached parses (benchmarks/polnear_tune.py) and
labels every predicted quote with the outcome ``quotetrack evaluate`` gives
its unit in overlap mode: right end to end (matched and right speaker) or
not. The table holds, for every cell of :func:`quotetrack.extract.confidence.features`
at every level of detail (kind; kind + construction; … + speaker method;
… + prior band), how many quotes fell in it and how many were right;
:func:`quotetrack.extract.confidence.fitted` shrinks each level toward its parent.

The first pass resolves pronouns and descriptions with windowed coreference,
as the pipeline's component does (``quotetrack evaluate`` runs it). The cached
parses do not keep the tok2vec tensor coreferee's model reads, so it is
recomputed first (the tagger's own tok2vec over the same tokens: the tensor
the pipeline had). A second pass without coreference fills the cells of
pronouns resolved by proximity (method ``nearest-name`` flagged
``no-coref``), so extraction without a coreferee model is calibrated too.

The quotes are labelled out of sample (``--folds K``, default 5): each article's
quotes are found with tables learned on the other folds (cue table, frame model and
span model, as ``benchmarks/polnear_crossval.py`` learns them), because the span
model finds the quotes of its own training articles better than those of new text.
About 25 minutes; ``--folds 0`` labels the shipped tables' in-sample quotes (the
rule-only extractor's way, a minute).

Before writing, the script estimates how well the table generalises:
fitted on one half of the articles, scored on the other (both ways), it
prints the expected calibration error and accuracy per confidence bucket.
Confidences are reported as the pipeline gives them: the fitted value with
:func:`quotetrack.extract.attribution.capped` applied (a he/she left
unresolved ranks low whatever the table says).

    python benchmarks/fit_confidence.py [--gold DIR] [--cache DIR] [--out FILE] [--folds K] [--limit N]

Train split only.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, out_path, parsed_docs, unit_outcomes  # noqa: E402
from train_spans import Settings, fold_of, learn_tables  # noqa: E402

from quotetrack.evaluate import read_gold  # noqa: E402
from quotetrack.extract import confidence, coref  # noqa: E402
from quotetrack.extract.attribution import UNRESOLVED_CEILING, attribute  # noqa: E402
from quotetrack.extract.quotes import find_candidates  # noqa: E402
from quotetrack.extract.tables import Tables, format_confidence  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "quotetrack" / "extract" / "data" / "confidence.tsv"
EDGES = (0.0, 0.5, 0.7, 0.85, 1.0)
THRESHOLDS = ("cue_floor", "min_prior", "host_min_prior", "mixed_min_prior")


_RESOLVER: dict[str, object] = {}


def _windowed(doc, cands, tables: Tables):
    """Attribution with windowed coreference, as ``QuoteTracker.__call__`` runs it."""
    if "nlp" not in _RESOLVER:
        import quotetrack

        nlp = quotetrack.load()
        annotator, error = coref.load_annotator(nlp)
        if annotator is None:
            raise SystemExit(f"coreference is needed to fit the table: {error}")
        _RESOLVER.update(nlp=nlp, resolver=coref.WindowedCoref(annotator))
    if doc.tensor is None or doc.tensor.size == 0:
        _RESOLVER["nlp"].get_pipe("tok2vec")(doc)  # DocBin does not keep it; coreferee reads it
    resolver = _RESOLVER["resolver"]
    state = resolver.attach(doc)
    try:
        with state.recording():
            quotes = attribute(doc, cands, tables)
        if state.prepare():
            quotes = attribute(doc, cands, tables)
    finally:
        resolver.detach(doc)
    return quotes


def observations(gold, docs, coref: bool, tables: Tables) -> list[tuple[int, tuple[str, ...], bool, bool]]:
    """(document index, features, right, capped) for every predicted quote, found with ``tables``.

    ``coref``: windowed coreference as in the pipeline; else none (only the quotes
    flagged ``no-coref`` are kept). ``capped``: the quote's confidence is held
    under :data:`~quotetrack.extract.attribution.UNRESOLVED_CEILING`. The features do
    not depend on the confidence cells ``tables`` holds, only on its cue table and
    frame model.
    """
    out = []
    for i, (g, d) in enumerate(zip(gold, docs)):
        cands = find_candidates(d, tables)
        quotes = _windowed(d, cands, tables) if coref else attribute(d, cands, tables)
        outcomes = unit_outcomes(g, quotes)
        for c, q in zip(cands, quotes):
            if not coref and "no-coref" not in q.flags:
                continue
            out.append((i, confidence.features(c, q), outcomes[id(q)][1], "unresolved-pronoun" in q.flags))
    return out


def both_passes(gold, docs, tables: Tables, index: list[int] | None = None):
    """Observations with coreference and, for pronouns resolved without it, without; ``index``:
    the articles' places in the whole corpus (for the halves of the held-out estimate)."""
    obs = observations(gold, docs, True, tables) + observations(gold, docs, False, tables)
    if index is None:
        return obs
    return [(index[i], feats, right, capped) for i, feats, right, capped in obs]


def cross_fitted(gold, docs, folds: int):
    """Observations of every article, each found with tables (span model included) learned on the other folds.

    The span model finds its training articles' quotes better than new ones: a table
    fitted on its in-sample quotes would promise too much on new text.
    """
    shipped = Tables.shipped().span_model
    # the thresholds the shipped model was tuned with (polnear_crossval.py --sweep), so the quotes are found as shipped
    settings = Settings(**{k: shipped.meta[k] for k in THRESHOLDS if shipped is not None and k in shipped.meta})
    obs = []
    for part in range(folds):
        train = [i for i, g in enumerate(gold) if fold_of(g.name, folds) != part]
        test = [i for i, g in enumerate(gold) if fold_of(g.name, folds) == part]
        t0 = time.perf_counter()
        tables = learn_tables([gold[i] for i in train], [docs[i] for i in train], settings)
        obs += both_passes([gold[i] for i in test], [docs[i] for i in test], tables, test)
        print(f"  fold {part + 1}/{folds}: learned on {len(train)} articles, labelled {len(test)}  {time.perf_counter() - t0:.0f}s",
              file=sys.stderr, flush=True)
    return obs


def cells(obs) -> dict[tuple[str, ...], list[int]]:
    table: dict[tuple[str, ...], list[int]] = collections.defaultdict(lambda: [0, 0])
    for _, feats, right, _ in obs:
        for depth in range(len(feats) + 1):
            c = table[feats[:depth]]
            c[0] += 1
            c[1] += right
    return table


def predict(table, feats, capped: bool = False) -> float:
    value = max(confidence.FLOOR, min(confidence.CEILING, confidence.fitted(feats, table)))
    return min(value, UNRESOLVED_CEILING) if capped else value


def report(pairs: list[tuple[float, bool]], title: str) -> None:
    bins = collections.defaultdict(lambda: [0, 0, 0.0])
    for p, right in pairs:
        b = min(int(p * 10), 9)
        bins[b][0] += 1
        bins[b][1] += right
        bins[b][2] += p
    ece = sum(abs(k - s) for n, k, s in bins.values()) / max(1, len(pairs))
    print(f"{title}: {len(pairs)} quotes, ECE {ece:.3f}")
    for lo, hi in zip(EDGES, EDGES[1:]):
        sel = [(p, r) for p, r in pairs if lo <= p < hi or (hi == 1.0 and p == 1.0)]
        if sel:
            acc = sum(r for _, r in sel) / len(sel)
            mean = sum(p for p, _ in sel) / len(sel)
            print(f"  {lo:.2f}–{hi:.2f}  {len(sel):6}  right {acc:.3f}  mean confidence {mean:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None,
                    help=f"where to write the table (default: the shipped {OUT.name}, not allowed with --limit)")
    ap.add_argument("--folds", type=int, default=5,
                    help="label quotes found by tables learned without their article (K-fold); 0: the shipped tables, in-sample")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (a smoke run)")
    args = ap.parse_args(argv)
    args.out = out_path(ap, args, OUT)

    gold = read_gold(args.gold)[: args.limit]
    nlp, docs = parsed_docs(gold, args.cache)
    obs = cross_fitted(gold, docs, args.folds) if args.folds else both_passes(gold, docs, Tables.shipped())
    # how well does a table fitted on one half do on the other?
    held_out = []
    for fold in (0, 1):
        table = cells(o for o in obs if o[0] % 2 != fold)
        held_out += [(predict(table, f, cap), r) for i, f, r, cap in obs if i % 2 == fold]
    report(held_out, "fitted on one half, scored on the other")
    table = cells(obs)
    report([(predict(table, f, cap), r) for _, f, r, cap in obs], "fitted and scored on all (in-sample)")
    args.out.write_text(format_confidence({key: (n, k) for key, (n, k) in table.items()}), encoding="utf-8")
    print(f"wrote {len(table)} cells to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
