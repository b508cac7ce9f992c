"""coreferee 1.5, faster, making the same decisions: what :mod:`quotetrack.extract.coref` runs.

:func:`speed_up` changes an annotator in place (word lists as sets, rule answers
remembered per document, the scorer of :mod:`.coref_scorer`); :func:`annotate` runs
it on a throw-away window. What changed and how it is checked: ``docs/coreference.md``.
"""

from __future__ import annotations

import threading
from threading import get_ident

from spacy.tokens import Doc, Token

from .coref_init import ENGLISH_RULES, initialize
from .coref_scorer import FactorisedScorer

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


def rules_analyzer(language: str):
    """A new coreferee rules analyzer for ``language``, as ``RulesAnalyzerFactory.get_rules_analyzer``
    builds it: the same class, the same word lists read from the same files, in the same order.

    coreferee makes its lists of exclusively male and female given names by testing each of
    4,314 names against a list of 4,410 (0.35 s of every start, a tenth of a fresh
    ``quotetrack extract``); here the test is against a set.
    """
    import importlib

    from coreferee._resources import resource_listdir, resource_path

    module = importlib.import_module(f"coreferee.lang.{language}.language_specific_rules")
    analyzer = module.LanguageSpecificRulesAnalyzer()
    for directory in (language, "common"):
        for filename in resource_listdir("coreferee", "lang", directory, "data"):
            if not filename.endswith(".dat"):
                continue
            with open(resource_path("coreferee", "lang", directory, "data", filename), encoding="utf-8") as file:
                words = [v.strip() for v in file.read().splitlines() if len(v.strip()) > 1 and not v.strip().startswith("#")]
            setattr(analyzer, filename[:-4], words)
    male, female = set(analyzer.male_names), set(analyzer.female_names)
    analyzer.exclusively_male_names = [name for name in analyzer.male_names if name not in female]
    analyzer.exclusively_female_names = [name for name in analyzer.female_names if name not in male]
    return analyzer


def register_rules_analyzer(language: str) -> None:
    """Put :func:`rules_analyzer`'s analyzer where coreferee looks first (once per process)."""
    from coreferee import rules

    with rules.lock:
        if language not in rules.language_to_rules:
            rules.language_to_rules[language] = rules_analyzer(language)


def speed_up(annotator) -> None:
    """Make ``annotator`` (a coreferee ``Annotator``) faster, in place, with the same results."""
    use_sets_for_word_lists(annotator.rules_analyzer)
    cache = RuleCache(annotator.rules_analyzer)
    cache.install()
    annotator.quotetrack_rule_cache = cache
    annotator.temp_annotate_any_coreferring_noun_link = cache.noun_link(annotator)
    scorer = FactorisedScorer(annotator.tendencies_analyzer, annotator.thinc_ensemble)
    annotator.tendencies_analyzer.score = scorer.score
    annotator.quotetrack_sped_up = True


def annotate(annotator, doc: Doc) -> None:
    """coreferee's ``Annotator.annotate`` on ``doc``, leaving its scratch attributes in place."""
    holders: list = []
    referring = initialize(annotator.rules_analyzer, doc, holders)
    cache = getattr(annotator, "quotetrack_rule_cache", None)
    if cache is None:
        # used_in_training=True skips only two things: initialize() (done just above) and
        # the clean-up of temp_* attributes at the end, which a throw-away window does not need.
        annotator.annotate(doc, used_in_training=True)
        return
    cache.tables(doc)["potentially_referring"] = referring
    link_and_chain(annotator, doc, holders, referring)


