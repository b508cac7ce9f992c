"""Text helpers every wing shares: folding, paragraphs, and making data safe to show.

News paragraphs are lines here: inputs normalise line endings to ``\\n``,
and a paragraph is one line that holds more than whitespace.

Text from documents is data, and hostile: :func:`printable` is for one-line
reports (it may lengthen the text), :func:`visible` for the review app,
where every offset into the text must still point at the same character.
Both escape the same characters.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD does not decompose into "base letter + accent"; folding them by
# hand keeps ``Łukaszenka`` and ``Lukaszenka`` (or ``Straße``/``Strasse``) equal.
_SPECIAL = str.maketrans(
    {
        "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "Th",
        "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
        # every apostrophe-like mark becomes "'" so possessives and soft signs look alike
        "’": "'", "‘": "'", "´": "'", "`": "'", "ʼ": "'", "ʹ": "'", "ʻ": "'", "′": "'", "ʾ": "'", "ʿ": "'",
        # dashes become hyphens (name parts are joined by any of them)
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    }
)


def plain_marks(text: str) -> str:
    """Letters without an accent of their own spelled in ASCII, apostrophes, dashes and quotation
    marks unified; other accents kept: ``Łódź’s`` → ``Lódź's``."""
    return text.translate(_SPECIAL)


def strip_accents(text: str) -> str:
    """Accents dropped and special letters spelled in ASCII, case kept: ``Erdoğan`` → ``Erdogan``."""
    decomposed = unicodedata.normalize("NFKD", plain_marks(text))
    return plain_marks("".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """Case- and accent-insensitive form: what "the same letters" means for search and matching."""
    return strip_accents(text).casefold()


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, empty ones included; ``end`` is where its ``\\n`` stands."""
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph: the lines that hold more than whitespace."""
    return [(s, e) for s, e in lines(text) if not text[s:e].isspace() and e > s]


# --- showing data -------------------------------------------------------------

# Control (Cc), format (Cf: zero-width, bidi), line/paragraph separators and surrogates:
# what could move a terminal's cursor, run an escape sequence, reorder or hide text.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _ESCAPED_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format, separator and surrogate character escaped.

    For report lines: an escape sequence in a file name could recolour or
    clear the terminal, a newline forge a second line, a bidi override make
    a name read backwards, a lone surrogate make printing fail. Backslashes
    are left alone: the result is for reading, not for parsing back.
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_escape(ch) if _unsafe(ch) else ch for ch in text)


class _Shown(dict):
    """Code point → the one character :func:`visible` shows for it.

    ``str.translate`` looks every character up here; a character not seen
    before is classified once and remembered (up to a bound, so text made of
    every code point cannot grow the table without end).
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        shown = "\ufffd" if _unsafe(ch) else ch
        if len(self) < 8192:
            self[code] = shown
        return shown


_SHOWN = _Shown({c: chr(0x2400 + c) for c in range(0x20)})  # C0 controls as their symbols: ESC as ␛
_SHOWN[0x0A] = "\n"  # keep line breaks
_SHOWN[0x09] = " "  # a tab becomes one space, so offsets stay put
_SHOWN[0x7F] = "␡"
_NEWLINE = "␊"


def visible(text: str, *, one_line: bool = False) -> str:
    """Text safe to put on a terminal, one character for one, so every offset still points at the same one.

    Every character :func:`printable` would escape is shown as a symbol:
    C0 controls as their pictures (ESC as ␛), DEL as ␡, everything else (C1
    controls, bidi overrides and isolates, zero-width and other format
    characters, separators, lone surrogates) as �. A tab becomes a space;
    line breaks stay, or show as ␊ with ``one_line`` (a table cell, a title).
    Markup is not touched: the review app never parses data as markup.
    """
    if text.isprintable():
        return text
    if "\n" in text and text.replace("\n", "").isprintable():  # paragraphs: only line breaks to look at
        return text.replace("\n", _NEWLINE) if one_line else text
    shown = text.translate(_SHOWN)
    return shown.replace("\n", _NEWLINE) if one_line else shown
