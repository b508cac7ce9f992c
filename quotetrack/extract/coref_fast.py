"""coreferee 1.5, faster, making the same decisions.

coreferee spends most of its time repeating work and reaching per-token
state through spaCy's extension attributes. These changes remove that
without changing a rule, a feature or a weight:

* **Word lists as sets.** Its name and word lists (thousands of entries)
  are Python lists tested with ``in`` for every candidate pair.
* **The neural scorer, factorised** (:class:`FactorisedScorer`). coreferee
  scores every (anaphor, candidate) pair with an ensemble of five networks
  whose first layer (639 units over 649 inputs) reads a row made of the
  anaphor's features, the candidate's features and five numbers about the
  pair. The first two parts are the same for every pair sharing the
  anaphor or the candidate, and the layer is linear before its ReLU, so
  they are multiplied once per anaphor and once per candidate and added
  per pair. Same weights, same clipped softmax over each anaphor's
  candidates, same sort afterwards; only the rounding of float32 sums
  differs (largest score difference on PolNeAR: 4e-7).
* **The scorer's inputs from per-document tables** (:class:`FeatureMaps`,
  :class:`Positions`, :class:`PairFacts`): the same feature, position and
  pair numbers, computed once per token (depths, sentence places, vectors,
  ancestors) instead of once per pair.
* **Rule answers remembered per document** (:class:`RuleCache`). Whether a
  token is an independent noun or a potential anaphor, its proper-name
  subtree, its morphology, and whether two nouns may corefer are pure
  functions of the parse once coreferee has found coordinations, yet it
  asks them again for every pair it considers. Noun pairs that can never
  match (no shared lemma, no name ending, no entity word) are ruled out
  before coreferee's own test runs.
* **initialize and the noun-link loop holding each token's state**
  (:func:`initialize`, :meth:`RuleCache.noun_link`): coreferee's steps in
  coreferee's order, with each token's ``ChainHolder`` fetched once.
* **No clean-up of scratch attributes.** A window is a throw-away copy of
  part of the document, so the ``temp_*`` attributes coreferee deletes
  after annotating go with the copy.

The linking itself is coreferee's own code. ``tests/test_coref_speed.py``
checks every map against coreferee's function and the chains and candidate
rankings against coreferee as published; ``benchmarks/batch_speed.py
--section coref-equivalence`` does the same over PolNeAR. :func:`annotate`
is what :mod:`quotetrack.coref` calls. Written for coreferee 1.5 (the last
release; ``pyproject.toml`` pins ``<1.6``) and its English rules.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
from spacy.tokens import Doc, Token

# coreferee keeps these lists as Python lists and only ever tests membership in them
# (see coreferee/rules.py and lang/en); ``blacklisted_phrases`` is iterated, so it stays a list.
WORD_LISTS = (
    "male_names", "female_names", "exclusively_male_names", "exclusively_female_names",
    "person_words", "exclusively_person_words", "animal_words",
    "exclusively_male_words", "exclusively_female_words", "avalent_verbs",
)


def use_sets_for_word_lists(rules_analyzer) -> None:
    for name in WORD_LISTS:
        value = getattr(rules_analyzer, name, None)
        if isinstance(value, list):
            setattr(rules_analyzer, name, frozenset(value))


class OneBlasThread:
    """A context in which numpy's BLAS uses one thread (and nothing else in the process is touched).

    The scorer's products are small (a few hundred rows): OpenBLAS's extra
    thread spins for them, costing more CPU than it saves, and with
    ``--jobs`` it takes the core another worker needs. The limit holds only
    while the scorer multiplies, so a program that imports quotetrack keeps
    its own BLAS settings. spaCy's own layers use blis, which this does not touch.
    """

    def __init__(self) -> None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # a dependency; without it the answers are the same, only slower
            self.controller = None
        else:
            self.controller = ThreadpoolController()

    def __call__(self):
        if self.controller is None:
            return contextlib.nullcontext()
        return self.controller.limit(limits=1, user_api="blas")


def speed_up(annotator) -> None:
    """Make ``annotator`` (a coreferee ``Annotator``) faster, in place, with the same results."""
    use_sets_for_word_lists(annotator.rules_analyzer)
    cache = RuleCache(annotator.rules_analyzer)
    cache.install()
    annotator.temp_annotate_any_coreferring_noun_link = cache.noun_link(annotator)
    scorer = FactorisedScorer(annotator.tendencies_analyzer, annotator.thinc_ensemble)
    annotator.tendencies_analyzer.score = scorer.score
    annotator.quotetrack_sped_up = True


def annotate(annotator, doc: Doc) -> None:
    """coreferee's ``Annotator.annotate`` on ``doc``, leaving its scratch attributes in place."""
    initialize(annotator.rules_analyzer, doc)
    # used_in_training=True skips only two things: initialize() (done just above) and
    # the clean-up of temp_* attributes at the end, which a throw-away window does not need.
    annotator.annotate(doc, used_in_training=True)


