"""The speakers the speaker picker offers: the most quoted, and those holding a name typed.

Read from ``speaker_counts`` (each speaker's quotes not rejected, kept by
triggers: see :mod:`.queue_schema`) and the trigram index of aliases, never
by counting quotes: listing every speaker with its count took about a second
on a million quotes, and more with every quote added.
"""

from __future__ import annotations

from .base import StoreBase
from .speakers import SpeakerSummary

PICKS = 200  # speakers listed before anything is typed (and kept to look among while typing)
HITS = 5_000  # names holding the typed text looked at, at most, for the most quoted of their speakers


class SpeakerPicks(StoreBase):
    def speaker_picks(self, typed: str = "", limit: int = PICKS) -> list[SpeakerSummary]:
        """The ``limit`` most quoted speakers and, for ``typed``, up to ``limit`` more holding a name that
        contains it (3 characters or more; a shorter one: names starting with it), each with its aliases
        and quote count (rejected quotes not counted), most quoted first, then by name."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT speaker_id FROM speaker_counts INDEXED BY speaker_counts_by_n ORDER BY n DESC LIMIT ?", (limit,))]
        typed = " ".join(typed.split())
        if len(typed) >= 3:
            phrase = '"' + typed.replace('"', '""') + '"'
            ids += [r[0] for r in self.conn.execute(
                "SELECT a.speaker_id FROM aliases a LEFT JOIN speaker_counts c ON c.speaker_id = a.speaker_id"
                " WHERE a.rowid IN (SELECT rowid FROM aliases_fts WHERE aliases_fts MATCH ? LIMIT ?)"
                " ORDER BY coalesce(c.n, 0) DESC LIMIT ?", (phrase, HITS, limit))]
        elif typed:  # as typed, and with a capital first letter: the primary key's order is by case
            for start in dict.fromkeys((typed, typed[:1].upper() + typed[1:])):
                ids += [r[0] for r in self.conn.execute(
                    "SELECT speaker_id FROM aliases WHERE alias >= ? AND alias < ? LIMIT ?", (start, start + "\U0010ffff", limit))]
        return self._speaker_summaries(list(dict.fromkeys(ids)))

    def _speaker_summaries(self, ids: list[str]) -> list[SpeakerSummary]:
        out = []
        for sid in ids:
            row = self.conn.execute("SELECT name, kind, flags FROM speakers WHERE id = ?", (sid,)).fetchone()
            if row is None:
                continue
            n = self.conn.execute("SELECT n FROM speaker_counts WHERE speaker_id = ?", (sid,)).fetchone()
            aliases = [r[0] for r in self.conn.execute("SELECT alias FROM aliases WHERE speaker_id = ? ORDER BY alias", (sid,))]
            out.append(SpeakerSummary(sid, row[0], row[1], aliases, n[0] if n else 0, flags=[f for f in row[2].split(",") if f]))
        out.sort(key=lambda s: (-s.quote_count, s.name, s.id))
        return out
