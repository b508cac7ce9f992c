"""`quotetrack review --blind` (issue 14): two reviewers judge the same quotes, each seeing only their own decisions."""

from __future__ import annotations

from quotetrack import review
from quotetrack.store import Selection, Store
from tests.tui.test_tui import current_id, review_row, session, table_text, widget_text


def _go_to(app, pilot, qid):
    async def go():
        screen = app.screen
        await pilot.press("home")
        for _ in range(len(screen.view)):
            if current_id(app) == qid:
                return
            await pilot.press("down")
        raise AssertionError(f"{qid} not in the queue")

    return go()


def _own(path) -> dict[tuple[str, str], str]:
    db = Store(path, create=False)
    rows = {(q, by): status for q, by, status, *_ in db.reviewer_decisions()}
    db.close()
    return rows


def _statuses(app) -> dict[str, str]:
    screen = app.screen
    return {screen.queue.ids[i]: screen.queue.statuses[i] for i in screen.view}


def test_two_blind_reviewers_judge_the_same_quotes_and_agreement_reports_them(newsroom):
    path, ids = newsroom

    async def ann(app, pilot):
        await _go_to(app, pilot, ids["door"])
        await pilot.press("a")  # a quote
        await _go_to(app, pilot, ids["final"])
        await pilot.press("x")  # not a quote
        await _go_to(app, pilot, ids["budget"])
        await pilot.press("a")
        await pilot.press("n")
        await pilot.press(*"ann thinks so", "enter")
        assert _statuses(app)[ids["door"]] == "confirmed" and _statuses(app)[ids["final"]] == "rejected"
        assert "3 / 8 reviewed" in widget_text(app.screen.query_one("#progress"))

    async def bob(app, pilot):
        # nothing ann decided shows: every quote is pending for bob, and no note is there
        assert set(_statuses(app).values()) == {"pending"}
        assert "0 / 8 reviewed" in widget_text(app.screen.query_one("#progress"))
        await _go_to(app, pilot, ids["budget"])
        assert "ann thinks so" not in widget_text(app.screen.query_one("#detail"))
        assert "ann" not in table_text(app.screen.query_one("#queue"))
        await pilot.press("a")
        await _go_to(app, pilot, ids["door"])
        await pilot.press("x")  # bob disagrees with ann here
        await _go_to(app, pilot, ids["final"])
        await pilot.press("x")
        assert _statuses(app)[ids["door"]] == "rejected"
        assert "3 / 8 reviewed" in widget_text(app.screen.query_one("#progress"))

    session(path, ann, reviewer="ann", blind=True)
    session(path, bob, reviewer="bob", blind=True)
    own = _own(path)
    assert own[(ids["door"], "ann")] == "confirmed" and own[(ids["door"], "bob")] == "rejected"
    assert own[(ids["final"], "ann")] == own[(ids["final"], "bob")] == "rejected"
    assert own[(ids["budget"], "ann")] == own[(ids["budget"], "bob")] == "confirmed"
    assert review_row(path, ids["door"]) is None  # blind decisions leave the quote's review (and export) as it is
    db = Store(path, create=False)
    assert {q["review"]["status"] for q in db.quote_records(Selection())} == {"pending"}
    report = review.agreement_report(db)
    accept = next(p for p in report.pairs if p.aspect == "accept")
    assert report.reviewers == ("ann", "bob") and accept.both == 3
    assert review.disputed_quotes(db) == [ids["door"]]
    db.close()


def test_a_blind_reviewer_sees_their_own_decisions_not_another_reviewers(newsroom):
    path, ids = newsroom
    cy = Store(path)  # an open (not blind) review corrects a quote: status, kind, speaker, note
    review.set_kind(cy, ids["final"], "direct", "cy")
    review.set_speaker(cy, ids["final"], "Vladimir Putin", "cy")
    review.set_note(cy, ids["final"], "cy was here", "cy")
    review.confirm(cy, ids["intimidated"], "cy")
    cy.close()
    bob = Store(path)
    bob.review_as(blind="bob")
    review.reject(bob, ids["moscow"], "bob")
    bob.close()

    async def ann(app, pilot):
        assert set(_statuses(app).values()) == {"pending"}
        assert "0 / 8 reviewed" in widget_text(app.screen.query_one("#progress"))
        table = table_text(app.screen.query_one("#queue"))
        assert "Putin" not in table and "Lavrov" in table
        await _go_to(app, pilot, ids["final"])
        detail = widget_text(app.screen.query_one("#detail"))
        assert "cy was here" not in detail and "Putin" not in detail and "cy" not in detail.split()
        assert app.screen.queue.row(app.screen.current).kind == "indirect"  # the extractor's, not cy's
        await pilot.press("k", "m")  # ann's own kind correction shows
        assert app.screen.queue.row(app.screen.current).kind == "mixed"
        assert _statuses(app)[ids["final"]] == "corrected"
        # the status filter filters by ann's own decisions
        while app.screen.query_one("#status-filter").value != "confirmed":
            await pilot.press("f")
        await pilot.pause()
        assert list(_statuses(app)) == []
        while app.screen.query_one("#status-filter").value != "corrected":
            await pilot.press("f")
        await pilot.pause()
        assert list(_statuses(app)) == [ids["final"]]

    session(path, ann, reviewer="ann", blind=True)
    assert review_row(path, ids["final"])[:5] == ("corrected", "cy", "direct", "Vladimir Putin", "cy was here")
    assert _own(path)[(ids["final"], "ann")] == "corrected"


