"""The reporting vocabulary: which words, in which construction, introduce reported speech.

Hand-made word lists, and the smoothing that turns a learned (cue, construction)
row into a prior (:class:`quotetrack.extract.tables.Tables` holds the rows).
"""

from __future__ import annotations

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
