"""The review queue's part of the schema: indexes, count tables and text indexes kept by triggers.

Created with the store, and by an upgrade in a store that lacks any of it (filled from the rows
then, once: see :func:`_install_queue`). :mod:`.schema` creates and upgrades the rest.
"""

from __future__ import annotations

import sqlite3

from ..domain import REVIEW_STATUSES

# --- the review queue: indexes, counts and text search kept by triggers ---------------------
#
# The review queue (store/queue.py) sorts, filters, counts and searches a store of any size
# without reading its quotes. What it sorts and filters by sits on each quote row (the
# ``queue_*`` columns: the review's status rank, a corrected kind, the name the speaker is
# shown under), indexed once per sort; how many quotes there are of each status, kind and
# confidence, and of each speaker name, is kept in two small tables; the quote text is
# indexed for substring search (FTS5 trigrams). Triggers keep all of it current whoever
# writes (extraction, decisions, undo, speaker refreshes, a raw SQLite shell), using SQLite's
# own functions only, so any connection may write. Deleting a speaker row does not re-name
# its quotes: every writer re-points them in the same transaction (see store/speakers.py).

_STATUS_RANK = "CASE r.status " + " ".join(
    f"WHEN '{status}' THEN {rank}" for rank, status in enumerate(REVIEW_STATUSES) if rank) + " ELSE 0 END"
_QUEUE_STATE = (
    f"queue_status = coalesce((SELECT {_STATUS_RANK} FROM reviews r WHERE r.quote_id = quotes.id), 0),"
    " queue_kind = (SELECT r.kind FROM reviews r WHERE r.quote_id = quotes.id),"
    " queue_speaker = coalesce((SELECT s.name FROM speakers s WHERE s.id = quotes.speaker_id),"
    " (SELECT r.speaker_name FROM reviews r WHERE r.quote_id = quotes.id), quotes.speaker_name)"
)
CONFIDENCE_BUCKETS = 10_000  # stored confidences have four decimals: one bucket per value


def _counted(row: str, delta: int) -> str:
    """Count the quote ``row`` (NEW or OLD) in or out of ``queue_counts``."""
    kind = f"coalesce({row}.queue_kind, {row}.kind)"
    bucket = f"CAST(round({row}.confidence * {CONFIDENCE_BUCKETS}) AS INTEGER)"
    if delta > 0:
        return (f"INSERT INTO queue_counts(status, kind, bucket, n) VALUES ({row}.queue_status, {kind}, {bucket}, 1)"
                " ON CONFLICT(status, kind, bucket) DO UPDATE SET n = n + 1;")
    return f"UPDATE queue_counts SET n = n - 1 WHERE status = {row}.queue_status AND kind = {kind} AND bucket = {bucket};"


def _named(row: str, delta: int) -> str:
    """Count the name the quote ``row`` is shown under in or out of ``queue_speakers``."""
    if delta > 0:
        return (f"INSERT INTO queue_speakers(name, n) SELECT {row}.queue_speaker, 1 WHERE {row}.queue_speaker IS NOT NULL"
                " ON CONFLICT(name) DO UPDATE SET n = n + 1;")
    return (f"UPDATE queue_speakers SET n = n - 1 WHERE name = {row}.queue_speaker;"
            f" DELETE FROM queue_speakers WHERE name = {row}.queue_speaker AND n <= 0;")


_FTS_ADD = "INSERT INTO quotes_fts(rowid, text) VALUES (NEW.rowid, NEW.text);"
_FTS_DROP = "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);"

