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
        [--gold DIR] [--cache DIR] [--limit N] [--json FILE] [--no-span-model] [--sweep]
        [--epochs N --hidden N …: the span model's training settings, as train_spans.py takes them]

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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fit_confidence import cells, observations  # noqa: E402
from learn_cues import learn  # noqa: E402
from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, parsed_docs  # noqa: E402
from train_spans import Settings, fold_of, learn_tables  # noqa: E402

from quotetrack.evaluate import Report, read_gold, score  # noqa: E402
from quotetrack.extract import confidence  # noqa: E402
from quotetrack.extract.attribution import attribute  # noqa: E402
from quotetrack.extract.quotes import find_candidates  # noqa: E402
from quotetrack.extract.tables import Tables, format_confidence  # noqa: E402

KINDS = ("direct", "mixed", "indirect", "overall")


def extract(docs, tables: Tables) -> list:
    return [attribute(d, find_candidates(d, tables), tables) for d in docs]


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
    out["exact"] = report.exact.kinds["overall"].detection.f1
    return out


def fold_parts(gold, folds: int | None):
    """(training indexes, test indexes) per part; one part, all articles both ways, for ``None``."""
    if folds is None:
        everything = list(range(len(gold)))
        return [(everything, everything)]
    return [
        ([i for i, g in enumerate(gold) if fold_of(g.name, folds) != part], [i for i, g in enumerate(gold) if fold_of(g.name, folds) == part])
        for part in range(folds)
    ]


def learn_fold(tg, td, span: bool, settings, log) -> Tables:
    """Every table learned from these articles (the span model too when ``span``); no confidence cells yet."""
    if span:
        return learn_tables(tg, td, settings, log=log)
    learned = learn(tg, td)
    return learned.tables({})


def held_out_predictions(gold, docs, folds: int | None, span: bool, settings, log) -> list[dict]:
    """Per part: its test indexes, the tables learned without them, and their candidates and quotes."""
    out = []
    for train, test in fold_parts(gold, folds):
        t0 = time.perf_counter()
        tables = learn_fold([gold[i] for i in train], [docs[i] for i in train], span, settings, None)
        found = {}
        for i in test:
            cands = find_candidates(docs[i], tables)
            found[i] = (cands, attribute(docs[i], cands, tables))
        out.append({"train": train, "test": test, "tables": tables, "found": found})
        log(f"  part {len(out)}/{folds or 1}: learned on {len(train)} articles, extracted {len(test)}  {time.perf_counter() - t0:.0f}s")
    return out


def with_confidence(parts: list[dict], cells_of) -> dict[int, list]:
    """Quotes by article index, each confidence recomputed from ``cells_of(part index)``."""
    quotes = {}
    for k, part in enumerate(parts):
        cells = cells_of(k)
        for i, (cands, qs) in part["found"].items():
            for c, q in zip(cands, qs):
                q.confidence = confidence.confidence(c, q, cells)
            quotes[i] = qs
    return quotes


def run_config(gold, docs, folds: int | None, conf_mode: str, shipped: Tables, span: bool, settings, log, parts=None) -> dict[str, dict]:
    """Pooled predictions for one split (None: learn on all, score in-sample); one entry per confidence mode.

    Confidence ``fold``: cells fitted on predictions for articles the extractor was not
    trained on: for a held-out part, the other parts' held-out predictions (for the
    in-sample row, its own predictions). ``shipped``: the shipped cells.
    """
    modes = ["fold", "shipped"] if conf_mode == "both" else [conf_mode]
    parts = parts if parts is not None else held_out_predictions(gold, docs, folds, span, settings, log)
    obs = []
    for k, part in enumerate(parts if "fold" in modes else ()):  # the observations only refit confidence cells
        test = part["test"]
        part["obs"] = (observations([gold[i] for i in test], [docs[i] for i in test], True, part["tables"])
                       + observations([gold[i] for i in test], [docs[i] for i in test], False, part["tables"]))
        obs.append(part["obs"])
    out = {}
    for mode in modes:
        if mode == "shipped":
            quotes = with_confidence(parts, lambda k: shipped.confidence)
        elif folds is None:
            quotes = with_confidence(parts, lambda k: fit_cells(obs[0]))
        else:
            quotes = with_confidence(parts, lambda k: fit_cells([o for j, ob in enumerate(obs) if j != k for o in ob]))
        s = summary(score(gold, {gold[i].name: q for i, q in quotes.items()}))
        if folds is not None:
            s["fold_f1"] = [
                score([gold[i] for i in p["test"]], {gold[i].name: quotes[i] for i in p["test"]}).overlap.kinds["overall"].detection.f1
                for p in parts
            ]
        out[mode] = s
    return out


def fit_cells(obs) -> dict[tuple[str, ...], tuple[int, int]]:
    return {key: (n, k) for key, (n, k) in cells(obs).items()}


# Thresholds of the span model tried by --sweep (quotes.Thresholds): one at a time around the defaults.
SWEEP = (
    [{"min_prior": v} for v in (0.3, 0.35, 0.4, 0.45, 0.5)]
    + [{"host_min_prior": v} for v in (0.2, 0.25, 0.35, 0.45)]
    + [{"mixed_min_prior": v} for v in (0.2, 0.25, 0.35, 0.45)]
)


def sweep(gold, docs, parts: list[dict], log) -> dict:
    """Overall scores of the held-out parts with each threshold setting of :data:`SWEEP` (the models
    stay); returns the setting with the best held-out overall F1 ({} when the trained one is best)."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title="span model thresholds on held-out parts (overlap; shipped confidence cells)")
    for col in ("setting", "overall P / R / F1", "direct F1", "mixed F1", "indirect F1", "exact F1", "speaker acc", "e2e F1"):
        t.add_column(col, justify="right")
    best, best_f1 = {}, -1.0
    for change in [{}] + SWEEP:
        quotes = {}
        for part in parts:
            tables = part["tables"]
            saved = dict(tables.span_model.meta)
            tables.span_model.meta.update(change)
            try:
                for i in part["test"]:
                    quotes[gold[i].name] = attribute(docs[i], find_candidates(docs[i], tables), tables)
            finally:
                tables.span_model.meta.clear()
                tables.span_model.meta.update(saved)
        report = score(gold, quotes)
        k = report.overlap.kinds
        o = k["overall"].detection
        t.add_row(
            ", ".join(f"{a}={b}" for a, b in change.items()) or "as trained",
            f"{o.precision:.3f} / {o.recall:.3f} / {o.f1:.3f}",
            *(f"{k[kind].detection.f1:.3f}" for kind in ("direct", "mixed", "indirect")),
            f"{report.exact.kinds['overall'].detection.f1:.3f}", f"{k['overall'].speaker_accuracy:.4f}",
            f"{k['overall'].end_to_end.f1:.3f}",
        )
        if o.f1 > best_f1 + 1e-9:
            best, best_f1 = change, o.f1
        log(f"  swept {change or 'as trained'}")
    Console(width=200).print(t)
    return best


def tuned(gold, docs, parts: list[dict], change: dict) -> list[dict]:
    """The parts with ``change`` in every fold's span model and their held-out quotes found again."""
    for part in parts:
        tables = part["tables"]
        tables.span_model.meta.update(change)
        part["found"] = {}
        for i in part["test"]:
            cands = find_candidates(docs[i], tables)
            part["found"][i] = (cands, attribute(docs[i], cands, tables))
    return parts


def held_out_cells(gold, docs, parts: list[dict]) -> dict:
    """Confidence cells fitted on every part's held-out quotes (with and without coreference),
    as ``fit_confidence.py --folds K`` fits the shipped table."""
    obs = []
    for part in parts:
        if "obs" not in part:  # run_config's, when it refitted per fold
            test = part["test"]
            g, d = [gold[i] for i in test], [docs[i] for i in test]
            part["obs"] = observations(g, d, True, part["tables"]) + observations(g, d, False, part["tables"])
        obs += part["obs"]
    return fit_cells(obs)


def print_table(rows: list[tuple[str, dict]]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="quotetrack on PolNeAR train, overlap matching: in-sample vs K-fold held-out (by article)")
    t.add_column("tables")
    for kind in KINDS:
        t.add_column(f"{kind}\nP / R / F1", justify="right")
    t.add_column("speaker acc\n(overall)", justify="right")
    t.add_column("e2e F1\n(overall)", justify="right")
    t.add_column("exact F1\n(overall)", justify="right")
    t.add_column("ECE", justify="right")
    t.add_column("per-fold\noverall F1", justify="right")
    for label, s in rows:
        cols = [f"{s[k]['P']:.3f} / {s[k]['R']:.3f} / {s[k]['F1']:.3f}" for k in KINDS]
        folds = s.get("fold_f1")
        spread = f"{min(folds):.3f}–{max(folds):.3f}" if folds else ""
        t.add_row(label, *cols, f"{s['overall']['spk']:.4f}", f"{s['overall']['e2e']:.4f}", f"{s['exact']:.3f}", f"{s['ece']:.3f}", spread)
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
    ap.add_argument("--no-span-model", action="store_true", help="learn only the rule tables per fold (the extractor before the span model)")
    ap.add_argument("--no-in-sample", action="store_true", help="skip the 'all (in-sample)' row")
    ap.add_argument("--sweep", action="store_true",
                    help="score the span model's thresholds (SWEEP) on each K's held-out parts and report that K with the best")
    ap.add_argument("--write-confidence", type=Path, default=None,
                    help="write the confidence cells fitted on the held-out quotes (of the last K) to this file")
    defaults = Settings()
    for name, value in vars(defaults).items():  # the span model's training settings, as train_spans.py takes them
        ap.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = ap.parse_args(argv)
    settings = Settings(**{k: getattr(args, k) for k in vars(defaults)})

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    gold = read_gold(args.gold)[: args.limit]
    nlp, docs = parsed_docs(gold, args.cache)  # doc.tensor set (the parse cache does not keep it)
    for k in args.folds:
        sizes = [sum(fold_of(g.name, k) == f for g in gold) for f in range(k)]
        log(f"K={k}: fold sizes {sizes}")

    rows: list[tuple[str, dict]] = []
    t0 = time.perf_counter()
    shipped = Tables.shipped()
    rows.append(("shipped (in-sample)", summary(score(gold, {g.name: q for g, q in zip(gold, extract(docs, shipped))}))))
    log(f"shipped: {time.perf_counter() - t0:.0f}s")
    configs = ([] if args.no_in_sample else [("all (in-sample)", None)]) + [(f"K={k} held-out", k) for k in args.folds]
    span = not args.no_span_model
    for label, folds in configs:
        log(f"{label}:")
        parts = held_out_predictions(gold, docs, folds, span, settings, log)
        if args.sweep and span and folds is not None:
            change = sweep(gold, docs, parts, log)
            log(f"  best held-out thresholds: {change or 'as trained'}")
            parts = tuned(gold, docs, parts, change)
            label += ", tuned " + (", ".join(f"{a}={b}" for a, b in change.items()) or "as trained")
        for mode, s in run_config(gold, docs, folds, args.confidence, shipped, span, settings, log, parts).items():
            rows.append((f"{label}, conf={mode}", s))
        if args.write_confidence and folds is not None:
            cells_ = held_out_cells(gold, docs, parts)
            args.write_confidence.write_text(format_confidence(cells_), encoding="utf-8")
            log(f"  wrote {len(cells_)} confidence cells fitted on the held-out quotes to {args.write_confidence}")
    print_table(rows)
    log(f"total {time.perf_counter() - t0:.0f}s")
    if args.json:
        import orjson

        args.json.write_bytes(orjson.dumps(dict(rows), option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
