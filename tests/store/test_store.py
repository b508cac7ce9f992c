import sqlite3
from dataclasses import replace

import pytest

from quotetrack import store
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Selection, Store


def _doc(text="Alpha said “beta gamma delta epsilon” today.", doc_id="d1"):
    return Document(id=doc_id, text=text, source=f"{doc_id}.txt")


def _quote(doc, fragment, speaker="Alpha"):
    start = doc.text.index(fragment)
    return Quote(kind="direct", content=TextSpan(start, start + len(fragment), fragment), speaker=speaker,
                 speaker_kind="person", method="syntax", confidence=0.9)


def test_quote_ids_are_stable_and_depend_on_content_and_span():
    doc = _doc()
    a = store.quote_id(doc, 10, 20)
    assert a == store.quote_id(_doc(), 10, 20)
    assert a != store.quote_id(doc, 10, 21)
    assert a != store.quote_id(_doc(text=doc.text + " More."), 10, 20)
    assert a != store.quote_id(_doc(doc_id="d2"), 10, 20)


def test_save_twice_is_idempotent_and_keeps_reviews(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = _doc()
    ids = db.save_document(doc, [_quote(doc, "beta gamma delta epsilon")], "x1")
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'confirmed', 'ann', 'now')", (ids[0],))
    again = db.save_document(doc, [_quote(doc, "beta gamma delta epsilon")], "x2")
    assert again == ids
    assert db.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 1
    assert db.conn.execute("SELECT status FROM reviews WHERE quote_id = ?", (ids[0],)).fetchone()[0] == "confirmed"


def test_is_current_needs_same_text_and_extractor(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = _doc()
    db.save_document(doc, [], "x1")
    assert db.is_current(doc, "x1")
    assert not db.is_current(doc, "x2")
    assert not db.is_current(_doc(text=doc.text + "!"), "x1")


def test_wal_mode(tmp_path):
    db = Store(tmp_path / "q.db")
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_refuses_a_file_that_is_not_sqlite_and_leaves_it_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes, not a database" * 100)
    with pytest.raises(store.StoreError, match="not a quotetrack store"):
        Store(path)
    assert path.read_bytes().startswith(b"my precious notes")


def test_refuses_another_applications_database(tmp_path):
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE customers (id INTEGER)")
    other.commit()
    other.close()
    with pytest.raises(store.StoreError, match="another application"):
        Store(path)


def test_refuses_a_newer_schema(tmp_path):
    db = Store(tmp_path / "q.db")
    db.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(store.StoreError, match="newer"):
        Store(tmp_path / "q.db")


def test_missing_store_without_create(tmp_path):
    with pytest.raises(store.StoreError, match="no such store"):
        Store(tmp_path / "absent.db", create=False)


def test_reviewer_speaker_overrides_survive_reextraction(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = _doc(text="Ann Lee said “one two three four” and Bob Lee said “five six seven eight”.")
    quotes = [_quote(doc, "one two three four", "Ann Lee"), _quote(doc, "five six seven eight", "Bob Lee")]
    db.save_document(doc, quotes, "x1")
    db.refresh_speakers()
    assert db.conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 2
    db.add_speaker_override("merge", "Ann Lee", "Bob Lee", by="rev")
    db.add_speaker_override("rename", "Ann Lee", "Ann B. Lee", by="rev")
    db.save_document(doc, quotes, "x2")  # re-extraction
    db.refresh_speakers()
    assert db.conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 1
    assert [r[0] for r in db.conn.execute("SELECT name FROM speakers")] == ["Ann B. Lee"]
    db.add_speaker_override("split", "Bob Lee", by="rev")
    db.refresh_speakers()
    assert db.conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 2


def test_a_store_is_a_context_manager_with_its_path_and_meta(tmp_path):
    with Store(tmp_path / "q.db") as db:
        assert db.path == tmp_path / "q.db"
        with db.transaction():
            db.set_meta("colour", "blue")
        assert db.get_meta("colour") == "blue" and db.get_meta("size", "none") == "none"
    with pytest.raises(sqlite3.ProgrammingError):
        db.conn.execute("SELECT 1")


def test_speaker_summaries_over_all_quotes_or_those_of_some_statuses(tmp_path):
    db = Store(tmp_path / "q.db")
    one = _doc(text="Ann Lee said “one two three four” and Bob Lee said “five six seven eight”.")
    two = _doc(text="Ann Lee said “nine ten eleven twelve”.", doc_id="d2")
    ids = db.save_document(one, [_quote(one, "one two three four", "Ann Lee"),
                                 _quote(one, "five six seven eight", "Bob Lee")], "x1")
    db.save_document(two, [_quote(two, "nine ten eleven twelve", "Ann Lee")], "x1")
    db.refresh_speakers()
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'rejected', 'ann', 'now')", (ids[1],))
    everything = db.speakers()
    assert [(s.name, s.quote_count, s.documents) for s in everything] == [("Ann Lee", 2, ["d1", "d2"]),
                                                                          ("Bob Lee", 1, ["d1"])]
    counts_only = db.speakers(documents=False)
    assert [(s.id, s.quote_count, s.documents) for s in counts_only] == [(s.id, s.quote_count, []) for s in everything]
    assert [(s.name, s.quote_count) for s in db.speakers(Selection(statuses=["pending"]))] == [("Ann Lee", 2), ("Bob Lee", 0)]
    assert [(s.name, s.quote_count) for s in db.speakers(Selection(statuses=["rejected"]), documents=False)] == [("Bob Lee", 1),
                                                                                           ("Ann Lee", 0)]


def test_every_refresh_leaves_the_speakers_fresh(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = _doc()
    (qid,) = db.save_document(doc, [_quote(doc, "beta gamma delta epsilon")], "x1")
    db.refresh_speakers()
    assert not db.speakers_stale()
    db.decide(qid, "speaker", "ann", lambda state, _: replace(state, speaker_name="Gamma", status="corrected"))
    assert db.speakers_stale()
    db.refresh_speakers()  # as after an extraction: the correction is taken in
    assert not db.speakers_stale() and not db.refresh_speakers_if_stale()
    assert [s.name for s in db.speakers()] == ["Gamma"]
