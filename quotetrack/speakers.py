"""Speaker ids across the corpus: the normaliser run over the store.

Runs after extraction, over everything in the store, so the result is the
same whichever way (and in whatever order) the documents were extracted.
"""

from __future__ import annotations

import sqlite3

from . import store
from .names import NameOccurrence, Normaliser, SpeakerCluster


def refresh_speakers(conn: sqlite3.Connection, normaliser: Normaliser | None = None) -> list[SpeakerCluster]:
    """Cluster every speaker name in the store and write speakers, aliases and quote speaker ids."""
    occurrences = [NameOccurrence(name, kind, doc_id, n) for name, kind, doc_id, n in store.speaker_occurrences(conn)]
    clusters = (normaliser or Normaliser()).cluster(occurrences)
    store.replace_speakers(conn, [(c.id, c.name, c.kind, c.aliases) for c in clusters])
    return clusters
