"""The review TUI driven by real key presses (Textual's Pilot); every assertion is on the store.

No spaCy here: the store is hand-made (tests/support/review_data.py), so these run in seconds.
"""

from __future__ import annotations

import asyncio
import gc

import orjson
from textual.geometry import Region

from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.dialogs.help_screen import HelpScreen
from quotetrack.tui.dialogs.speaker_picker import SpeakerPicker
from quotetrack.tui.review_screen import ReviewScreen
from quotetrack.tui.speakers_screen import SpeakersScreen

SIZE = (120, 36)


def session(path, test, reviewer="ann", **options):
    """Run ``test(app, pilot)`` inside a headless review session on the store at ``path``."""

    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, reviewer, export_path=path.parent / "exports" / "quotes.json", **options)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await test(app, pilot)
        db.close()
        return app

    return asyncio.run(main())


def review_row(path, qid):
    db = Store(path, create=False)
    row = db.conn.execute("SELECT status, by, kind, speaker_name, note FROM reviews WHERE quote_id = ?", (qid,)).fetchone()
    db.close()
    return tuple(row) if row else None


async def settle(app, pilot) -> None:
    """Wait for the review's background reads and the frames they cause."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def current_id(app) -> str:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen.queue.ids[screen.current]


def widget_text(widget) -> str:
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)))


def table_text(table) -> str:
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


# --- decisions ----------------------------------------------------------------------


def test_confirm_and_reject_are_stored_and_move_to_the_next_pending(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        assert current_id(app) == ids["fantasy"]  # least confident pending quote first
        await pilot.press("a")
        assert review_row(path, ids["fantasy"]) == ("confirmed", "ann", None, None, None)
        assert current_id(app) == ids["markup"]
        await pilot.press("x")
        assert review_row(path, ids["markup"])[:2] == ("rejected", "ann")
        assert current_id(app) == ids["moscow"]
        assert "2 / 8 reviewed" in widget_text(app.screen.progress)

    session(path, test)


def test_arrows_and_next_previous_pending(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("down", "down")
        assert current_id(app) == ids["moscow"]
        await pilot.press("a")  # moscow confirmed; on to the next pending (fair)
        assert current_id(app) == ids["fair"]
        await pilot.press("left_square_bracket")
        assert current_id(app) == ids["markup"]
        await pilot.press("left_square_bracket")
        assert current_id(app) == ids["fantasy"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert current_id(app) == ids["fair"]  # the confirmed quote is skipped
        await pilot.press("up")
        assert current_id(app) == ids["moscow"]

    session(path, test)


def test_change_speaker_with_fuzzy_search(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("down", "down")  # moscow: extracted speaker Sergey Lavrov
        await pilot.press("s")
        assert isinstance(app.screen, SpeakerPicker)
        await pilot.press(*"stolt", "enter")
        assert isinstance(app.screen, ReviewScreen)
        assert review_row(path, ids["moscow"]) == ("corrected", "ann", None, "Jens Stoltenberg", None)
        db = Store(path, create=False)
        sid = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["moscow"],)).fetchone()[0]
        stoltenberg = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["door"],)).fetchone()[0]
        db.close()
        assert sid == stoltenberg
        assert "Jens Stoltenberg" in table_text(app.screen.table).splitlines()[3]

    session(path, test)


def test_change_speaker_to_a_new_name(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("s", *"Maria Critic", "enter")  # on fantasy, which has no speaker
        assert review_row(path, ids["fantasy"]) == ("corrected", "ann", None, "Maria Critic", None)

    session(path, test)


def test_change_kind_and_write_a_note(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("k", "d")
        assert review_row(path, ids["fantasy"]) == ("corrected", "ann", "direct", None, None)
        await pilot.press("n", *"see print edition", "enter")
        assert review_row(path, ids["fantasy"]) == ("corrected", "ann", "direct", None, "see print edition")
        await pilot.press("k", "escape")  # cancelled: nothing changes
        assert review_row(path, ids["fantasy"])[2] == "direct"

    session(path, test)


def test_undo_several_levels(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("a", "x", "a")
        assert [review_row(path, ids[k])[0] for k in ("fantasy", "markup", "moscow")] == [
            "confirmed", "rejected", "confirmed"]
        await pilot.press("u")
        assert review_row(path, ids["moscow"]) is None
        assert current_id(app) == ids["moscow"]  # the cursor goes to the quote undone
        await pilot.press("u", "u")
        assert review_row(path, ids["markup"]) is None and review_row(path, ids["fantasy"]) is None
        await pilot.press("u")  # nothing left: says so, changes nothing
        assert "0 / 8 reviewed" in widget_text(app.screen.progress)

    session(path, test)
    db = Store(path, create=False)
    undos = db.conn.execute("SELECT count(*) FROM review_actions WHERE action = 'undo'").fetchone()[0]
    db.close()
    assert undos == 3


def test_open_on_a_document_and_a_status(newsroom):
    path, ids = newsroom
    db = Store(path)
    from quotetrack import review

    review.reject(db, ids["door"], "bob")
    db.close()

    async def on_doc(app, pilot):
        assert {app.screen.queue.ids[i] for i in app.screen.view} == {
            ids["intimidated"], ids["door"], ids["final"], ids["moscow"]}

    session(path, on_doc, document="nato-1")

    async def on_status(app, pilot):
        assert [app.screen.queue.ids[i] for i in app.screen.view] == [ids["door"]]
        assert app.screen.query_one("#status-filter").value == "rejected"

    session(path, on_status, status="rejected")


def test_search_and_filters(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        await pilot.press("slash", *"family", "enter")
        assert [screen.queue.ids[i] for i in screen.view] == [ids["fair"]]
        assert screen.focused is screen.table
        await pilot.press("a")
        assert review_row(path, ids["fair"])[0] == "confirmed"
        await pilot.press("slash", *["backspace"] * 6, "enter")
        assert len(screen.view) == 8
        screen.query_one("#conf-filter").value = ">0.7"
        await pilot.press("slash", "tab", "tab", "tab", "tab", "tab", "enter")  # Enter in the confidence box
        assert {screen.queue.ids[i] for i in screen.view} == {ids["intimidated"], ids["budget"]}

    session(path, test)


def test_status_filter_by_key_from_the_queue(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        status_box = screen.query_one("#status-filter")
        shown = lambda: {screen.queue.ids[i] for i in screen.view}  # noqa: E731
        await pilot.press("x")  # fantasy rejected; the cursor moves on to markup
        await pilot.press("a")  # markup confirmed
        await pilot.press("f")
        assert status_box.value == "pending" and "pending" in widget_text(status_box)
        assert len(shown()) == 6 and not shown() & {ids["fantasy"], ids["markup"]}
        assert screen.focused is screen.table  # the queue keeps the keys: decide on at once
        await pilot.press("f")
        assert status_box.value == "confirmed" and shown() == {ids["markup"]}
        await pilot.press("f")
        assert status_box.value == "rejected" and shown() == {ids["fantasy"]}
        await pilot.press("f", "f")
        assert status_box.value == "reviewed" and shown() == {ids["fantasy"], ids["markup"]}
        await pilot.press("F", "F")
        assert status_box.value == "rejected"
        await pilot.press("a")  # decisions still work in a filtered view
        assert review_row(path, ids["fantasy"])[0] == "confirmed"
        await pilot.press("f", "f", "f")
        assert status_box.value is None and len(shown()) == 8
        assert "any status" in widget_text(status_box)

    session(path, test)


def test_status_and_kind_boxes_choose_with_arrows_letters_and_clicks(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        status_box, kind_box = screen.query_one("#status-filter"), screen.query_one("#kind-filter")
        shown = lambda: {screen.queue.ids[i] for i in screen.view}  # noqa: E731
        await pilot.press("slash", "tab")
        assert screen.focused is status_box
        await pilot.press("right")
        assert status_box.value == "pending" and len(shown()) == 8
        await pilot.press("c", "c")  # letters jump: confirmed, then corrected
        assert status_box.value == "corrected" and shown() == set()
        await pilot.press("x", "a", "s")  # letters never reach the queue's keys: nothing is decided
        assert all(review_row(path, q) is None for q in ids.values())
        assert status_box.value is None  # "a": any status
        await pilot.press("left")
        assert status_box.value == "reviewed"
        await pilot.press("up", "down", "down")
        assert status_box.value is None and len(shown()) == 8
        await pilot.press("tab", "m")
        assert screen.focused is kind_box and kind_box.value == "mixed" and shown() == {ids["fantasy"]}
        await pilot.press("enter")  # done: back to the queue, filtered
        assert screen.focused is screen.table
        await pilot.press("a")
        assert review_row(path, ids["fantasy"])[0] == "confirmed"
        await pilot.click("#kind-filter", offset=(12, 0))  # the right half: the next kind
        assert kind_box.value is None and len(shown()) == 8
        await pilot.click("#kind-filter", offset=(1, 0))  # the left half: back
        assert kind_box.value == "mixed"

    session(path, test)


def test_mouse_selects_rows_and_sorts_by_header(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = app.screen
        await pilot.click("#queue", offset=(2, 3))  # header line, then rows 0, 1, 2
        assert current_id(app) == ids["moscow"]
        await pilot.click("#queue", offset=(51, 0))  # the "conf" header
        assert screen.sort.column == "confidence"
        await pilot.click("#queue", offset=(51, 0))
        assert screen.sort.reverse
        assert screen.queue.ids[screen.view[0]] == ids["intimidated"]
        selected = current_id(app)  # sorting keeps the cursor on its quote
        assert selected == ids["moscow"]
        await pilot.click("KeyBar", offset=(2, 0))  # " a Confirm" in the keys at the bottom
        await pilot.pause()
        assert review_row(path, selected)[:2] == ("confirmed", "ann")

    session(path, test)


def test_help_lists_every_key(newsroom):
    path, _ = newsroom

    async def test(app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(widget_text(w) for w in app.screen.query("#help-body Static"))
        for key in ("a", "x", "s", "k", "n", "u", "] [", "/", "f F", "e", "p", "?", "q"):
            assert f" {key} " in text, key
        assert "undo" in text and "Mouse" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)


def test_help_of_the_speakers_screen_lists_its_keys(newsroom):
    path, _ = newsroom

    async def test(app, pilot):
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(widget_text(w) for w in app.screen.query("#help-body Static"))
        for key in ("m", "l", "r", "/", "↑ ↓", "Esc", "?", "q"):
            assert f" {key} " in text, key
        assert "merge" in text and "confirm" not in text
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)


def test_the_queue_is_kept_out_of_the_collectors_passes_while_the_review_runs(newsroom):
    path, _ = newsroom

    async def test(app, pilot):
        assert gc.get_freeze_count() > 0  # frozen after the queue was read
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.press("escape")  # back: the queue is read again, and frozen again
        await pilot.pause()
        assert gc.get_freeze_count() > 0

    session(path, test)
    assert gc.get_freeze_count() == 0  # given back when the review ends


# --- speakers and export --------------------------------------------------------------


def test_merge_speakers_on_the_speakers_screen(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SpeakersScreen)
        names = [s.name for s in screen.shown]
        await pilot.press(*["down"] * names.index("Tom Reed"), "m")
        await pilot.press("home", *["down"] * names.index("Sergey Lavrov"), "m")
        await pilot.press("y")  # the merge asks first (issue 14)
        await app.workers.wait_for_complete()
        await pilot.pause()
        merged = [s for s in screen.shown if "Tom Reed" in s.aliases]
        assert len(merged) == 1 and "Sergey Lavrov" in merged[0].aliases
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
    db = Store(path, create=False)
    assert [tuple(r) for r in db.conn.execute("SELECT action, a, b, by FROM speaker_overrides")] == [
        ("merge", "Tom Reed", "Sergey Lavrov", "ann")]
    same = db.conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes WHERE id IN (?, ?)",
                        (ids["markup"], ids["final"])).fetchone()[0]
    db.close()
    assert same == 1


def test_rename_and_split_on_the_speakers_screen(newsroom):
    path, _ = newsroom

    async def test(app, pilot):
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        names = [s.name for s in screen.shown]
        await pilot.press(*["down"] * names.index("Ann Lee"), "r", *["backspace"] * 7, *"Ann B. Lee", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Ann B. Lee" in [s.name for s in screen.shown]
        assert screen.current.name == "Ann B. Lee"

    session(path, test)
    db = Store(path, create=False)
    assert [tuple(r) for r in db.conn.execute("SELECT action, a, b FROM speaker_overrides")] == [("rename", "Ann Lee", "Ann B. Lee")]
    db.close()


def test_export_from_the_review_writes_the_confirmed_quotes(newsroom):
    path, ids = newsroom
    out = path.parent / "exports" / "reviewed.json"

    async def test(app, pilot):
        await pilot.press("a", "x", "s", *"Ann Lee", "enter")  # fantasy ✓, markup ✗, moscow → Ann Lee
        await pilot.press("n", *"checked", "enter")
        await pilot.press("e")
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(out)
        path_input.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

    session(path, test)
    data = orjson.loads(out.read_bytes())
    quotes = {q["id"]: q for q in data["quotes"]}
    assert set(quotes) == {ids["fantasy"], ids["moscow"]}
    assert quotes[ids["moscow"]]["speaker"]["name"] == "Ann Lee"
    assert quotes[ids["moscow"]]["review"]["status"] == "corrected"
    assert quotes[ids["moscow"]]["review"]["note"] == "checked"
    assert quotes[ids["moscow"]]["review"]["by"] == "ann" and quotes[ids["moscow"]]["review"]["at"]


def test_two_reviewers_see_each_others_decisions_on_refresh(newsroom):
    path, ids = newsroom
    from quotetrack import review

    async def test(app, pilot):
        await pilot.press("a")  # ann confirms fantasy
        other = Store(path)
        review.reject(other, ids["fair"], "bob")
        review.confirm(other, ids["fantasy"], "bob")  # no change: already confirmed
        other.close()
        await pilot.press("r")
        screen = app.screen
        assert screen.queue.statuses[screen.queue.index[ids["fair"]]] == "rejected"
        assert "2 / 8 reviewed" in widget_text(screen.progress)

    session(path, test)
    assert review_row(path, ids["fantasy"])[:2] == ("confirmed", "ann")


# --- document text is data ---------------------------------------------------------------


def test_markup_and_escape_sequences_in_document_text_are_shown_literally(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("down")
        assert current_id(app) == ids["markup"]
        shown = widget_text(app.screen.detail)
        assert "[bold]Vote[/bold] [@click=app.quit]now[/] [link=https://evil.example]here[/link]" in shown
        assert "␛[31mred␛[0m␇" in shown and "\x1b" not in shown
        assert "[bold]Vote[/bold]" in table_text(app.screen.table)
        await pilot.click("#quote", offset=(40, 3))  # right on the text of [@click=app.quit]
        await pilot.click("#queue", offset=(80, 2))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        await pilot.press("n", *"[red]x[/red]", "enter")
        assert review_row(path, ids["markup"])[4] == "[red]x[/red]"
        assert "[red]x[/red]" in widget_text(app.screen.detail)

    session(path, test)


def test_an_empty_store_opens_and_keys_do_no_harm(tmp_path):
    path = tmp_path / "empty.db"
    Store(path).close()

    async def test(app, pilot):
        await pilot.press("a", "x", "s", "k", "n", "u", "right_square_bracket", "down", "o")
        assert isinstance(app.screen, ReviewScreen)
        assert "0 / 0 reviewed" in widget_text(app.screen.progress)
        assert "No quotes in this store yet" in widget_text(app.screen.detail)

    session(path, test)