class RuleCache:
    """Per-document memory for coreferee's pure rule functions (see the module's docstring).

    Answers are kept for one document at a time (the one the asking token
    belongs to) and per thread, so an annotator used on any document, from
    any thread, answers as coreferee would.
    """

    def __init__(self, rules_analyzer) -> None:
        self.rules = rules_analyzer
        self.local = threading.local()
        self.original = {
            name: getattr(rules_analyzer, name)
            for name in (
                "is_independent_noun", "is_potential_anaphor", "get_propn_subtree",
                "is_potential_coreferring_noun_pair", "has_morph",
            )
        }

    def install(self) -> None:
        rules = self.rules
        rules.is_independent_noun = self._per_token("is_independent_noun")
        rules.is_potential_anaphor = self._per_token("is_potential_anaphor")
        rules.get_propn_subtree = self._per_token("get_propn_subtree")
        rules.is_potential_coreferring_noun_pair = self.noun_pair
        rules.has_morph = self.has_morph
        rules.language_independent_is_potential_anaphoric_pair = self.anaphoric_pair

    def tables(self, doc: Doc) -> dict:
        local = self.local
        if getattr(local, "doc", None) is not doc:
            local.doc = doc  # held, so no other document can take its id while it is cached
            local.tables = {name: {} for name in self.original}
            local.tables["keys"] = {}
        return local.tables

    def _per_token(self, name: str):
        original = self.original[name]

        def cached(token: Token):
            table = self.tables(token.doc)[name]
            i = token.i
            if i in table:
                return table[i]
            value = table[i] = original(token)
            return value

        return cached

    def has_morph(self, token: Token, key: str, value: str | None = None) -> bool:
        table = self.tables(token.doc)["has_morph"]
        memo_key = (token.i, key, value)
        answer = table.get(memo_key)
        if answer is None:
            answer = table[memo_key] = self.original["has_morph"](token, key, value)
        return answer

    def _keys(self, token: Token, table: dict) -> tuple:
        """What a noun pair test needs to know of ``token`` before coreferee's own test."""
        keys = table.get(token.i)
        if keys is None:
            rules = self.rules
            subtree = rules.get_propn_subtree(token)
            keys = table[token.i] = (
                len(token.text) == 1,
                token.pos_ in rules.noun_pos,
                " ".join(t.text for t in subtree) if subtree else None,
                " ".join(t.lemma_.lower() for t in subtree) if subtree else None,
                token.lemma_,
                token.lemma_.lower(),
                token.pos_ in rules.propn_pos,
                token.ent_type_,
            )
        return keys

    def noun_pair(self, referred: Token, referring: Token) -> bool:
        """coreferee's ``is_potential_coreferring_noun_pair``, remembered, with a necessary-condition filter.

        coreferee's test can only answer True (a) when both are names and the
        referring name ends the referred one (by text or lemma), (b) when the
        referring noun is an entity word ("the company") for the referred
        name's entity type, or (c) when both have the same lemma. Every other
        pair is False without asking it; its early False answers (one-letter
        tokens, non-nouns) are checked first, as it does.
        """
        tables = self.tables(referring.doc)
        memo = tables["is_potential_coreferring_noun_pair"]
        key = (referred.i, referring.i)
        if key in memo:
            return memo[key]
        keys = tables["keys"]
        a, b = self._keys(referred, keys), self._keys(referring, keys)
        if (a[0] and b[0]) or not (a[1] and b[1]):
            possible = False
        else:
            entity = self.rules.reverse_entity_noun_dictionary.get(b[5])
            possible = (
                (a[2] is not None and b[2] is not None and (a[2].endswith(b[2]) or a[3].endswith(b[3])))
                or (entity is not None and a[6] and a[7] == entity)
                or a[4] == b[4]
            )
        value = memo[key] = possible and self.original["is_potential_coreferring_noun_pair"](referred, referring)
        return value

    def _token_facts(self, doc: Doc, tables: dict, i: int) -> tuple:
        """(dependent sibling indices, quote array) of token ``i``: what coreferee reads through ``token._``."""
        facts = tables.setdefault("facts", {})
        fact = facts.get(i)
        if fact is None:
            holder = doc[i]._.coref_chains
            fact = facts[i] = (frozenset(t.i for t in holder.temp_dependent_siblings), holder.temp_quote_array)
        return fact

    def _subtree(self, doc: Doc, tables: dict, i: int) -> frozenset:
        subtrees = tables.setdefault("subtrees", {})
        found = subtrees.get(i)
        if found is None:
            found = subtrees[i] = frozenset(t.i for t in doc[i].subtree)
        return found

    def _may_pair_with(self, doc: Doc, tables: dict, i: int) -> list:
        """Tokens ``j`` for which :meth:`noun_pair` (doc[i], doc[j]) may be True: its filter, indexed."""
        index = tables.get("pair_index")
        keys = tables["keys"]
        if index is None:
            by_lemma: dict[str, list] = {}
            names, entity_words = [], []
            entity_nouns = self.rules.reverse_entity_noun_dictionary
            for token in doc:
                k = self._keys(token, keys)
                by_lemma.setdefault(k[4], []).append(token.i)
                if k[2] is not None:
                    names.append(token.i)
                if k[5] in entity_nouns:
                    entity_words.append(token.i)
            index = tables["pair_index"] = (by_lemma, names, entity_words, {})
        by_lemma, names, entity_words, memo = index
        found = memo.get(i)
        if found is None:
            k = self._keys(doc[i], keys)
            found = set(by_lemma.get(k[4], ()))
            if k[2] is not None:
                found.update(names)
            if k[6]:
                found.update(entity_words)
            found = memo[i] = sorted(found)
        return found

    def anaphoric_pair(self, referred, referring: Token) -> int:
        """coreferee's ``language_independent_is_potential_anaphoric_pair``, with its subtree walk indexed.

        coreferee walks up from the anaphor, and while the subtree of the
        current governor does not hold the candidate, looks in that subtree
        for a noun that may corefer with the candidate (then the pair is
        only "uncertain"). Here the subtrees are kept per document, and only
        the nouns that pass :meth:`noun_pair`'s filter are looked for in them.
        """
        doc = referring.doc
        tables = self.tables(doc)
        rules = self.rules
        root = referred.root_index
        siblings, root_quotes = self._token_facts(doc, tables, root)
        if referring.i in siblings:
            return 0
        result = rules.is_potential_anaphoric_pair(referred, referring, True)
        if result == 2 and not rules.is_potential_anaphor(doc[root]):
            governor = referring
            while True:
                subtree = self._subtree(doc, tables, governor.i)
                if root in subtree:
                    break
                if result != 1:
                    for i in referred.token_indexes:
                        if any(j in subtree and self.noun_pair(doc[i], doc[j]) for j in self._may_pair_with(doc, tables, i)):
                            result = 1
                            break
                if governor == governor.head:
                    break
                governor = governor.head
        if result == 2 and root_quotes != self._token_facts(doc, tables, referring.i)[1]:
            result = 1
        if result == 1:
            referred.temp_is_uncertain = True
        elif result == 2:
            referred.temp_is_uncertain = False
        return result

    def noun_link(self, annotator):
        """``Annotator.temp_annotate_any_coreferring_noun_link`` reading the per-document tables.

        The same walk as coreferee's: back through the sentences in the
        deque (the current one first), each from ``sent.end`` (which is the
        next sentence's first token: coreferee visits it twice) down to its
        start, stopping at the first preceding noun that may corefer, or at
        the first token already in a chain whose single-token mentions hold
        such a noun.
        """
        from coreferee.data_model import Mention

        record = annotator.record_mention
        pair = self.noun_pair

        def referring_flags(doc: Doc) -> list:
            tables = self.tables(doc)
            flags = tables.get("potentially_referring")
            if flags is None:
                flags = tables["potentially_referring"] = [t._.coref_chains.temp_potentially_referring for t in doc]
            return flags

        def noun_link(token, sentence_deque, without_coordination, with_coordination) -> None:
            doc = token.doc
            flags = referring_flags(doc)
            if not flags[token.i]:
                return
            for sent in sentence_deque:
                for index in range(sent.end, sent.start - 1, -1):
                    if index >= token.i:
                        continue
                    if flags[index] and pair(doc[index], token):
                        record(Mention(doc[index], False), token, without_coordination, with_coordination)
                        return
                    if index in without_coordination:
                        for mention in without_coordination[index]:
                            if len(mention.token_indexes) == 1 and pair(doc[mention.root_index], token):
                                record(Mention(doc[index], False), token, without_coordination, with_coordination)
                                return

        return noun_link


