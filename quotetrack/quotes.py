"""Finding quotes in a parsed document: direct, indirect and mixed.

The finder proposes :class:`Candidate` quotes: the content, the cue (the
reporting words) and the token the parse names as the source. Turning
that token into a speaker (names, appositions, coreference, news
conventions) is :mod:`quotetrack.attribution`'s job.

Direct quotes come from quotation marks (:mod:`quotetrack.marks`), indirect
ones from the parse: a speech verb with a clausal complement ("Lavrov said
that ..."), a parenthetical cue ("..., Lavrov said, ...") or "according to
X". A quoted fragment inside reported speech makes the quote *mixed*.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span, Token

from . import cues
from .marks import MarkedSpan, find_marked, strip_marks

# How far from a quotation mark a cue may sit, in tokens.
CUE_WINDOW_AFTER = 12
CUE_WINDOW_BEFORE = 20
# A quote without any cue and with fewer words than this is a scare quote, a title or a
# headline ("‘Consistent’ Policy"), not reported speech.
MIN_UNCUED_WORDS = 5


@dataclass(slots=True)
class Candidate:
    kind: str
    start: int
    end: int
    cue: Span | None = None
    source: Token | None = None
    via: str = "none"  # subject | inversion | according | participle | parenthetical | none
    marked: MarkedSpan | None = None
    flags: list[str] = field(default_factory=list)


# --- per-document lookups ------------------------------------------------------
# spaCy rebuilds ``doc.text`` from every token on each access, and finding the tokens
# near a quote by scanning the whole doc costs a pass per quote: both made extraction
# quadratic in the document's length. These build each once per doc.

_DOC_INDEX: WeakKeyDictionary = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document."""
    return _doc_index(doc)[0]


def _doc_index(doc: Doc) -> tuple[str, list[int]]:
    entry = _DOC_INDEX.get(doc)
    if entry is None or len(entry[1]) != len(doc):  # a retokenized doc is indexed again
        entry = (doc.text, [t.idx for t in doc])
        _DOC_INDEX[doc] = entry
    return entry


