"""Property-based tests: for any text, extraction never raises and its offsets hold.

Texts come from ``strategies.py``: quotation marks of every kind, balanced
or not, nested, across paragraphs, mixed with speech verbs, names and odd
Unicode. The fast character-level mark finder gets many examples, the full
pipeline (parse, coreference, attribution) fewer. The profile is chosen in
conftest.py: derandomized on CI, so a CI failure reproduces.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import jsonschema
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrack.domain import Document
from quotetrack.extract.marks import find_marked, strip_marks
from quotetrack.store import Store, export
from quotetrack.text import paragraphs
from tests.support.invariants import check_marked, check_quotes
from tests.support.strategies import any_text, news_text

pipeline_settings = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@given(any_text)
@settings(max_examples=400)
def test_marks_never_raise_and_spans_are_consistent(text):
    spans = find_marked(text)
    check_marked(text, spans)
    assert find_marked(text) == spans


@given(any_text, st.data())
@settings(max_examples=150)
def test_marks_in_a_window_are_the_marks_of_its_paragraphs(text, data):
    """find_marked(text, a, b) sees exactly the paragraphs of text[a:b]."""
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    spans = find_marked(text, a, b)
    check_marked(text, spans)
    assert all(a <= m.open_start and m.close_end <= b for m in spans)


@given(any_text)
def test_paragraphs_and_strip_marks_stay_in_range(text):
    for start, end in paragraphs(text):
        assert 0 <= start < end <= len(text) and "\n" not in text[start:end] and text[start:end].strip()
    s, e = strip_marks(text, 0, len(text))
    assert 0 <= s <= e <= len(text)


@given(news_text())
@pipeline_settings
def test_pipeline_never_raises_offsets_hold_and_is_deterministic(nlp, text):
    quotes = nlp(text)._.quotes
    check_quotes(text, quotes)
    assert nlp(text)._.quotes == quotes


@given(any_text)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_pipeline_on_arbitrary_unicode(nlp, text):
    check_quotes(text, nlp(text)._.quotes)


@given(news_text())
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_stored_and_exported_quotes_round_trip_as_valid_json(nlp, text):
    """Whatever the text, the export is valid JSON, valid against the schema, offsets intact."""
    quotes = nlp(text)._.quotes
    with tempfile.TemporaryDirectory() as tmp:
        db = Store(Path(tmp) / "q.db")
        db.save_document(Document("doc", text, "doc.txt"), quotes, "test")
        stored = db.document_text("doc")
        for fmt in ("json", "jsonl"):
            db.write_export(Path(tmp) / f"out.{fmt}", fmt)
        data = orjson.loads((Path(tmp) / "out.json").read_bytes())
        lines = (Path(tmp) / "out.jsonl").read_bytes().splitlines()
        db.close()
    assert stored == text
    jsonschema.validate(data, export.schema())
    assert [orjson.loads(line) for line in lines] == data["quotes"]
    assert len(data["quotes"]) == len({(q.start, q.end) for q in quotes})
    for q in data["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]
