"""Speaker ids across the corpus: the normaliser run over the store.

Runs after extraction, over everything in the store, so the result is the
same whichever way (and in whatever order) the documents were extracted.
"""

from __future__ import annotations

import sqlite3

from . import store
from .names import NameOccurrence, Normaliser, Overrides, SpeakerCluster, fold


def stored_overrides(conn: sqlite3.Connection, base: Overrides | None = None) -> Overrides:
    """The aliases file's overrides (``base``) followed by the reviewers' decisions, in order."""
    ov = Overrides(
        merges=list(base.merges) if base else [],
        forbids=list(base.forbids) if base else [],
        renames=dict(base.renames) if base else {},
        splits=list(base.splits) if base else [],
    )
    # Later decisions win: a split undoes earlier merges of that name, a merge an earlier split.
    for action, a, b in store.speaker_overrides(conn):
        if action == "merge" and b:
            ov.splits = [s for s in ov.splits if fold(s) not in (fold(a), fold(b))]
            ov.forbids = [f for f in ov.forbids if {fold(x) for x in f} != {fold(a), fold(b)}]
            ov.merges.append((a, b))
        elif action == "forbid" and b:
            ov.merges = [m for m in ov.merges if {fold(x) for x in m} != {fold(a), fold(b)}]
            ov.forbids.append((a, b))
        elif action == "split":
            ov.merges = [m for m in ov.merges if fold(a) not in (fold(m[0]), fold(m[1]))]
            ov.splits.append(a)
        elif action == "rename" and b:
            ov.renames[a] = b
    return ov


def refresh_speakers(conn: sqlite3.Connection, file_overrides: Overrides | None = None) -> list[SpeakerCluster]:
    """Cluster every speaker name in the store and write speakers, aliases and quote speaker ids."""
    occurrences = [NameOccurrence(name, kind, doc_id, n) for name, kind, doc_id, n in store.speaker_occurrences(conn)]
    clusters = Normaliser(stored_overrides(conn, file_overrides)).cluster(occurrences)
    store.replace_speakers(conn, [(c.id, c.name, c.kind, c.aliases) for c in clusters])
    return clusters
