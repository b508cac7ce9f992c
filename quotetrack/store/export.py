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
from pathlib import Path

import orjson

from ..domain import REVIEW_STATUSES
from .base import utc_now
from .selection import ALL, Selection
from .speakers import Speakers, SpeakerSummary

SCHEMA_ID = "quotetrack/1"
FORMATS = ("json", "jsonl")


def schema() -> dict:
    """The JSON Schema of the ``json`` export."""
    from importlib import resources

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
    if not statuses:  # an empty filter is a mistake (an unset variable), never "everything"
        raise ValueError(f"no status given (use one or more of {', '.join(REVIEW_STATUSES)}, comma-separated)")
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


def _quote_record(row: sqlite3.Row) -> dict:
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


class Export(Speakers):
    def quote_records(self, selection: Selection = ALL) -> Iterator[dict]:
        """Every selected quote as the export writes it, in document order."""
        where, params = selection.where()
        for row in self.conn.execute(_QUOTES_SQL.format(where=where), params):
            yield _quote_record(row)

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

    def write_export(self, path: str | Path, fmt: str = "json", selection: Selection = ALL) -> int:
        """Write the export atomically (see :func:`atomic_write`); returns the number of quotes written."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (use {' or '.join(FORMATS)})")
        if fmt == "json":
            counter = [0]
            atomic_write(path, _buffered(self.stream_export(selection, counter)))
            return counter[0]
        count = 0

        def lines() -> Iterator[bytes]:
            nonlocal count
            for record in self.quote_records(selection):
                count += 1
                yield orjson.dumps(record) + b"\n"

        atomic_write(path, _buffered(lines()))
        return count
