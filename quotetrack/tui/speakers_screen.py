"""The speakers screen: canonical speakers with aliases and counts; merge, split an alias off, rename, undo.

Each change is stored as a speaker override (so every later normalisation,
including after re-extraction, keeps it) and speakers are re-clustered at
once, in a worker thread with a store of its own: the screen stays live.
A merge asks first (both names, their quote counts); ``u`` takes back the
reviewer's latest merge, split or rename.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from .. import review
from ..store import SpeakerSummary
from .dialogs.choice_prompt import ChoicePrompt
from .dialogs.confirm_prompt import ConfirmPrompt
from .dialogs.text_prompt import TextPrompt
from .drawing import plain
from .keys import Key, bindings
from .session import Session
from .widgets.key_bar import KeyBar
from .widgets.virtual_table import Column, VirtualTable

SPEAKER_COLUMNS = [
    Column("name", "speaker", 28),
    Column("kind", "kind", 12),
    Column("quotes", "quotes", 6, "right"),
    Column("documents", "docs", 5, "right"),
    Column("aliases", "aliases", None),
]


class SpeakersScreen(Screen):
    """Every canonical speaker with its names, counts and documents; merge, split, rename."""

    AUTO_FOCUS = "#speakers"
    HELP_TITLE = "quotetrack review — speakers"
    ACTIONS = (
        Key("m", "merge", "Merge", "merge: m on one speaker, m on the other, y when asked; they become one speaker"),
        Key("l", "split", "Split alias", "split: take one of the speaker's names off into a speaker of its own"),
        Key("r", "rename", "Rename", "rename: the name this speaker is shown and exported under"),
        Key("u", "undo", "Undo", "undo your latest merge, split or rename here; again for the one before"),
        Key("slash", "search", "Search", "search names and aliases", display="/"),
        Key("up,down", "", help="move (PgUp/PgDn, Home/End too)"),
        Key("escape", "back", "Back", "back to the review (or cancel a merge in progress)"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.all: list[SpeakerSummary] = []
        self.shown: list[SpeakerSummary] = []
        self.merging: SpeakerSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ search speakers and aliases", id="speaker-search", compact=True)
        self.table = VirtualTable(SPEAKER_COLUMNS, self._cells, id="speakers")
        yield self.table
        self.status = Static(id="speakers-status")
        yield self.status
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "speakers"
        self.table.focus()
        self._run(None)

    def _cells(self, position: int) -> list[Text]:
        s = self.shown[position]
        name = plain(s.name, "bold")
        if self.merging is not None and s.id == self.merging.id:
            name.stylize("reverse")
        others = [a for a in s.aliases if a != s.name]
        return [name, plain(s.kind), Text(f"{s.quote_count:,}"), Text(f"{len(s.documents):,}"),
                plain(", ".join(others), "dim")]

    def _show(self, keep_name: str | None = None) -> None:
        query = self.query_one("#speaker-search", Input).value.strip().casefold()
        self.shown = [s for s in self.all if not query or any(query in a.casefold() for a in [s.name, *s.aliases])]
        position = next((i for i, s in enumerate(self.shown) if keep_name in (s.name, *s.aliases)), 0)
        self.table.set_rows(len(self.shown), position)
        self._status()

    def _status(self, message: str | None = None) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {len(self.shown):,} of {len(self.all):,} speakers", style="bold")
        if self.merging is not None:
            text.append("   merging ", style="yellow")
            text.append_text(plain(self.merging.name, "bold yellow"))
            text.append(" with… (m on the other speaker, Esc cancels)", style="yellow")
        elif message:
            text.append("   ")
            text.append_text(plain(message, "dim"))
        self.status.update(text)

    @property
    def current(self) -> SpeakerSummary | None:
        return self.shown[self.table.cursor] if self.shown else None

    # -- actions --

    def action_merge(self) -> None:
        current = self.current
        if current is None:
            return
        if self.merging is None:
            self.merging = current
            self.table.refresh_rows()
            self._status()
            return
        if current.id == self.merging.id:
            self.notify("Pick the other speaker to merge with.", severity="warning")
            return
        first, self.merging = self.merging, None
        self.table.refresh_rows()
        self._status()

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(("merge", first, current), keep_name=current.name,
                          message=f"merged {first.name} and {current.name}")
            else:
                self._status("merge cancelled")

        self.app.push_screen(ConfirmPrompt("Merge these two speakers into one?",
                                           [_counted(first), _counted(current)], "Merge"), answered)

    def action_undo(self) -> None:
        self._run(("undo",))

    def action_split(self) -> None:
        current = self.current
        if current is None:
            return
        if len(current.aliases) < 2:
            self.notify("This speaker has one name only: nothing to split off.", severity="warning")
            return

        def chosen(alias: str | None) -> None:
            if alias:
                self._run(("split", alias), keep_name=alias, message=f"split {alias} off")

        self.app.push_screen(ChoicePrompt(f"Split which name off {current.name}?", current.aliases), chosen)

    def action_rename(self) -> None:
        current = self.current
        if current is None:
            return

        def written(name: str | None) -> None:
            if name and name.strip() and name.strip() != current.name:
                self._run(("rename", current.name, name), keep_name=" ".join(name.split()),
                          message=f"renamed {current.name} to {' '.join(name.split())}")

        self.app.push_screen(TextPrompt(f"Rename {current.name}", current.name), written)

    def action_search(self) -> None:
        self.query_one("#speaker-search", Input).focus()

    def action_back(self) -> None:
        if self.merging is not None:
            self.merging = None
            self.table.refresh_rows()
            self._status("merge cancelled")
        elif self.focused is not self.table:
            self.table.focus()
        else:
            self.dismiss(None)

    @on(Input.Changed, "#speaker-search")
    def _search(self) -> None:
        self._show(self.current.name if self.current else None)

    @on(Input.Submitted, "#speaker-search")
    def _searched(self) -> None:
        self.table.focus()

    # -- the store --

    @work(thread=True, exclusive=True, group="speakers")
    def _run(self, change: tuple | None, keep_name: str | None = None, message: str | None = None) -> None:
        """Apply one change (or none) and re-read the speakers, off the UI thread."""
        self.app.call_from_thread(setattr, self.table, "loading", True)
        db = self.session.open_store()
        try:
            by = self.session.reviewer
            if change is None:
                db.refresh_speakers_if_stale()
            elif change[0] == "merge":
                review.merge_speakers(db, change[1], change[2], by)
            elif change[0] == "split":
                review.split_alias(db, change[1], by)
            elif change[0] == "rename":
                review.rename_speaker(db, change[1], change[2], by)
            elif change[0] == "undo":
                message = review.undo_speaker_change(db, by)
            speakers = review.list_speakers(db)
        except (review.ReviewError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            speakers = None
        finally:
            db.close()
        self.app.call_from_thread(self._loaded, speakers, keep_name, message)

    def _loaded(self, speakers: list[SpeakerSummary] | None, keep_name: str | None, message: str | None) -> None:
        self.table.loading = False
        if speakers is not None:
            self.all = speakers
            self._show(keep_name)
            if message:
                self._status(message)
                self.notify(message[:1].upper() + message[1:])


def _counted(speaker: SpeakerSummary) -> Text:
    """``• name — 3 quotes in 2 documents``: what a merge would join, escaped."""
    line = Text("• ")
    line.append_text(plain(speaker.name, "bold"))
    quotes = f"{speaker.quote_count:,} quote{'' if speaker.quote_count == 1 else 's'}"
    docs = f"{len(speaker.documents):,} document{'' if len(speaker.documents) == 1 else 's'}"
    line.append(f" — {quotes} in {docs}")
    others = [a for a in speaker.aliases if a != speaker.name]
    if others:
        line.append("\n  also ", style="dim")
        line.append_text(plain(", ".join(others[:4]) + (", …" if len(others) > 4 else ""), "dim"))
    return line
