"""The learned span model's parts: key lookup, decoding, files, and its place in the tables.

The model's answers on sentences are pinned in ``test_learned_spans.py``; training in
``test_train_spans.py``.
"""

from __future__ import annotations

import pickle

import numpy as np

from quotetrack.extract.span_features import mix, mix_all
from quotetrack.extract.span_model import KeyTable, Net, SpanModel, best_bounded, best_stretch, decode
from quotetrack.extract.tables import BINARY_FILES, FILES, SPAN_MODEL, Tables


def _net(rng, vocab_size: int, dense: int, outputs: int) -> Net:
    vocab = np.unique(rng.integers(1, 2**63, vocab_size, dtype=np.uint64))
    return Net(
        vocab=vocab,
        embed=np.vstack([np.zeros((1, 4)), rng.normal(size=(len(vocab), 4))]).astype(np.float32),
        dense=rng.normal(size=(dense, 4)).astype(np.float32),
        bias=np.zeros(4, np.float32),
        out=rng.normal(size=(4, outputs)).astype(np.float32),
        out_bias=np.zeros(outputs, np.float32),
    )


def tiny_model(seed: int = 0) -> SpanModel:
    rng = np.random.default_rng(seed)
    return SpanModel(_net(rng, 50, 96, 1), _net(rng, 40, 192, 2), {"tensor_width": 96, "min_prior": 0.4})


def test_the_key_table_finds_what_a_binary_search_finds():
    rng = np.random.default_rng(3)
    vocab = np.unique(rng.integers(1, 2**63, 5000, dtype=np.uint64))
    table = KeyTable(vocab)
    known = vocab[rng.integers(0, len(vocab), 3000)]
    unknown = rng.integers(1, 2**63, 1000, dtype=np.uint64)
    keys = np.concatenate([known, unknown])
    pos = np.minimum(np.searchsorted(vocab, keys), len(vocab) - 1)
    expected = np.where(vocab[pos] == keys, pos + 1, 0)
    assert (table.find(keys) == expected).all()
    assert (table.find(known) > 0).all()
    assert (KeyTable(vocab[:0]).find(keys) == 0).all()  # an empty vocabulary knows nothing


def test_keys_of_many_templates_at_once_are_keys_of_each():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 2**63, 7, dtype=np.uint64), rng.integers(0, 2**63, 7, dtype=np.uint64)
    both = mix_all(7, [(3, a, b), (4, a, b)])
    assert (both[:, 0] == mix(3, a, b)).all() and (both[:, 1] == mix(4, a, b)).all()
    assert len(set(both[:, 0]) & set(both[:, 1])) == 0  # another template, other keys


def test_the_best_stretch_is_the_highest_sum():
    assert best_stretch(np.array([-1.0, 2.0, 3.0, -10.0, 4.0])) == (1, 3, 5.0)
    assert best_stretch(np.array([-1.0, -2.0]))[2] == 0.0  # nothing worth keeping
    assert best_stretch(np.array([2.0, -1.0, 2.0])) == (0, 3, 3.0)  # a small dip inside a content is kept


def test_decode_cuts_one_piece_on_each_side_of_the_cue():
    tokens = np.array([0, 1, 2, 4, 5, 6, 7])  # the cue is token 3
    logits = np.array([2.0, 2.0, -5.0, -3.0, 1.0, 1.0, -1.0])  # "A B , [said] X C D ."
    assert decode(3, tokens, logits) == [(0, 2), (5, 7)]
    assert decode(3, tokens, np.full(7, -1.0)) == []  # no content: no quote


def test_the_bounded_stretch_is_the_best_of_every_stretch():
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(1, 10))
        z, starts, ends = rng.normal(0, 2, n), rng.normal(-2, 2, n), rng.normal(-2, 2, n)
        weight = float(rng.choice([0.5, 1.0, 3.0]))
        best = max(z[i:j].sum() + weight * (starts[i] + ends[j - 1]) for i in range(n) for j in range(i + 1, n + 1))
        i, j, total = best_bounded(z, starts, ends, weight)
        assert abs(z[i:j].sum() + weight * (starts[i] + ends[j - 1]) - best) < 1e-9
        assert abs(total - z[i:j].sum()) < 1e-9  # what is returned is the content's own score


def test_start_and_end_scores_move_where_a_content_stops():
    # "[said] it was over on Monday at the hall ." : the content scores alone run on to "hall",
    # the end scores say the content ends at "over"
    tokens = np.arange(1, 10)
    logits = np.array([3.0, 3.0, 3.0, 0.2, 0.2, 0.2, 0.2, 0.2, -4.0])
    starts = np.array([4.0, -6, -6, -6, -6, -6, -6, -6, -6])
    ends = np.array([-6.0, -6, 3.0, -6, -6, -6, -6, -4.0, -6])
    assert decode(0, tokens, logits) == [(1, 9)]
    assert decode(0, tokens, logits, (starts, ends), 3.0) == [(1, 4)]
    # a side whose best-bounded stretch scores nothing as content is still no content, but
    # the stretch is kept as doubtful (a content when the parse cuts exactly there)
    doubtful = []
    assert decode(0, tokens, np.full(9, -1.0), (starts, ends), 3.0, doubtful) == []
    assert doubtful == [(1, 4)]


def test_a_model_without_start_and_end_outputs_cuts_by_content_alone():
    model = tiny_model()
    model.meta["boundary_weight"] = 3.0
    assert model.boundary_weight == 0.0  # its pair network has two outputs: content and source
    rng = np.random.default_rng(2)
    model.pair = _net(rng, 40, 192, 4)
    assert model.boundary_weight == 3.0


def test_a_model_round_trips_through_bytes_and_pickle():
    model = tiny_model()
    back = SpanModel.from_bytes(model.to_bytes())
    assert back.meta == model.meta and back.to_bytes() == model.to_bytes()
    again = pickle.loads(pickle.dumps(model))
    assert again.to_bytes() == model.to_bytes()


def test_tables_carry_the_span_model_to_a_folder_and_back(tmp_path):
    tables = Tables(span_model=tiny_model())
    tables.to_disk(tmp_path / "t")
    assert {p.name for p in (tmp_path / "t").iterdir()} == set(FILES) | set(BINARY_FILES)
    back = Tables().from_disk(tmp_path / "t")
    assert back.span_model is not None and back.span_model.to_bytes() == tables.span_model.to_bytes()
    assert Tables().from_bytes(tables.to_bytes()).span_model.to_bytes() == tables.span_model.to_bytes()
    # a folder without the model file gives tables without a model, like any missing table
    (tmp_path / "t" / SPAN_MODEL).unlink()
    assert Tables(span_model=tiny_model()).from_disk(tmp_path / "t").span_model is None
    # an unreadable model file is no model, not a crash
    (tmp_path / "t" / SPAN_MODEL).write_bytes(b"not a model")
    assert Tables.read(tmp_path / "t").span_model is None