def initialize(rules, doc: Doc) -> None:
    """coreferee's ``RulesAnalyzer.initialize``, step for step, holding each token's ``ChainHolder``.

    coreferee reaches a token's holder through ``token._.coref_chains`` (a
    spaCy extension lookup) several times per token and per candidate; here
    each holder is fetched once. The steps, their order and every rule
    called are coreferee's.
    """
    from coreferee.data_model import ChainHolder, Mention

    doc._.coref_chains = ChainHolder()
    holders = []
    for token in doc:
        holder = ChainHolder()
        token._.coref_chains = holder
        holders.append(holder)
    sent_starts = [s[0].i for s in doc.sents]
    doc._.coref_chains.temp_sent_starts = sent_starts
    sent_of = [0] * len(doc)
    for index, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = index
            holders[i].temp_sent_index = index
    english = type(rules).__module__ == "coreferee.lang.en.language_specific_rules"
    sibling_deps = tuple(rules.dependent_sibling_deps) + tuple(rules.conjunction_deps)
    for token in doc:
        if english and (token.dep_ in sibling_deps or not any(c.dep_ in sibling_deps for c in token.children)):
            # What coreferee's English get_dependent_siblings does without a coordination
            # below the token: nothing, bar noting an "or" (the recursion's first step).
            if token.dep_ not in sibling_deps and token.lemma_ in rules.or_lemmas:
                holders[token.i].temp_has_or_coordination = True
            siblings = []
        else:
            siblings = rules.get_dependent_siblings(token)
        holders[token.i].temp_dependent_siblings = siblings
        for sibling in siblings:
            if sibling.i != token.i and holders[token.i].temp_governing_sibling is None:
                holders[sibling.i].temp_governing_sibling = token
    quote_state = [0 for _ in rules.quote_tuples]
    for token in doc:
        text = token.text
        for index, (opening, closing) in enumerate(rules.quote_tuples):
            if quote_state[index] == 0 and text == opening:
                quote_state[index] = 1
            elif quote_state[index] == 1 and text == closing:
                quote_state[index] = 0
        holders[token.i].temp_quote_array = quote_state[:]
    is_anaphor, is_noun = rules.is_potential_anaphor, rules.is_independent_noun
    anaphoric_pair = rules.language_independent_is_potential_anaphoric_pair
    reflexive_pair, cataphoric_pair = rules.is_potential_reflexive_pair, rules.is_potential_cataphoric_pair
    reach = rules.maximum_anaphora_sentence_referential_distance
    n_sents = len(sent_starts)
    for token in doc:
        holder = holders[token.i]
        holder.temp_potentially_referring = is_noun(token)
        if not is_anaphor(token):
            continue
        referreds = []
        sentence = sent_of[token.i]
        first = sentence - reach if sentence > reach else 0
        for i in range(sent_starts[first], token.i):
            preceding = doc[i]
            if not (is_anaphor(preceding) or is_noun(preceding)):
                continue
            simple = Mention(preceding, False)
            if anaphoric_pair(simple, token) > 0 and not reflexive_pair(Mention(token, False), doc[simple.root_index]):
                referreds.append(simple)
            if len(holders[i].temp_dependent_siblings) > 0:
                complex_ = Mention(preceding, True)
                if anaphoric_pair(complex_, token) > 0:
                    referreds.append(complex_)
        end = len(doc) if sentence + 1 == n_sents else sent_starts[sentence + 1]
        for i in range(token.i + 1, end):
            succeeding = doc[i]
            if not (is_anaphor(succeeding) or is_noun(succeeding)):
                continue
            simple = Mention(succeeding, False)
            if anaphoric_pair(simple, token) > 0 and (cataphoric_pair(simple, token) or reflexive_pair(simple, token)):
                referreds.append(simple)
            if len(holders[i].temp_dependent_siblings) > 0:
                complex_ = Mention(succeeding, True)
                if anaphoric_pair(complex_, token) > 0 and cataphoric_pair(simple, token):
                    referreds.append(complex_)
        if referreds:
            holder.temp_potential_referreds = referreds


