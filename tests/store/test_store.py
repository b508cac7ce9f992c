import sqlite3

import pytest

from quotetrack import store
from quotetrack.domain import Document, Quote, TextSpan


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
    conn = store.connect(tmp_path / "q.db")
    doc = _doc()
    ids = store.save_document(conn, doc, [_quote(doc, "beta gamma delta epsilon")], "x1")
    conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'confirmed', 'ann', 'now')", (ids[0],))
    again = store.save_document(conn, doc, [_quote(doc, "beta gamma delta epsilon")], "x2")
    assert again == ids
    assert conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 1
    assert conn.execute("SELECT status FROM reviews WHERE quote_id = ?", (ids[0],)).fetchone()[0] == "confirmed"


def test_is_current_needs_same_text_and_extractor(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    doc = _doc()
    store.save_document(conn, doc, [], "x1")
    assert store.is_current(conn, doc, "x1")
    assert not store.is_current(conn, doc, "x2")
    assert not store.is_current(conn, _doc(text=doc.text + "!"), "x1")


def test_wal_mode(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_refuses_a_file_that_is_not_sqlite_and_leaves_it_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes, not a database" * 100)
    with pytest.raises(store.StoreError, match="not a quotetrack store"):
        store.connect(path)
    assert path.read_bytes().startswith(b"my precious notes")


def test_refuses_another_applications_database(tmp_path):
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE customers (id INTEGER)")
    other.commit()
    other.close()
    with pytest.raises(store.StoreError, match="another application"):
        store.connect(path)


def test_refuses_a_newer_schema(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(tmp_path / "q.db")


def test_missing_store_without_create(tmp_path):
    with pytest.raises(store.StoreError, match="no such store"):
        store.connect(tmp_path / "absent.db", create=False)


def test_reviewer_speaker_overrides_survive_reextraction(tmp_path):
    from quotetrack.store.speakers import refresh_speakers

    conn = store.connect(tmp_path / "q.db")
    doc = _doc(text="Ann Lee said “one two three four” and Bob Lee said “five six seven eight”.")
    quotes = [_quote(doc, "one two three four", "Ann Lee"), _quote(doc, "five six seven eight", "Bob Lee")]
    store.save_document(conn, doc, quotes, "x1")
    refresh_speakers(conn)
    assert conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 2
    store.add_speaker_override(conn, "merge", "Ann Lee", "Bob Lee", by="rev")
    store.add_speaker_override(conn, "rename", "Ann Lee", "Ann B. Lee", by="rev")
    store.save_document(conn, doc, quotes, "x2")  # re-extraction
    refresh_speakers(conn)
    assert conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 1
    assert [r[0] for r in conn.execute("SELECT name FROM speakers")] == ["Ann B. Lee"]
    store.add_speaker_override(conn, "split", "Bob Lee", by="rev")
    refresh_speakers(conn)
    assert conn.execute("SELECT count(DISTINCT speaker_id) FROM quotes").fetchone()[0] == 2
