"""Speaker-name normalisation: one rule per test, with names chosen to break it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quotetrack.names import (
    NameOccurrence,
    Normaliser,
    Overrides,
    SpeakerCluster,
    acronym_definitions,
    fold,
    guess_kind,
    load_overrides,
    parse_person,
    resolve_in_document,
    speaker_id_for,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def same(a: str, b: str, kind: str = "person") -> bool:
    return Normaliser().same_entity(a, b, kind)


def clusters_of(names_by_doc: dict[str, list[str]], overrides: Overrides | None = None, kind=None):
    occs = [NameOccurrence(n, kind or guess_kind(n), doc) for doc, names in names_by_doc.items() for n in names]
    return Normaliser(overrides).cluster(occs)


def cluster_with(clusters: list[SpeakerCluster], alias: str) -> SpeakerCluster:
    found = [c for c in clusters if alias in c.aliases]
    assert len(found) == 1, (alias, found)
    return found[0]


# -- transliteration families ------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b",
    [
        ("Sergey Lavrov", "Sergei Lavrov"),  # -ey/-ei
        ("Sergei Lavrov", "Serguei Lavrov"),  # French gu
        ("Sergueï Lavrov", "Sergej Lawrow"),  # diaeresis; German j, -ow
        ("Valeri Guerasimov", "Valery Gerasimov"),  # -i/-y, gu/g
        ("Valeriy Gerasimov", "Waleri Gerassimow"),  # -iy, German w and ss
        ("Iulia Skripal", "Yulia Skripal"),  # iu/yu
        ("Julia Skripal", "Yuliya Skripal"),  # j/y, -iya
        ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),  # -skyy/-sky
        ("Volodymyr Zelenskiy", "Wolodymyr Selenskyj"),  # -skiy, German S and -yj
        ("Mikhail Gorbachev", "Michail Gorbatschow"),  # kh / German ch, tsch
        ("Nikita Khrushchev", "Nikita Khrouchtchev"),  # French chtch, ou
        ("Sergei Shoigu", "Sergueï Choïgou"),  # French ch, ou
        ("Yulia Tymoshenko", "Yulia Timoshenko"),  # y/i
        ("Petro Poroshenko", "Petro Porochenko"),  # French ch = sh in a Slavic surname
        ("Yevgeny Prigozhin", "Jewgeni Prigoschin"),  # German j, sch = zh
        ("Vladimir Putin", "Vladimir Poutine"),  # French ou, -ine
        ("Alexei Navalny", "Aleksey Navalnyy"),  # x/ks, -y/-yy
        ("Volodymyr Zelensky", "Vladimir Zelensky"),  # Ukrainian / Russian given name
    ],
)
def test_transliteration_variants_merge(a, b):
    assert same(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Muammar Gaddafi", "Muammar Qaddafi"),  # q/g
        ("Muammar Gaddafi", "Mouammar Kadhafi"),  # k, dh
        ("Moammar Gadhafi", "Muammar Khadafy"),  # kh, -y
        ("Bashar al-Assad", "Bashar Assad"),  # al-
        ("Bashar el-Assad", "Bachar al-Assad"),  # el-, French ch
        ("Abdel Fattah el-Sisi", "Abd al-Fattah al-Sisi"),  # Abdel = Abd al
        ("Abdel-Fattah al-Sisi", "Abdelfattah el-Sissi"),
        ("Sadegh Larijani", "Sadeq Larijani"),  # gh/q
        ("Hafez al-Assad", "Hafiz al-Assad"),  # e written for i
        ("Osama bin Laden", "Usama bin Ladin"),  # o/u, e/i
        ("Oussama Ben Laden", "Osama bin Laden"),  # French ou, ben/bin
        ("Mohammed bin Salman", "Muhammad bin Salman"),
        ("Ismail Haniyeh", "Ismail Haniya"),  # final -eh/-a
        ("Hassan Nasrallah", "Hassan Nasrullah"),
    ],
)
def test_arabic_variants_merge(a, b):
    assert same(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Kim Jong-un", "Kim Jong Un"),
        ("Kim Jong Un", "Kim Jongun"),
        ("Kim Jong-un", "North Korean leader Kim Jong Un"),
        ("Moon Jae-in", "Moon Jaein"),
        ("Park Chung-hee", "Park Chung Hee"),
        ("Xi Jinping", "Xi Jin-ping"),
    ],
)
def test_east_asian_hyphen_and_space_merge(a, b):
    assert same(a, b)


def test_east_asian_family_name_is_the_first_word():
    p = parse_person("Kim Jong Un")
    assert p.family == parse_person("Kim").family
    assert same("Xi", "Xi Jinping")


@pytest.mark.parametrize(
    "a, b",
    [("José Manuel Barroso", "Jose Manuel Barroso"), ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
     ("Lech Wałęsa", "Lech Walesa"), ("Gerhard Schröder", "Gerhard Schroeder"), ("Shinzō Abe", "Shinzo Abe")],
)
def test_diacritics_fold(a, b):
    assert same(a, b)


# -- structure: titles, initials, middle names, suffixes, possessives ----------------------

@pytest.mark.parametrize(
    "raw, display",
    [
        ("Russian Foreign Minister Sergey Lavrov", "Sergey Lavrov"),
        ("Russia's Foreign Minister Sergey Lavrov", "Sergey Lavrov"),
        ("Secretary-General Jens Stoltenberg", "Jens Stoltenberg"),
        ("Alliance Secretary General Jens Stoltenberg", "Jens Stoltenberg"),
        ("US General Tod Wolters", "Tod Wolters"),
        ("Russian Chief of Staff Valeri Guerasimov", "Valeri Guerasimov"),
        ("U.S. State Department Spokesman Ned Price", "Ned Price"),
        ("Mr Lavrov", "Lavrov"),
        ("Dr. Anthony Fauci", "Anthony Fauci"),
        ("Lavrov's", "Lavrov"),
        ("Lavrov´s", "Lavrov"),
        ("Lavrov’s", "Lavrov"),
        ("Lavrov, Sergei", "Sergei Lavrov"),
        ("Jens Stoltenberg, NATO Secretary General", "Jens Stoltenberg"),
        ("Martin Luther King, Jr.", "Martin Luther King Jr."),
        ("Eddie House", "Eddie House"),  # a role word that is part of the name stays
        ("John Major", "John Major"),
    ],
)
def test_titles_and_possessives_are_stripped(raw, display):
    assert parse_person(raw).display == display


def test_a_role_without_a_name_is_not_a_person():
    assert parse_person("the Russian foreign minister") is None
    assert guess_kind("the Russian foreign minister") == "other"
    assert guess_kind("a spokeswoman for the Alliance") == "other"


def test_initials_match_the_full_given_name_only():
    assert same("J. Stoltenberg", "Jens Stoltenberg")
    assert not same("T. Stoltenberg", "Jens Stoltenberg")
    assert same("S. Skripal", "Sergei Skripal")
    assert not same("S. Skripal", "Yulia Skripal")
    assert same("J. M. Barroso", "José Manuel Barroso")


def test_middle_names_must_agree_when_both_are_given():
    assert same("Vladimir Vladimirovich Putin", "Vladimir Putin")
    assert same("George W. Bush", "George Walker Bush")
    assert not same("George W. Bush", "George H. W. Bush")


def test_suffixes_keep_father_and_son_apart():
    assert same("Martin Luther King Jr.", "Martin Luther King Jnr")
    assert not same("Martin Luther King Jr.", "Martin Luther King Sr.")
    assert not same("Donald Trump", "Donald Trump Jr.")


def test_known_nicknames_only():
    assert same("Bill Clinton", "William Clinton")
    assert same("Tony Blinken", "Antony Blinken")
    assert not same("Bill Clinton", "Hillary Clinton")


# -- different people never merge ----------------------------------------------------------

@pytest.mark.parametrize(
    "a, b",
    [
        ("Sergei Lavrov", "Sergei Skripal"),  # shared given name (Jaro-Winkler 0.88)
        ("Sergei Skripal", "Yulia Skripal"),  # father and daughter
        ("Kim Jong-un", "Kim Jong-il"),  # father and son, one syllable apart
        ("Kim Jong-un", "Kim Yo-jong"),  # siblings
        ("Hafez al-Assad", "Bashar al-Assad"),  # father and son
        ("Mahmoud Abbas", "Mohammed Abbas"),  # two Arabic given names alike
        ("Ali Khamenei", "Ruhollah Khomeini"),
        ("Khamenei", "Khomeini"),  # bare surnames, vowels differ
        ("John Kerry", "John Kelly"),  # surnames one letter class apart
        ("Tom Price", "Tom Rice"),  # surnames one letter apart
        ("Lavrov", "Lavrova"),  # -ov / -ova: a different person
        ("Akhmad Kadyrov", "Ramzan Kadyrov"),
        ("Alexander Lukashenko", "Alexandra Lukashenko"),  # gender forms of one name
        ("Vitali Klitschko", "Wladimir Klitschko"),  # brothers
        ("Ron Paul", "Rand Paul"),
        ("Hamid Karzai", "Hamad Karzai"),  # Arabic vowel classes still count
    ],
)
def test_different_people_never_merge(a, b):
    assert not same(a, b)


def test_jaro_winkler_trap_from_the_issue():
    clusters = clusters_of({"d1": ["Sergei Lavrov"], "d2": ["Sergei Skripal"], "d3": ["Iulia Skripal"], "d4": ["Yulia Skripal"]})
    assert cluster_with(clusters, "Sergei Lavrov").id != cluster_with(clusters, "Sergei Skripal").id
    assert cluster_with(clusters, "Iulia Skripal").id == cluster_with(clusters, "Yulia Skripal").id
    assert cluster_with(clusters, "Yulia Skripal").id != cluster_with(clusters, "Sergei Skripal").id


def test_less_complete_name_does_not_chain_father_and_son():
    """``George Bush`` fits both Bushes: it must not bridge them, and is flagged."""
    clusters = clusters_of({"a": ["George W. Bush"], "b": ["George H. W. Bush"], "c": ["George Bush"]})
    assert len({c.id for c in clusters}) == 3
    vague = cluster_with(clusters, "George Bush")
    assert "ambiguous" in vague.flags
    assert {f for f in vague.flags if f.startswith("maybe:")} == {
        "maybe:" + cluster_with(clusters, "George W. Bush").id,
        "maybe:" + cluster_with(clusters, "George H. W. Bush").id,
    }


# -- within an article ---------------------------------------------------------------------

def test_surname_resolves_to_the_unique_full_name_in_the_article():
    m = resolve_in_document(["Russian Foreign Minister Sergey Lavrov", "Lavrov", "Lavrov", "Jens Stoltenberg", "Stoltenberg"])
    assert m["Lavrov"] == "Russian Foreign Minister Sergey Lavrov"
    assert m["Stoltenberg"] == "Jens Stoltenberg"
    assert m["Jens Stoltenberg"] == "Jens Stoltenberg"


def test_surname_shared_by_two_people_in_the_article_is_left_unresolved():
    m = resolve_in_document(["Sergei Skripal", "Yulia Skripal", "Skripal", "Mr Skripal"])
    assert m["Skripal"] is None and m["Mr Skripal"] is None
    assert m["Sergei Skripal"] == "Sergei Skripal"


def test_initial_and_given_name_alone_resolve_when_unique():
    m = resolve_in_document(["Sergei Skripal", "Yulia Skripal", "S. Skripal", "Yulia"])
    assert m["S. Skripal"] == "Sergei Skripal"
    assert m["Yulia"] == "Yulia Skripal"


def test_lone_surname_tagged_as_organisation_joins_the_person():
    from quotetrack.names.document import resolve_mentions

    res = resolve_mentions({"Sergey Lavrov": 1, "Lavrov": 2}, {"Sergey Lavrov": "person", "Lavrov": "organization"})
    assert res["Lavrov"].kind == "person" and res["Lavrov"].target == "Sergey Lavrov"


def test_acronym_defined_in_the_article_joins_its_long_form():
    m = resolve_in_document(["North Atlantic Treaty Organisation (Nato)", "Nato", "Nato"], {})
    assert m["Nato"] == m["North Atlantic Treaty Organisation (Nato)"] == "Nato"


def test_resolution_does_not_depend_on_order():
    names = ["Sergei Skripal", "Yulia Skripal", "Skripal", "S. Skripal", "Sergey Lavrov", "Lavrov", "NATO", "Nato"]
    expected = resolve_in_document(names)
    for seed in range(5):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve_in_document(shuffled) == expected


# -- across the corpus ---------------------------------------------------------------------

def test_surname_alone_joins_the_unique_candidate_across_articles():
    clusters = clusters_of({"a": ["Sergey Lavrov"], "b": ["Lavrov"], "c": ["Maria Lavrova"], "d": ["Lavrova"]})
    assert cluster_with(clusters, "Lavrov").id == cluster_with(clusters, "Sergey Lavrov").id
    assert cluster_with(clusters, "Lavrova").id == cluster_with(clusters, "Maria Lavrova").id
    assert cluster_with(clusters, "Lavrov").id != cluster_with(clusters, "Lavrova").id


def test_surname_alone_with_two_candidates_is_flagged_not_guessed():
    clusters = clusters_of({"a": ["Sergei Skripal"], "b": ["Yulia Skripal"], "c": ["Skripal"]})
    skripal = cluster_with(clusters, "Skripal")
    assert skripal.aliases == ["Skripal"] and "ambiguous" in skripal.flags


def test_canonical_name_is_most_complete_then_most_frequent():
    occs = [
        NameOccurrence("Lavrov", "person", "a", 9),
        NameOccurrence("Sergei Lavrov", "person", "a", 2),
        NameOccurrence("Sergey Lavrov", "person", "b", 3),
        NameOccurrence("Foreign Minister Sergey Lavrov", "person", "c", 1),
    ]
    (c,) = Normaliser().cluster(occs)
    assert c.name == "Sergey Lavrov"
    assert c.aliases == ["Lavrov", "Sergei Lavrov", "Sergey Lavrov"]
    assert c.quote_count == 15 and c.documents == ["a", "b", "c"]


def test_cluster_output_does_not_depend_on_input_order():
    docs = {
        "a": ["Sergei Skripal", "Yulia Skripal", "Skripal", "Sergey Lavrov", "Lavrov"],
        "b": ["Iulia Skripal", "Skripal", "NATO", "George W. Bush", "George Bush"],
        "c": ["Sergei Lavrov", "Nato", "George H. W. Bush", "Kim Jong Un", "Kim Jong-il", "Kim"],
        "d": ["Valery Gerasimov", "Guerasimov", "North Atlantic Treaty Organisation", "Russia"],
    }
    occs = [NameOccurrence(n, guess_kind(n), d, 1 + i % 3) for d, ns in docs.items() for i, n in enumerate(ns)]
    expected = Normaliser().cluster(occs)
    for seed in range(8):
        shuffled = occs[:]
        random.Random(seed).shuffle(shuffled)
        assert Normaliser().cluster(shuffled) == expected


def test_ids_are_stable_and_derived_from_the_normalised_key():
    assert speaker_id_for("Sergey Lavrov", "person") == speaker_id_for("Sergei Lavrov", "person")
    assert speaker_id_for("Sergey Lavrov", "person") != speaker_id_for("Sergei Skripal", "person")
    assert speaker_id_for("NATO", "organization") == speaker_id_for("Nato", "organization")
    assert speaker_id_for("Nato", "organization") != speaker_id_for("Nato", "person")
    assert speaker_id_for("Sergey Lavrov", "person").startswith("sp_") and len(speaker_id_for("x", "other")) == 15
    small = clusters_of({"a": ["Sergey Lavrov"]})
    more = clusters_of({"a": ["Sergey Lavrov"], "b": ["Serguei Lavrov", "Sergei Skripal"], "c": ["Lavrov"]})
    assert small[0].id == cluster_with(more, "Serguei Lavrov").id == speaker_id_for("Sergey Lavrov", "person")


def test_ids_stay_distinct_when_keys_collide():
    clusters = clusters_of({"a": ["George W. Bush"], "b": ["George H. W. Bush"]})
    assert len({c.id for c in clusters}) == 2


# -- organisations -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b",
    [
        ("Nato", "NATO"),
        ("N.A.T.O.", "North Atlantic Treaty Organisation"),
        ("the North Atlantic Treaty Organization (NATO)", "NATO's"),
        ("the US State Department", "State Department"),
        ("U.S. State Department", "US Department of State"),
        ("Russian Foreign Ministry", "Ministry of Foreign Affairs of Russia"),
        ("Russian Defence Ministry", "Russia's Ministry of Defense"),
        ("Islamic State", "the Islamic State group"),
        ("Russia", "the Russian Federation"),
        ("the Kremlin", "Kremlin"),
    ],
)
def test_organisations_merge(a, b):
    assert same(a, b, "organization")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Russian Foreign Ministry", "Ukrainian Foreign Ministry"),
        ("World Health Organization", "World Trade Organization"),
        ("UN", "UN Security Council"),
        ("European Union", "European Commission"),
        ("FSB", "SVR"),
    ],
)
def test_different_organisations_stay_apart(a, b):
    assert not same(a, b, "organization")


def test_organisation_never_merges_with_a_person():
    clusters = clusters_of({"a": ["Jordan", "Jim Jordan", "Jordan"]}, kind=None)
    assert cluster_with(clusters, "Jordan").kind == "organization"
    assert cluster_with(clusters, "Jim Jordan").kind == "person"
    assert not Normaliser().same_entity("Nato", "Nato Smith", "person")


def test_bare_foreign_ministry_next_to_two_countries_is_ambiguous():
    clusters = clusters_of({"a": ["Russian Foreign Ministry"], "b": ["Ukrainian Foreign Ministry"], "c": ["Foreign Ministry"]},
                           kind="organization")
    assert "ambiguous" in cluster_with(clusters, "Foreign Ministry").flags


@pytest.mark.parametrize(
    "name, kind",
    [
        ("NATO", "organization"), ("Nato", "organization"), ("the US State Department", "organization"),
        ("Russia", "organization"), ("Moscow", "organization"), ("Sergey Lavrov", "person"), ("Lavrov", "person"),
        ("White House Spokesperson Jen Psaki", "person"), ("Kim Jong-un", "person"), ("he", "other"),
        ("officials", "other"),
    ],
)
def test_guess_kind(name, kind):
    assert guess_kind(name) == kind


def test_acronym_definitions():
    text = "Russia plans to cease its engagement with the North Atlantic Treaty Organisation (Nato), the minister said."
    assert acronym_definitions(text) == {"NATO": "North Atlantic Treaty Organisation"}
    assert acronym_definitions("the International Atomic Energy Agency (IAEA) and Lavrov (Russia)") == {
        "IAEA": "International Atomic Energy Agency"
    }


def test_acronym_from_text_extends_the_builtin_table():
    n = Normaliser(acronyms={"PJC": "Permanent Joint Council"})
    assert n.same_entity("PJC", "the Permanent Joint Council", "organization")
    assert not Normaliser().same_entity("PJC", "the Permanent Joint Council", "organization")


# -- overrides -----------------------------------------------------------------------------

def test_toml_overrides_force_and_forbid(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text(
        """