def link_and_chain(annotator, doc: Doc, holders: list, referring: list[bool]) -> None:
    """The rest of coreferee's ``Annotator.annotate`` (``used_in_training=True``), step for step.

    coreferee reads ``token._.coref_chains`` (a spaCy extension lookup) for every token
    of the document, twice, and calls the noun link on every token only for it to return
    at once unless the token may refer; here the holders noted by :func:`initialize` are
    read instead, and only tokens that may refer or be an anaphor are looked at.
    """
    from collections import deque

    from coreferee.data_model import Chain

    annotator.tendencies_analyzer.score(doc, annotator.thinc_ensemble)
    without: dict = {}
    with_: dict = {}
    sentence_deque: deque = deque(maxlen=annotator.rules_analyzer.maximum_coreferring_nouns_sentence_referential_distance + 1)
    coreferring_deque: deque = deque(maxlen=annotator.RETRY_DEPTH)
    noun_link = annotator.temp_annotate_any_coreferring_noun_link
    anaphoric_link, retry = annotator.temp_annotate_any_anaphoric_link, annotator.attempt_retry
    for sent in doc.sents:
        sentence_deque.appendleft(sent)
        for i in range(sent.start, sent.end):
            anaphor = hasattr(holders[i], "temp_potential_referreds")
            if not (anaphor or referring[i]):
                continue
            token = doc[i]
            if referring[i]:
                noun_link(token, sentence_deque, without, with_)
            if anaphor and (
                anaphoric_link(token, without, with_) or retry(token, coreferring_deque, sentence_deque, without, with_)
            ):
                coreferring_deque.appendleft(token)

    visited: set = set()
    chains = []
    for token_index, mention_set in without.items():
        if token_index in visited:
            continue
        mentions = sorted(mention_set, key=lambda mention: mention.root_index)
        chain = Chain(mentions, mentions.index(annotator.get_most_specific_mention(mentions, doc)))
        chains.append(chain)
        for mention in chain.mentions:
            if len(mention.token_indexes) == 1:
                visited.add(mention.root_index)
    chains.sort(key=lambda chain: chain.mentions[0].root_index)
    for index, chain in enumerate(chains):
        chain.index = index
        for mention in chain.mentions:
            for token_index in mention.token_indexes:
                holders[token_index].chains.append(chain)
    doc._.coref_chains.chains = chains


