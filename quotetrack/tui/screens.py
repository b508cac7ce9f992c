"""The review screen (queue, detail, progress) and the speakers screen.

These only wire keys and widgets to :mod:`quotetrack.review`, which does
all reading and writing. A decision is written before the screen shows it:
if the write fails, the screen says so and shows nothing changed.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input

from .. import review
from ..domain import QUOTE_KINDS
from ..review import QueueFilter, QueueSort, ReviewError
from ..store import Selection, parse_statuses
from .dialogs import ExportDialog, KindPicker, SpeakerPicker, TextPrompt
from .widgets import QUEUE_COLUMNS, Choice, KeyBar, ProgressLine, QuoteView, VirtualTable, queue_cells

if TYPE_CHECKING:
    from .app import ReviewApp

HELP_TITLE = "quotetrack review — keys"
MOUSE_NOTES = (
    "Mouse: click a row to select it, click a column header to sort by it (again to reverse), "
    "scroll with the wheel, click the keys in the footer.",
    "Every decision is saved in the store the moment you make it; undo is saved the same way.",
)
POLL_SECONDS = 2.0


class ReviewScreen(Screen):
    """The queue of quotes on top, the selected quote in its paragraph below, progress at the bottom."""

    AUTO_FOCUS = "#queue"
    BINDINGS = [
        Binding("a", "confirm", "Confirm"),
        Binding("x", "reject", "Reject"),
        Binding("s", "speaker", "Speaker"),
        Binding("k", "kind", "Kind"),
        Binding("n", "note", "Note"),
        Binding("u", "undo", "Undo"),
        Binding("right_square_bracket", "next_pending(1)", "Next", key_display="]"),
        Binding("left_square_bracket", "next_pending(-1)", "Prev", key_display="["),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f", "status_filter(1)", "Status"),
        Binding("F", "status_filter(-1)", "Status back", show=False),
        Binding("o", "sort", "Sort", show=False),
        Binding("p", "speakers", "Speakers"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("e", "export", "Export"),
        Binding("escape", "focus_table", "Back to queue", show=False),
    ]
    HELP = [
        ("a", "confirm: the attribution is right; go to the next pending quote"),
        ("x", "reject: not a quote (or not worth keeping); go to the next pending quote"),
        ("s", "change speaker: fuzzy search over known speakers, or type a new name"),
        ("k", "change kind: direct, indirect or mixed"),
        ("n", "add or edit a note (empty removes it)"),
        ("u", "undo your last decision; again to go further back"),
        ("↑ ↓", "move in the queue (PgUp/PgDn, Home/End too)"),
        ("] [", "next / previous pending quote"),
        ("/", "search quote text and speaker names; Tab moves on to the other filters"),
        ("f F", "status filter: next / previous (in the filter boxes: ← → or a letter)"),
        ("o", "sort by the next column (click a header to sort by it)"),
        ("p", "speakers: merge, split an alias off, rename"),
        ("r", "refresh: take in other reviewers' decisions now (done every few seconds anyway)"),
        ("e", "export the JSON quote database"),
        ("Esc", "back from the filters to the queue"),
        ("?", "this help"),
        ("q", "quit"),
    ]

    app: ReviewApp

    def __init__(self, flt: QueueFilter, sort: QueueSort = QueueSort()) -> None:
        super().__init__()
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
            yield Input(placeholder="speaker", id="speaker-filter", compact=True, value=self.filter.speaker)
            yield Input(placeholder="document", id="doc-filter", compact=True, value=self.filter.document)
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
        self.sub_title = f"{self.app.reviewer} · {self.app.db_name}"
        self.queue = review.Queue(self.app.db)
        self.app.settle_heap()
        self._apply(keep=None)
        self.table.focus()
        self.set_interval(POLL_SECONDS, self.poll)

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
            self.detail.show(None if row is None else review.quote_detail(self.app.db, self.queue.ids[row]))
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
            decision = make(self.app.db, self.queue.ids[row], self.app.reviewer)
        except ReviewError as exc:
            self.notify(str(exc), severity="error", markup=False)
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
        names = review.speaker_names(self.app.db)
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
        current = self.app.db.review_state(quote_id).note or ""

        def written(note: str | None) -> None:
            if note is not None:
                self._decide(lambda c, q, by: review.set_note(c, quote_id, note, by))

        self.app.push_screen(TextPrompt("Note on this quote", current, "a note for the export (empty removes it)"),
                             written)

    def action_undo(self) -> None:
        try:
            decision = self.app.db.undo(self.app.reviewer)
        except review.UndoConflict as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        except ReviewError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._after(decision)
        row = self.queue.index.get(decision.quote_id)
        if row is not None and row in self.view:
            self.table.move_to(self.view.index(row))
        self.notify(f"Undone: {decision.before.status} → {decision.after.status}", markup=False)

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
            speaker=self.query_one("#speaker-filter", Input).value,
            document=self.query_one("#doc-filter", Input).value,
            confidence=confidence,
            search=self.query_one("#search", Input).value,
        )

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
            self.log.warning(f"poll failed: {exc}")
            return
        if changed is None:
            self.app.settle_heap()
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
        from .speakers import SpeakersScreen

        self.app.push_screen(SpeakersScreen(), lambda _: self.action_refresh_quiet())

    def action_refresh_quiet(self) -> None:
        self.queue.load()
        self.app.settle_heap()
        self._apply()

    def action_export(self) -> None:
        def chosen(answer: tuple[str, bool] | None) -> None:
            if answer:
                self._export(*answer)

        self.app.push_screen(ExportDialog(str(self.app.export_path)), chosen)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, path: str, all_statuses: bool) -> None:
        db = self.app.open_store()
        try:
            db.refresh_speakers_if_stale()  # every exported speaker id is the normaliser's
            count = db.write_export(path, "json", Selection() if all_statuses else Selection(statuses=parse_statuses("confirmed")))
        except (OSError, ValueError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", markup=False)
            return
        finally:
            db.close()
        what = "quotes with their status" if all_statuses else "confirmed quotes"
        self.app.call_from_thread(self.notify, f"Wrote {count:,} {what} to {path}", markup=False)
        self.app.call_from_thread(self.poll)