def _token_range(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Token indexes [i, j) of the tokens that start in [start_char, end_char)."""
    starts = _doc_index(doc)[1]
    return bisect_left(starts, start_char), bisect_left(starts, end_char)


class _Blocks:
    """Which characters lie inside a quoted stretch (marks included): any stretch, by bisection."""

    def __init__(self, marked: list[MarkedSpan]):
        outer = sorted((m.open_start, m.close_end) for m in marked)
        self.starts = [s for s, _ in outer]
        self.reach: list[int] = []  # the furthest close_end among stretches opened so far
        for _, end in outer:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def covers(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


def find_candidates(doc: Doc) -> list[Candidate]:
    """Every quote in ``doc``, in document order, none overlapping another."""
    _DOC_INDEX.pop(doc, None)  # index the doc as it is now
    text = doc_text(doc)
    marked = find_marked(text)
    blocks = _Blocks(marked)
    reported = _reported_clauses(doc, marked)
    out: list[Candidate] = []
    used_clauses: set[int] = set()
    for m in marked:
        host = _host_clause(reported, m)
        if host is not None:
            index, clause = host
            if _words_outside(text, clause, m) <= 1:
                used_clauses.add(index)
                cue, source, via = clause.cue, clause.source, clause.via
                if source is None:
                    cue, source, via = _cue_near(doc, m, marked, blocks)
                out.append(_direct(text, m, cue or clause.cue, source, via))
            elif index not in used_clauses:
                used_clauses.add(index)
                clause.kind = "mixed"
            continue
        if _inside_other_quote(m, marked):
            continue
        cue, source, via = _cue_near(doc, m, marked, blocks)
        if cue is None and _word_count(text, m.start, m.end) < MIN_UNCUED_WORDS:
            continue
        out.append(_direct(text, m, cue, source, via))
    direct_spans = [(c.marked.open_start, c.marked.close_end) for c in out if c.marked]
    for i, clause in enumerate(reported):
        if i in used_clauses and clause.kind != "mixed":
            continue
        if any(_overlaps((clause.start, clause.end), span) for span in direct_spans):
            continue
        out.append(clause)
    out.sort(key=lambda c: (c.start, c.end))
    return _drop_overlaps(out)


def _direct(text: str, m: MarkedSpan, cue, source, via) -> Candidate:
    start, end = m.start, m.end
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    flags = [] if m.closed else ["unclosed"]
    return Candidate("direct", start, end, cue, source, via, m, flags)


def _words_outside(text: str, clause: Candidate, m: MarkedSpan) -> int:
    """Words of a reported clause outside a quoted stretch ("that" aside)."""
    rest = text[clause.start : max(clause.start, m.open_start)] + " " + text[min(clause.end, m.close_end) : clause.end]
    return sum(1 for w in rest.split() if any(ch.isalnum() for ch in w) and w.lower() != "that")


def _word_count(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside_other_quote(m: MarkedSpan, marked: list[MarkedSpan]) -> bool:
    return any(o is not m and o.start <= m.open_start and m.close_end <= o.end for o in marked)


def _drop_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Keep the earliest of overlapping candidates, direct ones first."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.kind != "direct", c.start, c.end)):
        if not any(_overlaps((c.start, c.end), (k.start, k.end)) for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


# --- cue words ----------------------------------------------------------------


def is_cue_verb(tok: Token) -> bool:
    if tok.pos_ not in ("VERB",) or tok.lemma_.lower() not in cues.SPEECH_VERBS:
        return False
    if tok.lemma_.lower() in cues.NEEDS_CLAUSE:
        return any(c.dep_ in ("ccomp", "oprd", "xcomp") for c in tok.children)
    return True


def subject_of(verb: Token, inside: tuple[int, int] | None = None) -> tuple[Token | None, str]:
    """The token naming who speaks through ``verb``, and how it was found.

    ``inside``: the quote's own character range; a subject found there is
    part of the quote, not its speaker.
    """

    def outside(tok: Token) -> bool:
        return inside is None or not (inside[0] <= tok.idx < inside[1])

    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.tag_ != "EX" and outside(child):
            return child, ("inversion" if child.i > verb.i else "subject")
    # "..., saying ..." / "..., adding ...": the participle's subject is its head's.
    head = verb
    for _ in range(3):
        if head.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl", "dep") and head.head is not head:
            head = head.head
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and outside(child):
                    return child, "participle"
        else:
            break
    # Inversions the parser reads as objects: '"...", denounced Russia.'
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in ("dobj", "attr", "npadvmod")
            and child.pos_ in ("PROPN", "NOUN")
            and outside(child)
        ):
            return child, "inversion"
    return None, "none"


def _phrase_between(doc: Doc, start: int, end: int) -> Token | None:
    """The head of the noun phrase between a quote and its cue: '"...," a spokesperson, Oana Lungescu, said'."""
    i, j = _token_range(doc, start, end)
    tokens = [t for t in doc[i:j] if t.idx + len(t) <= end and not t.is_punct]
    nouns = [t for t in tokens if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if not nouns:
        return None
    people = [t for t in nouns if t.ent_type_ == "PERSON"]
    pick = people[-1] if people else nouns[0]
    # climb to the phrase head while staying in the gap
    while pick.head is not pick and pick.head in tokens and pick.dep_ in ("compound", "flat", "amod", "poss"):
        pick = pick.head
    return pick


def _cue_span(verb: Token) -> Span:
    doc = verb.doc
    start, end = verb.i, verb.i + 1
    # Keep auxiliaries and particles that belong to the cue: "has said", "pointed out".
    for child in verb.children:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    return doc[start:end]


def _cue_near(doc: Doc, m: MarkedSpan, marked: list[MarkedSpan], blocks: _Blocks | None = None):
    """The cue of a direct quote: a speech verb just after or just before it."""
    text = doc_text(doc)
    para_start = text.rfind("\n", 0, m.open_start) + 1
    para_end = text.find("\n", m.close_end)
    para_end = len(text) if para_end < 0 else para_end
    blocks = blocks or _Blocks(marked)

    def free(tok: Token) -> bool:
        # Only other stretches can hold a token outside m's own marks.
        return not blocks.covers(tok.idx)

    inside = (m.open_start, m.close_end)
    i, j = _token_range(doc, m.close_end, para_end)
    after = list(doc[i : min(j, i + CUE_WINDOW_AFTER)])
    for tok in after:
        if not free(tok):
            break
        if tok.is_sent_start and tok.idx > m.close_end + 1 and not _continues_quote(text, m, tok):
            break
        if is_cue_verb(tok):
            source, via = subject_of(tok, inside)
            if source is None:
                source = _phrase_between(doc, m.close_end, tok.idx)
                via = "subject" if source is not None else "none"
            return _cue_span(tok), source, via
    i, j = _token_range(doc, para_start, m.open_start)
    before = [t for t in doc[max(i, j - CUE_WINDOW_BEFORE - 1) : j] if t.idx + len(t) <= m.open_start][-CUE_WINDOW_BEFORE:]
    for tok in reversed(before):
        if not free(tok):
            break
        if is_cue_verb(tok) and _introduces(text, tok, m):
            source, via = subject_of(tok, inside)
            return _cue_span(tok), source, via
        if tok.is_sent_start and tok.i != before[0].i:
            break
    return None, None, "none"


def _continues_quote(text: str, m: MarkedSpan, tok: Token) -> bool:
    """True when only a few words separate the quote from ``tok``: '"...". he said' parsed apart."""
    gap = text[m.close_end:tok.idx]
    return len(gap.split()) <= 1


def _introduces(text: str, verb: Token, m: MarkedSpan) -> bool:
    """A cue before a quote must lead into it: 'said:', 'told reporters,', 'said "'."""
    between = text[verb.idx + len(verb):m.open_start]
    if "." in between or ";" in between:
        return False
    return len(between.split()) <= 6


# --- reported clauses (indirect and mixed) ----------------------------------


def _reported_clauses(doc: Doc, marked: list[MarkedSpan]) -> list[Candidate]:
    out = []
    for tok in doc:
        if tok.lower_ == "according":
            cand = _according(tok)
        elif is_cue_verb(tok):
            cand = _clause_of(tok)
        else:
            cand = None
        if cand is not None:
            cand = _cut_at_quote(cand, marked)
        if cand is not None and cand.end - cand.start > 1:
            out.append(cand)
    return out


def _cut_at_quote(cand: Candidate, marked: list[MarkedSpan]) -> Candidate:
    """A clause that starts inside a quote ends with it when its cue comes after the quote.

    The parser sometimes hangs the words between the quote and its cue
    ('"...," a spokesperson, Oana Lungescu, said') inside the quoted
    clause; they belong to the frame, not the content.
    """
    cue_at = cand.cue.start_char if cand.cue is not None else None
    for m in marked:
        if m.start <= cand.start < m.end and cand.end > m.close_end and cue_at is not None and cue_at >= m.close_end:
            cand.end = m.end
            break
    return cand


def _span_of(tokens: list[Token]) -> tuple[int, int]:
    first, last = min(tokens, key=lambda t: t.i), max(tokens, key=lambda t: t.i)
    return first.idx, last.idx + len(last)


def _trimmed(doc: Doc, start: int, end: int) -> tuple[int, int]:
    text = doc_text(doc)
    start, end = strip_marks(text, start, end)
    while end > start and text[end - 1] in ".!?":
        end -= 1
    return strip_marks(text, start, end)


def _paragraph_of(doc: Doc, tok: Token) -> tuple[int, int]:
    text = doc_text(doc)
    start = text.rfind("\n", 0, tok.idx) + 1
    end = text.find("\n", tok.idx)
    return start, len(text) if end < 0 else end


def _content(tokens: list[Token], cue: Token) -> tuple[int, int] | None:
    """Character span of reported content: in the cue's paragraph, trimmed of marks and end punctuation."""
    p_start, p_end = _paragraph_of(cue.doc, cue)
    tokens = [t for t in tokens if p_start <= t.idx < p_end]
    if not tokens:
        return None
    start, end = _trimmed(cue.doc, *_span_of(tokens))
    return (start, end) if end > start else None


def _clause_of(verb: Token) -> Candidate | None:
    doc = verb.doc
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    source, via = subject_of(verb)
    if comp is not None:
        # The complement's side of the cue only: a parse that hangs a preposition phrase
        # from the complement across the cue ('At the session, X warned ...') is cut.
        before = comp.i < verb.i
        tokens = [t for t in comp.subtree if (t.i < verb.i) == before]
        if source is not None:
            tokens = [t for t in tokens if not (source.left_edge.i <= t.i <= source.right_edge.i)]
        span = _content(tokens, verb) if tokens else None
        return Candidate("indirect", *span, _cue_span(verb), source, via) if span else None
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
        # "By early next month, foreign minister Sergey Lavrov said, Russia will halt ...":
        # the content is the clause around the cue; keep the side that holds its verb.
        head = verb.head
        left, right = verb.left_edge.i, verb.right_edge.i
        side = [t for t in head.subtree if (t.i > right) == (head.i > right) and not left <= t.i <= right]
        span = _content(side, verb) if side else None
        return Candidate("indirect", *span, _cue_span(verb), source, "parenthetical") if span else None
    return None


def _according(tok: Token) -> Candidate | None:
    """'According to X, <content>': the clause the phrase hangs from, without it."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    head = tok.head
    if head is tok:
        return None
    skip = set(range(tok.left_edge.i, tok.right_edge.i + 1))
    tokens = [t for t in head.subtree if t.i not in skip]
    span = _content(tokens, tok) if tokens else None
    if span is None:
        return None
    return Candidate("indirect", *span, tok.doc[tok.i : to.i + 1], source, "according")


def _host_clause(reported: list[Candidate], m: MarkedSpan) -> tuple[int, Candidate] | None:
    """The reported clause that contains the quoted stretch, if any (smallest first)."""
    best = None
    for i, c in enumerate(reported):
        if c.start <= m.start and m.end <= c.end + 1:
            if best is None or (c.end - c.start) < (best[1].end - best[1].start):
                best = (i, c)
    return best
