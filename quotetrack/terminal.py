"""Text from inputs made safe to print on a terminal.

File names, document ids and error messages come from hostile inputs: an
escape sequence in a file name could recolour or clear the terminal, a
newline could forge a second report line, a bidi override could make a
name read backwards, and a name that is not valid UTF-8 (lone surrogates
in Python) would make printing itself fail. :func:`printable` writes all of
those as visible escapes, so one report stays one honest line.
"""

from __future__ import annotations

import unicodedata

# Control (Cc), format (Cf: zero-width, bidi), line/paragraph separators and surrogates.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format, separator and surrogate character escaped.

    Backslashes are left alone: the result is for reading, not for parsing back.
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in text)
