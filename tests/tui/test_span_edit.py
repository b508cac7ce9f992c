"""Fixing quotes in the review TUI with real key presses: their words (b), a missed quote (+),
skip (space), flag (! and *), reject with a reason (X). Every assertion is on the store or the export."""

from __future__ import annotations

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store
from quotetrack.tui.dialogs.span_editor import SpanEditor
from quotetrack.tui.review_screen import ReviewScreen
from tests.support import review_data
from tests.tui.test_tui import current_id, review_row, session, widget_text

BRIDGE = "Residents were not convinced.\nThe bridge will reopen in May, the mayor said on Tuesday."


def quote_row(path, qid):
    db = Store(path, create=False)
    row = db.conn.execute("SELECT q.start, q.end, q.text, d.text FROM quotes q JOIN documents d ON d.id = q.doc_id"
                          " WHERE q.id = ?", (qid,)).fetchone()
    db.close()
    return None if row is None else (row[0], row[1], row[2], row[3])


def exported(path, qid):
    db = Store(path, create=False)
    records = [r for r in db.quote_records() if r["id"] == qid]
    db.close()
    return records[0] if records else None


def with_bridge(path):
    """The newsroom store and a document whose only extracted "quote" is not one: the missed quote
    (what the mayor said) is in the paragraph after it."""
    ids = review_data.build(path)
    db = Store(path)
    start = BRIDGE.index("Residents")
    wrong = Quote(kind="indirect", content=TextSpan(start, start + 28, BRIDGE[start:start + 28]), speaker="Residents",
                  method="none", confidence=0.05)
    ids["residents"] = db.save_document(Document("bridge-4", BRIDGE, "bridge-4.txt"), [wrong], "test-1")[0]
    db.refresh_speakers()
    db.close()
    return ids


