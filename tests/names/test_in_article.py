"""Spelling variants inside one article merge exactly as across articles; relatives never do."""

from __future__ import annotations

import itertools

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack import cli
from quotetrack.names import NameOccurrence, Normaliser, resolve_in_document

# (first spelling, second spelling): one person each, as wire copy mixes them within a story
VARIANTS = [
    ("Sergey Lavrov", "Sergei Lavrov"),
    ("Valery Gerasimov", "General Valeri Guerasimov"),
    ("Alexei Navalny", "Alexey Navalny"),
    ("Yulia Tymoshenko", "Iulia Tymoshenko"),
]
RELATIVES = [("Kim Jong-il", "Kim Jong-un"), ("Bill Clinton", "Hillary Clinton"), ("Sergei Skripal", "Yulia Skripal")]


@pytest.mark.parametrize("a, b", VARIANTS)
def test_variant_spellings_stand_for_one_name_in_the_article(a, b):
    mapping = resolve_in_document([a, a, b])
    assert mapping[a] == mapping[b] is not None


@pytest.mark.parametrize("a, b", VARIANTS)
def test_variant_spellings_in_one_article_are_one_speaker(a, b):
    clusters = Normaliser().cluster([NameOccurrence(a, "person", "story"), NameOccurrence(b, "person", "story")])
    assert len(clusters) == 1


@pytest.mark.parametrize("a, b", RELATIVES)
def test_relatives_stay_apart_in_one_article(a, b):
    mapping = resolve_in_document([a, b])
    assert mapping[a] == a and mapping[b] == b
    clusters = Normaliser().cluster([NameOccurrence(a, "person", "story"), NameOccurrence(b, "person", "story")])
    assert len(clusters) == 2


# bare full names: a speaker lists each among its aliases as it is written here
FULL_NAMES = [n.removeprefix("General ") for pair in VARIANTS + RELATIVES for n in pair] + [
    "Aleksei Navalny", "Yuliya Tymoshenko", "Julia Skripal", "Hillary Rodham Clinton", "George W. Bush",
    "George H. W. Bush", "Mikhail Gorbachev", "Michail Gorbatschow", "Volodymyr Zelensky", "Wolodymyr Selenskyj",
]
OTHER_MENTIONS = ["Navalny", "Skripal", "Clinton", "Bush", "Yulia", "Lavrov", "Kim", "Zelensky"]


def _merged_full_names(occurrences: list[NameOccurrence]) -> set[frozenset[str]]:
    where: dict[str, set[str]] = {}
    for c in Normaliser().cluster(occurrences):
        for alias in c.aliases:
            where.setdefault(alias, set()).add(c.id)
    names = sorted({o.name for o in occurrences if o.name in FULL_NAMES})
    return {frozenset((a, b)) for a, b in itertools.combinations(names, 2) if where[a] & where[b]}


@settings(max_examples=300)
@given(
    full=st.lists(st.sampled_from(FULL_NAMES), min_size=2, max_size=6, unique=True),
    others=st.lists(st.sampled_from(OTHER_MENTIONS), max_size=2, unique=True),
    moved=st.lists(st.booleans(), min_size=6, max_size=6),
    counts=st.lists(st.integers(1, 3), min_size=8, max_size=8),
)
def test_moving_full_names_to_another_article_never_changes_what_merges(full, others, moved, counts):
    """One rule in and across articles: which full names are one person does not depend on
    whether they were written in one article or two (the other mentions stay in the first)."""
    names = full + others
    one = [NameOccurrence(n, "person", "first", c) for n, c in zip(names, counts)]
    two = [NameOccurrence(o.name, o.kind, "second" if o.name in full and moved[full.index(o.name)] else "first", o.count)
           for o in one]
    assert _merged_full_names(one) == _merged_full_names(two)


# -- end to end: one article each, as a new user writes them ------------------------------------


@pytest.fixture()
def extract(tmp_path, nlp, monkeypatch):
    """``quotetrack extract`` in-process with the session's pipeline; returns the export."""
    import quotetrack.models

    monkeypatch.setattr(quotetrack.models, "load", lambda *a, **k: nlp)
    monkeypatch.chdir(tmp_path)

    def run(articles: dict[str, str]) -> dict:
        folder = tmp_path / "in"
        folder.mkdir()
        for name, text in articles.items():
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        with pytest.raises(SystemExit) as done:
            cli.main(["extract", str(folder), "-o", "out.json", "--db", "q.db"])
        assert done.value.code in (0, None)
        return orjson.loads((tmp_path / "out.json").read_bytes())

    return run


def _ids_by_article(export: dict) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for q in export["quotes"]:
        out.setdefault(q["doc_id"], []).append(q["speaker"]["id"])
    return out


def test_each_article_with_two_spellings_gives_its_person_one_id(extract):
    articles = {
        f"story{k}": f"{a} said on Monday that the talks had failed.\n\n{b} said he would return next week.\n"
        for k, (a, b) in enumerate(VARIANTS)
    }
    ids = _ids_by_article(extract(articles))
    for k in range(len(VARIANTS)):
        assert len(ids[f"story{k}"]) == 2 and ids[f"story{k}"][0] is not None, (VARIANTS[k], ids)
        assert len(set(ids[f"story{k}"])) == 1, (VARIANTS[k], ids)


def test_relatives_quoted_in_one_article_keep_their_own_ids(extract):
    articles = {f"family{k}": f"“It is our duty,” {a} said.\n\n“We disagree,” {b} said.\n" for k, (a, b) in enumerate(RELATIVES)}
    ids = _ids_by_article(extract(articles))
    for k in range(len(RELATIVES)):
        assert len(ids[f"family{k}"]) == 2 and None not in ids[f"family{k}"], (RELATIVES[k], ids)
        assert len(set(ids[f"family{k}"])) == 2, (RELATIVES[k], ids)
