"""Reading articles: ``.txt`` files, JSON lines (``.jsonl``, ``.jsonl.gz``), HTML pages, and folders of them.

Documents come lazily, one at a time, and every input is treated as hostile:
a bad one is yielded as a :class:`~quotetrack.domain.Failure` in its place and
the others go on; one merely skipped or decoded with a fallback goes to
``on_note``. Only regular files are read (a pipe, a device or a link to one
is refused before anything is read from it), each with a size bound, and
folders are walked without recursion, however deep. docs/hardening.md has
the full table.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain import Document, Failure
from .decoding import (  # noqa: F401  (re-exported: what callers import from here)
    AUTO_FALLBACKS,
    BINARY_CONTROL_SHARE,
    DEFAULT_ENCODING,
    SNIFF_BYTES,
    InputNote,
    NoteHook,
    check_encoding,
    decode,
    decode_noting,
    looks_binary,
    normalise_text,
    os_reason,
    safe_name,
    sniffable,
    too_large,
)
from .jsonl import Fields, count_lines, read_jsonl

# The size limit of one document: a ``.txt`` or HTML file, or one JSONL line. Far above
# spaCy's limit (1,000,000 characters by default): a document this large is not an
# article, and reading it whole would only exhaust memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
NOT_REGULAR = "not a regular file (a device, pipe or socket)"
# Paths longer than this are opened a part at a time (PATH_MAX is 4,096 bytes on Linux:
# a folder nested a thousand deep has files no single open() can reach).
_PATH_CHUNK = 2048
_KINDS = ((".txt", "txt"), (".jsonl", "jsonl"), (".jsonl.gz", "jsonl.gz"), (".html", "html"), (".htm", "html"))


@dataclass(frozen=True, slots=True)
class InputOptions:
    """How inputs are read: the text encoding and the JSONL fields."""

    encoding: str = DEFAULT_ENCODING
    fields: Fields = Fields()


def input_kind(name: str) -> str | None:
    """``txt``, ``jsonl``, ``jsonl.gz`` or ``html`` by a file's name (any case); None for others."""
    lower = name.lower()
    return next((kind for suffix, kind in _KINDS if lower.endswith(suffix)), None)


def _stem(name: str, kind: str | None) -> str:
    """A file's name without the suffix its kind is known by (a document id)."""
    if kind in ("txt", "html"):
        suffix = next(s for s, k in _KINDS if k == kind and name.lower().endswith(s))
        return name[: -len(suffix)]
    return name


def read_documents(
    paths: list[str | Path],
    *,
    encoding: str = DEFAULT_ENCODING,
    on_note: NoteHook | None = None,
    id_field: str = "id",
    text_field: str = "text",
) -> Iterator[Document | Failure]:
    """Every document under ``paths``, in a stable order, errors in their place.

    ``encoding``: how ``.txt`` files and JSONL lines are decoded: a codec
    name, or ``auto`` (UTF-8, falling back to cp1252 with a note); an HTML
    page says its own. ``id_field``/``text_field``: where a JSONL object
    keeps the id and the text (its other fields become the document's
    ``meta``). Notes (skipped empty documents, fallback decodings, folders
    reached twice) go to ``on_note``.
    """
    options = InputOptions(check_encoding(encoding), check_fields(id_field, text_field))
    note: NoteHook = on_note or (lambda _n: None)
    seen: dict[str, str] = {}
    for path in paths:
        for item in _read_path(Path(path), options, note):
            if isinstance(item, Document):
                if item.id in seen:
                    yield Failure(item.source, f"duplicate document id {item.id!r} (first seen in {seen[item.id]})")
                    continue
                seen[item.id] = item.source
            yield item


def check_fields(id_field: str, text_field: str) -> Fields:
    """The JSONL fields for ``--id-field``/``--text-field``; ``ValueError`` when they cannot be."""
    if not id_field or not text_field:
        raise ValueError("--id-field and --text-field need a field name")
    if id_field == text_field:
        raise ValueError(f"--id-field and --text-field must differ (both are {id_field!r})")
    return Fields(id_field, text_field)


