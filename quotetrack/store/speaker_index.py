"""The speaker index: what the normaliser decided, kept in the store so a refresh redoes only what changed.

Tables (see ``schema.py``):

- ``speaker_placements``: each distinct speaker name of each document (a reviewer's
  correction first) and the unit the normaliser placed it in; a quote's speaker is
  the speaker of its own placement (document, name), never a look-up of the name
  among every speaker's aliases;
- ``speaker_units``: a unit (names that normalise to one key), with what it took from
  its first placement (profile, flag), its counts, its bucket and group, its speaker;
- ``speaker_unit_names``: the folded names each unit holds (overrides name them);
- ``speaker_keys``: what each speaker's id is made of, so speakers sharing a key are
  found without reading the rest;
- ``speaker_dirty``: documents whose names changed since the last refresh, written by
  triggers on ``quotes`` and ``reviews`` whoever changes them.

Nothing here decides anything: the rules are :mod:`quotetrack.names.cluster`'s.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import orjson

from ..names.cluster import Bucket, Placement, Unit, UnitKey, unit_bucket
from ..names.org import OrgName
from ..names.person import PersonName
from .base import chunks, marks

# A quote names its speaker in these ways by words that are the speaker's too ("Lavrov" for
# Sergey Lavrov): those words become aliases of the speaker.
MENTION_METHODS = ("syntax", "apposition", "according")

_NAMES_SQL = (
    "SELECT q.doc_id, coalesce(r.speaker_name, q.speaker_name), q.speaker_kind, q.speaker_name, q.mention_text, q.method"
    " FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id"
    " WHERE coalesce(r.speaker_name, q.speaker_name) IS NOT NULL"
)
_UNIT_COLUMNS = "id, kind, key, bucket, family, source, surfaces, mentions, grp, ambiguous, speaker"


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A digest of the normaliser's code and tables: an index made by other rules is rebuilt."""
    folder = Path(__file__).resolve().parent.parent / "names"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# -- profiles as JSON ----------------------------------------------------------------------

def encode_profile(profile: PersonName | OrgName | None) -> list | None:
    if profile is None:
        return None
    tag = "p" if isinstance(profile, PersonName) else "o"
    return [tag, *(getattr(profile, f.name) for f in fields(profile))]


def decode_profile(value: list | None) -> PersonName | OrgName | None:
    if value is None:
        return None
    tag, *values = value
    if tag == "p":
        names = [f.name for f in fields(PersonName)]
        data = dict(zip(names, values))
        data["middles"] = tuple(data["middles"])
        return PersonName(**data)
    return OrgName(*values)


def bucket_text(bucket: Bucket | None) -> str | None:
    return None if bucket is None else f"{bucket[0]}\x1f{bucket[1]}"


def bucket_of_text(text: str | None) -> Bucket | None:
    if text is None:
        return None
    kind, key = text.split("\x1f", 1)
    return (kind, key)


# -- a document's names ----------------------------------------------------------------------

@dataclass
class DocNames:
    """One document's speaker names: quotes per name, kinds tagged, words that become aliases."""

    counts: Counter = field(default_factory=Counter)
    votes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    mentions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, name: str, kind: str, extracted: str | None, mention: str | None, method: str) -> None:
        if not name.strip():
            return  # a blank name names nobody (the normaliser drops it too)
        self.counts[name] += 1
        self.votes[name][kind] += 1
        if mention is not None and mention != extracted and method in MENTION_METHODS:
            self.mentions[name].add(mention)


def _rows_to_docs(rows: Iterable[tuple]) -> Iterator[tuple[str, DocNames]]:
    """Rows ordered by document -> (doc_id, names) per document."""
    current, names = None, DocNames()
    for doc_id, name, kind, extracted, mention, method in rows:
        if doc_id != current:
            if current is not None:
                yield current, names
            current, names = doc_id, DocNames()
        names.add(name, kind, extracted, mention, method)
    if current is not None:
        yield current, names


