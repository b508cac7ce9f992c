"""The embedded SQLite store: documents, quotes, speakers, aliases, reviews.

One file, opened in WAL mode with a busy timeout so several processes (an
extraction run, two reviewers) can share it. Extraction owns the
``documents`` and ``quotes`` tables and replaces a document's quotes
wholesale when it is re-extracted; review decisions live in their own
tables keyed by the stable quote id, so re-extraction never touches them.
Every review change is also appended to ``review_log`` (the audit trail).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .domain import Document, Quote, TextSpan

SCHEMA_VERSION = 1
APPLICATION_ID = 0x51544B31  # "QTK1": marks a file as a quotetrack store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    text         TEXT NOT NULL,
    chars        INTEGER NOT NULL,
    extractor    TEXT NOT NULL,
    extracted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    id             TEXT PRIMARY KEY,
    doc_id         TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    start          INTEGER NOT NULL,
    end            INTEGER NOT NULL,
    text           TEXT NOT NULL,
    cue_start      INTEGER, cue_end INTEGER, cue_text TEXT,
    speaker_name   TEXT,
    speaker_kind   TEXT NOT NULL DEFAULT 'other',
    mention_start  INTEGER, mention_end INTEGER, mention_text TEXT,
    resolved_start INTEGER, resolved_end INTEGER, resolved_text TEXT,
    method         TEXT NOT NULL,
    confidence     REAL NOT NULL,
    flags          TEXT NOT NULL DEFAULT '',
    speaker_id     TEXT
);
CREATE INDEX IF NOT EXISTS quotes_by_doc ON quotes(doc_id, start);
CREATE INDEX IF NOT EXISTS quotes_by_speaker ON quotes(speaker_id);
CREATE INDEX IF NOT EXISTS quotes_by_confidence ON quotes(confidence);
CREATE TABLE IF NOT EXISTS speakers (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS aliases (
    alias      TEXT NOT NULL,
    speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    PRIMARY KEY (alias, speaker_id)
);
CREATE TABLE IF NOT EXISTS reviews (
    quote_id     TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    by           TEXT,
    at           TEXT,
    note         TEXT,
    kind         TEXT,
    speaker_name TEXT
);
CREATE INDEX IF NOT EXISTS reviews_by_status ON reviews(status);
CREATE TABLE IF NOT EXISTS review_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    quote_id TEXT NOT NULL,
    field    TEXT NOT NULL,
    old      TEXT,
    new      TEXT,
    by       TEXT,
    at       TEXT NOT NULL,
    action_id INTEGER
);
CREATE INDEX IF NOT EXISTS review_log_by_quote ON review_log(quote_id);
CREATE TABLE IF NOT EXISTS review_actions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    quote_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    by        TEXT,
    at        TEXT NOT NULL,
    old_state TEXT,
    new_state TEXT,
    undoes    INTEGER,
    undone_by INTEGER
);
CREATE INDEX IF NOT EXISTS review_actions_by_reviewer ON review_actions(by, id);
CREATE TABLE IF NOT EXISTS speaker_overrides (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    action TEXT NOT NULL CHECK (action IN ('merge', 'forbid', 'split', 'rename')),
    a      TEXT NOT NULL,
    b      TEXT,
    by     TEXT,
    at     TEXT NOT NULL
);
"""


class StoreError(Exception):
    """A store that cannot be used: not a quotetrack database, too new, broken."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


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


def connect(path: str | Path, *, create: bool = True, timeout: float = 30.0) -> sqlite3.Connection:
    """Open (or create) a store; refuse anything that is not a quotetrack store.

    An existing file that is not SQLite, or a SQLite database of another
    application, raises :class:`StoreError` and is left untouched.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise StoreError(f"{path}: no such store (run `quotetrack extract` first)")
    if not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a quotetrack store ({exc})") from None
    if exists and app_id != APPLICATION_ID and tables:
        conn.close()
        raise StoreError(f"{path}: a SQLite database of another application, not a quotetrack store")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if app_id != APPLICATION_ID or not _TABLES <= tables:
        _create(conn)  # a new store, or one made before a table was added (idempotent)
    _check_version(conn, path)
    return conn


def _create(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for statement in _statements(_SCHEMA):
            conn.execute(statement)
        _add_missing_columns(conn)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )


_TABLES = {"meta", "documents", "quotes", "speakers", "aliases", "reviews", "review_log", "review_actions",
           "speaker_overrides"}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Columns added to a table after stores with that table already existed."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(review_log)")}
    if "action_id" not in columns:
        conn.execute("ALTER TABLE review_log ADD COLUMN action_id INTEGER")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this quotetrack "
            f"understands ({SCHEMA_VERSION}); upgrade quotetrack"
        )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: all or nothing, writers queue."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


# --- meta -------------------------------------------------------------------


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


# --- documents and quotes (extraction side) ---------------------------------


