"""A bulk load (``Store.bulk_load`` + ``save_documents``) leaves the store as saving each document does.

The review queue's triggers and indexes are off during a bulk load and filled
from the rows at its end; what a reviewer sees afterwards (every order, filter,
search and count, and the speakers) must be what a store filled one document
at a time shows, and a load that dies half-way must not leave a store whose
queue is wrong.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import QueueQuery, Store

NAMES = ["Ann Lee", "Lee", "Ben Okafor", "Okafor", "Carla Novak", "Zoë Berg", None]
WORDS = "treaty vote harbour budget border summit family plan".split()


def articles(seed: int, n: int = 30) -> list[tuple[Document, list[Quote]]]:
    rng = random.Random(seed)
    out = []
    for d in range(n):
        parts, quotes, pos = [], [], 0
        for _ in range(rng.randint(1, 5)):
            said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
            speaker = rng.choice(NAMES)
            para = f"{speaker or 'Someone'} said “{said}.”"
            start = pos + para.index("“") + 1
            quotes.append(Quote(kind=rng.choice(("direct", "indirect")), content=TextSpan(start, start + len(said), said),
                                speaker=speaker, speaker_kind="person" if speaker else "other", method="syntax",
                                confidence=rng.choice((0.1, 0.5, 0.9, 0.25))))
            parts.append(para)
            pos += len(para) + 1
        out.append((Document(f"doc-{d:02d}", "\n".join(parts), f"doc-{d:02d}.txt"), quotes))
    return out


def decide(db: Store, seed: int) -> None:
    rng = random.Random(seed)
    ids = sorted(r[0] for r in db.conn.execute("SELECT id FROM quotes"))
    for qid in rng.sample(ids, len(ids) // 3):
        [review.confirm, review.reject][rng.randrange(2)](db, qid, "ann")


QUERIES = [QueueQuery(sort=s, reverse=r) for s in ("document", "speaker", "kind", "confidence", "status")
           for r in (False, True)] + [
    QueueQuery(statuses=(0,)), QueueQuery(kind="indirect", sort="speaker"), QueueQuery(speaker="okafor"),
    QueueQuery(search="harbour budget", sort="confidence"), QueueQuery(search="ann lee"),
    QueueQuery(confidence=(0.2, 0.6), sort="document"), QueueQuery(doc="doc-1"),
]


def what_a_reviewer_sees(db: Store) -> list:
    seen = [db.queue_progress(), db.speakers(documents=False)]
    for query in QUERIES:
        rows = [r[0] for r in db.queue_page(query, None, 10_000)]
        seen.append((db.queue_count(query), db.queue_numbers(query),
                     [(r[1], r[3], r[4], r[6]) for r in sorted(db.queue_row_data(rows), key=lambda r: rows.index(r[0]))]))
    return seen


@pytest.mark.parametrize("seed", [1, 2])
def test_a_bulk_load_shows_the_reviewer_what_saving_each_document_does(tmp_path, seed):
    docs = articles(seed)
    with Store(tmp_path / "each.db") as each, Store(tmp_path / "bulk.db") as bulk:
        for doc, quotes in docs:
            each.save_document(doc, quotes, "test")
        each.refresh_speakers()
        with bulk.bulk_load():
            bulk.save_documents(docs[:12], "test")
            bulk.refresh_speakers()  # a refresh half-way, as the archive benchmark does
            bulk.save_documents(docs[12:], "test")
            bulk.refresh_speakers()
        decide(each, seed)
        decide(bulk, seed)  # after the load the queue follows decisions again
        assert what_a_reviewer_sees(bulk) == what_a_reviewer_sees(each)
        assert bulk.queue_progress()[0] < sum(len(q) for _, q in docs)  # the decisions moved quotes out of pending


def test_a_failed_bulk_load_stores_nothing_of_its_batch_and_the_queue_still_counts(tmp_path):
    docs = articles(3, 10)
    broken = (docs[0][0], [*docs[0][1], "not a quote"])
    with Store(tmp_path / "s.db") as db:
        db.save_documents(docs[:5], "test")
        with pytest.raises(AttributeError), db.bulk_load():
            db.save_documents([*docs[5:], broken], "test")
        assert db.counts()["documents"] == 5
        assert sum(db.queue_progress().values()) == sum(len(q) for _, q in docs[:5])
        db.save_document(*docs[5], "test")  # the triggers are back: a new document is counted
        assert sum(db.queue_progress().values()) == sum(len(q) for _, q in docs[:6])


LOADER_DIES = """
import os, sys
sys.path.insert(0, {tests!r})
from store.test_bulk_load import articles
from quotetrack.store import Store
db = Store({path!r})
with db.bulk_load():
    db.save_documents(articles(4, 12), "test")
    os._exit(9)  # killed before the end of the load
"""


def test_a_store_left_in_a_bulk_load_puts_its_queue_back_when_opened(tmp_path):
    path = tmp_path / "s.db"
    code = LOADER_DIES.format(tests=str(Path(__file__).resolve().parents[1]), path=str(path))
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    with Store(path) as db, Store(tmp_path / "each.db") as each:
        for doc, quotes in articles(4, 12):
            each.save_document(doc, quotes, "test")
        assert what_a_reviewer_sees(db) == what_a_reviewer_sees(each)
        db.refresh_speakers()  # the documents of the dead load are placed as any others
        each.refresh_speakers()
        assert db.speakers() == each.speakers() and db.speakers()
        assert what_a_reviewer_sees(db) == what_a_reviewer_sees(each)