def test_next_pending_and_undo_are_the_blind_reviewers_own(newsroom):
    path, ids = newsroom
    bob = Store(path)
    bob.review_as(blind="bob")
    for short in ("intimidated", "door", "final", "moscow", "budget", "fair", "fantasy"):
        review.confirm(bob, ids[short], "bob")
    bob.close()

    decided = []

    async def ann(app, pilot):
        screen = app.screen
        first = current_id(app)
        decided.append(first)
        await pilot.press("a")  # on to the next quote pending for ann: bob's decisions do not count
        assert current_id(app) != first and _statuses(app)[current_id(app)] == "pending"
        cy = Store(path)  # meanwhile an open review decides the quote ann confirmed
        review.reject(cy, first, "cy")
        cy.close()
        await pilot.press("r")
        await pilot.pause()
        assert _statuses(app)[first] == "confirmed"  # the refresh brings in nothing of cy's
        await pilot.press("u")  # no conflict with cy: ann's own decision goes back
        await pilot.pause()
        assert _statuses(app)[first] == "pending"
        assert "changed" not in " ".join(str(n.message) for n in app._notifications)
        assert "0 / 8 reviewed" in widget_text(screen.query_one("#progress"))

    session(path, ann, reviewer="ann", blind=True)
    own = _own(path)
    assert not any(by == "ann" for _, by in own) and sum(by == "bob" for _, by in own) == 7
    assert review_row(path, decided[0])[:2] == ("rejected", "cy")  # cy's review stands


def test_blind_review_refuses_changes_every_reviewer_would_see(newsroom):
    path, ids = newsroom

    async def ann(app, pilot):
        screen = app.screen
        for key in ("b", "plus", "exclamation_mark", "X", "p", "L"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen  # no editor, dialog or other screen opened
        messages = " ".join(str(n.message) for n in app._notifications)
        assert messages.count("Not in a blind review") == 6

    session(path, ann, reviewer="ann", blind=True)
    db = Store(path, create=False)
    assert db.conn.execute("SELECT count(*) FROM quote_flags").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM span_edits").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 8
    db.close()


def test_blind_screen_snapshot(newsroom, snap_compare):
    from quotetrack.tui.app import ReviewApp

    path, ids = newsroom
    bob = Store(path)
    bob.review_as(blind="bob")
    review.reject(bob, ids["fair"], "bob")
    bob.close()
    ann = Store(path)
    ann.review_as(blind="ann")
    review.confirm(ann, ids["moscow"], "ann")
    review.set_kind(ann, ids["markup"], "mixed", "ann")
    ann.close()
    app = ReviewApp(Store(path, create=False), "ann", export_path=path.parent / "q.json", blind=True)
    assert snap_compare(app, terminal_size=(80, 24))


def test_review_command_takes_blind(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from quotetrack.cli import app
    from quotetrack.tui.app import ReviewApp
    from tests.support import review_data

    db = tmp_path / "q.db"
    review_data.build(db)
    started = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: started.append(self))
    runner = CliRunner()
    result = runner.invoke(app, ["review", "--db", str(db), "--blind", "--reviewer", "ann"])
    assert result.exit_code == 0, result.output
    assert started[0].session.blind and started[0].session.store.blind == "ann"
    refused = runner.invoke(app, ["review", "--db", str(db), "--blind", "--status", "disputed"])
    assert refused.exit_code != 0 and "exclude each other" in refused.output
    shown = runner.invoke(app, ["review", "--help"], env={"COLUMNS": "200"})
    assert "--blind" in shown.output and "quotetrack review --blind --reviewer ann" in shown.output


def test_a_reject_and_changed_words_are_each_reviewers_own_decision_and_undo_takes_them_back(newsroom):
    """(The merge of the two halves of issue 14 had lost these: a reject and changed words wrote the
    quote's review but not the reviewer's own decision, so agreement did not see them.)"""
    path, ids = newsroom
    db = Store(path)
    review.confirm(db, ids["door"], "ann")
    review.reject(db, ids["door"], "bob")
    review.reject(db, ids["door"], "cy")  # the review stands as bob left it: cy's own decision all the same
    stored = db.quote(ids["fair"])
    review.edit_span(db, ids["fair"], stored.quote.start, stored.quote.end - 4, "dee")
    own = {(q, by): status for q, by, status, *_ in db.reviewer_decisions()}
    assert own[(ids["door"], "bob")] == own[(ids["door"], "cy")] == "rejected"
    assert own[(ids["fair"], "dee")] == "corrected"
    db.undo("dee")
    db.undo("cy")
    own = {(q, by): status for q, by, status, *_ in db.reviewer_decisions()}
    assert (ids["fair"], "dee") not in own and (ids["door"], "cy") not in own
    assert own[(ids["door"], "bob")] == "rejected" and db.review_state(ids["door"]).status == "rejected"
    db.close()
