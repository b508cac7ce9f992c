"""Speakers across the corpus: the normaliser run over the store, and reading speakers back.

Normalisation runs after extraction and gives the same result as clustering
every name in the store at once, whichever way (and in whatever order) the
documents were extracted. It is incremental: the store keeps what the
normaliser decided (``speaker_index.py``), triggers note which documents'
names changed, and a refresh redoes only the parts of the speakers those
touch (``speaker_refresh.py``). :meth:`Speakers.rebuild_speakers` clusters
everything again. Each quote's speaker is the speaker its own name, in its
own document, was placed in.

A reviewer's speaker correction points its quote at a known speaker at once
and marks the speakers stale; the next refresh (export, the speakers screen,
leaving the review) gives every name its final id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .base import StoreBase, utc_now
from .refresh_report import RefreshReport
from .selection import ALL, Selection

if TYPE_CHECKING:
    from ..names import Overrides

# The normaliser (quotetrack.names) is imported where it is used: its tables take about
# 40 ms to load, and the review opens, decides and exports without it.

ALIASES_META_KEY = "aliases_file"
# Counters in meta: speaker corrections made, and how many of them the last refresh saw.
_STALE_KEY, _FRESH_KEY = "speakers_changed", "speakers_refreshed"
# The rules the index was made by, and the overrides it applies (JSON).
_RULES_KEY, _OVERRIDES_KEY = "speaker_rules", "speaker_overrides_applied"


@dataclass(slots=True)
class SpeakerSummary:
    """A canonical speaker: its names, and the quotes and documents that name it."""

    id: str
    name: str
    kind: str
    aliases: list[str]  # every name it holds, its own included, sorted
    quote_count: int = 0
    documents: list[str] = field(default_factory=list)  # sorted ids
    flags: list[str] = field(default_factory=list)


class Speakers(StoreBase):
    # -- the normaliser over the store --

    def refresh_speakers(self, base: Overrides | None = None, *, full: bool = False) -> RefreshReport:
        """Bring speakers, aliases and quote speaker ids up to date with the store's names.

        Only what changed since the last refresh is recomputed (documents
        extracted, re-extracted or removed, reviewers' speaker corrections,
        changed overrides); the result is what clustering every name at once
        gives. ``full`` (or a store whose index was made by other rules)
        clusters everything again. Overrides: ``base`` (default: the
        remembered aliases file), then every reviewer decision in the store,
        later ones winning. Afterwards the speakers are fresh
        (:meth:`speakers_stale` is False) unless a reviewer corrected a
        speaker meanwhile.
        """
        from ..names import Normaliser
        from ..names.overrides import with_decisions
        from . import speaker_refresh
        from .speaker_index import rules_version

        if base is None:
            base = self.file_overrides()
        overrides = with_decisions(base, self.speaker_overrides())
        applied = _overrides_json(overrides)
        normaliser = Normaliser(overrides)
        with self.transaction():
            seen = self.get_meta(_STALE_KEY, "0") or "0"
            previous = self.get_meta(_OVERRIDES_KEY)
            if full or previous is None or self.get_meta(_RULES_KEY) != rules_version():
                report = speaker_refresh.rebuild(self.conn, normaliser)
            else:
                dirty = {r[0] for r in self.conn.execute("SELECT doc_id FROM speaker_dirty")}
                changed = previous != applied
                if changed:
                    dirty |= speaker_refresh.documents_naming(self.conn, _changed_names(previous, overrides))
                if dirty or changed:
                    report = speaker_refresh.update(self.conn, normaliser, sorted(dirty), changed)
                else:
                    report = RefreshReport("none")
                self.conn.execute("DELETE FROM speaker_dirty")
            self.set_meta(_RULES_KEY, rules_version())
            self.set_meta(_OVERRIDES_KEY, applied)
            self.set_meta(_FRESH_KEY, seen)
        return report

    def rebuild_speakers(self, base: Overrides | None = None) -> RefreshReport:
        """Cluster every speaker name in the store again, from nothing (``quotetrack speakers --rebuild``)."""
        return self.refresh_speakers(base, full=True)

    def speakers_stale(self) -> bool:
        """True when speaker names changed (corrections, documents) since speakers were last refreshed."""
        if (self.get_meta(_STALE_KEY, "0") or "0") != (self.get_meta(_FRESH_KEY, "0") or "0"):
            return True
        return self.conn.execute("SELECT 1 FROM speaker_dirty LIMIT 1").fetchone() is not None

    def refresh_speakers_if_stale(self) -> bool:
        """Refresh speakers when names changed since the last time; True if it ran."""
        if not self.speakers_stale():
            return False
        self.refresh_speakers()
        return True

    def _point_at_speaker(self, quote_id: str, name: str | None) -> str | None:
        """Point the quote at a speaker for its (corrected) name at once, until the next refresh.

        The speaker that name already has in the quote's document if it has
        one there, else (a guess the refresh settles) a speaker holding the
        name as an alias. A name no speaker has yet gets its id at the next
        refresh. Marks the speakers stale; runs inside the caller's transaction.
        """
        sid = None
        if name is not None:
            row = self.conn.execute(
                "SELECT u.speaker FROM quotes q JOIN speaker_placements p ON p.doc_id = q.doc_id AND p.name = ?"
                " JOIN speaker_units u ON u.id = p.unit WHERE q.id = ?", (name, quote_id)
            ).fetchone() or self.conn.execute(
                "SELECT speaker_id FROM aliases WHERE alias = ? ORDER BY speaker_id LIMIT 1", (name,)
            ).fetchone()
            sid = row[0] if row else None
        self.conn.execute("UPDATE quotes SET speaker_id = ? WHERE id = ?", (sid, quote_id))
        self.set_meta(_STALE_KEY, str(int(self.get_meta(_STALE_KEY, "0") or 0) + 1))
        return sid

    # -- decisions that beat the rules --

    def add_speaker_override(self, action: str, a: str, b: str | None = None, by: str | None = None) -> int:
        """Record a reviewer's speaker decision; it applies at every later normalisation.

        ``merge`` a and b (names) into one speaker; ``forbid`` merging them;
        ``split`` name a off into a speaker of its own; ``rename`` the speaker
        holding name a to display name b.
        """
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO speaker_overrides(action, a, b, by, at) VALUES (?, ?, ?, ?, ?)",
                (action, a, b, by, utc_now()),
            )
        return int(cur.lastrowid)

    def speaker_overrides(self) -> list[tuple[str, str, str | None]]:
        """(action, a, b) in the order they were made, leaving out those undone."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT action, a, b FROM speaker_overrides WHERE undone_at IS NULL ORDER BY id")]

    def undo_speaker_override(self, by: str | None) -> tuple[str, str, str | None] | None:
        """Take back this reviewer's latest speaker decision still in force; (action, a, b), or None.

        The row stays (who undid it, and when, is its ``undone_at``); later
        normalisations leave it out. The caller re-clusters.
        """
        with self.transaction():
            row = self.conn.execute(
                "SELECT id, action, a, b FROM speaker_overrides WHERE by IS ? AND undone_at IS NULL"
                " ORDER BY id DESC LIMIT 1", (by,)).fetchone()
            if row is None:
                return None
            self.conn.execute("UPDATE speaker_overrides SET undone_at = ? WHERE id = ?", (utc_now(), row[0]))
        return row[1], row[2], row[3]

    def speaker_quote_names(self, speaker_id: str) -> list[str]:
        """The names this speaker's quotes give it (a correction first), most used first."""
        return [r[0] for r in self.conn.execute(
            "SELECT coalesce(r.speaker_name, q.speaker_name) AS name FROM quotes q"
            " LEFT JOIN reviews r ON r.quote_id = q.id WHERE q.speaker_id = ? AND name IS NOT NULL"
            " GROUP BY name ORDER BY count(*) DESC, name", (speaker_id,))]

    def use_aliases_file(self, path: str | Path) -> Overrides:
        """Read an aliases file (ValueError naming the problem) and remember it for later refreshes."""
        from ..names import load_overrides

        overrides = load_overrides(path)
        with self.transaction():
            self.set_meta(ALIASES_META_KEY, str(Path(path).resolve()))
        return overrides

    def file_overrides(self) -> Overrides | None:
        """The remembered aliases file's overrides, if one was given and still exists."""
        from ..names import load_overrides

        path = self.get_meta(ALIASES_META_KEY)
        if not path or not Path(path).exists():
            return None
        return load_overrides(path)

    # -- reading speakers --

    def speakers(self, selection: Selection = ALL, *, documents: bool = True,
                 without_rejected: bool = False) -> list[SpeakerSummary]:
        """Every speaker with its aliases, flags, quote count and documents, most quoted first.

        ``without_rejected``: rejected quotes are not counted (nor their documents), as a
        reviewer sees speakers: those quotes are not the speaker's. An export counts what
        it holds, rejected quotes included when they are exported.

        ``selection``: count only the quotes it selects (what a filtered export
        holds); a speaker none of them names is listed with no quotes.
        ``documents=False`` leaves ``documents`` empty and skips reading every
        quote: counts alone come from an index (the speaker picker opens in
        milliseconds on 100,000 quotes).
        """
        # A quote has a speaker id only if it has a (corrected or extracted) name: ids are
        # given by looking that name up among the aliases. So no name check is needed here.
        where, params = selection.where()
        where = "LEFT JOIN reviews r ON r.quote_id = q.id " + (where + " AND" if where else "WHERE") + " q.speaker_id IS NOT NULL"
        rejected = "rejected" if without_rejected else "-"  # the status left out
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: much faster than sqlite3.Row over every quote
        counts: dict[str, int] = {}
        docs: dict[str, list[str]] = {}
        if documents:
            pairs = Counter(cursor.execute(
                f"SELECT q.speaker_id, q.doc_id FROM quotes q {where}"
                " AND r.status IS NOT ?", [*params, rejected]))
            for (sid, doc_id), n in pairs.items():
                counts[sid] = counts.get(sid, 0) + n
                docs.setdefault(sid, []).append(doc_id)
        else:
            counts = dict(cursor.execute(f"SELECT q.speaker_id, count(*) FROM quotes q {where} GROUP BY q.speaker_id",
                                         params))
            # Rejected quotes are not the speaker's: taken off from the reviews' side, which is
            # small, so the count itself still comes from the index.
            for sid, n in cursor.execute(
                f"SELECT q.speaker_id, count(*) FROM reviews r2 JOIN quotes q ON q.id = r2.quote_id {where}"
                " AND r2.status = ? GROUP BY q.speaker_id", [*params, rejected]):
                counts[sid] = counts.get(sid, 0) - n
        aliases: dict[str, list[str]] = {}
        for alias, sid in cursor.execute("SELECT alias, speaker_id FROM aliases ORDER BY alias"):
            aliases.setdefault(sid, []).append(alias)
        out = [
            SpeakerSummary(
                id=sid, name=name, kind=kind, aliases=aliases.get(sid, []), quote_count=counts.get(sid, 0),
                documents=sorted(docs.get(sid, ())), flags=[f for f in flags.split(",") if f],
            )
            for sid, name, kind, flags in cursor.execute("SELECT id, name, kind, flags FROM speakers")
        ]
        out.sort(key=lambda s: (-s.quote_count, s.name, s.id))
        return out

    def canonical_names(self) -> dict[str, str]:
        """Speaker id → the name it is shown under."""
        return dict(self.conn.execute("SELECT id, name FROM speakers"))


def _overrides_json(overrides: Overrides) -> str:
    return orjson.dumps({"merge": overrides.merges, "forbid": overrides.forbids, "split": overrides.splits,
                         "rename": overrides.renames}).decode()


def _changed_names(previous: str, now: Overrides) -> set[str]:
    """The folded names of every override entry that was added, removed or changed."""
    from ..names import fold

    def entries(merges, forbids, splits, renames) -> set[tuple]:
        return ({("merge", *sorted((fold(a), fold(b)))) for a, b in merges}
                | {("forbid", *sorted((fold(a), fold(b)))) for a, b in forbids}
                | {("split", fold(n)) for n in splits}
                | {("rename", fold(k), v) for k, v in renames.items()})

    old = orjson.loads(previous)
    diff = entries(old["merge"], old["forbid"], old["split"], old["rename"]) ^ \
        entries(now.merges, now.forbids, now.splits, now.renames)
    return {n for entry in diff for n in (entry[1:] if entry[0] != "rename" else entry[1:2])}
