"""Transliteration skeletons: one spelling for every romanisation of a name part.

Why not fuzzy matching: similarity scores rank ``Sergei Lavrov``/``Sergei
Skripal`` above ``Iulia``/``Yulia``. Instead each name part is rewritten
with the rules that produce the known variant families (English, French and
German romanisations of Cyrillic; Arabic q/k/g/gh/dh and vowel spellings),
and parts are compared for *equality*. A rule is only added when it joins
spellings of one sound; letters that tell names apart (``Lavrov``/``Lavrova``,
``Khamenei``/``Khomeini``, ``Kerry``/``Kelly``) are never dropped.

Two levels:

* :func:`skeleton` -- the strict key, applied to every name.
* :func:`coarse` -- a looser key (vowel classes a/e, o/u, i/y; velars
  k/g/q/h) used only where Arabic naming is evident, and as the bucket key
  that groups candidates before any pair is compared (it is a function of
  the skeleton, so names with equal skeletons always share a bucket).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._text import letters_only
from ._vocab import GIVEN_NAME_EQUIVALENTS

VOWELS = frozenset("aeiou")

# Placeholders for sounds written with several letters; upper case so they can
# never be confused with a plain letter of the skeleton.
_SHCH, _CH, _SH, _ZH = "4", "C", "S", "Z"

_FRENCH_MARK = re.compile(r"ou|tch|gu[ei]|ine$")
_FRENCH_STRONG = re.compile(r"tch|gu[ei]|ine$")  # "ou" alone is also Belarusian (Tsikhanouskaja)
_GERMAN_MARK = re.compile(r"sch|tsch|ow$|ew$|owa$|ewa$|[^aeiou]j[aeiou]|yj$|ij$")


def french_style(word: str) -> bool:
    """French romanisation of Russian (``Choïgou``, ``Tchernomyrdine``): ``ch`` is *sh*."""
    return bool(_FRENCH_MARK.search(word))


def german_style(words: list[str]) -> bool:
    """German romanisation (``Michail Gorbatschow``): ``ch`` is *kh*, initial ``s`` is *z*.

    Decided per name, not per word: the given name ``Michail`` carries no mark
    of its own, its surname does.
    """
    return any(_GERMAN_MARK.search(w) for w in words)


_SLAVIC_ENDING = re.compile(r"(?:ov|ev|ova|eva|ow|ew|owa|ewa|in|ine|ina|enko|uk|yuk|chuk|sky|ski|skiy|skyy|skij|skyj|skaya|skaja|ich|ych|vich|itch|vitch|witsch)$")


def slavic_style(word: str) -> bool:
    """A surname with a Slavic ending (-ov, -enko, -sky, -ich ...), where ``ch``, ``sh``,
    ``zh`` (and French ``ch``/``j``, German ``sch``/``tsch``) are spellings of the
    hissing sounds that English, French and German romanise differently."""
    return bool(_SLAVIC_ENDING.search(word))


def _digraphs(w: str, *, french: bool, german: bool, arabic: bool) -> str:
    """Multi-letter spellings of one sound -> one symbol (longest first)."""
    w = w.replace("dj", "j")  # French dj for Arabic/Persian/Serbian j (Laridjani, Djokovic)
    for src, dst in (("schtsch", _SHCH), ("chtch", _SHCH), ("shch", _SHCH), ("tsch", _CH), ("tch", _CH)):
        w = w.replace(src, dst)
    w = w.replace("sch", _SH).replace("zh", _ZH)
    if french or arabic:
        w = w.replace("ch", _SH)  # Choïgou, Bachar (French transcription)
    elif german:
        w = w.replace("ch", "h")  # Chruschtschow, Michail
    else:
        w = w.replace("ch", _CH)
    if french and _FRENCH_STRONG.search(w):
        w = re.sub(r"j(?=[aeiou])", _ZH, w)  # Prigojine: French j is zh
    w = w.replace("sh", _SH).replace("kh", "h").replace("gh", "g").replace("dh", "d")
    w = w.replace("th", "t").replace("ph", "f").replace("ck", "k").replace("q", "k").replace("x", "ks")
    w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k")
    return w.replace("w", "v").replace("j", "y").replace("tz", "ts")


def _vowels(w: str, *, french: bool, german: bool, arabic: bool = False) -> str:
    """Vowel spellings: ou/u, iu/yu/ju, ia/ya, -ey/-ei, -iy/-y/-i, gu/g before e/i."""
    w = re.sub(r"gu(?=[ei])", "g", w)  # Guerasimov, Serguei
    w = w.replace("ou", "u").replace("oo", "u")
    w = re.sub(r"(?<=[b-df-hj-np-tv-zCSZ4])(ae|oe|ue)", lambda m: m.group(1)[0], w)  # Schroeder, Mueller
    if french:
        w = re.sub(r"ine$", "in", w)  # Poutine, Tchernomyrdine
    if german:
        w = re.sub(r"^s(?=[aeiouy])", "z", w)  # Selenskyj, Sacharow
        w = re.sub(r"(?<=[lmnr])s(?=[aeiouy])", "z", w)  # Ramsan
    # endings: -ey/-ei/-ej; -iy/-ij/-ii/-yy/-y/-i; -ay/-aj; -oy/-oj
    w = re.sub(r"e[iy]$", "ei", w)
    w = re.sub(r"(?<=[^aeiou])(?:iy|ii|yy|yi|y|i)$", "i", w)
    w = re.sub(r"a[iy]$", "ai", w)
    w = re.sub(r"o[iy]$", "oi", w)
    # soft vowels: (i|y|iy) + vowel -> y + vowel (Iulia/Yulia, Ulianov/Ulyanov, Yuliya/Yulia)
    w = re.sub(r"(?:iy|i|y)(?=[aeou])", "y", w)
    # y between consonants is i (Tymoshenko/Timoshenko, Kadyrov/Kadirov)
    w = re.sub(r"(?<=[^aeiouy])y(?=[^aeiouy]|$)", "i", w)
    w = re.sub(r"(?<=[aeiou])y(?=[^aeiouy])", "i", w)  # Shoygu/Shoigu, Husayn/Husain
    if len(w) >= 5 and not arabic:
        w = re.sub(r"^ye", "e", w)  # Yevgeny/Evgeny, Yelena/Elena (not Jed/Ed, not Yehia)
    # Russian ё after a hissing sound: Gorbachev/Gorbachyov/Gorbatschow
    w = re.sub(rf"(?<=[{_CH}{_SH}{_ZH}{_SHCH}])y?o(?=va?$)", "e", w)
    return w


def _collapse_doubles(w: str) -> str:
    """Mohammed/Mohamed, Gaddafi/Gadafi: doubled letters carry no identity here."""
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=200_000)
def skeleton(word: str, *, german: bool = False, arabic: bool = False) -> str:
    """Strict transliteration key of one name part (any script, any case).

    >>> skeleton("Serguei") == skeleton("Sergey") == skeleton("Sergei")
    True
    >>> skeleton("Lavrov") == skeleton("Lavrova")
    False
    """
    w = letters_only(word)
    if not w:
        return ""
    french = french_style(w)
    slavic = slavic_style(w)
    w = _digraphs(w, french=french, german=german, arabic=arabic)
    w = _collapse_doubles(w)
    w = _vowels(w, french=french, german=german, arabic=arabic)
    w = re.sub(r"(?<=[aeiou])f$", "v", w)  # -off/-of (Rachmaninoff), -ef/-ew
    w = re.sub(r"enka$", "enko", w)  # Belarusian -enka (Lukashenka/Lukashenko)
    if slavic:
        # Porochenko/Poroshenko, Prigoschin/Prigozhin, Kravtchenko/Kravchenko
        w = w.replace(_CH, _SH).replace(_ZH, _SH)
    return _collapse_doubles(w)


_COARSE = {"a": "A", "e": "E", "o": "U", "u": "U", "i": "I", "k": "K", "g": "K", "h": "K"}


@lru_cache(maxsize=200_000)
def coarse(skel: str) -> str:
    """Looser key derived from a skeleton: Arabic vowel and velar classes.

    ``Qaddafi``, ``Gaddafi``, ``Kadhafi``, ``Khadafy`` -> one key; a final
    ``-h`` after a vowel (``Haniyeh``/``Haniya``) and ``-allah``/``-ullah`` drop out;
    ``Khamenei``/``Khomeini`` and ``Hamid``/``Hamad`` stay apart because the
    vowel *classes* differ. ``e`` keeps a class of its own (see :func:`coarse_equal`).
    """
    skel = re.sub(r"[aou]lah$", "ala", skel)  # -allah/-ullah/-ollah (Nasrallah, Nasrullah)
    skel = re.sub(r"(?<=[aeiou])h(?=[aeiouy])", "", skel)  # Persian/Arabic hamza as h: Khamenehi
    skel = re.sub(r"(?<=[aeiouy])h$", "", skel)  # ta marbuta: Haniyeh/Haniya, Hamzah/Hamza
    out = []
    for i, ch in enumerate(skel):
        if ch == "y":
            nxt = skel[i + 1] if i + 1 < len(skel) else ""
            out.append("y" if nxt in VOWELS else "I")
        else:
            out.append(_COARSE.get(ch, ch))
    return _collapse_doubles("".join(out))


def coarse_equal(x: str, y: str) -> bool:
    """Equality of coarse keys where ``E`` matches ``A`` or ``I``: romanised Arabic
    writes e for both fatha and kasra (Hafez/Hafiz, Laden/Ladin, Mohammed/Muhammad)."""
    if len(x) != len(y):
        return False
    return all(a == b or (a == "E" and b in "AI") or (b == "E" and a in "AI") for a, b in zip(x, y))


def bucket_key(skel: str) -> str:
    """The coarsest key: coarse with a/e/i merged. Names that can ever be compared
    (equal skeletons, or ``coarse_equal``) always share it, so only names in one
    bucket are compared."""
    return _collapse_doubles(coarse(skel).replace("E", "A").replace("I", "A"))


def _given_classes() -> dict[str, str]:
    """Skeleton (in every style) of each listed given-name form -> its name's class."""
    table: dict[str, str] = {}
    for line in GIVEN_NAME_EQUIVALENTS:
        forms = line.split()
        cls = skeleton(forms[0])
        for form in forms:
            for german in (False, True):
                for arabic in (False, True):
                    table.setdefault(skeleton(form, german=german, arabic=arabic), cls)
    return table


GIVEN_CLASSES = _given_classes()


def given_class(skel: str) -> str:
    """The equivalence class of a given-name skeleton (``volodimir`` -> ``vladimir``)."""
    return GIVEN_CLASSES.get(skel, skel)


_INITIAL_CLASS = {"j": "i", "y": "i", "i": "i", "h": "g", "g": "g", "c": "k", "k": "k", "q": "k", "w": "v", "z": "s"}


def initial_class(letter: str) -> str:
    """Initials that romanise one Cyrillic/Arabic letter: J./Y./I., G./H., K./C./Q., V./W."""
    letter = letters_only(letter)[:1]
    return _INITIAL_CLASS.get(letter, letter)