def document_state(conn: sqlite3.Connection, doc_id: str) -> StoredDocument | None:
    row = conn.execute(
        "SELECT id, source, sha256, chars, extractor FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    return StoredDocument(**dict(row)) if row else None


def is_current(conn: sqlite3.Connection, doc: Document, extractor: str) -> bool:
    """True when this exact text was already extracted by this extractor version."""
    state = document_state(conn, doc.id)
    return state is not None and state.sha256 == doc.sha256 and state.extractor == extractor


def save_document(conn: sqlite3.Connection, doc: Document, quotes: Iterable[Quote], extractor: str) -> list[str]:
    """Store a document and replace its quotes, in one transaction.

    Returns the quote ids. Review decisions are untouched: they are keyed by
    quote id, and ids depend only on the document and the span.
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
    with transaction(conn):
        conn.execute("DELETE FROM quotes WHERE doc_id = ?", (doc.id,))
        conn.execute(
            "INSERT INTO documents(id, source, sha256, text, chars, extractor, extracted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,"
            " text = excluded.text, chars = excluded.chars, extractor = excluded.extractor,"
            " extracted_at = excluded.extracted_at",
            (doc.id, doc.source, sha, doc.text, len(doc.text), extractor, utc_now()),
        )
        conn.executemany(
            "INSERT INTO quotes(id, doc_id, seq, kind, start, end, text, cue_start, cue_end, cue_text,"
            " speaker_name, speaker_kind, mention_start, mention_end, mention_text,"
            " resolved_start, resolved_end, resolved_text, method, confidence, flags)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    return [r[0] for r in rows]


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


def quote_from_row(row: sqlite3.Row) -> Quote:
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


def document_text(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Numbers for summaries: documents, quotes (and by kind), speakers."""
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


# --- speakers (normalisation side) -------------------------------------------


def speaker_occurrences(conn: sqlite3.Connection) -> list[tuple[str, str, str, int]]:
    """(name, kind, doc_id, count) for every distinct named speaker per document.

    A reviewer's corrected speaker name counts instead of the extracted one.
    """
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT coalesce(r.speaker_name, q.speaker_name) AS name, q.speaker_kind, q.doc_id, count(*)"
            " FROM quotes q LEFT JOIN reviews r ON r.quote_id = q.id"
            " WHERE coalesce(r.speaker_name, q.speaker_name) IS NOT NULL"
            " GROUP BY name, q.speaker_kind, q.doc_id ORDER BY name, q.doc_id"
        )
    ]


def add_speaker_override(conn: sqlite3.Connection, action: str, a: str, b: str | None = None, by: str | None = None) -> int:
    """Record a reviewer's speaker decision; it applies at every later normalisation.

    ``merge`` a and b (names) into one speaker; ``forbid`` merging them;
    ``split`` name a off into a speaker of its own; ``rename`` the speaker
    holding name a to display name b.
    """
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO speaker_overrides(action, a, b, by, at) VALUES (?, ?, ?, ?, ?)", (action, a, b, by, utc_now())
        )
    return int(cur.lastrowid)


def speaker_overrides(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(action, a, b) in the order they were made."""
    return [tuple(r) for r in conn.execute("SELECT action, a, b FROM speaker_overrides ORDER BY id")]


def replace_speakers(
    conn: sqlite3.Connection, speakers: Iterable[tuple[str, str, str, Iterable[str], Iterable[str]]]
) -> None:
    """Replace the speaker table with (id, name, kind, aliases, flags) and point quotes at it.

    A quote's speaker id is that of the speaker holding its name (a
    reviewer's corrected name first) as an alias.
    """
    with transaction(conn):
        conn.execute("DELETE FROM aliases")
        conn.execute("DELETE FROM speakers")
        for sid, name, kind, aliases, flags in speakers:
            conn.execute(
                "INSERT INTO speakers(id, name, kind, flags) VALUES (?, ?, ?, ?)", (sid, name, kind, ",".join(flags))
            )
            conn.executemany(
                "INSERT OR IGNORE INTO aliases(alias, speaker_id) VALUES (?, ?)",
                [(a, sid) for a in set(aliases) | {name}],
            )
        conn.execute(
            "UPDATE quotes SET speaker_id = ("
            " SELECT a.speaker_id FROM aliases a"
            " WHERE a.alias = coalesce((SELECT r.speaker_name FROM reviews r WHERE r.quote_id = quotes.id),"
            "                          quotes.speaker_name)"
            " ORDER BY a.speaker_id LIMIT 1)"
        )
        # The words a quote names its speaker by ("Lavrov" for Sergey Lavrov) are aliases too.
        conn.execute(
            "INSERT OR IGNORE INTO aliases(alias, speaker_id)"
            " SELECT DISTINCT mention_text, speaker_id FROM quotes"
            " WHERE speaker_id IS NOT NULL AND mention_text IS NOT NULL AND mention_text != speaker_name"
            " AND method IN ('syntax', 'apposition', 'according')"
        )


def speaker_summaries(conn: sqlite3.Connection) -> list[dict]:
    """Every speaker with its aliases, flags, quote count and documents, most quoted first."""
    aliases: dict[str, list[str]] = {}
    for alias, sid in conn.execute("SELECT alias, speaker_id FROM aliases ORDER BY alias"):
        aliases.setdefault(sid, []).append(alias)
    docs: dict[str, list[str]] = {}
    for sid, doc_id in conn.execute(
        "SELECT DISTINCT speaker_id, doc_id FROM quotes WHERE speaker_id IS NOT NULL ORDER BY doc_id"
    ):
        docs.setdefault(sid, []).append(doc_id)
    rows = conn.execute(
        "SELECT s.id, s.name, s.kind, s.flags, count(q.id) AS n FROM speakers s"
        " LEFT JOIN quotes q ON q.speaker_id = s.id GROUP BY s.id ORDER BY n DESC, s.name, s.id"
    )
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "aliases": aliases.get(r["id"], []),
            "quote_count": r["n"],
            "documents": docs.get(r["id"], []),
            "flags": [f for f in r["flags"].split(",") if f],
        }
        for r in rows
    ]