# (type, name, SQL) in the order they are created; the tables first, the triggers last.
QUEUE_TABLES: tuple[tuple[str, str, str], ...] = (
    ("table", "queue_counts", "CREATE TABLE IF NOT EXISTS queue_counts (status INTEGER NOT NULL, kind TEXT NOT NULL,"
     " bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (status, kind, bucket)) WITHOUT ROWID"),
    ("table", "queue_speakers", "CREATE TABLE IF NOT EXISTS queue_speakers (name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,"
     " n INTEGER NOT NULL) WITHOUT ROWID"),
    ("table", "quotes_fts", "CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(text, content='quotes',"
     " content_rowid='rowid', tokenize='trigram')"),
)
QUEUE_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("index", "queue_by_status", "CREATE INDEX IF NOT EXISTS queue_by_status ON quotes(queue_status, confidence, doc_id, start)"),
    ("index", "queue_by_kind",
     "CREATE INDEX IF NOT EXISTS queue_by_kind ON quotes(coalesce(queue_kind, kind), confidence, doc_id, start)"),
    ("index", "queue_by_speaker",
     "CREATE INDEX IF NOT EXISTS queue_by_speaker ON quotes(queue_speaker COLLATE NOCASE, confidence, doc_id, start)"),
    ("index", "queue_by_confidence", "CREATE INDEX IF NOT EXISTS queue_by_confidence ON quotes(confidence, doc_id, start)"),
)
QUEUE_TRIGGERS: tuple[tuple[str, str, str], ...] = tuple(
    ("trigger", name, f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {body} END") for name, when, body in (
        ("queue_quote_added", "AFTER INSERT ON quotes",
         f"{_counted('NEW', 1)} {_named('NEW', 1)} {_FTS_ADD} UPDATE quotes SET {_QUEUE_STATE} WHERE rowid = NEW.rowid;"),
        ("queue_quote_removed", "AFTER DELETE ON quotes", f"{_counted('OLD', -1)} {_named('OLD', -1)} {_FTS_DROP}"),
        ("queue_quote_counted", "AFTER UPDATE OF queue_status, queue_kind, kind, confidence ON quotes"
         " WHEN OLD.queue_status IS NOT NEW.queue_status OR OLD.confidence IS NOT NEW.confidence"
         " OR coalesce(OLD.queue_kind, OLD.kind) IS NOT coalesce(NEW.queue_kind, NEW.kind)",
         f"{_counted('OLD', -1)} {_counted('NEW', 1)}"),
        ("queue_quote_named", "AFTER UPDATE OF queue_speaker ON quotes WHEN OLD.queue_speaker IS NOT NEW.queue_speaker",
         f"{_named('OLD', -1)} {_named('NEW', 1)}"),
        ("queue_quote_text", "AFTER UPDATE OF text ON quotes WHEN OLD.text IS NOT NEW.text", f"{_FTS_DROP} {_FTS_ADD}"),
        ("queue_quote_speaker", "AFTER UPDATE OF speaker_id, speaker_name ON quotes"
         " WHEN OLD.speaker_id IS NOT NEW.speaker_id OR OLD.speaker_name IS NOT NEW.speaker_name",
         f"UPDATE quotes SET {_QUEUE_STATE} WHERE rowid = NEW.rowid;"),
        ("queue_review_added", "AFTER INSERT ON reviews", f"UPDATE quotes SET {_QUEUE_STATE} WHERE id = NEW.quote_id;"),
        ("queue_review_changed", "AFTER UPDATE ON reviews",
         f"UPDATE quotes SET {_QUEUE_STATE} WHERE id IN (OLD.quote_id, NEW.quote_id);"),
        ("queue_review_removed", "AFTER DELETE ON reviews", f"UPDATE quotes SET {_QUEUE_STATE} WHERE id = OLD.quote_id;"),
        ("queue_speaker_added", "AFTER INSERT ON speakers",
         "UPDATE quotes SET queue_speaker = NEW.name WHERE speaker_id = NEW.id AND queue_speaker IS NOT NEW.name;"),
        ("queue_speaker_renamed", "AFTER UPDATE OF id, name ON speakers",
         f"UPDATE quotes SET {_QUEUE_STATE} WHERE speaker_id IN (OLD.id, NEW.id);"),
    )
)


# Lookups added later than the rest, each installed (and filled from the rows) on its own when a
# store lacks it, so that adding one does not refill the whole queue: trigram indexes of document
# ids (the document filter), of the names quotes are shown under (the search's name half) and of
# speakers' aliases (the speaker picker), each speaker's quotes not rejected, counted (the
# picker lists the most quoted first), and each document's quotes, counted (where a row stands
# in the document order). Each: (objects, then the statements that fill them).
_REJECTED = REVIEW_STATUSES.index("rejected")
_PHRASE = "'\"' || replace({}, '\"', '\"\"') || '\"'"  # SQL for a value as an FTS5 phrase


def _fts_kept(table: str, fts: str, column: str) -> tuple[tuple[str, str, str], ...]:
    """An external-content trigram index of one column, kept by triggers on its table."""
    drop = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', OLD.rowid, OLD.{column});"
    add = f"INSERT INTO {fts}(rowid, {column}) VALUES (NEW.rowid, NEW.{column});"
    return (
        ("table", fts, f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{table}',"
         " content_rowid='rowid', tokenize='trigram')"),
        ("trigger", f"{fts}_added", f"CREATE TRIGGER IF NOT EXISTS {fts}_added AFTER INSERT ON {table} BEGIN {add} END"),
        ("trigger", f"{fts}_removed", f"CREATE TRIGGER IF NOT EXISTS {fts}_removed AFTER DELETE ON {table} BEGIN {drop} END"),
        ("trigger", f"{fts}_changed", f"CREATE TRIGGER IF NOT EXISTS {fts}_changed AFTER UPDATE OF {column} ON {table}"
         f" WHEN OLD.{column} IS NOT NEW.{column} BEGIN {drop} {add} END"),
    )


