"""The store's tables, and opening a file as a store: checks, creation, migrations.

Everything that decides whether a file may be used, and how an older store
is brought up to date, is here (the review queue's part in :mod:`.queue_schema`); nothing else
in the package creates or alters a table.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .queue_schema import (  # noqa: F401 (CONFIDENCE_BUCKETS: imported from here too)
    CONFIDENCE_BUCKETS,
    EXTRA_TRIGGERS,
    QUEUE_INDEXES,
    QUEUE_TRIGGERS,
    _install_queue,
    _queue_objects,
)

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
    extracted_at TEXT NOT NULL,
    meta         TEXT
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
CREATE TABLE IF NOT EXISTS unplaced_reviews (
    quote_id     TEXT PRIMARY KEY,
    doc_id       TEXT NOT NULL,
    text         TEXT NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    speaker_name TEXT,
    status       TEXT NOT NULL,
    by           TEXT,
    at           TEXT,
    note         TEXT,
    review_kind  TEXT,
    review_speaker_name TEXT,
    since        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unplaced_reviews_by_doc ON unplaced_reviews(doc_id);
CREATE TABLE IF NOT EXISTS speaker_overrides (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    action TEXT NOT NULL CHECK (action IN ('merge', 'forbid', 'split', 'rename')),
    a      TEXT NOT NULL,
    b      TEXT,
    by     TEXT,
    at     TEXT NOT NULL
);
-- reviewers' fixes (store/edits.py): kept apart from the quotes a re-extraction replaces
CREATE TABLE IF NOT EXISTS span_edits (
    quote_id        TEXT PRIMARY KEY,
    doc_id          TEXT NOT NULL,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    text            TEXT NOT NULL,
    extracted_start INTEGER NOT NULL,
    extracted_end   INTEGER NOT NULL,
    extracted_text  TEXT NOT NULL,
    by              TEXT,
    at              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS span_edits_by_doc ON span_edits(doc_id);
CREATE TABLE IF NOT EXISTS added_quotes (
    quote_id     TEXT PRIMARY KEY,
    doc_id       TEXT NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    text         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    speaker_name TEXT,
    by           TEXT,
    at           TEXT NOT NULL,
    merged_into  TEXT
);
CREATE INDEX IF NOT EXISTS added_quotes_by_doc ON added_quotes(doc_id);
CREATE TABLE IF NOT EXISTS quote_flags (
    quote_id TEXT PRIMARY KEY,
    by       TEXT,
    at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS edit_actions (
    action_id INTEGER PRIMARY KEY,
    old       TEXT,
    new       TEXT
);
-- each reviewer's own decision per quote (store/judgements.py), beside the effective one in reviews
CREATE TABLE IF NOT EXISTS reviewer_decisions (
    quote_id     TEXT NOT NULL,
    by           TEXT NOT NULL,
    status       TEXT NOT NULL,
    kind         TEXT,
    speaker_name TEXT,
    note         TEXT,
    state        TEXT NOT NULL,
    at           TEXT NOT NULL,
    adjudicated  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (quote_id, by)
);
CREATE INDEX IF NOT EXISTS reviewer_decisions_by_reviewer ON reviewer_decisions(by);
-- the quotes reviewers disagree on, as last worked out (review/disputes.py): the disputed filter
CREATE TABLE IF NOT EXISTS disputed_quotes (
    quote_id TEXT PRIMARY KEY
) WITHOUT ROWID;
-- Speaker normalisation's index (store/speaker_refresh.py): what the normaliser decided, kept so a
-- refresh recomputes only the parts of the speakers that new or changed documents touch.
-- Documents whose speaker names changed since the last refresh (filled by the triggers below).
CREATE TABLE IF NOT EXISTS speaker_dirty (
    doc_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;
-- Each distinct speaker name of each document (a reviewer's correction first), and its unit.
CREATE TABLE IF NOT EXISTS speaker_placements (
    doc_id   TEXT NOT NULL,
    name     TEXT NOT NULL,
    unit     INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    mentions TEXT,
    PRIMARY KEY (doc_id, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS speaker_placements_by_unit ON speaker_placements(unit, doc_id, name);
-- Names that normalise to one key, across the corpus; grouped per bucket, then into a speaker.
CREATE TABLE IF NOT EXISTS speaker_units (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    bucket    TEXT,
    family    TEXT,
    source    TEXT NOT NULL,
    surfaces  TEXT NOT NULL,
    mentions  TEXT,
    grp       INTEGER NOT NULL DEFAULT 0,
    ambiguous INTEGER NOT NULL DEFAULT 0,
    speaker   TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX IF NOT EXISTS speaker_units_by_bucket ON speaker_units(bucket, grp) WHERE bucket IS NOT NULL;
CREATE INDEX IF NOT EXISTS speaker_units_by_family ON speaker_units(family) WHERE family IS NOT NULL;
CREATE INDEX IF NOT EXISTS speaker_units_by_speaker ON speaker_units(speaker);
CREATE TABLE IF NOT EXISTS speaker_unit_names (
    name TEXT NOT NULL,
    unit INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (name, unit)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS speaker_unit_names_by_unit ON speaker_unit_names(unit);
-- What a speaker's id is made of, so two speakers sharing a key are found without the rest.
CREATE TABLE IF NOT EXISTS speaker_keys (
    speaker   TEXT PRIMARY KEY NOT NULL,
    kind      TEXT NOT NULL,
    key0      TEXT NOT NULL,
    key1      TEXT NOT NULL,
    ext1      TEXT NOT NULL,
    ext2      TEXT NOT NULL,
    ambiguous INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS speaker_keys_by_key0 ON speaker_keys(kind, key0);
CREATE INDEX IF NOT EXISTS speaker_keys_by_key1 ON speaker_keys(kind, key1);
CREATE INDEX IF NOT EXISTS aliases_by_speaker ON aliases(speaker_id);
-- (No OR IGNORE in a trigger: the statement that fires it may impose its own conflict policy.)
CREATE TRIGGER IF NOT EXISTS speaker_dirty_quote_added AFTER INSERT ON quotes BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT new.doc_id
    WHERE NOT EXISTS (SELECT 1 FROM speaker_dirty WHERE doc_id = new.doc_id);
END;
CREATE TRIGGER IF NOT EXISTS speaker_dirty_quote_removed AFTER DELETE ON quotes BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT old.doc_id
    WHERE NOT EXISTS (SELECT 1 FROM speaker_dirty WHERE doc_id = old.doc_id);
END;
CREATE TRIGGER IF NOT EXISTS speaker_dirty_quote_changed
AFTER UPDATE OF doc_id, speaker_name, speaker_kind, mention_text, method ON quotes BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT DISTINCT d FROM (SELECT old.doc_id AS d UNION SELECT new.doc_id)
    WHERE d NOT IN (SELECT doc_id FROM speaker_dirty);
END;
CREATE TRIGGER IF NOT EXISTS speaker_dirty_review_added AFTER INSERT ON reviews
WHEN new.speaker_name IS NOT NULL BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT DISTINCT doc_id FROM quotes
    WHERE id = new.quote_id AND doc_id NOT IN (SELECT doc_id FROM speaker_dirty);
END;
CREATE TRIGGER IF NOT EXISTS speaker_dirty_review_removed AFTER DELETE ON reviews
WHEN old.speaker_name IS NOT NULL BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT DISTINCT doc_id FROM quotes
    WHERE id = old.quote_id AND doc_id NOT IN (SELECT doc_id FROM speaker_dirty);
END;
CREATE TRIGGER IF NOT EXISTS speaker_dirty_review_changed AFTER UPDATE ON reviews
WHEN old.speaker_name IS NOT new.speaker_name OR old.quote_id IS NOT new.quote_id BEGIN
    INSERT INTO speaker_dirty(doc_id) SELECT DISTINCT doc_id FROM quotes
    WHERE id IN (old.quote_id, new.quote_id) AND doc_id NOT IN (SELECT doc_id FROM speaker_dirty);
END;
"""