class FeatureMaps:
    """coreferee's ``get_feature_map``: which of the feature table's values a token (or mention) has.

    The same eleven blocks in the same order (the token's tag, morphology,
    entity type, dependencies to its children on each side, its own
    dependency on each side of its head, and its head's tag, morphology and
    children's dependencies), with the morphology and children of a
    mention's coordinated siblings added, as coreferee does; each value is
    looked up in an index instead of being compared with every entry of
    the table.
    """

    BLOCKS = (
        "tags", "morphs", "ent_types", "lefthand_deps_to_children", "righthand_deps_to_children",
        "lefthand_deps_to_parents", "righthand_deps_to_parents", "parent_tags", "parent_morphs",
        "parent_lefthand_deps_to_children", "parent_righthand_deps_to_children",
    )

    def __init__(self, analyzer) -> None:
        table = analyzer.feature_table
        self.root_dep = analyzer.rules_analyzer.root_dep
        self.index = []
        offset = 0
        for name in self.BLOCKS:
            values = getattr(table, name)
            self.index.append({value: offset + k for k, value in enumerate(values)})
            offset += len(values)
        self.width = offset

    def of(self, doc: Doc, root: int, siblings: tuple = ()) -> list:
        token = doc[root]
        tokens = [token, *(doc[i] for i in siblings)]
        found = [0] * self.width
        (tags, morphs, ents, left_children, right_children, left_parent, right_parent,
         parent_tags, parent_morphs, parent_left, parent_right) = self.index

        def mark(index: dict, values) -> None:
            for value in values:
                k = index.get(value)
                if k is not None:
                    found[k] = 1

        mark(tags, (token.tag_,))
        for t in tokens:
            mark(morphs, t.morph)
        mark(ents, (token.ent_type_,))
        for t in tokens:
            mark(left_children, [c.dep_ for c in t.children if c.i < t.i])
        for t in tokens:
            mark(right_children, [c.dep_ for c in t.children if c.i > t.i])
        if token.dep_ != self.root_dep:
            head = token.head
            if token.i < head.i:
                mark(left_parent, (token.dep_,))
            if token.i > head.i:
                mark(right_parent, (token.dep_,))
            mark(parent_tags, (head.tag_,))
            mark(parent_morphs, head.morph)
            mark(parent_left, [c.dep_ for c in head.children if c.i < head.i])
            mark(parent_right, [c.dep_ for c in head.children if c.i > head.i])
        return found


