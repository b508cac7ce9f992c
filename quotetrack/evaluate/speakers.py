"""The speaker rule: is a matched prediction's speaker the gold Source? (rules in docs/evaluate.md)

Independent of quotetrack's own name normalisation on purpose: the scorer
must not share the extractor's blind spots.
"""

from __future__ import annotations

import re

from ..text import fold
from .gold import Fragments, GoldAttribution, fragments_text
from .matching import WORD, PredictedUnit, Tokens

PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves "
    "he him his himself she her hers herself it its itself they them their theirs "
    "themselves this that these those who whom whose which one someone somebody "
    "everyone everybody anyone anybody nobody".split()
)

# Honorifics and offices dropped from the front of a name ("Sen. Ted Cruz").
TITLES = frozenset(
    "mr mrs ms miss mx dr sen senator rep representative gov governor president "
    "vice secretary sec gen general lt col maj capt adm judge justice speaker mayor "
    "rev reverend sir dame lord prof professor chairman chairwoman chair former "
    "the candidate nominee attorney leader minister prime chief ambassador pastor "
    "pope first lady state house majority minority whip deputy assistant press "
    "director commissioner councilman councilwoman congressman congresswoman "
    "sheriff officer agent detective sgt".split()
)

SOURCE_TYPES = ("named", "pronoun", "description", "implicit")

_NAME_TOKEN = re.compile(r"[^\W_][\w'’.\-]*")
_CUT = re.compile(r"[,;:()\[\]—–]| - ")
_SPLIT_ENTITIES = re.compile(r"\s+(?:and|or|&)\s+|/")
_POSSESSIVE = re.compile(r"['’]s?$")
_PREPOSITIONS = frozenset("for of at from with to by in on about".split())
# "Ted Cruz of Texas", "David Autor at the Massachusetts Institute of Technology"
_AFFILIATIONS = frozenset("of at from in".split())
_HONORIFICS = frozenset("mr mrs ms miss mx dr".split())


def _fold(token: str) -> str:
    """A name word as it is compared: folded, without a possessive or dots around it."""
    return re.sub(r"'s$|'$", "", fold(token)).strip(".")


def name_key(text: str | None) -> tuple[str, ...] | None:
    """The name a speaker string or Source span carries, folded, or ``None``.

    Takes the part before the first comma/bracket/dash, then the run of
    capitalised words at its very end ("Sanders campaign manager *Jeff
    Weaver*", "CNN's *Jake Tapper*"), drops honorifics at its front and
    initials. No name when the phrase ends in a lowercase word ("the Clinton
    campaign"), when the run is only a pronoun ("He"), or when the run hangs
    off a preposition after a lowercase word ("a spokesman for Hillary
    Clinton" is the spokesman).
    """
    if not text:
        return None
    chunk = _CUT.split(text.strip(), maxsplit=1)[0]
    tokens = _NAME_TOKEN.findall(chunk)
    return _affiliated(tokens) or _end_run(tokens)


def _affiliated(tokens: list[str]) -> tuple[str, ...] | None:
    """The person in "Senator Ted Cruz of Texas", "Lee Wang of The Intercept", "Mr. Burman of
    the Tax Policy Center": a name, then of/at/from/in and a place or an organisation (a
    phrase opened by "the", or one or two capitalised words). The name must be a full name
    or follow an honorific, so "Bank of America" and "Secretary of State John Kerry" are
    read by their end run as before."""
    at = next((k for k in range(1, len(tokens)) if tokens[k] in _AFFILIATIONS and _capitalised(tokens[k - 1])), None)
    if at is None:
        return None
    after = tokens[at + 1 :]
    if not after or not (after[0].lower() == "the" or (len(after) <= 2 and all(_capitalised(t) for t in after))):
        return None
    key = _end_run(tokens[:at])
    honorific = any(_fold(t) in _HONORIFICS for t in tokens[:at])
    return key if key and (len(key) >= 2 or honorific) else None


def _end_run(tokens: list[str]) -> tuple[str, ...] | None:
    if not tokens or not _capitalised(tokens[-1]):
        return None
    k = len(tokens) - 1
    while k > 0 and _capitalised(tokens[k - 1]) and not _POSSESSIVE.search(tokens[k - 1]):
        k -= 1
    run = tokens[k:]
    prefix = [t for t in tokens[:k] if t.lower() != "the"]
    if len(prefix) >= 2 and prefix[-1].lower() in _PREPOSITIONS and not _capitalised(prefix[-2]):
        return None
    folded = [_fold(t) for t in run]
    while folded and folded[0] in TITLES:
        folded.pop(0)
    folded = [t for t in folded if len(t) > 1]
    if not folded or (len(folded) == 1 and folded[0] in PRONOUNS):
        return None
    return tuple(folded)


def _capitalised(token: str) -> bool:
    return bool(token) and token[0].isupper()


def name_keys(text: str | None) -> list[tuple[str, ...]]:
    """Keys of every entity in a Source like "Trump and Clinton"."""
    if not text:
        return []
    keys = [name_key(part) for part in _SPLIT_ENTITIES.split(text)]
    return [k for k in keys if k]


def names_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname, and given names (when both have some) share a word."""
    if a[-1] != b[-1]:
        return False
    if len(a) == 1 or len(b) == 1:
        return True
    return bool(set(a[:-1]) & set(b[:-1]))


def source_type(doc_text: str, source: Fragments | None) -> str:
    """One of :data:`SOURCE_TYPES`: ``named`` / ``pronoun`` / ``description`` / ``implicit``."""
    if not source:
        return "implicit"
    text = fragments_text(doc_text, source, " ")
    words = [w.lower() for w in WORD.findall(text)]
    if words and all(w in PRONOUNS for w in words):
        return "pronoun"
    return "named" if name_keys(text) else "description"


def speaker_correct(doc_text: str, tokens: Tokens, gold: GoldAttribution, pred: PredictedUnit) -> bool:
    """Whether a matched pair has the right speaker.

    No gold Source: right iff the prediction names nobody. Both sides carry
    a name: right iff the names match, even when the spans overlap (a name
    conflict vetoes). Otherwise: right iff the predicted mention or
    resolved span shares a word with the gold Source (PolNeAR has no
    coreference, so "he" is judged by position).
    """
    if not gold.source:
        return pred.speaker is None and pred.mention is None
    gold_words = tokens.of(gold.source)
    gold_keys = name_keys(fragments_text(doc_text, gold.source, " "))
    pred_key = name_key(pred.speaker)
    if gold_keys and pred_key:
        return any(names_match(g, pred_key) for g in gold_keys)
    for span in (pred.mention, pred.resolved):
        if span is not None and not gold_words.isdisjoint(tokens.of([(span.start, span.end)])):
            return True
    return False
