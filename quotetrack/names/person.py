"""Person names: strip what describes the person, parse what names them, compare.

Parsing is done here rather than with a general name parser because news
names come wrapped in job descriptions ("Russia's Foreign Minister Sergey
Lavrov", "U.S. State Department Spokesman Ned Price") that general parsers
read as first and middle names. The rule: the name is what follows the last
descriptive word, as long as something name-like is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._text import clean_surface, initials_of, is_initial, letters_only, strip_accents, words
from ._vocab import (
    ARABIC_ARTICLES,
    ARABIC_GIVEN_NAMES,
    ARABIC_SON_OF,
    COUNTRIES,
    EAST_ASIAN_SURNAMES,
    NATIONALITIES,
    ORG_NOUNS,
    ROLE_ENDINGS,
    ROLE_WORDS,
    SUFFIXES,
    SURNAME_PARTICLES,
)
from .translit import (
    GIVEN_CLASSES,
    bucket_key,
    coarse,
    coarse_equal,
    german_style,
    given_class,
    initial_class,
    skeleton,
)

_ARTICLE_PREFIX = re.compile(r"^(%s)[-'](?=\w)" % "|".join(sorted(ARABIC_ARTICLES, key=len, reverse=True)), re.I)
_ABD_PREFIX = re.compile(r"^(abd|abdu|abdel|abdul|abdal|abdol|abdoul|abdelaziz)$")
_ABD_GLUED = re.compile(r"^abd(?:el|ul|al|ol|oul|u)?(?=[a-z]{3,})")
_EUROPEAN_PARTICLES = frozenset("le la de du von van der den di da del della dos das".split())
_ARABIC_SURNAME_MARK = re.compile(r"dh|(?<![ui])gh|q(?!u)")
_CJK_SYLLABLE = re.compile(
    r"(?:ch|sh|zh|ts|kk|tt|pp|ss|jj|hw|gw|kw|ky|[bcdfghjklmnpqrstwxyz])?"
    r"(?:yeo|yae|wae|eo|ae|oe|ui|eu|wa|wo|we|wi|ya|ye|yo|yu|ia|ie|iu|io|ua|uo|ai|ei|ao|ou|ee|oo|[aeiou])"
    r"(?:ng|n|m|l|k|p|t)?"
)


@dataclass(frozen=True)
class PersonName:
    """A parsed person name with the keys used to compare it.

    ``given``/``family`` are transliteration skeletons; ``given_level`` is 2
    for a full given name, 1 for an initial only, 0 for a surname alone.
    """

    display: str
    family: str
    family_key: str
    family_coarse: str = ""
    given: str = ""
    given_level: int = 0
    initial: str = ""
    middles: tuple[str, ...] = ()
    suffix: str = ""
    arabic: bool = False

    @property
    def given_key(self) -> str:
        return given_class(self.given) if self.given else ""

    @property
    def specificity(self) -> tuple[int, int, int]:
        """More complete names first: full given name, then middle names, then a suffix."""
        return (self.given_level, len(self.middles), 1 if self.suffix else 0)

    def _keys(self, key) -> tuple[str, str]:
        """(given, family) under ``key`` (the Arabic looser key) or the strict skeletons."""
        if self.given_level == 1:
            given = self.initial + "."
        elif self.arabic and self.given not in GIVEN_CLASSES:
            given = key(self.given)
        else:
            given = self.given_key
        return given, (key(self.family) if self.arabic else self.family)

    @property
    def exact_key(self) -> str:
        """Everything that tells this name apart, normalised: the unit of clustering."""
        given, family = self._keys(coarse)
        return f"{given}|{'.'.join(self.middles)}|{family}|{self.suffix}"

    @property
    def id_key(self) -> str:
        """Given + family + suffix: stable when a middle name or another spelling turns up
        (for Arabic names with vowels merged, so Hafez/Hafiz give one id)."""
        given, family = self._keys(bucket_key)
        return f"{given}|{family}|{self.suffix}"


# -- descriptors ---------------------------------------------------------------------------

def _token_lower(token: str) -> str:
    return strip_accents(token).lower().strip(".,;:")


def is_role_word(token: str) -> bool:
    """A word for what someone is or does: a title, an office, a trade ("Coach", "Striker",
    "Midfielder", "Economist"). Extraction strips the same words from speakers' names."""
    low = _token_lower(token)
    bare = low.replace(".", "")
    if low in ROLE_WORDS or bare in ROLE_WORDS:
        return True
    # "Midfielder", "Goalkeeper", "Economist", "Politician": a role by its ending ("Christ" is not)
    return bare.isalpha() and any(bare.endswith(e) and len(bare) - len(e) >= (4 if e == "ist" else 3) for e in ROLE_ENDINGS)


