"""Reading articles: ``.txt`` files, folders of them, and JSONL files.

Documents come lazily, one at a time, and every input is treated as hostile:
a bad one is yielded as a :class:`~quotetrack.domain.Failure` in its place and
the others go on; one merely skipped or decoded with a fallback goes to
``on_note``. The README's "Hardening" section has the full table.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..domain import Document, Failure

# The first this-many bytes decide whether a file is text at all.
SNIFF_BYTES = 8192
# A file whose sample holds more than this share of control bytes (NUL, the C0
# controls other than whitespace, DEL) is binary: images, archives, PDFs, UTF-16
# without a byte-order mark. A text with a few stray NULs or escape codes is not.
BINARY_CONTROL_SHARE = 0.05
# Far above spaCy's limit (1,000,000 characters by default): a file this large is
# not an article, and reading it whole would only exhaust memory.
MAX_FILE_BYTES = 64 * 1024 * 1024

DEFAULT_ENCODING = "utf-8"
# ``--encoding auto``: UTF-8 when it decodes, else Windows-1252 (what mis-declared
# Western European pages nearly always are), else Latin-1, which decodes anything.
AUTO_FALLBACKS = ("cp1252", "latin-1")

_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Byte-order marks that say which Unicode encoding a file is in (longest first:
# the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class InputNote:
    """Something the user should know about an input that is not a failure."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


NoteHook = Callable[[InputNote], None]


def normalise_text(raw: str) -> str:
    """The text all offsets index: BOM dropped, line endings turned into ``\\n``.

    Nothing else is touched: control, zero-width and bidi characters stay, so
    offsets into the stored text are offsets into the file's text.
    """
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def check_encoding(name: str) -> str:
    """The canonical name of an ``--encoding`` value; ``ValueError`` when unknown."""
    if name.lower() == "auto":
        return "auto"
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"unknown text encoding {name!r} (use auto, utf-8, cp1252, latin-1, ...)")
    return info.name


def looks_binary(sample: bytes) -> bool:
    """True when ``sample`` is not text: too many control bytes in it."""
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > BINARY_CONTROL_SHARE


def decode(data: bytes, source: str = "", encoding: str = DEFAULT_ENCODING) -> str:
    """Decoded, normalised text; ``ValueError`` with the reason when it cannot be."""
    return _decode(data, encoding)[0]


