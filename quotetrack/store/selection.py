"""Which quotes an export or a listing holds, as one SQL condition."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import QUOTE_KINDS
from .base import marks


@dataclass(frozen=True, slots=True)
class Selection:
    """Which quotes an export (or a listing) holds; every field left empty selects all.

    ``statuses``: review statuses (see :func:`parse_statuses`); ``speaker``: a speaker id,
    or any name a speaker holds (case-insensitive); ``doc``: a document id; ``kind``: the
    quote's kind, a reviewer's correction first; ``min_confidence``: at least this sure.
    """

    statuses: tuple[str, ...] | None = None
    speaker: str | None = None
    doc: str | None = None
    kind: str | None = None
    min_confidence: float | None = None

    def __post_init__(self) -> None:
        if self.statuses is not None:  # any sequence of statuses: kept as a tuple, so a Selection is hashable
            object.__setattr__(self, "statuses", tuple(self.statuses))
        # A filter that can match nothing by mistake would export an empty file without a word: refuse it.
        if self.kind is not None and self.kind not in QUOTE_KINDS:
            raise ValueError(f"unknown kind {self.kind!r} (use {', '.join(QUOTE_KINDS)})")
        if self.min_confidence is not None and not (0.0 <= self.min_confidence <= 1.0):  # NaN fails too
            raise ValueError(f"min_confidence must be between 0 and 1, not {self.min_confidence}")

    def where(self) -> tuple[str, list]:
        """The SQL condition over quotes ``q`` and their review ``r``, with its parameters."""
        clauses, params = [], []
        if self.statuses:
            clauses.append(f"coalesce(r.status, 'pending') IN ({marks(self.statuses)})")
            params += self.statuses
        if self.speaker:
            clauses.append("(q.speaker_id = ? OR q.speaker_id IN (SELECT speaker_id FROM aliases WHERE alias = ? COLLATE NOCASE))")
            params += [self.speaker, self.speaker]
        if self.doc:
            clauses.append("q.doc_id = ?")
            params.append(self.doc)
        if self.kind:
            clauses.append("coalesce(r.kind, q.kind) = ?")
            params.append(self.kind)
        if self.min_confidence is not None:
            clauses.append("q.confidence >= ?")
            params.append(self.min_confidence)
        return (("WHERE " + " AND ".join(clauses)) if clauses else ""), params


ALL = Selection()
