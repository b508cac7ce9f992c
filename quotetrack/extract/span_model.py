"""The learned span model: which tokens are cues, and which words are each cue's content and source.

Two small networks read the features of :mod:`quotetrack.extract.span_features` (hashed
sparse features summed into a hidden layer, plus the pipeline's ``doc.tensor``): one
scores every token as the head of a cue, the other scores, for a cue, each token of its
sentence as content, as the head of the source, and as where the content on its side of
the cue starts and where it ends. A cue's content is the best-scoring stretch of tokens on
each side of it (its tokens' content log-odds plus, weighted, its first token's start
score and its last token's end score; a stretch is kept when its content log-odds sum
above zero), so ``A, X said, B`` gives two pieces and a content can stop before a
relative clause or a conjunct wherever the annotators' habits say.

Trained by ``benchmarks/train_spans.py`` on PolNeAR train; shipped as
``quotetrack/extract/data/span_model.npz``. Inference is a few matrix products per
document.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import numpy as np
from spacy.strings import get_string_id

from .coref_scorer import OneBlasThread
from .span_features import DocArrays, Rows, cue_rows, pair_rows, window

# Tokens that may head a cue: verbs and auxiliaries ("said", "according", "is afraid"), a
# headline's colon, and nouns and adjectives with a dependent that could carry the content
# or the source ("his assertion that …", "claims of …", "afraid that …"). On PolNeAR train
# these hold 97 % of the annotated cues' heads (19,325 of 19,830) and 23 % of the tokens;
# the rest are never scored.
CUE_POS = frozenset({"VERB", "AUX"})
CUE_PUNCT = frozenset({":"})
NOMINAL_POS = frozenset({"NOUN", "PROPN", "ADJ"})
NOMINAL_CHILD_DEPS = frozenset(
    {"prep", "acl", "ccomp", "relcl", "poss", "xcomp", "advcl", "appos", "mark", "nsubj", "pobj", "dobj", "attr", "csubj",
     "auxpass", "aux", "agent", "oprd", "dative", "acomp"}
)


def _hashes(words) -> np.ndarray:
    return np.array(sorted(get_string_id(w) for w in words), dtype=np.uint64)


_CUE_POS, _CUE_PUNCT, _NOMINAL_POS, _NOMINAL_CHILD_DEPS = map(_hashes, (CUE_POS, CUE_PUNCT, NOMINAL_POS, NOMINAL_CHILD_DEPS))


def cue_candidates(arrays: DocArrays) -> np.ndarray:
    """Tokens the cue network scores (see :data:`CUE_POS`)."""
    x = arrays
    governs = np.zeros(x.n, dtype=bool)
    kids = np.flatnonzero(~x.is_root & np.isin(x.dep, _NOMINAL_CHILD_DEPS))
    governs[x.head[kids]] = True
    keep = np.isin(x.pos, _CUE_POS) | np.isin(x.lower, _CUE_PUNCT) | (np.isin(x.pos, _NOMINAL_POS) & governs)
    return np.flatnonzero(keep & ~x.space)


class KeyTable:
    """An open-addressing hash table from 64-bit keys to their place in a sorted vocabulary.

    A lookup is a few vectorised probes instead of a binary search per key (the keys are
    already well-mixed hashes, so their top bits pick the slot).
    """

    def __init__(self, vocab: np.ndarray):
        self.vocab = np.append(vocab, np.uint64(0))  # the last entry never matches (no key is 0)
        bits = max(4, int(np.ceil(np.log2(max(1, len(vocab)) * 4))))
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        slots = np.full(1 << bits, len(vocab), dtype=np.int64)
        todo = np.arange(len(vocab))
        home = (vocab >> self.shift).astype(np.int64)
        probe = 0
        while len(todo):
            want = (home[todo] + probe) & self.mask
            free = slots[want] == len(vocab)
            # of several keys wanting one free slot, the first takes it; the rest probe on
            _, first = np.unique(want[free], return_index=True)
            taken = np.flatnonzero(free)[first]
            slots[want[taken]] = todo[taken]
            todo = np.delete(todo, taken)
            probe += 1
        self.slots = slots
        self.probes = probe

    def find(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.uint64)
        home = (keys >> self.shift).astype(np.int64)
        out = np.zeros(len(keys), dtype=np.int64)
        pending = np.arange(len(keys))
        empty = len(self.vocab) - 1
        for probe in range(self.probes):
            idx = self.slots[(home[pending] + probe) & self.mask]
            hit = self.vocab[idx] == keys[pending]
            out[pending[hit]] = idx[hit] + 1
            pending = pending[~hit & (idx != empty)]  # an empty slot ends the search
            if not len(pending):
                break
        return out


@dataclass
class Net:
    """One network: sparse feature vocabulary → embedding rows, dense input weights, output layer."""

    vocab: np.ndarray  # sorted uint64 keys; row k + 1 of ``embed`` is key k's, row 0 the unknown key (zeros)
    embed: np.ndarray  # (len(vocab) + 1, hidden)
    dense: np.ndarray  # (dense width, hidden)
    bias: np.ndarray  # (hidden,)
    out: np.ndarray  # (hidden, outputs)
    out_bias: np.ndarray  # (outputs,)

    _table: KeyTable | None = field(default=None, init=False, repr=False, compare=False)

    def ids(self, keys: np.ndarray) -> np.ndarray:
        """Row of ``embed`` for each key: its place in the vocabulary plus one, 0 for an unknown key."""
        if self._table is None:
            self._table = KeyTable(self.vocab)
        return self._table.find(keys)

    def hidden(self, rows: Rows) -> np.ndarray:
        pre = rows.dense @ self.dense + self.bias
        pre += self.embed[self.ids(rows.fixed.ravel())].reshape(rows.n, -1, self.embed.shape[1]).sum(axis=1)
        if len(rows.extra_rows):
            # extras are sorted by row: sum each row's run at once
            starts = np.flatnonzero(np.r_[True, rows.extra_rows[1:] != rows.extra_rows[:-1]])
            pre[rows.extra_rows[starts]] += np.add.reduceat(self.embed[self.ids(rows.extra_keys)], starts, axis=0)
        return np.maximum(pre, 0.0, out=pre)

    def logits(self, rows: Rows) -> np.ndarray:
        if rows.n == 0:
            return np.zeros((0, self.out.shape[1]), dtype=np.float32)
        return self.hidden(rows) @ self.out + self.out_bias

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}.vocab": self.vocab,
            f"{prefix}.embed": self.embed.astype(np.float16),
            f"{prefix}.dense": self.dense.astype(np.float16),
            f"{prefix}.bias": self.bias,
            f"{prefix}.out": self.out,
            f"{prefix}.out_bias": self.out_bias,
        }

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Net:
        get = lambda name: data[f"{prefix}.{name}"]  # noqa: E731
        return cls(
            vocab=np.asarray(get("vocab"), dtype=np.uint64),
            embed=np.asarray(get("embed"), dtype=np.float32),
            dense=np.asarray(get("dense"), dtype=np.float32),
            bias=np.asarray(get("bias"), dtype=np.float32),
            out=np.asarray(get("out"), dtype=np.float32),
            out_bias=np.asarray(get("out_bias"), dtype=np.float32),
        )


@dataclass
class Prediction:
    """A cue the model found: its head token, probability, content pieces (token ranges) and source head."""

    head: int
    probability: float
    pieces: list[tuple[int, int]]  # token index ranges [i, j)
    source: int | None
    source_score: float
    # stretches the start and end scores chose but the content scores did not carry (token
    # ranges): a content only when the parse's rule frame cuts exactly there (learned._frame)
    doubtful: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SpanModel:
    """The cue network, the pair network and what they were trained with (``meta``)."""

    cue: Net
    pair: Net
    meta: dict
    # one BLAS thread while the small products run (made where the model is used, never pickled)
    _blas: OneBlasThread | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {"cue": self.cue, "pair": self.pair, "meta": self.meta}

    def __setstate__(self, state: dict) -> None:
        self.cue, self.pair, self.meta, self._blas = state["cue"], state["pair"], state["meta"], None

    @property
    def width(self) -> int:
        return int(self.meta["tensor_width"])

    @property
    def boundary_weight(self) -> float:
        """How much the pair network's start and end scores move a content's edges (0: the best
        stretch by content scores alone; models trained without the two outputs always 0)."""
        return float(self.meta.get("boundary_weight", 0.0)) if self.pair.out.shape[1] >= 4 else 0.0

    @property
    def cue_floor(self) -> float:
        """Cues scored below this are not looked at further."""
        return float(self.meta.get("cue_floor", 0.05))

    def fits(self, doc) -> bool:
        """True when ``doc.tensor`` is the tok2vec output the model was trained on (its width)."""
        tensor = doc.tensor
        return tensor is not None and tensor.ndim == 2 and len(tensor) == len(doc) and tensor.shape[1] == self.width

    # --- inference -------------------------------------------------------------

    def cue_probabilities(self, arrays: DocArrays, tokens: np.ndarray) -> np.ndarray:
        z = self.cue.logits(cue_rows(arrays, tokens, self.width))[:, 0]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def predict(self, doc, arrays: DocArrays) -> list[Prediction]:
        """Every cue scoring at least :attr:`cue_floor`, with its content and source."""
        if self._blas is None:
            self._blas = OneBlasThread()
        with self._blas():
            return self._predict(doc, arrays)

    def _predict(self, doc, arrays: DocArrays) -> list[Prediction]:
        tokens = cue_candidates(arrays)
        if not len(tokens):
            return []
        p = self.cue_probabilities(arrays, tokens)
        heads = tokens[p >= self.cue_floor]
        probs = p[p >= self.cue_floor]
        if not len(heads):
            return []
        wins = [window(arrays, int(h)) for h in heads]
        cue_col = np.concatenate([np.full(len(w), h, dtype=np.int64) for h, w in zip(heads, wins)])
        tok_col = np.concatenate(wins) if wins else np.zeros(0, np.int64)
        z = self.pair.logits(pair_rows(arrays, cue_col, tok_col, self.width))
        out = []
        k = 0
        for h, w, pr in zip(heads, wins, probs):
            zc, zs = z[k : k + len(w), 0], z[k : k + len(w), 1]
            edges = (z[k : k + len(w), 2], z[k : k + len(w), 3]) if self.boundary_weight else None
            k += len(w)
            doubtful: list[tuple[int, int]] = []
            pieces = decode(int(h), w, zc, edges, self.boundary_weight, doubtful)
            src, score = (int(w[np.argmax(zs)]), float(zs.max())) if len(w) else (None, -30.0)
            if score < 0:
                src = None
            out.append(Prediction(int(h), float(pr), pieces, src, score, doubtful))
        return out

    # --- files -------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        meta = np.frombuffer(json.dumps(self.meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(buf, meta=meta, **self.cue.arrays("cue"), **self.pair.arrays("pair"))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SpanModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            return cls(cue=Net.from_arrays(z, "cue"), pair=Net.from_arrays(z, "pair"), meta=meta)


def best_stretch(scores: np.ndarray) -> tuple[int, int, float]:
    """The contiguous stretch [i, j) with the highest sum (Kadane); (0, 0, 0.0) when every score is negative."""
    best, best_i, best_j = 0.0, 0, 0
    run, run_i = 0.0, 0
    for j, s in enumerate(scores.tolist()):
        if run <= 0.0:
            run, run_i = 0.0, j
        run += s
        if run > best:
            best, best_i, best_j = run, run_i, j + 1
    return best_i, best_j, best


def best_bounded(scores: np.ndarray, starts: np.ndarray, ends: np.ndarray, weight: float) -> tuple[int, int, float]:
    """The stretch [i, j) maximising its scores' sum plus ``weight`` times the start score of
    token i and the end score of token j - 1; returned with its scores' sum alone (whether
    to keep it is still decided by that sum).

    One pass: for each end j, the best start is the best of weight * starts[i] - prefix[i]
    over i <= j. Plain Python, as :func:`best_stretch`: a side of a sentence is a few dozen
    tokens, where numpy's per-call cost is more than the work.
    """
    s, a, b = scores.tolist(), starts.tolist(), ends.tolist()
    best, best_i, best_j = float("-inf"), 0, 0
    prefix, opening, open_i = 0.0, float("-inf"), 0
    for j, score in enumerate(s):
        here = weight * a[j] - prefix
        if here > opening:
            opening, open_i = here, j
        prefix += score
        total = prefix + weight * b[j] + opening
        if total > best:
            best, best_i, best_j = total, open_i, j + 1
    return best_i, best_j, float(sum(s[best_i:best_j]))


def decode(head: int, tokens: np.ndarray, logits: np.ndarray, edges: tuple[np.ndarray, np.ndarray] | None = None,
           weight: float = 0.0, doubtful: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Content pieces as token ranges: the best stretch left of the cue and the best right of it
    (with ``edges``, the pair network's start and end scores, weighted in; a stretch they
    chose whose content scores sum to nothing goes to ``doubtful``)."""
    out = []
    for side in (tokens < head, tokens > head):
        idx = np.flatnonzero(side)
        if not len(idx):
            continue
        if edges is not None and weight:
            i, j, total = best_bounded(logits[idx], edges[0][idx], edges[1][idx], weight)
        else:
            i, j, total = best_stretch(logits[idx])
        if j > i and total > 0.0:
            out.append((int(tokens[idx[i]]), int(tokens[idx[j - 1]]) + 1))
        elif j > i and doubtful is not None and edges is not None and weight:
            doubtful.append((int(tokens[idx[i]]), int(tokens[idx[j - 1]]) + 1))
    return out
