"""Finding quotes in a parsed document: direct, indirect and mixed.

The finder proposes :class:`Candidate` quotes (content, cue, the token the parse
names as the source); :mod:`quotetrack.extract.attribution` turns them into speakers.
How each kind is found is told in ``docs/extraction.md``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from . import boilerplate, cues, layouts
from .candidates import Candidate
from .doc_index import Blocks, DocIndex, Intervals
from .frames import Frame, find_frames, inverted_object, lemma, subject_of
from .frames import cue_span as _cue_span
from .learned import learned_frames, passive_topic, scare_quote, with_nested_reports
from .marks import MarkedSpan, find_marked, kind_of, quoted_mask
from .tables import Tables

# How far from a quotation mark a cue may sit, in tokens.
CUE_WINDOW_AFTER = 30
CUE_WINDOW_BEFORE = 20
# A quote without any cue and with fewer words than this is a scare quote, a title or a
# headline ("‘Consistent’ Policy"), not reported speech.
MIN_UNCUED_WORDS = 5
# A frame may host a direct quote (give it its cue) from this prior on: quotation marks
# are evidence of speech on their own, so the bar is lower than for indirect frames.
HOST_MIN_PRIOR = 0.12
# A frame with quoted words in its content is kept as a mixed quote from this prior on.
MIXED_MIN_PRIOR = 0.2
# Frames whose cue sits inside a quotation are the quoted speaker's words, not an attribution.
QUOTED_CUES_OFF = True
# Quotes whose cue, standing between them and a later cue-less quote, makes that quote their second half.
SPLIT_KINDS = ("direct", "mixed")
# Most words between two quotes of one paragraph for the second to continue the first.
CONTINUATION_GAP = 20


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The priors a frame needs: to be an indirect quote, to host a direct quote, to hold a mixed one."""

    indirect: float
    host: float
    mixed: float

    @classmethod
    def of(cls, tables: Tables, learned: bool) -> Thresholds:
        """The rule frames' constants, or the span model's own (tuned with it, saved in it)."""
        if learned and tables.span_model is not None:
            meta = tables.span_model.meta
            return cls(float(meta.get("min_prior", 0.5)), float(meta.get("host_min_prior", 0.3)), float(meta.get("mixed_min_prior", 0.4)))
        return cls(cues.MIN_PRIOR, HOST_MIN_PRIOR, MIXED_MIN_PRIOR)


def find_candidates(doc: Doc, tables: Tables, index: DocIndex | None = None) -> list[Candidate]:
    """Every quote in ``doc``, in document order.

    ``index``: the document's lookups, when the caller shares them with attribution.
    """
    ix = index if index is not None else DocIndex(doc)
    text = ix.text
    marked = find_marked(text)
    mask = quoted_mask(text, marked)
    skip = Intervals(boilerplate.boilerplate_spans(text))
    model = tables.span_model if tables.span_model is not None and tables.span_model.fits(doc) else None

    def usable(f: Frame) -> bool:
        return not skip.contains(f.cue.start_char) and not (QUOTED_CUES_OFF and mask[f.cue.start_char])

    limits = Thresholds.of(tables, model is not None)
    rule_frames = find_frames(ix, tables, min_prior=-1.0)  # all of them: the model's features, as trained
    if model is None:
        floor = min(limits.host, limits.indirect)
        frames = [f for f in rule_frames if f.prior >= floor and usable(f)]
    else:
        # every rule frame is a candidate and a feature of the model, whatever its prior
        frames = [f for f in learned_frames(ix, model, mask, rule_frames) if usable(f) and not scare_quote(f, text, mask) and not passive_topic(f)]
        frames = with_nested_reports(frames, [f for f in rule_frames if usable(f)])
    # 'X said, according to Y, that …', '“…,” X said, according to Y': the phrase is a channel
    frames = layouts.drop_channel_frames(frames, [f for f in rule_frames if usable(f)])
    direct, hosted, mixed_hosts = _direct_quotes(ix, tables, marked, frames, skip, limits)
    # A cue reports one thing: a verb that is a direct quote's cue gives no other quote.
    used_cues = {c.cue.start for c in direct if c.cue is not None}
    hosted |= {i for i, f in enumerate(frames) if f.cue.start in used_cues}
    out = list(direct)
    direct_spans = Intervals([(c.marked.open_start, c.marked.close_end) for c in direct if c.marked is not None])
    hosting = {id(frames[i]) for i in mixed_hosts}
    for f in _resolve_frames(frames, hosted, mixed_hosts, limits.indirect):
        kind = kind_of(text, f.pieces, mask)
        if f.prior < limits.indirect and id(f) not in hosting:
            continue
        pieces = [p for p in f.pieces if not _cuts_a_quote(p, direct_spans)]
        if not pieces:
            continue
        for a, b in pieces:
            out.append(
                Candidate(
                    kind=kind, start=a, end=b, cue=f.cue, source=f.source, via=f.via,
                    flags=list(f.flags), construction=f.construction, cue_key=f.key, prior=f.prior,
                )
            )
    out = layouts.lay_out(ix, tables, out)  # dash cues, transcripts, according-to channels
    out.sort(key=lambda c: (c.start, c.end))
    _tie_split_and_continued(ix, out)
    out = [c for c in out if c.cue is not None or _word_count(text, c.start, c.end) >= MIN_UNCUED_WORDS]
    layouts.alternate(ix, out)  # dialogue: a bare paragraph is the other speaker's turn
    return out


