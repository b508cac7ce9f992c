"""Bytes to article text: sniffing binary data, decoding, normalising; safe names; notes.

Shared by every input reader (``.txt`` files, JSONL lines, HTML pages) in
:mod:`quotetrack.run.inputs`, which re-exports what callers use.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

# The first this-many bytes decide whether a file is text at all.
SNIFF_BYTES = 8192
# A file whose sample holds more than this share of control bytes (NUL, the C0
# controls other than whitespace, DEL) is binary: images, archives, PDFs, UTF-16
# without a byte-order mark. A text with a few stray NULs or escape codes is not.
BINARY_CONTROL_SHARE = 0.05

DEFAULT_ENCODING = "utf-8"
# ``--encoding auto``: UTF-8 when it decodes, else Windows-1252 (what mis-declared
# Western European pages nearly always are), else Latin-1, which decodes anything.
AUTO_FALLBACKS = ("cp1252", "latin-1")

_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_SURROGATE = re.compile("[\ud800-\udfff]")
# Byte-order marks that say which Unicode encoding a file is in (longest first:
# the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class InputNote:
    """Something the user should know about an input that is not a failure.

    ``skipped``: a document was found there and left out (it was empty): it
    counts among the documents a run went through, as a failure would.
    """

    source: str
    message: str
    skipped: bool = False

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


def sniffable(encoding: str, data: bytes) -> bool:
    """Whether the control-byte test applies: not to UTF-16/32, whose text is full of NULs."""
    if encoding.startswith(("utf-16", "utf-32")):
        return False
    return not any(data.startswith(bom) for bom, _ in BOMS)


def decode(data: bytes, source: str = "", encoding: str = DEFAULT_ENCODING) -> str:
    """Decoded, normalised text; ``ValueError`` with the reason when it cannot be."""
    return decode_noting(data, encoding)[0]


def decode_noting(data: bytes, encoding: str) -> tuple[str, str | None]:
    """(normalised text, a note on how it was decoded or None); ``ValueError`` when it cannot be."""
    bom_codec = next((codec for bom, codec in BOMS if data.startswith(bom)), None)
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


def too_large(size: int, limit: int) -> str:
    """The reason a document over the size limit is refused."""
    return f"too large to be an article: {size / 2**20:,.1f} MiB (the limit is {limit / 2**20:g} MiB)"


def os_reason(exc: OSError) -> str:
    """What an error reading an input means, in a few words."""
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"
