"""The speaker picker on a large store (issue 17): it lists the most quoted speakers (a bounded read
from count tables, not every speaker), still finds a rare one by typing any part of any of its
names, and its counts follow every decision as listing every speaker counts them."""

from __future__ import annotations

import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store, speaker_picks

# (speaker, quotes): a few much quoted, many quoted once, one rare speaker with a title as alias
SPEAKERS = [("Ann Lee", 6), ("Jens Stoltenberg", 5), ("Sergey Lavrov", 4)] + [(f"Person {i:02d}", 1) for i in range(12)]
RARE = "Zanele Mbeki"


def _quote(text: str, words: str, speaker: str) -> Quote:
    start = text.index(words)
    at = text.index(speaker)
    return Quote(kind="direct", content=TextSpan(start, start + len(words), words), speaker=speaker,
                 speaker_kind="person", method="syntax", confidence=0.6, mention=TextSpan(at, at + len(speaker), speaker))


@pytest.fixture()
def store(tmp_path):
    db = Store(tmp_path / "picks.db")
    n = 0
    for name, count in [*SPEAKERS, (RARE, 1), (f"Minister {RARE}", 1)]:
        for _ in range(count):
            text = f"“We will act,” {name} said."
            db.save_document(Document(f"doc-{n:03d}", text, f"doc-{n:03d}.txt"), [_quote(text, "We will act,", name)], "test")
            n += 1
    db.refresh_speakers()
    yield db
    db.close()


def _counts(choices) -> dict[str, int]:
    return {c.name: c.quote_count for c in choices}


def test_the_picker_lists_the_most_quoted_first_and_finds_a_rare_one_by_typing(store, monkeypatch):
    monkeypatch.setattr(speaker_picks, "PICKS", 3)
    monkeypatch.setattr(speaker_picks.SpeakerPicks.speaker_picks, "__defaults__", ("", 3))
    first = review.picker_choices(store)
    assert [c.name for c in first] == ["Ann Lee", "Jens Stoltenberg", "Sergey Lavrov"]
    assert all(RARE not in c.names for c in first)
    for typed in ("mbeki", "Zanele", "nister zan", "Za"):  # any part of any name (a short one: its start)
        found = review.picker_choices(store, typed)
        rare = next(c for c in found if RARE in c.names)
        assert rare.quote_count == 2 and f"Minister {RARE}" in rare.names, typed
        assert [c.name for c in found][:3] == ["Ann Lee", "Jens Stoltenberg", "Sergey Lavrov"]  # still first


def test_the_picker_counts_follow_decisions_as_every_speaker_counts_them(store):
    def agree():
        every = _counts(review.speaker_choices(store))
        picked = _counts(review.picker_choices(store))
        assert picked == {name: n for name, n in every.items() if n}

    agree()
    ids = [r[0] for r in store.conn.execute("SELECT id FROM quotes ORDER BY rowid")]
    review.reject(store, ids[0], "ann")  # Ann Lee: 5 quotes not rejected
    agree()
    assert _counts(review.picker_choices(store))["Ann Lee"] == 5
    review.set_speaker(store, ids[1], "Sergey Lavrov", "ann")
    review.confirm(store, ids[2], "bob")
    agree()
    store.undo("ann")
    store.refresh_speakers()
    agree()
    assert _counts(review.picker_choices(store))["Ann Lee"] == 5


def test_a_store_made_before_the_lookups_gets_them_filled_on_opening(store):
    """An older store (its queue made, the later lookups missing) gets each lookup made and filled
    from its rows when opened."""
    path = store.path
    want = _counts(review.picker_choices(store))
    for drop in ("TABLE speaker_counts", "TABLE aliases_fts", "TABLE documents_fts", "TABLE queue_names_fts",
                 "TABLE queue_doc_counts", "TRIGGER speaker_counted_added", "TRIGGER aliases_fts_added"):
        store.conn.execute(f"DROP {drop}")
    store.close()
    db = Store(path)
    try:
        assert _counts(review.picker_choices(db)) == want
        assert RARE in {n for c in review.picker_choices(db, "mbek") for n in c.names}
        assert db.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '\"doc-01\"'").fetchone()[0] == 10
        queue = review.Queue(db)
        assert len(queue.select(review.QueueFilter(document="doc-00"))) == 10
        assert len(queue.select(review.QueueFilter(search="ann lee"))) == 6
        assert dict(db.conn.execute("SELECT doc_id, n FROM queue_doc_counts")) == dict(db.conn.execute(
            "SELECT doc_id, count(*) FROM quotes GROUP BY doc_id"))
    finally:
        db.close()
