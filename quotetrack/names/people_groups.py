"""The greedy grouping of one surname bucket, without trying groups a name cannot join.

:func:`group_people` returns exactly what ``grouping.greedy_group(items,
persons_compatible, blocked)`` returns (tested on generated buckets). The
plain loop tries every earlier group for every name, which is quadratic: a
common surname in a large archive holds a thousand or more distinct names,
and grouping its bucket again (a new name in it) took seconds.

A name can join a group only if it is compatible with the group's first
member, and compatibility needs the same generational suffix and agreeing
given names: a full given name agrees with the same given-name class (or,
when both are Arabic names, a looser class), with an initial of the same
letter class, or with no given name. So the groups are indexed by their
first member's suffix and given name, and each name looks only at the
groups it could agree with, in the order the plain loop would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .grouping import Grouping
from .person import PersonName, persons_compatible


def _order(items: Sequence[PersonName]) -> list[int]:
    return sorted(range(len(items)), key=lambda i: (tuple(-s for s in items[i].specificity), items[i].exact_key, i))


class _GroupIndex:
    """Groups by what their first member's given name is, per suffix."""

    def __init__(self) -> None:
        self.any: dict[str, list[int]] = defaultdict(list)  # every group
        self.no_given: dict[str, list[int]] = defaultdict(list)  # first member has no given name
        self.initial1: dict[tuple[str, str], list[int]] = defaultdict(list)  # first member: an initial
        self.initial2: dict[tuple[str, str], list[int]] = defaultdict(list)  # first member: a full given name
        self.given: dict[tuple[str, str], list[int]] = defaultdict(list)  # ... by its class
        self.arabic: dict[str, list[int]] = defaultdict(list)  # ... when it is an Arabic name

    def add(self, g: int, first: PersonName) -> None:
        s = first.suffix
        self.any[s].append(g)
        if first.given_level == 0:
            self.no_given[s].append(g)
        elif first.given_level == 1:
            self.initial1[(s, first.initial)].append(g)
        else:
            self.initial2[(s, first.initial)].append(g)
            self.given[(s, first.given_key)].append(g)
            if first.arabic:
                self.arabic[s].append(g)

    def could_take(self, p: PersonName) -> list[int]:
        """Every group whose first member ``p`` could be compatible with, in group order."""
        s = p.suffix
        if p.given_level == 0:
            return self.any.get(s, [])
        found = [*self.no_given.get(s, ()), *self.initial1.get((s, p.initial), ())]
        if p.given_level == 1:
            found += self.initial2.get((s, p.initial), ())
        else:
            found += self.given.get((s, p.given_key), ())
            if p.arabic:
                found += self.arabic.get(s, ())
        return sorted(set(found))


def group_people(
    items: Sequence[PersonName], blocked: Callable[[int, list[int]], bool] | None = None
) -> Grouping[PersonName]:
    """``greedy_group(items, persons_compatible, blocked)``, trying only the groups a name could join."""
    result: Grouping[PersonName] = Grouping()
    index = _GroupIndex()
    for i in _order(items):
        candidates = [
            g
            for g in index.could_take(items[i])
            if result.groups[g][0] not in result.ambiguous
            and all(persons_compatible(items[i], items[m]) for m in result.groups[g])
            and not (blocked and blocked(i, result.groups[g]))
        ]
        if len(candidates) == 1:
            result.groups[candidates[0]].append(i)
            result.group_of[i] = candidates[0]
            continue
        result.group_of[i] = len(result.groups)
        index.add(len(result.groups), items[i])
        result.groups.append([i])
        if len(candidates) > 1:
            result.ambiguous[i] = candidates
    return result
