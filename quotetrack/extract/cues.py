"""The reporting vocabulary: which words, in which construction, introduce reported speech.

Two sources, one answer (:func:`frame_prior`):

* a table learned from annotated news (``data/cue_frames.tsv``, written by
  ``benchmarks/learn_cues.py`` from PolNeAR train): for every cue lemma
  phrase and construction (``say``/``ccomp``, ``call for``/``prep``,
  ``criticize``/``object``, …), how often the parse proposed it and how
  often the annotators agreed it attributes that content. Its smoothed
  precision is the frame's *prior*: frames below :data:`MIN_PRIOR` are not
  proposed, and the prior feeds the quote's confidence;
* hand-made lists for what the table has not seen often enough (speech
  verbs of other news registers: ``denounce``, ``specify``, ``justify``).
"""

from __future__ import annotations

import csv
import json
import math
from functools import lru_cache
from importlib import resources

# Verbs whose subject is the source of a quote or of reported speech, by lemma.
SPEECH_VERBS = frozenset(
    """
    say tell state add announce claim declare explain insist warn note argue acknowledge
    admit assert confirm deny write reply respond comment suggest stress emphasize emphasise
    report reiterate recall ask accuse urge predict promise vow conclude observe remark
    mention tweet post testify complain concede boast joke quip recount specify justify
    denounce indicate caution charge contend counter maintain point allege describe
    assure answer call continue lament estimate question retort scoff shout
    speculate tout proclaim pledge threaten demand blast criticize criticise
    praise hail slam thank apologize apologise mock recommend reveal disclose
    """.split()
)

# Speech verbs that report speech only with a clausal complement, not with a plain object
# ("he called it malign" is a quote, "he called the office" is not).
NEEDS_CLAUSE = frozenset({"call", "ask", "continue", "point", "post", "charge", "answer", "question"})

# Verbs that, alone in a short sentence, introduce the quotation that follows ("Bystrom agreed.").
LEAD_IN_VERBS = frozenset(
    """
    say add agree disagree respond reply continue explain recall concur elaborate
    warn explain note argue write tweet post answer counter joke quip laugh insist
    """.split()
)

# Verbs whose grammatical subject is not a source: "Clinton seems to …" is the writer's view.
IMPLICIT_SOURCE = frozenset({"seem", "appear"})

# spaCy lemma slips seen in news text.
LEMMA_FIXES = {"hop": "hope", "retweete": "retweet", "accord": "according"}

# Nouns that name an unnamed source ("a spokeswoman said"): kept, never guessed.
SOURCE_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson official officials source sources expert experts analyst
    analysts diplomat diplomats minister ministry aide aides adviser advisor advisers advisors
    statement spokespeople representative representatives lawmaker lawmakers senator officer
    """.split()
)

# Nouns for something said or written: "said in a statement saying ...", "his letter warning ...".
STATEMENT_NOUNS = frozenset(
    """
    statement note letter interview post tweet message email e-mail memo release speech remarks
    remark op-ed editorial column essay blog video ad advertisement announcement testimony
    warning response reply explanation answer question comment
    """.split()
)

# Nouns for people who speak for themselves or others ("critics", "voters", "the candidate").
HUMAN_NOUNS = frozenset(
    """
    critic critics voter voters supporter supporters candidate candidates leader leaders
    president senator governor member members people person man woman men women resident
    residents activist activists democrat democrats republican republicans observer observers
    economist economists strategist strategists pollster pollsters lawyer lawyers attorney
    author writer reporter reporters journalist journalists historian scientist professor
    chairman chairwoman director secretary minister ambassador judge prosecutor prosecutors
    donor donors advocate advocates opponent opponents rival rivals ally allies adviser advisers
    """.split()
)

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "him", "her", "them", "you"})

# A frame is proposed when its prior reaches this; tuned for F1 on PolNeAR train.
MIN_PRIOR = 0.3
# Prior of a hand-listed speech verb in a construction the table has not seen enough.
HAND_PRIOR = {"ccomp": 0.6, "ccomp-before": 0.6, "parenthetical": 0.6, "according": 0.8, "object": 0.36, "prep": 0.3, "xcomp": 0.3}
# Smoothing: a table row counts as this many extra proposals at the construction's base rate.
SMOOTHING = 4.0


@lru_cache(maxsize=1)
def frame_table() -> dict[tuple[str, str], tuple[int, int]]:
    """(cue key, construction) → (proposed, agreed) from ``data/cue_frames.tsv``; empty if absent."""
    table: dict[tuple[str, str], tuple[int, int]] = {}
    try:
        path = resources.files("quotetrack.extract") / "data" / "cue_frames.tsv"
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                table[(row["cue"], row["construction"])] = (int(row["proposed"]), int(row["agreed"]))
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return {}
    return table


@lru_cache(maxsize=1)
def _base_rates() -> dict[str, float]:
    totals: dict[str, list[int]] = {}
    for (_, construction), (n, k) in frame_table().items():
        t = totals.setdefault(construction, [0, 0])
        t[0] += n
        t[1] += k
    return {c: (k / n if n else 0.0) for c, (n, k) in totals.items()}


def smoothed_prior(key: str, construction: str, row: tuple[int, int] | None, base_rates: dict[str, float]) -> float:
    """A (proposed, agreed) row smoothed toward the hand prior or the construction's base rate."""
    head = key.split()[0] if key else ""
    hand = None
    if head in SPEECH_VERBS and not (head in NEEDS_CLAUSE and construction in ("object", "xcomp")):
        hand = HAND_PRIOR.get(construction)
    if construction == "according":
        hand = HAND_PRIOR["according"]
    if row is None:
        return hand if hand is not None else 0.0
    n, k = row
    base = hand if hand is not None else min(base_rates.get(construction, 0.0), 0.2)
    return (k + SMOOTHING * base) / (n + SMOOTHING)


@lru_cache(maxsize=8192)
def frame_prior(key: str, construction: str) -> float:
    """How often a (cue, construction) frame attributes its content, 0..1, from the table.

    The learned row, smoothed toward the hand prior (for a listed speech
    verb) or the construction's base rate; the hand prior alone when the
    table has no row.
    """
    return smoothed_prior(key, construction, frame_table().get((key, construction)), _base_rates())


@lru_cache(maxsize=1)
def frame_model() -> dict | None:
    """The frame classifier (``data/frame_model.json``): bias and weights by feature name."""
    try:
        path = resources.files("quotetrack.extract") / "data" / "frame_model.json"
        with path.open(encoding="utf-8") as fh:
            model = json.load(fh)
        return {"bias": float(model["bias"]), "weights": {k: float(v) for k, v in model["weights"].items()}}
    except (FileNotFoundError, OSError, KeyError, ValueError, TypeError):
        return None


def frame_probability(features: dict[str, float], model: dict | None = None) -> float | None:
    """P(the frame is an attribution annotators would mark, with this content); None without a model."""
    model = model if model is not None else frame_model()
    if model is None:
        return None
    weights = model["weights"]
    z = model["bias"] + sum(weights.get(name, 0.0) * value for name, value in features.items())
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))
