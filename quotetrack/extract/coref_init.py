"""coreferee's ``RulesAnalyzer.initialize``, step for step, faster: what :mod:`.coref_fast` runs first.

Each token's ``ChainHolder`` is made once and held in a list; the steps read the parse's
arrays where coreferee walks the tokens, and call coreferee's own rules where they decide
anything. What changed and how it is checked: ``docs/coreference.md``.
"""

from __future__ import annotations

import functools
from bisect import bisect_left

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, LEMMA, ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

ENGLISH_RULES = "coreferee.lang.en.language_specific_rules"


def initialize(rules, doc: Doc, holders: list | None = None) -> list[bool]:
    """coreferee's ``RulesAnalyzer.initialize``, step for step, holding each token's ``ChainHolder``;
    returns each token's ``temp_potentially_referring`` (read again by every noun link), and
    appends the holders, in token order, to ``holders`` when it is given.

    coreferee reaches a token's holder through ``token._.coref_chains`` (a
    spaCy extension lookup) several times per token and per candidate; here
    each holder is fetched once. The steps, their order and every rule
    called are coreferee's.
    """
    from coreferee.data_model import ChainHolder

    doc._.coref_chains = ChainHolder()
    holders = [] if holders is None else holders
    holders.extend(ChainHolder() for _ in range(len(doc)))
    _set_token_holders(doc, holders)
    sent_starts, sent_of = _note_sentences(doc, holders)
    _note_siblings(rules, doc, holders)
    _note_quotes(rules, doc, holders)
    return _note_referreds(rules, doc, holders, sent_starts, sent_of)


def _set_token_holders(doc: Doc, holders: list) -> None:
    """``token._.coref_chains = holders[token.i]`` for every token.

    Setting an extension attribute builds an ``Underscore`` per token only to store the
    value in ``doc.user_data`` under ``("._.", name, token.idx, None)``: stored there
    directly, if the extension is a plain value (no getter or setter), and checked on the
    first token, which would show another key layout (then set the slow way).
    """
    getter, setter = Token.get_extension("coref_chains")[2:]
    if getter is None and setter is None and len(doc):
        user_data = doc.user_data
        keys = [("._.", "coref_chains", idx, None) for idx in doc.to_array(IDX).tolist()]
        user_data.update(zip(keys, holders))
        if doc[0]._.coref_chains is holders[0]:
            return
        for key in keys:
            user_data.pop(key, None)
    for token, holder in zip(doc, holders):
        token._.coref_chains = holder


def _note_sentences(doc: Doc, holders: list) -> tuple[list[int], list[int]]:
    """The first token of each sentence (on the doc's holder) and each token's sentence (on its own)."""
    sent_starts = []
    sent_of = [0] * len(doc)
    for index, sent in enumerate(doc.sents):
        sent_starts.append(sent.start)
        for i in range(sent.start, sent.end):
            sent_of[i] = index
            holders[i].temp_sent_index = index
    doc._.coref_chains.temp_sent_starts = sent_starts
    return sent_starts, sent_of


def _note_siblings(rules, doc: Doc, holders: list) -> None:
    """Each token's coordinated (dependent) siblings, and on each sibling the token that governs it."""
    if type(rules).__module__ == ENGLISH_RULES:
        found = _english_siblings(rules, doc, holders)
    else:
        found = [(token.i, rules.get_dependent_siblings(token)) for token in doc]
    for i, siblings in found:
        holders[i].temp_dependent_siblings = siblings
        for sibling in siblings:
            if sibling.i != i and holders[i].temp_governing_sibling is None:
                holders[sibling.i].temp_governing_sibling = doc[i]


def _english_siblings(rules, doc: Doc, holders: list) -> list[tuple[int, list]]:
    """coreferee's English ``get_dependent_siblings`` for every token, read from the parse's arrays.

    Its walk, without a Token per step: from a token not itself coordinated, down through
    the children attached by a sibling or conjunction dependency, keeping those attached by
    a sibling one; they are the token's siblings if a ``cc`` was passed, and an "or" lemma
    on the way marks the token's "or" coordination.
    """
    strings = functools.partial(map, get_string_id)
    dependent = set(strings(rules.dependent_sibling_deps))
    coordinating = dependent | set(strings(rules.conjunction_deps))
    or_lemmas, cc = set(strings(rules.or_lemmas)), get_string_id("cc")
    deps = doc.to_array(DEP)
    labels, lemmas = deps.tolist(), doc.to_array(LEMMA).tolist()
    children = _coordinated_children(doc, deps, coordinating)
    found = []
    for i, label in enumerate(labels):
        if label in coordinating:
            found.append((i, []))
            continue
        kept, coordinator, todo = [], False, [i]
        while todo:
            k = todo.pop()
            if lemmas[k] in or_lemmas:
                holders[i].temp_has_or_coordination = True
            if labels[k] in dependent:
                kept.append(k)
            for child in children.get(k, ()):
                coordinator = coordinator or labels[child] == cc
                todo.append(child)
        found.append((i, [doc[k] for k in sorted(kept)] if coordinator else []))
    return found


