"""Speakers across the corpus: the normaliser run over the store, and reading speakers back.

Normalisation runs after extraction, over everything in the store, so the
result is the same whichever way (and in whatever order) the documents were
extracted. A reviewer's speaker correction points its quote at a known
speaker at once and marks the speakers stale; the next full refresh (export,
the speakers screen, leaving the review) gives every name its final id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .base import StoreBase, utc_now
from .selection import ALL, Selection

if TYPE_CHECKING:
    from ..names import Overrides, SpeakerCluster

# The normaliser (quotetrack.names) is imported where it is used: its tables take about
# 40 ms to load, and the review opens, decides and exports without it.

ALIASES_META_KEY = "aliases_file"
# Counters in meta: speaker corrections made, and how many of them the last refresh saw.
_STALE_KEY, _FRESH_KEY = "speakers_changed", "speakers_refreshed"


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

    def refresh_speakers(self, base: Overrides | None = None) -> list[SpeakerCluster]:
        """Cluster every speaker name in the store and write speakers, aliases and quote speaker ids.

        Overrides: ``base`` (default: the remembered aliases file), then every
        reviewer decision in the store, later ones winning. Afterwards the
        speakers are fresh (:meth:`speakers_stale` is False) unless a
        reviewer corrected a speaker meanwhile.
        """
        from ..names import NameOccurrence, Normaliser
        from ..names.overrides import with_decisions

        seen = self.get_meta(_STALE_KEY, "0") or "0"
        occurrences = [NameOccurrence(name, kind, doc_id, n) for name, kind, doc_id, n in self._speaker_occurrences()]
        if base is None:
            base = self.file_overrides()
        clusters = Normaliser(with_decisions(base, self.speaker_overrides())).cluster(occurrences)
        self._replace_speakers(clusters, seen)
        return clusters

    def speakers_stale(self) -> bool:
        """True when speaker corrections were made since speakers were last re-clustered."""
        return (self.get_meta(_STALE_KEY, "0") or "0") != (self.get_meta(_FRESH_KEY, "0") or "0")

    def refresh_speakers_if_stale(self) -> bool:
        """Re-cluster speakers when a reviewer changed a speaker since the last time; True if it ran."""
        if not self.speakers_stale():
            return False
        self.refresh_speakers()
        return True

    def _speaker_occurrences(self) -> list[tuple[str, str, str, int]]:
        """(name, kind, doc_id, count) for every distinct named speaker per document.

        A reviewer's corrected speaker name counts instead of the extracted one.
        """
        return [
            tuple(r)
            for r in self.conn.execute(
                "SELECT coalesce(r.speaker_name, q.speaker_name) AS name, q.speaker_kind, q.doc_id, count(*)"
                " FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id"
                " WHERE coalesce(r.speaker_name, q.speaker_name) IS NOT NULL"
                " GROUP BY name, q.speaker_kind, q.doc_id ORDER BY name, q.doc_id"
            )
        ]

    def _replace_speakers(self, clusters: list[SpeakerCluster], seen: str) -> None:
        """Replace the speaker table with ``clusters`` and point quotes at it; ``seen`` corrections are in.

        A quote's speaker id is that of the speaker holding its name (a
        reviewer's corrected name first) as an alias.
        """
        conn = self.conn
        with self.transaction():
            conn.execute("DELETE FROM aliases")
            conn.execute("DELETE FROM speakers")
            for c in clusters:
                conn.execute(
                    "INSERT INTO speakers(id, name, kind, flags) VALUES (?, ?, ?, ?)",
                    (c.id, c.name, c.kind, ",".join(c.flags)),
                )
                # The names as stored count too: a reviewer's "officials in Moscow" points its
                # quote at the speaker shown as "Moscow" instead of at no speaker at all.
                conn.executemany(
                    "INSERT OR IGNORE INTO aliases(alias, speaker_id) VALUES (?, ?)",
                    [(a, c.id) for a in set(c.aliases) | set(c.raw_names) | {c.name}],
                )
            conn.execute(
                "UPDATE quotes SET speaker_id = ("
                " SELECT a.speaker_id FROM aliases a"
                " WHERE a.alias = coalesce((SELECT r.speaker_name FROM reviews r WHERE r.quote_id = quotes.id),"
                "                          quotes.speaker_name)"
                " ORDER BY a.speaker_id LIMIT 1)"
            )
            # The words a quote names its speaker by ("Lavrov" for Sergey Lavrov) are aliases too.
            conn.execute(
                "INSERT OR IGNORE INTO aliases(alias, speaker_id)"
                " SELECT DISTINCT mention_text, speaker_id FROM quotes"
                " WHERE speaker_id IS NOT NULL AND mention_text IS NOT NULL AND mention_text != speaker_name"
                " AND method IN ('syntax', 'apposition', 'according')"
            )
            self.set_meta(_FRESH_KEY, seen)

    def _point_at_speaker(self, quote_id: str, name: str | None) -> str | None:
        """Point the quote at the speaker that holds its (corrected) name as an alias, at once.

        A full re-clustering per key press would be far too slow on a large
        store, so this looks the name up among the known aliases (what
        normalisation itself does last) and marks the speakers stale. A name
        no speaker has yet gets its id at the next refresh. Runs inside the
        caller's transaction.
        """
        sid = None
        if name is not None:
            row = self.conn.execute(
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