def all_document_names(conn: sqlite3.Connection) -> Iterator[tuple[str, DocNames]]:
    """Every document's names, in document order, read as a stream (the store may hold millions)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return _rows_to_docs(cursor.execute(_NAMES_SQL + " ORDER BY q.doc_id"))


def document_names(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, DocNames]:
    """The names of ``doc_ids`` (a document without any is absent)."""
    out: dict[str, DocNames] = {}
    cursor = conn.cursor()
    cursor.row_factory = None
    for chunk in chunks(doc_ids):
        rows = cursor.execute(_NAMES_SQL + f" AND q.doc_id IN ({marks(chunk)}) ORDER BY q.doc_id", chunk)
        out.update(_rows_to_docs(rows))
    return out


# -- units as stored ---------------------------------------------------------------------------

@dataclass(eq=False)
class Row:
    """One unit as stored, and what a refresh changes on it.

    ``unit.names`` is filled only when asked (:meth:`Index.load_names`);
    ``unit.ambiguous`` is the final flag (its article's, or its bucket's).
    """

    id: int
    unit: Unit
    source: tuple[str, str]  # (doc_id, name) of its first placement
    flag: str  # that placement's flag
    mentions: Counter
    bucket: Bucket | None
    grp: int
    speaker: str | None
    was: tuple  # (bucket, grp, speaker, family, ambiguous) as read
    touched: bool = False
    names_loaded: bool = False
    reshaped: bool = False  # took a profile or flag that differs: its bucket must be grouped again

    @property
    def key(self) -> UnitKey:
        return (self.unit.kind, self.unit.key)

    @property
    def family(self) -> str | None:
        return self.unit.family

    def take_source(self, placement: Placement) -> None:
        """Take profile and flag from ``placement``, now the unit's first."""
        if (placement.profile, placement.flag) != (self.unit.profile, self.flag):
            self.reshaped = True
        self.source = (placement.doc_id, placement.name)
        self.flag = placement.flag
        self.unit.profile = placement.profile
        self.unit.split = placement.flag == "split"
        self.bucket = unit_bucket(placement.profile, self.unit.split, placement.flag == "ambiguous")
        if self.bucket is None:
            self.unit.ambiguous = placement.flag == "ambiguous"

    def record(self) -> tuple:
        """The row's columns, id last (for UPDATE ... WHERE id = ?)."""
        source = orjson.dumps([*self.source, self.flag, encode_profile(self.unit.profile)]).decode()
        return (
            self.unit.kind, self.unit.key, bucket_text(self.bucket), self.family, source,
            orjson.dumps(dict(self.unit.surfaces)).decode(),
            orjson.dumps(dict(self.mentions)).decode() if self.mentions else None,
            self.grp, int(self.unit.ambiguous), self.speaker, self.id,
        )


def _row(values: tuple) -> Row:
    rid, kind, key, bucket, family, source, surfaces, mentions, grp, ambiguous, speaker = values
    doc_id, name, flag, profile = orjson.loads(source)
    unit = Unit(kind, key, decode_profile(profile), Counter(orjson.loads(surfaces)),
                ambiguous=bool(ambiguous), split=flag == "split")
    mentions_ = Counter(orjson.loads(mentions)) if mentions else Counter()
    b = bucket_of_text(bucket)
    return Row(rid, unit, (doc_id, name), flag, mentions_, b, grp, speaker, (b, grp, speaker, family, bool(ambiguous)))


