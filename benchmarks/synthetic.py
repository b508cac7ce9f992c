"""A synthetic store of any size, for the review benchmarks.

Documents are made of sentences with a direct quote each, so every span
in the store indexes its document's text exactly as extraction would.

    python benchmarks/synthetic.py PATH [QUOTES] [--speakers-after DOCS]

``--speakers-after``: normalise speakers once, after that many documents,
instead of over the whole store at the end (the normaliser over ten million
names takes most of an hour and several GB; the queue sorts and filters by
the name a quote is shown under either way, its speaker's or the extracted one).
"""

from __future__ import annotations

import random
from pathlib import Path

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store

FIRST = ["Ann", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jens", "Kofi", "Lena",
         "Marta", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sergey", "Tomas", "Uma", "Viktor", "Wen", "Yara"]
LAST = ["Lee", "Lavrov", "Stoltenberg", "Okafor", "Novak", "Silva", "Tanaka", "Moreau", "Kowalski", "Haddad",
        "Berg", "Costa", "Ivanova", "Jensen", "Khan", "Lopez", "Meyer", "Nakamura", "Petrov", "Rossi"]
WORDS = ("alliance minister talks ceasefire budget election reform harbour energy treaty council vote "
         "inflation border summit report agency market court season").split()
KINDS = ("direct", "indirect", "mixed")
METHODS = ("syntax", "apposition", "according", "coref", "nearest-name", "continuation")


def build(path: str | Path, n_quotes: int = 100_000, per_doc: int = 10, seed: int = 7,
          speakers_after: int | None = None, progress: bool = False) -> Path:
    """Create a store at ``path`` with ``n_quotes`` quotes in ``n_quotes / per_doc`` documents.

    Speakers are normalised at the end, or once after ``speakers_after`` documents.
    """
    rng = random.Random(seed)
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    names = [f"{f} {l}" for f in FIRST for l in LAST]  # 480 people
    with Store(path) as db:
        for d in range(max(1, n_quotes // per_doc)):
            parts, quotes = [], []
            pos = 0
            for _ in range(per_doc):
                speaker = rng.choice(names)
                said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
                para = f"{speaker} said “{said.capitalize()}.” The {rng.choice(WORDS)} followed."
                start = pos + para.index("“") + 1
                end = start + len(said) + 1
                cue = pos + para.index(" said") + 1
                conf = round(rng.random(), 4)
                kind = rng.choice(KINDS)
                quotes.append(Quote(
                    kind=kind, content=TextSpan(start, end, said.capitalize() + "."), cue=TextSpan(cue, cue + 4, "said"),
                    speaker=speaker, speaker_kind="person", mention=TextSpan(pos, pos + len(speaker), speaker),
                    method=rng.choice(METHODS), confidence=conf,
                ))
                parts.append(para)
                pos += len(para) + 1
            doc_id = f"doc{d:06d}"
            db.save_document(Document(doc_id, "\n".join(parts), f"{doc_id}.txt"), quotes, "synthetic")
            if d + 1 == speakers_after:
                db.refresh_speakers()
            if progress and (d + 1) % 10_000 == 0:
                print(f"{d + 1:,} documents", flush=True)
        if speakers_after is None:
            db.refresh_speakers()
    return path


if __name__ == "__main__":
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/tmp/qt-100k.db")
    parser.add_argument("quotes", nargs="?", type=int, default=100_000)
    parser.add_argument("--speakers-after", type=int, default=None, metavar="DOCS")
    args = parser.parse_args()
    t = time.perf_counter()
    out = build(args.path, args.quotes, speakers_after=args.speakers_after, progress=True)
    print(f"built {out} in {time.perf_counter() - t:.1f}s")
