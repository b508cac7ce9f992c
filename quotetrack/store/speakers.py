"""Speaker ids across the corpus: the normaliser run over the store.

Runs after extraction, over everything in the store, so the result is the
same whichever way (and in whatever order) the documents were extracted.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .. import store
from ..names import NameOccurrence, Normaliser, Overrides, SpeakerCluster, fold, load_overrides

ALIASES_META_KEY = "aliases_file"


def use_aliases_file(conn: sqlite3.Connection, path: str | Path) -> Overrides:
    """Read an aliases file (ValueError naming the problem) and remember it for later refreshes."""
    overrides = load_overrides(path)
    with store.transaction(conn):
        store.set_meta(conn, ALIASES_META_KEY, str(Path(path).resolve()))
    return overrides


def file_overrides(conn: sqlite3.Connection) -> Overrides | None:
    """The remembered aliases file's overrides, if one was given and still exists."""
    path = store.get_meta(conn, ALIASES_META_KEY)
    if not path or not Path(path).exists():
        return None
    return load_overrides(path)


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


def refresh_speakers(conn: sqlite3.Connection, base: Overrides | None = None) -> list[SpeakerCluster]:
    """Cluster every speaker name in the store and write speakers, aliases and quote speaker ids.

    Overrides: ``base`` (default: the remembered aliases file), then every
    reviewer decision in the store, later ones winning.
    """
    occurrences = [NameOccurrence(name, kind, doc_id, n) for name, kind, doc_id, n in store.speaker_occurrences(conn)]
    if base is None:
        base = file_overrides(conn)
    clusters = Normaliser(stored_overrides(conn, base)).cluster(occurrences)
    store.replace_speakers(conn, [(c.id, c.name, c.kind, c.aliases, c.flags) for c in clusters])
    return clusters
