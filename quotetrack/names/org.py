"""Organisations and countries: one key per body, whatever the case, article or acronym.

An organisation name is split into a *qualifier* (the country it belongs
to: ``US`` in ``the US State Department``) and a *core* (``state
department``). Names merge when the cores are equal and the qualifiers do
not clash, so ``State Department`` joins ``U.S. State Department`` while
``Russian Foreign Ministry`` and ``Ukrainian Foreign Ministry`` stay apart
(and a bare ``Foreign Ministry`` next to both is left for review).
Countries are organisations here: in news they speak through their
governments ("Russia said ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._text import clean_surface, letters_only, strip_accents
from ._vocab import ACRONYMS, COUNTRIES, NATIONALITIES, ORG_NOUNS, ORG_SPELLING, ROLE_WORDS, STOPWORDS
from .person import is_descriptor, parse_person, strip_descriptors
from .translit import bucket_key, coarse, coarse_equal, skeleton

# Capitals used as metonyms for governments ("Moscow says ...").
CAPITALS = {
    "moscow": "ru", "washington": "us", "kyiv": "ua", "kiev": "ua", "beijing": "cn", "london": "gb",
    "paris": "fr", "berlin": "de", "brussels": "eu", "tehran": "ir", "damascus": "sy", "ankara": "tr",
    "minsk": "by", "tokyo": "jp", "seoul": "kr", "pyongyang": "kp", "jerusalem": "il", "cairo": "eg",
    "riyadh": "sa", "doha": "qa", "baghdad": "iq", "kabul": "af", "tbilisi": "ge", "warsaw": "pl",
}


@dataclass(frozen=True)
class OrgName:
    """``core`` names the body (``state department``, ``NATO``, ``country:ru``);
    ``qualifier`` is the country it belongs to, or "" when not said."""

    display: str
    core: str
    qualifier: str = ""
    arabic_key: str = ""  # coarse key of a one-word Arabic name (Hezbollah/Hizbullah), else ""

    @property
    def bucket(self) -> str:
        """Only organisations in one bucket are compared."""
        return "ar:" + bucket_key(self.arabic_key) if self.arabic_key else self.core

    @property
    def specificity(self) -> tuple[int, int, int]:
        return (1 if self.qualifier else 0, 0, 0)

    @property
    def exact_key(self) -> str:
        return f"{self.qualifier}|{self.core}"

    @property
    def id_key(self) -> str:
        return self.exact_key


def orgs_compatible(a: OrgName, b: OrgName) -> bool:
    """Same core (or the same one-word Arabic name in another romanisation), and
    qualifiers that do not clash."""
    if a.qualifier and b.qualifier and a.qualifier != b.qualifier:
        return False
    if a.core == b.core:
        return True
    return bool(a.arabic_key and b.arabic_key) and coarse_equal(a.arabic_key, b.arabic_key)


_ARABIC_ORG_MARK = re.compile(r"[aou]llah$|q(?!u)|gh|dh|^(?:hizb|hezb)")


def _arabic_key(ws: list[str]) -> str:
    """``Hezbollah``/``Hizbullah``, ``al-Qaeda``/``al-Qaida``: one Arabic word, looser key."""
    words_ = [w for w in ws if w not in ("al", "el")]
    if len(words_) != 1:
        return ""
    word = re.sub(r"^(?:al|el)-", "", words_[0])
    if not _ARABIC_ORG_MARK.search(word) and word == words_[0]:
        return ""
    return coarse(skeleton(word, arabic=True))


def _org_words(text: str) -> list[str]:
    """Lower-case ASCII words with dots of abbreviations dropped (``U.S.`` -> ``us``)."""
    text = strip_accents(text).lower().replace("&", " and ")
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    text = re.sub(r"[^a-z0-9' -]+", " ", text)
    out = []
    for w in text.split():
        w = w.strip("'-")
        if w:
            out.append(ORG_SPELLING.get(w, w))
    return out


def _expansion_key(text: str) -> str:
    return " ".join(w for w in _org_words(text) if w not in STOPWORDS)


def _builtin_expansions() -> dict[str, str]:
    table: dict[str, str] = {}
    for acr, longs in ACRONYMS.items():
        for long in longs:
            table[_expansion_key(long)] = acr
    return table


_EXPANSIONS = _builtin_expansions()


def _acronym_of(words_: list[str], extra: dict[str, str]) -> str:
    """The acronym a word list stands for (``nato``, ``north atlantic treaty organization``), or ""."""
    joined = "".join(words_).upper()
    if joined in ACRONYMS or joined in extra:
        return joined
    key = " ".join(w for w in words_ if w not in STOPWORDS)
    if key in _EXPANSIONS:
        return _EXPANSIONS[key]
    for acr, long in extra.items():
        if _expansion_key(long) == key:
            return acr
    return ""


def _take_qualifier(ws: list[str]) -> tuple[str, list[str]]:
    """Split a leading or trailing country off an organisation name."""
    if len(ws) > 1:
        for n in (4, 3, 2, 1):
            head = " ".join(ws[:n]).removesuffix("'s")
            if n < len(ws) and (head in COUNTRIES or (n == 1 and NATIONALITIES.get(head))):
                return COUNTRIES.get(head) or NATIONALITIES[head], ws[n:]
        m = " ".join(ws)
        for country, code in sorted(COUNTRIES.items(), key=lambda kv: -len(kv[0])):
            for tail in (f" of the {country}", f" of {country}"):
                if m.endswith(tail) and len(m) > len(tail):
                    return code, m[: -len(tail)].split()
    return "", ws


def _reorder(core: str) -> str:
    """``ministry of foreign affairs`` -> ``foreign ministry``; ``department of state`` -> ``state department``."""
    m = re.fullmatch(r"(ministry|department|minister) (?:of |for )?(?:the )?(.+?)(?: affairs)?", core)
    if m:
        return f"{m.group(2)} {m.group(1)}"
    return re.sub(r" affairs (ministry|department)$", r" \1", core)


@lru_cache(maxsize=50_000)
def _parse_org_cached(raw: str, extra_items: tuple[tuple[str, str], ...]) -> OrgName | None:
    extra = dict(extra_items)
    text = clean_surface(raw)
    defined = acronym_definitions(text)
    extra.update(defined)
    text = re.sub(r"\s*\([^)]*\)", "", text).strip()
    display = re.sub(r"^(?:the|The)\s+", "", text)
    ws = [w.removesuffix("'s") for w in _org_words(display)]
    if len(ws) > 1 and ws[-1] in ("group", "militia"):
        ws = ws[:-1]  # "the Islamic State group", "the Wagner group"
    if not ws:
        return None
    whole = " ".join(ws)
    if whole in COUNTRIES or whole in CAPITALS:
        return OrgName(display, "country:" + (COUNTRIES.get(whole) or CAPITALS[whole]))
    acr = _acronym_of(ws, extra)
    if acr:
        return OrgName(display, acr)
    qualifier, rest = _take_qualifier(ws)
    if not rest:
        return OrgName(display, "country:" + qualifier)
    acr = _acronym_of(rest, extra)
    core = acr or _reorder(" ".join(rest))
    return OrgName(display, core, qualifier, "" if acr else _arabic_key(rest))


def parse_org(raw: str, acronyms: dict[str, str] | None = None) -> OrgName | None:
    """Parse an organisation or country name; ``acronyms`` adds definitions seen in text."""
    return _parse_org_cached(raw, tuple(sorted((acronyms or {}).items())))


# -- acronym definitions -------------------------------------------------------------------

_PAREN = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9.&]{1,11})\s*\)")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")


def _initials_match(acr: str, ws: list[str]) -> bool:
    """Does ``acr`` spell the initials of ``ws`` (with or without the small words)?"""
    full = "".join(w[0] for w in ws).upper()
    content = "".join(w[0] for w in ws if w.lower() not in STOPWORDS).upper()
    return acr in (full, content) and ws[0].lower() not in STOPWORDS


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms defined in text: ``North Atlantic Treaty Organisation (Nato)`` ->
    ``{"NATO": "North Atlantic Treaty Organisation"}`` (keys upper-case).

    A definition counts only when the letters spell the initials of the words
    just before the brackets, so ``Lavrov (Russia)`` defines nothing.
    """
    out: dict[str, str] = {}
    for m in _PAREN.finditer(text):
        acr = m.group(1).replace(".", "").upper()
        if not acr.isalpha() or len(acr) < 2:
            continue
        before = _WORD.findall(text[max(0, m.start() - 200) : m.start()])
        for n in range(len(acr), min(len(acr) + 6, len(before)) + 1):
            ws = before[-n:]
            if _initials_match(acr, ws):
                out.setdefault(acr, " ".join(ws))
                break
    return out