_SCHEMA_OBJECT = re.compile(r"CREATE\s+(TABLE|INDEX|TRIGGER)\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)
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
    ("documents", "meta", "TEXT"),
    # what the review queue sorts and filters by, kept by triggers (see QUEUE_OBJECTS below)
    ("quotes", "queue_status", "INTEGER NOT NULL DEFAULT 0"),
    ("quotes", "queue_kind", "TEXT"),
    ("quotes", "queue_speaker", "TEXT"),
    ("reviews", "reason", "TEXT"),  # why a reviewer rejected the quote (store/edits.py)
    # a speaker decision taken back with `u` on the speakers screen: kept, and left out from then on
    ("speaker_overrides", "undone_at", "TEXT"),
    # the reviewer's own decision before an action (store/judgements.py), for its undo
    ("review_actions", "own_before", "TEXT"),
    # an action of a blind reviewer (store/judgements.py): it changed only their own decision
    ("review_actions", "blind", "INTEGER NOT NULL DEFAULT 0"),
)
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


class StoreError(Exception):
    """A store that cannot be used: not a quotetrack database, too new, broken."""


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


def open_connection(path: Path, *, create: bool, check: bool, timeout: float | None) -> sqlite3.Connection:
    """A connection to the store at ``path``, created or brought up to date as needed.

    An existing file that is not SQLite, a SQLite database of another
    application, a damaged store or one written by a newer quotetrack raises
    :class:`StoreError` and is left untouched. A store written by an older
    version is brought up to date (see :data:`MIGRATIONS`) in one
    transaction, after an integrity check.
    """
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
    # Only quotetrack's own files, and SQLite files with nothing in them at all, become stores:
    # another application's mark, or anything in a file without one, means the file is not ours.
    if exists and (app_id not in (APPLICATION_ID, 0) or (app_id == 0 and objects)):
        raise StoreError(
            f"{path}: a SQLite database of another application, not a quotetrack store"
            f"{f' (application id {app_id})' if app_id else ''}; it was left untouched"
        )
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


