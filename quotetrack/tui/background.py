"""Queue reads too slow for a key press, run in a thread with a store of its own.

A key press reads the queue under a budget (``Store.queue_budget``): on a
store of millions of quotes some reads (a count of a large search, where a
quote stands in a new order) take longer, and then run here while the
screen stays live. One read of each kind runs at a time: a newer one stops
the older at once (its SQLite statement is interrupted), since only the
newest answer would be shown.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import TypeVar

from ..store import QueueTooSlow, Store
from .session import Session

T = TypeVar("T")
KEY_BUDGET = 0.05  # seconds a key press may spend reading the queue before the read moves here


class Background:
    """Runs reads of a review session in worker threads, each on its own connection."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._lock = threading.Lock()
        self._running: dict[str, Store] = {}

    def run(self, kind: str, read: Callable[[Store], T]) -> T | None:
        """``read`` on a store of this thread's own; None when a newer read of this kind stopped it.

        Call it from a worker thread.
        """
        db = self.session.open_store()
        with self._lock:
            older = self._running.get(kind)
            self._running[kind] = db
        if older is not None:
            _interrupt(older)
        try:
            return read(db)
        except QueueTooSlow:  # interrupted: superseded, or the session is closing
            return None
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        finally:
            with self._lock:
                if self._running.get(kind) is db:
                    del self._running[kind]
            db.close()

    def stop(self) -> None:
        """Stop every read still running (the screen is going)."""
        with self._lock:
            for db in self._running.values():
                _interrupt(db)


def _interrupt(db: Store) -> None:
    try:
        db.conn.interrupt()
    except sqlite3.ProgrammingError:  # closed meanwhile: nothing left to stop
        pass