merge = [["Lavrov S.V.", "Sergey Lavrov"]]
forbid = [["Kim Jong Un", "Kim Jong-un"]]
split = ["Skripal"]
[rename]
"Sergey Lavrov" = "Sergei V. Lavrov"
""",
        encoding="utf-8",
    )
    ov = load_overrides(path)
    docs = {"a": ["Sergey Lavrov", "Sergei Lavrov"], "b": ["Lavrov S.V."], "c": ["Kim Jong Un"], "d": ["Kim Jong-un"],
            "e": ["Sergei Skripal"], "f": ["Skripal"]}
    clusters = clusters_of(docs, ov, kind="person")
    lavrov = cluster_with(clusters, "Lavrov S.V.")
    assert "Sergey Lavrov" in lavrov.aliases and lavrov.name == "Sergei V. Lavrov" and "merged" in lavrov.flags
    assert cluster_with(clusters, "Kim Jong Un").id != cluster_with(clusters, "Kim Jong-un").id
    assert cluster_with(clusters, "Skripal").id != cluster_with(clusters, "Sergei Skripal").id
    # without the file the rules decide the other way
    plain = clusters_of(docs, kind="person")
    assert cluster_with(plain, "Kim Jong Un").id == cluster_with(plain, "Kim Jong-un").id
    assert cluster_with(plain, "Skripal").id == cluster_with(plain, "Sergei Skripal").id


def test_forbid_overrides_in_article_resolution():
    ov = Overrides(forbids=[("Lavrov", "Sergey Lavrov")])
    clusters = clusters_of({"a": ["Sergey Lavrov", "Lavrov"]}, ov, kind="person")
    assert cluster_with(clusters, "Lavrov").id != cluster_with(clusters, "Sergey Lavrov").id


def test_forced_merge_never_breaks_a_forbid():
    ov = Overrides(merges=[("Sergei Skripal", "Skripal"), ("Skripal", "Yulia Skripal")],
                   forbids=[("Sergei Skripal", "Yulia Skripal")])
    clusters = clusters_of({"a": ["Sergei Skripal"], "b": ["Yulia Skripal"], "c": ["Skripal"]}, ov, kind="person")
    assert cluster_with(clusters, "Sergei Skripal").id != cluster_with(clusters, "Yulia Skripal").id
    assert any("override-conflict" in c.flags for c in clusters)


@pytest.mark.parametrize(
    "text, message",
    [
        ("merge = [[\"Only One\"]]", "merge[0]: expected a list of at least 2 names"),
        ("forbid = \"A B\"", "'forbid' must be a list of name lists"),
        ("splits = [\"A\"]", "unknown key(s) splits"),
        ("[rename]\n\"A\" = 3", "rename['A']: the new name must be a non-empty string"),
        ("merge = [[\"A\", \"B\"]]\nforbid = [[\"b\", \"a\"]]", "both merged and forbidden"),
        ("merge = [[", "not valid TOML"),
    ],
)
def test_bad_overrides_file_names_file_and_entry(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_overrides(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_overrides_round_trip_through_toml(tmp_path):
    ov = Overrides(merges=[("A \"x\" B", "B")], forbids=[("C", "D")], renames={"A": "Z"}, splits=["E"])
    path = tmp_path / "o.toml"
    path.write_text(ov.to_toml(), encoding="utf-8")
    assert load_overrides(path) == ov


def test_fold_is_surface_identity():
    assert fold("Lavrov’s") == fold("lavrov") == "lavrov"
    assert fold("Erdoğan") == "erdogan"
    assert fold("Sergey Lavrov") != fold("Sergei Lavrov")


# -- the seeds -----------------------------------------------------------------------------

SEED_SPEAKERS = {
    "000_24cfb4b393fa9714": ["Russia’s Foreign Minister Sergey Lavrov", "Lavrov", "Lavrov", "Lavrov", "NATO",
                             "Secretary-General Jens Stoltenberg", "Ned Price", "Jen Psaki"],
    "001_c2473ebdf76ce4f4": ["Russian Foreign Minister Sergey Lavrov", "Lavrov", "Lavrov", "NATO", "Oana Lungescu",
                             "Alliance Secretary General Jens Stoltenberg", "Sergei Skripal", "Iulia",
                             "Russian Chief of Staff Valeri Guerasimov", "Guerasimov", "US General Tod Wolters"],
    "002_361d358f14dbc6a8": ["North Atlantic Treaty Organisation (Nato)", "Sergey Lavrov", "Oana Lungescu", "Lavrov",
                             "Nato", "Lavrov"],
    "003_5e3ab957e0b508dd": ["Foreign Minister Sergei Lavrov", "Lavrov", "Lavrov", "NATO",
                             "NATO Secretary General Jens Stoltenberg", "Stoltenberg", "Sergei Skripal"],
    "004_e47f8fd8b3a91b16": ["Russian Foreign Minister Sergei Lavrov", "Lavrov", "NATO", "North Atlantic Alliance"],
}


def test_seed_names_are_taken_from_the_seed_texts():
    for doc, names in SEED_SPEAKERS.items():
        text = (SEEDS / f"{doc}.txt").read_text(encoding="utf-8")
        for name in names:
            assert name in text, (doc, name)


def test_seeds_give_one_id_per_entity():
    occs = [NameOccurrence(n, guess_kind(n), doc) for doc, names in SEED_SPEAKERS.items() for n in names]
    occs += [NameOccurrence("Valery Gerasimov", "person", "extra"), NameOccurrence("Yulia Skripal", "person", "extra2"),
             NameOccurrence("Iulia Skripal", "person", "extra3")]
    clusters = Normaliser().cluster(occs)
    ids = lambda *aliases: {cluster_with(clusters, a).id for a in aliases}  # noqa: E731
    assert len(ids("Sergey Lavrov", "Sergei Lavrov", "Lavrov")) == 1
    assert len(ids("Jens Stoltenberg", "Stoltenberg")) == 1
    assert len(ids("Oana Lungescu")) == 1 and cluster_with(clusters, "Oana Lungescu").documents == [
        "001_c2473ebdf76ce4f4", "002_361d358f14dbc6a8"]
    assert len(ids("NATO", "Nato", "North Atlantic Treaty Organisation", "North Atlantic Alliance")) == 1
    assert len(ids("Valeri Guerasimov", "Valery Gerasimov", "Guerasimov")) == 1
    assert len(ids("Iulia Skripal", "Yulia Skripal")) == 1
    assert cluster_with(clusters, "Sergei Skripal").id not in ids("Sergei Lavrov", "Yulia Skripal")
    lavrov = cluster_with(clusters, "Lavrov")
    assert lavrov.name == "Sergey Lavrov" and lavrov.kind == "person"
    assert len([c for c in clusters if c.kind == "person" and "Lavrov" in c.name]) == 1


def test_two_ambiguous_clusters_of_one_surname_get_different_ids():
    # In one article "Clinton" could be Hillary or Chelsea; in another, a bare "Clinton" the
    # grouping cannot place. Two clusters named "Clinton": storing them needs two ids
    # (found on 200 PolNeAR articles, where the speakers table rejected the duplicate).
    a, b = "chelsea-clinton-husband", "sanders-wins-minnesota"
    clusters = Normaliser(Overrides()).cluster([
        NameOccurrence("Chelsea Clinton", "person", a, 2),
        NameOccurrence("Clinton", "person", a, 1),
        NameOccurrence("Hillary Clinton", "person", a, 3),
        NameOccurrence("Clinton", "person", b, 5),
    ])
    bare = [c for c in clusters if c.name == "Clinton"]
    assert len(bare) == 2
    ids = [c.id for c in clusters]
    assert len(set(ids)) == len(ids)


# -- roles before a name, whatever the role word (issue 13) -------------------------------

@pytest.mark.parametrize(
    "raw, display",
    [
        ("Striker João Silva", "João Silva"),
        ("Midfielder Luca Bianchi", "Luca Bianchi"),
        ("Goalkeeper Mark Hughes", "Mark Hughes"),
        ("Rapper Kanye West", "Kanye West"),
        ("Economist Paul Krugman", "Paul Krugman"),
        ("Politician Jane Okafor", "Jane Okafor"),
        ("Businesswoman Meg Whitman", "Meg Whitman"),
        ("Lawmaker Jane Okafor", "Jane Okafor"),
    ],
)
def test_any_role_word_comes_off_a_name(raw, display):
    assert parse_person(raw).display == display
    assert same(raw, display)


@pytest.mark.parametrize(
    "name",
    ["Hunter Biden", "Tucker Carlson", "Carter Page", "Paul Singer", "Herman Cain", "Christopher Steele", "Walter Scott Smith"],
)
def test_given_names_that_look_like_roles_stay(name):
    assert parse_person(name).display == name


def test_role_words_by_list_and_by_ending():
    from quotetrack.names.person import is_role_word

    assert all(is_role_word(w) for w in ["Coach", "Striker", "Midfielder", "Outfielder", "Economist", "Physician", "Gov."])
    assert not any(is_role_word(w) for w in ["Christ", "Ernst", "Hunter", "Tucker", "Walter", "Silva"])
