"""Nothing reviewed is lost to a re-extraction: decisions, notes and corrections follow their words."""

from __future__ import annotations

import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store

TEXT = (
    "The mayor spoke first. “We will rebuild the harbour this year,” Thomas Berg said.\n"
    "Ingrid Holm disagreed. “The fishermen were never asked,” she said.\n"
    "Berg answered at once. “We will rebuild the harbour this year,” he repeated.\n"
    "“Nobody wants a car park with a view,” Holm told reporters.\n"
)
FRAGMENTS = ("We will rebuild the harbour this year", "The fishermen were never asked",
             "Nobody wants a car park with a view")


def quotes_of(text: str, speaker: str = "Thomas Berg") -> list[Quote]:
    """Every quotation of the article, found where it stands in ``text`` (each occurrence of each fragment)."""
    found = []
    for fragment in FRAGMENTS:
        start = text.find(fragment)
        while start >= 0:
            found.append(Quote("direct", TextSpan(start, start + len(fragment), fragment), speaker=speaker,
                               speaker_kind="person", method="syntax", confidence=0.9))
            start = text.find(fragment, start + 1)
    return found


def save(db: Store, text: str, extractor: str = "x1"):
    doc = Document("harbour", text, "harbour.txt")
    return db.save_document(doc, quotes_of(text), extractor)


def states(db: Store) -> list[tuple]:
    """(quote text, start, status, kind correction, speaker correction, note) of every reviewed quote, in order."""
    return [
        (r["text"], r["start"], r["status"], r["kind"], r["speaker_name"], r["note"])
        for r in db.conn.execute(
            "SELECT q.text, q.start, r.status, r.kind, r.speaker_name, r.note FROM reviews r"
            " JOIN quotes q ON q.id = r.quote_id ORDER BY q.start"
        )
    ]


@pytest.fixture()
def reviewed(tmp_path):
    """A stored article with four quotes: one confirmed, one corrected with a note, one rejected, one left pending."""
    db = Store(tmp_path / "q.db")
    first, fishermen, second, car_park = save(db, TEXT)
    review.confirm(db, first, "ann")
    review.set_speaker(db, fishermen, "Ingrid Holm", "ann")
    review.set_note(db, fishermen, "she, not Berg", "ann")
    review.reject(db, second, "bob")
    assert len(states(db)) == 3
    yield db
    db.close()


def test_a_trailing_newline_keeps_every_decision(reviewed):
    before = [(t, st, k, sp, n) for t, _, st, k, sp, n in states(reviewed)]
    saved = save(reviewed, TEXT + "\n")
    exported = [q["review"]["status"] for q in reviewed.quote_records()]
    assert exported == ["confirmed", "corrected", "rejected", "pending"]
    assert [(t, st, k, sp, n) for t, _, st, k, sp, n in states(reviewed)] == before
    assert (saved.carried, saved.unplaced) == (3, 0)


def test_an_edit_before_the_quotes_moves_each_decision_with_its_words(reviewed):
    edited = "Updated at 10:40 with the council's reply.\n" + TEXT.replace("The mayor spoke first.", "The mayor, 61, spoke first.")
    saved = save(reviewed, edited)
    got = states(reviewed)
    # The same words twice: the first stays confirmed and the second rejected, by position.
    assert [(t[:12], s) for t, _, s, *_ in got] == [("We will rebu", "confirmed"), ("The fisherme", "corrected"),
                                                    ("We will rebu", "rejected")]
    assert got[0][1] < got[2][1] and all(edited[start:start + len(t)] == t for t, start, *_ in got)
    assert got[1][4:] == ("Ingrid Holm", "she, not Berg")
    assert (saved.carried, saved.unplaced) == (3, 0)


def test_the_history_and_undo_follow_the_carried_decision(reviewed):
    save(reviewed, TEXT + "\n")
    (rejected,) = [q for q in reviewed.quote_records() if q["review"]["status"] == "rejected"]
    assert [e.new for e in reviewed.history(rejected["id"])] == ["rejected"]
    undone = reviewed.undo("bob")
    assert undone.quote_id == rejected["id"] and reviewed.review_state(rejected["id"]).status == "pending"


def test_a_quote_whose_words_changed_is_kept_unplaced_listed_and_comes_back_with_its_words(reviewed):
    changed = TEXT.replace("The fishermen were never asked", "The fishermen were never consulted")
    saved = save(reviewed, changed)
    assert [s for _, _, s, *_ in states(reviewed)] == ["confirmed", "rejected"]
    (lost,) = reviewed.unplaced_reviews()
    assert (saved.carried, saved.unplaced) == (2, 1)
    assert (lost.doc_id, lost.text, lost.start) == ("harbour", "The fishermen were never asked", TEXT.index("The fishermen"))
    assert (lost.review.status, lost.review.speaker_name, lost.review.note, lost.review.by) == (
        "corrected", "Ingrid Holm", "she, not Berg", "ann")
    assert reviewed.unplaced_count() == 1 and reviewed.unplaced_reviews("other") == []
    # The edit is taken back: the review is placed again, with its correction and note.
    saved = save(reviewed, TEXT)
    assert (saved.carried, saved.unplaced) == (3, 0) and reviewed.unplaced_reviews() == []
    assert [(t[:12], s, sp, n) for t, _, s, _, sp, n in states(reviewed)] == [
        ("We will rebu", "confirmed", None, None), ("The fisherme", "corrected", "Ingrid Holm", "she, not Berg"),
        ("We will rebu", "rejected", None, None)]


def test_a_new_extractor_that_cuts_a_quote_differently_keeps_its_decision(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = Document("d", "Ann Lee said: “We will win, no doubt.” Then she left.", "d.txt")
    inner = doc.text.index("We")
    (qid,) = db.save_document(doc, [Quote("direct", TextSpan(inner, inner + 21, "We will win, no doubt"))], "x1")
    review.confirm(db, qid, "ann")
    wider = Quote("direct", TextSpan(inner, inner + 22, "We will win, no doubt."))  # takes in the full stop
    saved = db.save_document(doc, [wider], "x2")
    assert [q["review"]["status"] for q in db.quote_records()] == ["confirmed"] and saved.carried == 1


def test_a_dismissed_unplaced_review_leaves_a_trace_in_the_log(reviewed):
    from quotetrack.store import UnknownQuote

    save(reviewed, TEXT.replace("were never asked", "had their say"))
    (lost,) = reviewed.unplaced_reviews()
    reviewed.dismiss_unplaced(lost.quote_id, "ann")
    assert reviewed.unplaced_reviews() == []
    assert reviewed.history(lost.quote_id)[0].field == "unplaced"
    with pytest.raises(UnknownQuote):
        reviewed.dismiss_unplaced(lost.quote_id, "ann")


def test_placing_prefers_the_exact_words_then_the_nearest_place():
    from quotetrack.store.carryover import Mapper, Placed, place

    candidates = [Placed("far", 400, 420, "Yes, we can."), Placed("near", 105, 125, "yes we can"),
                  Placed("exact", 300, 320, "Yes, we can.")]
    old_text, new_text = "x" * 500, "y" * 20 + "x" * 500
    assert place([("q", 280, "Yes, we can.")], candidates, Mapper(old_text, new_text), set()) == {"q": "exact"}
    assert place([("q", 100, "YES we can")], candidates[1:2], Mapper(None, new_text), set()) == {"q": "near"}
    assert place([("q", 100, "No, we can't.")], candidates, Mapper(None, new_text), set()) == {}
    assert place([("q", 280, "Yes, we can.")], candidates, Mapper(old_text, new_text), {"exact", "far"}) == {"q": "near"}