def is_descriptor(token: str) -> bool:
    """A word that says who someone is rather than naming them."""
    if is_initial(token):
        return False
    low = _token_lower(token)
    bare = low.replace(".", "")
    if low.endswith("'s") or low.endswith("s'"):
        return True  # "Russia's", "NATO's", "the alliance's"
    if is_role_word(token) or low in NATIONALITIES or bare in NATIONALITIES:
        return True
    if bare in COUNTRIES or bare in ORG_NOUNS:
        return True
    if "-" in low and all(part in ROLE_WORDS or part in NATIONALITIES for part in low.split("-") if part):
        return True  # "Secretary-General", "ex-President", "pro-Kremlin"
    letters = token.replace(".", "")
    if len(letters) >= 2 and letters.isalpha() and letters.isupper() and bare not in SUFFIXES:
        return True  # acronyms: "NATO Secretary General", "US General"
    if token[:1].islower() and not _is_particle(low):
        return True
    return False


def _is_particle_word(low: str) -> bool:
    """A word of its own that belongs to the surname after it: ``von``, ``de``, ``bin``, ``al``."""
    return low in SURNAME_PARTICLES or low in ARABIC_ARTICLES


def _is_particle(low: str) -> bool:
    """A particle word, or a word carrying the Arabic article (``al-Assad``)."""
    return _is_particle_word(low) or bool(_ARTICLE_PREFIX.match(low))


def _name_like(tokens: list[str]) -> bool:
    """At least one capitalised word that is neither an initial nor a suffix."""
    return any(
        t[:1].isupper() and not is_initial(t) and _token_lower(t).replace(".", "") not in SUFFIXES for t in tokens
    )


def strip_descriptors(tokens: list[str]) -> tuple[list[str], bool]:
    """Drop the leading description; returns (name tokens, whether a role word was dropped)."""
    for i in range(len(tokens) - 2, -1, -1):
        if is_descriptor(tokens[i]) and _name_like(tokens[i + 1 :]):
            return tokens[i + 1 :], True
    return tokens, False


def _choose_comma_part(text: str) -> str:
    """``Lavrov, Sergei`` -> ``Sergei Lavrov``; ``Jens Stoltenberg, NATO chief`` -> the name."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return text
    first, second = words(parts[0]), words(parts[1])
    if (
        len(parts) == 2
        and len(first) == 1
        and 1 <= len(second) <= 3
        and not any(is_descriptor(t) for t in second)
        and not is_descriptor(first[0])
        and second[0][:1].isupper()
    ):
        return f"{parts[1]} {parts[0]}"
    for part in parts:
        toks, _ = strip_descriptors(words(part))
        if _name_like(toks) and not all(is_descriptor(t) for t in toks):
            return part
    return parts[0]


# -- parsing -------------------------------------------------------------------------------

def _split_article(token: str) -> tuple[str, str]:
    """``al-Assad`` -> (``al``, ``Assad``); ``Assad`` -> ("", ``Assad``)."""
    m = _ARTICLE_PREFIX.match(token)
    if m and len(token) > m.end() + 1:
        return m.group(1).lower(), token[m.end() :]
    return "", token


def _is_cjk_given(tokens: list[str]) -> bool:
    """Given-name part of a Chinese/Korean name: hyphenated, or made of CJK syllables."""
    if not tokens or len(tokens) > 2:
        return False
    if len(tokens) == 1 and "-" in tokens[0]:
        return all(_CJK_SYLLABLE.fullmatch(letters_only(p)) for p in tokens[0].split("-"))
    joined = [letters_only(t) for t in tokens]
    if len(tokens) == 2:
        return all(_CJK_SYLLABLE.fullmatch(j) for j in joined)
    return bool(re.fullmatch(f"(?:{_CJK_SYLLABLE.pattern}){{2}}", joined[0]))


def _east_asian_order(tokens: list[str]) -> tuple[str, list[str]] | None:
    """(family, given tokens) for ``Kim Jong-un``/``Kim Jong Un``/``Jong-un Kim``; else None."""
    if len(tokens) < 2:
        return None
    first, last = letters_only(tokens[0]), letters_only(tokens[-1])
    if first in EAST_ASIAN_SURNAMES and _is_cjk_given(tokens[1:]):
        return tokens[0], tokens[1:]
    if last in EAST_ASIAN_SURNAMES and len(tokens) == 2 and "-" in tokens[0] and _is_cjk_given(tokens[:1]):
        return tokens[-1], tokens[:1]
    return None


def _glue_arabic_given(tokens: list[str]) -> list[str]:
    """``Abdel Fattah``/``Abd al-Fattah``/``Abdel-Fattah`` -> one given name ``abdFattah``;
    ``Abu Bakr`` -> ``AbuBakr``."""
    out: list[str] = []
    i = 0
    pieces = [p for t in tokens for p in (t.split("-") if _ABD_PREFIX.match(letters_only(t.split("-")[0])) else [t])]
    while i < len(pieces):
        low = letters_only(pieces[i])
        if (_ABD_PREFIX.match(low) or low in ("abu", "abou")) and i + 1 < len(pieces):
            nxt = pieces[i + 1]
            art, rest = _split_article(nxt)
            if not art and letters_only(nxt) in ARABIC_ARTICLES and i + 2 < len(pieces):
                rest, i = pieces[i + 2], i + 1
            out.append(("abd" if _ABD_PREFIX.match(low) else "abu") + rest)
            i += 2
            continue
        glued = _ABD_GLUED.match(low)
        if glued:
            out.append("abd" + low[glued.end() :])
        else:
            out.append(pieces[i])
        i += 1
    return out


def _family_tokens(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split into (given+middle tokens, family tokens): the last word plus the
    particles before it (``von der Leyen``, ``bin Salman``, ``al-Assad``)."""
    if len(tokens) == 2 and _token_lower(tokens[0]) in _EUROPEAN_PARTICLES:
        return [], tokens  # "Le Pen", "Von der Leyen" alone
    j = len(tokens) - 1
    while j > 0 and _is_particle_word(_token_lower(tokens[j - 1])) and not (j - 1 == 0 and tokens[0][:1].isupper()):
        j -= 1
    if j > 1 and _token_lower(tokens[j - 1]) == "al" and tokens[j - 1] == "Al":
        j -= 1  # "Tamim bin Hamad Al Thani"
    return tokens[:j], tokens[j:]