def test_b_moves_the_edges_by_a_word_and_enter_saves_the_words(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        assert current_id(app) == ids["fantasy"]  # "a fantasy built on hope", inside its quotation marks
        await pilot.press("b")
        assert isinstance(app.screen, SpanEditor)
        await pilot.press("right")  # the end edge first: takes in the closing mark
        await pilot.press("tab", "left")  # then the start edge: takes in the opening mark
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        start, end, text, doc = quote_row(path, ids["fantasy"])
        assert text == doc[start:end] == "“a fantasy built on hope”"
        assert review_row(path, ids["fantasy"])[:2] == ("corrected", "ann")
        assert "words    changed by ann; extracted: “a fantasy built on hope”" in widget_text(app.screen.detail)
        record = exported(path, ids["fantasy"])
        assert record["text"] == "“a fantasy built on hope”" and (record["start"], record["end"]) == (start, end)
        assert record["review"]["changed"] == ["span"]
        assert record["review"]["extracted"] == {"text": "a fantasy built on hope", "start": start + 1, "end": end - 1}
        await pilot.press("a")  # confirming keeps it corrected: its words are still the reviewer's
        assert review_row(path, ids["fantasy"])[0] == "corrected"

    session(path, test)


def test_b_keeps_a_word_at_least_and_esc_changes_nothing(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("b", *["left"] * 10)  # the end edge stops on the first word: never an empty quote
        assert app.screen.choice.text == "a"
        await pilot.press("escape")
        assert quote_row(path, ids["fantasy"])[2] == "a fantasy built on hope"
        assert review_row(path, ids["fantasy"]) is None
        await pilot.press("b", "left", "left", "enter")  # "a fantasy built"
        assert quote_row(path, ids["fantasy"])[2] == "a fantasy built"
        await pilot.press("u")  # undone: the extracted words, pending again
        assert quote_row(path, ids["fantasy"])[2] == "a fantasy built on hope"
        assert review_row(path, ids["fantasy"]) is None
        assert exported(path, ids["fantasy"])["review"].get("changed") is None

    session(path, test)


def test_plus_adds_a_missed_quote_with_speaker_and_kind_and_u_takes_it_back(tmp_path):
    path = tmp_path / "bridge.db"
    ids = with_bridge(path)

    async def test(app, pilot):
        assert current_id(app) == ids["residents"]
        await pilot.press("plus")
        assert isinstance(app.screen, SpanEditor)
        await pilot.press("down")  # the paragraph after: its first word chosen
        await pilot.press(*["right"] * 5)  # The bridge will reopen in May
        await pilot.press("enter", *"the mayor", "enter", "i")
        assert isinstance(app.screen, ReviewScreen)
        db = Store(path, create=False)
        added = db.conn.execute("SELECT id, text, kind, speaker_name, method FROM quotes WHERE doc_id = 'bridge-4'"
                                " AND method = 'reviewer'").fetchall()
        db.close()
        assert [tuple(r)[1:] for r in added] == [("The bridge will reopen in May", "indirect", "the mayor", "reviewer")]
        qid = added[0][0]
        assert review_row(path, qid)[:2] == ("confirmed", "ann")
        assert current_id(app) == qid  # the reviewer sees what was added
        assert "1 / 10 reviewed" in widget_text(app.screen.progress)  # eight, the residents' and the mayor's
        record = exported(path, qid)
        assert record["review"]["added"] is True and record["speaker"]["name"] == "the mayor"
        assert record["text"] == BRIDGE[record["start"]:record["end"]]
        await pilot.press("u")
        assert quote_row(path, qid) is None and review_row(path, qid) is None
        assert "0 / 9 reviewed" in widget_text(app.screen.progress)

    session(path, test)


def test_plus_then_esc_adds_nothing(tmp_path):
    path = tmp_path / "bridge.db"
    with_bridge(path)

    async def test(app, pilot):
        await pilot.press("plus", "down", "right", "enter", "escape")  # cancelled in the speaker picker
        await pilot.press("plus", "escape")  # cancelled in the editor
        db = Store(path, create=False)
        assert db.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 9
        db.close()

    session(path, test)


def test_space_skips_leaving_the_quote_pending(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("space")
        assert current_id(app) == ids["markup"]
        assert review_row(path, ids["fantasy"]) is None
        await pilot.press("a")  # markup confirmed, on to moscow
        assert current_id(app) == ids["moscow"]

    session(path, test)


def test_flag_shows_in_the_flagged_filter_and_the_export(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        await pilot.press("exclamation_mark", "down", "down", "exclamation_mark")  # fantasy and moscow
        await pilot.press("asterisk")
        assert {screen.queue.ids[i] for i in screen.view} == {ids["fantasy"], ids["moscow"]}
        assert "⚑ flagged for a second look" in widget_text(screen.detail)
        await pilot.press("exclamation_mark")  # the flag comes off the quote under the cursor
        await pilot.press("asterisk", "asterisk")
        assert len(screen.view) == 1
        await pilot.press("asterisk")
        assert len(screen.view) == 8
        assert review_row(path, ids["fantasy"]) is None  # flagging decides nothing: still pending

    session(path, test)
    flags = {k: exported(path, ids[k])["review"].get("flagged") for k in ("fantasy", "markup", "moscow")}
    assert sum(bool(v) for v in flags.values()) == 1


def test_reject_with_a_reason_is_stored_exported_and_counted(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("X", "down", "down", "enter")  # not a quote, wrong words, page furniture
        assert review_row(path, ids["fantasy"])[0] == "rejected"
        assert current_id(app) == ids["markup"]  # on to the next pending quote
        await pilot.press("X")
        assert "page furniture  (1)" in app.screen.choices  # each reason with how often it was given
        await pilot.press("end", "enter", *"an advert", "enter")  # other…: typed
        assert review_row(path, ids["markup"])[0] == "rejected"
        await pilot.press("X")
        assert app.screen.choices[-2:] == ["an advert  (1)", "other…"]  # a typed reason is offered again
        await pilot.press("escape")

    session(path, test)
    assert exported(path, ids["fantasy"])["review"]["reason"] == "page furniture"
    assert exported(path, ids["markup"])["review"]["reason"] == "an advert"
    db = Store(path, create=False)
    assert db.reject_reasons() == {"an advert": 1, "page furniture": 1}
    db.close()