class RuleCache:
    """Per-document memory for coreferee's pure rule functions (see ``docs/coreference.md``).

    Answers are kept for one document at a time (the one the asking token
    belongs to) and per thread, so an annotator used on any document, from
    any thread, answers as coreferee would.
    """

    def __init__(self, rules_analyzer) -> None:
        self.rules = rules_analyzer
        self.local = threading.local()
        self.last: tuple = (None, None, None)
        self.original = {
            name: getattr(rules_analyzer, name)
            for name in (
                "is_independent_noun", "is_potential_anaphor", "get_propn_subtree",
                "is_potential_coreferring_noun_pair", "has_morph", "is_involved_in_non_or_conjunction",
                "is_potential_reflexive_pair", "is_reflexive_anaphor", "has_list_member_in_propn_subtree",
                "is_potential_anaphoric_pair",
            )
        }

    def install(self) -> None:
        rules = self.rules
        rules.is_independent_noun = self._per_token("is_independent_noun")
        rules.is_potential_anaphor = self._per_token("is_potential_anaphor")
        rules.get_propn_subtree = self._per_token("get_propn_subtree")
        rules.is_involved_in_non_or_conjunction = self._per_token("is_involved_in_non_or_conjunction")
        rules.is_potential_reflexive_pair = self.reflexive_pair
        rules.is_reflexive_anaphor = self._per_token("is_reflexive_anaphor")
        rules.has_list_member_in_propn_subtree = self.list_member_in_name
        if type(rules).__module__ == ENGLISH_RULES:
            rules.is_potential_anaphoric_pair = self.english_pair
        rules.is_potential_coreferring_noun_pair = self.noun_pair
        rules.has_morph = self.has_morph
        rules.language_independent_is_potential_anaphoric_pair = self.anaphoric_pair

    def tables(self, doc: Doc) -> dict:
        # Asked about half a million times per hundred articles: the last (document, thread,
        # tables) is kept in one tuple (read in one step, whatever other threads do) before the
        # per-thread store is consulted.
        last = self.last
        if last[0] is doc and last[1] == get_ident():
            return last[2]
        local = self.local
        if getattr(local, "doc", None) is not doc:
            local.doc = doc  # held, so no other document can take its id while it is cached
            local.tables = {name: {} for name in self.original}
            local.tables["keys"] = {}
        self.last = (doc, get_ident(), local.tables)
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

    def reflexive_pair(self, referred, referring: Token) -> bool:
        """coreferee's ``is_potential_reflexive_pair``, remembered: its English anaphoric-pair test asks
        it twice for every pair it lets through (and chain building again)."""
        table = self.tables(referring.doc)["is_potential_reflexive_pair"]
        key = (tuple(referred.token_indexes), referring.i)
        answer = table.get(key)
        if answer is None:
            answer = table[key] = self.original["is_potential_reflexive_pair"](referred, referring)
        return answer

    def list_member_in_name(self, token: Token, word_list) -> bool:
        """coreferee's ``has_list_member_in_propn_subtree`` (a name and one of its fixed word lists), remembered."""
        table = self.tables(token.doc)["has_list_member_in_propn_subtree"]
        key = (token.i, id(word_list))
        answer = table.get(key)
        if answer is None:
            answer = table[key] = self.original["has_list_member_in_propn_subtree"](token, word_list)
        return answer

    def english_pair(self, referred, referring: Token, directly: bool) -> int:
        """coreferee's English ``is_potential_anaphoric_pair``, test for test and in its order, reading
        what it asks of each token (morphology, lemma in its word lists, tag, entity type,
        coordination, governing verb) from per-document tables instead of asking it again for
        every pair: half the anaphoric-pair tests of a window, asked tens of thousands of times."""
        rules = self.rules
        doc = referring.doc
        tables = self.tables(doc)
        root = referred.root_index
        single = len(referred.token_indexes) == 1
        (conj, is_anaphor, numbers, genders, plural_noun, singular_noun, lemma_person, nnp, nnps, person,
         male_word, female_word, person_word, animal, given_name, pobj) = self._referred_facts(doc, tables, root)
        r_numbers, r_genders, plural, singular, masc, fem, neut, reflexive = self._referring_facts(doc, tables, referring.i)
        uncertain = False
        if single and plural and conj:  # 'the men and the women' ... 'they'
            return 0
        if single and is_anaphor and (numbers != r_numbers or genders != r_genders):
            return 0
        if singular and (not single or plural_noun):
            return 0
        if not is_anaphor:
            if plural and single and singular_noun:  # 'they' and a singular noun
                if not lemma_person:
                    if not nnp and not person:
                        return 0
                    uncertain = True
                if male_word or female_word:
                    uncertain = True
            if (masc or fem) and not person_word and not animal and not given_name and not person:
                if not nnp and not lemma_person:
                    return 0
                uncertain = True
            if neut and (person_word or person):
                return 0
            if neut and nnps:
                uncertain = True
            if masc and female_word and not animal:
                return 0
            if fem and male_word and not animal:
                return 0
            if neut and nnp and given_name:
                return 0
            if masc and nnp and rules.has_list_member_in_propn_subtree(doc[root], rules.exclusively_female_names):
                uncertain = True
            if fem and nnp and rules.has_list_member_in_propn_subtree(doc[root], rules.exclusively_male_names):
                uncertain = True
        if directly:
            if rules.is_potential_reflexive_pair(referred, referring) and reflexive == 0:
                return 0
            if not uncertain and not rules.is_potential_reflexive_pair(referred, referring) and reflexive == 1:
                uncertain = True
            if pobj and reflexive == 0:
                verb = self._governing_verb(doc, tables, root)
                if verb is not None and verb == self._governing_verb(doc, tables, referring.i):
                    return 0  # 'In which room is it?'
        return 1 if uncertain else 2

    def _referred_facts(self, doc: Doc, tables: dict, i: int) -> tuple:
        facts = tables.setdefault("referred_facts", {})
        found = facts.get(i)
        if found is None:
            rules, token = self.rules, doc[i]
            numbers, genders = tuple(token.morph.get("Number")), tuple(token.morph.get("Gender"))
            lemma, tag = token.lemma_, token.tag_
            found = facts[i] = (
                rules.is_involved_in_non_or_conjunction(token),
                rules.is_potential_anaphor(token),
                numbers,
                genders,
                "Plur" in numbers,
                "Sing" in numbers,
                lemma in rules.person_words,
                tag == "NNP",
                tag == "NNPS",
                token.ent_type_ == "PERSON",
                lemma in rules.exclusively_male_words,
                lemma in rules.exclusively_female_words,
                lemma in rules.exclusively_person_words,
                lemma in rules.animal_words,
                lemma in rules.male_names or lemma in rules.female_names,
                token.dep_ in ("pobj", "pcomp"),
            )
        return found

    def _referring_facts(self, doc: Doc, tables: dict, i: int) -> tuple:
        facts = tables.setdefault("referring_facts", {})
        found = facts.get(i)
        if found is None:
            token = doc[i]
            numbers, genders = tuple(token.morph.get("Number")), tuple(token.morph.get("Gender"))
            found = facts[i] = (
                numbers, genders, "Plur" in numbers, "Sing" in numbers,
                "Masc" in genders, "Fem" in genders, "Neut" in genders,
                self.rules.is_reflexive_anaphor(token),
            )
        return found

    def _governing_verb(self, doc: Doc, tables: dict, i: int) -> int | None:
        """Index of the token's first verb or auxiliary ancestor (coreferee's ``get_governing_verb``)."""
        verbs = tables.setdefault("governing_verbs", {})
        if i not in verbs:
            verbs[i] = next((a.i for a in doc[i].ancestors if a.pos_ in ("VERB", "AUX")), None)
        return verbs[i]

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

    def _pair_index(self, doc: Doc, tables: dict) -> tuple:
        """(tokens by lemma, names, entity words, names by entity type, two memos) of ``doc``: :meth:`noun_pair`'s filter, indexed."""
        index = tables.get("pair_index")
        if index is None:
            keys = tables["keys"]
            by_lemma: dict[str, list] = {}
            names, entity_words = [], []
            names_by_entity: dict[str, list] = {}
            entity_nouns = self.rules.reverse_entity_noun_dictionary
            for token in doc:
                k = self._keys(token, keys)
                by_lemma.setdefault(k[4], []).append(token.i)
                if k[2] is not None:
                    names.append(token.i)
                if k[5] in entity_nouns:
                    entity_words.append(token.i)
                if k[6]:
                    names_by_entity.setdefault(k[7], []).append(token.i)
            index = tables["pair_index"] = (by_lemma, names, entity_words, names_by_entity, {}, {})
        return index

    def _may_pair_with(self, doc: Doc, tables: dict, i: int) -> list:
        """Tokens ``j`` for which :meth:`noun_pair` (doc[i], doc[j]) may be True."""
        by_lemma, names, entity_words, _, memo, _ = self._pair_index(doc, tables)
        found = memo.get(i)
        if found is None:
            k = self._keys(doc[i], tables["keys"])
            found = set(by_lemma.get(k[4], ()))
            if k[2] is not None:
                found.update(names)
            if k[6]:
                found.update(entity_words)
            found = memo[i] = sorted(found)
        return found

    def _may_be_paired_by(self, doc: Doc, tables: dict, j: int) -> frozenset:
        """Tokens ``i`` for which :meth:`noun_pair` (doc[i], doc[j]) may be True."""
        by_lemma, names, _, names_by_entity, _, memo = self._pair_index(doc, tables)
        found = memo.get(j)
        if found is None:
            k = self._keys(doc[j], tables["keys"])
            found = set(by_lemma.get(k[4], ()))
            if k[2] is not None:
                found.update(names)
            entity = self.rules.reverse_entity_noun_dictionary.get(k[5])
            if entity is not None:
                found.update(names_by_entity.get(entity, ()))
            found = memo[j] = frozenset(found)
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
            # the preceding nouns noun_pair may accept: the others are passed over without asking it
            maybe = self._may_be_paired_by(doc, self.tables(doc), token.i)
            for sent in sentence_deque:
                for index in range(sent.end, sent.start - 1, -1):
                    if index >= token.i:
                        continue
                    if flags[index] and index in maybe and pair(doc[index], token):
                        record(Mention(doc[index], False), token, without_coordination, with_coordination)
                        return
                    if index in without_coordination:
                        for mention in without_coordination[index]:
                            if len(mention.token_indexes) == 1 and pair(doc[mention.root_index], token):
                                record(Mention(doc[index], False), token, without_coordination, with_coordination)
                                return

        return noun_link