def _read_path(path: Path, options: InputOptions, note: NoteHook) -> Iterator[Document | Failure]:
    where = safe_name(str(path))
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            yield Failure(where, "broken symbolic link")
        else:
            yield Failure(where, os_reason(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _read_folder(path, options, note)
        return
    kind = input_kind(path.name)
    yield from _read_file(path, safe_name(_stem(path.name, kind)), kind or "txt", options, note)


def _read_folder(root: Path, options: InputOptions, note: NoteHook) -> Iterator[Document | Failure]:
    for item in walk_inputs(root, note):
        if isinstance(item, Failure):
            yield item
            continue
        path, kind = item
        rel = path.relative_to(root).as_posix()
        yield from _read_file(path, safe_name(_stem(rel, kind)), kind, options, note)


def walk_inputs(root: Path, note: NoteHook | None = None) -> Iterator[tuple[Path, str] | Failure]:
    """(path, kind) of every input file under ``root``, depth first, each folder's entries by name.

    Input files are ``.txt``, ``.jsonl``, ``.jsonl.gz``, ``.html`` and ``.htm``
    (any case); other files are not looked at. The walk keeps its own stack
    (no recursion) and opens deep folders a part of the path at a time, so
    any depth is walked. Symbolic links to folders are followed, but a folder
    is read once: a link back to a folder already read (a loop, or a second
    way to the same folder) is skipped with a note. A folder that cannot be
    listed and a link that leads nowhere are errors; an input name that is
    not a regular file (a pipe, a device, or a link to one) is skipped with
    a note; the walk goes on.
    """
    note = note or (lambda _n: None)
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        yield Failure(safe_name(str(root)), os_reason(exc))
        return
    seen = {(root_stat.st_dev, root_stat.st_ino): root}
    stack: list[tuple[str | None, Path]] = [(None, root)]  # (kind: None for a folder, path); popped from the end
    while stack:
        kind, path = stack.pop()
        if kind is not None:
            yield path, kind
            continue
        children: list[tuple[str | None, Path]] = []
        try:
            with _scan(path) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    yield from _walk_entry(entry, path / entry.name, seen, children, note)
        except OSError as exc:
            yield Failure(safe_name(str(path)), f"cannot list folder: {os_reason(exc)}")
            continue
        stack.extend(reversed(children))


def _walk_entry(entry: os.DirEntry, child: Path, seen: dict, children: list, note: NoteHook) -> Iterator[Failure]:
    """Sort one folder entry: a folder to walk, an input file, a note, or a failure (yielded)."""
    where = safe_name(str(child))
    try:
        if entry.is_dir():
            st = entry.stat()
            key = (st.st_dev, st.st_ino)
            if key in seen:
                note(InputNote(where, f"symbolic link to a folder already read ({safe_name(str(seen[key]))}), not followed"))
                return
            seen[key] = child
            children.append((None, child))
            return
        kind = input_kind(entry.name)
        if kind is None:
            return
        if entry.is_file():
            children.append((kind, child))
            return
        try:
            entry.stat()  # follows a link: does it lead anywhere?
        except FileNotFoundError:
            if entry.is_symlink():
                yield Failure(where, "broken symbolic link")
                return
            raise
        what = "symbolic link to a device, pipe or socket" if entry.is_symlink() else "not a regular file"
        note(InputNote(where, f"{what}, skipped"))
    except OSError as exc:
        yield Failure(where, os_reason(exc))


class _scan:
    """``os.scandir`` of a folder, however long its path (see :func:`_open_long`)."""

    def __init__(self, path: Path) -> None:
        self.path, self.fd, self.it = path, None, None

    def __enter__(self):
        if len(os.fsencode(self.path)) <= _PATH_CHUNK:
            self.it = os.scandir(self.path)
        else:
            self.fd = _open_long(self.path, os.O_RDONLY | os.O_DIRECTORY)
            self.it = os.scandir(self.fd)
        return self.it

    def __exit__(self, *exc) -> None:
        self.it.close()
        if self.fd is not None:
            os.close(self.fd)


def _open_long(path: Path, flags: int) -> int:
    """``os.open`` of a path longer than PATH_MAX: each folder on the way opened from the last."""
    chunks: list[list[bytes]] = [[]]
    size = 0
    for part in os.fsencode(path).split(b"/"):
        if chunks[-1] and size + len(part) > _PATH_CHUNK:
            chunks.append([])
            size = 0
        chunks[-1].append(part)
        size += len(part) + 1
    fd = None
    try:
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            name = b"/".join(chunk) or b"/"
            opened = os.open(name, (flags if last else os.O_RDONLY | os.O_DIRECTORY) | os.O_CLOEXEC, dir_fd=fd)
            if fd is not None:
                os.close(fd)
            fd = opened
    except BaseException:
        if fd is not None:
            os.close(fd)
        raise
    return fd


class _NotRegular(Exception):
    pass


def _nonblocking(name, flags: int, dir_fd: int | None = None) -> int:
    # Opening a named pipe for reading waits for a writer; without blocking it returns at once.
    return os.open(name, flags | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file; :class:`_NotRegular` otherwise.

    Never blocks on a named pipe, never reads a device (``/dev/zero`` never
    ends), and reaches files past PATH_MAX.
    """
    try:
        if len(os.fsencode(path)) <= _PATH_CHUNK:
            handle = open(path, "rb", opener=_nonblocking)
        else:
            folder = _open_long(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                handle = open(path.name, "rb", opener=lambda name, flags: _nonblocking(name, flags, folder))
            finally:
                os.close(folder)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket
            raise _NotRegular from None
        raise
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise _NotRegular
    os.set_blocking(handle.fileno(), True)
    return handle


def _read_file(path: Path, doc_id: str, kind: str, options: InputOptions, note: NoteHook) -> Iterator[Document | Failure]:
    """The documents of one input file (one, or a JSONL file's lines), errors in their place."""
    where = safe_name(str(path))
    try:
        handle = _open_regular(path)
    except _NotRegular:
        yield Failure(where, NOT_REGULAR)
        return
    except OSError as exc:
        yield Failure(where, os_reason(exc))
        return
    with handle:
        if kind in ("jsonl", "jsonl.gz"):
            yield from read_jsonl(handle, where, gz=kind == "jsonl.gz", encoding=options.encoding,
                                  fields=options.fields, limit=MAX_FILE_BYTES, note=note)
            return
        item = _read_whole(handle, where, doc_id, kind, options.encoding, note)
    if item is not None:
        yield item


def _read_whole(handle: BinaryIO, where: str, doc_id: str, kind: str, encoding: str, note: NoteHook) -> Document | Failure | None:
    """A ``.txt`` or HTML document, an error, or None when it is empty (skipped with a note)."""
    try:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            return Failure(where, too_large(size, MAX_FILE_BYTES))
        data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Failure(where, os_reason(exc))
    if len(data) > MAX_FILE_BYTES:
        return Failure(where, too_large(len(data), MAX_FILE_BYTES))
    if kind == "html":
        return _html_document(data, where, doc_id)
    if sniffable(encoding, data) and looks_binary(data[:SNIFF_BYTES]):
        return Failure(where, "binary file (not text), skipped")
    try:
        text, how = decode_noting(data, encoding)
    except ValueError as exc:
        return Failure(where, str(exc))
    if how:
        note(InputNote(where, how))
    if not text.strip():
        note(InputNote(where, "empty (no text), skipped", skipped=True))
        return None
    return Document(id=doc_id, text=text, source=where)


def _html_document(data: bytes, where: str, doc_id: str) -> Document | Failure:
    from .html import NoArticle, extract_article

    if looks_binary(data[:SNIFF_BYTES]):
        return Failure(where, "binary file (not HTML), skipped")
    try:
        text, meta = extract_article(data)
    except NoArticle as exc:
        return Failure(where, str(exc))
    return Document(id=doc_id, text=text, source=where, meta=meta)


def count_documents(paths: list[str | Path]) -> int:
    """How many documents and failures reading ``paths`` gives, for a progress bar.

    Folders are walked by the same rules as :func:`read_documents`, without
    reading a ``.txt`` or HTML file (each counts one, as does each error);
    a JSONL file counts its non-blank lines (malformed and empty ones
    included: an empty document is skipped with a note, which a run counts
    as done). Duplicate ids count where they fail.
    """
    total = 0
    for path in map(Path, paths):
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError:
            is_dir = False
        if is_dir:
            items = (item for item in walk_inputs(path))
            total += sum(_count_file(*item) if not isinstance(item, Failure) else 1 for item in items)
        else:
            total += _count_file(path, input_kind(path.name) or "txt")
    return total


def _count_file(path: Path, kind: str) -> int:
    if kind not in ("jsonl", "jsonl.gz"):
        return 1
    try:
        handle = _open_regular(path)
    except (_NotRegular, OSError):
        return 1
    with handle:
        return count_lines(handle, kind == "jsonl.gz", MAX_FILE_BYTES)
