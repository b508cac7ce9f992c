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
from ..review import QueueFilter, QueueRow, QueueSort, ReviewError, View
from ..store import QueueTooSlow, Selection, parse_statuses
from ..text import visible
from .background import KEY_BUDGET, Background
from .dialogs.export_dialog import ExportChoice, ExportDialog
from .dialogs.kind_picker import KindPicker
from .dialogs.speaker_picker import SpeakerPicker
from .dialogs.text_prompt import TextPrompt
from .drawing import STATUS_STYLES, as_given, plain
from .edit_actions import EDIT_KEYS, EditActions
from .keys import Key, bindings
from .session import Session
from .speakers_screen import SpeakersScreen
from .unplaced_screen import UnplacedScreen
from .widgets.choice import Choice
from .widgets.key_bar import KeyBar
from .widgets.progress_line import ProgressLine
from .widgets.quote_view import QuoteView
from .widgets.virtual_table import Column, VirtualTable

POLL_SECONDS = 2.0
FAR_ROWS = 200  # a row this far from those read is read in the background while the table draws "…"

QUEUE_COLUMNS = [  # at 80 columns the first ones narrow to their least, so the quote keeps some room
    Column("document", "document", 16, min_width=8),
    Column("speaker", "speaker", 22, min_width=11),
    Column("kind", "kind", 8),
    Column("confidence", "conf", 5, "right"),
    Column("status", "status", 11, min_width=9),
    Column("text", "quote", None),
]


def waiting_cells() -> list[Text]:
    """A row not read yet (the table was scrolled far at once): it comes in a moment."""
    return [plain("…", Style(dim=True)) for _ in QUEUE_COLUMNS]


def queue_cells(row: QueueRow) -> list[Text]:
    """The table cells of one queue row."""
    speaker = plain(row.speaker or "-", Style(dim=True) if not row.speaker else "")
    if row.corrected_speaker:
        speaker.stylize(Style(italic=True, color="cyan"))
    kind = plain(row.kind, Style(italic=True, color="cyan") if row.corrected_kind else "")
    status = plain(row.status, STATUS_STYLES.get(row.status, ""))
    if row.note:
        status.append(" ✎", style=Style(dim=True))
    if row.flagged:
        status.append(" ⚑", style=Style(color="magenta", bold=True))
    return [
        plain(row.doc_id),
        speaker,
        kind,
        Text(f"{row.confidence:.2f}"),
        status,
        plain(" ".join(row.text.split()), Style(dim=True)),
    ]