class Positions:
    """coreferee's ``get_position_map`` for one document, from depths computed once per token.

    The seven numbers, as coreferee computes them: the token's place in its
    sentence, its depth below the root, how many of its ancestors are verbs,
    how many tokens before it in its sentence sit at its depth, its place
    among its head's children (-1 for a root), its number of coordinated
    siblings (-1 when it is itself coordinated, or has siblings but is asked
    about alone), and whether it hangs in another token's coordination.
    """

    def __init__(self, rules, doc: Doc) -> None:
        root_dep = rules.root_dep
        verb_pos = rules.verb_pos
        n = len(doc)
        heads = [t.head.i for t in doc]
        roots = [t.dep_ == root_dep for t in doc]
        is_verb = [t.pos_ in verb_pos for t in doc]
        depth, verbs = [-1] * n, [0] * n
        for i in range(n):
            path = []
            j = i
            while depth[j] < 0 and heads[j] != j:
                path.append(j)
                j = heads[j]
            if depth[j] < 0:  # a sentence root
                depth[j], verbs[j] = 0, 0
            for k in reversed(path):
                h = heads[k]
                depth[k] = depth[h] + 1
                verbs[k] = verbs[h] + (1 if is_verb[h] else 0)
        same_depth_before = [0] * n
        child_place = [-1] * n
        sent_start = [0] * n
        for sent in doc.sents:
            seen: dict[int, int] = {}
            for i in range(sent.start, sent.end):
                same_depth_before[i] = seen.get(depth[i], 0)
                seen[depth[i]] = same_depth_before[i] + 1
                sent_start[i] = sent.start
        children_seen: dict[int, int] = {}
        for i in range(n):
            if heads[i] != i:
                child_place[i] = children_seen.get(heads[i], 0)
                children_seen[heads[i]] = child_place[i] + 1
        self.doc, self.roots = doc, roots
        self.depth, self.verbs, self.same_depth_before, self.child_place, self.sent_start = (
            depth, verbs, same_depth_before, child_place, sent_start,
        )

    def map(self, i: int, multi_token_mention: bool) -> list:
        holder = self.doc[i]._.coref_chains
        governed = holder.temp_governing_sibling is not None
        siblings = len(holder.temp_dependent_siblings)
        return [
            i - self.sent_start[i],
            self.depth[i],
            self.verbs[i],
            self.same_depth_before[i],
            -1 if self.roots[i] else self.child_place[i],
            -1 if governed or (siblings > 0 and not multi_token_mention) else siblings,
            1 if governed else 0,
        ]


