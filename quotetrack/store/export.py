"""The JSON quote database (schema ``quotetrack/1``), written atomically.

``json``: one object with documents, speakers and quotes (see
``quotetrack/schema/quotes.schema.json``). ``jsonl``: one quote object per
line, each exactly as in the ``quotes`` array of the JSON form. ``csv``: one
row per quote, for spreadsheets and data frames (:data:`CSV_COLUMNS`).
Files are written to a temporary file beside the target and renamed over
it, so a reader (or a crash) never sees half an export; a stream (standard
output) is written as the export is read from the store.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from ..domain import REVIEW_STATUSES
from .base import utc_now
from .selection import ALL, Selection
from .speakers import Speakers, SpeakerSummary

SCHEMA_ID = "quotetrack/1"
FORMATS = ("json", "jsonl", "csv")
CSV_COLUMNS = ("document", "speaker", "kind", "confidence", "status", "text", "start", "end", "quote_id", "speaker_id")
REVIEWED = "reviewed"  # a status filter, as in the review app: every status but pending


def schema() -> dict:
    """The JSON Schema of the ``json`` export."""
    from importlib import resources

    return orjson.loads(resources.files("quotetrack").joinpath("schema/quotes.schema.json").read_bytes())


def parse_statuses(value: str | Iterable[str] | None) -> list[str] | None:
    """'confirmed,rejected' → ['confirmed', 'corrected', 'rejected'].

    'confirmed' includes 'corrected': a corrected quote is one a reviewer
    confirmed with changes. 'reviewed' is every status but pending, as in
    the review app. A value that names no status at all (``""``) is refused:
    it would otherwise export everything, rejected quotes included.
    """
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    statuses = {s.strip().lower() for s in items if s.strip()}
    if not statuses:  # an empty filter is a mistake (an unset variable), never "everything"
        raise ValueError(f"no status given (use {', '.join((*REVIEW_STATUSES, REVIEWED))}, comma-separated)")
    unknown = statuses - {*REVIEW_STATUSES, REVIEWED}
    if unknown:
        raise ValueError(f"unknown status {', '.join(sorted(unknown))} (use {', '.join((*REVIEW_STATUSES, REVIEWED))})")
    if REVIEWED in statuses:
        statuses.remove(REVIEWED)
        statuses.update(s for s in REVIEW_STATUSES if s != "pending")
    if "confirmed" in statuses:
        statuses.add("corrected")
    return sorted(statuses)


_QUOTES_SQL = """
SELECT q.*, coalesce(r.status, 'pending') AS status, r.by AS review_by, r.at AS review_at,
       r.note AS review_note, coalesce(r.kind, q.kind) AS effective_kind,
       coalesce(r.speaker_name, q.speaker_name) AS effective_speaker, s.name AS canonical_name,
       r.speaker_name AS review_speaker
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


def _speaker_source(row: sqlite3.Row) -> tuple[dict | None, dict | None, str]:
    """Mention, antecedent and method of the quote's speaker: a reviewer's correction has none of
    the extractor's (its words named someone else), and its method is ``reviewer``."""
    if row["review_speaker"] is not None:
        return None, None, "reviewer"
    return _span(row, "mention"), _span(row, "resolved"), row["method"]


def _quote_record(row: sqlite3.Row) -> dict:
    speaker_name = row["effective_speaker"]
    mention, resolved, method = _speaker_source(row)
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
            "mention": mention,
            "resolved": resolved,
            "method": method,
        },
        "confidence": row["confidence"],
        "review": {
            "status": row["status"],
            "by": row["review_by"],
            "at": row["review_at"],
            "note": row["review_note"],
        },
    }


def _speaker_record(s: SpeakerSummary) -> dict:
    return {"id": s.id, "name": s.name, "aliases": s.aliases, "kind": s.kind, "quote_count": s.quote_count,
            "documents": s.documents}


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


def atomic_write(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write to a temporary file in the target's folder, fsync, then rename over the target.

    If anything fails (a full or read-only disk, an interruption) the
    temporary file is removed and the previous file at ``path`` is left
    exactly as it was. The new file keeps the old one's mode (and owner and
    group, where this user may set them); a new file follows the umask. A
    symbolic link is followed (the file it points to is replaced, the link
    kept); a target that is not a regular file (``/dev/stdout``, a named
    pipe) is written to directly, since it cannot be replaced. Temporary
    files left behind by a killed export (``kill -9`` runs no cleanup) are
    removed first: each writer holds a lock on its own, so a file nobody
    holds is a dead one.
    """
    path = Path(path)
    target = _stat(path)
    if target is not None and not stat.S_ISREG(target.st_mode):
        if stat.S_ISDIR(target.st_mode):
            raise IsADirectoryError(21, "is a folder", str(path))
        with open(path, "wb") as handle:
            write_stream(handle, chunks)
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _lock(fd)
            _take_attributes(fd, target)
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)  # while the lock is held: no cleaner can take it for a dead one
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_stream(stream: BinaryIO, chunks: Iterable[bytes]) -> None:
    """Write the pieces to an open binary stream (standard output, a pipe) as they come."""
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()


def _stat(path: Path) -> os.stat_result | None:
    """What ``path`` names, links followed (None when nothing is there, a dangling link included)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _take_attributes(fd: int, previous: os.stat_result | None) -> None:
    """Give the temporary file the mode (and owner) of the export it replaces, else the umask's mode."""
    if previous is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    for uid, gid in ((previous.st_uid, previous.st_gid), (-1, previous.st_gid)):
        try:  # root keeps the owner; anyone may keep a group they belong to
            os.fchown(fd, uid, gid)
            break
        except OSError:
            continue
    os.fchmod(fd, stat.S_IMODE(previous.st_mode))  # after chown, which clears set-id bits


