"""The review TUI (Textual). Start it with ``quotetrack review`` or :func:`run`."""

from __future__ import annotations


def run(db_path, reviewer: str, document: str | None = None, status: str | None = None) -> None:
    """Open the store at ``db_path`` and run the review app until the reviewer quits."""
    from .. import store
    from .app import ReviewApp

    conn = store.connect(db_path, create=False)
    try:
        ReviewApp(conn, db_path, reviewer, document=document, status=status).run()
    finally:
        conn.close()
