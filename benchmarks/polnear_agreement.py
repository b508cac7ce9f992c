"""How well PolNeAR's annotators agree with each other, scored as ``quotetrack evaluate`` scores quotetrack.

16 articles of the train split were annotated by 5–6 annotators each. For every ordered
pair of annotators (A, B) of an article, B's attributions are turned into quotes (one per
content piece, the pieces of one attribution sharing its cue, the source as the speaker
mention) and scored against A's as gold, with ``quotetrack.evaluate.score``. The pooled
result is what one careful human gets against another on the measures of the accuracy
targets: a ceiling for any extractor trained on these annotations.

    python benchmarks/polnear_agreement.py [--gold DIR]

Reads only the annotations (no parse); a few seconds.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polnear_ceiling import as_quotes  # noqa: E402
from polnear_tune import DEFAULT_GOLD  # noqa: E402

from quotetrack.evaluate import score  # noqa: E402
from quotetrack.evaluate.gold import build_document  # noqa: E402

KINDS = ("direct", "mixed", "indirect", "overall")


def annotator_pairs(gold_dir: Path):
    """(gold documents, predictions by document name): every ordered pair of annotators of an article."""
    groups: dict[str, list[Path]] = collections.defaultdict(list)
    for ann in sorted((gold_dir / "attributions").glob("*.ann")):
        groups[ann.stem.rsplit("_", 1)[0]].append(ann)
    golds, predictions = [], {}
    for name, anns in groups.items():
        if len(anns) < 2:
            continue
        raw = (gold_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        docs = [build_document(f"{name}#{a.stem}", raw, a.read_text(encoding="utf-8"), a) for a in anns]
        for a, b in itertools.permutations(docs, 2):
            pair = build_document(f"{a.name}~{b.name}", raw, a.ann_path.read_text(encoding="utf-8"), a.ann_path)
            golds.append(pair)
            predictions[pair.name] = [q for attribution in b.attributions for q in as_quotes(b.text, attribution)]
    return golds, predictions, sum(len(v) >= 2 for v in groups.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    args = ap.parse_args(argv)
    golds, predictions, articles = annotator_pairs(args.gold)
    report = score(golds, predictions)
    print(f"{articles} articles with several annotators, {len(golds)} ordered pairs of annotators\n")
    print("| annotator against annotator | " + " | ".join(KINDS) + " |")
    print("|---|" + "---:|" * len(KINDS))
    for mode in ("overlap", "exact"):
        kinds = getattr(report, mode).kinds
        print(f"| {mode} F1 | " + " | ".join(f"{kinds[k].detection.f1:.3f}" for k in KINDS) + " |")
    o = report.overlap.kinds["overall"]
    print(f"| speaker accuracy (overlap) | {o.speaker_accuracy:.3f} | | | |")
    print(f"| end-to-end F1 (overlap) | {o.end_to_end.f1:.3f} | | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
