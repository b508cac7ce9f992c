"""Cross-validated accuracy of quotetrack on PolNeAR train: in-sample vs held-out.

The quote finder uses tables learned from PolNeAR train itself: the cue
table (``data/cue_frames.tsv``) and the frame classifier
(``data/frame_model.json``), both written by ``benchmarks/learn_cues.py``,
and the confidence table (``data/confidence.tsv``, ``fit_confidence.py``).
Scored on train (``polnear_tune.py``) they are partly in-sample. This script
splits the articles into K folds (by the SHA-256 of the article name, so the
split is fixed), learns the tables on K-1 folds, extracts the held-out fold
with them, pools the held-out predictions of all folds and scores them with
``quotetrack.evaluate.score`` (overlap matching, as the harness reports).

Each fold's tables are a :class:`~quotetrack.extract.tables.Tables` of its own,
handed to the finder and attribution as a component holds them; nothing on disk
changes.

Rows of the table:

* ``shipped``: the data files as they ship (what ``polnear_tune.py --brief`` prints);
* ``all (in-sample)``: tables re-learned on all of train with the current code,
  scored on the same articles: the in-sample twin of the held-out rows;
* ``K=k held-out``: every article scored with tables learned without it.

Confidence never changes which quotes are emitted, but the harness merges
quotes sharing a cue into one unit whose speaker is the most confident
member's, so it can move speaker accuracy slightly. With ``--confidence
both`` (the default) each learned row is scored twice: with the confidence
table refitted on the same training articles (``conf=fold``, honest) and
with the shipped one (``conf=shipped``).

    python benchmarks/polnear_crossval.py [--folds 2 5] [--confidence both|fold|shipped]
        [--gold DIR] [--cache DIR] [--limit N] [--json FILE]

Parses are cached by benchmarks/polnear_tune.py (never reparsed here). About
6 minutes for ``--folds 2 5`` on one core. ``--limit N`` keeps the first N
articles (a smoke run: ``--folds 2 --limit 40``; those are parsed and cached
on their own).

Measured at 85fcff6 (overall overlap F1 / speaker accuracy / e2e F1): shipped
0.708 / 0.9006 / 0.638; re-learned on all 0.709 / 0.9007 / 0.6385; K=2
held-out 0.685 / 0.9001 / 0.6167; K=5 held-out 0.688 / 0.9002 / 0.6190. The
gap is nearly all indirect recall (0.546 in-sample, 0.501 / 0.508 held-out).
Hand-set constants (``cues.MIN_PRIOR``, ``HAND_PRIOR``, the word lists, the
extractor's rules) were tuned on these same articles: cross-validation does
not remove that optimism.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fit_confidence import cells, observations  # noqa: E402
from learn_cues import learn  # noqa: E402
from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, parsed_docs  # noqa: E402

from quotetrack.evaluate import Report, read_gold, score  # noqa: E402
from quotetrack.extract.attribution import attribute  # noqa: E402
from quotetrack.extract.quotes import find_candidates  # noqa: E402
from quotetrack.extract.tables import Tables  # noqa: E402

KINDS = ("direct", "mixed", "indirect", "overall")


def fold_of(name: str, k: int) -> int:
    """The article's fold: fixed by its name, independent of corpus order."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % k


def extract(docs, tables: Tables) -> list:
    return [attribute(d, find_candidates(d, tables), tables) for d in docs]


def fit_conf(gold, docs, tables: Tables) -> dict[tuple[str, ...], tuple[int, int]]:
    """The confidence table fit_confidence.py would write for these articles, found with ``tables``."""
    obs = observations(gold, docs, True, tables) + observations(gold, docs, False, tables)
    return {key: (n, k) for key, (n, k) in cells(obs).items()}


def summary(report: Report) -> dict:
    ms = report.overlap
    out = {}
    for kind in KINDS:
        ks = ms.kinds[kind]
        out[kind] = {
            "P": ks.detection.precision, "R": ks.detection.recall, "F1": ks.detection.f1,
            "spk": ks.speaker_accuracy, "e2e": ks.end_to_end.f1,
        }
    out["ece"] = report.ece
    return out