def _family_skeleton(family: list[str], german: bool, arabic: bool) -> str:
    """Surname key: the Arabic article dropped, bin/ibn/ben unified, particles kept."""
    parts: list[str] = []
    for tok in family:
        art, rest = _split_article(tok)
        low = _token_lower(rest)
        if not art and low in ARABIC_ARTICLES:
            continue
        if low in ARABIC_SON_OF:
            parts.append(ARABIC_SON_OF[low])
            continue
        parts.append(skeleton(rest, german=german, arabic=arabic))
    return "".join(parts)


_ARABIC_NAME_KEYS = frozenset(bucket_key(skeleton(n, arabic=True)) for n in ARABIC_GIVEN_NAMES)


def _looks_arabic(given_tokens: list[str], family: list[str]) -> bool:
    """Evident Arabic (or Persian) naming: the article or bin/ibn, q/gh/dh spellings,
    or a common Arabic name in any of its spellings (Hosni/Husni)."""
    for tok in family:
        if _split_article(tok)[0] or _token_lower(tok) in ARABIC_ARTICLES or _token_lower(tok) in ARABIC_SON_OF:
            return True
    for tok in [*given_tokens, *family]:
        low = letters_only(tok)
        if _ARABIC_SURNAME_MARK.search(low) or low.startswith(("abd", "abu")):
            return True
        if bucket_key(skeleton(low, arabic=True)) in _ARABIC_NAME_KEYS:
            return True
    return False


@lru_cache(maxsize=100_000)
def parse_person(raw: str) -> PersonName | None:
    """Parse a person's name out of a mention; None if no name is left.

    >>> parse_person("Russia's Foreign Minister Sergey Lavrov").display
    'Sergey Lavrov'
    """
    text = clean_surface(re.sub(r"\([^)]*\)|\"[^\"]*\"", " ", raw))
    text = re.sub(r",\s*((?:jr|sr|jnr|snr|ii|iii|iv)\.?)$", r" \1", text, flags=re.I)  # "King, Jr."
    text = _choose_comma_part(text)
    tokens = words(text)
    suffix = ""
    while tokens and _token_lower(tokens[-1]).replace(".", "") in SUFFIXES and len(tokens) > 1:
        suffix = suffix or SUFFIXES[_token_lower(tokens[-1]).replace(".", "")]
        tokens = tokens[:-1]
    tokens, _ = strip_descriptors(tokens)
    if not tokens or not _name_like(tokens) or all(is_descriptor(t) for t in tokens):
        return None
    display = " ".join(tokens + ([_suffix_display(suffix)] if suffix else []))
    german = german_style([letters_only(t) for t in tokens])
    ea = _east_asian_order(tokens)
    if ea:
        family_tok, given_toks = ea
        fam = skeleton(family_tok)
        given = skeleton("".join(given_toks))
        return PersonName(display, fam, bucket_key(fam), coarse(fam), given, 2, initial_class(given_toks[0]), (), suffix)
    head, family = _family_tokens(tokens)
    head = _glue_arabic_given(head)
    arabic = _looks_arabic(head, family)
    fam = _family_skeleton(family, german, arabic)
    if not fam:
        return None
    given, level, initial, middles = _given_parts(head, german, arabic)
    return PersonName(display, fam, bucket_key(fam), coarse(fam), given, level, initial, middles, suffix, arabic)


