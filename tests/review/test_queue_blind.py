"""A blind reviewer's queue (``review --blind``) against the plain reference: statuses are their own.

The stores of :mod:`tests.review.test_queue_store` (open reviews by ann and
bob), with blind decisions by cat and dan on top; cat's views must hold the
reference's rows in its order, with cat's own statuses, counts, positions and
next pending quote, read whole or by pages, and show cat's own corrections.
"""

from __future__ import annotations

import random

import pytest

from quotetrack import review
from quotetrack.store import Store
from tests.review.test_queue_store import SORTS, build, filters, reading, reference  # noqa: F401 (fixture)


def _blind_decisions(path, rng: random.Random) -> None:
    ids = None
    for who in ("cat", "dan"):
        db = Store(path, create=False)
        db.review_as(blind=who)
        ids = ids or [qid for qid in (db.queue_row_data([r])[0][1] for r in range(1, 400)
                                      if db.queue_row_data([r]))]
        for qid in rng.sample(ids, len(ids) // 2):
            action = rng.randrange(4)
            if action == 0:
                review.confirm(db, qid, who)
            elif action == 1:
                review.reject(db, qid, who)
            elif action == 2:
                review.set_kind(db, qid, rng.choice(("direct", "mixed")), who)
            else:
                review.set_note(db, qid, "own note", who)
        db.undo(who)
        db.close()


@pytest.fixture(params=[5, 6])
def blind_store(request, tmp_path):
    build(tmp_path / "q.db", request.param).close()
    rng = random.Random(request.param)
    _blind_decisions(tmp_path / "q.db", rng)
    db = Store(tmp_path / "q.db", create=False)
    db.review_as(blind="cat")
    yield db, rng
    db.close()


@pytest.mark.usefixtures("reading")  # read whole, and by pages
def test_a_blind_view_has_the_reference_rows_counts_and_order(blind_store):
    db, rng = blind_store
    queue = review.Queue(db, blind="cat")
    progress = queue.progress()
    own = dict(db.conn.execute("SELECT status, count(*) FROM reviewer_decisions WHERE by = 'cat' GROUP BY status"))
    assert progress.reviewed == sum(own.values()) and progress.by_status["confirmed"] == own.get("confirmed", 0)
    for flt in filters(rng)[:16]:
        for sort in SORTS:
            want, ranks = reference(db, flt, sort, blind="cat")
            view = queue.select(flt, sort)
            assert len(view) == len(want), (flt, sort)
            assert view.pending == sum(1 for r in want if ranks[r] == 0), (flt, sort)
            assert list(view) == want, (flt, sort)
            backwards = queue.select(flt, sort)
            assert [backwards[p] for p in range(len(want) - 1, -1, -1)] == want[::-1], (flt, sort)
            for row in rng.sample(want, min(2, len(want))):
                assert queue.select(flt, sort).index(row) == want.index(row), (flt, sort)
                position = want.index(row)
                view = queue.select(flt, sort)
                view.index(row)
                expected = next((p for k in range(1, len(want) + 1)
                                 if ranks[want[p := (position + k) % len(want)]] == 0), None)
                assert review.next_pending(queue, view, position) == expected, (flt, sort, position)


def test_a_blind_queue_shows_the_reviewers_own_corrections_and_statuses(blind_store):
    db, _ = blind_store
    queue = review.Queue(db, blind="cat")
    own = {q: (s, k, n) for q, s, k, n in db.conn.execute(
        "SELECT quote_id, status, kind, note FROM reviewer_decisions WHERE by = 'cat'")}
    extracted = dict(db.conn.execute("SELECT id, kind FROM quotes"))
    rows = list(queue.select())
    assert len(rows) == len(extracted)
    for row in rows:
        shown = queue.row(row)
        status, kind, note = own.get(shown.quote_id, ("pending", None, None))
        assert shown.status == status
        assert shown.kind == (kind or extracted[shown.quote_id])  # never ann's or bob's correction
        assert shown.note == (note is not None) and not shown.flagged
