"""`quotetrack review` and `quotetrack export` around reviewing; a review of real extracted quotes."""

from __future__ import annotations

import asyncio

import orjson
from typer.testing import CliRunner

from quotetrack import review
from quotetrack.cli import app
from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from tests.support import review_data

runner = CliRunner()


def test_review_command_passes_its_options_to_the_app(tmp_path, monkeypatch):
    db = tmp_path / "q.db"
    review_data.build(db)
    started = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: started.append(self))
    result = runner.invoke(app, ["review", "--db", str(db), "--reviewer", "bob", "--doc", "nato-1",
                                 "--status", "Pending"])
    assert result.exit_code == 0, result.output
    (opened,) = started
    assert opened.session.reviewer == "bob"
    assert opened.initial_filter == review.QueueFilter(status="pending", document="nato-1")
    runner.invoke(app, ["review", "--db", str(db)])
    assert started[1].session.reviewer  # the OS user


def test_review_command_refuses_bad_options_and_missing_stores(tmp_path):
    result = runner.invoke(app, ["review", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 3 and "no such store" in result.output
    db = tmp_path / "q.db"
    review_data.build(db)
    result = runner.invoke(app, ["review", "--db", str(db), "--status", "maybe"])
    assert result.exit_code == 2 and "pending" in result.output
    assert "--reviewer" in runner.invoke(app, ["review", "--help"]).output


def test_export_confirmed_after_review_has_final_speaker_ids(tmp_path):
    db = tmp_path / "q.db"
    ids = review_data.build(db)
    store = Store(db)
    review.set_speaker(store, ids["fantasy"], "Maria Critic", "ann")  # a new speaker: its id comes at refresh
    review.set_note(store, ids["fantasy"], "print edition", "ann")
    review.confirm(store, ids["door"], "bob")
    review.reject(store, ids["final"], "bob")
    store.close()
    out = tmp_path / "confirmed.json"
    result = runner.invoke(app, ["export", "--db", str(db), "-o", str(out), "--status", "confirmed"])
    assert result.exit_code == 0, result.output
    quotes = {q["id"]: q for q in orjson.loads(out.read_bytes())["quotes"]}
    assert set(quotes) == {ids["fantasy"], ids["door"]}
    fantasy = quotes[ids["fantasy"]]
    assert fantasy["speaker"]["name"] == "Maria Critic" and fantasy["speaker"]["id"]
    assert fantasy["review"] == {"status": "corrected", "by": "ann", "at": fantasy["review"]["at"], "note": "print edition",
                                 "changed": ["speaker"]}  # issue 14: the export says what a reviewer changed
    assert quotes[ids["door"]]["review"]["by"] == "bob"


def test_reviewing_quotes_extracted_from_the_seeds(tmp_path, nlp, seeds_dir):
    from quotetrack import Corpus

    corpus = Corpus(tmp_path / "seeds.db", nlp=nlp)
    corpus.extract([seeds_dir], jobs=1)
    store = corpus.store
    total = store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert total > 10

    async def main():
        session = ReviewApp(store, "ann")
        async with session.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = session.screen
            first = screen.queue.ids[screen.current]
            detail = review.quote_detail(store, first)
            (start, end), *_ = detail.excerpt.spans["content"]
            assert detail.excerpt.text[start:end] == detail.quote.text
            await pilot.press("a", "x")
            return first, screen.queue.ids[screen.current]

    first, now = asyncio.run(main())
    assert store.review_state(first).status == "confirmed"
    assert now != first
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    store.close()
