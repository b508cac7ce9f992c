"""Reviewers' fixes to quotes in the store: changed words, added quotes, flags and reasons to reject,
their undo, their export, and what a re-extraction does to them (nothing a reviewer decided is lost)."""

from __future__ import annotations

import jsonschema
import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import ReviewError, Store, UndoConflict, export

TEXT = (
    "The council met on Monday.\n"
    "“We will rebuild the harbour this year,” Thomas Berg said after the vote.\n"
    "Ingrid Holm said the fishermen were never asked, and that she would appeal.\n"
)
HARBOUR = "We will rebuild the harbour this year,"
FISHERMEN = "the fishermen were never asked"


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def quote(text: str, part: str, speaker: str, kind: str = "direct") -> Quote:
    start, end = span(text, part)
    return Quote(kind, TextSpan(start, end, part), speaker=speaker, speaker_kind="person", method="syntax",
                 confidence=0.8)


def save(db: Store, text: str, quotes: list[Quote] | None = None, extractor: str = "x1"):
    found = quotes if quotes is not None else [quote(text, HARBOUR, "Thomas Berg")]
    return db.save_document(Document("harbour", text, "harbour.txt"), found, extractor)


def record(db: Store, qid: str) -> dict | None:
    return next((r for r in db.quote_records() if r["id"] == qid), None)


def texts(db: Store) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in db.conn.execute("SELECT text, method FROM quotes ORDER BY start")]


@pytest.fixture()
def db(tmp_path):
    store = Store(tmp_path / "edits.db")
    yield store
    store.close()


# --- changed words --------------------------------------------------------------------


def test_changed_words_are_the_documents_and_the_extracted_ones_are_kept(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, "“We will rebuild the harbour this year,”")
    decision = review.edit_span(db, qid, start, end, "ann")
    assert decision.changed and decision.after.status == "corrected"
    r = record(db, qid)
    assert (r["text"], r["start"], r["end"]) == (TEXT[start:end], start, end)
    assert r["review"]["changed"] == ["span"]
    assert r["review"]["extracted"] == {"text": HARBOUR, "start": start + 1, "end": start + 1 + len(HARBOUR)}
    jsonschema.validate(db.build_export(), export.schema())
    assert [h.field for h in db.history(qid)] == ["status", "span"]


def test_words_must_hold_a_word_and_the_same_words_change_nothing(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, HARBOUR)
    with pytest.raises(ReviewError):
        review.edit_span(db, qid, start, start, "ann")
    with pytest.raises(ReviewError):
        blank = TEXT.index("” Thomas") + 1
        review.edit_span(db, qid, blank, blank + 1, "ann")  # a space is no word
    assert not review.edit_span(db, qid, start, end, "ann").changed
    assert db.review_state(qid).status == "pending" and db.undo_depth("ann") == 0


def test_giving_back_the_extracted_words_takes_the_change_back(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, HARBOUR)
    review.edit_span(db, qid, start, end - 1, "ann")  # without the comma
    review.edit_span(db, qid, start, end, "ann")
    assert db.span_edit(qid) is None and db.review_state(qid).status == "confirmed"
    assert "changed" not in record(db, qid)["review"]


def test_undo_of_changed_words_and_another_reviewers_change_wins(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, HARBOUR)
    review.edit_span(db, qid, start, end - 1, "ann")
    db.undo("ann")
    assert db.quote(qid).quote.text == HARBOUR and db.review_state(qid).status == "pending"
    review.edit_span(db, qid, start, end - 1, "ann")
    review.set_note(db, qid, "checked against the video", "bob")
    with pytest.raises(UndoConflict):
        db.undo("ann")
    assert db.quote(qid).quote.text == HARBOUR[:-1]


def test_changed_words_survive_a_re_extraction_and_an_edited_text(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, HARBOUR)
    review.edit_span(db, qid, start - 1, end + 1, "ann")  # with the quotation marks
    save(db, TEXT, extractor="x2")  # a new extractor, the same text: the same quote id
    assert db.quote(qid).quote.text == f"“{HARBOUR}”" and db.review_state(qid).status == "corrected"
    edited = "Updated at noon.\n" + TEXT
    (new_id,) = save(db, edited, extractor="x2")
    q = db.quote(new_id)
    assert q.quote.text == f"“{HARBOUR}”" == edited[q.quote.start:q.quote.end]
    assert db.review_state(new_id).status == "corrected"
    assert record(db, new_id)["review"]["extracted"]["start"] == edited.index(HARBOUR)
    db.undo("ann")  # still undoable where the words moved to
    assert db.quote(new_id).quote.text == HARBOUR


def test_an_extractor_that_finds_the_reviewers_words_takes_the_review(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, HARBOUR)
    longer = f"“{HARBOUR}” Thomas Berg said after the vote"  # not a quote's words: only to tell them apart
    review.edit_span(db, qid, start - 1, start - 1 + len(longer), "ann")
    (new_id,) = save(db, TEXT, [quote(TEXT, longer, "Thomas Berg")], extractor="x2")
    assert new_id != qid and db.review_state(new_id).status == "corrected"
    assert db.span_edit(new_id) is None and db.quote(new_id).quote.text == longer
    assert db.unplaced_reviews() == []


