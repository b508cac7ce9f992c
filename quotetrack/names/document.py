"""Within one article: which full name does each mention stand for?

``Lavrov`` stands for ``Sergey Lavrov`` when he is the only Lavrov named in
the article; with ``Sergei Skripal`` and ``Yulia Skripal`` both present, a
bare ``Skripal`` stands for nobody in particular and is reported as
ambiguous (``None``) for a reviewer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ._text import fold
from .grouping import greedy_group
from .org import OrgName, acronym_definitions, guess_kind, is_definitely_org, orgs_compatible, parse_org
from .person import PersonName, parse_person, persons_compatible
from .translit import given_class, skeleton

KINDS = ("person", "organization", "other")


@dataclass(frozen=True)
class Resolution:
    """What one distinct mention in an article resolves to.

    ``target`` is a mention of the same article (itself when nothing more
    complete names the same entity), or None when it could be either of
    ``candidates``. ``profile`` is the parsed target (or the mention itself
    when ambiguous); None for kind ``other``.
    """

    kind: str
    target: str | None
    profile: PersonName | OrgName | None
    candidates: tuple[str, ...] = ()


@lru_cache(maxsize=100_000)
def effective_kind(name: str, kind: str | None) -> str:
    """The caller's kind, corrected where the name settles it: ``Nato`` tagged as a
    person is an organisation; an unknown kind is guessed from the words."""
    if kind == "person":
        return "organization" if is_definitely_org(name) else "person"
    if kind == "organization":
        return kind
    return guess_kind(name)


def _rep(names: list[str], counts: Counter, spec) -> str:
    """The name to stand for a group: most complete, most frequent, fewest extra words."""
    return max(names, key=lambda n: (spec(n), counts[n], -len(n), n))


def resolve_mentions(
    counts: dict[str, int] | Counter,
    kinds: dict[str, str] | None = None,
    acronyms: dict[str, str] | None = None,
    forbidden: set[frozenset[str]] | None = None,
) -> dict[str, Resolution]:
    """Resolve every distinct mention of one article (``counts``: mention -> times seen)."""
    counts = Counter(counts)
    names = sorted(n for n in counts if n and n.strip())
    kinds = kinds or {}
    forbidden = forbidden or set()
    kind_of = {n: effective_kind(n, kinds.get(n)) for n in names}
    persons: dict[str, PersonName] = {}
    for n in names:
        if kind_of[n] == "person":
            p = parse_person(n)
            if p is None:
                kind_of[n] = "other"
            else:
                persons[n] = p
    _reclaim_lone_surnames(names, kind_of, persons)
    defs = dict(acronyms or {})
    for n in names:
        if kind_of[n] == "organization":
            defs.update(acronym_definitions(n))
    orgs: dict[str, OrgName] = {}
    for n in names:
        if kind_of[n] == "organization":
            o = parse_org(n, defs)
            if o is None:
                kind_of[n] = "other"
            else:
                orgs[n] = o
    out: dict[str, Resolution] = {}
    out.update(_resolve_group(persons, counts, persons_compatible, forbidden, "person"))
    _resolve_given_only(out, persons, counts)
    out.update(_resolve_group(orgs, counts, orgs_compatible, forbidden, "organization"))
    for n in names:
        if kind_of[n] == "other":
            out[n] = Resolution("other", n, None)
    return out


def _reclaim_lone_surnames(names: list[str], kind_of: dict[str, str], persons: dict[str, PersonName]) -> None:
    """NER often tags a lone surname as an organisation ("Lavrov said"): a one-word
    name that is the surname of a person named in the same article is that person."""
    families = {p.family for p in persons.values() if p.given_level}
    for n in names:
        if kind_of[n] == "organization" and len(n.split()) == 1 and not is_definitely_org(n):
            p = parse_person(n)
            if p is not None and p.family in families:
                kind_of[n], persons[n] = "person", p


def _resolve_group(profiles, counts, compatible, forbidden, kind) -> dict[str, Resolution]:
    by_key: dict[str, list[str]] = defaultdict(list)
    for n, prof in profiles.items():
        by_key[prof.exact_key].append(n)
    keys = sorted(by_key)
    items = [profiles[by_key[k][0]] for k in keys]

    def blocked(i: int, members: list[int]) -> bool:
        return any(
            frozenset((fold(a), fold(b))) in forbidden for a in by_key[keys[i]] for m in members for b in by_key[keys[m]]
        )

    grouping = greedy_group(items, compatible, blocked if forbidden else None)
    out: dict[str, Resolution] = {}
    for g, members in enumerate(grouping.groups):
        group_names = [n for m in members for n in by_key[keys[m]]]
        rep = _rep(group_names, counts, lambda n: profiles[n].specificity)
        for m in members:
            for n in by_key[keys[m]]:
                if m in grouping.ambiguous:
                    cands = tuple(
                        sorted(_rep([x for mm in grouping.groups[c] for x in by_key[keys[mm]]], counts,
                                    lambda x: profiles[x].specificity) for c in grouping.ambiguous[m])
                    )
                    out[n] = Resolution(kind, None, profiles[n], cands)
                else:
                    out[n] = Resolution(kind, rep, profiles[rep])
    return out


def _resolve_given_only(out: dict[str, Resolution], persons: dict[str, PersonName], counts: Counter) -> None:
    """A lone word that is nobody's surname here but one person's given name
    (``Yulia`` next to ``Yulia Skripal``) stands for that person."""
    for n, p in persons.items():
        res = out[n]
        if p.given_level or " " in n.strip() or res.target != n:
            continue
        if any(q.family == p.family and q.given_level for q in persons.values()):
            continue
        key = given_class(skeleton(n))
        targets = sorted({out[m].target for m, q in persons.items() if q.given_level == 2 and q.given_key == key
                          and out[m].target})
        if len(targets) == 1:
            out[n] = Resolution("person", targets[0], persons[targets[0]])
        elif len(targets) > 1:
            out[n] = Resolution("person", None, p, tuple(targets))


def resolve_in_document(names: list[str], kinds: dict[str, str] | None = None) -> dict[str, str | None]:
    """Within ONE article, map each mention to the full name it stands for there.

    * person: ``Lavrov`` -> ``Sergey Lavrov`` (the one Lavrov in the article);
      a full name maps to itself; a surname two people share -> None.
    * organisation: every form maps to one form present in the article
      (most frequent, then most complete): ``Nato`` and
      ``North Atlantic Treaty Organisation (Nato)`` map to the same string.
    * anything else maps to itself.

    Values are always strings from ``names`` (or None). ``names`` may repeat:
    repetitions count towards choosing the representative form.
    """
    res = resolve_mentions(Counter(names), kinds)
    return {n: r.target for n, r in res.items()} | {n: n for n in names if n not in res}