def _suffix_display(suffix: str) -> str:
    return {"jr": "Jr.", "sr": "Sr."}.get(suffix, suffix.upper())


def _given_parts(head: list[str], german: bool, arabic: bool) -> tuple[str, int, str, tuple[str, ...]]:
    """(given skeleton, level, initial class, middles) from the words before the surname."""
    parts: list[tuple[str, bool]] = []  # (text, is_initial)
    for tok in head:
        if is_initial(tok):
            parts.extend((c, True) for c in initials_of(tok))
        elif "-" in tok and not arabic:
            parts.extend((p, False) for p in tok.split("-") if p)  # Jean-Claude = Jean Claude
        else:
            parts.append((tok, False))
    if not parts:
        return "", 0, "", ()
    first, first_is_initial = parts[0]
    initial = initial_class(first)
    middles = tuple(
        initial_class(p) if is_init else skeleton(p, german=german, arabic=arabic) for p, is_init in parts[1:]
    )
    if first_is_initial:
        return "", 1, initial, middles
    return skeleton(first, german=german, arabic=arabic), 2, initial, middles


# -- comparison ----------------------------------------------------------------------------

def arabic_mode(a: PersonName, b: PersonName) -> bool:
    """Compare with the looser Arabic classes when one name is evidently Arabic and
    the other is either Arabic too or has no full given name to say otherwise."""
    return (a.arabic or b.arabic) and all(p.arabic or p.given_level < 2 for p in (a, b))


def family_agrees(a: PersonName, b: PersonName) -> bool:
    if a.family == b.family:
        return True
    return arabic_mode(a, b) and coarse_equal(a.family_coarse, b.family_coarse)


def given_agrees(a: PersonName, b: PersonName) -> bool:
    """Equal after normalisation, or an initial of it, or absent."""
    if a.given_level == 0 or b.given_level == 0:
        return True
    if a.given_level == 1 or b.given_level == 1:
        return a.initial == b.initial
    if a.given_key == b.given_key:
        return True
    return arabic_mode(a, b) and coarse_equal(coarse(a.given), coarse(b.given))


def _part_agrees(x: str, y: str) -> bool:
    if len(x) == 1 or len(y) == 1:
        return x[:1] == y[:1] or initial_class(x[:1]) == initial_class(y[:1])
    return given_class(x) == given_class(y)


def middles_agree(a: PersonName, b: PersonName) -> bool:
    """Middle names, when both give them, must agree one by one (George W. / George H. W.)."""
    if not a.middles or not b.middles:
        return True
    if len(a.middles) != len(b.middles):
        return False
    return all(_part_agrees(x, y) for x, y in zip(a.middles, b.middles))


def persons_compatible(a: PersonName, b: PersonName) -> bool:
    """Could these two names denote the same person? (Surname agrees after
    normalisation; given names compatible; middle names don't clash; the same
    generational suffix or none on both -- a missing "Jr." is not a match for
    one, because father and son otherwise chain together.)"""
    if a.suffix != b.suffix:
        return False  # "Donald Trump" is not "Donald Trump Jr."; "Jr." vs "Sr." never
    return family_agrees(a, b) and given_agrees(a, b) and middles_agree(a, b)


@lru_cache(maxsize=1)
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names that are only men's, and only women's, in coreferee's name lists (US, German,
    Polish and French registers; coreferee is a dependency). Empty if the lists cannot be read."""
    try:
        from importlib.resources import files

        data = files("coreferee.lang.common.data")
        male = set(data.joinpath("male_names.dat").read_text(encoding="utf-8").split())
        female = set(data.joinpath("female_names.dat").read_text(encoding="utf-8").split())
    except (ImportError, OSError):
        return frozenset(), frozenset()
    return frozenset(male - female), frozenset(female - male)
