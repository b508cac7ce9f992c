"""Surface clean-up shared by every name rule: folding, possessives, tokens.

Everything here is about *spelling*, not about who a name refers to: the
same surface in, the same cleaned surface out.
"""

from __future__ import annotations

import re
import unicodedata

from ..text import plain_marks, strip_accents

_POSSESSIVE = re.compile(r"(?<=\w)(?:'s|s')$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def strip_possessive(text: str) -> str:
    """``Lavrov's``/``Lavrov´s``/``Lavrov’s`` -> ``Lavrov`` (after apostrophes were unified)."""
    return _POSSESSIVE.sub("", text)


def clean_surface(name: str) -> str:
    """A displayable form of a raw name: whitespace collapsed, quotes and a trailing
    possessive dropped, accents kept (they are part of how a name is written)."""
    text = plain_marks(unicodedata.normalize("NFC", name))
    text = _SPACES.sub(" ", text).strip(" \t\n,;:\"")
    text = strip_possessive(text)
    return text.strip(" ,;:-")


def fold(name: str) -> str:
    """Case- and accent-insensitive form of a name, apostrophes and dots dropped.

    This is the *identity of a surface form* (used to match names written in
    an aliases file or by a reviewer against the corpus), not a similarity
    key: ``Sergey Lavrov`` and ``Sergei Lavrov`` stay different here.
    """
    text = strip_possessive(strip_accents(_SPACES.sub(" ", name).strip()))
    return " ".join(text.replace(".", " ").replace("'", "").casefold().split())


def words(text: str) -> list[str]:
    """Split a cleaned name into whitespace tokens, keeping hyphens and dots inside them."""
    return [w for w in text.split(" ") if w]


def is_initial(token: str) -> bool:
    """``J.``, ``J``, ``J.K.`` or ``JK.`` (run of initials) -- but not ``Jo`` or ``UN``."""
    bare = token.replace(".", "").replace("-", "")
    if not bare.isalpha():
        return False
    if len(bare) == 1:
        return True
    return "." in token and len(bare) <= 3 and bare.isupper()


def initials_of(token: str) -> list[str]:
    """The letters of an initials token: ``J.K.`` -> ``["J", "K"]``."""
    return [c for c in token if c.isalpha()]


def letters_only(text: str) -> str:
    """Lower-case ASCII letters of ``text`` (hyphens, dots, apostrophes, spaces dropped)."""
    return "".join(c for c in strip_accents(text).lower() if "a" <= c <= "z")
