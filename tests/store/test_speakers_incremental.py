"""Incremental speaker normalisation gives exactly what clustering everything at once gives.

The property test drives a store through random histories -- documents added
in batches, re-extracted and removed, reviewers correcting speakers, forcing,
forbidding and splitting names, an aliases file changing -- refreshing the
speakers incrementally after each step, and compares speakers, aliases and
every quote's speaker id with a full re-cluster of a copy of the store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.names import Overrides
from quotetrack.store import Store
from tests.support.speaker_snapshot import snapshot

# Names chosen to reach every step of the normaliser: spelling variants, lone surnames and
# given names, relatives, generational suffixes, typographic apostrophes, descriptions,
# organisations with qualifiers and acronyms, NER kinds that are wrong, and names that are
# nobody's.
NAMES = [
    ("Sergey Lavrov", "person"), ("Sergei Lavrov", "person"), ("Lavrov", "person"), ("Lavrov", "organization"),
    ("Foreign Minister Sergey Lavrov", "person"), ("Russia’s Sergei Lavrov", "person"),
    ("Sergei Skripal", "person"), ("Yulia Skripal", "person"), ("Iulia Skripal", "person"), ("Skripal", "person"),
    ("Yulia", "person"),
    ("George Bush", "person"), ("George W. Bush", "person"), ("George H. W. Bush", "person"), ("Bush", "person"),
    ("Donald Trump", "person"), ("Donald Trump Jr.", "person"), ("Donald Trump Jr:", "person"), ("Trump", "person"),
    ("Ivanka Trump", "person"),
    ("Martin O'Malley", "person"), ("Martin O’Malley", "person"), ("O’Malley", "person"),
    ("Fox News’s Ed Henry", "person"), ("Ed Henry", "person"),
    ("Carly Fiorina", "person"), ("Fiorina", "organization"), ("Fiorina", "person"),
    ("NATO", "organization"), ("Nato", "organization"), ("North Atlantic Treaty Organization (NATO)", "organization"),
    ("NATO", "person"), ("the State Department", "organization"), ("U.S. State Department", "organization"),
    ("Russian Foreign Ministry", "organization"), ("Ukrainian Foreign Ministry", "organization"),
    ("Foreign Ministry", "organization"),
    ("Muammar Gaddafi", "person"), ("Muammar Qaddafi", "person"), ("Gaddafi", "person"),
    ("Jens Stoltenberg", "person"), ("J. Stoltenberg", "person"), ("Stoltenberg", "person"),
    ("a spokeswoman", "other"), ("officials", "other"), ("Moscow", "organization"),
]
OVERRIDE_NAMES = sorted({n for n, _ in NAMES} | {"Sergey V. Lavrov", "Ed R. Henry"})
METHODS = ["syntax", "apposition", "according", "coref", "nearest-name"]

quote_spec = st.tuples(st.integers(0, len(NAMES) - 1), st.sampled_from(METHODS), st.booleans())
document = st.lists(quote_spec, min_size=1, max_size=6)
name = st.sampled_from(OVERRIDE_NAMES)
operation = st.one_of(
    st.tuples(st.just("add"), st.lists(document, min_size=1, max_size=5)),
    st.tuples(st.just("reextract"), st.integers(0, 999), document),
    st.tuples(st.just("remove"), st.integers(0, 999)),
    st.tuples(st.just("correct"), st.integers(0, 9999), st.one_of(name, st.just("Maria Critic"))),
    st.tuples(st.just("override"), st.sampled_from(["merge", "forbid", "split", "rename"]), name, name),
    st.tuples(st.just("aliases"), st.lists(st.tuples(st.sampled_from(["merge", "forbid", "split"]), name, name),
                                           max_size=3)),
)


def _make(doc_id: str, spec: list[tuple[int, str, bool]], version: int = 0) -> tuple[Document, list[Quote]]:
    """A document whose quotes name their speakers as ``spec`` says (a mention that is the
    surname, or the whole name)."""
    parts, quotes, pos = [], [], 0
    for i, (n, method, surname) in enumerate(spec):
        speaker, kind = NAMES[n]
        said = f"words {version} {i} here"
        para = f"{speaker} said “{said}.”"
        start = pos + para.index("“") + 1
        mention = speaker.split()[-1] if surname else speaker
        quotes.append(Quote(kind="direct", content=TextSpan(start, start + len(said) + 1, said + "."), speaker=speaker,
                            speaker_kind=kind, mention=TextSpan(pos, pos + len(mention), mention), method=method,
                            confidence=0.9))
        parts.append(para)
        pos += len(para) + 1
    return Document(doc_id, "\n".join(parts), f"{doc_id}.txt"), quotes


def rebuilt_copy(db: Store, path: Path, base: Overrides | None) -> tuple:
    """The snapshot of a copy of ``db`` whose speakers were clustered again from nothing."""
    path.unlink(missing_ok=True)
    target = sqlite3.connect(path)
    db.conn.backup(target)
    target.close()
    with Store(path) as copy:
        copy.rebuild_speakers(base)
        return snapshot(copy)


def check_invariants(db: Store) -> None:
    """Every named quote has the id of an existing speaker; every speaker holds its own name."""
    c = db.conn
    unnamed = c.execute(
        "SELECT count(*) FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id"
        " WHERE trim(coalesce(r.speaker_name, q.speaker_name, '')) != ''"
        " AND (q.speaker_id IS NULL OR q.speaker_id NOT IN (SELECT id FROM speakers))"
    ).fetchone()[0]
    assert unnamed == 0
    assert c.execute("SELECT count(*) FROM speakers s WHERE NOT EXISTS"
                     " (SELECT 1 FROM aliases a WHERE a.speaker_id = s.id AND a.alias = s.name)").fetchone()[0] == 0


def _base(entries) -> Overrides | None:
    if not entries:
        return None
    merges = [(a, b) for action, a, b in entries if action == "merge" and a != b]
    forbids = [(a, b) for action, a, b in entries if action == "forbid" and a != b]
    merges = [m for m in merges if m not in forbids and m[::-1] not in forbids]
    return Overrides(merges=merges, forbids=forbids, splits=[a for action, a, _ in entries if action == "split"])


def run_history(tmp: Path, history, refresh_after) -> int:
    db = Store(tmp / "inc.db")
    docs: list[str] = []
    quotes: list[str] = []
    base = None
    incremental = 0
    for step, op in enumerate(history):
        kind = op[0]
        if kind == "add":
            for spec in op[1]:
                doc_id = f"d{len(docs):03d}"
                docs.append(doc_id)
                quotes += db.save_document(*_make(doc_id, spec), "x")
        elif kind == "reextract" and docs:
            doc_id = docs[op[1] % len(docs)]
            quotes += db.save_document(*_make(doc_id, op[2], version=step), "x")
        elif kind == "remove" and docs:
            db.conn.execute("DELETE FROM documents WHERE id = ?", (docs.pop(op[1] % len(docs)),))
        elif kind == "correct":
            live = [q for q in quotes if db.quote(q) is not None]
            if live:
                review.set_speaker(db, live[op[1] % len(live)], op[2], "ann")
        elif kind == "override":
            action, a, b = op[1:]
            if action in ("merge", "forbid") and a == b:
                continue
            db.add_speaker_override(action, a, None if action == "split" else b, by="ann")
        elif kind == "aliases":
            base = _base(op[1])
        if not refresh_after[step % len(refresh_after)] and step < len(history) - 1:
            continue  # several changes before one refresh
        report = db.refresh_speakers(base)
        incremental += report.mode == "incremental"
        check_invariants(db)
        assert snapshot(db) == rebuilt_copy(db, tmp / "full.db", base), f"after step {step}: {op}"
    db.close()
    return incremental


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(operation, min_size=1, max_size=8), refresh_after=st.lists(st.booleans(), min_size=1))
def test_incremental_refresh_equals_a_full_recluster(tmp_path_factory, history, refresh_after):
    run_history(tmp_path_factory.mktemp("speakers"), history, refresh_after)


def test_documents_added_in_any_batches_give_the_same_speakers(tmp_path):
    """The same documents, in three batchings, incremental each time: the same speakers as one full run."""
    specs = [[(i % len(NAMES), METHODS[i % len(METHODS)], i % 3 == 0), ((i * 7) % len(NAMES), "syntax", False)]
             for i in range(40)]
    results = []
    for n, batches in enumerate(([40], [1] * 40, [3, 17, 1, 19])):
        db = Store(tmp_path / f"b{n}.db")
        done = 0
        for size in batches:
            for i in range(done, done + size):
                db.save_document(*_make(f"d{i:03d}", specs[i]), "x")
            assert db.refresh_speakers().mode == ("full" if done == 0 else "incremental")
            done += size
        results.append(snapshot(db))
        assert results[-1] == rebuilt_copy(db, tmp_path / "full.db", None)
    assert results[0] == results[1] == results[2]


def test_a_refresh_with_nothing_new_does_nothing(tmp_path):
    db = Store(tmp_path / "q.db")
    db.save_document(*_make("d1", [(0, "syntax", False)]), "x")
    assert db.refresh_speakers().mode == "full"
    assert db.refresh_speakers().mode == "none"
    db.save_document(*_make("d2", [(2, "syntax", False)]), "x")
    report = db.refresh_speakers()
    assert (report.mode, report.documents) == ("incremental", 1)


def _speaker_of(db: Store, doc_id: str) -> tuple[str, str]:
    sid, flags = db.conn.execute(
        "SELECT s.id, s.flags FROM quotes q JOIN speakers s ON s.id = q.speaker_id WHERE q.doc_id = ?", (doc_id,)
    ).fetchone()
    return sid, flags


def test_a_lone_surname_stops_being_ambiguous_when_the_people_it_could_be_are_gone(tmp_path):
    """Alone in its group before and after, but no longer ambiguous: the speaker is written again."""
    db = Store(tmp_path / "q.db")
    for doc_id, n in (("d1", 6), ("d2", 7), ("d3", 9)):  # Sergei Skripal, Yulia Skripal, Skripal
        db.save_document(*_make(doc_id, [(n, "syntax", False)]), "x")
    db.refresh_speakers()
    sid, flags = _speaker_of(db, "d3")
    assert "ambiguous" in flags.split(",") and flags.count("maybe:") == 2
    db.conn.execute("DELETE FROM documents WHERE id IN ('d1', 'd2')")
    assert db.refresh_speakers().mode == "incremental"
    sid, flags = _speaker_of(db, "d3")
    assert flags == "" and [r[0] for r in db.conn.execute("SELECT name FROM speakers")] == ["Skripal"]
    assert snapshot(db) == rebuilt_copy(db, tmp_path / "full.db", None)


def test_names_placed_by_worker_processes_give_the_same_speakers(tmp_path, monkeypatch):
    """A refresh of many documents places their names in forked workers: the same speakers, in full and
    incremental refreshes, as placing them in this process (batches small here, so each worker gets many)."""
    from quotetrack.store import speaker_placing, speaker_refresh

    specs = [[(i % len(NAMES), METHODS[i % len(METHODS)], i % 3 == 0), ((i * 7) % len(NAMES), "syntax", i % 2 == 0)]
             for i in range(90)]
    if speaker_placing.workers_for(10**6) == 0:
        pytest.skip("processes do not fork here, or one core: names are always placed in this process")
    monkeypatch.setattr(speaker_placing, "BATCH", 4)
    monkeypatch.setattr(speaker_refresh, "PLACED_AT_ONCE", 25)  # an update in parts, each in workers
    results = {}
    for parallel_from in (10**9, 10):
        monkeypatch.setattr(speaker_placing, "PARALLEL_FROM", parallel_from)
        forks: list[int] = []

        def placed(normaliser, docs, workers, forks=forks):
            forks.append(workers)
            return speaker_placing.placed(normaliser, docs, workers)

        monkeypatch.setattr(speaker_refresh, "placed", placed)
        db = Store(tmp_path / f"p{parallel_from}.db")
        for i in range(40):
            db.save_document(*_make(f"d{i:03d}", specs[i]), "x")
        assert db.refresh_speakers().mode == "full"
        for i in range(40, 90):
            db.save_document(*_make(f"d{i:03d}", specs[i]), "x")
        db.save_document(*_make("d005", specs[60], version=1), "x")  # re-extracted: its old names taken out
        assert db.refresh_speakers().mode == "incremental"
        assert forks and all(n == (speaker_placing.workers_for(10**6) if parallel_from == 10 else 0) for n in forks)
        results[parallel_from] = snapshot(db)
        assert results[parallel_from] == rebuilt_copy(db, tmp_path / "full.db", None)
        db.close()
    assert results[10] == results[10**9]