def _speaker_counted(row: str, delta: int) -> str:
    """Count the quote ``row`` (NEW or OLD) in or out of its speaker's ``speaker_counts`` (rejected: not)."""
    if delta > 0:
        return (f"INSERT INTO speaker_counts(speaker_id, n) SELECT {row}.speaker_id, 1 WHERE {row}.speaker_id IS NOT NULL"
                f" AND {row}.queue_status IS NOT {_REJECTED} ON CONFLICT(speaker_id) DO UPDATE SET n = n + 1;")
    return (f"UPDATE speaker_counts SET n = n - 1 WHERE speaker_id = {row}.speaker_id AND {row}.queue_status IS NOT {_REJECTED};"
            f" DELETE FROM speaker_counts WHERE speaker_id = {row}.speaker_id AND n <= 0;")


def _doc_counted(row: str, delta: int) -> str:
    """Count the quote ``row`` (NEW or OLD) in or out of its document's ``queue_doc_counts``."""
    if delta > 0:
        return f"INSERT INTO queue_doc_counts(doc_id, n) VALUES ({row}.doc_id, 1) ON CONFLICT(doc_id) DO UPDATE SET n = n + 1;"
    return (f"UPDATE queue_doc_counts SET n = n - 1 WHERE doc_id = {row}.doc_id;"
            f" DELETE FROM queue_doc_counts WHERE doc_id = {row}.doc_id AND n <= 0;")


QUEUE_EXTRAS: tuple[tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]], ...] = (
    (_fts_kept("documents", "documents_fts", "id"), ("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",)),
    (_fts_kept("aliases", "aliases_fts", "alias"), ("INSERT INTO aliases_fts(aliases_fts) VALUES ('rebuild')",)),
    ((
        ("table", "queue_names_fts", "CREATE VIRTUAL TABLE IF NOT EXISTS queue_names_fts USING fts5(name, tokenize='trigram')"),
        ("trigger", "queue_names_added", "CREATE TRIGGER IF NOT EXISTS queue_names_added AFTER INSERT ON queue_speakers"
         " BEGIN INSERT INTO queue_names_fts(name) VALUES (NEW.name); END"),
        # found by the index, or (a name too short for a trigram) by a pass over the names
        ("trigger", "queue_names_removed", "CREATE TRIGGER IF NOT EXISTS queue_names_removed AFTER DELETE ON queue_speakers"
         " BEGIN DELETE FROM queue_names_fts WHERE rowid IN (SELECT rowid FROM queue_names_fts WHERE queue_names_fts MATCH"
         f" {_PHRASE.format('OLD.name')} AND name = OLD.name);"
         " DELETE FROM queue_names_fts WHERE length(OLD.name) < 3 AND name = OLD.name; END"),
    ), ("DELETE FROM queue_names_fts", "INSERT INTO queue_names_fts(name) SELECT name FROM queue_speakers")),
    ((
        ("table", "speaker_counts", "CREATE TABLE IF NOT EXISTS speaker_counts (speaker_id TEXT NOT NULL PRIMARY KEY,"
         " n INTEGER NOT NULL) WITHOUT ROWID"),
        ("index", "speaker_counts_by_n", "CREATE INDEX IF NOT EXISTS speaker_counts_by_n ON speaker_counts(n)"),
        ("trigger", "speaker_counted_added", "CREATE TRIGGER IF NOT EXISTS speaker_counted_added AFTER INSERT ON quotes"
         f" BEGIN {_speaker_counted('NEW', 1)} END"),
        ("trigger", "speaker_counted_removed", "CREATE TRIGGER IF NOT EXISTS speaker_counted_removed AFTER DELETE ON quotes"
         f" BEGIN {_speaker_counted('OLD', -1)} END"),
        ("trigger", "speaker_counted_changed", "CREATE TRIGGER IF NOT EXISTS speaker_counted_changed"
         " AFTER UPDATE OF speaker_id, queue_status ON quotes WHEN OLD.speaker_id IS NOT NEW.speaker_id"
         f" OR (OLD.queue_status = {_REJECTED}) IS NOT (NEW.queue_status = {_REJECTED})"
         f" BEGIN {_speaker_counted('OLD', -1)} {_speaker_counted('NEW', 1)} END"),
    ), ("DELETE FROM speaker_counts", "INSERT INTO speaker_counts(speaker_id, n) SELECT speaker_id, count(*) FROM quotes"
        f" WHERE speaker_id IS NOT NULL AND queue_status IS NOT {_REJECTED} GROUP BY speaker_id")),
    ((  # quotes per document: where a row stands in the document order, a document at a time
        ("table", "queue_doc_counts", "CREATE TABLE IF NOT EXISTS queue_doc_counts (doc_id TEXT NOT NULL PRIMARY KEY,"
         " n INTEGER NOT NULL) WITHOUT ROWID"),
        ("trigger", "queue_doc_counted_added", "CREATE TRIGGER IF NOT EXISTS queue_doc_counted_added AFTER INSERT ON quotes"
         f" BEGIN {_doc_counted('NEW', 1)} END"),
        ("trigger", "queue_doc_counted_removed", "CREATE TRIGGER IF NOT EXISTS queue_doc_counted_removed AFTER DELETE ON quotes"
         f" BEGIN {_doc_counted('OLD', -1)} END"),
        ("trigger", "queue_doc_counted_moved", "CREATE TRIGGER IF NOT EXISTS queue_doc_counted_moved AFTER UPDATE OF doc_id"
         f" ON quotes WHEN OLD.doc_id IS NOT NEW.doc_id BEGIN {_doc_counted('OLD', -1)} {_doc_counted('NEW', 1)} END"),
    ), ("DELETE FROM queue_doc_counts", "INSERT INTO queue_doc_counts(doc_id, n) SELECT doc_id, count(*) FROM quotes GROUP BY doc_id")),
)
EXTRA_TRIGGERS = tuple(name for objects, _ in QUEUE_EXTRAS for kind, name, _ in objects if kind == "trigger")


