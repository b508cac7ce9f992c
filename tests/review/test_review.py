"""The review domain (quotetrack.review): decisions, audit, undo, queue, detail, speakers, export."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from quotetrack import review
from quotetrack.review import QueueFilter, QueueSort, ReviewState
from quotetrack.store import Selection, Store, parse_statuses
from quotetrack.text import visible
from tests.support import review_data


@pytest.fixture()
def newsroom(tmp_path):
    path = tmp_path / "newsroom.db"
    ids = review_data.build(path)
    db = Store(path)
    review.prepare(db)
    yield db, ids, path
    db.close()


def _reviews(db, qid):
    row = db.conn.execute("SELECT status, by, kind, speaker_name, note FROM reviews WHERE quote_id = ?", (qid,)).fetchone()
    return tuple(row) if row else None


def _log(db, qid):
    return [tuple(r) for r in db.conn.execute(
        "SELECT field, old, new, by FROM review_log WHERE quote_id = ? ORDER BY id", (qid,))]


# --- decisions and the audit log ---------------------------------------------------


def test_confirm_is_stored_with_who_when_and_an_audit_row(newsroom):
    db, ids, _ = newsroom
    d = review.confirm(db, ids["door"], "ann")
    assert d.changed and d.after.status == "confirmed" and d.before.status == "pending"
    assert _reviews(db, ids["door"]) == ("confirmed", "ann", None, None, None)
    assert _log(db, ids["door"]) == [("status", "pending", "confirmed", "ann")]
    at = db.conn.execute("SELECT at FROM reviews WHERE quote_id = ?", (ids["door"],)).fetchone()[0]
    assert at.endswith("Z") and at[:4].isdigit()


def test_reject_then_confirm_logs_each_change(newsroom):
    db, ids, _ = newsroom
    review.reject(db, ids["fantasy"], "ann")
    review.confirm(db, ids["fantasy"], "bob")
    assert _reviews(db, ids["fantasy"])[:2] == ("confirmed", "bob")
    assert _log(db, ids["fantasy"]) == [
        ("status", "pending", "rejected", "ann"), ("status", "rejected", "confirmed", "bob")]


def test_a_decision_that_changes_nothing_writes_nothing(newsroom):
    db, ids, _ = newsroom
    review.confirm(db, ids["door"], "ann")
    again = review.confirm(db, ids["door"], "bob")
    assert not again.changed
    assert _reviews(db, ids["door"])[1] == "ann"
    assert len(_log(db, ids["door"])) == 1


def test_changing_the_speaker_corrects_and_points_at_the_known_speaker(newsroom):
    db, ids, _ = newsroom
    stoltenberg = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["door"],)).fetchone()[0]
    d = review.set_speaker(db, ids["moscow"], "Jens Stoltenberg", "ann")
    assert d.after.status == "corrected" and d.after.speaker_name == "Jens Stoltenberg"
    assert d.speaker_id == stoltenberg
    assert db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["moscow"],)).fetchone()[0] == stoltenberg
    assert ("speaker_name", None, "Jens Stoltenberg", "ann") in _log(db, ids["moscow"])


def test_a_new_speaker_name_gets_its_id_when_speakers_are_refreshed(newsroom):
    db, ids, _ = newsroom
    d = review.set_speaker(db, ids["fantasy"], "Maria Critic", "ann")
    assert d.speaker_id is None and db.speakers_stale()
    assert db.refresh_speakers_if_stale()
    assert not db.speakers_stale()
    sid = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["fantasy"],)).fetchone()[0]
    assert db.conn.execute("SELECT name FROM speakers WHERE id = ?", (sid,)).fetchone()[0] == "Maria Critic"
    assert not db.refresh_speakers_if_stale()


def test_naming_the_extracted_speaker_again_takes_the_correction_back(newsroom):
    db, ids, _ = newsroom
    review.set_speaker(db, ids["moscow"], "Ann Lee", "ann")
    d = review.set_speaker(db, ids["moscow"], "Sergey Lavrov", "ann")
    assert d.after.speaker_name is None and d.after.status == "confirmed"


def test_kind_correction_and_confirming_a_corrected_quote_keeps_it_corrected(newsroom):
    db, ids, _ = newsroom
    review.set_kind(db, ids["fair"], "mixed", "ann")
    assert _reviews(db, ids["fair"]) == ("corrected", "ann", "mixed", None, None)
    assert review.confirm(db, ids["fair"], "ann").after.status == "corrected"
    with pytest.raises(review.ReviewError, match="unknown kind"):
        review.set_kind(db, ids["fair"], "shouted", "ann")


def test_a_note_keeps_the_status_and_an_empty_note_removes_it(newsroom):
    db, ids, _ = newsroom
    review.set_note(db, ids["door"], "  check the date  ", "ann")
    assert _reviews(db, ids["door"]) == ("pending", "ann", None, None, "check the date")
    review.set_note(db, ids["door"], "", "ann")
    assert _reviews(db, ids["door"])[4] is None


def test_unknown_quote(newsroom):
    db, _, _ = newsroom
    with pytest.raises(review.UnknownQuote):
        review.confirm(db, "q_0000000000000000", "ann")


# --- undo ---------------------------------------------------------------------------


def test_undo_goes_back_several_levels_and_is_logged(newsroom):
    db, ids, _ = newsroom
    review.confirm(db, ids["door"], "ann")
    review.set_speaker(db, ids["moscow"], "Jens Stoltenberg", "ann")
    review.set_note(db, ids["door"], "source?", "ann")
    lavrov = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["final"],)).fetchone()[0]
    assert db.undo_depth("ann") == 3

    assert db.undo("ann").quote_id == ids["door"]
    assert _reviews(db, ids["door"]) == ("confirmed", "ann", None, None, None)
    d = db.undo("ann")
    assert d.quote_id == ids["moscow"] and d.after == ReviewState()
    assert _reviews(db, ids["moscow"]) is None  # back to no review at all
    assert db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (ids["moscow"],)).fetchone()[0] == lavrov
    db.undo("ann")
    assert _reviews(db, ids["door"]) is None
    with pytest.raises(review.NothingToUndo):
        db.undo("ann")
    # the undos are in the audit log, as decisions of their own
    assert _log(db, ids["moscow"])[-2:] == [
        ("status", "corrected", "pending", "ann"), ("speaker_name", "Jens Stoltenberg", None, "ann")]


def test_undo_is_per_reviewer_and_never_overwrites_another_reviewers_decision(newsroom):
    db, ids, _ = newsroom
    review.confirm(db, ids["door"], "ann")
    review.confirm(db, ids["final"], "ann")
    review.reject(db, ids["final"], "bob")  # bob changes ann's latest quote
    with pytest.raises(review.UndoConflict, match="bob"):
        db.undo("ann")
    assert _reviews(db, ids["final"])[:2] == ("rejected", "bob")
    # the conflicting decision is passed over: the next undo reaches the one before
    assert db.undo("ann").quote_id == ids["door"]
    assert _reviews(db, ids["door"]) is None
    assert db.undo("bob").after.status == "confirmed"


def test_a_busy_store_refuses_the_decision_instead_of_pretending(newsroom):
    db, ids, path = newsroom
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    short = Store(path, timeout=0.05)
    try:
        with pytest.raises(review.StoreBusy):
            review.confirm(short, ids["door"], "ann")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _reviews(db, ids["door"]) is None
    assert review.confirm(short, ids["door"], "ann").changed  # and works once the lock is gone
    short.close()


# --- the queue ---------------------------------------------------------------------


def _texts(queue, rows):
    return [queue.texts[i] for i in rows]


def test_queue_default_order_is_pending_first_least_confident_first(newsroom):
    db, ids, _ = newsroom
    review.confirm(db, ids["fantasy"], "ann")  # the least confident quote, now reviewed
    queue = review.Queue(db)
    rows = queue.select()
    confidences = [queue.confidences[i] for i in rows]
    assert queue.ids[rows[-1]] == ids["fantasy"]
    assert confidences[:-1] == sorted(confidences[:-1])
    assert str(queue.progress()) == "1 / 8 reviewed"


def test_queue_filters(newsroom):
    db, ids, _ = newsroom
    review.reject(db, ids["door"], "ann")
    review.set_kind(db, ids["budget"], "direct", "ann")
    queue = review.Queue(db)
    ids_of = lambda flt: {queue.ids[i] for i in queue.select(flt)}  # noqa: E731
    assert ids_of(QueueFilter(status="rejected")) == {ids["door"]}
    assert ids_of(QueueFilter(status="reviewed")) == {ids["door"], ids["budget"]}
    assert len(ids_of(QueueFilter(status="pending"))) == 6
    assert ids_of(QueueFilter(kind="mixed")) == {ids["fantasy"]}
    assert ids["budget"] in ids_of(QueueFilter(kind="direct"))  # the corrected kind counts
    assert ids_of(QueueFilter(speaker="sergey lavrov")) == {ids["final"], ids["moscow"]}
    assert ids_of(QueueFilter(speaker="lee")) == {ids["budget"], ids["fair"]}
    assert ids_of(QueueFilter(document="nato-1")) == {ids["intimidated"], ids["door"], ids["final"], ids["moscow"]}
    assert ids_of(QueueFilter(document="BUDGET")) == {ids["budget"], ids["fair"], ids["fantasy"]}
    assert ids_of(QueueFilter(confidence=(0.0, 0.3))) == {ids["fantasy"], ids["markup"]}
    assert ids_of(QueueFilter(search="FAMILY")) == {ids["fair"]}
    assert ids_of(QueueFilter(search="stoltenberg")) == {ids["intimidated"], ids["door"]}  # speaker names too
    assert ids_of(QueueFilter(search="door", speaker="lavrov")) == set()
    review.set_speaker(db, ids["final"], "Ann Lee", "ann")  # corrected
    review.confirm(db, ids["fair"], "ann")
    queue = review.Queue(db)
    for sort in (QueueSort(), QueueSort(reverse=True), QueueSort("confidence")):  # every status, in order
        everything = queue.select(sort=sort)
        for status in review.STATUS_FILTERS:
            want = [i for i in everything if queue.statuses[i] == status or
                    (status == "reviewed" and queue.statuses[i] != "pending")]
            assert queue.select(QueueFilter(status=status), sort) == want, (status, sort)
            assert want, status


def test_search_typed_letter_by_letter_matches_a_fresh_search(newsroom):
    """The queue reuses the last search's hits while the query only grows; the answers never differ."""
    db, ids, _ = newsroom
    queue = review.Queue(db)
    typed = ["f", "fa", "fam", "family", "fami", "fair", "a", "an", "ann", "ann lee", "the", "the d", "the door", "x",
             "the do", "the", "th", "fa"]
    for i, query in enumerate(typed):
        if i == 8:  # a speaker changes mid-typing: speaker names are matched afresh every time
            queue.apply(review.set_speaker(db, ids["door"], "Ann Leeson", "ann"))
        if i % 2:
            queue.prepare_search(query)  # as the screen does between key presses
        fresh = review.Queue(db)
        for sort in (QueueSort(), QueueSort("confidence", reverse=True)):
            got = [queue.ids[r] for r in queue.select(QueueFilter(search=query), sort)]
            assert got == [fresh.ids[r] for r in fresh.select(QueueFilter(search=query), sort)], query
    assert {queue.ids[r] for r in queue.select(QueueFilter(search="ann lee"))} >= {ids["budget"], ids["fair"], ids["door"]}


