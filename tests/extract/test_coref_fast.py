"""The faster coreferee (quotetrack.extract.coref_fast) decides exactly what coreferee decides."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from quotetrack.extract import coref, coref_fast, coref_init, coref_scorer
from quotetrack.run.inputs import normalise_text
from tests.support.invariants import check_coref_speed, coref_decisions
from tests.support.strategies import news_text

HARD_CASES = (
    # coordination, "they" for a pair, a plural noun chain, "it" pleonastic and referring
    "Angela Merkel and Emmanuel Macron met in Paris. They said the talks went well. "
    "The two leaders agreed that it is important to act. The agreement, they said, was historic. "
    "It will be signed in May, according to the French president.",
    # the same surname twice, a company described as "the company", a reflexive
    "Apple sued Samsung on Monday. The company said it would defend itself. Tim Cook, who runs Apple, "
    "said he was confident. Cook told reporters: “We will win.” Samsung said it had not been served.",
    # quotes opened and not closed, and an appositive with "or"
    "The minister, or his deputy, will speak. “He said that he would come, she said. "
    "Maria Zakharova, the spokeswoman, said she had no comment. She added that it was too early.",
)


@pytest.fixture(scope="module")
def annotators(nlp):
    stock, error = coref.load_annotator(nlp, fast=False)
    fast, error_fast = coref.load_annotator(nlp)
    if stock is None or fast is None:
        pytest.skip(f"no coreferee model: {error or error_fast}")
    assert getattr(fast, "quotetrack_sped_up", False) and not getattr(stock, "quotetrack_sped_up", False)
    return stock, fast


def _both(nlp, annotators, text):
    stock, fast = annotators
    return check_coref_speed(nlp, stock, fast, text)


def test_same_chains_and_rankings_on_the_seed_articles(nlp, annotators, seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = normalise_text(path.read_text(encoding="utf-8"))
        chains, _ = _both(nlp, annotators, text)
        assert chains, f"{path.name}: no chains at all, so the comparison proves nothing"


@pytest.mark.parametrize("text", HARD_CASES)
def test_same_chains_and_rankings_on_hard_constructions(nlp, annotators, text):
    _, ranked = _both(nlp, annotators, text)
    assert ranked, "no anaphor was ranked, so the scorer was not exercised"


def test_answers_are_kept_per_document(nlp, annotators):
    # The rule tables belong to the document being annotated: a second document, and the
    # first one again, must not see the other's answers.
    stock, fast = annotators
    first, second = HARD_CASES[0], HARD_CASES[1]
    expected = [_both(nlp, annotators, t) for t in (first, second)]
    with nlp.select_pipes(disable=["quotetrack"]):
        docs = [nlp(t) for t in (first, second, first)]
    for doc in docs:
        coref_fast.annotate(fast, doc)
    assert [coref_decisions(d) for d in docs] == [expected[0], expected[1], expected[0]]


@given(news_text())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_same_decisions_on_generated_news_text(nlp, annotators, text):
    _both(nlp, annotators, text)


def test_the_stock_annotate_entry_point_still_works_when_sped_up(nlp, annotators):
    # coreferee's own pipe calls annotator.annotate(doc) (initialize and clean-up included).
    stock, fast = annotators
    with nlp.select_pipes(disable=["quotetrack"]):
        a, b = nlp(HARD_CASES[1]), nlp(HARD_CASES[1])
    stock.annotate(a)
    fast.annotate(b)
    assert [[m.token_indexes for m in c] for c in a._.coref_chains] == [[m.token_indexes for m in c] for c in b._.coref_chains]


def test_each_map_equals_coreferees_own(nlp, annotators, seeds_dir):
    """Feature, position and pair maps, recomputed, equal coreferee's functions for every token and candidate."""
    from coreferee.data_model import Mention

    stock, _ = annotators
    analyzer = stock.tendencies_analyzer
    features = coref_scorer.FeatureMaps(analyzer)
    texts = [normalise_text(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    checked = 0
    for text in [*texts, *HARD_CASES]:
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        stock.rules_analyzer.initialize(doc)
        positions = coref_scorer.Positions(stock.rules_analyzer, doc)
        pairs = coref_scorer.PairFacts(analyzer, doc)
        for token in doc:
            assert features.of(doc, token.i) == analyzer.get_feature_map(token, doc)
            assert positions.map(token.i, False) == analyzer.get_position_map(token, doc)
            for mention in getattr(token._.coref_chains, "temp_potential_referreds", ()):
                fresh = Mention(doc[mention.root_index], len(mention.token_indexes) > 1)
                key = tuple(fresh.token_indexes)
                assert features.of(doc, key[0], key[1:]) == analyzer.get_feature_map(fresh, doc)
                assert positions.map(key[0], len(key) > 1) == analyzer.get_position_map(fresh, doc)
                ours = pairs.compatibility(fresh.root_index, token.i)
                theirs = analyzer.get_compatibility_map(fresh, token)
                assert ours[:4] == theirs[:4]  # the fifth (shared features) is counted per batch
                checked += 1
    assert checked > 100


def test_the_rules_analyzer_built_faster_is_coreferees_own(monkeypatch):
    """Built from the same files into the same class: every word list equal, in the same order."""
    from types import SimpleNamespace

    from coreferee import rules

    monkeypatch.setattr(rules, "language_to_rules", {})  # coreferee builds a new one, as it does at start
    stock = rules.RulesAnalyzerFactory.get_rules_analyzer(SimpleNamespace(meta={"lang": "en"}))
    mine = coref_fast.rules_analyzer("en")
    assert type(mine) is type(stock)
    assert vars(mine) == vars(stock) and len(mine.exclusively_male_names) > 1000
    coref_fast.register_rules_analyzer("en")  # one is there already: kept
    assert rules.language_to_rules["en"] is stock
    monkeypatch.setattr(rules, "language_to_rules", {})
    coref_fast.register_rules_analyzer("en")
    assert vars(rules.language_to_rules["en"]) == vars(stock)


def test_the_english_pair_test_answers_as_coreferees_own(nlp, annotators, seeds_dir):
    """Every anaphor against every mention of its window, both ways coreferee asks (directly or as
    a chain member), simple and coordinated: the table-reading test gives coreferee's answer."""
    from coreferee.data_model import Mention

    stock, fast = annotators
    ours, theirs = fast.rules_analyzer, stock.rules_analyzer
    texts = [normalise_text(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    answers: dict[int, int] = {}
    for text in [*texts, *HARD_CASES]:
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        coref_init.initialize(ours, doc)
        anaphors = [t for t in doc if ours.is_potential_anaphor(t)]
        mentions = [Mention(t, sibling) for t in doc for sibling in (False, True)
                    if ours.is_independent_noun(t) or ours.is_potential_anaphor(t)]
        for anaphor in anaphors:
            for mention in mentions:
                if mention.root_index == anaphor.i:
                    continue
                for directly in (True, False):
                    expected = type(theirs).is_potential_anaphoric_pair(ours, mention, anaphor, directly)
                    assert ours.is_potential_anaphoric_pair(mention, anaphor, directly) == expected, (
                        text[:40], mention.token_indexes, anaphor.i, directly)
                    answers[expected] = answers.get(expected, 0) + 1
    assert all(answers.get(k, 0) > 50 for k in (0, 1, 2)), answers  # every answer was exercised


def test_each_token_holds_its_own_chain_holder_however_spacy_keys_it(nlp, monkeypatch):
    """initialize stores the holders in doc.user_data itself; were spaCy to key extension values
    another way, the holders are set through token._ instead, and nothing is left behind."""
    from spacy.tokens.underscore import Underscore

    with nlp.select_pipes(disable=["quotetrack"]):
        doc, other = nlp(HARD_CASES[1]), nlp(HARD_CASES[1])
    holders: list = []
    coref_init.initialize(coref_fast.rules_analyzer("en"), doc, holders)
    assert len(holders) == len(doc) and len({id(h) for h in holders}) == len(doc)
    assert all(t._.coref_chains is holders[t.i] for t in doc)

    monkeypatch.setattr(Underscore, "_get_key", lambda self, name: ("moved", name, self._start, self._end))
    holders = []
    coref_init.initialize(coref_fast.rules_analyzer("en"), other, holders)
    assert all(t._.coref_chains is holders[t.i] for t in other)
    assert not [k for k in other.user_data if k[0] == "._." and k[1] == "coref_chains"]


def test_the_english_siblings_are_coreferees_own(nlp, annotators, seeds_dir):
    """Every token's dependent siblings and "or" mark, read from the arrays, as coreferee's English
    get_dependent_siblings finds them walking the tokens."""
    from coreferee.data_model import ChainHolder

    stock, _ = annotators
    rules = stock.rules_analyzer
    texts = [normalise_text(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]
    coordinated = marked = 0
    for text in [*texts, *HARD_CASES, "Tom or Mary and Sue, or else Bob and Ann, met Lee and Kim or Jo."]:
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        ours = [ChainHolder() for _ in doc]
        found = coref_init._english_siblings(rules, doc, ours)
        for token in doc:
            token._.coref_chains = ChainHolder()
        for (i, siblings), token in zip(found, doc):
            assert i == token.i
            assert [t.i for t in siblings] == [t.i for t in rules.get_dependent_siblings(token)], (text[:40], i)
            assert ours[i].temp_has_or_coordination == token._.coref_chains.temp_has_or_coordination, (text[:40], i)
            coordinated += bool(siblings)
            marked += ours[i].temp_has_or_coordination
    assert coordinated > 50 and marked > 3, (coordinated, marked)
