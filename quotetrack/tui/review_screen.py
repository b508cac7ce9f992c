"""The review screen: the queue of quotes, the selected one in its paragraphs, progress, keys.

It only wires keys and widgets to :mod:`quotetrack.review`, which does all
reading and writing. A decision is written before the screen shows it: if
the write fails, the screen says so and shows nothing changed.
"""

from __future__ import annotations

import gc
import sqlite3

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input

from .. import review
from ..domain import QUOTE_KINDS
from ..review import QueueFilter, QueueRow, QueueSort, ReviewError
from ..store import Selection, parse_statuses
from ..text import visible
from .dialogs.export_dialog import ExportChoice, ExportDialog
from .dialogs.kind_picker import KindPicker
from .dialogs.speaker_picker import SpeakerPicker
from .dialogs.text_prompt import TextPrompt
from .drawing import STATUS_STYLES, as_given, plain
from .keys import Key, bindings
from .session import Session
from .speakers_screen import SpeakersScreen
from .widgets.choice import Choice
from .widgets.key_bar import KeyBar
from .widgets.progress_line import ProgressLine
from .widgets.quote_view import QuoteView
from .widgets.virtual_table import Column, VirtualTable

POLL_SECONDS = 2.0

QUEUE_COLUMNS = [
    Column("document", "document", 16),
    Column("speaker", "speaker", 22),
    Column("kind", "kind", 8),
    Column("confidence", "conf", 5, "right"),
    Column("status", "status", 11),
    Column("text", "quote", None),
]


def queue_cells(row: QueueRow) -> list[Text]:
    """The table cells of one queue row."""
    speaker = plain(row.speaker or "-", Style(dim=True) if not row.speaker else "")
    if row.corrected_speaker:
        speaker.stylize(Style(italic=True, color="cyan"))
    kind = plain(row.kind, Style(italic=True, color="cyan") if row.corrected_kind else "")
    status = plain(row.status, STATUS_STYLES.get(row.status, ""))
    if row.note:
        status.append(" ✎", style=Style(dim=True))
    return [
        plain(row.doc_id),
        speaker,
        kind,
        Text(f"{row.confidence:.2f}"),
        status,
        plain(" ".join(row.text.split()), Style(dim=True)),
    ]


