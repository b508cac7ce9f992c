"""Fast re-scoring of quotetrack on PolNeAR train, for tuning the extractor.

Parsing (spaCy + coreferee) is the slow part: about 15 minutes for the 840
train articles on one core. This script parses once and caches the parsed
documents, coreference chains included (coreferee registers msgpack
encoders, so ``DocBin(store_user_data=True)`` keeps ``doc._.coref_chains``),
then each run only re-runs the quote finder and attribution
(``quotes.find_candidates`` + ``attribution.attribute``) and scores with
``quotetrack.evaluate.score``: a minute or two per iteration.

    python benchmarks/polnear_tune.py [--gold DIR] [--cache DIR] [--limit N]
        [--errors N] [--json FILE] [--reparse]

The cache is keyed by the texts: change the tokenizer or the models and it
is rebuilt (or pass ``--reparse``). Tune on the train split only.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "polnear-train"
DEFAULT_CACHE = ROOT / "benchmarks" / ".cache"


def _key(texts: list[str], model: str) -> str:
    h = hashlib.sha256(model.encode())
    for t in texts:
        h.update(hashlib.sha256(t.encode()).digest())
    return h.hexdigest()[:16]


def _set_tensors(nlp, docs) -> None:
    """``doc.tensor`` as the pipeline's ``tok2vec`` sets it: a DocBin does not keep it, and
    without it the span model does not run (the rule frames alone would be scored). On one
    BLAS thread, as the span model is trained, so a retrained model is the same file."""
    from threadpoolctl import threadpool_limits

    if "tok2vec" not in nlp.pipe_names:
        return
    t0 = time.perf_counter()
    missing = [d for d in docs if d.tensor is None or d.tensor.size == 0 or len(d.tensor) != len(d)]
    with threadpool_limits(1):
        for _ in nlp.get_pipe("tok2vec").pipe(missing, batch_size=32):
            pass
    print(f"tok2vec tensors of {len(missing)} cached docs in {time.perf_counter() - t0:.1f}s", file=sys.stderr)


def parsed_docs(gold, cache_dir: Path, reparse: bool = False):
    """The gold texts parsed by quotetrack's pipeline minus its own component (cached)."""
    import coreferee  # noqa: F401  (msgpack encoders for the chains)
    from spacy.tokens import DocBin

    import quotetrack

    nlp = quotetrack.load()
    texts = [g.text for g in gold]
    path = cache_dir / f"polnear-{_key(texts, nlp.meta.get('name', '') + nlp.meta.get('version', ''))}.spacy"
    if path.exists() and not reparse:
        t0 = time.perf_counter()
        docs = list(DocBin(store_user_data=True).from_disk(path).get_docs(nlp.vocab))
        print(f"loaded {len(docs)} parsed docs from {path} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        _set_tensors(nlp, docs)
        return nlp, docs
    print(f"parsing {len(texts)} documents (cached in {path})…", file=sys.stderr)
    t0 = time.perf_counter()
    db = DocBin(store_user_data=True)
    docs = []
    with nlp.select_pipes(disable=["quotetrack"]):
        for i, doc in enumerate(nlp.pipe(texts, batch_size=8), start=1):
            docs.append(doc)
            db.add(doc)
            if i % 50 == 0:
                print(f"  {i}/{len(texts)}  {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    cache_dir.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return nlp, docs


def out_path(ap, args, shipped: Path) -> Path:
    """Where a script that writes a shipped file writes: ``--out``, else the shipped file, but
    a smoke run on a slice (``--limit``) must say where: it would silently replace what ships."""
    if args.out is None and args.limit is not None:
        ap.error(f"--limit needs --out: what a slice gives is not the {shipped.name} to ship")
    return args.out or shipped


def unit_outcomes(gold_doc, quotes):
    """Per quote: (matched, speaker right, best-matching gold index) of the unit it belongs to (overlap mode)."""
    from quotetrack.evaluate import Tokens, group_predictions, match_units, speaker_correct

    units = group_predictions(quotes)
    tokens = Tokens(gold_doc.text)
    gold_tok = [tokens.of(g.content) for g in gold_doc.attributions]
    pred_tok = [tokens.of(u.content) for u in units]
    pairs = match_units(gold_tok, pred_tok, "overlap")
    by_unit = {pi: gi for gi, pi, _ in pairs}
    out = {}
    for pi, u in enumerate(units):
        gi = by_unit.get(pi)
        right = gi is not None and speaker_correct(gold_doc.text, tokens, gold_doc.attributions[gi], u)
        for q in u.quotes:
            out[id(q)] = (gi is not None, right, gi, len(u.quotes))
    return out


def write_records(path: Path, gold, predictions, candidates) -> None:
    import orjson

    from quotetrack.extract.confidence import features

    with path.open("wb") as fh:
        for g in gold:
            quotes, cands = predictions[g.name], candidates[g.name]
            outcomes = unit_outcomes(g, quotes)
            for q, c in zip(quotes, cands):
                matched, right, gi, size = outcomes[id(q)]
                ga = g.attributions[gi] if gi is not None else None
                rec = {
                    "doc": g.name, "start": q.start, "kind": q.kind, "construction": c.construction,
                    "key": c.cue_key, "prior": round(c.prior, 3), "method": q.method, "via": c.via,
                    "flags": list(q.flags), "features": list(features(c, q)), "confidence": q.confidence,
                    "matched": matched, "right": right, "unit_size": size,
                    "text": q.text[:200], "speaker": q.speaker, "mention": q.mention.text if q.mention else None,
                    "cue": q.cue.text if q.cue else None,
                    "gold_kind": ga.kind if ga else None,
                    "gold_source": " … ".join(g.text[a:b] for a, b in ga.source) if ga and ga.source else None,
                    "gold_content": " … ".join(g.text[a:b] for a, b in ga.content)[:200] if ga else None,
                }
                fh.write(orjson.dumps(rec) + b"\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--reparse", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                    help="override a tuning constant for this run, e.g. extract.cues.MIN_PRIOR=0.3")
    ap.add_argument("--brief", action="store_true", help="print only the overall overlap numbers")
    ap.add_argument("--records", type=Path, default=None, help="write one JSON line per predicted quote (features, right/wrong)")
    args = ap.parse_args(argv)

    import importlib

    from rich.console import Console

    from quotetrack.evaluate import format_report, read_gold, report_to_dict, score
    from quotetrack.extract.attribution import attribute
    from quotetrack.extract.quotes import find_candidates
    from quotetrack.extract.tables import Tables

    for item in args.set:
        name, value = item.split("=", 1)
        module, attr = name.rsplit(".", 1)
        mod = importlib.import_module(f"quotetrack.{module}")
        kind = type(getattr(mod, attr))
        setattr(mod, attr, value.lower() in ("1", "true", "yes") if kind is bool else kind(value))
    tables = Tables.shipped()  # after the overrides: its frame priors are remembered from here on
    gold = read_gold(args.gold)
    nlp, docs = parsed_docs(gold, args.cache, args.reparse)
    if args.limit:
        gold, docs = gold[: args.limit], docs[: args.limit]
    t0 = time.perf_counter()
    predictions = {}
    candidates = {}
    for g, d in zip(gold, docs):
        cands = find_candidates(d, tables)
        predictions[g.name] = attribute(d, cands, tables)
        candidates[g.name] = cands
    elapsed = time.perf_counter() - t0
    if args.records:
        write_records(args.records, gold, predictions, candidates)
    report = score(gold, predictions)
    if args.brief:
        ms = report.overlap
        parts = []
        for k in ("direct", "mixed", "indirect", "overall"):
            ks = ms.kinds[k]
            parts.append(f"{k} P {ks.detection.precision:.3f} R {ks.detection.recall:.3f} F1 {ks.detection.f1:.3f}")
        o = ms.kinds["overall"]
        print(" | ".join(parts) + f" | spk {o.speaker_accuracy:.4f} e2e {o.end_to_end.f1:.4f} ECE {report.ece:.3f}  {' '.join(args.set)}")
    else:
        Console(width=160).print(format_report(report, errors=args.errors))
    print(f"extraction {elapsed:.1f}s for {len(docs)} docs", file=sys.stderr)
    if args.json:
        import orjson

        args.json.write_bytes(orjson.dumps(report_to_dict(report, errors=args.errors), option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
