"""The core every part of :class:`~quotetrack.store.Store` stands on: one connection, transactions, meta."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..domain import Document
from . import schema

CHUNK = 500  # values per IN (...) list: well under SQLite's limit on a statement's parameters


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class StoreBase:
    """An open store file: its path, its SQLite connection (WAL, busy timeout) and the meta table.

    The connection runs in autocommit mode: a single statement commits by
    itself, and :meth:`transaction` groups several into one. It belongs to
    the thread that opened it; another thread opens a ``Store`` of its own.
    """

    def __init__(
        self, path: str | Path, *, create: bool = True, check: bool = False, timeout: float | None = None
    ) -> None:
        """Open (or, with ``create``, make) the store at ``path``.

        Raises :class:`~quotetrack.store.StoreError` for anything that is not
        a usable quotetrack store (see :func:`schema.open_connection`), which
        is then left untouched. ``check``: run SQLite's ``quick_check`` first
        (it reads the whole file; worth it before a long write run).
        ``timeout``: seconds to wait for another writer (default
        :data:`schema.BUSY_TIMEOUT`).
        """
        self.path = Path(path)
        self.conn = schema.open_connection(self.path, create=create, check=check, timeout=timeout)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One ``BEGIN IMMEDIATE`` transaction: all or nothing, writers queue."""
        with schema.transaction(self.conn):
            yield

    def durable(self) -> None:
        """Sync every commit to disk, so a commit survives a power cut, not only a crash.

        WAL with ``synchronous = NORMAL`` (the default here) syncs only at
        checkpoints: right for bulk extraction, not for a reviewer's decisions.
        """
        self.conn.execute("PRAGMA synchronous = FULL")

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def quote_id(doc: Document | tuple[str, str], start: int, end: int) -> str:
    """Stable id of a quote: from its document (id and content) and its span.

    Run order, extraction version and attribution play no part, so a re-run
    gives the same ids and review decisions stay attached to their quote.
    """
    doc_id, sha = (doc.id, doc.sha256) if isinstance(doc, Document) else doc
    key = f"{doc_id}\x1f{sha}\x1f{start}\x1f{end}".encode("utf-8")
    return "q_" + hashlib.sha256(key).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ReviewState:
    """A quote's current review: its ``reviews`` row, or these defaults when it has none.

    ``kind`` and ``speaker_name`` are corrections: ``None`` means the
    extracted value stands.
    """

    status: str = "pending"
    kind: str | None = None
    speaker_name: str | None = None
    note: str | None = None
    by: str | None = None
    at: str | None = None

    def decision(self) -> tuple:
        """What was decided, without who and when: two states that decide the same are equal here."""
        return (self.status, self.kind, self.speaker_name, self.note)

    @property
    def corrected(self) -> bool:
        return self.kind is not None or self.speaker_name is not None


def marks(values: Sized) -> str:
    """The placeholders of an ``IN (...)`` list for ``values``: ``?,?,?``."""
    return ",".join("?" * len(values))


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """``items`` in runs of at most ``size``, for one ``IN (...)`` list each."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