try:  # POSIX: a lock that dies with its process, kill -9 included
    import fcntl
except ImportError:  # pragma: no cover (Windows: stale files are judged by age alone)
    fcntl = None

# A temporary file nobody holds is taken for stale only after this long: it covers the instant
# between a writer creating its file and locking it (and, without locks, a running export).
STALE_AFTER = 2.0 if fcntl else 24 * 3600.0


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale_temporaries(path: Path) -> list[str]:
    """Remove the hidden temporary files of earlier exports to ``path`` whose writer is gone; their names."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
    removed = []
    try:
        names = [n for n in os.listdir(path.parent) if pattern.fullmatch(n)]
    except OSError:
        return removed
    for name in names:
        candidate = path.parent / name
        if _is_stale(candidate):
            try:
                os.unlink(candidate)
                removed.append(name)
            except OSError:
                pass
    return removed


def _is_stale(candidate: Path) -> bool:
    try:  # never follow a link, never block on a named pipe
        fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or time.time() - info.st_mtime < STALE_AFTER:
            return False
        if fcntl is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live export holds it
        return True
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
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


class Export(Speakers):
    def quote_records(self, selection: Selection = ALL) -> Iterator[dict]:
        """Every selected quote as the export writes it, in document order."""
        where, params = selection.where()
        extras = self.edit_extras()  # reviewers' fixes (store/edits.py): few, read at once
        for row in self.conn.execute(_QUOTES_SQL.format(where=where), params):
            record = _quote_record(row)
            if row["id"] in extras:
                record["review"].update(extras[row["id"]])
            yield record

    def tool_info(self) -> dict:
        from .. import __version__

        return {
            "version": __version__,
            "spacy_model": self.get_meta("spacy_model"),
            "coref_model": self.get_meta("coref_model"),
        }

    def _document_records(self) -> Iterator[dict]:
        """Each document; ``meta`` (what its input said besides the text) only when it has any."""
        for r in self.conn.execute("SELECT id, source, sha256, chars, meta FROM documents ORDER BY id"):
            record = {"id": r["id"], "source": r["source"], "sha256": r["sha256"], "chars": r["chars"]}
            if r["meta"]:
                record["meta"] = orjson.loads(r["meta"])
            yield record

    def _speaker_records(self, selection: Selection) -> list[dict]:
        """The speakers the exported quotes name, with counts over those quotes, by name."""
        named = [s for s in self.speakers(selection) if s.quote_count]
        return [_speaker_record(s) for s in sorted(named, key=lambda s: (s.name, s.id))]

    def build_export(self, selection: Selection = ALL) -> dict:
        """The ``json`` export as one object in memory."""
        return {
            "schema": SCHEMA_ID,
            "generated_at": utc_now(),
            "tool": self.tool_info(),
            "documents": list(self._document_records()),
            "speakers": self._speaker_records(selection),
            "quotes": list(self.quote_records(selection)),
        }

    def stream_export(self, selection: Selection = ALL, counter: list[int] | None = None) -> Iterator[bytes]:
        """The ``json`` export as :meth:`build_export` and ``orjson`` (``OPT_INDENT_2``) would write it,
        byte for byte, in pieces: documents and quotes are read from the store as they are written,
        so memory does not grow with the corpus. ``counter[0]`` counts the quotes written."""
        head = {"schema": SCHEMA_ID, "generated_at": utc_now(), "tool": self.tool_info()}
        yield b"{\n"
        for key, value in head.items():
            yield b"  " + orjson.dumps(key) + b": " + _indented(value, 1) + b",\n"
        yield b'  "documents": '
        yield from _array(self._document_records())
        yield b',\n  "speakers": '
        yield from _array(self._speaker_records(selection))
        yield b',\n  "quotes": '
        yield from _array(self.quote_records(selection), counter)
        yield b"\n}\n"

    def write_export(self, path: str | Path | BinaryIO, fmt: str = "json", selection: Selection = ALL) -> int:
        """Write the export (``json``, ``jsonl`` or ``csv``); returns the number of quotes written.

        ``path``: a file, written atomically (see :func:`atomic_write`), or an
        open binary stream such as ``sys.stdout.buffer``, written as the
        quotes are read.
        """
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
        counter = [0]
        if fmt == "json":
            chunks = self.stream_export(selection, counter)
        else:
            chunks = (self._jsonl_lines if fmt == "jsonl" else self._csv_lines)(selection, counter)
        if hasattr(path, "write"):
            write_stream(path, _buffered(chunks, 1 << 16))
        else:
            atomic_write(path, _buffered(chunks))
        return counter[0]

    def _jsonl_lines(self, selection: Selection, counter: list[int]) -> Iterator[bytes]:
        for record in self.quote_records(selection):
            counter[0] += 1
            yield orjson.dumps(record) + b"\n"

    def _csv_lines(self, selection: Selection, counter: list[int]) -> Iterator[bytes]:
        """A header, then one row per quote (RFC 4180: quoted fields, CRLF line ends, UTF-8)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for record in self.quote_records(selection):
            counter[0] += 1
            writer.writerow(_csv_row(record))
            if buffer.tell() > 1 << 16:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


def _csv_row(record: dict) -> tuple:
    speaker = record["speaker"]
    return (record["doc_id"], speaker["name"] or "", record["kind"], record["confidence"], record["review"]["status"],
            record["text"], record["start"], record["end"], record["id"], speaker["id"] or "")
