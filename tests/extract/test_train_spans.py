"""The span model's training script on a tiny slice: three annotated articles written for this test.

Checks the plumbing, not the accuracy: that ``benchmarks/train_spans.py`` learns from brat
gold in seconds, writes a model file that loads, that the loaded model predicts on a
parsed document, and that training is reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from quotetrack.evaluate.gold import build_document
from quotetrack.extract.learned import doc_arrays
from quotetrack.extract.span_model import SpanModel
from quotetrack.extract.tables import Tables

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import train_spans  # noqa: E402

ARTICLES = [
    (
        "Mayor Ann Lee said the bridge would reopen in May. Critics argued that the repairs came too late.\n",
        [("Source", "Mayor Ann Lee"), ("Cue", "said"), ("Content", "the bridge would reopen in May"),
         ("Source", "Critics"), ("Cue", "argued"), ("Content", "that the repairs came too late")],
    ),
    (
        "The council, according to its chairman, will vote on Tuesday. “We are ready,” Tom Hart told reporters.\n",
        [("Source", "its chairman"), ("Cue", "according to"), ("Content", "will vote on Tuesday"),
         ("Source", "Tom Hart"), ("Cue", "told"), ("Content", "We are ready")],
    ),
    (
        "Governor Ruiz warned that the budget was at risk. She added that taxes would not rise.\n",
        [("Source", "Governor Ruiz"), ("Cue", "warned"), ("Content", "that the budget was at risk"),
         ("Source", "She"), ("Cue", "added"), ("Content", "that taxes would not rise")],
    ),
]


def _brat(text: str, spans: list[tuple[str, str]]) -> str:
    """Brat standoff for (label, words) triples of Source, Cue, Content, each words' first place in the text."""
    lines, relations = [], []
    for k, (label, words) in enumerate(spans, start=1):
        start = text.index(words)
        lines.append(f"T{k}\t{label} {start} {start + len(words)}\t{words}")
    for r in range(0, len(spans), 3):
        relations.append(f"E{r // 3 + 1}\tAttribution:T{r + 2} Source:T{r + 1} Cue:T{r + 2} Content:T{r + 3}")
    return "\n".join(lines + relations) + "\n"


@pytest.fixture(scope="module")
def slice_(nlp, tmp_path_factory):
    gold = [
        build_document(f"a{i}", text, _brat(text, spans), tmp_path_factory.mktemp("ann") / f"a{i}_x.ann")
        for i, (text, spans) in enumerate(ARTICLES)
    ]
    with nlp.select_pipes(disable=["quotetrack"]):
        docs = [nlp(g.text) for g in gold]
    return gold, docs


SMALL = train_spans.Settings(hidden=8, epochs=2, min_count=1, batch=16)


def test_training_on_three_articles_writes_a_model_that_loads_and_predicts(slice_, tmp_path):
    gold, docs = slice_
    assert all(len(g.attributions) == 2 for g in gold)
    model = train_spans.train(gold, docs, SMALL)
    assert model.meta["articles"] == 3 and model.meta["tensor_width"] == docs[0].tensor.shape[1]
    # the pair network scores content, source, and where each side's content starts and ends
    assert model.pair.out.shape[1] == 4 and model.boundary_weight == SMALL.boundary_weight
    path = tmp_path / "span_model.npz"
    path.write_bytes(model.to_bytes())
    loaded = SpanModel.from_bytes(path.read_bytes())
    doc = docs[0]
    assert loaded.fits(doc)
    from quotetrack.extract.doc_index import DocIndex
    from quotetrack.extract.frames import find_frames
    from quotetrack.extract.marks import find_marked, quoted_mask

    ix = DocIndex(doc)
    arrays = doc_arrays(ix, quoted_mask(ix.text, find_marked(ix.text)), find_frames(ix, Tables(), min_prior=-1.0))
    tokens = train_spans.cue_candidates(arrays)
    probabilities = loaded.cue_probabilities(arrays, tokens)
    assert len(probabilities) == len(tokens) > 0 and ((0 <= probabilities) & (probabilities <= 1)).all()
    # the loaded model answers as the trained one does (its weights are stored in half precision)
    assert abs(probabilities - model.cue_probabilities(arrays, tokens)).max() < 0.01
    # a component holding it runs on a new document
    tables = Tables(span_model=loaded)
    from quotetrack.extract.attribution import attribute
    from quotetrack.extract.quotes import find_candidates

    quotes = attribute(doc, find_candidates(doc, tables), tables)
    assert all(q.text == doc.text[q.start : q.end] for q in quotes)


def test_training_is_reproducible(slice_):
    gold, docs = slice_
    assert train_spans.train(gold, docs, SMALL).to_bytes() == train_spans.train(gold, docs, SMALL).to_bytes()


def test_the_sweep_caches_a_folds_examples_and_refits_the_same_networks_from_them(slice_, tmp_path):
    import span_sweep

    gold, docs = slice_
    path = tmp_path / "fold.pkl"
    built = span_sweep.fold_examples(gold, docs, [0, 1, 2], path, lambda msg: None)
    assert path.exists()
    cached = span_sweep.fold_examples(gold, docs, [0, 1, 2], path, lambda msg: None)
    model = train_spans.networks(built[3], built[2], SMALL)
    assert model.to_bytes() == train_spans.networks(cached[3], cached[2], SMALL).to_bytes()
    assert model.pair.out.shape[1] == 4 and model.boundary_weight == SMALL.boundary_weight
    # the cache is keyed by the articles (and the code that builds the examples)
    assert span_sweep.code_key(["a0", "a1"]) != span_sweep.code_key(["a0"])


@pytest.mark.parametrize("script", ["fit_confidence", "train_spans"])
def test_a_smoke_run_on_a_slice_never_replaces_the_shipped_file(script, capsys):
    import importlib

    module = importlib.import_module(script)
    before = module.OUT.read_bytes()
    with pytest.raises(SystemExit) as stop:
        module.main(["--limit", "3"])
    assert stop.value.code == 2
    assert "--limit needs --out" in capsys.readouterr().err
    assert module.OUT.read_bytes() == before