class PairFacts:
    """coreferee's ``get_compatibility_map`` for one document, from facts gathered once per token.

    The five numbers, as coreferee computes them: distance in words, distance
    in sentences, whether the candidate (or its head, or the head of its
    coordination) governs the anaphor, the similarity of the two heads'
    vectors (-1 when either is a root or has none), and how many features
    the two share.
    """

    def __init__(self, analyzer, doc: Doc) -> None:
        self.analyzer = analyzer
        self.doc = doc
        self.root_dep = analyzer.rules_analyzer.root_dep
        self.facts: dict[int, tuple] = {}
        self.ancestors: dict[int, frozenset] = {}
        self.vectors: dict[int, tuple] = {}
        self.own_similarity = not doc.user_token_hooks and self._orth_keyed(doc)

    @staticmethod
    def _orth_keyed(doc: Doc) -> bool:
        from spacy.attrs import ORTH

        return getattr(doc.vocab.vectors, "attr", ORTH) == ORTH

    def _fact(self, i: int) -> tuple:
        fact = self.facts.get(i)
        if fact is None:
            token = self.doc[i]
            holder = token._.coref_chains
            not_root = token.dep_ != self.root_dep
            governing = holder.temp_governing_sibling
            vocab = self.analyzer.vectors_nlp.vocab
            fact = self.facts[i] = (
                holder.temp_sent_index,
                not_root,
                token.head.i if not_root else None,
                None if governing is None else (governing.i, governing.head.i if governing.dep_ != self.root_dep else None),
                vocab[token.head.lemma_].has_vector if not_root else False,
                token.has_vector,
            )
        return fact

    def _ancestors(self, i: int) -> frozenset:
        found = self.ancestors.get(i)
        if found is None:
            found = self.ancestors[i] = frozenset(t.i for t in self.doc[i].ancestors)
        return found

    def _similarity(self, referred: int, referring: int) -> float:
        doc = self.doc
        a, b = doc[referred], doc[referring]
        if not self.own_similarity:
            return a.similarity(b)
        # spacy.tokens.Token.similarity, without its warnings, each token's vector and norm fetched once
        if a.orth == b.orth:
            return 1.0
        (va, na), (vb, nb) = self._vector(referred), self._vector(referring)
        if na == 0 or nb == 0:
            return 0.0
        return (np.dot(va, vb) / (na * nb)).item()

    def _vector(self, i: int) -> tuple:
        found = self.vectors.get(i)
        if found is None:
            token = self.doc[i]
            found = self.vectors[i] = (token.vector, token.vector_norm)
        return found

    def compatibility(self, referred: int, referring: int) -> list:
        """The map without its last number (the shared features), which the caller counts for all pairs at once."""
        doc = self.doc
        ref_sent, ref_not_root, ref_head, ref_governing, ref_head_lex_vector, ref_has_vector = self._fact(referred)
        ing_sent, ing_not_root, _, _, ing_head_lex_vector, ing_has_vector = self._fact(referring)
        ancestors = self._ancestors(referring)
        governs = (
            referred in ancestors
            or (ref_not_root and ref_head in ancestors)
            or (
                ref_governing is not None
                and (ref_governing[0] in ancestors or (ref_governing[1] is not None and ref_governing[1] in ancestors))
            )
        )
        if ref_not_root and ing_not_root:
            if ref_head_lex_vector and ing_head_lex_vector:
                vocab = self.analyzer.vectors_nlp.vocab
                similarity = vocab[doc[referred].head.lemma_].similarity(vocab[doc[referring].head.lemma_])
            elif ref_has_vector and ing_has_vector:
                similarity = self._similarity(referred, referring)
            else:
                similarity = -1
        else:
            similarity = -1
        return [referring - referred, ing_sent - ref_sent, 1 if governs else 0, similarity, 0]