def _cuts_a_quote(piece: tuple[int, int], quotes: Intervals) -> bool:
    """True when ``piece`` overlaps a direct quote without containing it (a boundary clash)."""
    a, b = piece
    for qa, qb in quotes.overlapping(a, b + 1):  # either test needs the quote to overlap [a, b + 1)
        if a < qb and qa < b and not (a <= qa and qb <= b + 1):
            return True
        if a <= qa and qb <= b + 1 and (b - a) <= (qb - qa) + 2:
            return True  # the same stretch as a direct quote: reported once, as direct
    return False


# --- direct quotes -------------------------------------------------------------


def _direct_quotes(ix: DocIndex, tables: Tables, marked: list[MarkedSpan], frames: list[Frame], skip, limits: Thresholds):
    """Direct candidates, the frames that gave them their cue, and frames that hold quoted fragments."""
    doc, text = ix.doc, ix.text
    blocks = Blocks(marked)
    out: list[Candidate] = []
    hosted: set[int] = set()
    mixed_hosts: set[int] = set()
    last_quoted: dict[int, MarkedSpan] = {}  # cue token → the last quotation it introduced
    inside_others = _inside_others(marked)
    host_index = _Hosts(frames, limits.host)
    for m in marked:
        if id(m) in inside_others or skip.contains(m.start):
            continue
        hosts = host_index.of(m)
        direct_host = next((h for h in hosts if _words_outside(text, h[2], m) <= 1), None)
        if direct_host is not None and not _may_reuse(doc, last_quoted, direct_host[1].cue, m):
            direct_host, hosts = None, []
        if direct_host is not None:
            fi, f, piece = direct_host
            hosted.add(fi)
            last_quoted[f.cue.start] = m
            source, via = f.source, f.via
            if source is None and via == "none":
                _, source, via, _ = _cue_near(ix, tables, m, marked, blocks)
            out.append(_direct(text, m, f.cue, source, via, "direct-" + f.construction, f.key, f.prior))
            continue
        # Quoted words inside a longer content: a mixed quote. The smallest reliable frame holds
        # them; a weak frame (a verb rarely used for speech) only when no reliable one does.
        strong = [h for h in hosts if h[1].prior >= limits.indirect]
        weak = [h for h in hosts if h[1].prior >= limits.mixed]
        mixed_host = strong[0] if strong else (weak[0] if weak else None)
        if mixed_host is not None:
            fi, f, piece = mixed_host
            mixed_hosts.add(fi)
            f.pieces = sorted({p if p[0] != piece[0] else piece for p in f.pieces})
            continue
        cue, source, via, construction = _cue_near(ix, tables, m, marked, blocks)
        if cue is not None and not _may_reuse(doc, last_quoted, cue, m):
            cue, source, via, construction = None, None, "none", "uncued"
        if cue is not None:
            last_quoted[cue.start] = m
            key = lemma(cue.root) if cue.root.pos_ == "VERB" else cue.text
            out.append(_direct(text, m, cue, source, via, construction, key, tables.frame_prior(key, "ccomp")))
        else:
            out.append(_direct(text, m, None, None, "none", "uncued", "", 0.0))
    return out, hosted, mixed_hosts


def _may_reuse(doc: Doc, last_quoted: dict[int, MarkedSpan], cue: Span, m: MarkedSpan) -> bool:
    """May a cue that introduced an earlier quotation introduce ``m`` too?

    Yes across itself ('"A," he said, "B."') or with no new clause between
    the two ('He said "A" and "B"'); not in '"A", whose mission, as defined
    by the alliance, is "B"'.
    """
    prev = last_quoted.get(cue.start)
    if prev is None or prev.close_end <= cue.start_char < m.open_start:
        return True
    return not _new_clause_between(doc, prev.close_end, m.open_start)


