"""Descriptions that refer back to a named person: 'the governor', 'the Russian foreign minister', 'the 23-year-old'.

A definite description names the person the article gave that title
(:class:`TitleIndex`: 'Gov. James O'Neil' → the governor; 'Russia's Foreign
Minister Sergey Lavrov' → the head of Russian diplomacy), or, for an age, the
person named last before it. Indefinite ones ('a spokeswoman', 'officials')
are unnamed sources and stay so.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span

from .speaker_names import AGE, PERSON_LABELS, is_title_token, strip_titles

# Abbreviated titles, read as the word a later description uses: "Gov. O'Neil" … "the governor".
ABBREVIATIONS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "lt": "lieutenant",
    "col": "colonel", "maj": "major", "capt": "captain", "cmdr": "commander", "adm": "admiral",
    "sgt": "sergeant", "supt": "superintendent", "atty": "attorney", "prof": "professor", "dr": "doctor",
    "pres": "president", "amb": "ambassador", "insp": "inspector", "det": "detective", "rev": "reverend",
}
# An age description refers back this far at most (characters), to the person named last.
AGE_WINDOW_CHARS = 1500

# Role words a description may use for a title the article gave in other words.
ROLE_SYNONYMS = {
    "diplomat": {"minister", "secretary", "ambassador", "diplomat"},
    "diplomacy": {"foreign", "minister", "secretary", "state"},
    "envoy": {"ambassador", "envoy", "representative"},
    "leader": {"president", "leader", "chancellor", "premier", "prime", "secretary-general", "chief", "head"},
    "head": {"president", "chief", "head", "director", "secretary-general", "chairman", "leader", "minister"},
    "chief": {"chief", "head", "director", "president", "secretary-general"},
    "boss": {"chief", "head", "director", "chairman", "secretary-general"},
}
DETERMINERS = frozenset({"the", "this", "that"})
_SKIP_WORDS = frozenset({"the", "of", "for", "a", "an", "'s", "’s", "former", "new", "top", "then", "current", "also"})


def _stem(word: str) -> str:
    """'Russian' / 'Russia’s' / 'Russia' → 'russi': nationality and country match."""
    w = word.lower().strip(".").replace("’s", "").replace("'s", "")
    for suffix in ("ian", "ia", "an", "ese", "ish", "i", "n", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: len(w) - len(suffix)][:5]
    return w[:5]


class TitleIndex:
    """Who the article gave which title: 'Foreign Minister Sergey Lavrov', 'Stoltenberg, NATO's chief'.

    Titles are the words before a person's name in the same noun phrase
    (compounds, modifiers, possessors) and the words of an apposition.
    """

    def __init__(self, doc: Doc):
        self.people: list[tuple[Span, set[str], set[str]]] = []
        for ent in doc.ents:
            if ent.label_ not in PERSON_LABELS:
                continue
            words = self._title_words(ent)
            if words:
                places = {_stem(t.text) for t in ent.root.subtree if t.ent_type_ in ("NORP", "GPE") and t.lower_ in words}
                self.people.append((strip_titles(ent), words, places))

    @staticmethod
    def _title_words(ent: Span) -> set[str]:
        root = ent.root
        out: set[str] = set()
        # words before the name inside its phrase: "Russia's Foreign Minister Sergey Lavrov"
        for tok in root.subtree:
            if tok.i >= ent.start:
                break
            if tok.dep_ in ("compound", "amod", "poss", "nmod", "case") or tok.pos_ in ("PROPN", "NOUN", "ADJ"):
                out.add(tok.lower_)
        # leading title words NER put inside the entity: "President Obama", "Striker João Silva"
        name_start = strip_titles(ent).start
        for tok in ent:
            if tok.i >= name_start:
                break
            if is_title_token(tok):
                out.add(tok.lower_.strip("."))
        # appositions either way: "Lavrov, the foreign minister," / "the minister, Lavrov"
        for child in root.children:
            if child.dep_ == "appos":
                out.update(t.lower_ for t in child.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ"))
        if root.dep_ == "appos":
            out.update(t.lower_ for t in root.head.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ") and not (ent.start <= t.i < ent.end))
        # hyphenated titles: "Secretary-General"; abbreviated ones: "Gov." is a governor
        for tok in list(out):
            if "-" in tok:
                out.update(tok.split("-"))
            if tok.strip(".") in ABBREVIATIONS:
                out.add(ABBREVIATIONS[tok.strip(".")])
        return {w for w in out if w not in _SKIP_WORDS and len(w) > 1}

    def lookup(self, phrase: Span) -> Span | None:
        words = [t for t in phrase if t.lower_ not in _SKIP_WORDS and not t.is_punct]
        head = phrase.root
        if not words or head.pos_ not in ("NOUN", "PROPN"):
            return None
        head_word = head.lower_
        best, best_key = None, None
        for name, titles, places in self.people:
            if name.start <= phrase.start < name.end:
                continue
            if head_word in titles or head.lemma_.lower() in titles:
                head_ok = True
            else:
                head_ok = bool(ROLE_SYNONYMS.get(head_word, set()) & titles)
            if not head_ok:
                continue
            # every content word of the description must fit the title (or a synonym of it);
            # a nationality may be missing from the title, but must not contradict it
            score = 1
            fits = True
            title_stems = {_stem(w) for w in titles}
            for t in words:
                if t.i == head.i:
                    continue
                w = t.lower_
                if w in titles or _stem(w) in title_stems or (ROLE_SYNONYMS.get(w, set()) & titles):
                    score += 1
                elif t.ent_type_ in ("NORP", "GPE") and not places:
                    continue
                elif t.pos_ in ("ADJ", "PROPN", "NOUN"):
                    fits = False
                    break
            if not fits:
                continue
            # more words in common first; then a name before the description, the nearest
            before = name.start < phrase.start
            key = (score, before, name.start if before else -name.start)
            if best_key is None or key > best_key:
                best, best_key = name, key
        return best


def description_antecedent(doc: Doc, phrase: Span, titles: TitleIndex | None = None) -> Span | None:
    """The named person a definite description refers back to, or None.

    'the Russian foreign minister' → 'Sergey Lavrov' when the article
    called him 'Russia's Foreign Minister Sergey Lavrov' earlier; 'the head
    of Russian diplomacy' likewise (head ↔ minister, diplomacy ↔ foreign).
    Only definite singular descriptions ("the …", "Russia's …"); "a
    spokeswoman", "officials", "experts" are unnamed sources and stay so.
    When two people fit equally, the one named last wins.
    """
    if len(phrase) == 0:
        return None
    first = phrase[0]
    head = phrase.root
    if head.tag_ in ("NNS", "NNPS") or head.pos_ not in ("NOUN", "PROPN"):
        return None
    definite = first.lower_ in DETERMINERS or any(t.dep_ == "poss" and t.head.i == head.i for t in phrase)
    if not definite:
        return None
    return (titles or TitleIndex(doc)).lookup(phrase)


def age_antecedent(phrase: Span, ents: tuple[Span, ...], ends: list[int]) -> Span | None:
    """'The 23-year-old said', 'the 45-year-old striker': the person named last before it.

    News refers back by age to someone it has just named (often with the age
    in an apposition, 'Silva, 23,'); a person given that very age wins over a
    nearer one. ``ents``/``ends``: the document's entities and their end tokens.
    """
    if len(phrase) == 0 or phrase[0].lower_ not in DETERMINERS:
        return None
    m = AGE.search(phrase.text)
    if m is None:
        return None
    age = "".join(ch for ch in m.group(0) if ch.isdigit())
    doc = phrase.doc
    nearest, aged = None, None
    for k in range(bisect_right(ends, phrase.start) - 1, -1, -1):
        ent = ents[k]
        if phrase.start_char - ent.end_char > AGE_WINDOW_CHARS:
            break
        if ent.label_ not in PERSON_LABELS:
            continue
        nearest = nearest or ent
        after = doc[ent.end : min(len(doc), ent.end + 3)]
        if aged is None and any(t.text == age for t in after):
            aged = ent
    pick = aged or nearest
    return strip_titles(pick) if pick is not None else None



# 'The Massachusetts Democrat said …': US news refers back to a politician by party.
PARTY_WORDS = frozenset({"democrat", "republican", "independent", "libertarian", "conservative", "liberal", "tory"})
