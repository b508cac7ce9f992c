"""Train quotetrack's learned span model (quotetrack/extract/data/span_model.npz) on PolNeAR train.

The model (:mod:`quotetrack.extract.span_model`) has two small networks over the
features of :mod:`quotetrack.extract.span_features`:

* the **cue** network learns, for every token that could head a cue, whether an
  annotated attribution's cue is headed there;
* the **pair** network learns, for each annotated cue and each token of its sentence,
  whether the token is in that attribution's content, whether it heads its source, and
  whether the content on its side of the cue starts or ends there (weighted into the cut
  by ``--boundary-weight``, chosen on held-out articles by ``polnear_crossval.py``).

Training examples come from the gold attributions and the cached parses of
``benchmarks/polnear_tune.py``; ``doc.tensor`` (the pipeline's own tok2vec output, which
the cache does not keep) is recomputed by the pipeline's ``tok2vec`` pipe. Every random
choice comes from ``--seed``, and numpy runs on one BLAS thread, so two runs write the
same file.

    python benchmarks/train_spans.py [--gold DIR] [--cache DIR] [--out FILE] [--seed 0]
        [--epochs N] [--hidden N] [--limit N]

From Python, :func:`train` fits a model on any list of gold documents and their parses
(benchmarks/polnear_crossval.py does it per fold). Train split only.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from learn_cues import learn  # noqa: E402

from quotetrack.extract import span_features  # noqa: E402
from quotetrack.extract.doc_index import DocIndex  # noqa: E402
from quotetrack.extract.frames import find_frames  # noqa: E402
from quotetrack.extract.learned import doc_arrays  # noqa: E402
from quotetrack.extract.marks import find_marked, quoted_mask  # noqa: E402
from quotetrack.extract.span_model import Net, SpanModel, cue_candidates  # noqa: E402
from quotetrack.extract.tables import Tables  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "quotetrack" / "extract" / "data" / "span_model.npz"
HEAD_POS = ("VERB", "AUX", "NOUN", "ADJ", "PROPN")
SOURCE_POS = ("PROPN", "NOUN", "PRON")


@dataclass
class Settings:
    """How a model is trained (defaults: the shipped model's)."""

    seed: int = 0
    hidden: int = 32
    epochs: int = 2
    lr: float = 0.001
    batch: int = 256
    l2: float = 1e-6
    min_count: int = 5
    dropout: float = 0.3
    cue_floor: float = 0.3  # cues below this are not cut (the lowest threshold that follows: nothing below it is used)
    min_prior: float = 0.4  # an indirect quote's frame needs this (quotes.Thresholds)
    host_min_prior: float = 0.3  # a frame gives a direct quote its cue from this on
    mixed_min_prior: float = 0.3  # a frame holding quoted words is a mixed quote from this on
    boundary_weight: float = 3.0  # weight of the start/end scores when a content is cut (span_model.decode; tuned held out)


def fold_of(name: str, k: int) -> int:
    """The article's cross-validation fold: fixed by its name, independent of corpus order."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % k


# --- examples ----------------------------------------------------------------------


def tokens_of(starts: np.ndarray, ends: np.ndarray, fragments) -> np.ndarray:
    """Token indexes overlapping any of the character ``fragments``."""
    out = [np.arange(np.searchsorted(ends, a, side="right"), np.searchsorted(starts, b)) for a, b in fragments or ()]
    return np.unique(np.concatenate(out)) if out else np.zeros(0, np.int64)


def head_of(doc, tokens: np.ndarray, prefer: tuple[str, ...]) -> int | None:
    """The token of a span whose syntactic head lies outside it (the preferred part of speech first)."""
    inside = set(tokens.tolist())
    heads = [i for i in inside if doc[i].head.i not in inside or doc[i].head.i == i]
    heads = [i for i in heads if not doc[i].is_space and not doc[i].is_punct] or [i for i in heads if not doc[i].is_space]
    if not heads:
        return None
    return min(heads, key=lambda i: (doc[i].pos_ not in prefer, i))


@dataclass
class Examples:
    """One document's training rows: cue rows with labels, pair rows with (content, source) labels."""

    cue: span_features.Rows
    cue_y: np.ndarray
    pair: span_features.Rows
    pair_y: np.ndarray


def document_arrays(doc, tables: Tables):
    """What extraction computes before the model runs: the index, the quotation mask and the rule frames."""
    ix = DocIndex(doc)
    mask = quoted_mask(ix.text, find_marked(ix.text))
    return doc_arrays(ix, mask, find_frames(ix, tables, min_prior=-1.0))


def examples(gold_doc, doc, model_width: int, tables: Tables) -> Examples:
    """``tables``: the rule frames' tables, learned without this document."""
    arrays = document_arrays(doc, tables)
    starts = arrays.idx
    ends = starts + np.array([len(t) for t in doc], dtype=np.int64)
    heads: dict[int, tuple[np.ndarray, int | None]] = {}
    for a in gold_doc.attributions:
        if not a.cue:
            continue
        h = head_of(doc, tokens_of(starts, ends, a.cue), HEAD_POS)
        if h is None or h in heads:
            continue
        src = head_of(doc, tokens_of(starts, ends, a.source), SOURCE_POS) if a.source else None
        heads[h] = (tokens_of(starts, ends, a.content), src)
    cand = cue_candidates(arrays)
    cue = span_features.cue_rows(arrays, cand, model_width)
    cue_y = np.isin(cand, np.array(sorted(heads), dtype=np.int64)).astype(np.float32)[:, None]
    cue_col, tok_col, ys = [], [], []
    for h, (content, src) in sorted(heads.items()):
        w = span_features.window(arrays, h)
        cue_col.append(np.full(len(w), h, dtype=np.int64))
        tok_col.append(w)
        inside = np.isin(w, content)
        first, last = np.zeros(len(w), bool), np.zeros(len(w), bool)
        for side in (w < h, w > h):  # each side's content: where it starts and ends
            on = np.flatnonzero(side & inside)
            if len(on):
                first[on[0]], last[on[-1]] = True, True
        ys.append(np.stack([inside, w == (src if src is not None else -1), first, last], axis=1).astype(np.float32))
    if cue_col:
        pair = span_features.pair_rows(arrays, np.concatenate(cue_col), np.concatenate(tok_col), model_width)
        pair_y = np.concatenate(ys)
    else:
        pair = span_features.pair_rows(arrays, np.zeros(0, np.int64), np.zeros(0, np.int64), model_width)
        pair_y = np.zeros((0, 4), np.float32)
    return Examples(cue, cue_y, pair, pair_y)


# --- data sets and the network -----------------------------------------------------


@dataclass
class Data:
    """Rows of many documents, keys turned into vocabulary ids: one id per template per row, extras as sparse rows."""

    fixed: np.ndarray  # (n, templates) int32
    indptr: np.ndarray  # extras of row i: ids[indptr[i]:indptr[i + 1]]
    ids: np.ndarray
    dense: np.ndarray
    y: np.ndarray

    @property
    def n(self) -> int:
        return len(self.y)


def vocabulary(rows: list[span_features.Rows], min_count: int) -> np.ndarray:
    keys, counts = np.unique(np.concatenate([r.keys for r in rows]), return_counts=True)
    return keys[counts >= min_count]


def stack(rows: list[span_features.Rows], ys: list[np.ndarray], vocab: np.ndarray) -> Data:
    lookup = Net(vocab, np.zeros((1, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros((1, 1)), np.zeros(1))
    indptr, ids, offset = [np.zeros(1, np.int64)], [], 0
    for r in rows:
        ids.append(lookup.ids(r.extra_keys).astype(np.int32))
        counts = np.bincount(r.extra_rows, minlength=r.n)
        indptr.append(offset + np.cumsum(counts))
        offset += int(counts.sum())
    return Data(
        fixed=np.concatenate([lookup.ids(r.fixed.ravel()).reshape(r.fixed.shape).astype(np.int32) for r in rows]),
        indptr=np.concatenate(indptr),
        ids=np.concatenate(ids) if ids else np.zeros(0, np.int32),
        dense=np.concatenate([r.dense for r in rows]).astype(np.float32),
        y=np.concatenate(ys).astype(np.float32),
    )


class Adam:
    def __init__(self, shape, lr: float):
        self.m = np.zeros(shape, np.float32)
        self.v = np.zeros(shape, np.float32)
        self.lr = lr

    def step(self, param: np.ndarray, grad: np.ndarray, t: int, rows: np.ndarray | None = None) -> None:
        b1, b2 = 0.9, 0.999
        m = self.m if rows is None else self.m[rows]
        v = self.v if rows is None else self.v[rows]
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        update = self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
        if rows is None:
            self.m[...], self.v[...] = m, v
            param -= update
        else:
            self.m[rows], self.v[rows] = m, v
            param[rows] -= update


def fit(data: Data, vocab: np.ndarray, settings: Settings, seed: int, log=None, callback=None) -> Net:
    """A one-hidden-layer network with sigmoid outputs, by Adam on the cross-entropy."""
    rng = np.random.default_rng(seed)
    h, d, o = settings.hidden, data.dense.shape[1], data.y.shape[1]
    embed = rng.normal(0, 0.05, (len(vocab) + 1, h)).astype(np.float32)
    embed[0] = 0.0
    dense = (rng.normal(0, 1, (d, h)) / np.sqrt(d) * 0.5).astype(np.float32)
    bias = np.zeros(h, np.float32)
    out = (rng.normal(0, 1, (h, o)) / np.sqrt(h)).astype(np.float32)
    rate = np.clip(data.y.mean(axis=0), 1e-4, 1 - 1e-4)
    out_bias = np.log(rate / (1 - rate)).astype(np.float32)
    opt = {name: Adam(p.shape, settings.lr) for name, p in (("embed", embed), ("dense", dense), ("bias", bias), ("out", out), ("out_bias", out_bias))}
    t = 0
    for epoch in range(settings.epochs):
        perm = rng.permutation(data.n)
        loss = 0.0
        for s in range(0, data.n, settings.batch):
            batch = perm[s : s + settings.batch]
            lo, hi = data.indptr[batch], data.indptr[batch + 1]
            counts = hi - lo
            fixed = data.fixed[batch]
            local = np.concatenate([np.repeat(np.arange(len(batch)), fixed.shape[1]), np.repeat(np.arange(len(batch)), counts)])
            pos = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(counts.sum())
            ids = np.concatenate([fixed.ravel(), data.ids[pos]])
            x = data.dense[batch]
            pre = x @ dense + bias
            np.add.at(pre, local, embed[ids])
            hid = np.maximum(pre, 0.0)
            if settings.dropout > 0:
                keep = (rng.random(hid.shape) >= settings.dropout) / (1.0 - settings.dropout)
                hid *= keep
            z = hid @ out + out_bias
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            y = data.y[batch]
            loss -= float(np.sum(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9)))
            g = (p - y) / len(batch)
            dh = (g @ out.T) * (pre > 0)
            if settings.dropout > 0:
                dh *= keep
            t += 1
            opt["out"].step(out, hid.T @ g + settings.l2 * out, t)
            opt["out_bias"].step(out_bias, g.sum(axis=0), t)
            opt["dense"].step(dense, x.T @ dh + settings.l2 * dense, t)
            opt["bias"].step(bias, dh.sum(axis=0), t)
            uniq, inv = np.unique(ids, return_inverse=True)
            grad = np.zeros((len(uniq), h), np.float32)
            np.add.at(grad, inv, dh[local])
            keep = uniq > 0
            uniq, grad = uniq[keep], grad[keep]
            opt["embed"].step(embed, grad + settings.l2 * embed[uniq], t, rows=uniq)
        if log:
            log(f"    epoch {epoch + 1}: loss {loss / data.n:.4f}")
        if callback:
            callback(Net(vocab, embed, dense, bias, out, out_bias), epoch + 1)
    return Net(vocab, embed, dense, bias, out, out_bias)


def train(gold, docs, settings: Settings | None = None, log=None, meta: dict | None = None, rules=None) -> SpanModel:
    """A span model learned from these gold documents and their parses (tensors set, same order).

    ``rules``: what ``learn_cues.learn`` learned from the same documents (learned here when not given).
    """
    settings = settings or Settings()
    width = int(docs[0].tensor.shape[1]) if docs else 96
    t0 = time.perf_counter()
    rules = rules if rules is not None else learn(gold, docs)
    ex = every_example(gold, docs, width, rules)
    if log:
        log(f"  rule tables and examples of {len(gold)} articles  {time.perf_counter() - t0:.0f}s")
    return networks(ex, width, settings, log, meta, t0)


def every_example(gold, docs, width: int, rules) -> list[Examples]:
    """Each document's training rows, its rule frames found with tables learned without it."""
    return [examples(g, d, width, rules.cross_fitted(i)) for i, (g, d) in enumerate(zip(gold, docs))]


def networks(ex: list[Examples], width: int, settings: Settings, log=None, meta: dict | None = None,
             t0: float | None = None) -> SpanModel:
    """The two networks fitted on these examples, as a span model with its settings in ``meta``."""
    t0 = time.perf_counter() if t0 is None else t0
    cue_vocab = vocabulary([e.cue for e in ex], settings.min_count)
    pair_vocab = vocabulary([e.pair for e in ex], settings.min_count)
    cue_data = stack([e.cue for e in ex], [e.cue_y for e in ex], cue_vocab)
    pair_data = stack([e.pair for e in ex], [e.pair_y for e in ex], pair_vocab)
    if log:
        log(f"  {cue_data.n:,} cue rows ({int(cue_data.y.sum()):,} cues, {len(cue_vocab):,} features), "
            f"{pair_data.n:,} pair rows ({len(pair_vocab):,} features)  {time.perf_counter() - t0:.0f}s")
    cue_net = fit(cue_data, cue_vocab, settings, settings.seed, log)
    pair_net = fit(pair_data, pair_vocab, settings, settings.seed + 1, log)
    info = {
        "about": "quotetrack span model: cue and content/source networks, trained by benchmarks/train_spans.py",
        "tensor_width": width,
        "cue_floor": settings.cue_floor,
        "boundary_weight": settings.boundary_weight,
        "min_prior": settings.min_prior,
        "host_min_prior": settings.host_min_prior,
        "mixed_min_prior": settings.mixed_min_prior,
        "articles": len(ex),
        "cue_rows": cue_data.n,
        "pair_rows": pair_data.n,
        "settings": vars(settings),
    }
    info.update(meta or {})
    return SpanModel(cue_net, pair_net, info)


def learn_tables(gold, docs, settings: Settings | None = None, log=None, confidence=None) -> Tables:
    """Every learned table but the confidence cells, from these articles: the cue table, the
    frame model (``learn_cues.learn``) and the span model; ``confidence``: the cells to hold."""
    rules = learn(gold, docs)
    model = train(gold, docs, settings, log, rules=rules)
    return Tables(cue_frames=rules.table(), frame_model=rules.model, confidence=confidence or {}, span_model=model)


def main(argv: list[str] | None = None) -> int:
    from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, out_path, parsed_docs
    from threadpoolctl import threadpool_limits

    from quotetrack.evaluate import read_gold

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None,
                    help=f"where to write the model (default: the shipped {OUT.name}, not allowed with --limit)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    defaults = Settings()
    for name, value in vars(defaults).items():
        ap.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = ap.parse_args(argv)
    args.out = out_path(ap, args, OUT)
    settings = Settings(**{k: getattr(args, k) for k in vars(defaults)})

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    gold = read_gold(args.gold)[: args.limit]
    nlp, docs = parsed_docs(gold, args.cache)  # tensors set, as the pipeline's tok2vec sets them
    with threadpool_limits(1):
        model = train(gold, docs, settings, log, meta={"spacy_model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"})
    data = model.to_bytes()
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 2**20:.1f} MiB) in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