def _direct(text: str, m: MarkedSpan, cue, source, via, construction: str, key: str, prior: float) -> Candidate:
    start, end = m.start, m.end
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    flags = [] if m.closed else ["unclosed"]
    if not m.opened:
        flags.append("unopened")
    if m.single:
        flags.append("single-marks")
    return Candidate("direct", start, end, cue, source, via, m, flags, construction, key, prior)


def _tie_split_and_continued(ix: DocIndex, quotes: list[Candidate]) -> None:
    """Give a cue-less direct quote the cue of the quote it continues.

    ``“A,” he said. “B.”``: B is the second piece of A's attribution (the cue
    sits between them). A quote paragraph with no cue of its own that
    follows a quote (the previous paragraph's, or one earlier in its own
    paragraph) continues it. Both keep the cue span, so they are one
    attribution in pieces; attribution gives them the same speaker.
    """
    text, paragraph_number = ix.text, ix.paragraphs.number
    last_direct: Candidate | None = None  # the last direct quote with a cue
    by_para: dict[int, list[Candidate]] = {}  # cued candidates per paragraph, in order
    for q in quotes:
        para = paragraph_number(q.start)
        short = q.cue is None and _word_count(text, q.start, q.end) < MIN_UNCUED_WORDS
        if q.cue is None:
            d = last_direct
            if (
                d is not None
                and d.end <= q.start
                and paragraph_number(d.start) == para
                and d.end <= d.cue.start_char
                and d.cue.end_char <= q.start
            ):
                _share(q, d, "split")
            else:
                here = [c for c in by_para.get(para, []) if c.end <= q.start]
                if here and _gap_is_short(ix, here[-1], q):
                    _share(q, here[-1], "continuation")
                elif (
                    not here
                    and _opens_paragraph(text, q)
                    and _word_count(text, q.start, q.end) >= MIN_UNCUED_WORDS
                    and "single-marks" not in q.flags
                ):
                    prev = by_para.get(para - 1, [])
                    pick = next((c for c in reversed(prev) if c.kind == "direct"), None) or next(
                        (c for c in reversed(prev) if c.source is not None), None
                    )
                    if pick is not None:
                        _share(q, pick, "continuation")
        if q.cue is not None and not short:  # a title or scare quote ('"Inside Edition"') leads nothing
            by_para.setdefault(para, []).append(q)
            if q.kind in SPLIT_KINDS:
                last_direct = q
    _tie_multi_paragraph(ix, quotes)


def _tie_multi_paragraph(ix: DocIndex, quotes: list[Candidate]) -> None:
    """A quote left open at a paragraph's end runs on into the next paragraph, which re-opens it.

    News style: '“A …¶“B …,” he said.': the speaker is named only in the last
    paragraph of the quote. An unclosed, cue-less quote takes the cue of the
    quote that opens the next paragraph (from the last paragraph back, so a
    quote over three paragraphs is tied through).
    """
    for k in range(len(quotes) - 2, -1, -1):
        q, nxt = quotes[k], quotes[k + 1]
        if (
            q.cue is None
            and q.kind == "direct"
            and "unclosed" in q.flags
            and nxt.kind == "direct"
            and nxt.cue is not None
            and nxt.marked is not None
            and ix.paragraphs.number(nxt.start) == ix.paragraphs.number(q.start) + 1
            and _opens_paragraph(ix.text, nxt)
        ):
            _share(q, nxt, "continuation")


def _share(q: Candidate, prev: Candidate, construction: str) -> None:
    q.cue, q.source, q.via = prev.cue, prev.source, prev.via
    q.construction, q.cue_key, q.prior, q.follows = construction, prev.cue_key, prev.prior, prev


def _gap_is_short(ix: DocIndex, prev: Candidate, q: Candidate) -> bool:
    """Two quotes of one paragraph with no new speaker between them: 'He said: "A." "B."',
    '"A" but "B"'; not '"A", whose mission, as defined by the alliance, is "B"'."""
    text = ix.text
    a = prev.marked.close_end if prev.marked else prev.end
    b = q.marked.open_start if q.marked else q.start
    if len(text[a:b].split()) > CONTINUATION_GAP:
        return False
    return not _new_clause_between(ix.doc, a, b)


