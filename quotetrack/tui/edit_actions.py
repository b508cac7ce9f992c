"""The review screen's keys that fix quotes: their words (``b``), a missed quote (``+``), skip
(``space``), flag (``!``) and reject with a reason (``X``).

A mixin of :class:`~quotetrack.tui.review_screen.ReviewScreen`: it uses the screen's queue,
cursor and ``_decide`` / ``_after``, and only wires keys and dialogs to
:mod:`quotetrack.review.edits`, which does the work.
"""

from __future__ import annotations

from dataclasses import replace

from .. import review
from ..review import ReviewError, SpanChoice, paragraph_of
from .dialogs.choice_prompt import ChoicePrompt
from .dialogs.kind_picker import KindPicker
from .dialogs.span_editor import SpanEditor
from .dialogs.speaker_picker import SpeakerPicker
from .dialogs.text_prompt import TextPrompt
from .keys import Key

OTHER_REASON = "other…"
OPENING_MARKS = "“\"«„‘'‹"

# Rows of the review screen's action table (in its ACTIONS). In the help, not the key bar: at 120
# columns the bar is full, and ? and q must stay on it.
EDIT_KEYS = (
    Key("b", "span", "Words", "edit the quote's words: ←/→ move the end edge by a word, Tab the start edge, "
        "Enter saves, Esc cancels", show=False),
    Key("plus", "add_quote", "Add", "add a quote the extractor missed, in this paragraph (↑↓ another one): "
        "its words, then speaker and kind", display="+", show=False),
    Key("space", "skip", "Skip", "skip: leave the quote pending and go to the next pending one", show=False),
    Key("exclamation_mark", "flag", "Flag", "flag for a second look (again: unflag)", display="!", show=False),
    Key("asterisk", "flagged_only", "Flagged", "show only flagged quotes (again: all of them)", display="*",
        show=False),
    Key("X", "reject_reason", "Reject why", "reject, saying why (not a quote, wrong words, page furniture, …)",
        show=False),
)


class EditActions:
    """Keys that fix quotes, for the review screen."""

    def _shared(self, what: str) -> bool:
        """In a blind review, refuse a change every reviewer would see (True: refused, and said so)."""
        if self.session.blind:
            self.notify(f"Not in a blind review: {what}.", severity="warning")
        return self.session.blind

    def _stored_current(self):
        row = self.current
        if row is None:
            self.notify("Nothing selected.", severity="warning")
            return None
        stored = self.session.store.quote(self.queue.ids[row])
        if stored is None:
            self.notify("This quote is gone (re-extracted?).", severity="warning")
        return stored

    def action_span(self) -> None:
        if self._shared("changed words are seen by every reviewer"):
            return
        stored = self._stored_current()
        if stored is None:
            return
        q = stored.quote
        choice = SpanChoice(stored.doc_text, paragraph_of(stored.doc_text, q.start, q.end), q.start, q.end)

        def chosen(span: tuple[int, int] | None) -> None:
            if span:
                self._decide(lambda db, _, by: review.edit_span(db, stored.id, span[0], span[1], by))

        self.app.push_screen(SpanEditor("Words of this quote", choice), chosen)

    def action_add_quote(self) -> None:
        if self._shared("an added quote is seen by every reviewer"):
            return
        stored = self._stored_current()
        if stored is None:
            return
        text = stored.doc_text
        choice = SpanChoice(text, paragraph_of(text, stored.quote.start))

        def picked(span: tuple[int, int] | None) -> None:
            if span:
                self._add_speaker(stored.doc_id, span)

        self.app.push_screen(SpanEditor("Add a quote the extractor missed: its words", choice, paragraphs=True),
                             picked)

    def _add_speaker(self, doc_id: str, span: tuple[int, int]) -> None:
        def named(name: str | None) -> None:
            if name is None:
                self.notify("Not added.")
                return
            words = self.session.store.document_text(doc_id)[span[0]:span[1]]
            guess = "direct" if words.lstrip()[:1] in OPENING_MARKS else "indirect"
            self.app.push_screen(KindPicker(guess), lambda kind: self._add(doc_id, span, name, kind))

        self.app.push_screen(SpeakerPicker(self._speaker_choices, None), named)

    def _add(self, doc_id: str, span: tuple[int, int], speaker: str, kind: str | None) -> None:
        if not kind:
            self.notify("Not added.")
            return
        try:
            decision = review.add_quote(self.session.store, doc_id, span[0], span[1], kind, speaker,
                                        self.session.reviewer)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.last_decision = decision
        self._reload_queue(decision.quote_id)  # the cursor on the new quote, confirmed, says it is added

    def _reload_queue(self, quote_id: str | None = None) -> None:
        """The quotes themselves changed (one added or taken back): read the queue again, the cursor
        on ``quote_id`` when it is in the view."""
        self.queue.load()  # one quote more or less: no collector pass (``_queue_loaded``), which costs a key press
        self._apply(row=self.queue.index.get(quote_id) if quote_id else None)  # the cursor on it when shown

    def _reload_if_quotes_changed(self) -> None:
        if self.queue.db.queue_signature() != self.queue.signature:
            self._reload_queue()

    def action_skip(self) -> None:
        if len(self.view):
            self._go_to_pending(1)

    def action_flag(self) -> None:
        if self._shared("a flag is seen by every reviewer"):
            return
        row = self.current
        if row is None:
            return
        try:
            flagged = review.toggle_flag(self.session.store, self.queue.ids[row], self.session.reviewer)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.poll()  # the flag is in the audit log: the row and the detail are read again
        self.notify("Flagged for a second look." if flagged else "Flag taken off.")

    def action_flagged_only(self) -> None:
        if self._shared("flags are every reviewer's"):
            return
        self.filter = replace(self.filter, flagged=not self.filter.flagged)
        self._apply()
        self.notify("Flagged quotes only." if self.filter.flagged else "All quotes.")

    def action_reject_reason(self) -> None:
        if self._shared("a reject reason is seen by every reviewer (x rejects)"):
            return
        row = self.current
        if row is None:
            return
        quote_id = self.queue.ids[row]

        def reject(reason: str | None) -> None:
            if reason:
                self._decide(lambda db, _, by: review.reject_because(db, quote_id, reason, by), advance=True)

        def chosen(reason: str | None) -> None:
            if reason == OTHER_REASON:
                self.app.push_screen(TextPrompt("Why reject this quote?", "", "a few words"), reject)
            else:
                reject(reason)

        counts = self.session.store.reject_reasons()  # how often each was given: the reasons are counted
        reasons = [*review.REJECT_REASONS, *(r for r in counts if r and r not in review.REJECT_REASONS)]
        labels = {f"{r}  ({counts[r]})" if counts.get(r) else r: r for r in reasons}
        labels[OTHER_REASON] = OTHER_REASON
        self.app.push_screen(ChoicePrompt("Why reject this quote?", list(labels)),
                             lambda label: chosen(labels.get(label) if label else None))