def test_queue_sorting(newsroom):
    db, ids, _ = newsroom
    queue = review.Queue(db)
    by_conf_desc = queue.select(sort=QueueSort("confidence", reverse=True))
    assert queue.ids[by_conf_desc[0]] == ids["intimidated"]
    speakers = [queue.speakers[i] for i in queue.select(sort=QueueSort("speaker"))]
    assert speakers[-1] is None and speakers[:-1] == sorted(speakers[:-1], key=str.casefold)
    docs = [queue.doc_ids[i] for i in queue.select(sort=QueueSort("document"))]
    assert docs == sorted(docs)
    kinds = [queue.kind(i) for i in queue.select(sort=QueueSort("kind"))]
    assert kinds == sorted(kinds)
    with pytest.raises(ValueError):
        queue.select(sort=QueueSort("colour"))


def test_queue_takes_in_decisions_and_other_reviewers_changes(newsroom):
    db, ids, path = newsroom
    queue = review.Queue(db)
    d = review.confirm(db, ids["door"], "ann")
    row = queue.apply(d)
    assert queue.statuses[row] == "confirmed"
    other = Store(path)
    review.set_speaker(other, ids["final"], "Ann Lee", "bob")
    changed = queue.poll()
    i = queue.index[ids["final"]]
    assert i in changed
    assert queue.statuses[i] == "corrected" and queue.speakers[i] == "Ann Lee"
    assert queue.poll() == set()
    # a re-extraction replaces quotes: the queue reloads whole, reviews kept
    doc, quotes = review_data.documents()[0]
    other.save_document(doc, quotes, "test-2")
    other.refresh_speakers()
    assert queue.poll() is None
    assert queue.statuses[queue.index[ids["door"]]] == "confirmed"
    other.close()