# -- kind ----------------------------------------------------------------------------------

def _is_acronym_token(token: str) -> bool:
    bare = token.replace(".", "")
    return 2 <= len(bare) <= 7 and bare.isalnum() and bare[0].isalpha() and bare.upper() == bare and not bare.isdigit()


def is_definitely_org(name: str) -> bool:
    """A country, capital, known acronym or expansion: never a person, whatever NER said."""
    org = parse_org(name)
    if org is None:
        return False
    return org.core.startswith("country:") or org.core in ACRONYMS


def guess_kind(name: str) -> str:
    """``person`` | ``organization`` | ``other``, by the words of the name alone.

    Countries and capitals count as organisations (they speak through their
    governments); a role followed by a name is a person ("White House
    Spokesperson Jen Psaki"); a description without a name ("a spokeswoman",
    "the Russian foreign minister") is ``other``.
    """
    text = clean_surface(name)
    if not letters_only(text):
        return "other"
    if is_definitely_org(text):
        return "organization"
    tokens = text.split()
    lowered = [strip_accents(t).lower().removesuffix("'s") for t in tokens]
    has_org_noun = any(w in ORG_NOUNS for w in lowered)
    rest, stripped = strip_descriptors(tokens)
    person = parse_person(text)
    if person is not None and not any(w in ORG_NOUNS for w in (strip_accents(t).lower() for t in rest)):
        if stripped or not has_org_noun:
            if not (len(tokens) <= 3 and all(_is_acronym_token(t) for t in tokens)):
                return "person"
    if tokens[-1][:1].islower() and lowered[-1] in ROLE_WORDS:
        return "other"  # "the Russian foreign minister": a role, not a body
    if tokens[0][:1].islower() and not (lowered[0] == "the" and len(tokens) > 1 and tokens[1][:1].isupper()):
        return "other"  # "a spokeswoman for the Alliance", "the Russian foreign minister"
    if has_org_noun or all(_is_acronym_token(t) for t in tokens) or (
        lowered[0] == "the" and len(tokens) > 1 and tokens[1][:1].isupper()
    ):
        return "organization"
    if len(tokens) <= 4 and all(t[:1].isupper() for t in tokens) and any(_is_acronym_token(t) for t in tokens):
        return "organization"
    return "other"


def org_words_are_descriptors(name: str) -> bool:
    """True when every word is descriptive (``the alliance``): no proper name at all."""
    return all(is_descriptor(t) for t in clean_surface(name).split())