# --- added quotes ---------------------------------------------------------------------


def test_an_added_quote_is_confirmed_exported_as_added_and_undone(db):
    save(db, TEXT)
    start, end = span(TEXT, FISHERMEN)
    decision = review.add_quote(db, "harbour", start, end, "indirect", "Ingrid Holm", "ann")
    r = record(db, decision.quote_id)
    assert (r["text"], r["kind"], r["speaker"]["name"], r["speaker"]["method"]) == (
        FISHERMEN, "indirect", "Ingrid Holm", "reviewer")
    assert r["review"]["status"] == "confirmed" and r["review"]["added"] is True
    jsonschema.validate(db.build_export(), export.schema())
    with pytest.raises(ReviewError):  # the same words again: a quote already
        review.add_quote(db, "harbour", start, end, "indirect", "Ingrid Holm", "ann")
    db.undo("ann")
    assert record(db, decision.quote_id) is None and texts(db) == [(HARBOUR, "syntax")]


def test_an_added_quote_survives_re_extraction_without_doubling(db):
    save(db, TEXT)
    start, end = span(TEXT, FISHERMEN)
    added = review.add_quote(db, "harbour", start, end, "indirect", "Ingrid Holm", "ann").quote_id
    for _ in range(2):
        save(db, TEXT, extractor="x2")
    assert texts(db) == [(HARBOUR, "syntax"), (FISHERMEN, "reviewer")]
    assert db.review_state(added).status == "confirmed"
    edited = TEXT.replace("The council met on Monday.", "The town council met late on Monday.")
    save(db, edited, extractor="x3")
    assert texts(db) == [(HARBOUR, "syntax"), (FISHERMEN, "reviewer")]
    (moved,) = [r for r in db.quote_records() if r["review"].get("added")]
    assert edited[moved["start"]:moved["end"]] == FISHERMEN and moved["review"]["status"] == "confirmed"


def test_an_extracted_quote_on_the_same_words_merges_with_the_added_one(db):
    save(db, TEXT)
    start, end = span(TEXT, FISHERMEN)
    added = review.add_quote(db, "harbour", start, end, "indirect", "Ingrid Holm", "ann").quote_id
    # the next extractor finds it too, on the same words but naming another speaker
    found = [quote(TEXT, HARBOUR, "Thomas Berg"), quote(TEXT, FISHERMEN, "Thomas Berg", "indirect")]
    save(db, TEXT, found, extractor="x2")
    assert texts(db) == [(HARBOUR, "syntax"), (FISHERMEN, "syntax")]  # one quote, the extractor's
    r = record(db, added)
    assert r["speaker"]["name"] == "Ingrid Holm" and r["review"]["status"] == "corrected"
    assert r["review"]["added"] is True and r["review"]["changed"] == ["speaker"]
    save(db, TEXT, found, extractor="x3")
    assert len(texts(db)) == 2


def test_an_extracted_quote_with_the_marks_merges_with_the_added_one_without_them(db):
    save(db, TEXT)
    start, end = span(TEXT, FISHERMEN)
    added = review.add_quote(db, "harbour", start, end, "indirect", "Ingrid Holm", "ann").quote_id
    longer = "the fishermen were never asked,"
    found = [quote(TEXT, HARBOUR, "Thomas Berg"), quote(TEXT, longer, "Ingrid Holm", "indirect")]
    (_, merged) = save(db, TEXT, found, extractor="x2")
    assert merged != added and texts(db) == [(HARBOUR, "syntax"), (longer, "syntax")]
    assert db.review_state(merged).status == "confirmed" and record(db, merged)["review"]["added"] is True


# --- flags and reasons ----------------------------------------------------------------


def test_flags_are_logged_exported_and_follow_their_words(db):
    (qid,) = save(db, TEXT)
    assert review.toggle_flag(db, qid, "ann") is True
    assert record(db, qid)["review"]["flagged"] is True and db.review_state(qid).status == "pending"
    (new_id,) = save(db, "Updated.\n" + TEXT, extractor="x2")
    assert db.is_flagged(new_id) and not db.is_flagged(qid)
    assert review.toggle_flag(db, new_id, "bob") is False
    assert "flagged" not in record(db, new_id)["review"]
    assert [h.field for h in db.history(new_id)] == ["flag", "flag"]


def test_reasons_to_reject_are_stored_exported_counted_and_go_with_the_rejection(db):
    (qid,) = save(db, TEXT)
    start, end = span(TEXT, FISHERMEN)
    other = review.add_quote(db, "harbour", start, end, "indirect", None, "ann").quote_id
    review.reject_because(db, qid, "page furniture", "ann")
    review.reject_because(db, other, "  not   a quote ", "ann")
    assert record(db, qid)["review"]["reason"] == "page furniture"
    assert db.reject_reasons() == {"not a quote": 1, "page furniture": 1}
    review.confirm(db, qid, "ann")
    assert "reason" not in record(db, qid)["review"] and db.reject_reasons() == {"not a quote": 1}
    review.reject(db, qid, "ann")  # rejected again without a reason: the old one does not come back
    assert "reason" not in record(db, qid)["review"] and db.reject_reasons() == {"": 1, "not a quote": 1}
