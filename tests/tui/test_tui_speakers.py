"""The speakers screen and the picker, safely (issue 14), driven by real key presses."""

from __future__ import annotations

from quotetrack.store import Store
from quotetrack.tui.dialogs.confirm_prompt import ConfirmPrompt
from quotetrack.tui.dialogs.speaker_picker import SpeakerPicker
from quotetrack.tui.review_screen import ReviewScreen
from quotetrack.tui.speakers_screen import SpeakersScreen
from tests.tui.test_tui import review_row, session, settle, widget_text


async def _speakers(app, pilot) -> SpeakersScreen:
    await pilot.press("p")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SpeakersScreen)
    return app.screen


def _overrides(path) -> list[tuple]:
    db = Store(path, create=False)
    rows = [tuple(r) for r in db.conn.execute("SELECT action, a, b, undone_at IS NOT NULL FROM speaker_overrides")]
    db.close()
    return rows


def test_a_merge_asks_first_naming_both_speakers_and_their_counts(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = await _speakers(app, pilot)
        names = [s.name for s in screen.shown]
        await pilot.press(*["down"] * names.index("Jens Stoltenberg"), "m")
        await pilot.press("home", *["down"] * names.index("Ann Lee"), "m")
        assert isinstance(app.screen, ConfirmPrompt)
        text = " ".join(widget_text(label) for label in app.screen.query("Label"))
        assert "Jens Stoltenberg — 2 quotes in 1 document" in text and "Ann Lee — 2 quotes in 1 document" in text
        await pilot.press("n")  # no: nothing merged
        await settle(app, pilot)
        assert app.screen is screen and _overrides(path) == []
        assert len([s for s in screen.shown if s.name in ("Jens Stoltenberg", "Ann Lee")]) == 2
        await pilot.press("m", "home", *["down"] * names.index("Jens Stoltenberg"), "m", "enter")  # Enter: yes
        await settle(app, pilot)
        merged = [s for s in screen.shown if "Ann Lee" in s.aliases]
        assert len(merged) == 1 and "Jens Stoltenberg" in merged[0].aliases and merged[0].quote_count == 4

    session(path, test)
    assert _overrides(path) == [("merge", "Ann Lee", "Jens Stoltenberg", 0)]


def test_u_undoes_merge_rename_and_split_on_the_speakers_screen(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        screen = await _speakers(app, pilot)
        names = [s.name for s in screen.shown]
        await pilot.press(*["down"] * names.index("Tom Reed"), "m", "home", *["down"] * names.index("Ann Lee"), "m", "y")
        await settle(app, pilot)
        assert any({"Tom Reed", "Ann Lee"} <= set(s.aliases) for s in screen.shown)
        names = [s.name for s in screen.shown]
        await pilot.press("home", *["down"] * names.index("Sergey Lavrov"), "r", *["backspace"] * 13, *"S. Lavrov", "enter")
        await settle(app, pilot)
        assert "S. Lavrov" in [s.name for s in screen.shown]
        await pilot.press("u")
        await settle(app, pilot)
        assert "Sergey Lavrov" in [s.name for s in screen.shown] and "S. Lavrov" not in [s.name for s in screen.shown]
        await pilot.press("u")
        await settle(app, pilot)
        assert not any({"Tom Reed", "Ann Lee"} <= set(s.aliases) for s in screen.shown)
        assert {s.name: s.quote_count for s in screen.shown}["Tom Reed"] == 1
        await pilot.press("u")  # nothing left: says so, changes nothing
        await settle(app, pilot)

    session(path, test)
    assert [(a, undone) for a, _, _, undone in _overrides(path)] == [("merge", 1), ("rename", 1)]


def test_a_new_speaker_from_the_picker_shows_on_the_speakers_screen_with_its_count(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("s", *"officials in Moscow", "enter")  # on fantasy, which has no speaker
        screen = await _speakers(app, pilot)
        [moscow] = [s for s in screen.shown if "officials in Moscow" in s.aliases]
        assert moscow.quote_count == 1 and moscow.documents == ["budget-2"]

    session(path, test)
    db = Store(path, create=False)
    sid = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["fantasy"],)).fetchone()[0]
    db.close()
    assert sid is not None


def test_the_picker_lists_a_speaker_once_with_its_aliases_under_it(newsroom):
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("s", *"reed")
        picker = app.screen
        assert isinstance(picker, SpeakerPicker)
        tom = [p for p in prompts(picker) if "Tom Reed" in p]
        assert len(tom) == 1 and tom[0].startswith("Tom Reed") and "also Mayor Tom Reed" in tom[0]
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
    assert review_row(path, ids["fantasy"])[3] == "Tom Reed"


def test_the_picker_lists_the_most_quoted_and_finds_any_other_speaker_by_typing(newsroom, monkeypatch):
    """On a large store the picker lists only the most quoted speakers (here: one) and reads the others
    from the store as the reviewer types: a rarely quoted speaker is found by any part of a name."""
    from quotetrack.store.speaker_picks import SpeakerPicks

    monkeypatch.setattr(SpeakerPicks.speaker_picks, "__defaults__", ("", 1))
    path, ids = newsroom

    async def test(app, pilot):
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SpeakerPicker)
        listed = prompts(picker)
        assert len(listed) == 1 and "Tom Reed" not in listed[0]
        await pilot.press(*"mayor t")
        assert any(p.startswith("Tom Reed") and "also Mayor Tom Reed" in p for p in prompts(picker))
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)

    session(path, test)
    assert review_row(path, ids["fantasy"])[3] == "Tom Reed"


def prompts(picker) -> list[str]:
    """The picker's options as shown."""
    options = picker.query_one("#speaker-options")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