def test_next_pending_wraps_around(newsroom):
    db, ids, _ = newsroom
    queue = review.Queue(db)
    view = queue.select()
    for qid in ids.values():
        if qid not in (queue.ids[view[1]], queue.ids[view[5]]):
            queue.apply(review.confirm(db, qid, "ann"))
    assert review.next_pending(queue, view, 1) == 5
    assert review.next_pending(queue, view, 5) == 1
    assert review.next_pending(queue, view, 5, -1) == 1
    queue.apply(review.confirm(db, queue.ids[view[1]], "ann"))
    queue.apply(review.confirm(db, queue.ids[view[5]], "ann"))
    assert review.next_pending(queue, view, 0) is None


@pytest.mark.parametrize("text,expected", [
    ("", None), ("<0.5", (0.0, 0.5)), ("<= 0.4", (0.0, 0.4)), (">0.8", (0.8, 1.0)),
    ("0.2-0.6", (0.2, 0.6)), ("0.6..0.2", (0.2, 0.6)), ("0.5", (0.5, 0.5)),
])
def test_parse_confidence(text, expected):
    assert review.parse_confidence(text) == expected


def test_parse_confidence_rejects_nonsense():
    with pytest.raises(ValueError, match="use e.g."):
        review.parse_confidence("high")


def test_fuzzy_match_ranks_exact_prefix_word_substring_then_letters():
    names = ["Sergey Lavrov", "Lavrova Anna", "Ann Lee", "Jens Stoltenberg", "Anne Lavroff"]
    assert review.fuzzy_match("ann lee", names)[0].name == "Ann Lee"
    assert [m.name for m in review.fuzzy_match("lavrov", names)][:2] == ["Lavrova Anna", "Sergey Lavrov"]
    letters = review.fuzzy_match("jstl", names)
    assert [m.name for m in letters] == ["Jens Stoltenberg"] and letters[0].score < 400
    assert review.fuzzy_match("zz", names) == []
    assert review.fuzzy_match("SÉRGEY", names)[0].name == "Sergey Lavrov"


