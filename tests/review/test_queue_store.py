"""The store-backed queue against a plain reference: every filter and order, read whole or by pages.

Each generated store has many ties (few confidences, documents of several
quotes), names that differ only in case, quotes with no speaker, and a mix of
decisions, undos and speaker refreshes. The reference computes each view from
the store's plain tables (reviews, speakers, quotes) in Python, by the rules the
queue promises (case ignored as ``str.lower`` does); the queue must give the same rows in the same order, the same
counts, the same positions and the same next pending quote, however it reads
them (whole, or a few rows at a time from either end).
"""

from __future__ import annotations

import random

import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.review import QueueFilter, QueueSort
from quotetrack.review import view as view_module
from quotetrack.store import Store

NAMES = ["Ann Lee", "ann lee", "Ben Okafor", "Carla Novak", "Zoë Berg", "Dmitri Lavrov", None]
WORDS = "treaty vote harbour budget border summit Door family plan".split()
STATUS_RANK = {s: i for i, s in enumerate(("pending", "confirmed", "rejected", "corrected"))}


def _nocase(name: str) -> str:
    """SQLite's NOCASE: ASCII letters folded, everything else as it is."""
    return name.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


def build(path, seed: int, docs: int = 24) -> Store:
    rng = random.Random(seed)
    db = Store(path)
    for d in range(docs):
        parts, quotes, pos = [], [], 0
        for _ in range(rng.randint(1, 6)):
            said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
            para = f"Someone said “{said}.”"
            start = pos + para.index("“") + 1
            speaker = rng.choice(NAMES)
            quotes.append(Quote(kind=rng.choice(("direct", "indirect", "mixed")),
                                content=TextSpan(start, start + len(said), said), speaker=speaker,
                                speaker_kind="person" if speaker else "other", method="syntax",
                                confidence=rng.choice((0.1, 0.25, 0.5, 0.5, 0.5, 0.9, 0.12345))))
            parts.append(para)
            pos += len(para) + 1
        doc_id = rng.choice(["nato", "Budget", "vote"]) + f"-{d:02d}"
        db.save_document(Document(doc_id, "\n".join(parts), f"{doc_id}.txt"), quotes, "test")
    db.refresh_speakers()
    ids = [r[0] for r in db.conn.execute("SELECT id FROM quotes ORDER BY rowid")]
    for _ in range(len(ids) // 2):
        qid = rng.choice(ids)
        action = rng.randrange(5)
        if action == 0:
            review.confirm(db, qid, "ann")
        elif action == 1:
            review.reject(db, qid, "bob")
        elif action == 2:
            review.set_kind(db, qid, rng.choice(("direct", "mixed")), "ann")
        elif action == 3:
            review.set_speaker(db, qid, rng.choice(["Ann Lee", "New Person", "Ben Okafor"]), "ann")
        else:
            review.set_note(db, qid, "note", "ann")
    for _ in range(3):
        try:
            db.undo("ann")
        except review.ReviewError:  # passed over: bob decided on that quote since
            pass
    if seed % 2:
        db.refresh_speakers()
    return db


def reference(db: Store, flt: QueueFilter, sort: QueueSort, blind: str | None = None) -> tuple[list[int], dict[int, int]]:
    """The view by the queue's rules, from the plain tables: (rows in order, row → status rank). A
    ``blind`` reviewer's view has their own decisions' statuses (kinds and speakers as the quotes')."""
    names = dict(db.conn.execute("SELECT id, name FROM speakers"))
    reviews = {r[0]: r[1:] for r in db.conn.execute("SELECT quote_id, status, kind, speaker_name FROM reviews")}
    own = dict(db.conn.execute("SELECT quote_id, status FROM reviewer_decisions WHERE by = ?", (blind,)))
    rows = []
    for rowid, qid, doc, start, kind, conf, sid, extracted, text in db.conn.execute(
            "SELECT rowid, id, doc_id, start, kind, confidence, speaker_id, speaker_name, text FROM quotes"):
        status, rkind, rspeaker = reviews.get(qid, ("pending", None, None))
        if blind is not None:
            status = own.get(qid, "pending")
        speaker = names.get(sid) if sid in names else (rspeaker or extracted)
        rows.append(dict(row=rowid, doc=doc, start=start, kind=rkind or kind, conf=conf, status=status,
                         speaker=speaker, text=text))
    docs = {r["doc"] for r in rows}
    shown = {r["speaker"].lower() for r in rows if r["speaker"]}

    def keep(r) -> bool:
        if flt.status and (r["status"] == "pending" if flt.status == "reviewed" else r["status"] != flt.status):
            return False
        if flt.kind and r["kind"] != flt.kind:
            return False
        if flt.confidence and not flt.confidence[0] <= r["conf"] <= flt.confidence[1]:
            return False
        speaker = flt.speaker.strip().lower()
        name = (r["speaker"] or "").lower()
        if speaker and not (name == speaker if speaker in shown else speaker in name):
            return False
        doc = flt.document.strip()
        if doc and not (r["doc"] == doc if doc in docs else doc.lower() in r["doc"].lower()):
            return False
        search = flt.search.strip().lower()
        return not search or search in r["text"].lower() or search in name

    kept = [r for r in rows if keep(r)]
    ties = lambda r: (r["conf"], r["doc"], r["start"], r["row"])  # noqa: E731
    if sort.column == "document":
        kept.sort(key=lambda r: (r["doc"], r["start"], r["row"]), reverse=sort.reverse)
    else:
        kept.sort(key=ties)  # then stable sorts by the column: ties stay least confident first
        if sort.column == "confidence":
            kept.sort(key=lambda r: r["conf"], reverse=sort.reverse)
        elif sort.column == "status":
            kept.sort(key=lambda r: STATUS_RANK[r["status"]], reverse=sort.reverse)
        elif sort.column == "kind":
            kept.sort(key=lambda r: r["kind"], reverse=sort.reverse)
        else:
            kept.sort(key=lambda r: _nocase(r["speaker"]) if r["speaker"] else "", reverse=sort.reverse)
            kept.sort(key=lambda r: r["speaker"] is None)  # no speaker: last, either way
    return [r["row"] for r in kept], {r["row"]: STATUS_RANK[r["status"]] for r in kept}


def filters(rng: random.Random) -> list[QueueFilter]:
    """The unfiltered view, then filters on one or two things at a time (more would keep next to nothing)."""
    values = {
        "status": [*review.STATUS_FILTERS],
        "kind": ["direct", "indirect", "mixed"],
        "speaker": ["ann lee", "ANN", "ok", "zoë", "nobody", " Ben Okafor ", "new person"],
        "document": ["nato-03", "budget", "-1", "NATO", "vote-1"],
        "confidence": [(0.0, 0.3), (0.5, 0.5), (0.12, 0.9), (0.123, 0.1235), (0.2, 1.0)],
        "search": ["door", "ann", "trea", "plan f", "xyz", "a", "or"],
    }
    out = [QueueFilter()]
    for _ in range(30):
        chosen = rng.sample(sorted(values), rng.choice((1, 1, 2)))
        out.append(QueueFilter(**{name: rng.choice(values[name]) for name in chosen}))
    return out


SORTS = [QueueSort(c, r) for c in review.SORT_COLUMNS for r in (False, True)]


@pytest.fixture(params=[1, 2, 3, 4])
def store(request, tmp_path):
    db = build(tmp_path / "q.db", request.param)
    yield db, random.Random(request.param)
    db.close()


@pytest.fixture(params=["whole", "pages"])
def reading(request, monkeypatch):
    """Views read whole (the store is small), or a few rows at a time as on a large store."""
    if request.param == "pages":
        monkeypatch.setattr(view_module, "WHOLE", 0)
        monkeypatch.setattr(view_module, "PAGE", 3)
        monkeypatch.setattr(view_module, "KEPT", 7)
        monkeypatch.setattr(view_module, "FAR", 4)
        monkeypatch.setattr(view_module, "SKIP", 5)
    return request.param


def test_every_view_has_the_reference_rows_counts_and_order(store, reading):
    db, rng = store
    queue = review.Queue(db)
    for flt in filters(rng):
        for sort in SORTS:
            want, ranks = reference(db, flt, sort)
            view = queue.select(flt, sort)
            if want:
                assert view.whole == (reading == "whole"), (flt, sort)
            assert len(view) == len(want), (flt, sort)
            assert view.pending == sum(1 for r in want if ranks[r] == 0), (flt, sort)
            assert list(view) == want, (flt, sort)
            backwards = queue.select(flt, sort)  # read from the end first
            assert [backwards[p] for p in range(len(want) - 1, -1, -1)] == want[::-1], (flt, sort)


def test_views_match_the_reference_when_many_documents_and_names_hold_the_filter(store, monkeypatch):
    """Past DOCS_LISTED ids (NAMES_LISTED names) holding a document filter (a search), their quotes are
    found through the trigram index of ids (of names) instead of a list: the same rows and counts."""
    from quotetrack.store import queue as store_queue

    monkeypatch.setattr(store_queue, "DOCS_LISTED", 1)
    monkeypatch.setattr(store_queue, "NAMES_LISTED", 1)
    db, rng = store
    queue = review.Queue(db)
    for flt in [QueueFilter(document="budget"), QueueFilter(document="vote-1"), QueueFilter(search="ann"),
                QueueFilter(search="lee"), QueueFilter(document="nato", status="pending"), QueueFilter(search="door")]:
        for sort in (QueueSort(), QueueSort("speaker", True), QueueSort("document")):
            want, ranks = reference(db, flt, sort)
            view = queue.select(flt, sort)
            assert (len(view), view.pending) == (len(want), sum(1 for r in want if ranks[r] == 0)), (flt, sort)
            assert list(view) == want, (flt, sort)


def test_positions_and_next_pending_match_the_reference(store, reading):
    db, rng = store
    queue = review.Queue(db)
    for flt in filters(rng)[:10]:
        for sort in SORTS:
            want, ranks = reference(db, flt, sort)
            for row in rng.sample(want, min(3, len(want))):
                assert queue.select(flt, sort).index(row) == want.index(row), (flt, sort)
            if not want:
                assert review.next_pending(queue, queue.select(flt, sort), 0) is None
                continue
            for position in rng.sample(range(len(want)), min(3, len(want))):
                for step in (1, -1):
                    view = queue.select(flt, sort)
                    view.index(want[position])  # the cursor's row is read, as on screen
                    expected = next((p for k in range(1, len(want) + 1)
                                     if ranks[want[p := (position + k * step) % len(want)]] == 0), None)
                    assert review.next_pending(queue, view, position, step) == expected, (flt, sort, position, step)


def test_the_count_tables_and_queue_columns_follow_every_write(store):
    db, _ = store
    counts = dict(((s, k, b), n) for s, k, b, n in db.conn.execute("SELECT * FROM queue_counts") if n)
    recount = {(s, k, b): n for s, k, b, n in db.conn.execute(
        "SELECT queue_status, coalesce(queue_kind, kind), CAST(round(confidence * 10000) AS INTEGER), count(*)"
        " FROM quotes GROUP BY 1, 2, 3")}
    assert counts == recount
    names = {n.casefold(): c for n, c in db.conn.execute("SELECT name, n FROM queue_speakers")}
    want, _ = reference(db, QueueFilter(), QueueSort("speaker"))
    shown = {}
    for row in want:
        name = review.Queue(db).speakers[row]
        if name:
            shown[name.casefold()] = shown.get(name.casefold(), 0) + 1
    assert names == shown
    hits = {r[0] for r in db.conn.execute("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH '\"door\"'")}
    assert hits == {r[0] for r in db.conn.execute("SELECT rowid FROM quotes WHERE text LIKE '%door%'")}
    # the picker's counts (quotes not rejected, per speaker) and the trigram indexes of names, ids, aliases
    assert dict(db.conn.execute("SELECT speaker_id, n FROM speaker_counts")) == dict(db.conn.execute(
        "SELECT speaker_id, count(*) FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id"
        " WHERE speaker_id IS NOT NULL AND r.status IS NOT 'rejected' GROUP BY speaker_id"))
    assert dict(db.conn.execute("SELECT doc_id, n FROM queue_doc_counts")) == dict(db.conn.execute(
        "SELECT doc_id, count(*) FROM quotes GROUP BY doc_id"))
    assert sorted(r[0] for r in db.conn.execute("SELECT name FROM queue_names_fts")) == sorted(
        r[0] for r in db.conn.execute("SELECT name FROM queue_speakers"))
    for table, fts, column, part in (("documents", "documents_fts", "id", "budget"), ("aliases", "aliases_fts", "alias", "lee")):
        found = {r[0] for r in db.conn.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH '\"{part}\"'")}
        assert found == {r[0] for r in db.conn.execute(f"SELECT rowid FROM {table} WHERE {column} LIKE '%{part}%'")}
