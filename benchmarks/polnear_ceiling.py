"""What the scorer gives idealised extractors on PolNeAR train: ceilings.

Each scenario turns the gold itself into quotetrack Quotes in one
restricted way and scores them with ``quotetrack.evaluate.score``:

* ``oracle``: every attribution, one Quote per content fragment, all
  fragments sharing the gold cue span. Must score 1.0 everywhere (checks
  the scorer and the reader against each other).
* ``oracle, fragments without shared cue``: the same Quotes but no cue, so
  "A," he said, "B." becomes two units: what an extractor loses if it does
  not tie the parts of a split quote to one cue.
* ``oracle, one contiguous span``: one Quote over the hull of the content
  (quotetrack's Quote has one span): the cost of contiguous spans.
* ``speech only``: only attributions whose cue is a speech/writing cue (the
  classes of benchmarks/polnear_stats.py): the ceiling of an extractor
  that finds reported speech perfectly and nothing else.
* ``speech only, no implicit sources``: and only with a Source.
* ``quoted only``: only direct and mixed attributions.

    python benchmarks/polnear_ceiling.py [--gold DIR] [--cache FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polnear_stats import DEFAULT_GOLD, cue_class, load, span_of  # noqa: E402

from quotetrack.domain import Quote, TextSpan  # noqa: E402
from quotetrack.evaluate import score  # noqa: E402


def tspan(text: str, a: int, b: int) -> TextSpan:
    return TextSpan(a, b, text[a:b])


def as_quotes(text: str, a, *, share_cue: bool = True, hull: bool = False) -> list[Quote]:
    cue = tspan(text, a.cue[0][0], a.cue[-1][1]) if a.cue else None
    mention = tspan(text, a.source[0][0], a.source[-1][1]) if a.source else None
    speaker = mention.text if mention else None
    pieces = [(a.content[0][0], a.content[-1][1])] if hull else a.content
    return [
        Quote(
            kind=a.kind,
            content=tspan(text, s, e),
            cue=cue if share_cue else None,
            speaker=speaker,
            mention=mention,
            confidence=1.0,
        )
        for s, e in pieces
    ]


def scenario(gold, docs, keep, **kw) -> dict:
    preds = {}
    for g, d in zip(gold, docs):
        preds[g.name] = [q for a in g.attributions if keep(d, a) for q in as_quotes(g.text, a, **kw)]
    return preds


def line(name: str, report) -> str:
    ov, ex = report.overlap, report.exact
    k = ov.kinds
    return (
        f"{name:<42} overlap F1 {ov.overall.detection.f1:.3f} (P {ov.overall.detection.precision:.3f} "
        f"R {ov.overall.detection.recall:.3f})  direct {k['direct'].detection.f1:.3f}  "
        f"mixed {k['mixed'].detection.f1:.3f}  indirect {k['indirect'].detection.f1:.3f}  "
        f"exact F1 {ex.overall.detection.f1:.3f}  speaker {ov.overall.speaker_accuracy:.3f}  "
        f"e2e F1 {ov.overall.end_to_end.f1:.3f}"
    )


def is_speech(d, a) -> bool:
    return bool(a.cue) and cue_class(span_of(d, a.cue)) in ("speech", "evidence")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/quotetrack-polnear-train.spacy"))
    args = ap.parse_args(argv)
    gold, docs = load(args.gold, args.cache)
    scenarios = [
        ("oracle", lambda d, a: True, {}),
        ("oracle, fragments without shared cue", lambda d, a: True, {"share_cue": False}),
        ("oracle, one contiguous span", lambda d, a: True, {"hull": True}),
        ("speech only", is_speech, {}),
        ("speech only, no implicit sources", lambda d, a: is_speech(d, a) and a.source is not None, {}),
        ("quoted only (direct + mixed)", lambda d, a: a.kind != "indirect", {}),
    ]
    for name, keep, kw in scenarios:
        print(line(name, score(gold, scenario(gold, docs, keep, **kw))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