# --- detail and safety ----------------------------------------------------------------


def test_detail_shows_the_quote_in_its_paragraph_with_every_span(newsroom):
    db, ids, _ = newsroom
    d = review.quote_detail(db, ids["moscow"])
    text = d.excerpt.text
    assert text == "According to Sergey Lavrov, the decision was final.\nHe said that Moscow would answer in kind."
    (s, e), = d.excerpt.spans["content"]
    assert text[s:e] == "Moscow would answer in kind"
    assert [text[s:e] for s, e in d.excerpt.spans["resolved"]] == ["Sergey Lavrov"]
    assert [text[s:e] for s, e in d.excerpt.spans["mention"]] == ["He"]
    assert [text[s:e] for s, e in d.excerpt.spans["cue"]] == ["said that"]
    assert d.speaker == "Sergey Lavrov" and d.kind == "indirect"


def test_excerpt_marks_a_gap_between_distant_paragraphs():
    text = "one A\ntwo\nthree\nfour B"
    ex = review.excerpt(text, {"content": (text.index("B"), text.index("B") + 1), "resolved": (4, 5)})
    assert ex.text == "one A\n…\nfour B"
    assert [ex.text[s:e] for s, e in ex.spans["content"]] == ["B"]
    assert [ex.text[s:e] for s, e in ex.spans["resolved"]] == ["A"]


def test_visible_shows_control_characters_and_keeps_offsets():
    raw = "a\x1b[31mred\x1b[0m\x07\tb\x9bc\nd"
    shown = visible(raw)
    assert len(shown) == len(raw)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.startswith("a␛[31mred␛[0m␇ b") and shown.endswith("\nd")


# --- speakers ---------------------------------------------------------------------------


def test_speaker_list_merge_split_rename_survive_reextraction(newsroom):
    db, ids, _ = newsroom
    names = {s.name: s for s in review.list_speakers(db)}
    assert names["Jens Stoltenberg"].quote_count == 2 and len(names["Jens Stoltenberg"].documents) == 1
    review.merge_speakers(db, "Sergey Lavrov", "Tom Reed", "ann")
    merged = [s for s in review.list_speakers(db) if "Tom Reed" in s.aliases]
    assert len(merged) == 1 and {"Sergey Lavrov", "Tom Reed"} <= set(merged[0].aliases) and merged[0].quote_count == 3
    review.rename_speaker(db, "Sergey Lavrov", "S. V. Lavrov", "ann")
    assert "S. V. Lavrov" in {s.name for s in review.list_speakers(db)}
    # re-extraction, then the normaliser runs again: the decisions hold
    for doc, quotes in review_data.documents():
        db.save_document(doc, quotes, "test-2")
    db.refresh_speakers()
    speakers = review.list_speakers(db)
    assert any(s.name == "S. V. Lavrov" and "Tom Reed" in s.aliases for s in speakers)
    review.split_alias(db, "Tom Reed", "ann")
    assert sum(1 for s in review.list_speakers(db) if "Tom Reed" in s.aliases and "Sergey Lavrov" in s.aliases) == 0
    with pytest.raises(review.ReviewError):
        review.merge_speakers(db, "Ann Lee", "ann lee", "ann")


