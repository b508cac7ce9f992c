"""Text from data never reaches the reviewer's terminal raw: checked on what the app writes to it.

Textual draws frames only through a driver that is not headless, so these
tests run the app on a headless driver that says it is not, and keep every
string the app hands it: the bytes a terminal would get. A payload (OSC 52,
which sets the clipboard; CSI 2J and its one-byte C1 form, which clear the
screen; a bidi override and isolate, which make text read backwards) goes in
through each way data reaches the screen, and must come out escaped.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.drivers.headless_driver import HeadlessDriver

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from quotetrack.tui.review_screen import ReviewScreen
from quotetrack.tui.speakers_screen import SpeakersScreen
from tests.support import review_data

SIZE = (120, 36)
OSC52 = "\x1b]52;c;SGFja2Vk\x1b\\"
PAYLOAD = OSC52 + "\x1b[2J" + "\x9b2J" + "\u202e" + "\u2066"
RAW = ("\x1b]52", "\x1b[2J", "\x9b", "\u202e", "\u2066")
MARK = "SGFja2Vk"  # the payload's harmless middle: where it shows, the payload was drawn
NAME = f"Carl Bl{PAYLOAD}ack"


def assert_escaped(written: str, *words: str) -> None:
    """No payload byte sequence in what reached the terminal; the payload (and ``words``) were drawn."""
    data = written.encode("utf-8", "surrogatepass")
    for raw in RAW:
        assert raw.encode("utf-8") not in data, f"{raw!r} reached the terminal raw"
    for word in (MARK, *words):
        assert word.encode("utf-8") in data, f"{word!r} was never drawn"


def session(path, test, reviewer="ann", **options) -> None:
    """Run ``test(app, pilot, output)`` in a review session whose terminal output is kept.

    ``output(since=0)`` is everything written to the terminal from write number ``since``;
    ``len(written)`` before a step gives the ``since`` of what the step drew.
    """
    written: list[str] = []

    class Terminal(HeadlessDriver):
        @property
        def is_headless(self) -> bool:  # Textual renders frames for a terminal only
            return False

        def write(self, data: str) -> None:
            written.append(data)

    def output(since: int = 0) -> str:
        return "".join(written[since:])

    async def main():
        db = Store(path, create=False)
        app = ReviewApp(db, reviewer, **options)
        app.driver_class = Terminal
        async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            await test(app, pilot, written, output)
        db.close()

    asyncio.run(main())


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def add_hostile_document(path) -> str:
    """A document whose id, text and speaker carry the payload, its quote the least confident; its quote id."""
    text = f"{NAME} said “Vote {PAYLOAD} now” today."
    content = f"Vote {PAYLOAD} now"
    start = text.index(content)
    quote = Quote(kind="direct", content=TextSpan(start, start + len(content), content),
                  cue=TextSpan(text.index("said"), text.index("said") + 4, "said"), speaker=NAME,
                  speaker_kind="person", mention=TextSpan(0, len(NAME), NAME), method="syntax", confidence=0.01)
    db = Store(path)
    [quote_id] = db.save_document(Document(f"doc{PAYLOAD}", text, "hostile.txt"), [quote], "test-1")
    db.refresh_speakers()
    db.close()
    return quote_id


@pytest.fixture()
def hostile(newsroom):
    path, ids = newsroom
    return path, add_hostile_document(path)


# --- widgets ---------------------------------------------------------------------------


def test_quote_text_speaker_and_document_id_are_drawn_escaped(hostile):
    path, quote_id = hostile

    async def test(app, pilot, written, output):
        screen = app.screen
        assert screen.queue.ids[screen.current] == quote_id  # the table's first row and the detail view
        assert_escaped(output(), "Vote", "today")

    session(path, test)


def test_a_note_and_its_author_are_drawn_escaped(hostile):
    path, quote_id = hostile
    db = Store(path)
    review.set_note(db, quote_id, f"see {PAYLOAD} print", f"bob{PAYLOAD}")
    db.close()

    async def test(app, pilot, written, output):
        assert_escaped(output(), "see", "print", "bob")  # the note and the history line
        since = len(written)
        await pilot.press("n")  # the note in the note editor
        await pilot.pause()
        assert_escaped(output(since), "Note on this quote")
        await pilot.press("enter")  # left as it is: the note stays what it was, not its escaped picture
        await pilot.pause()

    session(path, test)
    db = Store(path, create=False)
    assert db.review_state(quote_id).note == f"see {PAYLOAD} print"
    db.close()


# --- titles, options, file names ----------------------------------------------------------


def test_store_file_name_and_reviewer_in_the_title_are_drawn_escaped(tmp_path):
    path = tmp_path / f"news{PAYLOAD}.db"
    review_data.build(path)

    async def test(app, pilot, written, output):
        assert_escaped(output(), "quotetrack review", "news", ".db", "ann")

    session(path, test, reviewer=f"ann{PAYLOAD}")


def test_open_on_a_hostile_document_id(hostile):
    """``review --doc ID``: the document box shows the id escaped, and the view is that document's."""
    path, quote_id = hostile

    async def test(app, pilot, written, output):
        screen = app.screen
        assert [screen.queue.ids[i] for i in screen.view] == [quote_id]
        assert_escaped(output(), "doc")
        await pilot.press("f")  # another filter changes: the document filter stays the same id
        await pilot.press("F")
        assert [screen.queue.ids[i] for i in screen.view] == [quote_id]

    session(path, test, document=f"doc{PAYLOAD}")


