"""Learn the cue-frame table (quotetrack/data/cue_frames.tsv) from PolNeAR train.

Every reporting frame the parse offers (:func:`quotetrack.frames.find_frames`
with no threshold: every verb with a clause, an object, an infinitive or a
preposition, every parenthetical and tail cue, every ``according to``) is
checked against the annotations: a frame *agrees* when an annotated
attribution has a cue overlapping the frame's cue and a content whose words
overlap the frame's content with Jaccard >= 0.5. Per (cue lemma phrase,
construction) the script counts proposed and agreed frames; the extractor
turns them into a smoothed precision (:func:`quotetrack.cues.frame_prior`)
and proposes frames whose precision reaches ``cues.MIN_PRIOR``.

    python benchmarks/learn_cues.py [--gold DIR] [--cache DIR] [--out FILE]

Parses are cached by benchmarks/polnear_tune.py. Train split only.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polnear_tune import DEFAULT_CACHE, DEFAULT_GOLD, parsed_docs  # noqa: E402

from quotetrack import cues  # noqa: E402
from quotetrack.evaluate import Tokens, jaccard, read_gold  # noqa: E402
from quotetrack.boilerplate import boilerplate_spans  # noqa: E402
from quotetrack.frames import find_frames  # noqa: E402
from quotetrack.marks import find_marked, quoted_mask  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "quotetrack" / "data" / "cue_frames.tsv"


def agreement(gold_doc, doc) -> list[tuple[str, str, bool]]:
    """(key, construction, agreed) for every frame the parse offers in one document."""
    tokens = Tokens(gold_doc.text)
    golds = [(g.cue, tokens.of(g.content)) for g in gold_doc.attributions if g.cue]
    text = gold_doc.text
    mask = quoted_mask(text, find_marked(text))
    skip = boilerplate_spans(text)
    out = []
    for f in find_frames(doc, min_prior=-1.0):
        if mask[f.cue.start_char] or any(a <= f.cue.start_char < b for a, b in skip):
            continue  # the extractor never proposes these (quotes.find_candidates)
        ca, cb = f.cue.start_char, f.cue.end_char
        content = tokens.of(f.pieces)
        agreed = any(
            any(a < cb and ca < b for a, b in cue) and jaccard(content, gc) >= 0.5 for cue, gc in golds
        )
        out.append((f.key, f.construction, agreed))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    gold = read_gold(args.gold)
    _, docs = parsed_docs(gold, args.cache)
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for g, d in zip(gold, docs):
        for key, construction, agreed in agreement(g, d):
            c = counts[(key, construction)]
            c[0] += 1
            c[1] += agreed
    rows = []
    for (key, construction), (n, k) in counts.items():
        head = key.split()[0]
        if k >= 1 or (n >= 3 and head in cues.SPEECH_VERBS) or construction == "according":
            rows.append((key, construction, n, k))
    rows.sort(key=lambda r: (-r[3], -r[2], r[0], r[1]))
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write("cue\tconstruction\tproposed\tagreed\tprecision\n")
        for key, construction, n, k in rows:
            fh.write(f"{key}\t{construction}\t{n}\t{k}\t{k / n:.3f}\n")
    by_construction = collections.Counter()
    for (key, construction), (n, k) in counts.items():
        by_construction[(construction, "n")] += n
        by_construction[(construction, "k")] += k
    for c in sorted({c for c, _ in by_construction}):
        n, k = by_construction[(c, "n")], by_construction[(c, "k")]
        print(f"{c:15} proposed {n:7}  agreed {k:6}  ({k / max(n, 1):.3f})")
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