def test_picker_names_are_canonical_names_then_other_aliases_most_quoted_first(newsroom):
    db, ids, _ = newsroom
    assert review.speaker_names(db) == ["Ann Lee", "Jens Stoltenberg", "Sergey Lavrov", "Tom Reed", "Mayor Tom Reed"]
    review.set_speaker(db, ids["markup"], "Jens Stoltenberg", "ann")
    review.set_speaker(db, ids["fantasy"], "Jens Stoltenberg", "ann")
    assert review.speaker_names(db)[:2] == ["Jens Stoltenberg", "Ann Lee"]  # 4 quotes now


# --- export -----------------------------------------------------------------------------


def test_export_confirmed_has_exactly_the_confirmed_and_corrected_with_review_fields(newsroom, tmp_path):
    db, ids, _ = newsroom
    review.confirm(db, ids["door"], "ann")
    review.set_speaker(db, ids["fantasy"], "Maria Critic", "bob")
    review.set_note(db, ids["fantasy"], "named in the print edition", "bob")
    review.reject(db, ids["final"], "ann")
    review.set_note(db, ids["budget"], "pending, with a note", "ann")
    out = tmp_path / "confirmed.json"
    db.refresh_speakers_if_stale()  # as every export after a review does
    assert db.write_export(out, "json", Selection(statuses=parse_statuses("confirmed"))) == 2
    data = orjson.loads(out.read_bytes())
    quotes = {q["id"]: q for q in data["quotes"]}
    assert set(quotes) == {ids["door"], ids["fantasy"]}
    fantasy = quotes[ids["fantasy"]]
    assert fantasy["speaker"]["name"] == "Maria Critic" and fantasy["speaker"]["id"]
    assert fantasy["review"]["status"] == "corrected" and fantasy["review"]["by"] == "bob"
    assert fantasy["review"]["note"] == "named in the print edition" and fantasy["review"]["at"]
    assert quotes[ids["door"]]["review"]["by"] == "ann"
    everything = tmp_path / "all.json"
    assert db.write_export(everything) == 8
    statuses = {q["id"]: q["review"]["status"] for q in orjson.loads(everything.read_bytes())["quotes"]}
    assert statuses[ids["final"]] == "rejected" and statuses[ids["budget"]] == "pending"


def test_store_schema_upgrade_adds_review_tables_to_an_older_store(tmp_path):
    path = tmp_path / "old.db"
    db = Store(path)
    db.conn.execute("DROP TABLE review_actions")
    db.conn.execute("ALTER TABLE review_log DROP COLUMN action_id")
    db.close()
    db = Store(path)
    assert "action_id" in {r[1] for r in db.conn.execute("PRAGMA table_info(review_log)")}
    assert db.conn.execute("SELECT count(*) FROM review_actions").fetchone()[0] == 0


def test_two_reviewers_deciding_at_once_lose_nothing(tmp_path):
    import threading

    path = tmp_path / "busy.db"
    review_data.build_many(path, 13)  # 104 quotes
    db = Store(path)
    quote_ids = [r[0] for r in db.conn.execute("SELECT id FROM quotes ORDER BY id")]
    errors = []

    def reviewer(name, ids):
        own = Store(path)
        try:
            for i, qid in enumerate(ids):
                (review.confirm if i % 2 else review.reject)(own, qid, name)
                if i % 5 == 0:
                    review.set_note(own, qid, f"{name} {i}", name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=reviewer, args=(name, quote_ids[k::2])) for k, name in enumerate(["ann", "bob"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.conn.execute("SELECT count(*) FROM reviews WHERE status != 'pending'").fetchone()[0] == len(quote_ids)
    per_reviewer = dict(db.conn.execute("SELECT by, count(*) FROM review_actions GROUP BY by").fetchall())
    assert per_reviewer == {"ann": 52 + 11, "bob": 52 + 11}
    db.close()


def test_an_empty_store_opens_to_an_empty_queue(tmp_path):
    db = Store(tmp_path / "empty.db")
    queue = review.Queue(db)
    assert queue.select() == [] and str(queue.progress()) == "0 / 0 reviewed"
    assert review.next_pending(queue, [], 0) is None
