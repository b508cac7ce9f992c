"""Hypothesis strategies for hostile news text, shared by the property tests and the fuzzer.

Texts are built from the pieces quotes are made of (quotation marks of
every kind, speech verbs, names, pronouns, punctuation, paragraph breaks)
arranged both as well-formed reported speech (balanced, nested, running
across paragraphs) and at random (unbalanced, glued, stray marks), with
arbitrary Unicode mixed in: control, zero-width and bidi characters,
emoji, combining marks.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Every quotation mark quotetrack or the tokenizer might meet, paired and not.
DOUBLE_MARKS = ['"', "“", "”", "«", "»", "„", "‟", "``", "''", "〝", "〞", "＂"]
SINGLE_MARKS = ["'", "‘", "’", "‚", "‛", "‹", "›", "`"]
OTHER_MARKS = ["「", "」", "『", "』", "« ", " »"]
MARKS = DOUBLE_MARKS + SINGLE_MARKS + OTHER_MARKS
PAIRS = [("“", "”"), ('"', '"'), ("«", "»"), ("»", "«"), ("„", "“"), ("‟", "”"), ("``", "''"),
         ("‘", "’"), ("'", "'"), ("« ", " »"), ("‚", "‘"), ("‹", "›"), ("「", "」")]

NAMES = ["Sergey Lavrov", "Lavrov", "Jens Stoltenberg", "Ann Lee", "Oana Lungescu", "NATO", "the Kremlin",
         "Foreign Minister Sergey Lavrov", "a spokeswoman", "officials", "Dr. Mary-Jane O'Neil", "Zoë Ångström"]
PRONOUNS = ["he", "she", "they", "He", "She", "It", "we"]
VERBS = ["said", "says", "told reporters", "added", "warned", "stated", "announced", "denied", "tweeted",
         "insisted", "explained", "asked", "noted", "has said", "pointed out"]
WORDS = ["Russia", "is", "responsible", "for", "the", "alliance", "we", "will", "not", "talk", "war", "peace",
         "that", "and", "a", "deal", "on", "Monday", "according", "to", "China", "is", "coming", "closer",
         "it", "was", "over", "no", "comment", "sources", "say", "this", "corroborates", "fact"]
PUNCT = [".", ",", ":", ";", "!", "?", "—", "–", "-", "(", ")", "...", "…"]
# Characters scraped text really carries and that break naive code.
ODD = ["\x00", "\x1b[31m", "\x07", "\t", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066",
       "\u2069", "\u200f", "\u061c", "😀", "👩‍👩‍👧", "🇺🇦", "e\u0301", "a\u0308\u0323", "\u0301", "\u00a0",
       "\u2028", "\u2029", "\r", "\r\n", "\x85", "\x0c", "\x0b", "ﬁ", "İ", "ß", "\U0001d54f"]

odd_chars = st.characters(exclude_categories=("Cs",))


def _words(n_min: int = 1, n_max: int = 12):
    return st.lists(st.sampled_from(WORDS + NAMES + PRONOUNS + PUNCT), min_size=n_min, max_size=n_max).map(" ".join)


@st.composite
def reported_speech(draw) -> str:
    """One well-formed piece of reported speech: direct, indirect, nested or continued."""
    opener, closer = draw(st.sampled_from(PAIRS))
    inner = draw(_words(2, 14))
    if draw(st.booleans()):  # a quote inside the quote
        o2, c2 = draw(st.sampled_from(PAIRS))
        inner = f"{inner} {o2}{draw(_words(1, 6))}{c2} {draw(_words(0, 4))}"
    speaker, verb = draw(st.sampled_from(NAMES + PRONOUNS)), draw(st.sampled_from(VERBS))
    form = draw(st.integers(0, 5))
    if form == 0:
        return f"{opener}{inner},{closer} {speaker} {verb}."
    if form == 1:
        return f"{speaker} {verb}: {opener}{inner}.{closer}"
    if form == 2:
        return f"{speaker} {verb} that {draw(_words(3, 12))}."
    if form == 3:
        return f"{opener}{inner},{closer} {verb} {speaker}, {opener}{draw(_words(2, 8))}.{closer}"
    if form == 4:  # a quote running over paragraphs: no closing mark until the last one
        paras = draw(st.lists(_words(2, 10), min_size=2, max_size=4))
        body = "\n".join(f"{opener}{p}" for p in paras[:-1])
        return f"{speaker} {verb}:\n{body}\n{opener}{paras[-1]}.{closer}"
    return f"According to {speaker}, {draw(_words(3, 10))}."


# One piece of random text: mostly the vocabulary of quotes, sometimes anything at all.
piece = st.one_of(
    st.sampled_from(MARKS),
    st.sampled_from(WORDS + NAMES + PRONOUNS + VERBS),
    st.sampled_from(PUNCT),
    st.sampled_from(ODD),
    st.text(odd_chars, max_size=4),
)
separator = st.sampled_from(["", " ", " ", " ", "\n", "\n\n", "  "])


@st.composite
def chaotic(draw) -> str:
    """Pieces glued or spaced at random: unbalanced, stray and glued marks."""
    parts = draw(st.lists(st.tuples(piece, separator), max_size=60))
    return "".join(p + s for p, s in parts)


@st.composite
def news_text(draw) -> str:
    """An article-like mix of well-formed speech, chaos and odd characters, over paragraphs."""
    blocks = draw(st.lists(st.one_of(reported_speech(), chaotic(), _words(1, 20)), min_size=1, max_size=6))
    seps = draw(st.lists(st.sampled_from([" ", "\n", "\n\n", "\r\n", " \u200b"]), min_size=len(blocks), max_size=len(blocks)))
    return "".join(b + s for b, s in zip(blocks, seps))


any_text = st.one_of(news_text(), chaotic(), st.text(odd_chars, max_size=200))
