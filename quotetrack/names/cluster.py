"""Across the corpus: one speaker id per entity, and never two entities under one id.

Pipeline (each step deterministic, so the input order never matters):

1. per article, resolve mentions (``Lavrov`` -> ``Sergey Lavrov``) and
   *place* each distinct name into a unit (:meth:`Normaliser.place`);
2. a *unit* gathers all mentions with the same normalised key (``Sergey
   Lavrov``, ``Sergei Lavrov`` and the ``Lavrov`` that stood for them share one);
3. units are bucketed by a phonetic key of the surname (or the core of an
   organisation name) -- no pair outside a bucket is ever compared, which
   keeps 50,000 occurrences to seconds;
4. inside a bucket, units are grouped most-complete first
   (:meth:`Normaliser.group_bucket`), honouring forbids and splits;
5. forced merges join groups (:meth:`Normaliser.merge_groups`); renames set
   display names (:meth:`Normaliser.draft`);
6. ids (:func:`final_keys`), then ``maybe:`` flags (:func:`maybe_flags`).

Each step is a function of a small part of the whole -- a document, a
bucket, the groups a merge names, the clusters sharing a key, a surname --
which is what lets the store recompute only the parts new documents touch
(``store/speaker_refresh.py``) and still get exactly what :meth:`Normaliser.cluster`
gets over everything.

Ids: ``sp_`` + 12 hex digits of SHA-256 over kind and the *normalised key*
of the cluster's most complete member (given name class + surname skeleton
+ suffix for people; qualifier + core for organisations). Another spelling
of the same person normalises to the same key, so adding articles or
variants leaves an existing id unchanged. The id changes only when the key
does: a surname-only speaker gains a full name, or two clusters would share
a key (then both ids also cover middle names, then the canonical name).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ._text import clean_surface, fold
from .document import KINDS, Resolution, effective_kind, resolve_mentions
from .grouping import greedy_group
from .org import OrgName, orgs_compatible, parse_org
from .overrides import Overrides
from .people_groups import group_people
from .person import PersonName, parse_person, persons_compatible

# fold() is called several times for every name of every article; names repeat a lot.
_fold = lru_cache(maxsize=1 << 18)(fold)

UnitKey = tuple[str, str]  # (kind, normalised key)
Bucket = tuple[str, str]  # ("person", surname key) or ("organization", core key)


@dataclass(frozen=True)
class NameOccurrence:
    """One distinct speaker name as seen in one document."""

    name: str
    kind: str
    doc_id: str
    count: int = 1


@dataclass
class SpeakerCluster:
    """One speaker: a person, an organisation, or an unnamed/other source."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    documents: list[str]
    quote_count: int
    flags: list[str] = field(default_factory=list)
    # Every name as the store holds it ("officials in Moscow" for a speaker shown as "Moscow"):
    # quotes are pointed at their speaker by these, not only by the display forms in ``aliases``.
    raw_names: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one distinct name of one document went: the unit ``(kind, key)`` it joins.

    ``profile`` and ``flag`` (``split``, ``ambiguous`` or "") are what a unit
    takes from the first of its placements, in (document, name) order.
    """

    doc_id: str
    name: str
    kind: str
    key: str
    display: str
    count: int
    profile: PersonName | OrgName | None
    flag: str = ""

    @property
    def unit(self) -> UnitKey:
        return (self.kind, self.key)


def _hash_id(kind: str, key: str) -> str:
    return "sp_" + hashlib.sha256(f"{kind}\x1f{key}".encode("utf-8")).hexdigest()[:12]


def _profile(name: str, kind: str) -> PersonName | OrgName | None:
    if kind == "person":
        return parse_person(name)
    if kind == "organization":
        return parse_org(name)
    return None


def display_of(name: str, kind: str) -> str:
    """How a name placed in a unit of ``kind`` is shown: its parsed form, else its cleaned surface."""
    own = _profile(name, kind)
    return own.display if own is not None else clean_surface(name)


def speaker_id_for(key_name: str, kind: str) -> str:
    """The stable id of the entity ``key_name`` names: the same for every spelling
    that normalises alike (``Sergey Lavrov``/``Sergei Lavrov``, ``Nato``/``NATO``)."""
    kind = kind if kind in KINDS else "other"
    prof = _profile(key_name, kind)
    return _hash_id(kind, prof.id_key if prof is not None else _fold(key_name))


@dataclass
class Unit:
    """Mentions across the corpus that normalise to one key.

    ``ambiguous`` is set at creation for a name its article could not
    resolve, and by :meth:`Normaliser.group_bucket` for a name two groups of
    its bucket could take.
    """

    kind: str
    key: str
    profile: PersonName | OrgName | None
    surfaces: Counter = field(default_factory=Counter)  # display form -> quotes
    names: set[str] = field(default_factory=set)  # fold() of raw and display forms (for overrides)
    raws: set[str] = field(default_factory=set)  # the raw names themselves
    docs: set[str] = field(default_factory=set)
    ambiguous: bool = False
    split: bool = False

    @classmethod
    def first(cls, p: Placement) -> Unit:
        return cls(p.kind, p.key, p.profile, ambiguous=p.flag == "ambiguous", split=p.flag == "split")

    def count(self, p: Placement, docs: bool = True) -> None:
        """Count one placement in (``docs=False``: without remembering its document)."""
        self.surfaces[p.display] += p.count
        self.names.update(placement_names(p.name, p.display))
        self.raws.add(p.name)
        if docs:
            self.docs.add(p.doc_id)

    @property
    def bucket(self) -> Bucket | None:
        """The bucket it is grouped in (asked before grouping marks anything ambiguous)."""
        return unit_bucket(self.profile, self.split, self.ambiguous)

    @property
    def family(self) -> str | None:
        """The surname key ``maybe:`` flags look under (people only)."""
        return self.profile.family_key if isinstance(self.profile, PersonName) else None


@dataclass
class Draft:
    """One speaker before its id: members (sorted unit keys), name, aliases, flags, id keys."""

    members: list[UnitKey]
    units: list[Unit]
    kind: str
    name: str
    aliases: set[str]
    flags: set[str]
    key0: str  # the normalised key of its most complete member
    ext1: str  # what tells it apart from another speaker with the same key0
    ext2: str  # ... and from one with the same extended key

    @property
    def ambiguous(self) -> bool:
        return "ambiguous" in self.flags


@dataclass
class Clustering:
    """Everything :meth:`Normaliser.clustering` decided, for callers that keep it (the store's index)."""

    clusters: list[SpeakerCluster]
    units: dict[UnitKey, Unit]
    slots: dict[UnitKey, tuple[Bucket | None, int]]  # unit -> (bucket, its group's place in the bucket)
    drafts: list[Draft]
    ids: list[str]
    key1s: list[str]

    def speaker_of(self) -> dict[UnitKey, str]:
        return {uk: cid for d, cid in zip(self.drafts, self.ids) for uk in d.members}


def by_document(occurrences: Iterable[NameOccurrence]) -> dict[str, tuple[Counter, dict[str, Counter]]]:
    """doc_id -> (name -> quotes, name -> kind votes); blank names dropped."""
    docs: dict[str, tuple[Counter, dict[str, Counter]]] = {}
    for occ in occurrences:
        if not occ.name or not occ.name.strip():
            continue
        counts, votes = docs.setdefault(occ.doc_id, (Counter(), defaultdict(Counter)))
        counts[occ.name] += occ.count
        votes[occ.name][occ.kind] += occ.count
    return docs


class Normaliser:
    """Clusters speaker names of a whole corpus; see the module docstring for the rules."""

    def __init__(self, overrides: Overrides | None = None, acronyms: dict[str, str] | None = None):
        self.overrides = overrides or Overrides()
        self.acronyms = {k.upper(): v for k, v in (acronyms or {}).items()}
        self._forbidden = self.overrides.forbidden_pairs()
        self._splits = self.overrides.split_names()

    # -- pairwise -------------------------------------------------------------------------

    def same_entity(self, a: str, b: str, kind: str = "person") -> bool:
        """Would the rules put ``a`` and ``b`` (seen apart, each with nothing else) in one speaker?"""
        pair = frozenset((_fold(a), _fold(b)))
        if pair in self._forbidden:
            return False
        if pair in {frozenset((_fold(m), _fold(n))) for m, n in self.overrides.merges}:
            return True
        ka, kb = effective_kind(a, kind), effective_kind(b, kind)
        if ka != kb:
            return False
        if ka == "person":
            pa, pb = parse_person(a), parse_person(b)
            return pa is not None and pb is not None and persons_compatible(pa, pb)
        if ka == "organization":
            oa, ob = parse_org(a, self.acronyms), parse_org(b, self.acronyms)
            return oa is not None and ob is not None and orgs_compatible(oa, ob)
        return _fold(a) == _fold(b)

    # -- corpus ---------------------------------------------------------------------------

    def cluster(self, occurrences: Iterable[NameOccurrence]) -> list[SpeakerCluster]:
        """Cluster every occurrence; the same set of occurrences in any order gives the same result."""
        return self.clustering(occurrences).clusters

    def clustering(self, occurrences: Iterable[NameOccurrence]) -> Clustering:
        """:meth:`cluster`, with the units, groups and drafts it went through."""
        units: dict[UnitKey, Unit] = {}
        docs = by_document(occurrences)
        for doc_id in sorted(docs):
            counts, votes = docs[doc_id]
            for p in self.place(doc_id, counts, votes):
                add_placement(units, p)
        return self.finish(units)

    def place(self, doc_id: str, counts: Mapping[str, int], votes: Mapping[str, Counter]) -> list[Placement]:
        """Resolve one document's names (``counts``: name -> quotes, ``votes``: name -> kinds
        tagged) and place each in its unit, in name order."""
        kinds = {n: _vote(votes[n]) for n in counts}
        resolved = resolve_mentions(counts, kinds, self.acronyms, self._forbidden)
        return [self._place(raw, resolved[raw], doc_id, counts[raw]) for raw in sorted(counts)]

    def finish(self, units: dict[UnitKey, Unit]) -> Clustering:
        """Group, merge, name and id the units of a whole corpus."""
        groups, slots = self._group_units(units)
        groups, merge_flags = self.merge_groups(groups, units)
        drafts = [self.draft(members, flags, units) for members, flags in zip(groups, merge_flags)]
        key1s, key2s = final_keys([(d.kind, d.key0, d.ext1, d.ext2) for d in drafts])
        ids = [_hash_id(d.kind, k) for d, k in zip(drafts, key2s)]
        clusters = [
            SpeakerCluster(
                id=cid, name=d.name, kind=d.kind, aliases=sorted(d.aliases),
                documents=sorted(set().union(*(u.docs for u in d.units))),
                quote_count=sum(sum(u.surfaces.values()) for u in d.units), flags=sorted(d.flags),
                raw_names=sorted(set().union(*(u.raws for u in d.units))),
            )
            for d, cid in zip(drafts, ids)
        ]
        by_family: dict[str, list[tuple[str, list[Unit]]]] = defaultdict(list)
        for d, cid in zip(drafts, ids):
            if not d.ambiguous:
                for f in {u.family for u in d.units} - {None}:
                    by_family[f].append((cid, d.units))
        for d, c in zip(drafts, clusters):
            if d.ambiguous:
                c.flags = sorted(set(c.flags) | maybe_flags(d.units, c.id, by_family))
        clusters.sort(key=lambda c: (c.kind, c.name.casefold(), c.id))
        return Clustering(clusters, units, slots, drafts, ids, key1s)

    def _place(self, raw: str, res: Resolution, doc_id: str, count: int) -> Placement:
        """Where one mention of one article goes."""
        kind = res.kind
        own = _profile(raw, kind)
        display = own.display if own is not None else clean_surface(raw)
        if _fold(raw) in self._splits or _fold(display) in self._splits:
            key, prof, flag = "=" + _fold(display), own, "split"
        elif res.target is None:
            key, prof, flag = "?" + (own.exact_key if own else _fold(raw)), own, "ambiguous"
        elif res.profile is None:
            key, prof, flag = _fold(display), None, ""
        else:
            prof = res.profile
            key, flag = prof.exact_key, ""
            if frozenset((_fold(raw), _fold(res.target))) in self._forbidden:
                prof, key = own, own.exact_key if own else _fold(raw)
            if self._in_forbid(raw, display):
                key += "=" + _fold(display)  # a forbid must be able to separate even equal keys
        return Placement(doc_id, raw, kind, key, display, count, prof, flag)

    def _in_forbid(self, raw: str, display: str) -> bool:
        names = {_fold(raw), _fold(display)}
        return any(names & pair for pair in self._forbidden)

    def _blocked(self, a: Unit, b: Unit) -> bool:
        return any(frozenset((x, y)) in self._forbidden for x in a.names for y in b.names if x != y)

    def _group_units(self, units: dict[UnitKey, Unit]) -> tuple[list[list[UnitKey]], dict]:
        """Bucket units by surname/core key, then group within each bucket.

        Groups come in the order merges see them: every unit alone first (by
        key), then each bucket's groups (buckets by key, groups in the order
        :meth:`group_bucket` made them).
        """
        buckets: dict[Bucket, list[UnitKey]] = defaultdict(list)
        groups: list[list[UnitKey]] = []
        slots: dict[UnitKey, tuple[Bucket | None, int]] = {}
        for uk in sorted(units):
            bucket = units[uk].bucket
            if bucket is None:
                groups.append([uk])
                slots[uk] = (None, 0)
            else:
                buckets[bucket].append(uk)
        for bk in sorted(buckets):
            made = self.group_bucket(bk, buckets[bk], units)
            for g, members in enumerate(made):
                slots.update((uk, (bk, g)) for uk in members)
            groups.extend(made)
        return groups, slots

    def group_bucket(self, bucket: Bucket, keys: list[UnitKey], units: Mapping[UnitKey, Unit]) -> list[list[UnitKey]]:
        """The groups of one bucket (``keys`` sorted); marks the units two groups could take ``ambiguous``."""
        items = [units[k].profile for k in keys]
        blocked = (lambda i, members: any(self._blocked(units[keys[i]], units[keys[m]]) for m in members)) \
            if self._forbidden else None
        if bucket[0] == "person":
            grouping = group_people(items, blocked)  # = greedy_group(items, persons_compatible, blocked)
        else:
            grouping = greedy_group(items, orgs_compatible, blocked)
        for i in grouping.ambiguous:
            units[keys[i]].ambiguous = True
        return [[keys[m] for m in members] for members in grouping.groups]

    def merge_groups(self, groups: list[list[UnitKey]], units: Mapping[UnitKey, Unit]) -> tuple[list[list[UnitKey]], list[set[str]]]:
        """Forced merges join whole groups, unless that would put a forbidden pair together.

        Only groups holding a name some merge names take part, and only their
        order matters: any such groups in their :meth:`_group_units` order
        give the same result as the whole list.
        """
        parent = list(range(len(groups)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        where: dict[str, list[int]] = defaultdict(list)
        renamed_to: dict[str, set[str]] = defaultdict(set)  # a renamed speaker is found under its new name too
        for old, new in self.overrides.renames.items():
            renamed_to[_fold(old)].add(_fold(new))
        for gi, members in enumerate(groups):
            for uk in members:
                for n in units[uk].names:
                    where[n].append(gi)
                    for new in renamed_to.get(n, ()):
                        where[new].append(gi)
        conflicts: set[int] = set()
        for a, b in self.overrides.merges:
            for ga in sorted(set(where.get(_fold(a), []))):
                for gb in sorted(set(where.get(_fold(b), []))):
                    ra, rb = find(ga), find(gb)
                    if ra == rb:
                        continue
                    names_a = {n for g in range(len(groups)) if find(g) == ra for uk in groups[g] for n in units[uk].names}
                    names_b = {n for g in range(len(groups)) if find(g) == rb for uk in groups[g] for n in units[uk].names}
                    if any(frozenset((x, y)) in self._forbidden for x in names_a for y in names_b):
                        conflicts.update((ra, rb))
                        continue
                    parent[max(ra, rb)] = min(ra, rb)
        merged: dict[int, list[UnitKey]] = defaultdict(list)
        for gi, members in enumerate(groups):
            merged[find(gi)].extend(members)
        joined = {find(g) for g in range(len(groups)) if find(g) != g}
        conflicts = {find(g) for g in conflicts}
        roots = sorted(merged)
        flags = [({"merged"} if r in joined else set()) | ({"override-conflict"} if r in conflicts else set()) for r in roots]
        return [sorted(merged[r]) for r in roots], flags

    def merge_names(self) -> set[str]:
        """The folded names forced merges mention (and the old names of speakers renamed to one of
        them: a renamed speaker is found under its new name): only groups holding one take part."""
        named = {_fold(n) for pair in self.overrides.merges for n in pair}
        return named | {_fold(old) for old, new in self.overrides.renames.items() if _fold(new) in named}

    def draft(self, members: list[UnitKey], extra_flags: set[str], units: Mapping[UnitKey, Unit]) -> Draft:
        """One speaker from its units (``members`` sorted): kind, canonical name, aliases, flags, id keys."""
        us = [units[k] for k in members]
        kind = _vote(Counter({u.kind: sum(u.surfaces.values()) for u in us}))
        surfaces: Counter = Counter()
        for u in us:
            surfaces.update(u.surfaces)
        name = _canonical(surfaces, kind)
        flags = set(extra_flags)
        if any(u.ambiguous for u in us):
            flags.add("ambiguous")
        if any(u.split for u in us):
            flags.add("split")
        if len({u.kind for u in us}) > 1:
            flags.add("mixed-kind")
        renames = self.overrides.renames
        if renames:
            folded = {_fold(k): v for k, v in renames.items()}
            renamed = sorted(k for k in set().union(*(u.names for u in us)) if k in folded)
        else:
            folded, renamed = {}, []
        aliases = set(surfaces)
        if renamed:
            name = folded[renamed[0]]
            aliases.add(name)
            flags.add("renamed")
        exact = max((u.profile.exact_key for u in us if u.profile is not None), default="")
        ext1 = f"#{exact}#{min(_fold(s) for u in us for s in u.surfaces)}"
        ext2 = "#" + "|".join(sorted(k for _, k in members))
        return Draft(members, us, kind, name, aliases, flags, _key_member(us, kind), ext1, ext2)


def add_placement(units: dict[UnitKey, Unit], p: Placement, docs: bool = True) -> Unit:
    """Count one placement into its unit (made from it if it is the first)."""
    unit = units.get(p.unit)
    if unit is None:
        unit = units[p.unit] = Unit.first(p)
    unit.count(p, docs)
    return unit


def placement_names(name: str, display: str) -> set[str]:
    """The folded names a placement gives its unit (what overrides are matched against)."""
    return {_fold(name), _fold(display)}


def unit_bucket(profile: PersonName | OrgName | None, split: bool, ambiguous: bool) -> Bucket | None:
    """The bucket a unit is grouped in; None for a unit that is a speaker alone
    (no parsed name, split by a reviewer, or ambiguous in its article)."""
    if profile is None or split or ambiguous:
        return None
    if isinstance(profile, PersonName):
        return ("person", profile.family_key)
    return ("organization", profile.bucket)


def final_keys(keys: list[tuple[str, str, str, str]]) -> tuple[list[str], list[str]]:
    """(key1, key2) of each ``(kind, key0, ext1, ext2)``: a key0 two speakers share is
    extended by ext1; a key1 two still share, by ext2. Only speakers sharing a key0 or
    a key1 affect each other."""
    seen = Counter((kind, k0) for kind, k0, _, _ in keys)
    key1s = [k0 + e1 if seen[(kind, k0)] > 1 else k0 for kind, k0, e1, _ in keys]
    seen1 = Counter((kind, k1) for (kind, *_), k1 in zip(keys, key1s))
    key2s = [k1 + e2 if seen1[(kind, k1)] > 1 else k1 for (kind, _, _, e2), k1 in zip(keys, key1s)]
    return key1s, key2s


def speaker_id(kind: str, key2: str) -> str:
    return _hash_id(kind, key2)


def maybe_flags(units: list[Unit], own_id: str, by_family: Mapping[str, Iterable[tuple[str, list[Unit]]]]) -> set[str]:
    """``maybe:<id>`` for each speaker an ambiguous one could be.

    ``by_family``: surname key -> (id, units) of every speaker that is not
    ambiguous and has a unit of that surname. A candidate qualifies when
    one of its people is compatible with one of ours of that surname.
    """
    maybes = set()
    for u in units:
        if not isinstance(u.profile, PersonName):
            continue
        for cid, others in by_family.get(u.profile.family_key, ()):
            if cid != own_id and any(
                isinstance(v.profile, PersonName) and persons_compatible(u.profile, v.profile) for v in others
            ):
                maybes.add(cid)
    return {f"maybe:{m}" for m in maybes}


def _vote(votes: Counter) -> str:
    """Most frequent kind; ties broken by the order person > organization > other."""
    return max(sorted(votes), key=lambda k: (votes[k], -KINDS.index(k) if k in KINDS else -9))


def _canonical(surfaces: Counter, kind: str) -> str:
    """Most complete form, then most frequent, then longest, then alphabetical."""
    def rank(s: str):
        prof = _profile(s, kind)
        spec = prof.specificity if prof is not None else (0, 0, 0)
        return (spec, surfaces[s], len(s), s)
    return max(surfaces, key=rank)


def _key_member(us: list[Unit], kind: str) -> str:
    """The normalised key of a cluster: that of its most complete unit."""
    profs = [u.profile for u in us if u.profile is not None]
    if not profs:
        return "?" + min(n for u in us for n in u.names)
    best = min(profs, key=lambda p: (tuple(-s for s in p.specificity), p.id_key))
    prefix = "?" if all(u.ambiguous for u in us) else ""
    return prefix + best.id_key
