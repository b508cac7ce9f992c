"""Speaker normalisation over the store: all of it (:func:`rebuild`) or only what changed (:func:`update`).

Both give the same speakers, aliases and quote speaker ids as
:meth:`quotetrack.names.Normaliser.cluster` over every name in the store
(tested on generated corpora, in any batches, with overrides; measured on
PolNeAR by ``benchmarks/speakers_polnear.py replay``). :func:`update` follows
the normaliser's steps, each over the smallest part that can have changed:

1. documents whose names changed (``speaker_dirty``) are placed again, and their
   old placements taken out of their units;
2. a unit whose first placement changed takes its profile and flag from the new one;
3. every bucket holding a changed unit is grouped again; a group whose members,
   counts and flags are all as before keeps its speaker untouched;
4. when reviewers force merges, the merges run again over the groups they name;
5. each changed group (or merged set of groups) becomes a speaker again;
6. ids are worked out again among the speakers sharing a key with a changed one,
   ``maybe:`` flags for the ambiguous speakers sharing a surname with one;
7. quotes of the changed documents, and of units that changed speaker, get their ids.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import orjson

from ..names.cluster import (
    Bucket,
    Draft,
    Normaliser,
    Placement,
    Unit,
    UnitKey,
    display_of,
    final_keys,
    maybe_flags,
    placement_names,
    speaker_id,
)
from .base import chunks, marks
from .refresh_report import RefreshReport
from .speaker_index import (
    DocNames,
    Index,
    Row,
    all_document_names,
    bucket_text,
    document_names,
    encode_profile,
    placement_row,
)
from .speaker_placing import placed, workers_for

_QUOTE_SPEAKER = (
    "(SELECT u.speaker FROM speaker_placements p JOIN speaker_units u ON u.id = p.unit"
    " WHERE p.doc_id = quotes.doc_id"
    " AND p.name = coalesce((SELECT r.speaker_name FROM reviews r WHERE r.quote_id = quotes.id), quotes.speaker_name))"
)
PLACED_AT_ONCE = 20_000  # documents whose names and placements are held at a time in an update
_INDEX_TABLES = ("speaker_placements", "speaker_units", "speaker_unit_names", "speaker_keys")


# -- everything --------------------------------------------------------------------------------

def rebuild(conn, normaliser: Normaliser) -> RefreshReport:
    """Cluster every name in the store and write speakers, aliases, quote speaker ids and the index.

    Names are read document by document (the store may hold millions); the
    units, which the whole corpus shares, are held in memory.
    """
    started = time.perf_counter()
    for table in (*_INDEX_TABLES, "aliases", "speakers", "speaker_dirty"):
        conn.execute(f"DELETE FROM {table}")
    units: dict[UnitKey, Unit] = {}
    ids: dict[UnitKey, int] = {}
    sources: dict[UnitKey, tuple[str, str, str]] = {}
    mentions: dict[UnitKey, Counter] = defaultdict(Counter)
    batch: list[tuple] = []
    documents = 0
    workers = workers_for(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    for doc_id, names, placements in placed(normaliser, all_document_names(conn), workers):
        documents += 1
        for p in placements:
            unit = units.get(p.unit)
            if unit is None:
                unit = units[p.unit] = Unit.first(p)
                unit.names = Counter()  # a count per name, so a later refresh can take names away
                ids[p.unit], sources[p.unit] = len(ids) + 1, (p.doc_id, p.name, p.flag)
            unit.count(p, docs=False)
            said = names.mentions.get(p.name)
            if said:
                mentions[p.unit].update(said)
            batch.append(placement_row(p, ids[p.unit], said))
        if len(batch) >= 20_000:
            _insert_placements(conn, batch)
    _insert_placements(conn, batch)
    clustering = normaliser.finish(units)
    speaker_of = clustering.speaker_of()
    first_profile = {uk: [*sources[uk], encode_profile(u.profile)] for uk, u in units.items()}
    conn.executemany(
        "INSERT INTO speaker_units(id, kind, key, bucket, family, source, surfaces, mentions, grp, ambiguous, speaker)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (ids[uk], uk[0], uk[1], bucket_text(clustering.slots[uk][0]), u.family,
             orjson.dumps(first_profile[uk]).decode(), orjson.dumps(dict(u.surfaces)).decode(),
             orjson.dumps(dict(mentions[uk])).decode() if mentions.get(uk) else None,
             clustering.slots[uk][1], int(u.ambiguous), speaker_of[uk])
            for uk, u in units.items()
        ),
    )
    conn.executemany(
        "INSERT INTO speaker_unit_names(name, unit, n) VALUES (?, ?, ?)",
        ((name, ids[uk], n) for uk, u in units.items() for name, n in u.names.items()),
    )
    drafts = {cid: d for d, cid in zip(clustering.drafts, clustering.ids)}
    raws = {uk: u.raws for uk, u in units.items()}
    _write_keys(conn, [(cid, d, k1) for d, cid, k1 in zip(clustering.drafts, clustering.ids, clustering.key1s)])
    for c in clustering.clusters:
        _insert_speaker(conn, c.id, c.name, c.kind, c.flags, _aliases(drafts[c.id], mentions, raws))
    conn.execute(f"UPDATE quotes SET speaker_id = {_QUOTE_SPEAKER}")
    return RefreshReport("full", documents, len(units), len(clustering.clusters), time.perf_counter() - started)


def _insert_placements(conn, batch: list[tuple]) -> None:
    conn.executemany("INSERT INTO speaker_placements(doc_id, name, unit, count, mentions) VALUES (?, ?, ?, ?, ?)", batch)
    batch.clear()


def _aliases(d: Draft, mentions: dict[UnitKey, Counter], raws: dict[UnitKey, set[str]]) -> set[str]:
    """The names a speaker is known by: its forms, its display name, the names as stored ("officials
    in Moscow" for the speaker shown as "Moscow": a reviewer's new name finds its speaker), and the
    words quotes name it by."""
    out = set(d.aliases)
    for uk in d.members:
        out.update(mentions.get(uk, ()))
        out.update(raws.get(uk, ()))
    return out


def _stored_names(conn, rows) -> dict[UnitKey, set[str]]:
    """The names as stored that were placed in each of these units (from the placements)."""
    by_id = {r.id: r.key for r in rows}
    out: dict[UnitKey, set[str]] = defaultdict(set)
    for chunk in chunks(sorted(by_id)):
        for unit, name in conn.execute(
            f"SELECT DISTINCT unit, name FROM speaker_placements WHERE unit IN ({marks(chunk)})", chunk
        ):
            out[by_id[unit]].add(name)
    return out


def _insert_speaker(conn, sid: str, name: str, kind: str, flags, aliases: set[str]) -> None:
    conn.execute("INSERT INTO speakers(id, name, kind, flags) VALUES (?, ?, ?, ?)", (sid, name, kind, ",".join(flags)))
    conn.executemany("INSERT INTO aliases(alias, speaker_id) VALUES (?, ?)", [(a, sid) for a in sorted(aliases | {name})])


def _update_speaker(conn, sid: str, was: str, name: str, kind: str, flags, aliases: set[str]) -> None:
    """A speaker kept under its id: its row changed in place (its name only if it changed: that
    fires the rename trigger, which brings its quotes' queue names along), its aliases replaced."""
    if name != was:
        conn.execute("UPDATE speakers SET name = ?, kind = ?, flags = ? WHERE id = ?", (name, kind, ",".join(flags), sid))
    else:
        conn.execute("UPDATE speakers SET kind = ?, flags = ? WHERE id = ?", (kind, ",".join(flags), sid))
    conn.execute("DELETE FROM aliases WHERE speaker_id = ?", (sid,))
    conn.executemany("INSERT INTO aliases(alias, speaker_id) VALUES (?, ?)", [(a, sid) for a in sorted(aliases | {name})])


def _write_keys(conn, rows: list[tuple[str, Draft, str]]) -> None:
    conn.executemany(
        "INSERT INTO speaker_keys(speaker, kind, key0, key1, ext1, ext2, ambiguous) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(sid, d.kind, d.key0, k1, d.ext1, d.ext2, int(d.ambiguous)) for sid, d, k1 in rows],
    )


# -- only what changed -------------------------------------------------------------------------

@dataclass
class _Stored:
    """A speaker's id ingredients as stored (``speaker_keys``)."""

    id: str
    kind: str
    key0: str
    key1: str
    ext1: str
    ext2: str
    ambiguous: bool


def update(conn, normaliser: Normaliser, doc_ids: list[str], merges_changed: bool = False) -> RefreshReport:
    """Place ``doc_ids`` again and redo what that changes (see the module docstring)."""
    started = time.perf_counter()
    job = _Update(conn, normaliser)
    job.place(sorted(set(doc_ids)), workers_for(len(set(doc_ids))))
    job.settle_sources()
    changed = job.regroup()
    clusters = job.merge(changed, merges_changed)
    written = job.write(clusters)
    job.point_quotes(doc_ids)
    return RefreshReport("incremental", len(set(doc_ids)), len(job.touched), written, time.perf_counter() - started)


class _Update:
    def __init__(self, conn, normaliser: Normaliser) -> None:
        self.conn, self.norm = conn, normaliser
        self.index = Index(conn)
        self.placed: dict[tuple[str, str], Placement] = {}
        self.touched: dict[int, Row] = {}
        self.dropped: list[Row] = []
        self.name_deltas: dict[int, Counter] = defaultdict(Counter)
        self.bucket_groups: dict[Bucket, list[list[Row]]] = {}
        self.old_speakers: set[str] = set()

    # 1. documents

    def place(self, doc_ids: list[str], workers: int = 0) -> None:
        """Take each document's old placements out and count its new ones in (placed by ``workers``
        processes if any: :mod:`.speaker_placing`), a part of the documents at a time."""
        for part in chunks(doc_ids, PLACED_AT_ONCE):
            names = document_names(self.conn, part)
            new = {doc_id: (found, ps) for doc_id, found, ps in placed(self.norm, names.items(), workers)}
            for chunk in chunks(part):
                self._replace(chunk, new)

    def _replace(self, chunk: list[str], new: dict[str, tuple[DocNames, list[Placement]]]) -> None:
        old = self.index.placements(chunk)
        self.index.units({unit for rows in old.values() for _, unit, _, _ in rows})
        rows: list[tuple] = []
        for doc_id in chunk:
            for name, unit, count, said in old.get(doc_id, ()):
                self._take_away(self.index.rows[unit], name, count, said)
            if doc_id not in new:
                continue
            found, placements = new[doc_id]
            for p in placements:
                row = self.index.unit(p.unit) or self.index.new_unit(p)
                said = found.mentions.get(p.name)
                self._count_in(row, p, said)
                self.placed[(doc_id, p.name)] = p
                rows.append(placement_row(p, row.id, said))
        self.index.write_placements(chunk, rows)

    def _take_away(self, row: Row, name: str, count: int, said) -> None:
        display = display_of(name, row.unit.kind)
        surfaces = row.unit.surfaces
        surfaces[display] -= count
        if surfaces[display] <= 0:
            del surfaces[display]
        self.name_deltas[row.id].subtract(placement_names(name, display))
        row.mentions.subtract(said)
        row.mentions = +row.mentions
        self._touch(row)

    def _count_in(self, row: Row, p: Placement, said) -> None:
        row.unit.surfaces[p.display] += p.count
        self.name_deltas[row.id].update(placement_names(p.name, p.display))
        if said:
            row.mentions.update(said)
        self._touch(row)

    def _touch(self, row: Row) -> None:
        row.touched = True
        self.touched[row.id] = row

    # 2. first placements

    def settle_sources(self) -> None:
        self.index.add_names(self.name_deltas)
        alive = []
        for row in self.touched.values():
            first = self.index.first_placement(row.id)
            if first is None:
                self.dropped.append(row)
                continue
            alive.append(row)
            if first != row.source or first in self.placed:
                row.take_source(self.placed.get(first) or self._place_again(*first))
        for row in self.dropped:
            self.old_speakers.add(row.was[2])
        self.index.drop_units(self.dropped)
        for row in self.dropped:
            del self.touched[row.id]
        self.index.write_units(alive)

    def _place_again(self, doc_id: str, name: str) -> Placement:
        """A placement of a document that did not change (so it is placed as before)."""
        found = document_names(self.conn, [doc_id])[doc_id]
        return next(p for p in self.norm.place(doc_id, found.counts, found.votes) if p.name == name)

    # 3. buckets

    def regroup(self) -> list[list[Row]]:
        """The groups that changed, and lone units that did.

        Grouping depends on which units a bucket holds and their profiles (and
        names, when something is forbidden), never on counts: a bucket whose
        changed units only gained or lost quotes keeps its groups, and only the
        groups holding those units are made again. Any other bucket a changed
        unit is (or was) in is grouped again.
        """
        buckets: set[Bucket] = set()
        counts_only: dict[Bucket, set[int]] = defaultdict(set)
        changed: list[list[Row]] = []
        for row in self.touched.values():
            if row.bucket is None:
                changed.append([row])
            elif row.was[0] == row.bucket and not row.reshaped and not self.norm.overrides.forbids:
                counts_only[row.bucket].add(row.grp)
                continue
            buckets.update(b for b in (row.was[0], row.bucket) if b is not None)
        buckets.update(row.was[0] for row in self.dropped if row.was[0] is not None)
        for bucket in sorted(set(counts_only) - buckets):
            changed += [self.index.in_group(bucket, grp) for grp in sorted(counts_only[bucket])]
        left: dict[Bucket, list[Row]] = defaultdict(list)  # units that were in a bucket and are not now
        for row in self.touched.values():
            if row.was[0] is not None and row.was[0] != row.bucket:
                left[row.was[0]].append(row)
        for row in self.dropped:
            if row.was[0] is not None:
                left[row.was[0]].append(row)
        for bucket in sorted(buckets):
            changed += self._regroup(bucket, left[bucket])
        return changed

    def _regroup(self, bucket: Bucket, left: list[Row]) -> list[list[Row]]:
        rows = sorted(self.index.in_bucket(bucket), key=lambda r: r.key)
        before = Counter(r.was[1] for r in rows + left if r.was[0] == bucket)
        if self.norm.overrides.forbids:
            self.index.load_names(rows)
        for r in rows:
            r.unit.ambiguous = False
        by_key = {r.key: r for r in rows}
        groups = [[by_key[k] for k in members]
                  for members in self.norm.group_bucket(bucket, [r.key for r in rows], {r.key: r.unit for r in rows})]
        self.bucket_groups[bucket] = groups
        changed = []
        for g, members in enumerate(groups):
            for r in members:
                r.grp = g
            slots = {r.was[:2] for r in members}
            same = (len(slots) == 1 and next(iter(slots))[0] == bucket and before[members[0].was[1]] == len(members)
                    and not any(r.touched or r.unit.ambiguous != r.was[4] for r in members))
            if not same:
                changed.append(members)
        self.index.write_units(rows)
        return changed

    # 4. merges

    def merge(self, changed: list[list[Row]], merges_changed: bool) -> list[tuple[list[Row], set[str]]]:
        """The speakers to make again: (units, flags the merges give)."""
        merged: list[tuple[list[Row], set[str]]] = []
        taken: set[int] = set()
        if self.norm.overrides.merges and (changed or merges_changed):
            groups = self._merge_groups()
            rows = [r for g in groups.values() for r in g]
            self.index.load_names(rows)
            by_key = {r.key: r for r in rows}
            order = sorted(groups, key=_slot_order)
            comps, flags = self.norm.merge_groups([[r.key for r in groups[s]] for s in order],
                                                  {r.key: r.unit for r in rows})
            merged = [([by_key[k] for k in comp], f) for comp, f in zip(comps, flags)]
            taken = {r.id for r in rows}
        out = merged + [(g, set()) for g in changed if g[0].id not in taken]
        for members, _ in out:
            self.old_speakers.update(r.was[2] for r in members)
        return self._cover(out, taken)

    def _merge_groups(self) -> dict[tuple, list[Row]]:
        """Every group holding a name a merge names, by its slot."""
        groups: dict[tuple, list[Row]] = {}
        for row in self.index.with_names(self.norm.merge_names()):
            slot = _slot(row)
            if slot not in groups:
                groups[slot] = self._group_of(row)
        return groups

    def _group_of(self, row: Row) -> list[Row]:
        if row.bucket is None:
            return [row]
        if row.bucket in self.bucket_groups:
            return self.bucket_groups[row.bucket][row.grp]
        return self.index.in_group(row.bucket, row.grp)

    def _cover(self, out: list[tuple[list[Row], set[str]]], taken: set[int]) -> list[tuple[list[Row], set[str]]]:
        """Add the groups of any unit an old speaker held that no new speaker holds (a unit
        cannot lose its speaker unless its group changed, so this adds nothing unless
        something above is wrong; then it keeps the store whole)."""
        covered = taken | {r.id for members, _ in out for r in members}
        while True:
            missing = [r for r in self.index.of_speakers(self.old_speakers - {None}) if r.id not in covered]
            if not missing:
                return out
            for row in missing:
                if row.id in covered:
                    continue
                group = self._group_of(row)
                out.append((group, set()))
                covered.update(r.id for r in group)
                self.old_speakers.update(r.was[2] for r in group)

    # 5-6. speakers, ids, maybe flags

    def write(self, clusters: list[tuple[list[Row], set[str]]]) -> int:
        rows = [r for members, _ in clusters for r in members]
        self.index.load_names(rows)
        drafts = [self.norm.draft(sorted(r.key for r in members), flags, {r.key: r.unit for r in members})
                  for members, flags in clusters]
        old = self.old_speakers - {None}
        stored = self._stored(old, drafts)
        keys = [(d.kind, d.key0, d.ext1, d.ext2) for d in drafts] + \
               [(s.kind, s.key0, s.ext1, s.ext2) for s in stored]
        key1s, key2s = final_keys(keys)
        new_ids = [speaker_id(kind, k2) for (kind, *_), k2 in zip(keys, key2s)]
        renamed = {s.id: (new_ids[len(drafts) + i], key1s[len(drafts) + i]) for i, s in enumerate(stored)
                   if new_ids[len(drafts) + i] != s.id}
        self._replace_speakers(clusters, drafts, new_ids[: len(drafts)], key1s[: len(drafts)], old, renamed)
        families = {f for r in rows for f in (r.family, r.was[3]) if f}
        families |= {r.was[3] for r in self.dropped if r.was[3]}
        families |= {r.family for r in self.index.of_speakers({new for new, _ in renamed.values()}) if r.family}
        self._maybe_flags(families)
        # Units that changed speaker (a new unit's quotes are all in documents placed again).
        self._moved = [r for (members, _), sid in zip(clusters, new_ids) for r in members
                       if r.was[2] != sid and r.was[2] is not None]
        return len(drafts) + len(renamed)

    def _stored(self, old: set[str], drafts: list[Draft]) -> list[_Stored]:
        """The stored speakers (not being made again) whose ids can change with ``drafts``:
        those sharing a key0 with a changed speaker, or a key1, closed under both."""
        found: dict[str, _Stored] = {}
        seen0: set[tuple[str, str]] = set()
        seen1: set[tuple[str, str]] = set()
        gone = self._keys_of(old)
        want0 = {(d.kind, d.key0) for d in drafts} | {(s.kind, s.key0) for s in gone}
        while True:
            for kind, key0 in want0 - seen0:
                for s in self._keys_where("kind = ? AND key0 = ?", (kind, key0)):
                    if s.id not in old:
                        found.setdefault(s.id, s)
            seen0 |= want0
            everything = [(d.kind, d.key0, d.ext1, d.ext2) for d in drafts] + \
                         [(s.kind, s.key0, s.ext1, s.ext2) for s in found.values()]
            key1s, _ = final_keys(everything)
            want1 = {(k[0], k1) for k, k1 in zip(everything, key1s)} | {(s.kind, s.key1) for s in gone} | \
                    {(s.kind, s.key1) for s in found.values()}
            grown = False
            for kind, key1 in want1 - seen1:
                for s in self._keys_where("kind = ? AND key1 = ?", (kind, key1)):
                    if s.id not in old and s.id not in found:
                        found[s.id] = s
                        want0.add((s.kind, s.key0))
                        grown = True
            seen1 |= want1
            if not grown and want0 <= seen0:
                return list(found.values())

    def _keys_where(self, where: str, params: tuple) -> list[_Stored]:
        return [_Stored(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in self.conn.execute(
            f"SELECT speaker, kind, key0, key1, ext1, ext2, ambiguous FROM speaker_keys WHERE {where}", params)]

    def _keys_of(self, speakers: set[str]) -> list[_Stored]:
        out: list[_Stored] = []
        for chunk in chunks(sorted(speakers)):
            out += self._keys_where(f"speaker IN ({marks(chunk)})", tuple(chunk))
        return out

    def _replace_speakers(self, clusters, drafts: list[Draft], ids: list[str], key1s: list[str],
                          old: set[str], renamed: dict[str, tuple[str, str]]) -> None:
        conn = self.conn
        kept = {sid: conn.execute("SELECT name, kind, flags FROM speakers WHERE id = ?", (sid,)).fetchone()
                for sid in renamed}
        kept_aliases = {sid: {a for (a,) in conn.execute("SELECT alias FROM aliases WHERE speaker_id = ?", (sid,))}
                        for sid in renamed}
        kept_keys = {s.id: s for s in self._keys_of(set(renamed))}
        gone = sorted(old | set(renamed))
        # A speaker redone under the id it had is updated in place: deleted and inserted again,
        # the insert's trigger would look at every quote of that speaker (all of a much-quoted
        # person's, read from disk on a cold cache: seconds on a million articles) for a name
        # that, as a rule, has not changed.
        staying = {sid for sid in ids if sid in old and sid not in renamed}
        names = {sid: row[0] for sid in staying
                 if (row := conn.execute("SELECT name FROM speakers WHERE id = ?", (sid,)).fetchone()) is not None}
        for chunk in chunks(gone):
            conn.execute(f"DELETE FROM speaker_keys WHERE speaker IN ({marks(chunk)})", chunk)
        for chunk in chunks([sid for sid in gone if sid not in names]):
            conn.execute(f"DELETE FROM speakers WHERE id IN ({marks(chunk)})", chunk)  # and their aliases
        mentions = {r.key: r.mentions for members, _ in clusters for r in members}
        raws = _stored_names(conn, [r for members, _ in clusters for r in members])
        for d, sid in zip(drafts, ids):
            if sid in names:
                _update_speaker(conn, sid, names[sid], d.name, d.kind, sorted(d.flags), _aliases(d, mentions, raws))
            else:
                _insert_speaker(conn, sid, d.name, d.kind, sorted(d.flags), _aliases(d, mentions, raws))
        _write_keys(conn, list(zip(ids, drafts, key1s)))
        for old_id, (new_id, key1) in renamed.items():
            name, kind, flags = kept[old_id]
            _insert_speaker(conn, new_id, name, kind, [f for f in flags.split(",") if f], kept_aliases[old_id])
            s = kept_keys[old_id]
            conn.execute(
                "INSERT INTO speaker_keys(speaker, kind, key0, key1, ext1, ext2, ambiguous) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (new_id, s.kind, s.key0, key1, s.ext1, s.ext2, int(s.ambiguous)),
            )
        for (members, _), sid in zip(clusters, ids):
            for r in members:
                r.speaker = sid
        self.index.write_units([r for members, _ in clusters for r in members])
        if renamed:  # read all first: one speaker's new id may be another's old one
            moving = self.index.of_speakers(renamed)
            for row in moving:
                row.speaker = renamed[row.speaker][0]
            self.index.write_units(moving)
            self._renamed_quotes = [(renamed[sid][0], rowid) for rowid, sid in self._rows_pointing_at(renamed)]
        else:
            self._renamed_quotes = []

    def _rows_pointing_at(self, speakers) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for chunk in chunks(sorted(speakers)):
            out += self.conn.execute(
                f"SELECT rowid, speaker_id FROM quotes WHERE speaker_id IN ({marks(chunk)})", chunk
            ).fetchall()
        return [tuple(r) for r in out]

    def _maybe_flags(self, families: set[str]) -> None:
        """Work out again the ``maybe:`` flags of every ambiguous speaker with a unit of these surnames."""
        if not families:
            return
        rows = self.index.in_families(families)
        ambiguous = self._ambiguous({r.speaker for r in rows})
        targets = sorted({r.speaker for r in rows if r.speaker in ambiguous})
        if not targets:
            return
        by_family: dict[str, list[tuple[str, list[Unit]]]] = {}
        for sid in targets:
            units = [r.unit for r in self.index.of_speakers([sid])]
            for f in {u.family for u in units} - {None}:
                if f not in by_family:
                    by_family[f] = self._candidates(f)
            flags = self.conn.execute("SELECT flags FROM speakers WHERE id = ?", (sid,)).fetchone()[0]
            base = {x for x in flags.split(",") if x and not x.startswith("maybe:")}
            new = ",".join(sorted(base | maybe_flags(units, sid, by_family)))
            if new != flags:
                self.conn.execute("UPDATE speakers SET flags = ? WHERE id = ?", (new, sid))

    def _ambiguous(self, speakers: set[str]) -> set[str]:
        return {s.id for s in self._keys_of(speakers - {None}) if s.ambiguous}

    def _candidates(self, family: str) -> list[tuple[str, list[Unit]]]:
        """(id, units) of every speaker that is not ambiguous and has a unit of this surname."""
        speakers = {r.speaker for r in self.index.in_families([family])}
        others = sorted(speakers - self._ambiguous(speakers) - {None})
        by_speaker: dict[str, list[Unit]] = defaultdict(list)
        for r in self.index.of_speakers(others):
            by_speaker[r.speaker].append(r.unit)
        return [(sid, by_speaker[sid]) for sid in others]

    # 7. quotes

    def point_quotes(self, doc_ids: list[str]) -> None:
        conn = self.conn
        conn.executemany("UPDATE quotes SET speaker_id = ? WHERE rowid = ?", self._renamed_quotes)
        conn.executemany(
            "UPDATE quotes SET speaker_id = ? WHERE rowid IN (SELECT q.rowid FROM speaker_placements p"
            " JOIN quotes q ON q.doc_id = p.doc_id LEFT JOIN reviews r ON r.quote_id = q.id"
            " WHERE p.unit = ? AND coalesce(r.speaker_name, q.speaker_name) = p.name)",
            [(r.speaker, r.id) for r in self._moved],
        )
        conn.executemany(f"UPDATE quotes SET speaker_id = {_QUOTE_SPEAKER} WHERE doc_id = ?",
                         [(d,) for d in sorted(set(doc_ids))])


def _slot(row: Row) -> tuple:
    return (row.bucket, row.grp) if row.bucket is not None else (None, row.key)


def _slot_order(slot: tuple) -> tuple:
    """The order :meth:`Normaliser._group_units` lists groups in: lone units by key, then buckets."""
    bucket, rest = slot
    return (0, rest) if bucket is None else (1, bucket, rest)


def documents_naming(conn, names: set[str]) -> set[str]:
    """Documents where a speaker name folds to one of ``names`` (what an override change
    can change: in-article resolution, splits, forbids, merges and renames all match names so)."""
    index = Index(conn)
    out: set[str] = set()
    for row in index.with_names(names):
        for doc_id, name in conn.execute("SELECT doc_id, name FROM speaker_placements WHERE unit = ?", (row.id,)):
            if placement_names(name, display_of(name, row.unit.kind)) & names:
                out.add(doc_id)
    return out
