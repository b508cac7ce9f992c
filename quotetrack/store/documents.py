"""Documents and their quotes: what extraction writes, and reading one quote back.

Extraction owns the ``documents`` and ``quotes`` tables and replaces a
document's quotes wholesale when it is re-extracted. Review decisions are
keyed by the stable quote id (:func:`quote_id`): the same text and span
keep their id and their review. When the text changed (or a new extractor
cut the quote differently), the reviews of quotes that are gone are
carried over to the new quotes on the same words, or kept as unplaced
(:mod:`.carryover`, :meth:`~.reviews.Reviews.unplaced_reviews`): a
re-extraction never drops a decision.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from ..domain import Document, Quote, TextSpan
from .base import utc_now
from .carryover import Placed
from .edits import Edits
from .reviews import Carried


def quote_id(doc: Document | tuple[str, str], start: int, end: int) -> str:
    """Stable id of a quote: from its document (id and content) and its span.

    Run order, extraction version and attribution play no part, so a re-run
    gives the same ids and review decisions stay attached to their quote.
    """
    doc_id, sha = (doc.id, doc.sha256) if isinstance(doc, Document) else doc
    key = f"{doc_id}\x1f{sha}\x1f{start}\x1f{end}".encode("utf-8")
    return "q_" + hashlib.sha256(key).hexdigest()[:16]


@dataclass(slots=True)
class StoredDocument:
    id: str
    source: str
    sha256: str
    chars: int
    extractor: str


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """One quote as stored, with its document and its speaker's canonical name."""

    id: str
    doc_id: str
    source: str
    doc_text: str
    quote: Quote  # as extracted
    speaker_id: str | None
    canonical_name: str | None


class SavedQuotes(list):
    """The quote ids a document was stored with (a list), and what happened to its reviews:
    ``carried`` over to new quotes, or kept ``unplaced`` (see :class:`~.reviews.Carried`)."""

    def __init__(self, ids: Iterable[str], carried: Carried) -> None:
        super().__init__(ids)
        self.carried = carried.carried
        self.unplaced = carried.unplaced


