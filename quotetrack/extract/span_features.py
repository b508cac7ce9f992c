"""Features of the learned span model, computed as numpy arrays (no Python loop per token).

Two kinds of rows, each a bag of hashed sparse features plus dense vectors from the
spaCy pipeline's own ``tok2vec`` (``doc.tensor``):

* a **token** row asks "is this token the head of a cue?" (``said``, ``according``,
  ``assertion``, ``afraid``, a headline's colon);
* a **pair** row asks, for a cue and a token of its sentence, "is the token part of the
  cue's content?" and "is it the head of the cue's source?". Its features say how the
  token hangs in the parse relative to the cue (under one of the cue's dependents, under
  the cue's head, …), which side and how far, and whether the cue's reporting frame
  (:mod:`quotetrack.extract.frames`) takes it as content.

A feature is a 64-bit key mixed from a template number and spaCy's string hashes, so the
same words give the same keys in every process and every spaCy load. Training
(``benchmarks/train_spans.py``) and extraction call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_SPACE, LEMMA, LOWER, POS, SENT_START, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc

from . import cues


def _lexicon() -> tuple[np.ndarray, np.ndarray]:
    """The hand word lists as (sorted lemma ids, class of each): a rare speech verb or statement noun
    is known by its class. A word in several lists keeps the last."""
    classes: dict[int, int] = {}
    for k, words in enumerate((cues.SPEECH_VERBS, cues.STATEMENT_NOUNS, cues.SOURCE_NOUNS | cues.HUMAN_NOUNS, cues.LEAD_IN_VERBS), 1):
        classes.update({get_string_id(w): k for w in words})
    ids = np.array(sorted(classes), dtype=np.uint64)
    return ids, np.array([classes[int(i)] for i in ids], dtype=np.uint64)


_LEXICON_IDS, _LEXICON_CLASSES = _lexicon()
_ATTRS = [LOWER, LEMMA, POS, TAG, DEP, HEAD, IDX, SENT_START, IS_SPACE, ENT_TYPE]
# Ancestors kept per token: enough for the deepest news sentences' paths to a cue.
DEPTH = 14
# A rule frame's prior enters as the band it falls in.
PRIOR_EDGES = np.array([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)


def mix(template: int, *parts: np.ndarray) -> np.ndarray:
    """One uint64 key per row from a template number and uint64 columns."""
    n = len(parts[0]) if parts else 1
    with np.errstate(over="ignore"):
        h = np.full(n, np.uint64(template + 1) * _GOLDEN, dtype=np.uint64)
        for p in parts:
            h = (h ^ np.asarray(p, dtype=np.uint64)) * _GOLDEN
            h ^= h >> _SHIFT
    return h


def mix_all(n: int, specs: list[tuple]) -> np.ndarray:
    """Keys of many templates at once: ``specs[k] = (template, *parts)`` gives column k of an (n, len(specs)) array.

    The same hash as :func:`mix` with the parts padded by zeros to the longest template:
    one pass per part over the whole array instead of a few numpy calls per template.
    """
    width = max(len(spec) - 1 for spec in specs)
    parts = np.zeros((width, n, len(specs)), dtype=np.uint64)
    for k, spec in enumerate(specs):
        for j, part in enumerate(spec[1:]):
            parts[j, :, k] = part
    with np.errstate(over="ignore"):
        h = np.broadcast_to((np.array([spec[0] for spec in specs], dtype=np.uint64) + np.uint64(1)) * _GOLDEN, (n, len(specs))).copy()
        for j in range(width):
            h ^= parts[j]
            h *= _GOLDEN
            h ^= h >> _SHIFT
    return h


def _u(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(np.uint64)


def _bucket(values: np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    return _u(np.searchsorted(np.asarray(edges), values, side="right"))


@dataclass
class Rows:
    """Features of a set of rows: ``fixed[i]`` the keys every row has (one per template),
    ``extra_keys[k]`` a key of row ``extra_rows[k]`` (sorted by row; a token's dependents),
    ``dense[i]`` the row's vectors."""

    fixed: np.ndarray  # (n, templates) uint64
    extra_rows: np.ndarray  # int64, ascending
    extra_keys: np.ndarray  # uint64
    dense: np.ndarray  # (n, width) float32

    @property
    def n(self) -> int:
        return len(self.fixed)

    @property
    def keys(self) -> np.ndarray:
        """Every key, fixed then extra (for counting a vocabulary)."""
        return np.concatenate([self.fixed.ravel(), self.extra_keys])


class DocArrays:
    """One document's parse as arrays: the columns both kinds of rows are built from.

    ``quoted``: the text's quotation mask (:func:`quotetrack.extract.marks.quoted_mask`);
    ``frames``: head token → construction of the reporting frame there (the cue frames'
    candidates); ``frame_tokens``: head token → the content of that frame as token ranges ``[lo, hi)``;
    ``frame_shapes``: head token → a description of the frame (content length, source, …);
    ``frame_priors``: head token → the frame's prior from the learned tables.
    """

    def __init__(
        self,
        doc: Doc,
        text: str,
        quoted: bytearray,
        frames: dict[int, str],
        frame_tokens: dict[int, list[tuple[int, int]]],
        frame_shapes: dict[int, str] | None = None,
        frame_priors: dict[int, float] | None = None,
    ):
        a = doc.to_array(_ATTRS)
        n = self.n = len(doc)
        self.lower, self.lemma, self.pos, self.tag, self.dep = (a[:, k] for k in range(5))
        self.ent = a[:, 9]
        self.index = np.arange(n, dtype=np.int64)
        self.head = self.index + a[:, 5].astype(np.int64)
        self.idx = a[:, 6].astype(np.int64)
        self.space = a[:, 8].astype(bool)
        starts = a[:, 7].astype(np.int64) == 1
        if n:
            starts[0] = True
        self.sent = np.cumsum(starts) - 1
        chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        newlines = np.flatnonzero(chars == 10)
        self.para = np.searchsorted(newlines, self.idx, side="right")
        mask = np.frombuffer(bytes(quoted), dtype=np.uint8) if len(quoted) else np.zeros(1, np.uint8)
        self.quoted = mask[np.minimum(self.idx, len(mask) - 1)].astype(np.uint64) if n else np.zeros(0, np.uint64)
        anc = np.empty((n, DEPTH), dtype=np.int64)
        step = self.head
        for k in range(DEPTH):
            anc[:, k] = step
            step = self.head[step]
        self.anc = anc
        self.is_root = self.head == self.index
        self.comma = np.cumsum(self.lower == np.uint64(get_string_id(",")))
        cons = np.zeros(n, dtype=np.uint64)
        for i, c in frames.items():
            cons[i] = get_string_id(c)
        self.frame = cons
        shape = np.zeros(n, dtype=np.uint64)
        for i, c in (frame_shapes or {}).items():
            shape[i] = get_string_id(c)
        self.frame_shape = shape
        prior = np.zeros(n, dtype=np.uint64)
        for i, p in (frame_priors or {}).items():
            prior[i] = 1 + int(np.searchsorted(PRIOR_EDGES, p, side="right"))
        self.frame_prior = prior
        at = np.minimum(np.searchsorted(_LEXICON_IDS, self.lemma), len(_LEXICON_IDS) - 1)
        self.lexicon = np.where(_LEXICON_IDS[at] == self.lemma, _LEXICON_CLASSES[at], np.uint64(0))
        # each head's content ranges as columns (empty ranges pad): a pair's test is a few comparisons,
        # and nothing grows with the contents' lengths (nested frames each hold the rest of the text)
        width = max((len(r) for r in frame_tokens.values()), default=0) or 1
        self.frame_lo = np.zeros((n, width), dtype=np.int64)
        self.frame_hi = np.zeros((n, width), dtype=np.int64)
        for h, ranges in frame_tokens.items():
            for j, (lo, hi) in enumerate(ranges):
                self.frame_lo[h, j], self.frame_hi[h, j] = lo, hi
        self.has_frame = np.zeros(n, dtype=bool)
        self.has_frame[list(frame_tokens)] = True
        tensor = doc.tensor
        self.tensor = tensor if tensor is not None and len(tensor) == n and tensor.ndim == 2 else None

    def shifted(self, column: np.ndarray, by: int) -> np.ndarray:
        """``column`` moved ``by`` places (token i gets token i - by's value), 0 past the edges."""
        out = np.zeros_like(column)
        if by > 0:
            out[by:] = column[:-by]
        elif by < 0:
            out[:by] = column[-by:]
        return out


def dense(arrays: DocArrays, tokens: np.ndarray, width: int) -> np.ndarray:
    if arrays.tensor is None or arrays.tensor.shape[1] != width:
        return np.zeros((len(tokens), width), dtype=np.float32)
    return np.asarray(arrays.tensor[tokens], dtype=np.float32)


# --- token rows: is this token a cue? --------------------------------------------


def cue_rows(arrays: DocArrays, tokens: np.ndarray, width: int) -> Rows:
    """Features of ``tokens`` as cue candidates."""
    x = arrays
    t = tokens
    h = x.head[t]
    prev1, next1 = x.shifted(x.lower, 1)[t], x.shifted(x.lower, -1)[t]
    prev_pos, next_pos = x.shifted(x.pos, 1)[t], x.shifted(x.pos, -1)[t]
    q = x.quoted
    near_before = np.maximum(x.shifted(q, 1), x.shifted(q, 2))[t]
    near_after = np.maximum(x.shifted(q, -1), x.shifted(q, -2))[t]
    one = [
        (1, x.lower[t]),
        (2, x.lemma[t]),
        (3, x.pos[t], x.dep[t]),
        (4, x.tag[t]),
        (5, x.lemma[t], x.pos[t]),
        (6, x.lemma[t], x.dep[t]),
        (7, x.dep[t], x.lemma[h]),
        (8, x.pos[t], x.dep[t], x.pos[h]),
        (9, prev1),
        (10, next1),
        (11, prev_pos, x.pos[t], next_pos),
        (12, x.ent[t], x.pos[t]),
        (13, q[t], near_before, near_after, x.pos[t]),
        (14, x.frame[t]),
        (15, x.frame[t], x.lemma[t]),
        (16, _u(x.is_root[t]), x.pos[t]),
        (17, x.lemma[t], next1),
        (18, prev1, x.lemma[t]),
        (19, x.frame_shape[t]),
        (25, x.frame_shape[t], x.lexicon[t]),
        (26, x.lexicon[t], x.pos[t], x.dep[t]),
        (29, x.frame_prior[t]),
        (49, x.frame_prior[t], x.frame[t]),
        (50, x.frame_prior[t], x.lemma[t]),
    ]
    fixed = mix_all(len(t), one)
    extra_rows, extra_keys = np.zeros(0, np.int64), np.zeros(0, np.uint64)
    # the token's dependents: "say" with a ccomp, "call" with a "for" phrase, a subject pronoun …
    where = np.full(x.n, -1, dtype=np.int64)
    where[t] = np.arange(len(t))
    child = x.index[~x.is_root]
    parent = x.head[child]
    row = where[parent]
    keep = row >= 0
    order = np.argsort(row[keep], kind="stable")
    child, parent, row = child[keep][order], parent[keep][order], row[keep][order]
    if len(child):
        kids = [
            (20, x.dep[child], x.pos[parent]),
            (21, x.dep[child], x.lemma[parent]),
            (22, x.dep[child], x.lower[child], x.lemma[parent]),
            (23, x.dep[child], x.pos[child], _u(child > parent)),
            (24, x.dep[child], x.lower[child]),
            (27, x.dep[child], x.ent[child], x.lexicon[parent]),
            (28, x.dep[child], x.lexicon[child], x.pos[parent]),
        ]
        extra_rows = np.repeat(row, len(kids))
        extra_keys = mix_all(len(child), kids).ravel()
    return Rows(fixed, extra_rows, extra_keys, dense(x, t, width))


# --- pair rows: is this token the cue's content, its source? --------------------------


def window(arrays: DocArrays, cue: int) -> np.ndarray:
    """The tokens a cue's content and source are looked for in: its sentence, within its paragraph, not spaces."""
    x = arrays
    same = (x.sent == x.sent[cue]) & (x.para == x.para[cue]) & ~x.space
    same[cue] = False
    return np.flatnonzero(same)


def _path_child(anc_rows: np.ndarray, tokens: np.ndarray, node: np.ndarray):
    """For each (token, node): is the token under node, and node's child on the way (the token itself when it is one)."""
    hit = anc_rows == node[:, None]
    under = hit.any(axis=1)
    k = hit.argmax(axis=1)
    prev = np.where(k > 0, anc_rows[np.arange(len(tokens)), np.maximum(k - 1, 0)], tokens)
    below = np.where(k > 1, anc_rows[np.arange(len(tokens)), np.maximum(k - 2, 0)], tokens)
    return under, prev, below, k


def pair_rows(arrays: DocArrays, cues: np.ndarray, tokens: np.ndarray, width: int) -> Rows:
    """Features of (cue, token) pairs; ``cues[k]`` and ``tokens[k]`` give pair k."""
    x = arrays
    c, t = cues, tokens
    n = len(t)
    anc = x.anc[t]
    hc = x.head[c]
    hhc = x.head[hc]
    in_c, child_c, below_c, depth_c = _path_child(anc, t, c)
    in_h, child_h, below_h, _ = _path_child(anc, t, hc)
    in_hh, child_hh, _, _ = _path_child(anc, t, hhc)
    is_h = (t == hc) & (hc != c)
    is_hh = (t == hhc) & (hhc != hc)
    # which relation: 1 under the cue, 2 the cue's head, 3 under the head, 4 the head's head, 5 under it, 0 elsewhere
    rel = np.zeros(n, dtype=np.int64)
    rel[in_h & (hc != c)] = 3
    rel[in_hh & (hhc != hc) & (rel == 0)] = 5
    rel[is_hh] = 4
    rel[is_h] = 2
    rel[in_c] = 1
    zero = np.zeros(n, dtype=np.uint64)
    branch = np.select(
        [rel == 1, rel == 3, rel == 5],
        [x.dep[child_c], x.dep[child_h], x.dep[child_hh]],
        zero,
    )
    branch2 = np.select([rel == 1, rel == 3], [x.dep[below_c], x.dep[below_h]], zero)
    branch_word = np.select([rel == 1, rel == 3], [x.lower[child_c], x.lower[child_h]], zero)
    up = np.select([rel >= 2], [x.dep[c]], zero)
    up2 = np.select([rel >= 4], [x.dep[hc]], zero)
    side = _u(np.sign(t - c) + 1)
    r = mix(30, _u(rel), branch, up, up2, side)
    dist = _bucket(np.abs(t - c), (2, 3, 4, 6, 9, 14, 20, 30))
    commas = _bucket(np.abs(x.comma[t] - x.comma[c]), (1, 2, 3))
    depth = _bucket(np.where(rel == 1, depth_c, 0), (1, 2, 3, 5))
    fr = x.frame[c]
    # 0: the cue heads no rule frame; 1: the token is outside its content; 2: inside
    inside = ((x.frame_lo[c] <= t[:, None]) & (t[:, None] < x.frame_hi[c])).any(axis=1)
    in_frame = np.where(x.has_frame[c], inside.astype(np.int64) + 1, 0).astype(np.uint64)
    feats = [
        (31, r, depth),
        (32, r, x.dep[t]),
        (33, r, x.pos[t]),
        (34, r, x.lemma[c]),
        (35, r, x.pos[c]),
        (36, _u(rel), branch, branch_word, side),
        (37, x.lower[t], side),
        (38, x.dep[t], x.pos[t], side),
        (39, dist, side),
        (40, commas, side),
        (41, x.quoted[t], x.quoted[c], _u(rel)),
        (42, fr, in_frame),
        (43, fr, in_frame, r),
        (44, _u(rel), branch, branch2, side),
        (45, x.dep[t], x.dep[x.head[t]], side),
        (46, x.lower[t], r),
        (47, x.lemma[c], in_frame, side),
        (48, dist, commas, side, _u(rel)),
        # the neighbours, for where a content starts and ends ("…, which", "that …")
        (51, x.shifted(x.lower, -1)[t], x.shifted(x.dep, -1)[t], side),
        (52, x.shifted(x.lower, 1)[t], x.shifted(x.dep, 1)[t], side),
    ]
    fixed = np.concatenate([r[:, None], mix_all(n, feats)], axis=1)
    dense_rows = np.concatenate([dense(x, t, width), dense(x, c, width)], axis=1) if n else np.zeros((0, 2 * width), np.float32)
    return Rows(fixed, np.zeros(0, np.int64), np.zeros(0, np.uint64), dense_rows)