def check_writable(conn: sqlite3.Connection, path: Path) -> None:
    """:class:`StoreError` unless the store takes a write now (a read-only file or disk, a damaged or
    locked store say so here, not at a reviewer's first decision). Nothing is written: rolled back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: {explain(exc)}") from None


def _stored_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _schema_objects() -> set[tuple[str, str]]:
    """(type, name) of every table, index and trigger the current schema has."""
    return {(kind.lower(), name) for kind, name in _SCHEMA_OBJECT.findall(_SCHEMA)} | _queue_objects()


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
            _install_queue(conn)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
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


def _create(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for statement in _statements(_SCHEMA):
            conn.execute(statement)
        _add_missing_columns(conn)
        _install_queue(conn)
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
    """The statements of ``script``; a trigger's body (``BEGIN ... END``) stays in its statement."""
    out, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                out.append(pending.strip())
            pending = ""
    return out



# Kept row by row, these cost more than a bulk load's rows themselves; the store marks the
# documents it writes itself (Documents._save), so this trigger only catches other writers.
_BULK_DROPPED_TRIGGERS = ("speaker_dirty_quote_added",)
BULK_CACHE_KIB = 512 * 1024  # page cache during a bulk load: index pages stay in memory between batches


def pause_for_bulk_load(conn: sqlite3.Connection) -> int:
    """Drop what a bulk load need not keep row by row; returns the page cache size to restore.

    The review queue's triggers and indexes (about 1 ms of 1.7 ms per article)
    and the per-quote trigger that marks documents for the speaker refresh;
    the page cache is made large, so that the random-keyed indexes of a large
    store are not written out and read back between batches.
    :func:`resume_after_bulk_load` fills the queue from the rows at once.
    Until then the queue's columns, counts and text index are stale, and a
    store opened meanwhile (say after a crash) puts everything back itself
    (all of it is part of the schema, so opening it upgrades it).
    """
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    for name in (*(t[1] for t in QUEUE_TRIGGERS), *EXTRA_TRIGGERS, *_BULK_DROPPED_TRIGGERS):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for _, name, _ in QUEUE_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    return cache


def resume_after_bulk_load(conn: sqlite3.Connection, cache: int) -> None:
    """Put back what :func:`pause_for_bulk_load` dropped, the queue filled from the rows, in the caller's transaction."""
    for statement in _statements(_SCHEMA):
        if statement.startswith("CREATE TRIGGER"):
            conn.execute(statement)
    _install_queue(conn)
    conn.execute(f"PRAGMA cache_size = {int(cache)}")
