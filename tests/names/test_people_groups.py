"""The indexed grouping of a surname bucket gives exactly what the plain greedy loop gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.names import parse_person
from quotetrack.names.grouping import greedy_group
from quotetrack.names.people_groups import group_people
from quotetrack.names.person import persons_compatible

# Given names, initials, Arabic names in several spellings, middle names and suffixes: every
# branch of given-name agreement, around a few surnames that share buckets.
GIVEN = ["George", "G.", "George W.", "George H. W.", "Jeb", "J.", "John", "John Ellis", "Barbara", "B.", "",
         "Sergey", "Sergei", "S.", "Yulia", "Iulia", "Mohammed", "Muhammad", "Mohamed", "M.", "Hafez", "Hafiz",
         "Bashar", "Bashar Hafez", "Abdel Fattah", "Abd al-Fattah", "Jens", "J. K.", "Kim"]
SURNAMES = ["Bush", "Busch", "al-Assad", "Assad", "el-Asad", "Lavrov", "Lavrova", "Skripal", "Stoltenberg", "Kadyrov"]
SUFFIXES = ["", "", "", " Jr.", " Sr.", " III"]

name = st.builds(lambda g, s, x: f"{g} {s}{x}".strip(), st.sampled_from(GIVEN), st.sampled_from(SURNAMES),
                 st.sampled_from(SUFFIXES))


@settings(max_examples=400, deadline=None)
@given(names=st.lists(name, min_size=1, max_size=40), forbid=st.sets(st.tuples(st.integers(0, 39), st.integers(0, 39))))
def test_indexed_grouping_equals_the_plain_greedy_loop(names, forbid):
    items = [p for p in (parse_person(n) for n in names) if p is not None]

    def blocked(i, members):
        return any((i, m) in forbid or (m, i) in forbid for m in members)

    for veto in (None, blocked):
        fast, plain = group_people(items, veto), greedy_group(items, persons_compatible, veto)
        assert (fast.groups, fast.group_of, fast.ambiguous) == (plain.groups, plain.group_of, plain.ambiguous)


def test_a_bucket_of_a_thousand_names_groups_like_the_plain_loop():
    """A common surname in a large archive: many given names, initials and middle names."""
    import random

    rng = random.Random(4)
    given = ("Ann Ben Carla Dmitri Elena Farid Grace Hiro Ines Jens Kofi Lena Marta Nils Olga Pavel Quinn Rosa "
             "Sergey Tomas Uma Viktor Wen Yara Adam Bella Chris Dana Emil Fiona Gus Hana Ivan Jon Kai Lia").split()
    given += [a + b for a in ("Mar", "Tor", "El", "Kas", "Vin", "Ros") for b in ("ina", "en", "o", "ek", "ia")]
    names = sorted({f"{rng.choice(given)}{rng.choice(['', ' A.', ' B.', ' C. D.', ' Maria', ' E.', ' R.', ' Lou'])} Lee"
                    f"{rng.choice(['', ' Jr.', ' Sr.', ' III'])}" for _ in range(6000)}
                   | {"Lee", "A. Lee", "B. Lee", "J. Lee", "Ann Lee", "Jon Lee Jr.", "Xavier Lee", "X. Lee"})
    items = [parse_person(n) for n in names]
    assert len(items) > 1000
    fast, plain = group_people(items), greedy_group(items, persons_compatible)
    assert (fast.groups, fast.ambiguous) == (plain.groups, plain.ambiguous)
    assert any(len(g) > 1 for g in fast.groups) and fast.ambiguous  # "Lee" and the initials could be several
