"""Speaker ids on PolNeAR train: every named speaker has one, incremental = full, and what moved (not a test).

A store of the train split is made once with the CLI (about 10 minutes)::

    quotetrack extract /work/shared/data/polnear-train/text --db /tmp/polnear.db --jobs 2

then::

    python benchmarks/speakers_polnear.py check --db /tmp/polnear.db
        # invariant: every exported quote with a speaker name has a speaker id (exit 1 if not)
    python benchmarks/speakers_polnear.py replay --db /tmp/polnear.db [--seed 1] [--corrections 0.02]
        # the store's documents added again into a new store in random batches, with reviewers'
        # speaker corrections and overrides on the way, speakers refreshed incrementally after each
        # batch and compared with a full re-cluster of a copy; times of both
    python benchmarks/speakers_polnear.py compare --before OLD.db --after NEW.db
        # quotes whose speaker id differs between two stores of the same quotes (e.g. one refreshed
        # by quotetrack 0.2.0, one by this version), grouped by name and the speakers before/after

PolNeAR stays out of the unit tests; the unit tests have the same properties on names written for them.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from quotetrack import Corpus, review
from quotetrack.domain import Document
from quotetrack.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.speaker_snapshot import snapshot  # noqa: E402  (shared with the incremental-refresh tests)


def _copy(src: Path, folder: Path, name: str) -> Path:
    """A consistent copy of a store (its WAL included), so the original is never written."""
    target = folder / name
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    source.backup(dest)
    dest.close()
    source.close()
    return target


def check(db: Path) -> int:
    """Count exported quotes that name a speaker without an id (the invariant: none)."""
    with tempfile.TemporaryDirectory() as tmp, Corpus(_copy(db, Path(tmp), "check.db"), create=False) as corpus:
        started = time.perf_counter()
        report = corpus.store.refresh_speakers()
        quotes = named = without = 0
        examples: list[str] = []
        for record in corpus.quotes():
            quotes += 1
            if record["speaker"]["name"] is None:
                continue
            named += 1
            if record["speaker"]["id"] is None:
                without += 1
                examples.append(f"{record['doc_id']}: {record['speaker']['name']!r}")
        print(f"refresh: {report.mode}, {time.perf_counter() - started:.1f} s")
        print(f"{quotes:,} quotes, {named:,} with a speaker name, {without:,} of them without a speaker id")
        for line in examples[:20]:
            print("  ", line)
        return 1 if without else 0


def _documents(src: Store) -> list[tuple[Document, list]]:
    out = []
    for (doc_id, source) in src.conn.execute("SELECT id, source FROM documents ORDER BY id").fetchall():
        ids = [r[0] for r in src.conn.execute("SELECT id FROM quotes WHERE doc_id = ? ORDER BY start", (doc_id,))]
        out.append((Document(doc_id, src.document_text(doc_id), source), [src.quote(q).quote for q in ids]))
    return out


def replay(db: Path, seed: int, corrections: float, max_batch: int) -> int:
    """Documents again in random batches (plus corrections and overrides), incremental against full."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store(_copy(db, folder, "source.db")) as src:
            docs = _documents(src)
        rng.shuffle(docs)
        names = sorted({q.speaker for _, qs in docs for q in qs if q.speaker})
        target = Store(folder / "replay.db")
        quote_ids: list[str] = []
        done, steps, mismatches = 0, 0, 0
        inc_seconds, full_seconds = [], []
        while done < len(docs):
            size = rng.randint(1, max_batch)
            for doc, quotes in docs[done : done + size]:
                quote_ids += target.save_document(doc, quotes, "replay")
            done += size
            for qid in rng.sample(quote_ids, int(len(quote_ids) * corrections / 10)):
                review.set_speaker(target, qid, rng.choice(names), "bench")  # a reviewer names another speaker
            if steps % 7 == 3:  # now and then a reviewer forces or forbids a merge, or splits a name
                action = rng.choice(["merge", "forbid", "split"])
                a, b = rng.sample(names, 2)
                target.add_speaker_override(action, a, None if action == "split" else b, by="bench")
            started = time.perf_counter()
            report = target.refresh_speakers()
            inc_seconds.append(time.perf_counter() - started)
            steps += 1
            if steps % 5 == 1 or done >= len(docs):
                got = snapshot(target)
                copy = _copy(folder / "replay.db", folder, "full.db")
                with Store(copy) as full:
                    started = time.perf_counter()
                    full.rebuild_speakers()
                    full_seconds.append(time.perf_counter() - started)
                    same = got == snapshot(full)
                copy.unlink()
                mismatches += not same
                print(f"{min(done, len(docs)):4d} documents (+{size:3d}, {report.mode}): incremental {inc_seconds[-1]:.2f} s,"
                      f" full {full_seconds[-1]:.2f} s, {'identical' if same else 'DIFFERENT'}"
                      f" ({len(got[0]):,} speakers, {len(got[2]):,} quotes)")
        target.close()
    print(f"{steps} incremental refreshes, median {sorted(inc_seconds)[len(inc_seconds) // 2]:.2f} s;"
          f" full re-cluster median {sorted(full_seconds)[len(full_seconds) // 2]:.2f} s;"
          f" {mismatches} of {len(full_seconds)} comparisons differed")
    return 1 if mismatches else 0


