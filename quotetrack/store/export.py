"""The JSON quote database (schema ``quotetrack/1``), written atomically.

``json``: one object with documents, speakers and quotes (see
``quotetrack/schema/quotes.schema.json``). ``jsonl``: one quote object per
line, each exactly as in the ``quotes`` array of the JSON form.
Files are written to a temporary file beside the target and renamed over
it, so a reader (or a crash) never sees half an export.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import orjson

from .. import store
from ..domain import REVIEW_STATUSES

SCHEMA_ID = "quotetrack/1"
FORMATS = ("json", "jsonl")


def schema() -> dict:
    """The JSON Schema of the ``json`` export."""
    return orjson.loads(resources.files("quotetrack").joinpath("schema/quotes.schema.json").read_bytes())


def parse_statuses(value: str | Iterable[str] | None) -> list[str] | None:
    """'confirmed,rejected' → ['confirmed', 'corrected', 'rejected'].

    'confirmed' includes 'corrected': a corrected quote is one a reviewer
    confirmed with changes.
    """
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    statuses = {s.strip().lower() for s in items if s.strip()}
    unknown = statuses - set(REVIEW_STATUSES)
    if unknown:
        raise ValueError(f"unknown status {', '.join(sorted(unknown))} (use {', '.join(REVIEW_STATUSES)})")
    if "confirmed" in statuses:
        statuses.add("corrected")
    return sorted(statuses)


_QUOTES_SQL = """
SELECT q.*, coalesce(r.status, 'pending') AS status, r.by AS review_by, r.at AS review_at,
       r.note AS review_note, coalesce(r.kind, q.kind) AS effective_kind,
       coalesce(r.speaker_name, q.speaker_name) AS effective_speaker, s.name AS canonical_name
FROM quotes q
LEFT JOIN reviews r ON r.quote_id = q.id
LEFT JOIN speakers s ON s.id = q.speaker_id
{where}
ORDER BY q.doc_id, q.start, q.end, q.id
"""


def _span(row, prefix: str) -> dict | None:
    start = row[f"{prefix}_start"]
    if start is None:
        return None
    return {"text": row[f"{prefix}_text"], "start": start, "end": row[f"{prefix}_end"]}


def quote_record(row: sqlite3.Row) -> dict:
    speaker_name = row["effective_speaker"]
    return {
        "id": row["id"],
        "doc_id": row["doc_id"],
        "kind": row["effective_kind"],
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "cue": _span(row, "cue"),
        "speaker": {
            "id": row["speaker_id"] if speaker_name is not None else None,
            "name": (row["canonical_name"] or speaker_name) if speaker_name is not None else None,
            "mention": _span(row, "mention"),
            "resolved": _span(row, "resolved"),
            "method": row["method"],
        },
        "confidence": row["confidence"],
        "review": {
            "status": row["status"],
            "by": row["review_by"],
            "at": row["review_at"],
            "note": row["review_note"],
        },
    }


def iter_quotes(conn: sqlite3.Connection, statuses: list[str] | None = None) -> Iterator[dict]:
    where, params = "", []
    if statuses:
        where = f"WHERE coalesce(r.status, 'pending') IN ({','.join('?' * len(statuses))})"
        params = statuses
    for row in conn.execute(_QUOTES_SQL.format(where=where), params):
        yield quote_record(row)


def tool_info(conn: sqlite3.Connection) -> dict:
    from .. import __version__

    return {
        "version": __version__,
        "spacy_model": store.get_meta(conn, "spacy_model"),
        "coref_model": store.get_meta(conn, "coref_model"),
    }


def build_export(conn: sqlite3.Connection, statuses: list[str] | None = None) -> dict:
    quotes = list(iter_quotes(conn, statuses))
    documents = [
        {"id": r["id"], "source": r["source"], "sha256": r["sha256"], "chars": r["chars"]}
        for r in conn.execute("SELECT id, source, sha256, chars FROM documents ORDER BY id")
    ]
    return {
        "schema": SCHEMA_ID,
        "generated_at": store.utc_now(),
        "tool": tool_info(conn),
        "documents": documents,
        "speakers": _speakers(conn, quotes),
        "quotes": quotes,
    }


def _speakers(conn: sqlite3.Connection, quotes: list[dict]) -> list[dict]:
    """The speakers the exported quotes name, with counts over those quotes."""
    counts: dict[str, int] = {}
    docs: dict[str, set[str]] = {}
    for q in quotes:
        sid = q["speaker"]["id"]
        if sid is None:
            continue
        counts[sid] = counts.get(sid, 0) + 1
        docs.setdefault(sid, set()).add(q["doc_id"])
    return _speaker_records(conn, counts, docs)


_SPEAKER_IDS_SQL = """
SELECT q.speaker_id, q.doc_id
FROM quotes q
LEFT JOIN reviews r ON r.quote_id = q.id
WHERE q.speaker_id IS NOT NULL AND coalesce(r.speaker_name, q.speaker_name) IS NOT NULL {status}
"""


def _speakers_streamed(conn: sqlite3.Connection, statuses: list[str] | None) -> list[dict]:
    """:func:`_speakers` from a query over the quotes' speaker ids, without holding the quotes."""
    status, params = "", []
    if statuses:
        status = f"AND coalesce(r.status, 'pending') IN ({','.join('?' * len(statuses))})"
        params = statuses
    counts: dict[str, int] = {}
    docs: dict[str, set[str]] = {}
    for sid, doc_id in conn.execute(_SPEAKER_IDS_SQL.format(status=status), params):
        counts[sid] = counts.get(sid, 0) + 1
        docs.setdefault(sid, set()).add(doc_id)
    return _speaker_records(conn, counts, docs)


