"""A synthetic store of any size, built fast (executemany), for the review benchmarks.

Documents are made of sentences with a direct quote each, so every span
in the store indexes its document's text exactly as extraction would.
"""

from __future__ import annotations

import random
from pathlib import Path

from quotetrack import store
from quotetrack.store.speakers import refresh_speakers

FIRST = ["Ann", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jens", "Kofi", "Lena",
         "Marta", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sergey", "Tomas", "Uma", "Viktor", "Wen", "Yara"]
LAST = ["Lee", "Lavrov", "Stoltenberg", "Okafor", "Novak", "Silva", "Tanaka", "Moreau", "Kowalski", "Haddad",
        "Berg", "Costa", "Ivanova", "Jensen", "Khan", "Lopez", "Meyer", "Nakamura", "Petrov", "Rossi"]
WORDS = ("alliance minister talks ceasefire budget election reform harbour energy treaty council vote "
         "inflation border summit report agency market court season").split()
KINDS = ("direct", "indirect", "mixed")
METHODS = ("syntax", "apposition", "according", "coref", "nearest-name", "continuation")


def build(path: str | Path, n_quotes: int = 100_000, per_doc: int = 10, seed: int = 7) -> Path:
    """Create a store at ``path`` with ``n_quotes`` quotes in ``n_quotes / per_doc`` documents."""
    rng = random.Random(seed)
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = store.connect(path)
    names = [f"{f} {l}" for f in FIRST for l in LAST]  # 480 people
    docs, quotes = [], []
    for d in range(max(1, n_quotes // per_doc)):
        doc_id = f"doc{d:06d}"
        parts, rows = [], []
        pos = 0
        for s in range(per_doc):
            speaker = rng.choice(names)
            said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
            para = f"{speaker} said “{said.capitalize()}.” The {rng.choice(WORDS)} followed."
            start = pos + para.index("“") + 1
            end = start + len(said) + 1
            cue = pos + para.index(" said") + 1
            conf = round(rng.random(), 4)
            kind = rng.choice(KINDS)
            rows.append((doc_id, s, kind, start, end, said.capitalize() + ".", cue, cue + 4, "said",
                         speaker, "person", pos, pos + len(speaker), speaker, None, None, None,
                         rng.choice(METHODS), conf, ""))
            parts.append(para)
            pos += len(para) + 1
        text = "\n".join(parts)
        import hashlib
        sha = hashlib.sha256(text.encode()).hexdigest()
        docs.append((doc_id, f"{doc_id}.txt", sha, text, len(text), "synthetic", "2024-01-01T00:00:00Z"))
        for r in rows:
            quotes.append((store.quote_id((doc_id, sha), r[3], r[4]), *r))
    with store.transaction(conn):
        conn.executemany("INSERT INTO documents(id, source, sha256, text, chars, extractor, extracted_at)"
                         " VALUES (?,?,?,?,?,?,?)", docs)
        conn.executemany(
            "INSERT INTO quotes(id, doc_id, seq, kind, start, end, text, cue_start, cue_end, cue_text,"
            " speaker_name, speaker_kind, mention_start, mention_end, mention_text,"
            " resolved_start, resolved_end, resolved_text, method, confidence, flags)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", quotes)
    refresh_speakers(conn)
    conn.close()
    return path


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    out = build(sys.argv[1] if len(sys.argv) > 1 else "/tmp/qt-100k.db", int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
    print(f"built {out} in {time.perf_counter() - t:.1f}s")