def _decode(data: bytes, encoding: str) -> tuple[str, str | None]:
    """(normalised text, a note on how it was decoded or None)."""
    bom_codec = next((codec for bom, codec in _BOMS if data.startswith(bom)), None)
    if encoding == "auto" and bom_codec:
        try:
            return normalise_text(data.decode(bom_codec)), f"decoded as {bom_codec.upper()} (byte-order mark)"
        except UnicodeDecodeError as exc:
            raise ValueError(f"not valid {bom_codec.upper()} despite its byte-order mark (byte {exc.start})") from None
    try:
        return normalise_text(data.decode("utf-8" if encoding == "auto" else encoding)), None
    except UnicodeDecodeError as exc:
        if encoding != "auto":
            name = "UTF-8" if encoding == "utf-8" else encoding
            hint = ""
            if encoding == "utf-8":
                hint = "; try --encoding auto or --encoding cp1252"
                if bom_codec:
                    hint = f"; it starts with a {bom_codec.upper()} byte-order mark: try --encoding auto"
            raise ValueError(f"not valid {name} (byte {exc.start}){hint}") from None
        first_bad = exc.start
    for codec in AUTO_FALLBACKS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return normalise_text(text), f"not valid UTF-8 (byte {first_bad}), decoded as {codec}"
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def safe_name(name: str) -> str:
    """A file name as text that can be stored and exported.

    A name that is not valid UTF-8 reaches Python with lone surrogates
    (``surrogateescape``); those would make SQLite, the JSON export and the
    terminal fail. Its undecodable bytes are written as ``\\xNN`` instead.
    """
    if not _SURROGATE.search(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def read_documents(
    paths: list[str | Path], *, encoding: str = DEFAULT_ENCODING, on_note: NoteHook | None = None
) -> Iterator[Document | Failure]:
    """Every document under ``paths``, in a stable order, errors in their place.

    ``encoding``: how ``.txt`` files (and JSONL lines) are decoded: a codec
    name, or ``auto`` (UTF-8, falling back to cp1252 with a note). Notes
    (skipped empty documents, fallback decodings, folders reached twice) go
    to ``on_note``.
    """
    encoding = check_encoding(encoding)
    note: NoteHook = on_note or (lambda _n: None)
    seen: dict[str, str] = {}
    for path in paths:
        for item in _read_path(Path(path), encoding, note):
            if isinstance(item, Document):
                if item.id in seen:
                    yield Failure(item.source, f"duplicate document id {item.id!r} (first seen in {seen[item.id]})")
                    continue
                seen[item.id] = item.source
            yield item


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"


def _is_txt(name: str) -> bool:
    return name.lower().endswith(".txt")


def _read_path(path: Path, encoding: str, note: NoteHook) -> Iterator[Document | Failure]:
    where = safe_name(str(path))
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            yield Failure(where, "broken symbolic link")
        else:
            yield Failure(where, _reason(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _read_folder(path, encoding, note)
    elif path.suffix.lower() == ".jsonl":
        yield from _read_jsonl(path, encoding, note)
    elif stat.S_ISREG(st.st_mode):
        doc_id = path.name[: -len(".txt")] if _is_txt(path.name) else path.name
        item = _read_txt(path, safe_name(doc_id), encoding, note)
        if item is not None:
            yield item
    else:
        yield Failure(where, "not a regular file (a device, pipe or socket)")


def _read_folder(root: Path, encoding: str, note: NoteHook) -> Iterator[Document | Failure]:
    for item in walk_txt(root, note):
        if isinstance(item, Failure):
            yield item
            continue
        rel = item.relative_to(root).as_posix()
        doc = _read_txt(item, safe_name(rel[: -len(".txt")]), encoding, note)
        if doc is not None:
            yield doc


def walk_txt(root: Path, note: NoteHook | None = None) -> Iterator[Path | Failure]:
    """The ``.txt`` files under ``root``, depth first, each folder's entries by name.

    Symbolic links to folders are followed, but a folder is read once: a
    link back to a folder already read (a loop, or a second way to the same
    folder) is skipped with a note. A folder that cannot be listed and a
    ``.txt`` link that leads nowhere are errors; the walk goes on.
    """
    note = note or (lambda _n: None)
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        yield Failure(safe_name(str(root)), _reason(exc))
        return
    seen = {(root_stat.st_dev, root_stat.st_ino): root}
    stack: list[tuple[bool, Path]] = [(True, root)]  # (is_folder, path); popped from the end
    while stack:
        is_folder, path = stack.pop()
        if not is_folder:
            yield path
            continue
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Failure(safe_name(str(path)), f"cannot list folder: {_reason(exc)}")
            continue
        children: list[tuple[bool, Path]] = []
        for entry in entries:
            child = Path(entry.path)
            try:
                if entry.is_dir():
                    st = entry.stat()
                    key = (st.st_dev, st.st_ino)
                    if key in seen:
                        note(InputNote(safe_name(str(child)), f"symbolic link to a folder already read ({safe_name(str(seen[key]))}), not followed"))
                        continue
                    seen[key] = child
                    children.append((True, child))
                elif _is_txt(entry.name):
                    if entry.is_file():
                        children.append((False, child))
                    elif entry.is_symlink():
                        yield Failure(safe_name(str(child)), "broken symbolic link")
                    else:
                        note(InputNote(safe_name(str(child)), "not a regular file, skipped"))
            except OSError as exc:
                yield Failure(safe_name(str(child)), _reason(exc))
        stack.extend(reversed(children))


def _read_txt(file: Path, doc_id: str, encoding: str, note: NoteHook) -> Document | Failure | None:
    """A document, an error, or None when the file is empty (skipped with a note)."""
    where = safe_name(str(file))
    try:
        with open(file, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Failure(where, "not a regular file (a device, pipe or socket)")
            if info.st_size > MAX_FILE_BYTES:
                return Failure(where, _too_large(info.st_size))
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Failure(where, _reason(exc))
    if len(data) > MAX_FILE_BYTES:
        return Failure(where, _too_large(len(data)))
    if _sniffable(encoding, data) and looks_binary(data[:SNIFF_BYTES]):
        return Failure(where, "binary file (not text), skipped")
    try:
        text, how = _decode(data, encoding)
    except ValueError as exc:
        return Failure(where, str(exc))
    if how:
        note(InputNote(where, how))
    if not text.strip():
        note(InputNote(where, "empty (no text), skipped"))
        return None
    return Document(id=doc_id, text=text, source=where)


def _sniffable(encoding: str, data: bytes) -> bool:
    """Whether the control-byte test applies: not to UTF-16/32, whose text is full of NULs."""
    if encoding.startswith(("utf-16", "utf-32")):
        return False
    return not any(data.startswith(bom) for bom, _ in _BOMS)


def _too_large(size: int) -> str:
    return f"too large to be an article: {size / 2**20:,.1f} MiB (the limit is {MAX_FILE_BYTES // 2**20} MiB)"


def _read_jsonl(path: Path, encoding: str, note: NoteHook) -> Iterator[Document | Failure]:
    name = safe_name(str(path))
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Failure(name, _reason(exc))
        return
    with handle:
        try:
            head = handle.read(SNIFF_BYTES)
            handle.seek(0)
        except OSError as exc:
            yield Failure(name, _reason(exc))
            return
        if looks_binary(head):
            yield Failure(name, "binary file (not JSON lines), skipped")
            return
        lineno = 0
        while True:
            try:
                line = handle.readline()
            except OSError as exc:
                yield Failure(f"{name}:{lineno + 1}", _reason(exc))
                return
            if not line:
                return
            lineno += 1
            item = _jsonl_line(line, f"{name}:{lineno}", lineno == 1, encoding, note)
            if item is not None:
                yield item


def _jsonl_line(line: bytes, where: str, first: bool, encoding: str, note: NoteHook) -> Document | Failure | None:
    if first and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8):]
    if not line.strip():
        return None
    try:
        if encoding == "utf-8":
            obj = orjson.loads(line)
        else:
            raw, how = _decode(line, encoding)
            if how:
                note(InputNote(where, how))
            obj = orjson.loads(raw)
    except ValueError as exc:  # orjson.JSONDecodeError and decoding errors both
        return Failure(where, f"not valid JSON ({exc})")
    if not isinstance(obj, dict):
        return Failure(where, "expected a JSON object with 'id' and 'text'")
    doc_id, text = obj.get("id"), obj.get("text")
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        return Failure(where, "missing 'id'")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        return Failure(where, "'id' is not a string or an integer")
    if not isinstance(text, str):
        return Failure(where, "missing 'text'" if text is None else "'text' is not a string")
    text = normalise_text(text)
    if not text.strip():
        note(InputNote(where, "empty 'text', skipped"))
        return None
    return Document(id=str(doc_id), text=text, source=where)


def count_documents(paths: list[str | Path]) -> int:
    """How many documents ``paths`` hold (for a progress bar), without reading a ``.txt`` file.

    Folders are walked by the same rules as :func:`read_documents` (each
    ``.txt`` file and each error counts one); JSONL files count their
    non-blank lines (malformed ones included): an upper bound, as empty
    files are skipped when read.
    """
    total = 0
    for path in map(Path, paths):
        if path.is_dir():
            total += sum(1 for _ in walk_txt(path))
        elif path.suffix.lower() == ".jsonl":
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total