def _speaker_records(conn: sqlite3.Connection, counts: dict[str, int], docs: dict[str, set[str]]) -> list[dict]:
    if not counts:
        return []
    aliases: dict[str, list[str]] = {}
    for alias, sid in conn.execute("SELECT alias, speaker_id FROM aliases ORDER BY alias"):
        aliases.setdefault(sid, []).append(alias)
    out = []
    for row in conn.execute("SELECT id, name, kind FROM speakers ORDER BY name, id"):
        if row["id"] in counts:
            out.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "aliases": aliases.get(row["id"], []),
                    "kind": row["kind"],
                    "quote_count": counts[row["id"]],
                    "documents": sorted(docs[row["id"]]),
                }
            )
    return out


def _indented(value, depth: int) -> bytes:
    """``value`` as ``orjson`` writes it with ``OPT_INDENT_2`` at nesting ``depth`` (its first line unindented)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n" + b"  " * depth)


def _array(items: Iterable, counter: list[int] | None = None) -> Iterator[bytes]:
    """An array that is a value of the top-level object, item by item, as ``OPT_INDENT_2`` writes it."""
    first = True
    for item in items:
        yield (b"[\n    " if first else b",\n    ") + _indented(item, 2)
        first = False
        if counter is not None:
            counter[0] += 1
    yield b"[]" if first else b"\n  ]"


def stream_export(conn: sqlite3.Connection, statuses: list[str] | None = None, counter: list[int] | None = None) -> Iterator[bytes]:
    """The ``json`` export as :func:`build_export` and ``orjson`` (``OPT_INDENT_2``) would write it,
    byte for byte, in pieces: documents and quotes are read from the store as they are written,
    so memory does not grow with the corpus. ``counter[0]`` counts the quotes written."""
    head = {"schema": SCHEMA_ID, "generated_at": store.utc_now(), "tool": tool_info(conn)}
    yield b"{\n"
    for key, value in head.items():
        yield b"  " + orjson.dumps(key) + b": " + _indented(value, 1) + b",\n"
    yield b'  "documents": '
    yield from _array(
        {"id": r["id"], "source": r["source"], "sha256": r["sha256"], "chars": r["chars"]}
        for r in conn.execute("SELECT id, source, sha256, chars FROM documents ORDER BY id")
    )
    yield b',\n  "speakers": '
    yield from _array(_speakers_streamed(conn, statuses))
    yield b',\n  "quotes": '
    yield from _array(iter_quotes(conn, statuses), counter)
    yield b"\n}\n"


def atomic_write(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write to a temporary file in the target's folder, fsync, then rename over the target.

    If anything fails (a full or read-only disk, an interruption) the
    temporary file is removed and the previous file at ``path`` is left
    exactly as it was. A symbolic link is followed (the file it points to
    is replaced, the link kept); a target that is not a regular file
    (``/dev/stdout``, a named pipe) is written to directly, since it cannot
    be replaced.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _buffered(chunks: Iterable[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Pieces joined into about ``size`` bytes each: fewer, larger writes."""
    buffer: list[bytes] = []
    held = 0
    for chunk in chunks:
        buffer.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)


def write_export(
    conn: sqlite3.Connection, path: str | Path, fmt: str = "json", statuses: list[str] | None = None
) -> int:
    """Write the export; returns the number of quotes written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use {' or '.join(FORMATS)})")
    if fmt == "json":
        counter = [0]
        atomic_write(path, _buffered(stream_export(conn, statuses, counter)))
        return counter[0]
    count = 0

    def lines() -> Iterator[bytes]:
        nonlocal count
        for record in iter_quotes(conn, statuses):
            count += 1
            yield orjson.dumps(record) + b"\n"

    atomic_write(path, _buffered(lines()))
    return count