def _assignments(db: Path, folder: Path, name: str) -> tuple[dict, dict, dict]:
    """quote id -> speaker id, quote id -> (name, kind, doc) as extracted, speaker id -> (name, kind, flags)."""
    with Store(_copy(db, folder, name)) as store:
        c = store.conn
        ids = dict(c.execute("SELECT id, speaker_id FROM quotes"))
        raw = {q: (n, k, d) for q, n, k, d in c.execute("SELECT id, speaker_name, speaker_kind, doc_id FROM quotes")}
        speakers = {s: (n, k, f) for s, n, k, f in c.execute("SELECT id, name, kind, flags FROM speakers")}
    return ids, raw, speakers


def compare(before: Path, after: Path, limit: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        old, raw, old_speakers = _assignments(before, Path(tmp), "before.db")
        new, _, new_speakers = _assignments(after, Path(tmp), "after.db")
    named = [q for q in old if (raw[q][0] or "").strip()]
    print(f"{len(old):,} quotes, {len(named):,} with a speaker name")
    print(f"named without an id: before {sum(old[q] is None for q in named)}, after {sum(new[q] is None for q in named)}")
    groups: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    for q in named:
        if old[q] == new[q]:
            continue
        name, kind, doc = raw[q]
        was = old_speakers[old[q]][:2] if old[q] else None
        now = new_speakers[new[q]] if new[q] else None
        key = (name, kind, was, now[:2] if now else None, "ambiguous" if now and "ambiguous" in now[2] else "")
        groups[key] += 1
        docs[key].add(doc)
    print(f"quotes whose speaker id changed: {sum(groups.values()):,}"
          f" (from none: {sum(n for k, n in groups.items() if k[2] is None):,})")
    print("quotes  docs  name (kind tagged): speaker before -> speaker after")
    for key, n in groups.most_common(limit):
        name, kind, was, now, flag = key
        was_text = f"{was[0]!r} ({was[1]})" if was else "none"
        now_text = f"{now[0]!r} ({now[1]}{', ' + flag if flag else ''})" if now else "none"
        print(f"{n:6d} {len(docs[key]):5d}  {name!r} ({kind}): {was_text} -> {now_text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("check")
    p.add_argument("--db", type=Path, required=True)
    p = sub.add_parser("replay")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--corrections", type=float, default=0.02, help="share of quotes a reviewer re-names, over the run")
    p.add_argument("--max-batch", type=int, default=60)
    p = sub.add_parser("compare")
    p.add_argument("--before", type=Path, required=True)
    p.add_argument("--after", type=Path, required=True)
    p.add_argument("--limit", type=int, default=60)
    args = parser.parse_args(argv)
    if args.what == "check":
        return check(args.db)
    if args.what == "replay":
        return replay(args.db, args.seed, args.corrections, args.max_batch)
    return compare(args.before, args.after, args.limit)


if __name__ == "__main__":
    sys.exit(main())
