"""The learned tables belong to the component: saved and loaded with the pipeline, never module state."""

from __future__ import annotations

import functools
import importlib
import json
import pickle
import pkgutil
from pathlib import Path
from weakref import WeakKeyDictionary

import spacy

import quotetrack.extract
from quotetrack.extract import tables as tables_module
from quotetrack.extract.component import QuoteTracker
from quotetrack.extract.span_model import SpanModel
from quotetrack.extract.tables import BINARY_FILES, CONFIDENCE, CUE_FRAMES, FILES, FRAME_MODEL, SPAN_MODEL, Tables

DATA = Path(quotetrack.extract.__file__).parent / "data"
ARTICLE = (
    "At the assembly, Secretary-General Jens Stoltenberg warned of consequences. "
    "“Russia is responsible for aggressive actions against its neighbors,” he stated at the convention.\n"
    "Officials said the talks would resume on Monday, according to the ministry.\n"
    "“We will win this vote tonight, no doubt about it,” Ann Lee said."
)


def _key(quotes):
    return [(q.kind, q.start, q.end, q.speaker, q.method, q.confidence) for q in quotes]


def test_the_shipped_tables_write_back_the_files_they_were_read_from():
    shipped = Tables.shipped()
    assert shipped.cue_frames and shipped.frame_model and shipped.confidence
    assert shipped.texts() == {name: (DATA / name).read_text(encoding="utf-8") for name in FILES}


def test_tables_round_trip_through_bytes_and_a_folder(tmp_path):
    shipped = Tables.shipped()
    assert Tables().from_bytes(shipped.to_bytes()).texts() == shipped.texts()
    shipped.to_disk(tmp_path / "t")
    assert Tables().from_disk(tmp_path / "t").texts() == shipped.texts()
    # an excluded table is not read: the one already held stays
    kept = Tables().from_disk(tmp_path / "t", exclude=["confidence"])
    assert kept.cue_frames == shipped.cue_frames and kept.confidence == {}


def test_unreadable_files_give_empty_tables(tmp_path):
    (tmp_path / CUE_FRAMES).write_text("not a table\n", encoding="utf-8")
    (tmp_path / FRAME_MODEL).write_text("{", encoding="utf-8")
    empty = Tables.read(tmp_path)  # confidence.tsv is missing altogether
    assert empty.cue_frames == {} and empty.frame_model is None and empty.confidence == {}
    assert empty.frame_probability({"key": 1.0}) is None


def test_the_tables_travel_with_the_pipeline(nlp, tmp_path):
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    assert {p.name for p in (saved / "quotetrack").iterdir()} == set(FILES) | set(BINARY_FILES)
    loaded = spacy.load(saved)
    assert loaded.get_pipe("quotetrack").tables.texts() == nlp.get_pipe("quotetrack").tables.texts()
    assert loaded.get_pipe("quotetrack").tables.contents() == nlp.get_pipe("quotetrack").tables.contents()  # the span model too
    expected = _key(nlp(ARTICLE)._.quotes)
    assert any(kind == "indirect" for kind, *_ in expected)
    assert _key(loaded(ARTICLE)._.quotes) == expected


def test_a_changed_table_in_the_saved_folder_changes_the_loaded_pipeline(nlp, tmp_path):
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    model = json.loads((saved / "quotetrack" / FRAME_MODEL).read_text(encoding="utf-8"))
    model["bias"] = -30.0  # no frame is an attribution any more
    (saved / "quotetrack" / FRAME_MODEL).write_text(json.dumps(model), encoding="utf-8")
    span = SpanModel.from_bytes((saved / "quotetrack" / SPAN_MODEL).read_bytes())
    span.cue.out_bias[:] = -30.0  # nor is any word a cue for the span model
    (saved / "quotetrack" / SPAN_MODEL).write_bytes(span.to_bytes())
    (saved / "quotetrack" / CONFIDENCE).write_text("kind\tconstruction\tmethod\tband\tn\tright\taccuracy\n", encoding="utf-8")
    quotes = spacy.load(saved)(ARTICLE)._.quotes
    assert [q.kind for q in quotes] == ["direct", "direct"]  # the indirect ones came from frames
    assert {q.confidence for q in quotes} == {0.75}  # the hand-set prior for direct quotes, without cells
    assert _key(nlp(ARTICLE)._.quotes) != _key(quotes)  # the package's tables are untouched


def test_two_components_with_different_tables_in_one_process(nlp):
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(ARTICLE)
    shipped = QuoteTracker(nlp, "shipped", "off")
    bare = QuoteTracker(nlp, "bare", "off", tables=Tables())
    before = _key(shipped(doc)._.quotes)
    assert _key(bare(doc)._.quotes) != before
    assert _key(shipped(doc)._.quotes) == before


def test_a_pickled_component_keeps_its_tables(nlp):
    tables = Tables.shipped()
    tables = Tables(cue_frames=dict(list(tables.cue_frames.items())[:10]), frame_model=None, confidence=tables.confidence)
    tracker = QuoteTracker(nlp, "qt", "off", tables=tables)
    back = pickle.loads(pickle.dumps(tracker))
    assert back.tables.texts() == tables.texts() and back.coref_mode == "off"


def test_no_module_of_extract_holds_learned_or_per_document_state():
    for info in pkgutil.iter_modules(quotetrack.extract.__path__):
        module = importlib.import_module(f"quotetrack.extract.{info.name}")
        for name, value in vars(module).items():
            if getattr(value, "__module__", module.__name__) != module.__name__:
                continue  # imported from another wing (names' memoised parsers are pure functions)
            assert not isinstance(value, (Tables, WeakKeyDictionary, functools._lru_cache_wrapper)), f"{info.name}.{name}"
    assert tables_module.Tables.shipped() is not tables_module.Tables.shipped()  # read for each component, not cached
