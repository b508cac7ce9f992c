"""Two reviewers disagree; an adjudicator opens the disputed quotes and settles them (issue 14)."""

from __future__ import annotations

from quotetrack import review
from quotetrack.store import Selection, Store
from tests.tui.test_tui import session, widget_text


def _disagree(path, ids) -> None:
    ann, bob = Store(path), Store(path)
    review.confirm(ann, ids["door"], "ann")
    review.reject(bob, ids["door"], "bob")
    review.confirm(ann, ids["final"], "ann")
    review.set_kind(bob, ids["final"], "direct", "bob")
    review.confirm(ann, ids["budget"], "ann")
    review.confirm(bob, ids["budget"], "bob")  # agreed: not disputed
    ann.close()
    bob.close()


def test_the_disputed_filter_shows_what_reviewers_disagree_on_and_the_adjudicator_settles_it(newsroom):
    path, ids = newsroom
    _disagree(path, ids)

    async def test(app, pilot):
        screen = app.screen
        assert {screen.queue.ids[i] for i in screen.view} == {ids["door"], ids["final"]}
        assert "disputed" in widget_text(screen.query_one("#status-filter"))
        while screen.queue.ids[screen.current] != ids["door"]:
            await pilot.press("down")
        await pilot.press("a")  # cy: door is a quote after all

    session(path, test, reviewer="cy", status="disputed")
    db = Store(path, create=False)
    assert db.review_state(ids["door"]).status == "confirmed" and db.review_state(ids["door"]).by == "cy"
    assert review.disputed_quotes(db) == [ids["final"]]
    rows = {(q, by): adjudicated for q, by, _, _, _, _, adjudicated, *_ in db.reviewer_decisions()}
    assert rows[(ids["door"], "cy")] == 1 and rows[(ids["door"], "ann")] == 0 and rows[(ids["door"], "bob")] == 0
    exported = {q["id"]: q for q in db.quote_records(Selection(statuses=("confirmed", "corrected")))}
    assert exported[ids["door"]]["review"]["by"] == "cy"
    db.close()


def test_a_normal_review_has_no_disputed_filter_and_decides_as_a_reviewer(newsroom):
    path, ids = newsroom
    _disagree(path, ids)

    async def test(app, pilot):
        box = app.screen.query_one("#status-filter")
        for _ in range(8):
            await pilot.press("f")
            assert box.value != "disputed"

    session(path, test, reviewer="dee")
    db = Store(path, create=False)
    assert sorted(review.disputed_quotes(db)) == sorted([ids["door"], ids["final"]])
    db.close()


def test_review_command_takes_status_disputed(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from quotetrack.cli import app
    from quotetrack.tui.app import ReviewApp
    from tests.support import review_data

    db = tmp_path / "q.db"
    review_data.build(db)
    started = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: started.append(self))
    result = CliRunner().invoke(app, ["review", "--db", str(db), "--status", "disputed", "--reviewer", "cy"])
    assert result.exit_code == 0, result.output
    assert started[0].session.adjudicator and started[0].initial_filter.status == "disputed"
    assert "disputed" in started[0].session.status_filters  # the status box offers it
