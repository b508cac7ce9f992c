"""The review's export (issue 14): never over the full export without asking; JSON or JSON Lines."""

from __future__ import annotations

import orjson

from quotetrack.tui.dialogs.confirm_prompt import ConfirmPrompt
from quotetrack.tui.dialogs.export_dialog import ExportDialog
from quotetrack.tui.review_screen import ReviewScreen
from tests.tui.test_tui import session, settle


def test_confirmed_quotes_go_to_their_own_file_and_the_full_export_stays(newsroom):
    path, ids = newsroom
    exports = path.parent / "exports"
    exports.mkdir()
    (exports / "quotes.json").write_bytes(b"the full export")

    async def test(app, pilot):
        await pilot.press("a")  # fantasy confirmed
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-path").value == str(exports / "reviewed.json")
        await pilot.press("tab", "tab", "enter")  # to the path box; Enter exports
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
    assert (exports / "quotes.json").read_bytes() == b"the full export"
    data = orjson.loads((exports / "reviewed.json").read_bytes())
    assert [q["id"] for q in data["quotes"]] == [ids["fantasy"]]


def test_overwriting_a_file_asks_first(newsroom):
    path, ids = newsroom
    exports = path.parent / "exports"
    exports.mkdir()
    (exports / "quotes.json").write_bytes(b"the full export")

    async def test(app, pilot):
        await pilot.press("e", "down", "enter")  # all quotes, with their status: the full export's file
        assert app.screen.query_one("#export-path").value == str(exports / "quotes.json")
        await pilot.press("tab", "tab", "enter")
        assert isinstance(app.screen, ConfirmPrompt)
        await pilot.press("n")  # no: back in the dialog, nothing written
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert (exports / "quotes.json").read_bytes() == b"the full export"
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmPrompt)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
    data = orjson.loads((exports / "quotes.json").read_bytes())
    assert len(data["quotes"]) == len(ids)


def test_json_lines_export_from_the_review(newsroom):
    path, ids = newsroom
    exports = path.parent / "exports"

    async def test(app, pilot):
        await pilot.press("a", "x")  # fantasy confirmed, markup rejected
        await pilot.press("e", "tab", "down", "enter")  # the format: JSON Lines
        assert app.screen.query_one("#export-path").value == str(exports / "reviewed.jsonl")
        await pilot.press("tab", "enter")
        await settle(app, pilot)

    session(path, test)
    lines = (exports / "reviewed.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    quotes = [r for r in records if "doc_id" in r]
    assert [q["id"] for q in quotes] == [ids["fantasy"]] and quotes[0]["review"]["status"] == "confirmed"
    assert not (exports / "reviewed.json").exists()