def _dense_layers(model) -> list:
    """The (W, b) of every layer with weights under ``model``, in the order they are applied."""
    found = []

    def walk(layer) -> None:
        if layer.has_param("W") and layer.get_param("W") is not None:
            found.append((np.asarray(layer.get_param("W"), dtype=np.float32),
                          np.asarray(layer.get_param("b"), dtype=np.float32)))
        for child in layer.layers:
            walk(child)

    walk(model)
    return found


class Member:
    """One network of coreferee's ensemble, with its first layer split by input block."""

    VECTOR_WIDTH = 3  # each squeezed vector: 96 → 24 → 3

    def __init__(self, layers: list, feature_width: int, position_width: int, compat_width: int) -> None:
        (self.ref_a, self.ref_b), (self.ante_a, self.ante_b) = layers[0:2], layers[2:4]
        W1, self.b1 = layers[4]
        self.W2, self.b2 = layers[5]
        self.W3, self.b3 = layers[6]
        v, f, p, c = self.VECTOR_WIDTH, feature_width, position_width, compat_width
        assert W1.shape[1] == 2 * v + 2 * (f + p) + c, W1.shape
        # Input row: [referrer vector (3), antecedent vector (3), referrer features (f),
        # referrer position (p), antecedent features (f), antecedent position (p), pair (c)].
        s = 2 * v
        self.W_ref_vec, self.W_ante_vec = W1[:, 0:v], W1[:, v:s]
        self.W_ref_static = W1[:, s : s + f + p]
        self.W_ante_static = W1[:, s + f + p : s + 2 * (f + p)]
        self.W_pair = W1[:, s + 2 * (f + p) :]

    @staticmethod
    def _squeeze(vectors: np.ndarray, first, second) -> np.ndarray:
        (Wa, ba), (Wb, bb) = first, second
        return np.maximum(np.maximum(vectors @ Wa.T + ba, 0) @ Wb.T + bb, 0)

    def squeezed(self, ref_vec, ante_vec) -> tuple:
        return self._squeeze(ref_vec, self.ref_a, self.ref_b), self._squeeze(ante_vec, self.ante_a, self.ante_b)


class Ensemble:
    """The five members side by side: one matrix product per block for all of them."""

    def __init__(self, members: list) -> None:
        self.members = members
        self.n, self.width = len(members), members[0].b1.shape[0]
        self.W_ref_static = np.ascontiguousarray(np.concatenate([m.W_ref_static for m in members], axis=0).T)
        self.W_ante_static = np.ascontiguousarray(np.concatenate([m.W_ante_static for m in members], axis=0).T)
        self.W_pair = np.ascontiguousarray(np.concatenate([m.W_pair for m in members], axis=0).T)
        self.b1 = np.concatenate([m.b1 for m in members])
        self.W2 = np.stack([m.W2.T for m in members])  # members × 639 × 20
        self.b2 = np.stack([m.b2 for m in members])[:, None, :]
        self.W3 = np.stack([m.W3.T for m in members])  # members × 20 × 1
        self.b3 = np.stack([m.b3 for m in members])[:, None, :]

    def logits(self, ref_vec, ref_static, ante_vec, ante_static, pair, ref_of_pair, ante_of_pair) -> np.ndarray:
        """Each member's logit for each pair (pairs × members): the first layer as the sum of its parts."""
        squeezed = [m.squeezed(ref_vec, ante_vec) for m in self.members]
        ref_part = ref_static @ self.W_ref_static
        ref_part += np.concatenate([r @ m.W_ref_vec.T for m, (r, _) in zip(self.members, squeezed)], axis=1)
        ante_part = ante_static @ self.W_ante_static
        ante_part += np.concatenate([a @ m.W_ante_vec.T for m, (_, a) in zip(self.members, squeezed)], axis=1)
        hidden = ref_part[ref_of_pair]
        hidden += ante_part[ante_of_pair]
        hidden += pair @ self.W_pair
        hidden += self.b1
        np.maximum(hidden, 0, out=hidden)
        hidden = hidden.reshape(len(pair), self.n, self.width).transpose(1, 0, 2)  # members × pairs × 639
        second = np.maximum(hidden @ self.W2 + self.b2, 0)
        return (second @ self.W3 + self.b3)[:, :, 0].T


