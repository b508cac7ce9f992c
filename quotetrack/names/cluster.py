"""Across the corpus: one speaker id per entity, and never two entities under one id.

Pipeline (each step deterministic, so the input order never matters):

1. per article, resolve mentions (``Lavrov`` -> ``Sergey Lavrov``);
2. every resolved mention becomes part of a *unit*: all mentions with the
   same normalised key (``Sergey Lavrov``, ``Sergei Lavrov`` and the
   ``Lavrov`` that stood for them share one);
3. units are bucketed by a phonetic key of the surname (or the core of an
   organisation name) -- no pair outside a bucket is ever compared, which
   keeps 50,000 occurrences to seconds;
4. inside a bucket, units are grouped most-complete first
   (:func:`greedy_group`), honouring forbids and splits;
5. forced merges join groups; renames set display names.

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
from collections.abc import Iterable
from dataclasses import dataclass, field

from ._text import clean_surface, fold
from .document import KINDS, Resolution, effective_kind, resolve_mentions
from .grouping import greedy_group
from .org import OrgName, orgs_compatible, parse_org
from .overrides import Overrides
from .person import PersonName, parse_person, persons_compatible


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


def _hash_id(kind: str, key: str) -> str:
    return "sp_" + hashlib.sha256(f"{kind}\x1f{key}".encode("utf-8")).hexdigest()[:12]


def _profile(name: str, kind: str) -> PersonName | OrgName | None:
    if kind == "person":
        return parse_person(name)
    if kind == "organization":
        return parse_org(name)
    return None


def speaker_id_for(key_name: str, kind: str) -> str:
    """The stable id of the entity ``key_name`` names: the same for every spelling
    that normalises alike (``Sergey Lavrov``/``Sergei Lavrov``, ``Nato``/``NATO``)."""
    kind = kind if kind in KINDS else "other"
    prof = _profile(key_name, kind)
    return _hash_id(kind, prof.id_key if prof is not None else fold(key_name))


@dataclass
class _Unit:
    """Mentions across the corpus that normalise to one key."""

    kind: str
    key: str
    profile: PersonName | OrgName | None
    surfaces: Counter = field(default_factory=Counter)  # display form -> quotes
    names: set[str] = field(default_factory=set)  # fold() of raw and display forms (for overrides)
    raws: set[str] = field(default_factory=set)  # the raw names themselves
    docs: set[str] = field(default_factory=set)
    ambiguous: bool = False
    split: bool = False

    def add(self, raw: str, display: str, doc_id: str, count: int) -> None:
        self.surfaces[display] += count
        self.names.update((fold(raw), fold(display)))
        self.raws.add(raw)
        self.docs.add(doc_id)


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
        pair = frozenset((fold(a), fold(b)))
        if pair in self._forbidden:
            return False
        if pair in {frozenset((fold(m), fold(n))) for m, n in self.overrides.merges}:
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
        return fold(a) == fold(b)

    # -- corpus ---------------------------------------------------------------------------

    def cluster(self, occurrences: Iterable[NameOccurrence]) -> list[SpeakerCluster]:
        """Cluster every occurrence; the same set of occurrences in any order gives the same result."""
        units = self._units(occurrences)
        groups = self._group_units(units)
        groups, merge_flags = self._apply_merges(groups, units)
        return self._build(groups, merge_flags, units)

    def _units(self, occurrences: Iterable[NameOccurrence]) -> dict[tuple[str, str], _Unit]:
        per_doc: dict[str, Counter] = defaultdict(Counter)
        kind_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for occ in occurrences:
            if not occ.name or not occ.name.strip():
                continue
            per_doc[occ.doc_id][occ.name] += occ.count
            kind_votes[(occ.doc_id, occ.name)][occ.kind] += occ.count
        units: dict[tuple[str, str], _Unit] = {}
        for doc_id in sorted(per_doc):
            counts = per_doc[doc_id]
            kinds = {n: _vote(kind_votes[(doc_id, n)]) for n in counts}
            resolved = resolve_mentions(counts, kinds, self.acronyms, self._forbidden)
            for raw in sorted(counts):
                self._place(units, raw, resolved[raw], doc_id, counts[raw])
        return units

    def _place(self, units, raw: str, res: Resolution, doc_id: str, count: int) -> None:
        """Put one mention of one article into its unit."""
        kind = res.kind
        own = _profile(raw, kind)
        display = own.display if own is not None else clean_surface(raw)
        if fold(raw) in self._splits or fold(display) in self._splits:
            key, prof, flag = "=" + fold(display), own, "split"
        elif res.target is None:
            key, prof, flag = "?" + (own.exact_key if own else fold(raw)), own, "ambiguous"
        elif res.profile is None:
            key, prof, flag = fold(display), None, ""
        else:
            prof = res.profile
            key, flag = prof.exact_key, ""
            if frozenset((fold(raw), fold(res.target))) in self._forbidden:
                prof, key = own, own.exact_key if own else fold(raw)
            if self._in_forbid(raw, display):
                key += "=" + fold(display)  # a forbid must be able to separate even equal keys
        unit = units.get((kind, key))
        if unit is None:
            unit = units[(kind, key)] = _Unit(kind, key, prof, ambiguous=flag == "ambiguous", split=flag == "split")
        unit.add(raw, display, doc_id, count)

    def _in_forbid(self, raw: str, display: str) -> bool:
        names = {fold(raw), fold(display)}
        return any(names & pair for pair in self._forbidden)

    def _blocked(self, a: _Unit, b: _Unit) -> bool:
        return any(frozenset((x, y)) in self._forbidden for x in a.names for y in b.names if x != y)

    def _group_units(self, units: dict[tuple[str, str], _Unit]) -> list[list[tuple[str, str]]]:
        """Bucket units by surname/core key, then group within each bucket."""
        buckets: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        loners: list[list[tuple[str, str]]] = []
        for uk in sorted(units):
            u = units[uk]
            if u.profile is None or u.split or u.ambiguous:
                loners.append([uk])
            elif isinstance(u.profile, PersonName):
                buckets[("person", u.profile.family_key)].append(uk)
            else:
                buckets[("organization", u.profile.bucket)].append(uk)
        groups = list(loners)
        for bk in sorted(buckets):
            keys = buckets[bk]
            items = [units[k].profile for k in keys]
            compatible = persons_compatible if bk[0] == "person" else orgs_compatible
            blocked = (lambda i, members: any(self._blocked(units[keys[i]], units[keys[m]]) for m in members)) \
                if self._forbidden else None
            grouping = greedy_group(items, compatible, blocked)
            for i in grouping.ambiguous:
                units[keys[i]].ambiguous = True
            groups.extend([keys[m] for m in members] for members in grouping.groups)
        return groups

    def _apply_merges(self, groups, units) -> tuple[list[list[tuple[str, str]]], list[set[str]]]:
        """Forced merges join whole groups, unless that would put a forbidden pair together."""
        parent = list(range(len(groups)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        where: dict[str, list[int]] = defaultdict(list)
        renamed_to: dict[str, set[str]] = defaultdict(set)  # a renamed speaker is found under its new name too
        for old, new in self.overrides.renames.items():
            renamed_to[fold(old)].add(fold(new))
        for gi, members in enumerate(groups):
            for uk in members:
                for n in units[uk].names:
                    where[n].append(gi)
                    for new in renamed_to.get(n, ()):
                        where[new].append(gi)
        conflicts: set[int] = set()
        for a, b in self.overrides.merges:
            for ga in sorted(set(where.get(fold(a), []))):
                for gb in sorted(set(where.get(fold(b), []))):
                    ra, rb = find(ga), find(gb)
                    if ra == rb:
                        continue
                    names_a = {n for g in range(len(groups)) if find(g) == ra for uk in groups[g] for n in units[uk].names}
                    names_b = {n for g in range(len(groups)) if find(g) == rb for uk in groups[g] for n in units[uk].names}
                    if any(frozenset((x, y)) in self._forbidden for x in names_a for y in names_b):
                        conflicts.update((ra, rb))
                        continue
                    parent[max(ra, rb)] = min(ra, rb)
        merged: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for gi, members in enumerate(groups):
            merged[find(gi)].extend(members)
        joined = {find(g) for g in range(len(groups)) if find(g) != g}
        conflicts = {find(g) for g in conflicts}
        roots = sorted(merged)
        flags = [({"merged"} if r in joined else set()) | ({"override-conflict"} if r in conflicts else set()) for r in roots]
        return [sorted(merged[r]) for r in roots], flags

    def _build(self, groups, merge_flags, units) -> list[SpeakerCluster]:
        renames = {fold(k): v for k, v in self.overrides.renames.items()}
        drafts = []
        for members, extra_flags in zip(groups, merge_flags):
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
            all_names = set().union(*(u.names for u in us))
            renamed = sorted(k for k in all_names if k in renames)
            aliases = set(surfaces)
            if renamed:
                name = renames[renamed[0]]
                aliases.add(name)
                flags.add("renamed")
            drafts.append((members, us, kind, name, aliases, flags))
        ids = _assign_ids(drafts)
        clusters = []
        for (members, us, kind, name, aliases, flags), cid in zip(drafts, ids):
            clusters.append(
                SpeakerCluster(
                    id=cid,
                    name=name,
                    kind=kind,
                    aliases=sorted(aliases),
                    documents=sorted(set().union(*(u.docs for u in us))),
                    quote_count=sum(sum(u.surfaces.values()) for u in us),
                    flags=sorted(flags),
                    raw_names=sorted(set().union(*(u.raws for u in us))),
                )
            )
        _add_maybe_flags(clusters, drafts)
        return sorted(clusters, key=lambda c: (c.kind, c.name.casefold(), c.id))


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


def _key_member(us: list[_Unit], kind: str) -> str:
    """The normalised key of a cluster: that of its most complete unit."""
    profs = [u.profile for u in us if u.profile is not None]
    if not profs:
        return "?" + min(n for u in us for n in u.names)
    best = min(profs, key=lambda p: (tuple(-s for s in p.specificity), p.id_key))
    prefix = "?" if all(u.ambiguous for u in us) else ""
    return prefix + best.id_key


def _assign_ids(drafts) -> list[str]:
    """Hash of the cluster key; clusters that would share a key get longer keys."""
    keys = [(kind, _key_member(us, kind)) for _, us, kind, _, _, _ in drafts]
    seen = Counter(keys)
    out = []
    for (kind, key), (members, us, _, name, _, _) in zip(keys, drafts):
        if seen[(kind, key)] > 1:
            exact = max((u.profile.exact_key for u in us if u.profile is not None), default="")
            key = f"{key}#{exact}#{min(fold(s) for u in us for s in u.surfaces)}"
        out.append(key)
    # Still equal (two ambiguous clusters of the same surname, from different articles):
    # their unit keys tell them apart, and stay the same while their members do.
    seen = Counter(zip((k for k, _ in keys), out))
    for n, ((kind, _), (members, *_rest)) in enumerate(zip(keys, drafts)):
        if seen[(kind, out[n])] > 1:
            out[n] += "#" + "|".join(sorted(k for _, k in members))
    return [_hash_id(kind, key) for (kind, _), key in zip(keys, out)]


def _add_maybe_flags(clusters: list[SpeakerCluster], drafts) -> None:
    """Point each ambiguous cluster at the speakers it could be (``maybe:<id>``)."""
    by_bucket: dict[str, list[int]] = defaultdict(list)
    for i, (_, us, kind, _, _, _) in enumerate(drafts):
        for u in us:
            if isinstance(u.profile, PersonName):
                by_bucket[u.profile.family_key].append(i)
    for i, (_, us, kind, _, _, _) in enumerate(drafts):
        if "ambiguous" not in clusters[i].flags:
            continue
        maybes = set()
        for u in us:
            if not isinstance(u.profile, PersonName):
                continue
            for j in by_bucket.get(u.profile.family_key, []):
                if j != i and "ambiguous" not in clusters[j].flags and any(
                    isinstance(v.profile, PersonName) and persons_compatible(u.profile, v.profile) for v in drafts[j][1]
                ):
                    maybes.add(clusters[j].id)
        clusters[i].flags = sorted(set(clusters[i].flags) | {f"maybe:{m}" for m in maybes})