class ReviewScreen(Screen):
    """The queue of quotes on top, the selected quote in its paragraph below, progress at the bottom."""

    AUTO_FOCUS = "#queue"
    HELP_TITLE = "quotetrack review — keys"
    ACTIONS = (
        Key("a", "confirm", "Confirm", "confirm: the attribution is right; go to the next pending quote"),
        Key("x", "reject", "Reject", "reject: not a quote (or not worth keeping); go to the next pending quote"),
        Key("s", "speaker", "Speaker", "change speaker: fuzzy search over known speakers, or type a new name"),
        Key("k", "kind", "Kind", "change kind: direct, indirect or mixed"),
        Key("n", "note", "Note", "add or edit a note (empty removes it)"),
        Key("u", "undo", "Undo", "undo your last decision; again to go further back"),
        Key("up,down", "", help="move in the queue (PgUp/PgDn, Home/End too)"),
        Key("right_square_bracket", "next_pending(1)", "Next", "next / previous pending quote", display="]"),
        Key("left_square_bracket", "next_pending(-1)", "Prev", display="["),
        Key("slash", "search", "Search", "search quote text and speaker names; Tab moves on to the other filters",
            display="/"),
        Key("f", "status_filter(1)", "Status", "status filter: next / previous (in the filter boxes: ← → or a letter)"),
        Key("F", "status_filter(-1)", "Status back", show=False),
        Key("o", "sort", "Sort", "sort by the next column (click a header to sort by it)", show=False),
        Key("p", "speakers", "Speakers", "speakers: merge, split an alias off, rename"),
        Key("r", "refresh", "Refresh", "refresh: take in other reviewers' decisions now (done every few seconds anyway)",
            show=False),
        Key("e", "export", "Export", "export the JSON quote database"),
        Key("escape", "focus_table", "Back to queue", "back from the filters to the queue", show=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, session: Session, flt: QueueFilter, sort: QueueSort = QueueSort()) -> None:
        super().__init__()
        self.session = session
        self.filter = flt
        self.sort = sort
        self.view: list[int] = []
        self.last_decision: review.Decision | None = None  # what the screen last showed as saved
        self.pending_shown = 0
        self._debounce: Timer | None = None
        self._search_warming = False

    # -- layout --

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="/ search quotes and speakers", id="search", compact=True)
            yield Choice(review.STATUS_FILTERS, "any status", self.filter.status, id="status-filter")
            yield Choice(QUOTE_KINDS, "any kind", self.filter.kind, id="kind-filter")
            yield Input(placeholder="speaker", id="speaker-filter", compact=True,
                        value=visible(self.filter.speaker, one_line=True))
            yield Input(placeholder="document", id="doc-filter", compact=True,
                        value=visible(self.filter.document, one_line=True))
            yield Input(placeholder="conf e.g. <0.5", id="conf-filter", compact=True)
        self.table = VirtualTable(QUEUE_COLUMNS, self._cells, id="queue")
        yield self.table
        with VerticalScroll(id="detail"):
            self.detail = QuoteView(id="quote")
            yield self.detail
        self.progress = ProgressLine(id="progress")
        yield self.progress
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = self.session.title
        self.queue = review.Queue(self.session.store)
        self._queue_loaded()
        self._apply(keep=None)
        self.table.focus()
        self.set_interval(POLL_SECONDS, self.poll)

    def _queue_loaded(self) -> None:
        """Take the queue just (re)loaded out of the garbage collector's full passes.

        The queue holds a score of lists of 100,000 items; every so often
        Python's cycle collector walks all of them, which took 40-60 ms in
        the middle of a key press (the slow tail of every key). Nothing in
        them forms cycles (they are freed by reference counting on a reload),
        so they are frozen after each load and unfrozen when the screen goes.
        """
        gc.collect()
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    # -- the view --

    def _cells(self, position: int) -> list[Text]:
        return queue_cells(self.queue.row(self.view[position]))

    @property
    def current(self) -> int | None:
        """The queue row under the cursor (None when the view is empty)."""
        if not self.view:
            return None
        return self.view[min(self.table.cursor, len(self.view) - 1)]

    def _apply(self, keep: str | None = "cursor") -> None:
        """Recompute the view from the filter and sort; the cursor stays on its quote if still shown."""
        quote_id = self.queue.ids[self.current] if keep == "cursor" and self.current is not None else None
        self.view = self.queue.select(self.filter, self.sort)
        self.table.sort_column, self.table.sort_reverse = self.sort.column, self.sort.reverse
        position = 0
        if quote_id is not None:
            row = self.queue.index.get(quote_id)
            try:
                position = self.view.index(row)
            except ValueError:
                position = 0
        self.table.set_rows(len(self.view), position)
        self.pending_shown = self.queue.pending_in(self.view)
        self._show_detail()
        self._show_progress()

    def _show_detail(self) -> None:
        row = self.current
        if row is None and not len(self.queue):
            self.detail.show(None, "No quotes in this store yet: run `quotetrack extract` first.")
        else:
            self.detail.show(None if row is None else review.quote_detail(self.session.store, self.queue.ids[row]))
        panel = self.query_one("#detail", VerticalScroll)
        if panel.scroll_y:
            panel.scroll_home(animate=False)

    def _show_progress(self) -> None:
        self.progress.show(self.queue.progress(), len(self.view), self.pending_shown, self.sort, self.filter)

    @on(VirtualTable.CursorMoved, "#queue")
    def _moved(self) -> None:
        self._show_detail()

    @on(VirtualTable.HeaderClicked, "#queue")
    def _header(self, event: VirtualTable.HeaderClicked) -> None:
        column = event.column if event.column in review.SORT_COLUMNS else None
        if column is None:
            return
        reverse = not self.sort.reverse if column == self.sort.column else False
        self.sort = QueueSort(column, reverse)
        self._apply()

    # -- decisions --

    def _decide(self, make, advance: bool = False) -> review.Decision | None:
        row = self.current
        if row is None:
            self.notify("Nothing selected.", severity="warning")
            return None
        try:
            decision = make(self.session.store, self.queue.ids[row], self.session.reviewer)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return None
        self._after(decision)
        if advance:
            self._go_to_pending(1)
        return decision

    def _after(self, decision: review.Decision) -> None:
        self.last_decision = decision
        row = self.queue.apply(decision)
        if row is not None and (row == self.current or row in self.view):
            self.pending_shown += (decision.after.status == "pending") - (decision.before.status == "pending")
        self.table.refresh_rows()
        self._show_detail()
        self._show_progress()

    def _go_to_pending(self, step: int) -> None:
        position = review.next_pending(self.queue, self.view, self.table.cursor, step)
        if position is None:
            self.notify("No pending quotes left in this view.")
        else:
            self.table.move_to(position)

    def action_confirm(self) -> None:
        self._decide(review.confirm, advance=True)

    def action_reject(self) -> None:
        self._decide(review.reject, advance=True)

    def action_next_pending(self, step: int) -> None:
        if self.view:
            self._go_to_pending(step)

    def action_speaker(self) -> None:
        row = self.current
        if row is None:
            return
        names = review.speaker_names(self.session.store)
        quote_id = self.queue.ids[row]

        def chosen(name: str | None) -> None:
            if name:
                self._decide(lambda c, q, by: review.set_speaker(c, quote_id, name, by))

        self.app.push_screen(SpeakerPicker(names, self.queue.speakers[row]), chosen)

    def action_kind(self) -> None:
        row = self.current
        if row is None:
            return
        quote_id = self.queue.ids[row]

        def chosen(kind: str | None) -> None:
            if kind:
                self._decide(lambda c, q, by: review.set_kind(c, quote_id, kind, by))

        self.app.push_screen(KindPicker(self.queue.kind(row)), chosen)

    def action_note(self) -> None:
        row = self.current
        if row is None:
            return
        quote_id = self.queue.ids[row]
        current = self.session.store.review_state(quote_id).note or ""

        def written(note: str | None) -> None:
            if note is not None:
                self._decide(lambda c, q, by: review.set_note(c, quote_id, note, by))

        self.app.push_screen(TextPrompt("Note on this quote", current, "a note for the export (empty removes it)"),
                             written)

    def action_undo(self) -> None:
        try:
            decision = self.session.store.undo(self.session.reviewer)
        except ReviewError as exc:  # nothing to undo, or passed over (UndoConflict: changed by someone since)
            self.notify(str(exc), severity="warning")
            return
        self._after(decision)
        row = self.queue.index.get(decision.quote_id)
        if row is not None and row in self.view:
            self.table.move_to(self.view.index(row))
        self.notify(f"Undone: {decision.before.status} → {decision.after.status}")

    # -- filters, sort, search --

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_sort(self) -> None:
        columns = review.SORT_COLUMNS
        following = columns[(columns.index(self.sort.column) + 1) % len(columns)]
        self.sort = QueueSort(following)
        self._apply()

    def _read_filters(self) -> QueueFilter | None:
        status = self.query_one("#status-filter", Choice).value
        kind = self.query_one("#kind-filter", Choice).value
        conf_input = self.query_one("#conf-filter", Input)
        try:
            confidence = review.parse_confidence(conf_input.value)
            conf_input.remove_class("-invalid")
        except ValueError:
            conf_input.add_class("-invalid")
            confidence = self.filter.confidence
        return QueueFilter(
            status=status,
            kind=kind,
            speaker=self._box("#speaker-filter", self.filter.speaker),
            document=self._box("#doc-filter", self.filter.document),
            confidence=confidence,
            search=self.query_one("#search", Input).value,
        )

    def _box(self, selector: str, current: str) -> str:
        """A filter box's value; one still showing the current value (as opened with ``--doc ID``) keeps it."""
        return as_given(self.query_one(selector, Input).value, current)

    def _filters_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        flt = self._read_filters()
        if flt is not None and flt != self.filter:
            self.filter = flt
            self._apply()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.15, self._filters_changed)
        if event.input.id == "search" and not self._search_warming:
            self._search_warming = True
            self.call_after_refresh(self._warm_search)

    def _warm_search(self) -> None:
        """Between key presses (after the typed character is on screen): look for what is typed so
        far, so that applying the search later (Enter, or the pause) finds only the newest
        characters left to look for. One pass at most per screen refresh, however fast the typing."""
        self._search_warming = False
        self.queue.prepare_search(self.query_one("#search", Input).value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._filters_changed()
        self.table.focus()

    @on(Choice.Changed)
    def _chosen(self) -> None:
        if self.is_mounted and hasattr(self, "queue"):
            self._filters_changed()

    @on(Choice.Submitted)
    def _choice_done(self) -> None:
        self.table.focus()

    def action_status_filter(self, step: int) -> None:
        """From anywhere on the screen: the next (or previous) status filter, applied at once."""
        self.query_one("#status-filter", Choice).action_step(step)

    # -- the rest --

    def poll(self) -> None:
        """Take in decisions made by other reviewers (and re-extractions) since the last look."""
        try:
            changed = self.queue.poll()
        except sqlite3.Error as exc:  # a busy store: try again next time
            self.log.warning(visible(f"poll failed: {exc}"))
            return
        if changed is None:  # the quotes changed: the queue was read again
            self._queue_loaded()
            self._apply()
        elif changed:
            self.pending_shown = self.queue.pending_in(self.view)
            self.table.refresh_rows()
            if self.current in changed:
                self._show_detail()
            self._show_progress()

    def action_refresh(self) -> None:
        self.poll()
        self.notify("Up to date with the store.")

    def action_speakers(self) -> None:
        self.app.push_screen(SpeakersScreen(self.session), lambda _: self._back_from_speakers())

    def _back_from_speakers(self) -> None:
        """Speakers may have been merged, split or renamed: the queue's names are read again."""
        self.queue.load()
        self._queue_loaded()
        self._apply()

    def action_export(self) -> None:
        def chosen(choice: ExportChoice | None) -> None:
            if choice:
                self._export(choice)

        self.app.push_screen(ExportDialog(str(self.session.export_path)), chosen)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, choice: ExportChoice) -> None:
        db = self.session.open_store()
        try:
            db.refresh_speakers_if_stale()  # every exported speaker id is the normaliser's
            selection = Selection() if choice.all_statuses else Selection(statuses=parse_statuses("confirmed"))
            count = db.write_export(choice.path, "json", selection)
        except (OSError, ValueError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc}", severity="error")
            return
        finally:
            db.close()
        what = "quotes with their status" if choice.all_statuses else "confirmed quotes"
        self.app.call_from_thread(self.notify, f"Wrote {count:,} {what} to {choice.path}")
        self.app.call_from_thread(self.poll)