def _queue_objects() -> set[tuple[str, str]]:
    extras = [(kind, name) for objects, _ in QUEUE_EXTRAS for kind, name, _ in objects]
    return {(kind, name) for kind, name, _ in QUEUE_TABLES + QUEUE_INDEXES + QUEUE_TRIGGERS} | set(extras)


def _install_queue(conn: sqlite3.Connection) -> None:
    """Create the queue's objects; in a store that has quotes but lacks some of them, fill them first.

    Filling runs with no queue trigger in place (they would count the fill
    itself): the ``queue_*`` columns of every quote, both count tables from
    scratch, the text index rebuilt. On 10 million quotes this takes minutes
    (docs/review.md), once. A store lacking only some of the later lookups
    (``QUEUE_EXTRAS``) gets those alone.
    """
    have = {(r[0], r[1]) for r in conn.execute("SELECT type, name FROM sqlite_master")}
    if _queue_objects() <= have:
        return
    core = {(kind, name) for kind, name, _ in QUEUE_TABLES + QUEUE_INDEXES + QUEUE_TRIGGERS}
    if not core <= have:
        for name in (*(t[1] for t in QUEUE_TRIGGERS), *EXTRA_TRIGGERS):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for _, _, sql in QUEUE_TABLES:
            conn.execute(sql)
        conn.execute(f"UPDATE quotes SET {_QUEUE_STATE}")
        conn.execute("DELETE FROM queue_counts")
        conn.execute(
            "INSERT INTO queue_counts(status, kind, bucket, n) SELECT queue_status, coalesce(queue_kind, kind),"
            f" CAST(round(confidence * {CONFIDENCE_BUCKETS}) AS INTEGER) AS bucket, count(*) FROM quotes GROUP BY 1, 2, 3"
        )
        conn.execute("DELETE FROM queue_speakers")
        conn.execute("INSERT INTO queue_speakers(name, n) SELECT queue_speaker, count(*) FROM quotes"
                     " WHERE queue_speaker IS NOT NULL GROUP BY queue_speaker COLLATE NOCASE")
        conn.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")
        for _, _, sql in QUEUE_INDEXES + QUEUE_TRIGGERS:
            conn.execute(sql)
    for objects, fill in QUEUE_EXTRAS:
        if not core <= have or not {(kind, name) for kind, name, _ in objects} <= have:
            for kind, name, _ in objects:
                if kind == "trigger":
                    conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            for kind, _, sql in objects:
                if kind != "trigger":
                    conn.execute(sql)
            for sql in fill:
                conn.execute(sql)
            for kind, _, sql in objects:
                if kind == "trigger":
                    conn.execute(sql)
