"""What a speaker refresh leaves in a store, to compare an incremental refresh with a full one."""

from __future__ import annotations

from quotetrack.store import Store


def snapshot(db: Store) -> tuple:
    """Every speaker (id, name, kind, flags), alias and quote's speaker id, sorted."""
    c = db.conn
    return (
        sorted(tuple(r) for r in c.execute("SELECT id, name, kind, flags FROM speakers")),
        sorted(tuple(r) for r in c.execute("SELECT alias, speaker_id FROM aliases")),
        sorted(tuple(r) for r in c.execute("SELECT id, speaker_id FROM quotes")),
    )