class FactorisedScorer:
    """``TendenciesAnalyzer.score`` with the ensemble's first layer applied per anaphor and per candidate."""

    POSITION_WIDTH = 7
    COMPAT_WIDTH = 5

    def __init__(self, tendencies_analyzer, ensemble) -> None:
        from coreferee.tendencies import ENSEMBLE_SIZE

        self.analyzer = tendencies_analyzer
        self.features = FeatureMaps(tendencies_analyzer)
        feature_width = self.features.width
        layers = _dense_layers(ensemble)
        per_member = len(layers) // ENSEMBLE_SIZE
        assert per_member == 7 and len(layers) == 7 * ENSEMBLE_SIZE, [w.shape for w, _ in layers]
        self.members = [
            Member(layers[k * per_member : (k + 1) * per_member], feature_width, self.POSITION_WIDTH, self.COMPAT_WIDTH)
            for k in range(ENSEMBLE_SIZE)
        ]
        self.ensemble = Ensemble(self.members)
        self.one_blas_thread = OneBlasThread()

    def score(self, doc: Doc, thinc_ensemble=None) -> None:
        from coreferee.tendencies import _set_vectors
        from thinc.api import get_current_ops

        analyzer = self.analyzer
        ops = get_current_ops()
        vectors_nlp = analyzer.vectors_nlp
        referrers = []
        for token in doc:
            holder = token._.coref_chains
            if hasattr(holder, "temp_potential_referreds"):
                referrers.append((token, holder.temp_potential_referreds))
        if not referrers:
            return
        pairs = PairFacts(analyzer, doc)
        positions = Positions(analyzer.rules_analyzer, doc)
        ref_vec, ref_static = [], []
        ante_index: dict[tuple, int] = {}
        ante_vec, ante_static = [], []
        pair_rows, ref_of_pair, ante_of_pair = [], [], []
        for r, (token, candidates) in enumerate(referrers):
            _set_vectors(vectors_nlp, ops, token)
            ref_vec.append(token._.coref_chains.temp_vector)
            ref_static.append(self.features.of(doc, token.i) + positions.map(token.i, False))
            candidates.sort(key=lambda m: m.root_index)
            for mention in candidates:
                key = tuple(mention.token_indexes)
                k = ante_index.get(key)
                if k is None:
                    k = ante_index[key] = len(ante_vec)
                    for i in key:
                        _set_vectors(vectors_nlp, ops, doc[i])
                    if len(key) == 1:
                        ante_vec.append(doc[key[0]]._.coref_chains.temp_vector)
                    else:
                        ante_vec.append(np.asarray([doc[i]._.coref_chains.temp_vector for i in key], dtype=np.float32).mean(axis=0))
                    feature_map = self.features.of(doc, key[0], key[1:])
                    position_map = positions.map(mention.root_index, len(key) > 1)
                    ante_static.append(feature_map + position_map)
                # The maps of a candidate depend on its tokens only: coreferee computes them
                # again for every anaphor that has it as a candidate; here they are reused.
                pair_rows.append(pairs.compatibility(mention.root_index, token.i))
                ref_of_pair.append(r)
                ante_of_pair.append(k)
        if not pair_rows:
            return
        arrays = (
            np.asarray(ref_vec, dtype=np.float32),
            np.asarray(ref_static, dtype=np.float32),
            np.asarray(ante_vec, dtype=np.float32),
            np.asarray(ante_static, dtype=np.float32),
            np.asarray(pair_rows, dtype=np.float32),
            np.asarray(ref_of_pair, dtype=np.intp),
            np.asarray(ante_of_pair, dtype=np.intp),
        )
        # The map's last number: how many features the two share (feature maps are 0/1).
        width = self.features.width
        ref_features, ante_features = arrays[1][:, :width], arrays[3][:, :width]
        arrays[4][:, 4] = (ref_features[arrays[5]] * ante_features[arrays[6]]).sum(axis=1)
        with self.one_blas_thread():
            logits = self.ensemble.logits(*arrays)  # pairs × members
        # thinc's softmax_sequences: clipped, per anaphor over its candidates, per member.
        exp = np.exp(np.clip(logits, -20.0, 20.0))
        ref_of_pair = arrays[5]
        totals = np.zeros((len(referrers), exp.shape[1]), dtype=np.float32)
        np.add.at(totals, ref_of_pair, exp)
        scores = (exp / totals[ref_of_pair]).mean(axis=1).tolist()
        p = 0
        for token, candidates in referrers:
            for mention in candidates:
                mention.temp_score = scores[p]
                p += 1
            candidates.sort(key=lambda m: (m.temp_is_uncertain, 0 - m.temp_score))
