"""JSON lines of articles (``.jsonl``, and ``.jsonl.gz`` decompressed as it is read).

One JSON object per line: the document's id and text under two fields
(``id`` and ``text`` unless told otherwise), every other field kept as the
document's ``meta``. Lines are read with a bound: a line over the document
size limit is one failure, skipped without ever being held whole, so a
file of any size (or a stream that never ends a line) reads in bounded
memory. Each bad line is a :class:`~quotetrack.domain.Failure` naming its
line number; the others go on.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import orjson

from ..domain import Document, Failure
from .decoding import (
    SNIFF_BYTES,
    InputNote,
    NoteHook,
    decode_noting,
    looks_binary,
    normalise_text,
    os_reason,
    too_large,
)

# An over-long line is skipped in reads of this size (never held whole).
_SKIP_CHUNK = 1 << 20
# What a damaged or truncated gzip stream raises while it is read.
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class Fields:
    """Where a JSONL object keeps the document's id and its text (``--id-field``, ``--text-field``)."""

    id: str = "id"
    text: str = "text"


class TooLong:
    """A line over the size limit (its length in bytes, at least)."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size


def lines(handle: BinaryIO, limit: int) -> Iterator[bytes | TooLong]:
    """The lines of ``handle``, each at most ``limit`` bytes; a longer one is a :class:`TooLong`.

    Raises what reading raises (``OSError``, a damaged gzip stream's errors).
    """
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if line.endswith(b"\n") or len(line) <= limit:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):  # the rest of the line, in bounded reads
            line = handle.readline(_SKIP_CHUNK)
            if not line:
                break
            size += len(line)
        yield TooLong(size)


def open_stream(handle: BinaryIO, gz: bool) -> BinaryIO:
    """``handle`` itself, or the decompressed stream of a ``.gz`` file (read lazily)."""
    return gzip.GzipFile(fileobj=handle, mode="rb") if gz else handle


def read_jsonl(
    handle: BinaryIO, name: str, *, gz: bool, encoding: str, fields: Fields, limit: int, note: NoteHook
) -> Iterator[Document | Failure]:
    """Every document of an open JSONL file (``gz``: gzip-compressed), errors in their place."""
    stream = open_stream(handle, gz)
    lineno = 0
    try:
        if looks_binary(_head(stream)):
            yield Failure(name, "binary file (not JSON lines), skipped")
            return
        for line in lines(stream, limit):
            lineno += 1
            where = f"{name}:{lineno}"
            if isinstance(line, TooLong):
                yield Failure(where, too_large(line.size, limit))
                continue
            item = _document(line, where, lineno == 1, encoding, fields, note)
            if item is not None:
                yield item
    except GZIP_ERRORS as exc:
        yield Failure(f"{name}:{lineno + 1}", f"not a valid gzip file ({exc or type(exc).__name__}); the rest is skipped")
    except OSError as exc:
        yield Failure(f"{name}:{lineno + 1}", os_reason(exc))


def count_lines(handle: BinaryIO, gz: bool, limit: int) -> int:
    """How many documents and failures :func:`read_jsonl` gives for this file, without parsing JSON.

    Its non-blank lines (empty documents included: they are skipped with a
    note when read), or 1 for a binary file; a damaged gzip stream counts
    the lines before the damage and one failure.
    """
    stream = open_stream(handle, gz)
    total = 0
    try:
        if looks_binary(_head(stream)):
            return 1
        for n, line in enumerate(lines(stream, limit)):
            if n == 0 and not isinstance(line, TooLong) and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            if isinstance(line, TooLong) or line.strip():
                total += 1
    except (*GZIP_ERRORS, OSError):
        total += 1  # the failure the reader reports there
    return total


def _head(stream: BinaryIO) -> bytes:
    """The first bytes of ``stream``, left unread."""
    return stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]


def _document(line: bytes, where: str, first: bool, encoding: str, fields: Fields, note: NoteHook) -> Document | Failure | None:
    if first and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8):]
    if not line.strip():
        return None
    try:
        if encoding == "utf-8":
            obj = orjson.loads(line)
        else:
            raw, how = decode_noting(line, encoding)
            if how:
                note(InputNote(where, how))
            obj = orjson.loads(raw)
    except ValueError as exc:  # orjson.JSONDecodeError and decoding errors both
        return Failure(where, f"not valid JSON ({exc})")
    if not isinstance(obj, dict):
        return Failure(where, f"expected a JSON object with {fields.id!r} and {fields.text!r}")
    doc_id, text = obj.get(fields.id), obj.get(fields.text)
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        return Failure(where, f"missing {fields.id!r}")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        return Failure(where, f"{fields.id!r} is not a string or an integer")
    if not isinstance(text, str):
        return Failure(where, f"missing {fields.text!r}" if text is None else f"{fields.text!r} is not a string")
    text = normalise_text(text)
    if not text.strip():
        note(InputNote(where, f"empty {fields.text!r}, skipped", skipped=True))
        return None
    meta = {key: value for key, value in obj.items() if key not in (fields.id, fields.text)}
    return Document(id=str(doc_id), text=text, source=where, meta=meta)