def run_config(gold, docs, folds: int | None, conf_mode: str, shipped: Tables, log) -> dict[str, dict]:
    """Pooled predictions for one split (None: learn on all, score in-sample); one entry per confidence mode."""
    modes = ["fold", "shipped"] if conf_mode == "both" else [conf_mode]
    preds: dict[str, dict[str, list]] = {m: {} for m in modes}
    parts = [None] if folds is None else list(range(folds))
    per_fold: dict[str, list[float]] = {m: [] for m in modes}
    for part in parts:
        t0 = time.perf_counter()
        if part is None:
            train = test = list(range(len(gold)))
        else:
            train = [i for i, g in enumerate(gold) if fold_of(g.name, folds) != part]
            test = [i for i, g in enumerate(gold) if fold_of(g.name, folds) == part]
        tg, td = [gold[i] for i in train], [docs[i] for i in train]
        learned = learn(tg, td)
        for mode in modes:
            tables = learned.tables(shipped.confidence)
            if mode == "fold":
                tables = learned.tables(fit_conf(tg, td, tables))
            quotes = extract([docs[i] for i in test], tables)
            fold_preds = {gold[i].name: q for i, q in zip(test, quotes)}
            preds[mode].update(fold_preds)
            if part is not None:
                per_fold[mode].append(score([gold[i] for i in test], fold_preds).overlap.kinds["overall"].detection.f1)
        label = "all" if part is None else f"{part + 1}/{folds}"
        log(f"  fold {label}: learned on {len(train)} articles ({learned.model['examples']} frames), "
            f"scored {len(test)}  {time.perf_counter() - t0:.0f}s")
    out = {}
    for mode in modes:
        s = summary(score(gold, preds[mode]))
        if per_fold[mode]:
            s["fold_f1"] = per_fold[mode]
        out[mode] = s
    return out


def print_table(rows: list[tuple[str, dict]]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="quotetrack on PolNeAR train, overlap matching: in-sample vs K-fold held-out (by article)")
    t.add_column("tables")
    for kind in KINDS:
        t.add_column(f"{kind}\nP / R / F1", justify="right")
    t.add_column("speaker acc\n(overall)", justify="right")
    t.add_column("e2e F1\n(overall)", justify="right")
    t.add_column("ECE", justify="right")
    t.add_column("per-fold\noverall F1", justify="right")
    for label, s in rows:
        cols = [f"{s[k]['P']:.3f} / {s[k]['R']:.3f} / {s[k]['F1']:.3f}" for k in KINDS]
        folds = s.get("fold_f1")
        spread = f"{min(folds):.3f}–{max(folds):.3f}" if folds else ""
        t.add_row(label, *cols, f"{s['overall']['spk']:.4f}", f"{s['overall']['e2e']:.4f}", f"{s['ece']:.3f}", spread)
    Console(width=200).print(t)
    t2 = Table(title="per kind: speaker accuracy / end-to-end F1")
    t2.add_column("tables")
    for kind in KINDS:
        t2.add_column(f"{kind}\nspk / e2e", justify="right")
    for label, s in rows:
        t2.add_row(label, *[f"{s[k]['spk']:.4f} / {s[k]['e2e']:.4f}" for k in KINDS])
    Console(width=200).print(t2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--folds", type=int, nargs="+", default=[2, 5], help="K values to cross-validate with")
    ap.add_argument("--confidence", choices=("both", "fold", "shipped"), default="both",
                    help="confidence table for learned rows: refitted on the training articles, the shipped one, or both")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (a smoke run)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers as JSON")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    gold = read_gold(args.gold)[: args.limit]
    _, docs = parsed_docs(gold, args.cache)
    for k in args.folds:
        sizes = [sum(fold_of(g.name, k) == f for g in gold) for f in range(k)]
        log(f"K={k}: fold sizes {sizes}")

    rows: list[tuple[str, dict]] = []
    t0 = time.perf_counter()
    shipped = Tables.shipped()
    rows.append(("shipped (in-sample)", summary(score(gold, {g.name: q for g, q in zip(gold, extract(docs, shipped))}))))
    log(f"shipped: {time.perf_counter() - t0:.0f}s")
    configs = [("all (in-sample)", None)] + [(f"K={k} held-out", k) for k in args.folds]
    for label, folds in configs:
        log(f"{label}:")
        for mode, s in run_config(gold, docs, folds, args.confidence, shipped, log).items():
            rows.append((f"{label}, conf={mode}", s))
    print_table(rows)
    log(f"total {time.perf_counter() - t0:.0f}s")
    if args.json:
        import orjson

        args.json.write_bytes(orjson.dumps(dict(rows), option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
