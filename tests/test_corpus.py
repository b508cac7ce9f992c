"""The library object, used from Python as the README shows it."""

from __future__ import annotations

import orjson
import pytest

from quotetrack import Corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir, nlp):
    work = tmp_path_factory.mktemp("corpus")
    with Corpus(work / "news.db", nlp=nlp) as corpus:
        summary = corpus.extract([seeds_dir], jobs=1)
        assert summary.ok and summary.extracted == 5 and summary.total == 5
        yield corpus


def test_extract_reports_what_it_did_and_a_rerun_skips_unchanged_documents(corpus, seeds_dir):
    again = corpus.extract([seeds_dir], jobs=1)
    assert (again.seen, again.extracted, again.unchanged, again.quotes) == (5, 0, 5, 0)


def test_quotes_are_export_records_filtered_like_the_export(corpus):
    everything = list(corpus.quotes())
    assert len(everything) > 40 and {q["kind"] for q in everything} == {"direct", "indirect", "mixed"}
    doc = everything[0]["doc_id"]
    assert [q["id"] for q in corpus.quotes(doc=doc)] == [q["id"] for q in everything if q["doc_id"] == doc]
    assert all(q["kind"] == "direct" for q in corpus.quotes(kind="direct"))
    sure = list(corpus.quotes(min_confidence=0.8))
    assert sure and all(q["confidence"] >= 0.8 for q in sure) and len(sure) < len(everything)
    assert list(corpus.quotes(status="confirmed")) == []
    assert len(list(corpus.quotes(status="pending"))) == len(everything)
    with pytest.raises(ValueError, match="unknown status"):
        corpus.quotes(status="approved")


def test_a_speaker_is_found_by_id_or_by_any_of_its_names(corpus):
    lavrov = next(s for s in corpus.speakers() if "Sergei Lavrov" in s.aliases)
    by_id = [q["id"] for q in corpus.quotes(speaker=lavrov.id)]
    assert len(by_id) == lavrov.quote_count > 0
    for name in ("Sergey Lavrov", "lavrov", "Sergei Lavrov"):
        assert [q["id"] for q in corpus.quotes(speaker=name)] == by_id, name
    assert list(corpus.quotes(speaker="Nobody Atall")) == []


def test_export_writes_the_filtered_database(corpus, tmp_path):
    assert corpus.export(tmp_path / "all.json") == len(list(corpus.quotes()))
    data = orjson.loads((tmp_path / "all.json").read_bytes())
    assert data["schema"] == "quotetrack/1" and len(data["documents"]) == 5
    n = corpus.export(tmp_path / "direct.jsonl", format="jsonl", kind="direct")
    lines = (tmp_path / "direct.jsonl").read_bytes().splitlines()
    assert n == len(lines) > 0 and all(orjson.loads(line)["kind"] == "direct" for line in lines)


def test_aliases_file_forces_a_merge(corpus, tmp_path):
    speakers = corpus.speakers()
    a, b = [s for s in speakers if s.kind == "person"][:2]
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(f'merge = [["{a.name}", "{b.name}"]]\n', encoding="utf-8")
    corpus.use_aliases(aliases)
    merged = [s for s in corpus.speakers() if a.name in s.aliases]
    assert len(merged) == 1 and b.name in merged[0].aliases
    assert merged[0].quote_count == a.quote_count + b.quote_count


def test_a_missing_store_is_refused_when_it_may_not_be_created(tmp_path):
    from quotetrack.store import StoreError

    with pytest.raises(StoreError, match="no such store"):
        Corpus(tmp_path / "missing.db", create=False)
    with pytest.raises(ValueError, match="coref"):
        Corpus(tmp_path / "x.db", coref="sometimes")


def test_every_document_the_inputs_hold_is_accounted_for(tmp_path, nlp):
    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text("“We will win this vote tonight,” Ann Lee said.", encoding="utf-8")
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "feed.jsonl").write_text(
        '{"id": "j1", "text": "“No comment,” Bo Chen said."}\n{"id": "j2", "text": ""}\nnot json\n', encoding="utf-8")
    with Corpus(tmp_path / "news.db", nlp=nlp) as corpus:
        summary = corpus.extract([corpus_dir], jobs=1)
    assert (summary.total, summary.extracted, summary.skipped, len(summary.failures)) == (5, 2, 2, 1)
    assert summary.done == summary.total and summary.not_done == 0


def test_an_aliases_file_that_cannot_be_used_is_named(tmp_path, nlp):
    from quotetrack.corpus import AliasesError

    (tmp_path / "aliases").mkdir()
    with Corpus(tmp_path / "news.db", nlp=nlp) as corpus:
        with pytest.raises(AliasesError, match="aliases: the aliases file is a folder"):
            corpus.extract([], aliases=tmp_path / "aliases")
        with pytest.raises(ValueError, match="time limit"):
            corpus.extract([], doc_timeout=float("nan"))
        with pytest.raises(ValueError, match="must differ"):
            corpus.extract([], id_field="text")