def _new_clause_between(doc: Doc, a: int, b: int) -> bool:
    """A verb with its own subject or agent in ``text[a:b]``: someone else may be speaking."""
    span = doc.char_span(a, b, alignment_mode="expand")
    for tok in span if span is not None else ():
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "agent", "expl") for c in tok.children):
            return True
    return False


def _opens_paragraph(text: str, q: Candidate) -> bool:
    line_start = text.rfind("\n", 0, q.start) + 1
    before = text[line_start : q.marked.open_start if q.marked else q.start]
    return len(before.strip(" \t-–—•*")) == 0


def _words_outside(text: str, piece: tuple[int, int], m: MarkedSpan) -> int:
    """Words of a frame's content outside a quoted stretch ("that" aside)."""
    a, b = piece
    rest = text[a : max(a, m.open_start)] + " " + text[min(b, m.close_end) : b]
    return sum(1 for w in rest.split() if any(ch.isalnum() for ch in w) and w.lower() != "that")


def _word_count(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _inside_others(marked: list[MarkedSpan]) -> set[int]:
    """``id`` of every stretch that lies inside another one's content (one sweep, not a scan per stretch)."""
    order = sorted(marked, key=lambda o: o.start)
    starts = [o.start for o in order]
    best: list[tuple[int, int, int]] = []  # per prefix: the furthest end, its owner, the runner-up end
    end1, owner, end2 = -1, 0, -1
    for o in order:
        if o.end > end1:
            end1, owner, end2 = o.end, id(o), end1
        elif o.end > end2:
            end2 = o.end
        best.append((end1, owner, end2))
    out = set()
    for m in marked:
        k = bisect_right(starts, m.open_start) - 1
        if k >= 0:
            end1, owner, end2 = best[k]
            if m.close_end <= (end1 if owner != id(m) else end2):
                out.add(id(m))
    return out


class _Hosts:
    """Frame content pieces by where they start, to find the frames hosting a quotation by bisection."""

    def __init__(self, frames: list[Frame], min_prior: float):
        self.pieces = Intervals(
            (a, b, (i, j, f)) for i, f in enumerate(frames) if f.prior >= min_prior for j, (a, b) in enumerate(f.pieces)
        )

    def of(self, m: MarkedSpan) -> list[tuple[int, Frame, tuple[int, int]]]:
        """Frames whose content piece contains the quoted stretch, smallest piece first."""
        found = []
        # a host piece starts at or before the quotation's first character and reaches it
        for a, b, (i, j, f) in self.pieces.overlapping(m.start - 1, m.start + 1):
            if m.open_start <= f.cue.start_char < m.close_end:
                continue
            if a <= m.start < b and b < m.end:
                b = m.end  # the content runs on into the quote: it ends where the quote does
            if m.end <= b + 1:
                found.append((b - a, -f.prior, i, j, (i, f, (a, b))))
        found.sort(key=lambda h: h[:4])
        return [h[4] for h in found]


# --- cue words near a quotation ----------------------------------------------


def is_cue_verb(tok: Token, tables: Tables, adjacent: bool = False) -> bool:
    """A verb that reports speech next to a quotation ("said", "wrote", "tweeted", "added").

    ``adjacent``: the verb directly follows the quotation ('“…?” Trump asked'),
    where even verbs that otherwise need a clause ("ask", "call") are cues.
    """
    if tok.pos_ != "VERB":
        return False
    lem = lemma(tok)
    if lem in cues.NEEDS_CLAUSE and not adjacent:
        return any(c.dep_ in ("ccomp", "oprd", "xcomp") for c in tok.children)
    return lem in cues.SPEECH_VERBS or tables.frame_prior(lem, "ccomp") >= 0.5


def _phrase_between(ix: DocIndex, start: int, end: int) -> Token | None:
    """The head of the noun phrase between a quote and its cue: '"...," a spokesperson, Oana Lungescu, said'."""
    i, j = ix.token_range(start, end)
    tokens = [t for t in ix.doc[i:j] if t.idx + len(t) <= end and not t.is_punct]
    nouns = [t for t in tokens if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if not nouns:
        return None
    people = [t for t in nouns if t.ent_type_ == "PERSON"]
    pick = people[-1] if people else nouns[0]
    # climb to the phrase head while staying in the gap
    while pick.head.i != pick.i and pick.head in tokens and pick.dep_ in ("compound", "flat", "amod", "poss"):
        pick = pick.head
    return pick


def _cue_near(ix: DocIndex, tables: Tables, m: MarkedSpan, marked: list[MarkedSpan], blocks: Blocks | None = None):
    """The cue of a direct quote: a speech verb just after or just before it."""
    doc, text = ix.doc, ix.text
    para_start = text.rfind("\n", 0, m.open_start) + 1
    para_end = text.find("\n", m.close_end)
    para_end = len(text) if para_end < 0 else para_end
    blocks = blocks or Blocks(marked)

    def free(tok: Token) -> bool:
        # Only other stretches can hold a token outside m's own marks.
        return not blocks.covers(tok.idx)

    inside = (m.open_start, m.close_end)
    i, j = ix.token_range(m.close_end, para_end)
    after = list(doc[i : min(j, i + CUE_WINDOW_AFTER)])
    if not _ends_a_quotation(text, m, para_start):
        after = []  # 'the so-called "open door" was discussed': the quote is a phrase, not a quotation
    for tok in after:
        if not free(tok):
            break
        if tok.is_sent_start and tok.idx > m.close_end + 1 and not _continues_quote(text, m, tok):
            break
        if is_cue_verb(tok, tables, adjacent=len(text[m.close_end : tok.idx].split()) <= 4):
            source, via = subject_of(tok, inside)
            if source is None and via == "none":
                source = inverted_object(tok, inside)
                via = "inversion" if source is not None else "none"
            if source is None and via == "none":
                source = _phrase_between(ix, m.close_end, tok.idx)
                via = "subject" if source is not None else "none"
            return _cue_span(tok), source, via, "direct-after"
    i, j = ix.token_range(para_start, m.open_start)
    before = [t for t in doc[max(i, j - CUE_WINDOW_BEFORE - 1) : j] if t.idx + len(t) <= m.open_start][-CUE_WINDOW_BEFORE:]
    for tok in reversed(before):
        if not free(tok):
            break
        if is_cue_verb(tok, tables) and _introduces(text, tok, m):
            source, via = subject_of(tok, inside)
            return _cue_span(tok), source, via, "direct-before"
        if tok.is_sent_start and tok.i != before[0].i:
            break
    colon = _colon_cue(ix, m, before)
    if colon is not None:
        return colon
    lead = _lead_in_sentence(ix, m, before)
    if lead is not None:
        return lead
    return None, None, "none", "uncued"


def _lead_in_sentence(ix: DocIndex, m: MarkedSpan, before: list[Token]):
    """'Dianne Bystrom agreed. "Mainstream Republicans are running out of time …"'.

    A short sentence right before the quote whose verb reports speech and
    has nothing to report of its own introduces the quote.
    """
    if not before:
        return None
    text = ix.text
    if text[before[-1].idx + len(before[-1]) : m.open_start].strip():
        return None
    sent = before[-1].sent
    if sent.end > before[-1].i + 1 or len(sent) > 14:
        return None
    root = sent.root
    if root.pos_ != "VERB" or lemma(root) not in cues.LEAD_IN_VERBS:
        return None
    for c in root.children:
        if c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and lemma(c) not in cues.STATEMENT_NOUNS):
            return None  # the sentence reports something of its own ('tweeted a warning.' does not)
    source, via = subject_of(root, (m.open_start, m.close_end))
    if source is None:
        return None
    return _cue_span(root), source, via, "direct-before"


def _colon_cue(ix: DocIndex, m: MarkedSpan, before: list[Token]):
    """'The board was conclusive in its findings: "…"' / 'Kelli Ward: "Impeach …"'.

    A colon right before the quote: the clause before it is the frame; its
    main verb is the cue and its subject the source. A headline-style
    'Name: "…"' has the colon as its cue and the name as its source.
    """
    if not before or before[-1].text != ":":
        return None
    colon = before[-1]
    clause = [t for t in before[:-1] if t.sent == colon.sent] or before[:-1]
    if not clause:
        return None
    verbs = [t for t in clause if t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj", "advcl", "parataxis")]
    inside = (m.open_start, m.close_end)
    if verbs:
        verb = verbs[0] if verbs[0].dep_ == "ROOT" else verbs[-1]
        source, via = subject_of(verb, inside)
        if source is None:
            return None
        return _cue_span(verb), source, via, "colon"
    if len(clause) <= 6 and any(t.pos_ == "PROPN" for t in clause) and clause[0].idx == ix.text.rfind("\n", 0, clause[0].idx) + 1:
        people = [t for t in clause if t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")] or [t for t in clause if t.pos_ == "PROPN"]
        head = people[-1]
        return ix.doc[colon.i : colon.i + 1], head, "subject", "colon"
    return None


def _ends_a_quotation(text: str, m: MarkedSpan, para_start: int) -> bool:
    """A quotation a cue may follow: it ends with punctuation ('…,” he said') or opens its sentence."""
    inner = text[m.start : m.end].rstrip()
    if inner.endswith((",", ".", "!", "?", "…", "—", "–", "-", ":", ";")):
        return True
    after = text[m.close_end : m.close_end + 2].lstrip()
    if after[:1] in (",", ".", "!", "?", "—", "–", "-", ";", ":"):
        return True
    before = text[para_start : m.open_start].rstrip()
    return before == "" or before.endswith((".", "!", "?", ":", "”", '"', "'"))


def _continues_quote(text: str, m: MarkedSpan, tok: Token) -> bool:
    """True when only a few words separate the quote from ``tok``: '"...". he said' parsed apart."""
    gap = text[m.close_end : tok.idx]
    return len(gap.split()) <= 1


def _introduces(text: str, verb: Token, m: MarkedSpan) -> bool:
    """A cue before a quote must lead into it: 'said:', 'told reporters,', 'said "'."""
    between = text[verb.idx + len(verb) : m.open_start]
    if "." in between or ";" in between:
        return False
    if len(between.split()) > 6:
        # 'told Breitbart News Daily host Matt Boyle, "…"': a long recipient, but no clause
        lead = between.rstrip()
        span = verb.doc.char_span(verb.idx + len(verb), m.open_start, alignment_mode="expand")
        no_verb = span is not None and not any(t.pos_ in ("VERB", "AUX") for t in span if t.i != verb.i)
        return lead.endswith((",", ":")) and no_verb and len(between.split()) <= 14
    # A short fragment in running text ('warned of a “ferocious” battle') is a scare quote
    # inside the frame, not a quotation the cue introduces.
    lead = between.rstrip()
    introduced = lead == "" or lead.endswith((":", ",", "that", "—", "–"))
    return introduced or _word_count(text, m.start, m.end) >= 4


# --- indirect and mixed ------------------------------------------------------


# A frame whose stretch overlaps more kept frames than this is a chain ("A said that B said that
# …") or nested quotes a thousand deep, not news (PolNeAR train never comes near): it is not
# reported, and no frame is checked against more than this many others, so time stays linear.
MAX_OVERLAPPING = 32


def _resolve_frames(frames: list[Frame], hosted: set[int], mixed_hosts: set[int], min_prior: float) -> list[Frame]:
    """Frames to report as indirect/mixed: not already a direct quote's cue, overlaps settled.

    Nested frames are both kept ("Trump said [he wants [to build a wall]]":
    two attributions); of two frames whose contents cross without nesting,
    the one with the higher prior wins.
    """
    pool = [f for i, f in enumerate(frames) if i not in hosted and (f.prior >= min_prior or i in mixed_hosts)]
    pool.sort(key=lambda f: (-f.prior, f.start))
    kept: list[Frame] = []
    # Frames clash only on one cue or on overlapping pieces: look among those near each.
    kept_cues: set[int] = set()
    hulls = Intervals()  # each kept frame under the stretch from its first piece to its last
    for f in pool:
        hull = (min(a for a, _ in f.pieces), max(b for _, b in f.pieces)) if f.pieces else (0, 0)
        near = hulls.overlapping(*hull, limit=MAX_OVERLAPPING + 1)
        if f.cue.start in kept_cues or len(near) > MAX_OVERLAPPING or any(_clash(f, k) for _, _, k in near):
            continue
        kept.append(f)
        kept_cues.add(f.cue.start)
        hulls.add(*hull, f)
    kept.sort(key=lambda f: f.start)
    return kept


def _clash(a: Frame, b: Frame) -> bool:
    if a.cue.start == b.cue.start:
        return True
    overlap = any(x < d and c < y for x, y in a.pieces for c, d in b.pieces)
    if not overlap:
        return False
    # "Trump said [he wants [to build a wall]]": the inner frame's cue and content both lie
    # in the outer one's content. Contents that merely cross clash.
    nested = (_inside(a.cue.start_char, b) and _within(a, b)) or (_inside(b.cue.start_char, a) and _within(b, a))
    return not nested


def _within(inner: Frame, outer: Frame) -> bool:
    return all(any(c <= x and y <= d for c, d in outer.pieces) for x, y in inner.pieces)


def _inside(pos: int, f: Frame) -> bool:
    return any(a <= pos < b for a, b in f.pieces)
