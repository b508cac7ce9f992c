"""Aggregates for reports: quotes counted by kind and review status, documents' metadata.

Everything else a report shows comes from the other parts (``speakers``,
``quote_records``, ``document_text``); only what needs a ``GROUP BY`` or a
look at optional columns lives here.
"""

from __future__ import annotations

import orjson

from .base import StoreBase


class Stats(StoreBase):
    def quote_counts(self) -> dict[tuple[str, str], int]:
        """(kind, review status) → number of quotes; a reviewer's kind and status count, not the extractor's."""
        rows = self.conn.execute(
            "SELECT coalesce(r.kind, q.kind), coalesce(r.status, 'pending'), count(*)"
            " FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id GROUP BY 1, 2"
        )
        return {(kind, status): n for kind, status, n in rows}

    def documents_meta(self) -> dict[str, dict]:
        """Document id → its metadata (title, date, url, …) for the documents that have some.

        Stores made before documents had metadata have no ``meta`` column: then
        nothing. A value that is not a JSON object is skipped, never an error.
        """
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(documents)")}
        if "meta" not in columns:
            return {}
        out = {}
        for doc_id, raw in self.conn.execute("SELECT id, meta FROM documents WHERE meta IS NOT NULL"):
            try:
                meta = orjson.loads(raw) if isinstance(raw, (str, bytes)) else None
            except orjson.JSONDecodeError:
                continue
            if isinstance(meta, dict) and meta:
                out[doc_id] = meta
        return out