@pytest.mark.parametrize("works", [True, False])
def test_export_notification_with_a_hostile_file_name(newsroom, tmp_path, works):
    """The path shown in the export box, and in the notification of the export written (or failed)."""
    path, _ = newsroom
    target = tmp_path / f"quotes{PAYLOAD}.json"
    if not works:  # a file where a folder should be: the export fails, and the error quotes the path
        (tmp_path / f"dir{PAYLOAD}").write_text("")
        target = tmp_path / f"dir{PAYLOAD}" / "quotes.json"

    async def test(app, pilot, written, output):
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path").focus()
        await pilot.press("enter")  # the path given, shown escaped in the box, is the path written
        await settle(app, pilot)
        assert_escaped(output(), "Wrote" if works else "Export failed")

    session(path, test, export_path=target)
    # confirmed quotes go to their own file beside the full export (issue 14), the name's payload kept
    assert target.with_name(target.stem + ".reviewed.json").exists() == works


# --- notifications -----------------------------------------------------------------------


def test_undo_conflict_names_another_reviewer_escaped(newsroom):
    path, ids = newsroom

    async def test(app, pilot, written, output):
        await pilot.press("a")  # ann confirms the least confident quote
        other = Store(path)
        review.reject(other, ids["fantasy"], f"bob{PAYLOAD}")
        other.close()
        since = len(written)
        await pilot.press("u")  # passed over: changed by bob since
        await pilot.pause()
        assert_escaped(output(since), "not undone", "bob")

    session(path, test)


@pytest.mark.parametrize("change", ["merge", "split", "rename"])
def test_speaker_changes_are_notified_escaped(hostile, change):
    path, _ = hostile
    if change == "split":  # a speaker with two names, one of them hostile
        db = Store(path)
        review.merge_speakers(db, NAME, "Ann Lee", "ann")
        db.close()

    def row_of(screen, name: str) -> int:
        return next(i for i, s in enumerate(screen.shown) if name in s.aliases)

    async def test(app, pilot, written, output):
        await pilot.press("p")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SpeakersScreen)
        await pilot.press("home", *["down"] * row_of(screen, NAME))
        since = len(written)
        if change == "merge":
            await pilot.press("m", "home", *["down"] * row_of(screen, "Tom Reed"), "m")
            await pilot.press("y")  # the merge asks first, naming both (escaped too): issue 14
            word = "Merged"
        elif change == "split":
            await pilot.press("l")
            await pilot.pause()
            await pilot.press(*["down"] * screen.current.aliases.index(NAME), "enter")
            word = "Split"
        else:
            await pilot.press("r")
            await pilot.pause()
            await pilot.press("end", *" Jr", "enter")
            word = "Renamed"
        await settle(app, pilot)
        assert_escaped(output(since), word)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
