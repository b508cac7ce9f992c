"""The one grouping step used within an article and across the corpus.

Why greedy by specificity rather than union-find over compatible pairs:
compatibility is not transitive. ``George Bush`` is compatible with both
``George W. Bush`` and ``George H. W. Bush``; linking pairs would chain the
father and the son into one speaker. Instead the most complete names are
placed first, and a less complete name joins a group only when it is
compatible with *every* member of exactly one group. With two candidates it
is left alone and reported as ambiguous -- never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Profile(Protocol):
    @property
    def specificity(self) -> tuple[int, int, int]: ...

    @property
    def exact_key(self) -> str: ...


P = TypeVar("P", bound=Profile)


@dataclass
class Grouping(Generic[P]):
    """``groups[i]`` lists item indices; ``ambiguous[j]`` the groups item j could have joined."""

    groups: list[list[int]] = field(default_factory=list)
    group_of: dict[int, int] = field(default_factory=dict)
    ambiguous: dict[int, list[int]] = field(default_factory=dict)


def greedy_group(
    items: Sequence[P],
    compatible: Callable[[P, P], bool],
    blocked: Callable[[int, list[int]], bool] | None = None,
    ambiguous_ok: bool = True,
) -> Grouping[P]:
    """Group ``items`` (one bucket) most-specific first.

    The result does not depend on the order of ``items`` as long as their
    ``exact_key`` values are distinct (callers group equal keys beforehand).
    ``blocked(i, group)`` vetoes a join (user forbids). Items with several
    candidate groups get a group of their own, closed to later items, and are
    listed in ``ambiguous``.
    """
    order = sorted(range(len(items)), key=lambda i: (tuple(-s for s in items[i].specificity), items[i].exact_key, i))
    result: Grouping[P] = Grouping()
    for i in order:
        candidates = [
            g
            for g, members in enumerate(result.groups)
            if members[0] not in result.ambiguous
            and all(compatible(items[i], items[m]) for m in members) and not (blocked and blocked(i, members))
        ]
        if len(candidates) == 1:
            result.groups[candidates[0]].append(i)
            result.group_of[i] = candidates[0]
            continue
        result.group_of[i] = len(result.groups)
        result.groups.append([i])
        if len(candidates) > 1:
            result.ambiguous[i] = candidates
    return result