class ReviewScreen(EditActions, Screen):
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
        *EDIT_KEYS,  # fix the quote itself: its words, a missed quote, skip, flag, reject with a reason
        Key("up,down", "", help="move in the queue (PgUp/PgDn, Home/End too)"),
        Key("right_square_bracket", "next_pending(1)", "Next", "next / previous pending quote", display="]"),
        Key("left_square_bracket", "next_pending(-1)", "Prev", display="["),
        Key("slash", "search", "Search", "search quote text and speaker names; Tab moves on to the other filters",
            display="/"),
        Key("f", "status_filter(1)", "Status", "status filter: next / previous (in the filter boxes: ← → or a letter)"),
        Key("F", "status_filter(-1)", "Status back", show=False),
        Key("o", "sort", "Sort", "sort by the next column (click a header to sort by it)", show=False),
        Key("p", "speakers", "Speakers", "speakers: merge, split an alias off, rename"),
        Key("L", "unplaced", "Not placed", "reviews a re-extraction could not place on the changed text (kept): list, dismiss",
            show=False),
        Key("r", "refresh", "Refresh", "refresh: take in other reviewers' decisions now (done every few seconds anyway)",
            show=False),
        Key("e", "export", "Export", "export the JSON quote database"),
        Key("escape", "focus_table", "Back to queue", "clear the search; back from the filters to the queue", show=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, session: Session, flt: QueueFilter, sort: QueueSort = QueueSort()) -> None:
        super().__init__()
        self.session = session
        self.filter = flt
        self.sort = sort
        self.view: View | list[int] = []
        self.last_decision: review.Decision | None = None  # what the screen last showed as saved
        self.pending_shown: int | None = 0
        self.working = ""  # what is being read in the background, for the progress line
        self._wanted = 0  # views asked for: a view read in the background is shown only if still wanted
        self._debounce: Timer | None = None
        self._search_warming = False
        self.background = Background(session)

    # -- layout --

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="/ search quotes and speakers", id="search", compact=True)
            yield Choice(self.session.status_filters, "any status", self.filter.status, id="status-filter")
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
        self.queue = self.session.queue()
        self._queue_loaded()
        self._apply(keep=None)
        self.table.focus()
        self.set_interval(POLL_SECONDS, self.poll)
        unplaced = self.session.store.unplaced_count()
        if unplaced:
            what = "1 review" if unplaced == 1 else f"{unplaced:,} reviews"
            self.notify(f"{what} could not be placed after their article changed; kept: L lists them",
                        severity="warning", timeout=15)

    def _queue_loaded(self) -> None:
        """Take what the app holds (widgets, styles, imported modules) out of the collector's full passes.

        Every so often Python's cycle collector walks every object alive, which
        took 40-60 ms in the middle of a key press (the slow tail of every key)
        when the queue held every quote; the queue keeps a window now, but the
        app's own objects are still many thousands. Nothing of them is freed by
        the collector, so they are frozen once the queue is (re)read, and
        unfrozen when the screen goes.
        """
        gc.collect()
        gc.freeze()

    def on_unmount(self) -> None:
        self.background.stop()
        gc.unfreeze()

    # -- the view --

    def _cells(self, position: int) -> list[Text]:
        view = self.view
        row = view.peek(position) if isinstance(view, View) else view[position]
        if row is None:
            if not self._near(position):
                self._read_later(position)
                return waiting_cells()
            try:
                with self.session.store.queue_budget(KEY_BUDGET):
                    row = view[position]
            except QueueTooSlow:
                self._read_later(position)
                return waiting_cells()
            except IndexError:
                return waiting_cells()
        if isinstance(view, View):  # the rows on screen, read at once rather than one by one
            top = round(self.table.scroll_y)
            self.queue.fetch([r for p in range(top, top + self.table.size.height)
                              if (r := view.peek(p)) is not None])
        return queue_cells(self.queue.row(row))

    def _near(self, position: int) -> bool:
        view = self.view
        if not isinstance(view, View) or not view.rows:
            return True
        return view.base - FAR_ROWS <= position < view.base + len(view.rows) + FAR_ROWS

    @property
    def current(self) -> int | None:
        """The queue row under the cursor (None when the view is empty)."""
        if not len(self.view):
            return None
        try:
            return self.view[min(self.table.cursor, len(self.view) - 1)]
        except IndexError:  # the view lost rows at its end since it was read
            return None

    def _apply(self, keep: str | None = "cursor", row: int | None = None) -> None:
        """Recompute the view from the filter and sort; the cursor stays on its quote (or goes to
        ``row``) if still shown.

        Read under a budget: when it takes longer (a store of millions), the
        view is read in the background and shown when ready; the screen stays
        on the old one meanwhile, and says so.
        """
        row = row if row is not None else self.current if keep == "cursor" else None
        self._wanted += 1
        view = self.queue.view(self.filter, self.sort)
        try:
            with self.session.store.queue_budget(KEY_BUDGET):
                view.open(counts=False)
                position = _place(view, row)
        except QueueTooSlow:
            self.working = "searching…" if self.filter.search else "reading…"
            self._show_progress()
            self._view_later(view, row, self._wanted)
            return
        self._show_view(view, position)

    @work(thread=True, group="view")
    def _view_later(self, view: View, row: int | None, wanted: int) -> None:
        def read(db):
            with view.reading_with(db):
                view.open(counts=False)
                return _place(view, row)

        position = self.background.run("view", read)
        if position is not None:
            self.app.call_from_thread(self._view_ready, view, position, wanted)

    def _view_ready(self, view: View, position: int, wanted: int) -> None:
        if wanted == self._wanted:
            self._show_view(view, position)

    def _show_view(self, view: View, position: int) -> None:
        self.view = view
        self.working = ""
        self.table.sort_column, self.table.sort_reverse = self.sort.column, self.sort.reverse
        if view.count is None or view.pending is None:
            # A search too large to read whole is counted with its hits (hundreds of ms for a
            # word in millions of quotes): straight to the background, not first tried here.
            if not (view.query.search and not view.whole):
                try:
                    with self.session.store.queue_budget(KEY_BUDGET / 2):
                        view.try_counts()
                except QueueTooSlow:
                    pass
            if view.count is None or view.pending is None:
                self._count_later(view)
        self.table.set_rows(len(view), position)
        self.pending_shown = view.pending_now()
        self._show_detail()
        self._show_progress()

    @work(thread=True, group="count")
    def _count_later(self, view: View) -> None:
        def read(db):
            with view.clone().reading_with(db) as twin:
                return twin.counted()

        numbers = self.background.run("count", read)
        if numbers is not None:
            self.app.call_from_thread(self._counted, view, numbers)

    def _counted(self, view: View, numbers: tuple[int, int]) -> None:
        if view is not self.view:
            return
        if view.count is None:
            view.count = numbers[0]
        view.pending = self.pending_shown = numbers[1]
        self.table.resize_rows(len(view))
        self._show_progress()

    @work(thread=True, group="read")
    def _read_later(self, position: int) -> None:
        """Read the view around a far row (the table was scrolled there at once), then draw it."""
        view = self.view
        if not isinstance(view, View):
            return

        def read(db):
            with view.clone().reading_with(db) as twin:
                twin[position]
                return twin

        twin = self.background.run("read", read)
        if twin is not None:
            self.app.call_from_thread(self._read_ready, view, twin)

    def _read_ready(self, view: View, twin: View) -> None:
        if view is self.view:
            view.adopt(twin)
            self.table.refresh_rows()

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
        counted = not isinstance(self.view, View) or self.view.count is not None
        self.progress.show(self.queue.progress(), len(self.view), self.pending_shown, self.sort, self.filter,
                           counting=not counted or self.pending_shown is None, working=self.working)

    @on(VirtualTable.CursorMoved, "#queue")
    def _moved(self) -> None:
        if len(self.view) != self.table.row_count:  # reading on found the view's end (or more of it)
            self.table.resize_rows(len(self.view))
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
        except sqlite3.Error as exc:  # damaged, read-only, full: say so and keep the screen
            self.notify(self.session.store_failed(exc), severity="error", timeout=30)
            return None
        self._after(decision)
        if advance:
            self._go_to_pending(1)
        return decision

    def _after(self, decision: review.Decision) -> None:
        self.last_decision = decision
        current = self.current
        row = self.queue.apply(decision)
        if row is not None and self.pending_shown is not None and (row == current or self._shows(row)):
            self.pending_shown += (decision.after.status == "pending") - (decision.before.status == "pending")
        self.table.refresh_rows()
        self._show_detail()
        self._show_progress()

    def _shows(self, row: int) -> bool:
        """Whether the view holds the row (asked of the store within the budget; else: not known, no)."""
        try:
            with self.session.store.queue_budget(KEY_BUDGET):
                return row in self.view
        except QueueTooSlow:
            return False

    def _go_to_pending(self, step: int) -> None:
        view, cursor = self.view, self.table.cursor
        try:
            with self.session.store.queue_budget(KEY_BUDGET):
                position = review.next_pending(self.queue, view, cursor, step)
        except QueueTooSlow:
            self._pending_later(view, cursor, step)
            return
        self._to_pending(position)

    def _to_pending(self, position: int | None) -> None:
        if position is None:
            self.notify("No pending quotes left in this view.")
        else:
            self.table.move_to(position)

    @work(thread=True, group="pending")
    def _pending_later(self, view: View, cursor: int, step: int) -> None:
        def read(db):
            with view.clone().reading_with(db) as twin:
                return twin, twin.next_pending(cursor, step)

        found = self.background.run("pending", read)
        if found is not None:
            self.app.call_from_thread(self._pending_ready, view, *found)

    def _pending_ready(self, view: View, twin: View, position: int | None) -> None:
        if view is self.view:
            view.adopt(twin)
            self._to_pending(position)

    def action_confirm(self) -> None:
        self._decide(review.confirm, advance=True)

    def action_reject(self) -> None:
        self._decide(review.reject, advance=True)

    def action_next_pending(self, step: int) -> None:
        if len(self.view):
            self._go_to_pending(step)

    def action_speaker(self) -> None:
        row = self.current
        if row is None:
            return
        quote_id = self.queue.ids[row]

        def chosen(name: str | None) -> None:
            if name:
                self._decide(lambda c, q, by: review.set_speaker(c, quote_id, name, by))

        self.app.push_screen(SpeakerPicker(self._speaker_choices, self.queue.speakers[row]), chosen)

    def _speaker_choices(self, typed: str) -> list[review.SpeakerChoice]:
        """The picker's speakers for what is typed, read from the store at each change (a bounded
        read: every speaker with its count, read ahead, took seconds of CPU on millions of quotes)."""
        return review.picker_choices(self.session.store, typed)

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
        except sqlite3.Error as exc:
            self.notify(self.session.store_failed(exc), severity="error", timeout=30)
            return
        self._after(decision)
        self._reload_if_quotes_changed()  # an added quote taken back
        row = self.queue.index.get(decision.quote_id)
        if row is not None:
            try:
                with self.session.store.queue_budget(KEY_BUDGET):
                    self.table.move_to(self.view.index(row))
            except (ValueError, QueueTooSlow):  # not in the view (or too far to find at once): the cursor stays
                pass
        self.notify(f"Undone: {decision.before.status} → {decision.after.status}")

    # -- filters, sort, search --

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        """Esc: from the search box or the queue, clears the search (the whole queue again); from the
        other filters, back to the queue keeping them."""
        search = self.query_one("#search", Input)
        if search.value and self.focused in (search, self.table):
            search.value = ""
            self._filters_changed()
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
            flagged=self.filter.flagged,  # no box of its own: the * key (edit_actions)
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
        try:
            with self.session.store.queue_budget(KEY_BUDGET / 2):
                self.queue.prepare_search(self.query_one("#search", Input).value)
        except QueueTooSlow:  # only a head start: applying the search reads what is missing
            pass

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
            if isinstance(self.view, View):
                if self.view.whole:
                    self.pending_shown = self.view.pending_now()
                else:  # counted again in the background: the view is too large to look through
                    self._count_later(self.view)
            self.table.refresh_rows()
            if self.current in changed:
                self._show_detail()
            self._show_progress()

    def action_refresh(self) -> None:
        self.poll()
        self.notify("Up to date with the store.")

    def action_speakers(self) -> None:
        if self._shared("the speakers screen (every reviewer's corrections, changes for all)"):
            return
        self.app.push_screen(SpeakersScreen(self.session), lambda _: self._back_from_speakers())

    def action_unplaced(self) -> None:
        if self._shared("the reviews a re-extraction left unplaced (every reviewer's)"):
            return
        self.app.push_screen(UnplacedScreen(self.session))

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
            count = db.write_export(choice.path, choice.fmt, selection)
        except (OSError, ValueError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc}", severity="error")
            return
        finally:
            db.close()
        what = "quotes with their status" if choice.all_statuses else "confirmed quotes"
        self.app.call_from_thread(self.notify, f"Wrote {count:,} {what} to {choice.path}")
        self.app.call_from_thread(self.poll)


def _place(view: View, row: int | None) -> int:
    """Where ``row`` stands in ``view`` (read around it); the top when it is not there."""
    if row is None:
        return 0
    try:
        return view.index(row)
    except ValueError:
        return 0
