"""The reporting vocabulary: which words introduce reported speech."""

from __future__ import annotations

# Verbs whose subject is the source of a quote or of reported speech, by lemma.
SPEECH_VERBS = frozenset(
    """
    say tell state add announce claim declare explain insist warn note argue acknowledge
    admit assert confirm deny write reply respond comment suggest stress emphasize emphasise
    report reiterate recall ask accuse urge predict promise vow conclude observe remark
    mention tweet post testify complain concede boast joke quip recount specify justify
    denounce indicate caution charge contend counter maintain point allege describe
    announce assure answer call continue lament estimate question retort scoff shout
    speculate tout told write proclaim pledge threaten demand blast criticize criticise
    praise hail slam thank apologize apologise acknowledge predict mock recommend
    """.split()
)

# Speech verbs that report speech only with a clausal complement, not with a plain object
# ("he called it malign" is a quote, "he called the office" is not): checked by the finder.
NEEDS_CLAUSE = frozenset({"call", "ask", "continue", "point", "post", "charge", "answer", "question"})

# Nouns that name an unnamed source ("a spokeswoman said"): kept, never guessed.
SOURCE_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson official officials source sources expert experts analyst
    analysts diplomat diplomats minister ministry aide aides adviser advisor advisers advisors
    statement spokespeople representative representatives lawmaker lawmakers senator officer
    """.split()
)

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "him", "her", "them", "you"})