def _coordinated_children(doc: Doc, deps: np.ndarray, labels: set[int]) -> dict[int, list[int]]:
    """Each token's children attached by one of the dependency ``labels`` (string ids), from the arrays
    (``deps``: the doc's DEP array, read once by the caller)."""
    heads = doc.to_array(HEAD).astype(np.int64)  # offsets to the head, stored unsigned
    below = heads != 0  # a root is its own head, not its child
    below &= functools.reduce(np.logical_or, (deps == label for label in labels))  # np.isin costs more
    children: dict[int, list[int]] = {}
    for child in np.flatnonzero(below).tolist():
        children.setdefault(child + int(heads[child]), []).append(child)
    return children


def _note_quotes(rules, doc: Doc, holders: list) -> None:
    """Which kinds of quotation each token is inside (coreferee's quote arrays).

    Only a quotation mark changes the state, so tokens in between share one list (coreferee
    only compares these arrays, never changes them)."""
    tuples = rules.quote_tuples
    marks = {mark for pair in tuples for mark in pair}
    mark_ids = {get_string_id(mark): mark for mark in marks}
    quote_state = [0 for _ in tuples]
    current = quote_state[:]
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):  # a token's text only at the marks
        text = mark_ids.get(orth)
        if text is not None:
            for index, (opening, closing) in enumerate(tuples):
                if quote_state[index] == 0 and text == opening:
                    quote_state[index] = 1
                elif quote_state[index] == 1 and text == closing:
                    quote_state[index] = 0
            current = quote_state[:]
        holders[i].temp_quote_array = current


def _note_referreds(rules, doc: Doc, holders: list, sent_starts: list[int], sent_of: list[int]) -> list[bool]:
    """Whether each token may refer (an independent noun), also returned; for a potential anaphor, what
    it may refer to."""
    is_anaphor, is_noun = rules.is_potential_anaphor, rules.is_independent_noun
    reach = rules.maximum_anaphora_sentence_referential_distance
    n_sents = len(sent_starts)
    # The tokens a mention can start at, listed once: coreferee asks both rules of every token
    # within reach of every anaphor. (Both read only the parse and the siblings noted before.)
    mentionable = [t.i for t in doc if is_anaphor(t) or is_noun(t)]
    referring, referrers = [], []
    for token in doc:
        holder = holders[token.i]
        holder.temp_potentially_referring = noun = is_noun(token)
        referring.append(noun)
        if not is_anaphor(token):
            continue
        sentence = sent_of[token.i]
        first = sentence - reach if sentence > reach else 0
        end = len(doc) if sentence + 1 == n_sents else sent_starts[sentence + 1]
        here = bisect_left(mentionable, token.i)
        before = mentionable[bisect_left(mentionable, sent_starts[first], 0, here):here]
        after = mentionable[here + (here < len(mentionable) and mentionable[here] == token.i):bisect_left(mentionable, end)]
        referreds = _referreds_before(rules, doc, holders, token, before)
        referreds += _referreds_after(rules, doc, holders, token, after)
        if referreds:
            holder.temp_potential_referreds = referreds
            referrers.append((token, referreds))
    # The scorer's list of anaphors and their candidates, so that it need not look at every token.
    doc._.coref_chains.temp_quotetrack_referrers = referrers
    return referring


def _referreds_before(rules, doc: Doc, holders: list, token: Token, indices: list[int]) -> list:
    """Mentions at ``indices`` (mentionable tokens before the anaphor, within reach) it may refer back to."""
    from coreferee.data_model import Mention

    anaphoric_pair = rules.language_independent_is_potential_anaphoric_pair
    referreds = []
    # coreferee also asks here is_potential_reflexive_pair(the anaphor, the candidate), whose
    # English first test answers False for a candidate before the anaphor, as all of these are.
    reflexive = None if type(rules).__module__ == ENGLISH_RULES else rules.is_potential_reflexive_pair
    for i in indices:
        preceding = doc[i]
        simple = Mention(preceding, False)
        if anaphoric_pair(simple, token) > 0 and not (reflexive and reflexive(Mention(token, False), doc[simple.root_index])):
            referreds.append(simple)
        if len(holders[i].temp_dependent_siblings) > 0:
            complex_ = Mention(preceding, True)
            if anaphoric_pair(complex_, token) > 0:
                referreds.append(complex_)
    return referreds


def _referreds_after(rules, doc: Doc, holders: list, token: Token, indices: list[int]) -> list:
    """Mentions at ``indices`` (mentionable tokens after the anaphor, in its sentence) it may refer forward to."""
    from coreferee.data_model import Mention

    anaphoric_pair = rules.language_independent_is_potential_anaphoric_pair
    cataphoric_pair = rules.is_potential_cataphoric_pair
    referreds = []
    for i in indices:
        succeeding = doc[i]
        simple = Mention(succeeding, False)
        if anaphoric_pair(simple, token) > 0 and (cataphoric_pair(simple, token) or rules.is_potential_reflexive_pair(simple, token)):
            referreds.append(simple)
        if len(holders[i].temp_dependent_siblings) > 0:
            complex_ = Mention(succeeding, True)
            if anaphoric_pair(complex_, token) > 0 and cataphoric_pair(simple, token):
                referreds.append(complex_)
    return referreds
