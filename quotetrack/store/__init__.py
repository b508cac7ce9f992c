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
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..domain import Document, Quote, TextSpan

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


_SCHEMA_OBJECT = re.compile(r"CREATE\s+(TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Seconds a writer waits for another writer to finish before giving up.
BUSY_TIMEOUT = 30.0

# How older stores are brought up to date when opened, in one transaction:
# - a new table or index needs nothing: every table and index of ``_SCHEMA`` that a
#   store lacks is created;
# - a column added to an existing table goes in ``ADDED_COLUMNS`` (table, column,
#   declaration as in ``ALTER TABLE ... ADD COLUMN``);
# - any other change (a column renamed, dropped or changing meaning) bumps
#   ``SCHEMA_VERSION`` and adds ``MIGRATIONS[n]``, which turns a version-n store into
#   version n + 1 (run in order, before the two steps above).
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("review_log", "action_id", "INTEGER"),
    ("speakers", "flags", "TEXT NOT NULL DEFAULT ''"),
)
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


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


def connect(
    path: str | Path, *, create: bool = True, timeout: float | None = None, check: bool = False
) -> sqlite3.Connection:
    """Open (or create) a store; refuse anything that is not a usable quotetrack store.

    An existing file that is not SQLite, a SQLite database of another
    application, a damaged store or one written by a newer quotetrack raises
    :class:`StoreError` and is left untouched. A store written by an older
    version is brought up to date (see :data:`MIGRATIONS`) in one
    transaction, after an integrity check. ``check``: run SQLite's
    ``quick_check`` first (it reads the whole file; worth it before a long
    write run). ``timeout``: seconds to wait for another writer (default
    :data:`BUSY_TIMEOUT`).
    """
    path = Path(path)
    timeout = BUSY_TIMEOUT if timeout is None else timeout
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise StoreError(f"{path}: no such store (run `quotetrack extract` first)")
    if exists:
        _check_header(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store ({exc.strerror or exc})") from None
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: {explain(exc)}") from None
    try:
        _open(conn, path, exists, timeout, check)
    except StoreError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"{path}: {explain(exc)}") from None
    return conn


def _open(conn: sqlite3.Connection, path: Path, exists: bool, timeout: float, check: bool) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        objects = {(r[0], r[1]) for r in conn.execute("SELECT type, name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        if _is_ours(path):
            raise StoreError(f"{path}: {explain(exc)}") from None
        raise StoreError(f"{path}: not a quotetrack store ({exc}); it was left untouched") from None
    tables = {name for kind, name in objects if kind == "table"}
    if exists and app_id != APPLICATION_ID and tables:
        raise StoreError(f"{path}: a SQLite database of another application, not a quotetrack store")
    if check and exists:
        _integrity_check(conn, path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if app_id != APPLICATION_ID or "meta" not in tables:
        _create(conn)
        return
    version = _stored_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this quotetrack "
            f"understands ({SCHEMA_VERSION}); upgrade quotetrack"
        )
    if version < SCHEMA_VERSION or _schema_objects() - objects or _missing_columns(conn):
        _upgrade(conn, path, version, check_first=not check)


def _stored_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _schema_objects() -> set[tuple[str, str]]:
    """(type, name) of every table and index the current schema has."""
    return {(kind.lower(), name) for kind, name in _SCHEMA_OBJECT.findall(_SCHEMA)}


def _upgrade(conn: sqlite3.Connection, path: Path, version: int, check_first: bool) -> None:
    """Bring an older store up to date: its migrations, then any missing table, index or column."""
    steps = list(range(version, SCHEMA_VERSION))
    if any(v not in MIGRATIONS for v in steps):
        oldest = min(MIGRATIONS, default=SCHEMA_VERSION)
        raise StoreError(
            f"{path}: store schema version {version} is older than this quotetrack can migrate "
            f"(it migrates stores from version {oldest} on); extract again into a new store (--db)"
        )
    if check_first:
        _integrity_check(conn, path)  # never write into a damaged file
    try:
        with transaction(conn):
            for v in steps:
                MIGRATIONS[v](conn)
            for statement in _statements(_SCHEMA):
                conn.execute(statement)
            _add_missing_columns(conn)
            set_meta(conn, "schema_version", str(SCHEMA_VERSION))
    except sqlite3.Error as exc:
        raise StoreError(
            f"{path}: cannot migrate the store from schema version {version} to {SCHEMA_VERSION} "
            f"({explain(exc)}); it was left as it was"
        ) from None


def _integrity_check(conn: sqlite3.Connection, path: Path) -> None:
    problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise StoreError(f"{path}: the store is damaged ({'; '.join(problems)}); it was left untouched")


def _read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc.strerror or exc})") from None


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite at all before SQLite opens it."""
    if not _read_header(path).startswith(_SQLITE_MAGIC):
        raise StoreError(f"{path}: not a quotetrack store (not a SQLite database); it was left untouched")


def _is_ours(path: Path) -> bool:
    """The header says: a quotetrack store (even if the rest of it is damaged)."""
    try:
        head = _read_header(path)
    except StoreError:
        return False
    return head.startswith(_SQLITE_MAGIC) and len(head) >= 72 and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def explain(exc: sqlite3.Error) -> str:
    """What a SQLite error means for the user, in words they can act on."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
        return "the store is locked by another process writing to it; try again when it has finished"
    if name.startswith("SQLITE_FULL") or "disk is full" in message:
        return "the disk is full"
    if name.startswith("SQLITE_READONLY") or "readonly" in message:
        return "the store is read-only (the file or its folder cannot be written)"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in message:
        return f"the store is damaged ({message}); it was left untouched"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in message:
        return "cannot open the store file (does its folder exist and is it writable?)"
    if name.startswith("SQLITE_IOERR") or "I/O error" in message:
        return f"disk I/O error ({message})"
    return message


def _create(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for statement in _statements(_SCHEMA):
            conn.execute(statement)
        _add_missing_columns(conn)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )


def _missing_columns(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The entries of :data:`ADDED_COLUMNS` whose table exists without the column."""
    missing = []
    for table in dict.fromkeys(t for t, _, _ in ADDED_COLUMNS):
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing += [(t, c, d) for t, c, d in ADDED_COLUMNS if t == table and have and c not in have]
    return missing


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Columns added to a table after stores with that table already existed."""
    for table, column, decl in _missing_columns(conn):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


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