class Index:
    """Reads and writes the index tables for one refresh, keeping every unit it read (by id)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.rows: dict[int, Row] = {}
        self.by_key: dict[UnitKey, int] = {}

    def _keep(self, values: tuple) -> Row:
        rid = values[0]
        row = self.rows.get(rid)
        if row is None:
            row = self.rows[rid] = _row(values)
            self.by_key[row.key] = rid
        return row

    def _select(self, where: str, params: Iterable = ()) -> list[Row]:
        return [self._keep(tuple(v)) for v in self.conn.execute(f"SELECT {_UNIT_COLUMNS} FROM speaker_units {where}",
                                                                tuple(params))]

    # -- reading units --

    def unit(self, key: UnitKey) -> Row | None:
        rid = self.by_key.get(key)
        if rid is not None:
            return self.rows[rid]
        found = self._select("WHERE kind = ? AND key = ?", key)
        return found[0] if found else None

    def units(self, ids: Iterable[int]) -> list[Row]:
        ids = list(dict.fromkeys(ids))
        missing = [i for i in ids if i not in self.rows]
        for chunk in chunks(missing):
            self._select(f"WHERE id IN ({marks(chunk)})", chunk)
        return [self.rows[i] for i in ids if i in self.rows]

    def in_bucket(self, bucket: Bucket) -> list[Row]:
        """Every unit of ``bucket`` as stored now (write changed buckets first)."""
        return self._select("WHERE bucket = ?", (bucket_text(bucket),))

    def in_group(self, bucket: Bucket, grp: int) -> list[Row]:
        return self._select("WHERE bucket = ? AND grp = ?", (bucket_text(bucket), grp))

    def of_speakers(self, speakers: Iterable[str]) -> list[Row]:
        out: list[Row] = []
        for chunk in chunks(sorted(set(speakers))):
            out += self._select(f"WHERE speaker IN ({marks(chunk)})", chunk)
        return out

    def in_families(self, families: Iterable[str]) -> list[Row]:
        out: list[Row] = []
        for chunk in chunks(sorted(set(families))):
            out += self._select(f"WHERE family IN ({marks(chunk)})", chunk)
        return out

    def with_names(self, names: Iterable[str]) -> list[Row]:
        """Units holding any of the folded ``names``."""
        ids: list[int] = []
        for chunk in chunks(sorted(set(names))):
            ids += [r[0] for r in self.conn.execute(
                f"SELECT DISTINCT unit FROM speaker_unit_names WHERE name IN ({marks(chunk)})", chunk)]
        return self.units(ids)

    def load_names(self, rows: Iterable[Row]) -> None:
        """Fill ``unit.names`` of the rows that have not got them yet."""
        todo = {r.id: r for r in rows if not r.names_loaded}
        for chunk in chunks(list(todo)):
            for unit, name in self.conn.execute(
                f"SELECT unit, name FROM speaker_unit_names WHERE unit IN ({marks(chunk)})", chunk
            ):
                todo[unit].unit.names.add(name)
        for r in todo.values():
            r.names_loaded = True

    def first_placement(self, rid: int) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT doc_id, name FROM speaker_placements WHERE unit = ? ORDER BY doc_id, name LIMIT 1", (rid,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def placements(self, doc_ids: list[str]) -> dict[str, list[tuple]]:
        """doc_id -> [(name, unit, count, mentions)] as stored."""
        out: dict[str, list[tuple]] = defaultdict(list)
        for chunk in chunks(doc_ids):
            for doc_id, name, unit, count, mentions in self.conn.execute(
                "SELECT doc_id, name, unit, count, mentions FROM speaker_placements"
                f" WHERE doc_id IN ({marks(chunk)})", chunk
            ):
                out[doc_id].append((name, unit, count, orjson.loads(mentions) if mentions else []))
        return out

    def docs_of_units(self, ids: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for chunk in chunks(sorted(set(ids))):
            out.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT doc_id FROM speaker_placements WHERE unit IN ({marks(chunk)})", chunk))
        return out

    # -- writing units --

    def new_unit(self, p: Placement) -> Row:
        """A unit for a key the store has not got yet (made from its first placement)."""
        unit = Unit.first(p)
        cur = self.conn.execute(
            "INSERT INTO speaker_units(kind, key, source, surfaces) VALUES (?, ?, '[]', '{}')", (p.kind, p.key)
        )
        row = Row(int(cur.lastrowid), unit, (p.doc_id, p.name), p.flag, Counter(), None, 0, None,
                  (None, 0, None, None, False), touched=True)
        row.take_source(p)
        self.rows[row.id], self.by_key[row.key] = row, row.id
        return row

    def write_units(self, rows: Iterable[Row]) -> None:
        self.conn.executemany(
            "UPDATE speaker_units SET kind = ?, key = ?, bucket = ?, family = ?, source = ?, surfaces = ?,"
            " mentions = ?, grp = ?, ambiguous = ?, speaker = ? WHERE id = ?",
            [r.record() for r in rows],
        )

    def drop_units(self, rows: list[Row]) -> None:
        ids = [(r.id,) for r in rows]
        self.conn.executemany("DELETE FROM speaker_units WHERE id = ?", ids)
        self.conn.executemany("DELETE FROM speaker_unit_names WHERE unit = ?", ids)
        for r in rows:
            self.rows.pop(r.id, None)
            self.by_key.pop(r.key, None)

    def add_names(self, deltas: dict[int, Counter]) -> None:
        """Add (or take away) placements holding each folded name, per unit."""
        pairs = [(name, rid, n) for rid, names in deltas.items() for name, n in names.items() if n]
        self.conn.executemany(
            "INSERT INTO speaker_unit_names(name, unit, n) VALUES (?, ?, ?)"
            " ON CONFLICT(name, unit) DO UPDATE SET n = n + excluded.n", pairs,
        )
        self.conn.executemany("DELETE FROM speaker_unit_names WHERE name = ? AND unit = ? AND n <= 0",
                              [(name, rid) for name, rid, n in pairs if n < 0])

    def write_placements(self, doc_ids: list[str], rows: list[tuple]) -> None:
        """Replace the placements of ``doc_ids`` by ``rows`` (doc_id, name, unit, count, mentions)."""
        for chunk in chunks(doc_ids):
            self.conn.execute(f"DELETE FROM speaker_placements WHERE doc_id IN ({marks(chunk)})", chunk)
        self.conn.executemany(
            "INSERT INTO speaker_placements(doc_id, name, unit, count, mentions) VALUES (?, ?, ?, ?, ?)", rows
        )


def placement_row(p: Placement, rid: int, mentions: set[str] | None) -> tuple:
    return (p.doc_id, p.name, rid, p.count, orjson.dumps(sorted(mentions)).decode() if mentions else None)