class Documents(Edits):
    def document_state(self, doc_id: str) -> StoredDocument | None:
        row = self.conn.execute(
            "SELECT id, source, sha256, chars, extractor FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return StoredDocument(**dict(row)) if row else None

    def is_current(self, doc: Document, extractor: str) -> bool:
        """True when this exact text was already extracted by this extractor version."""
        state = self.document_state(doc.id)
        return state is not None and state.sha256 == doc.sha256 and state.extractor == extractor

    def save_document(self, doc: Document, quotes: Iterable[Quote], extractor: str) -> SavedQuotes:
        """Store a document (with its ``meta``) and replace its quotes, in one transaction.

        Returns the quote ids, with what happened to the reviews of quotes the
        new extraction lacks (:class:`SavedQuotes`): carried over to the quote
        on the same words, or kept as unplaced reviews.
        """
        sha = doc.sha256
        rows = []
        seen: set[str] = set()
        for seq, q in enumerate(sorted(quotes, key=lambda q: (q.start, q.end))):
            qid = quote_id((doc.id, sha), q.start, q.end)
            if qid in seen:  # two quotes on one span: keep the first (highest priority)
                continue
            seen.add(qid)
            rows.append(_quote_row(qid, doc.id, seq, q))
        meta = orjson.dumps(doc.meta).decode("utf-8") if doc.meta else None
        with self.transaction():
            # quotes reviewers added stay (or merge with a new quote on their words): see .edits
            kept = self._added_kept(doc, seen, [(r[0], r[4], r[5], r[6]) for r in rows])
            rows += [_quote_row(qid, doc.id, len(rows) + i, q) for i, (qid, q) in enumerate(kept) if qid not in seen]
            carried = self._carry_reviews(doc.id, [Placed(r[0], r[4], r[5], r[6]) for r in rows], doc.text)
            self.conn.execute("DELETE FROM quotes WHERE doc_id = ?", (doc.id,))
            self.conn.execute(
                "INSERT INTO documents(id, source, sha256, text, chars, extractor, extracted_at, meta)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,"
                " text = excluded.text, chars = excluded.chars, extractor = excluded.extractor,"
                " extracted_at = excluded.extracted_at, meta = excluded.meta",
                (doc.id, doc.source, sha, doc.text, len(doc.text), extractor, utc_now(), meta),
            )
            self.conn.executemany(
                "INSERT INTO quotes(id, doc_id, seq, kind, start, end, text, cue_start, cue_end, cue_text,"
                " speaker_name, speaker_kind, mention_start, mention_end, mention_text,"
                " resolved_start, resolved_end, resolved_text, method, confidence, flags)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            self._after_extraction(doc)
        return SavedQuotes((r[0] for r in rows), carried)

    def document_meta(self, doc_id: str) -> dict | None:
        """What the input said about the document besides its text (None for no such document)."""
        row = self.conn.execute("SELECT meta FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        return orjson.loads(row[0]) if row[0] else {}

    def document_text(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def quote(self, quote_id: str) -> StoredQuote | None:
        """One quote with its document (None when there is no such quote)."""
        row = self.conn.execute(
            "SELECT q.*, d.text AS doc_text, d.source AS doc_source, s.name AS canonical FROM quotes q"
            " JOIN documents d ON d.id = q.doc_id LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.id = ?",
            (quote_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredQuote(
            id=quote_id, doc_id=row["doc_id"], source=row["doc_source"], doc_text=row["doc_text"],
            quote=_quote_from_row(row), speaker_id=row["speaker_id"], canonical_name=row["canonical"],
        )

    def record_models(self, info) -> None:
        """Note which models extracted (a :class:`quotetrack.models.ModelInfo`): the export's ``tool``."""
        with self.transaction():
            self.set_meta("spacy_model", info.spacy_model)
            self.set_meta("coref_model", info.coref_model or "")
            self.set_meta("quotetrack_version", info.quotetrack_version)

    def counts(self) -> dict[str, int]:
        """Numbers for summaries: documents, quotes (and by kind), speakers."""
        conn = self.conn
        out = {
            "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0],
            "quotes": conn.execute("SELECT count(*) FROM quotes").fetchone()[0],
            "speakers": conn.execute(
                "SELECT count(*) FROM speakers WHERE id IN (SELECT DISTINCT speaker_id FROM quotes)"
            ).fetchone()[0],
        }
        for kind, n in conn.execute("SELECT kind, count(*) FROM quotes GROUP BY kind"):
            out[f"quotes.{kind}"] = n
        return out


def _span_cols(span: TextSpan | None) -> tuple:
    return (span.start, span.end, span.text) if span else (None, None, None)


def _quote_row(qid: str, doc_id: str, seq: int, q: Quote) -> tuple:
    return (
        qid, doc_id, seq, q.kind, q.start, q.end, q.text,
        *_span_cols(q.cue),
        q.speaker, q.speaker_kind,
        *_span_cols(q.mention),
        *_span_cols(q.resolved),
        q.method, round(float(q.confidence), 4), ",".join(q.flags),
    )


def _span_from(row: sqlite3.Row, prefix: str) -> TextSpan | None:
    start = row[f"{prefix}_start"]
    return None if start is None else TextSpan(start, row[f"{prefix}_end"], row[f"{prefix}_text"])


def _quote_from_row(row: sqlite3.Row) -> Quote:
    return Quote(
        kind=row["kind"],
        content=TextSpan(row["start"], row["end"], row["text"]),
        cue=_span_from(row, "cue"),
        speaker=row["speaker_name"],
        speaker_kind=row["speaker_kind"],
        mention=_span_from(row, "mention"),
        resolved=_span_from(row, "resolved"),
        method=row["method"],
        confidence=row["confidence"],
        flags=tuple(f for f in row["flags"].split(",") if f),
    )
