"""Reviewers' fixes to the quotes themselves: changed words, added quotes, flags, reasons to reject.

A quote's row holds its words as they stand (``text == doc[start:end]``
always), so the queue, the search and the export see a fix at once; what
a reviewer did is kept apart, in tables a re-extraction does not replace:

- ``span_edits``: the words a reviewer gave a quote, and those extraction
  gave it (the export keeps both);
- ``added_quotes``: quotes a reviewer added. A re-extraction puts each back
  (its words looked for in the new text), unless the extractor now finds a
  quote on the same words: then the two merge (the reviewer's speaker and
  kind win) and the quote is never doubled;
- ``quote_flags``: quotes flagged for a second look;
- ``reviews.reason``: why a rejected quote was rejected.

Each change is one transaction with its audit rows, like every decision
(:mod:`.reviews`); changed words and added quotes are undone with ``u``
(``edit_actions`` keeps the words before and after).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..domain import QUOTE_KINDS, Document, Quote, TextSpan
from .base import quote_id as make_id
from .base import utc_now
from .carryover import Mapper, Placed, place, words
from .reviews import Decision, Extracted, ReviewError, Reviews, ReviewState, UndoConflict, UnknownQuote, _with_retry
from .speakers import _STALE_KEY

ADDED_METHOD = "reviewer"  # the method of a quote a reviewer added


@dataclass(frozen=True, slots=True)
class SpanEdit:
    """The words a reviewer gave a quote, and those extraction gave it."""

    start: int
    end: int
    text: str
    extracted: TextSpan
    by: str | None
    at: str


def check_span(doc_text: str, start: int, end: int) -> str:
    """The words ``doc[start:end]``; :class:`ReviewError` for a span that holds none."""
    if not (0 <= start < end <= len(doc_text)) or not doc_text[start:end].strip():
        raise ReviewError("a quote needs at least one word")
    return doc_text[start:end]


def nearest(text: str, part: str, where: float) -> int | None:
    """Where ``part`` occurs in ``text`` nearest to ``where`` (None when it does not)."""
    best, at = None, text.find(part)
    while at >= 0:
        if best is None or abs(at - where) < abs(best - where):
            best = at
        at = text.find(part, at + 1)
    return best


class Edits(Reviews):
    _CARRIED_TABLES = (*Reviews._CARRIED_TABLES, "span_edits", "quote_flags")

    # -- reading --

    def span_edit(self, quote_id: str) -> SpanEdit | None:
        r = self.conn.execute("SELECT * FROM span_edits WHERE quote_id = ?", (quote_id,)).fetchone()
        if r is None:
            return None
        return SpanEdit(r["start"], r["end"], r["text"],
                        TextSpan(r["extracted_start"], r["extracted_end"], r["extracted_text"]), r["by"], r["at"])

    def is_added(self, quote_id: str) -> bool:
        """Whether a reviewer added the quote (merged with an extracted one since, or not)."""
        return self.conn.execute("SELECT 1 FROM added_quotes WHERE quote_id = ? OR merged_into = ?",
                                 (quote_id, quote_id)).fetchone() is not None

    def is_flagged(self, quote_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM quote_flags WHERE quote_id = ?", (quote_id,)).fetchone() is not None

    def reject_reason(self, quote_id: str) -> str | None:
        """Why the quote was rejected (None when it is not rejected, or no reason was given)."""
        row = self.conn.execute("SELECT reason FROM reviews WHERE quote_id = ? AND status = 'rejected'",
                                (quote_id,)).fetchone()
        return row[0] if row else None

    def reject_reasons(self) -> dict[str, int]:
        """How many rejected quotes give each reason (``""``: none given)."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT coalesce(reason, ''), count(*) FROM reviews WHERE status = 'rejected' GROUP BY 1 ORDER BY 2 DESC, 1")}

    def edit_extras(self) -> dict[str, dict]:
        """Quote id → what the export adds to its ``review`` for the reviewers' fixes (only quotes with any)."""
        extras: dict[str, dict] = {}
        for r in self.conn.execute("SELECT quote_id, extracted_start, extracted_end, extracted_text FROM span_edits"):
            extras.setdefault(r[0], {})["extracted"] = {"text": r[3], "start": r[1], "end": r[2]}
        for r in self.conn.execute("SELECT coalesce(merged_into, quote_id) FROM added_quotes"):
            extras.setdefault(r[0], {})["added"] = True
        for r in self.conn.execute("SELECT quote_id FROM quote_flags"):
            extras.setdefault(r[0], {})["flagged"] = True
        for r in self.conn.execute("SELECT quote_id, CASE WHEN status = 'rejected' THEN reason END, kind, speaker_name"
                                   " FROM reviews WHERE reason IS NOT NULL OR kind IS NOT NULL OR speaker_name IS NOT NULL"):
            extra = extras.setdefault(r[0], {})
            if r[1] is not None:
                extra["reason"] = r[1]
            extra["changed"] = [f for f, v in (("kind", r[2]), ("speaker", r[3])) if v is not None]
        for quote_id, extra in extras.items():
            changed = ["span"] if "extracted" in extra else []
            changed += extra.pop("changed", [])
            if changed:
                extra["changed"] = changed
        return extras

    # -- decisions --

    def edit_span(self, quote_id: str, start: int, end: int, by: str | None) -> Decision:
        """The quote's words are ``doc[start:end]``: the quote becomes ``corrected`` (undone with :meth:`undo`).

        Giving it back the words extraction gave it takes the change back.
        """

        self._not_blind("changed words")

        def write(action_id: int, at: str) -> bool:
            doc_text, row_start, row_end = self.conn.execute(
                "SELECT d.text, q.start, q.end FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE q.id = ?",
                (quote_id,)).fetchone()
            text = check_span(doc_text, start, end)
            if (start, end) == (row_start, row_end):
                return False
            edit = self.span_edit(quote_id)
            extracted = edit.extracted if edit else TextSpan(row_start, row_end, doc_text[row_start:row_end])
            base = extracted.start  # offsets are kept with the extracted start they go with: a text edit moves all three
            old = None if edit is None else [edit.start, edit.end, base]
            new = None if (start, end) == (extracted.start, extracted.end) else [start, end, base]
            self._put_span(quote_id, new, extracted, text, by, at)
            self._log_edit(action_id, quote_id, "span", old, new, by, at)
            return True

        def change(state: ReviewState, extracted: Extracted) -> ReviewState:
            span_now = self._row_span(quote_id)
            if (span_now.start, span_now.end) == (start, end):
                return state  # the words it has: nothing to decide
            edit = self.span_edit(quote_id)
            back = edit is not None and (start, end) == (edit.extracted.start, edit.extracted.end)
            return replace(state, status="confirmed" if back and not state.corrected else "corrected")

        return self._edit(quote_id, "span", by, change, write)

    def reject_because(self, quote_id: str, reason: str | None, by: str | None) -> Decision:
        """Reject the quote, saying why (``None``: no reason); the reason is exported and counted."""
        reason = " ".join((reason or "").split()) or None
        if self.blind is not None:  # a blind reviewer's reject is theirs only; a reason is the quote's, for all
            if reason:
                raise ReviewError("a reject reason is seen by every reviewer: not in a blind review")
            return self.decide(quote_id, "reject", by, lambda state, _: replace(state, status="rejected"))

        def write(action_id: int, at: str) -> bool:
            old = self.conn.execute("SELECT reason FROM reviews WHERE quote_id = ?", (quote_id,)).fetchone()
            old = old[0] if old else None
            self.conn.execute("UPDATE reviews SET reason = ? WHERE quote_id = ?", (reason, quote_id))
            if old != reason:
                self.conn.execute("INSERT INTO review_log(quote_id, field, old, new, by, at, action_id)"
                                  " VALUES (?, 'reason', ?, ?, ?, ?, ?)", (quote_id, old, reason, by, at, action_id))
            return old != reason

        return self._edit(quote_id, "reject", by, lambda state, _: replace(state, status="rejected"), write)

    def set_flag(self, quote_id: str, flagged: bool, by: str | None) -> bool:
        """Flag the quote for a second look (or take the flag off); whether anything changed. Logged."""
        self._not_blind("a flag")
        with self.transaction():
            self._extracted(quote_id)  # UnknownQuote for a quote that is gone
            now = utc_now()
            if flagged:
                changed = self.conn.execute("INSERT OR IGNORE INTO quote_flags(quote_id, by, at) VALUES (?, ?, ?)",
                                            (quote_id, by, now)).rowcount > 0
            else:
                changed = self.conn.execute("DELETE FROM quote_flags WHERE quote_id = ?", (quote_id,)).rowcount > 0
            if changed:
                self.conn.execute("INSERT INTO review_log(quote_id, field, old, new, by, at) VALUES (?, 'flag', ?, ?, ?, ?)",
                                  (quote_id, None if flagged else "flagged", "flagged" if flagged else None, by, now))
        return changed

    def add_quote(self, doc_id: str, start: int, end: int, kind: str, speaker: str | None, by: str | None) -> Decision:
        """A quote the extractor missed, ``doc[start:end]``: stored as confirmed, undone with :meth:`undo`,
        kept (or merged with an extracted quote on the same words) by every later extraction."""
        self._not_blind("an added quote")
        if kind not in QUOTE_KINDS:
            raise ReviewError(f"unknown kind {kind!r} (use {', '.join(QUOTE_KINDS)})")
        speaker = " ".join((speaker or "").split()) or None

        def run() -> Decision:
            with self.transaction():
                doc = self.conn.execute("SELECT text, sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if doc is None:
                    raise UnknownQuote(f"no document {doc_id} in the store")
                text = check_span(doc[0], start, end)
                qid = make_id((doc_id, doc[1]), start, end)
                if self.conn.execute("SELECT 1 FROM quotes WHERE id = ?", (qid,)).fetchone():
                    raise ReviewError("these words are a quote already")
                now = utc_now()
                self.conn.execute(
                    "INSERT INTO added_quotes(quote_id, doc_id, start, end, text, kind, speaker_name, by, at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (qid, doc_id, start, end, text, kind, speaker, by, now))
                self._insert_added(qid, doc_id, start, end, text, kind, speaker)
                after = ReviewState("confirmed", by=by, at=now)
                self._write_state(qid, after)
                action_id = self._add_action(qid, "add", by, now, None, after)
                self._log(action_id, qid, ReviewState(), after)
                self._log_edit(action_id, qid, "added", None, [start, end], by, now)
                sid = self._point_at_speaker(qid, speaker)
                return Decision(action_id, qid, "add", ReviewState(), after, sid, speaker is not None)

        return _with_retry(run)

    def _insert_added(self, qid: str, doc_id: str, start: int, end: int, text: str, kind: str,
                      speaker: str | None) -> None:
        seq = self.conn.execute("SELECT coalesce(max(seq), -1) + 1 FROM quotes WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        self.conn.execute(
            "INSERT INTO quotes(id, doc_id, seq, kind, start, end, text, speaker_name, speaker_kind, method, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1.0)",
            (qid, doc_id, seq, kind, start, end, text, speaker, "person" if speaker else "other", ADDED_METHOD))

    def _not_blind(self, what: str) -> None:
        """A change to the quote itself is seen by every reviewer: refused in a blind review."""
        if self.blind is not None:
            raise ReviewError(f"{what} would be seen by every reviewer: not in a blind review")

    def _edit(self, quote_id: str, action: str, by: str | None,
              change: Callable[[ReviewState, Extracted], ReviewState], write: Callable[[int, str], bool]) -> Decision:
        """A decision that changes more than the review (``write``: the rest, given the action's id and
        time; whether it changed anything), in one transaction; nothing is kept when nothing changed."""

        def run() -> Decision:
            with self.transaction():
                extracted = self._extracted(quote_id)
                stored = self._read_state(quote_id)
                before = stored or ReviewState()
                after = replace(change(before, extracted), by=by, at=utc_now())
                self._write_state(quote_id, after)
                own = self._own_state_json(quote_id, by)
                self._judge(quote_id, by, after, self.adjudicator)  # this reviewer's own decision too
                action_id = self._add_action(quote_id, action, by, after.at, stored, after)
                self._keep_own(action_id, own)
                if not write(action_id, after.at) and after.decision() == before.decision():
                    raise _Unchanged(Decision(None, quote_id, action, before, before, self._speaker_id(quote_id)), after)
                self._log(action_id, quote_id, before, after)
                return Decision(action_id, quote_id, action, before, after, self._speaker_id(quote_id))

        def alike(unchanged: _Unchanged) -> Decision:
            # The quote's review stands, but it may be news as this reviewer's own judgement
            # (a second reviewer rejecting a rejected quote): kept, and undoable, as decide() does.
            with self.transaction():
                self._judge_alike(quote_id, action, by, self._read_state(quote_id), unchanged.after)
            return unchanged.decision

        try:
            return _with_retry(run)
        except _Unchanged as unchanged:  # rolled back: nothing written to the quote
            kept = unchanged
        return _with_retry(lambda: alike(kept))

    def _put_span(self, quote_id: str, span: Sequence[int] | None, extracted: TextSpan, text: str | None,
                  by: str | None, at: str) -> None:
        """The quote's words become ``span`` (None: those extraction gave it), row and record alike."""
        if span is None:
            self.conn.execute("DELETE FROM span_edits WHERE quote_id = ?", (quote_id,))
            start, end, text = extracted.start, extracted.end, extracted.text
        else:
            start, end = span[:2]
            if text is None:
                doc_text = self.conn.execute("SELECT d.text FROM quotes q JOIN documents d ON d.id = q.doc_id"
                                             " WHERE q.id = ?", (quote_id,)).fetchone()[0]
                text = doc_text[start:end]
            self.conn.execute(
                "INSERT INTO span_edits(quote_id, doc_id, start, end, text, extracted_start, extracted_end, extracted_text,"
                " by, at) SELECT id, doc_id, ?, ?, ?, ?, ?, ?, ?, ? FROM quotes WHERE id = ? ON CONFLICT(quote_id) DO UPDATE"
                " SET start = excluded.start, end = excluded.end, text = excluded.text, by = excluded.by, at = excluded.at",
                (start, end, text, extracted.start, extracted.end, extracted.text, by, at, quote_id))
        self.conn.execute("UPDATE quotes SET start = ?, end = ?, text = ? WHERE id = ?", (start, end, text, quote_id))

    def _log_edit(self, action_id: int, quote_id: str, field: str, old, new, by: str | None, at: str) -> None:
        """What undo needs (the words before and after), and the audit row (``span: 4–31 → 0–31``)."""
        self.conn.execute("INSERT OR REPLACE INTO edit_actions(action_id, old, new) VALUES (?, ?, ?)",
                          (action_id, json.dumps(old), json.dumps(new)))
        shown = [None if s is None else f"{s[0]}–{s[1]}" for s in (old, new)]
        self.conn.execute("INSERT INTO review_log(quote_id, field, old, new, by, at, action_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (quote_id, field, *shown, by, at, action_id))

    # -- undo --

    def undo(self, by: str | None) -> Decision:
        """As :meth:`Reviews.undo`; changed words and added quotes are taken back here (a blind reviewer
        made none: their undo takes back their blind decisions only)."""
        if self.blind is not None:
            return super().undo(by)
        row = self.conn.execute(
            "SELECT action FROM review_actions WHERE by IS ? AND action != 'undo' AND undone_by IS NULL"
            " ORDER BY id DESC LIMIT 1", (by,)).fetchone()
        if row is None or row[0] not in ("span", "add"):
            return super().undo(by)
        return _with_retry(lambda: self._undo_edit(by))

    def _undo_edit(self, by: str | None) -> Decision:
        conflict = None
        with self.transaction():
            row = self.conn.execute(
                "SELECT a.id, a.quote_id, a.action, a.old_state, a.new_state, e.old, e.new FROM review_actions a"
                " JOIN edit_actions e ON e.action_id = a.id WHERE a.by IS ? AND a.action != 'undo'"
                " AND a.undone_by IS NULL ORDER BY a.id DESC LIMIT 1", (by,)).fetchone()
            quote_id, action = row["quote_id"], row["action"]
            target = None if row["old_state"] is None else ReviewState(**json.loads(row["old_state"]))
            made = ReviewState(**json.loads(row["new_state"]))
            stored = self._read_state(quote_id)
            current = stored or ReviewState()
            now = utc_now()
            old, new = json.loads(row["old"]), json.loads(row["new"])
            exists = self.conn.execute("SELECT 1 FROM quotes WHERE id = ?", (quote_id,)).fetchone() is not None
            edit = self.span_edit(quote_id)
            if action == "span":
                extracted = edit.extracted if edit else self._row_span(quote_id) if exists else None
                old, new = (None if s is None or extracted is None else _moved(s, extracted.start) for s in (old, new))
                holds = (None if edit is None else [edit.start, edit.end]) == new
            else:
                holds = self.conn.execute("SELECT 1 FROM added_quotes WHERE quote_id = ? AND merged_into IS NULL",
                                          (quote_id,)).fetchone() is not None
            if current.decision() != made.decision() or not holds or not exists:
                conflict = current
                action_id = self._add_action(quote_id, "undo", by, now, stored, stored, row["id"])
            else:
                action_id = self._add_action(quote_id, "undo", by, now, stored, target, row["id"])
                if action == "span":
                    self._put_span(quote_id, old, extracted, None, by, now)
                    self._log_edit(action_id, quote_id, "span", new, old, by, now)
                else:
                    self._drop_added(quote_id, action_id, new, by, now)
                self._write_state(quote_id, target)
                self._judge_back(quote_id, by, row["id"])  # the reviewer's own decision goes back too
                after = target or ReviewState()
                self._log(action_id, quote_id, current, replace(after, by=by, at=now))
            self.conn.execute("UPDATE review_actions SET undone_by = ? WHERE id = ?", (action_id, row["id"]))
            if conflict is None:
                sid = self._speaker_id(quote_id) if exists and action == "span" else None
                decision = Decision(action_id, quote_id, "undo", current, after, sid)
        if conflict is not None:
            who = f" by {conflict.by}" if conflict.by else ""
            raise UndoConflict(f"not undone: quote {quote_id} was changed{who} since your {action}; passed over")
        return decision

    def _row_span(self, quote_id: str) -> TextSpan:
        r = self.conn.execute("SELECT start, end, text FROM quotes WHERE id = ?", (quote_id,)).fetchone()
        return TextSpan(r[0], r[1], r[2])

    def _drop_added(self, quote_id: str, action_id: int, span, by: str | None, at: str) -> None:
        for table in ("added_quotes", "span_edits", "quote_flags"):
            self.conn.execute(f"DELETE FROM {table} WHERE quote_id = ?", (quote_id,))
        self.conn.execute("DELETE FROM quotes WHERE id = ?", (quote_id,))
        self._log_edit(action_id, quote_id, "added", span, None, by, at)
        self._mark_speakers_stale()

    def _mark_speakers_stale(self) -> None:
        """A quote left: the speakers' counts are re-read at the next refresh."""
        self.set_meta(_STALE_KEY, str(int(self.get_meta(_STALE_KEY, "0") or 0) + 1))

    # -- across a re-extraction (called by Documents.save_document, in its transaction) --

    def _added_kept(self, doc: Document, new_ids: set[str], new_quotes: Sequence[tuple[str, int, int, str]]
                    ) -> list[tuple[str, Quote]]:
        """The added quotes of the document the new extraction lacks, to be stored with it: (id, quote).

        One the extraction found too (its id, or a quote on the same words) merges with it instead:
        its review goes to that quote, the reviewer's speaker and kind as corrections.
        """
        self._merged.clear()
        if not self.conn.execute(  # most documents have no fixes: their extraction reads nothing more
                "SELECT EXISTS(SELECT 1 FROM added_quotes WHERE doc_id = ?) OR EXISTS(SELECT 1 FROM span_edits"
                " WHERE doc_id = ?) OR EXISTS(SELECT 1 FROM quotes q JOIN quote_flags f ON f.quote_id = q.id"
                " WHERE q.doc_id = ?)", (doc.id, doc.id, doc.id)).fetchone()[0]:
            return []
        old_text = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc.id,)).fetchone()
        mapper = Mapper(old_text[0] if old_text else None, doc.text)
        self._carry_flags(doc.id, new_ids, new_quotes, mapper)
        self._carry_agreed(doc.id, new_ids, new_quotes, mapper)
        records = self.conn.execute("SELECT * FROM added_quotes WHERE doc_id = ? AND merged_into IS NULL",
                                    (doc.id,)).fetchall()
        kept = []
        for rec in records:
            same = rec["quote_id"] if rec["quote_id"] in new_ids else self._same_words(rec, new_quotes, mapper)
            if same is not None:
                self._merge_added(rec, same)
                continue
            start = nearest(doc.text, rec["text"], mapper(rec["start"]))
            if start is None:  # its words are gone: its review is kept unplaced (see Reviews._carry_reviews)
                continue
    
            qid = make_id(doc, start, start + len(rec["text"]))
            if qid != rec["quote_id"]:
                self._rename_added(rec["quote_id"], qid)
            self.conn.execute("UPDATE added_quotes SET quote_id = ?, start = ?, end = ? WHERE quote_id = ?",
                              (qid, start, start + len(rec["text"]), rec["quote_id"]))
            quote = Quote(kind=rec["kind"], content=TextSpan(start, start + len(rec["text"]), rec["text"]),
                          speaker=rec["speaker_name"], speaker_kind="person" if rec["speaker_name"] else "other",
                          method=ADDED_METHOD, confidence=1.0)
            kept.append((qid, quote))
        return kept

    def _carry_flags(self, doc_id: str, new_ids: set[str], new_quotes: Sequence[tuple[str, int, int, str]],
                     mapper: Mapper) -> None:
        """Flags of quotes without a review go to the new quote on the same words (reviewed ones go
        with their review); a flag that finds none is dropped, its audit row kept."""
        flagged = [r for r in self.conn.execute(
            "SELECT q.id, coalesce(e.extracted_start, q.start), coalesce(e.extracted_text, q.text) FROM quote_flags f"
            " JOIN quotes q ON q.id = f.quote_id LEFT JOIN span_edits e ON e.quote_id = q.id"
            " WHERE q.doc_id = ? AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.quote_id = q.id)", (doc_id,))
            if r[0] not in new_ids]
        if not flagged:
            return
        placed = place([tuple(r) for r in flagged], [Placed(*q) for q in new_quotes], mapper, set())
        for old_id, *_ in flagged:
            if old_id in placed:
                self.conn.execute("UPDATE OR IGNORE quote_flags SET quote_id = ? WHERE quote_id = ?", (placed[old_id], old_id))
                self.conn.execute("UPDATE review_log SET quote_id = ? WHERE quote_id = ?", (placed[old_id], old_id))
            self.conn.execute("DELETE FROM quote_flags WHERE quote_id = ?", (old_id,))

    def _carry_agreed(self, doc_id: str, new_ids: set[str], new_quotes: Sequence[tuple[str, int, int, str]],
                      mapper: Mapper) -> None:
        """A quote whose words a reviewer changed, which the new extraction finds with the reviewer's
        words (not the extracted ones: those would carry it over as any review): its review goes to
        that quote, whose words need no change any more."""
        edited = [r for r in self.conn.execute(
            "SELECT e.quote_id, e.start, e.text, e.extracted_text FROM span_edits e JOIN reviews r ON r.quote_id = e.quote_id"
            " WHERE e.doc_id = ?", (doc_id,)) if r[0] not in new_ids]
        taken = set(self._reviewed_among(list(new_ids)))
        for quote_id, start, text, extracted in edited:
            if any(words(q[3]) == words(extracted) and q[0] not in taken for q in new_quotes):
                continue  # the extracted words are still found: carried over as any review
            found = place([(quote_id, start, text)], [Placed(*q) for q in new_quotes], mapper, taken)
            if quote_id in found:
                self._rename_added(quote_id, found[quote_id])
                self.conn.execute("DELETE FROM span_edits WHERE quote_id = ?", (found[quote_id],))
                taken.add(found[quote_id])

    @staticmethod
    def _same_words(rec: sqlite3.Row, new_quotes: Sequence[tuple[str, int, int, str]], mapper: Mapper) -> str | None:
        key = words(rec["text"])
        options = [q for q in new_quotes if words(q[3]) == key]
        if not options:
            return None
        where = mapper(rec["start"])
        return min(options, key=lambda q: (q[3] != rec["text"], abs(q[1] - where)))[0]

    def _rename_added(self, old_id: str, new_id: str) -> None:
        for table in ("reviews", *self._CARRIED_TABLES):
            self.conn.execute(f"UPDATE OR REPLACE {table} SET quote_id = ? WHERE quote_id = ?", (new_id, old_id))

    def _merge_added(self, rec: sqlite3.Row, target: str) -> None:
        """The extractor found the added quote: its review (unless that quote has one) goes to it,
        the reviewer's speaker and kind as corrections of what extraction says."""
        if target != rec["quote_id"] and self._read_state(target) is None:
            self._rename_added(rec["quote_id"], target)
        self.conn.execute("UPDATE added_quotes SET merged_into = ? WHERE quote_id = ?", (target, rec["quote_id"]))
        self._merged.append((target, rec["kind"], rec["speaker_name"], rec["by"]))

    def _after_extraction(self, doc: Document) -> None:
        """After the document's new quotes are in: merged added quotes take the reviewer's speaker and
        kind; changed words are given back to their quotes (looked for near their old place when the
        text changed; a quote whose changed words are gone keeps those extraction gave it)."""
        for target, kind, speaker, by in self._merged:
            extracted = self._extracted(target)
            state = self._read_state(target)
            if state is None or state.by != by:
                continue
            state = replace(state, kind=None if kind == extracted.kind else kind,
                            speaker_name=None if speaker == extracted.speaker_name else speaker)
            state = replace(state, status="corrected" if state.corrected or extracted.edited else state.status)
            self._write_state(target, state)
            self._point_at_speaker(target, state.speaker_name or extracted.speaker_name)
        self._merged.clear()
        for e in self.conn.execute("SELECT e.*, q.start AS q_start, q.end AS q_end, q.text AS q_text FROM span_edits e"
                                   " JOIN quotes q ON q.id = e.quote_id WHERE e.doc_id = ?", (doc.id,)).fetchall():
            where = e["q_start"] + e["start"] - e["extracted_start"]  # as far from the extracted words as before
            start = e["start"] if doc.text[e["start"]:e["end"]] == e["text"] else nearest(doc.text, e["text"], where)
            if start is None:
                continue
            self.conn.execute("UPDATE span_edits SET start = ?, end = ?, extracted_start = ?, extracted_end = ?,"
                              " extracted_text = ? WHERE quote_id = ?",
                              (start, start + len(e["text"]), e["q_start"], e["q_end"], e["q_text"], e["quote_id"]))
            self.conn.execute("UPDATE quotes SET start = ?, end = ?, text = ? WHERE id = ?",
                              (start, start + len(e["text"]), e["text"], e["quote_id"]))

    @property
    def _merged(self) -> list:
        """Added quotes merged during the save under way: (quote id, reviewer's kind, speaker, reviewer)."""
        if not hasattr(self, "_merged_now"):
            self._merged_now: list = []
        return self._merged_now


def _moved(span: list[int], base: int) -> list[int]:
    """A recorded span ``[start, end, extracted start then]`` where it stands now (the text may have moved)."""
    shift = base - span[2] if len(span) > 2 else 0
    return [span[0] + shift, span[1] + shift]


class _Unchanged(Exception):
    """A decision that changed nothing: its transaction is rolled back."""

    def __init__(self, decision: Decision, after: ReviewState) -> None:
        super().__init__("unchanged")
        self.decision, self.after = decision, after
