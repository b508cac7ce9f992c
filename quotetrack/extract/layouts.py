"""Speech set out by layout rather than by a reporting verb, and reports passed on by a channel.

- **Dash**: ``“…” ― Steve Quinlan``: a quotation that opens its paragraph, then a
  dash (― — – - --) and a name to the end of the paragraph, as epigraphs and quote
  collections print them. The dash is the cue, the name the source.
- **Transcripts**: a paragraph opened by a speaker label in capitals (``PENCE: …``,
  ``JAKE TAPPER: …``) or by ``Q:``/``A:`` is what that speaker said, quotation marks
  or not. A label is a speaker only when the article gives evidence of it: it names
  a person of the article, or two labels take turns in consecutive paragraphs, or
  (``Q``/``A``) the answers come in a row; so ``UPDATE:``, ``CORRECTION:`` or a
  headline in capitals are never speakers. ``Q`` is the unnamed interviewer;
  ``A`` the one person the article's title line names, if it names one.
- **Dialogue**: in an exchange (a question, or a reply cue such as *replied*,
  *asked*), the next bare quoted paragraph is the other speaker's turn, not a
  continuation of the last one.
- **Channels**: in ``X said, according to Y, …`` X speaks; Y is how the words
  reached the writer, so the ``according to`` frame gives no quote of its own.

:func:`lay_out` runs in :func:`~quotetrack.extract.quotes.find_candidates` before
quotes are tied to the ones they continue, :func:`alternate` after; attribution
asks :func:`label_speaker` for a transcript line's speaker.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ..domain import Quote, TextSpan
from . import cues
from .candidates import Candidate
from .doc_index import DocIndex
from .frames import Frame, lemma
from .speaker_names import PERSON_LABELS, clean_name, is_title_token, strip_titles
from .tables import Tables

DASHES = "―—–-"
# After the closing mark: optional punctuation, a dash, then the attribution to the paragraph's end.
_DASH_TAIL = re.compile(r"^[\s,.;]*(?:--|[―—–-])\s*(?P<who>[^\s―—–-][^\n]*?)\s*$")
MAX_DASH_WORDS = 12
# A label in capitals, then a colon: "PENCE:", "JAKE TAPPER:", "SEN. JOHN MCCAIN:", "Q:".
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z.'’\-]*(?: [A-Z][A-Z.'’\-]*){0,3})\s*:\s+(?=\S)")
QUESTION_LABELS = frozenset({"Q", "Q."})
ANSWER_LABELS = frozenset({"A", "A."})
# Capitalised words that open page furniture, never a speaker.
HEADING_LABELS = frozenset(
    """
    UPDATE UPDATED CORRECTION NOTE BREAKING EXCLUSIVE WATCH LOOK PREVIOUSLY BYLINE EMAIL PHOTO
    PHOTOS VIDEO RELATED SOURCE SOURCES CREDIT READ MORE WARNING ALERT LIVE ANALYSIS OPINION
    EDITOR EDITOR'S EDITOR’S
    """.split()
)
# Words a heading has and a name does not ("STAT OF THE WEEK").
FUNCTION_WORDS = frozenset("OF THE A AN AND OR FOR IN ON AT TO BY WITH FROM IS ARE WAS IT THIS THAT".split())
# Entities that make a label a dateline, not a speaker.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Cues of an exchange: the quote after such a turn answers it.
EXCHANGE_CUES = frozenset({"reply", "answer", "respond", "retort", "counter", "ask", "interject", "inquire", "query"})


def lay_out(ix: DocIndex, tables: Tables, cands: list[Candidate]) -> list[Candidate]:
    """Candidates with dash cues given, channels dropped and transcript turns added."""
    for c in cands:
        if c.cue is None and c.kind == "direct" and c.marked is not None:
            _dash_cue(ix, c)
    out = _drop_channels(cands)
    return _add_turns(ix, tables, out)


# --- dash --------------------------------------------------------------------


def _dash_cue(ix: DocIndex, c: Candidate) -> None:
    """'“…” ― Steve Quinlan': the dash is the cue, the name the source (the quotation opens its paragraph)."""
    text, m = ix.text, c.marked
    line_start = text.rfind("\n", 0, m.open_start) + 1
    if text[line_start : m.open_start].strip():
        return  # a quotation inside running text: "--Kim Hjelmgaard" after it is a byline
    line_end = text.find("\n", m.close_end)
    line_end = len(text) if line_end < 0 else line_end
    tail = _DASH_TAIL.match(text[m.close_end : line_end])
    if tail is None or len(tail.group("who").split()) > MAX_DASH_WORDS or not tail.group("who")[:1].isupper():
        return
    who_start = m.close_end + tail.start("who")
    i, j = ix.token_range(m.close_end, who_start)
    dash = next((t for t in ix.doc[i:j] if t.text.strip(DASHES) == ""), None)
    source = _name_head(ix, who_start, line_end)
    if dash is None or source is None:
        return
    c.cue, c.source, c.via = ix.doc[dash.i : dash.i + 1], source, "subject"
    c.construction, c.cue_key = "dash", "—"


def _name_head(ix: DocIndex, start: int, end: int) -> Token | None:
    """The name in 'Steve Quinlan, author of …': its last word, before any comma."""
    comma = ix.text.find(",", start, end)
    i, j = ix.token_range(start, comma if comma >= 0 else end)
    words = [t for t in ix.doc[i:j] if not t.is_punct]
    people = [t for t in words if t.ent_type_ in PERSON_LABELS]
    names = people or [t for t in words if t.pos_ == "PROPN" or t.text[:1].isupper()]
    return names[-1] if names else None


# --- channels ----------------------------------------------------------------


def _drop_channels(cands: list[Candidate]) -> list[Candidate]:
    """'X said, according to Y, that …': an according-to phrase between a speech verb that has its
    own speaker and that verb's content is a channel.

    Its candidates go, and the verb's content loses the phrase when it starts with it. At the
    end of the sentence ('X has said …, according to Y') the phrase reports the whole: Y
    speaks, of X's words, and both attributions stay.
    """
    speaking = [c for c in cands if _speaks(c.cue, c.source, c.via)]
    channels = {}
    for c in cands:
        if c.via == "according" and c.cue is not None and any(
            d.source is not c.source and d.cue.root.i < c.cue.start and _between(d.cue.root, c.cue, d) for d in speaking
        ):
            channels[c.cue.start] = c.cue
    out = [c for c in cands if c.cue is None or c.via != "according" or c.cue.start not in channels]
    for cue in channels.values():
        last = cue.root.right_edge
        phrase_end = last.idx + len(last)
        text = cue.doc.text
        for c in out:
            if c.start == cue.start_char and phrase_end < c.end:
                c.start = next(k for k in range(phrase_end, c.end) if not (text[k].isspace() or text[k] == ","))
    return out


def _between(verb: Token, phrase: Span, c: Candidate) -> bool:
    """The phrase sits after the verb with only a few words between, and the verb's content starts after it."""
    return _follows(phrase, c.start) and _close(verb, phrase)


def _follows(phrase: Span, start: int) -> bool:
    """A content starting at ``start`` opens with the phrase or starts after it."""
    return start >= phrase.start_char and (start == phrase.start_char or start > phrase.root.right_edge.idx)


def _close(verb: Token, phrase: Span) -> bool:
    """At most four words between the verb and the phrase (counted lazily: the verb may lie far before)."""
    words = 0
    for t in verb.doc[verb.i + 1 : phrase.start]:
        words += not t.is_punct
        if words > 4:
            return False
    return True


def drop_channel_frames(frames: list[Frame], rule_frames: list[Frame]) -> list[Frame]:
    """The channel rule on the span model's frames, before frames compete for their words.

    The model may cut 'The senator said on Tuesday, according to CNN, that …' as the
    verb's content starting at the phrase, or give the verb no frame and the phrase a
    content taking the verb's clause; the phrase's frame would then win and the senator
    lose the quote. As :func:`_drop_channels` does for candidates: the phrase goes and
    the verb's content starts after it. A verb the model gave no frame speaks through
    its rule frame (``rule_frames``), with the probability the model gave the phrase. The same
    after a quote: '“We are ready,” Stoltenberg said, according to Reuters' is Stoltenberg's
    (the phrase's content would take in the quote with its speaker and cue).
    """
    heads = {f.cue.start for f in frames}
    speaking = [f for f in frames if _speaks(f.cue, f.source, f.via)]
    speaking += [f for f in rule_frames if f.cue.start not in heads and _speaks(f.cue, f.source, f.via)]
    channels, revived = set(), []
    for f in frames:
        if f.via != "according" or not speaking:
            continue
        phrase = f.cue
        for d in speaking:
            after = [a for a, _ in d.pieces if a > d.cue.end_char]
            if (f.source is not None and d.source.i == f.source.i) or d.cue.root.i >= phrase.start:
                continue
            if after and _follows(phrase, after[0]) and _close(d.cue.root, phrase):
                d.pieces = _without_phrase(d.pieces, phrase)
            elif not (_tail(d, f) and _close(d.cue.root, phrase)):
                continue
            channels.add(id(f))
            if d.cue.start not in heads:
                d.prior = d.key_prior = max(d.prior, f.prior)
                heads.add(d.cue.start)
                revived.append(d)
    return [f for f in frames if id(f) not in channels] + revived


def _tail(d: Frame, f: Frame) -> bool:
    """'“…,” X said, according to Y': the verb's content is before it, and the phrase's content
    takes in the verb (the quote and who said it)."""
    return all(b <= d.cue.start_char for _, b in d.pieces) and bool(d.pieces) and any(
        a <= d.cue.start_char < b for a, b in f.pieces)


def _speaks(cue: Span | None, source: Token | None, via: str) -> bool:
    """A speech verb with its own speaker."""
    return (cue is not None and source is not None and via in ("subject", "inversion", "participle")
            and cue.root.pos_ == "VERB" and lemma(cue.root) in cues.SPEECH_VERBS)


def _without_phrase(pieces: list[tuple[int, int]], phrase: Span) -> list[tuple[int, int]]:
    """Content pieces with a piece that opens with the phrase starting after it."""
    last = phrase.root.right_edge
    end, text = last.idx + len(last), phrase.doc.text
    out = []
    for a, b in pieces:
        if a == phrase.start_char and end < b:
            a = next(k for k in range(end, b) if not (text[k].isspace() or text[k] == ","))
        out.append((a, b))
    return out


# --- transcripts -------------------------------------------------------------


def _labels(ix: DocIndex) -> list[tuple[int, int, str, int]]:
    """(paragraph start, colon offset, label, content start) of every paragraph opened by a label."""
    out, text, pos = [], ix.text, 0
    for line in text.split("\n"):
        m = _LABEL.match(line)
        if m is not None:
            colon = pos + line.index(":", m.end("label"))
            out.append((pos, colon, m.group("label"), pos + m.end()))
        pos += len(line) + 1
    return out


def _speaker_labels(ix: DocIndex, found: list[tuple[int, int, str, int]]) -> set[str]:
    """Which labels are speakers: Q and A when both occur; a person of the article; labels taking turns
    (two different labels opening consecutive paragraphs: 'PENCE: … ¶ KAINE: …')."""
    labels = [lab for _, _, lab, _ in found]
    qa = QUESTION_LABELS | ANSWER_LABELS
    out = set()
    answers = sum(lab in ANSWER_LABELS for lab in labels)
    if answers >= 2 or (answers and any(lab in QUESTION_LABELS for lab in labels)):
        out |= {lab for lab in labels if lab in qa}  # an interview (questions may be set off by type alone)

    def heading(lab: str) -> bool:
        words = lab.replace("’", "'").split()
        return lab in qa or any(w.strip(".") in HEADING_LABELS or w in FUNCTION_WORDS for w in words)

    # a person's full name ('Mary Fallin' for 'FALLIN'); never a place ('MOSCOW:' opens a dateline)
    people = {n.split()[-1].upper() for n in (clean_name(strip_titles(e)) for e in ix.ents[0] if e.label_ in PERSON_LABELS) if len(n.split()) >= 2}
    places = {e.text.upper() for e in ix.ents[0] if e.label_ in PLACE_LABELS}
    out |= {lab for lab in labels if not heading(lab) and lab.split()[-1] in people and lab not in places}
    number = ix.paragraphs.number
    for (a, _, x, _), (b, _, y, _) in zip(found, found[1:]):
        if x != y and number(b) == number(a) + 1 and not heading(x) and not heading(y):
            out |= {x, y}
    surnames = {lab.split()[-1] for lab in out}  # 'JAKE TAPPER' once, 'TAPPER' after
    return {lab for lab in out | {lab for lab in labels if not heading(lab) and lab.split()[-1] in surnames} if lab not in places}


def _add_turns(ix: DocIndex, tables: Tables, cands: list[Candidate]) -> list[Candidate]:
    found = _labels(ix)
    if not found:
        return cands
    speakers = _speaker_labels(ix, found)
    text = ix.text
    prior = tables.frame_prior(":", "ccomp")
    out = list(cands)
    for start, colon, label, content in found:
        if label not in speakers:
            continue
        end = text.find("\n", content)
        end = len(text) if end < 0 else end
        while end > content and text[end - 1].isspace():
            end -= 1
        if any(c.start <= content and c.end >= end - 2 for c in out):
            continue  # 'TRUMP: “We will win.”': the quotation already has the colon for its cue
        # what crosses the label, and quotations without a cue of their own inside the turn, are the turn
        out = [c for c in out if not (c.start < content < c.end or (c.cue is None and content <= c.start < end))]
        i, _ = ix.token_range(colon, colon + 1)
        head = ix.doc[ix.token_range(start, colon)[1] - 1]
        out.append(Candidate(kind="direct", start=content, end=end, cue=ix.doc[i : i + 1], source=head, via="label",
                       construction="colon", cue_key=":", prior=prior))
    return out


def label_speaker(ix: DocIndex, cand: Candidate, q: Quote) -> None:
    """The speaker a transcript label names: a person of the article ('TAPPER' → Jake Tapper), else the label."""
    doc = ix.doc
    line_start = ix.text.rfind("\n", 0, cand.cue.start_char) + 1
    i, j = ix.token_range(line_start, cand.cue.start_char)
    label = doc[i:j]
    q.mention, q.method = TextSpan(label.start_char, label.end_char, label.text), "syntax"
    text = label.text.strip()
    if text in QUESTION_LABELS:
        q.method, q.flags = "none", q.flags + ("unnamed-source",)
        return
    person = _interviewee(ix) if text in ANSWER_LABELS else _person_named(ix, label)
    if person is not None:
        q.resolved = TextSpan(person.start_char, person.end_char, person.text)
        q.speaker, q.speaker_kind = clean_name(person), "person"
        q.method = "description" if text in ANSWER_LABELS else "syntax"
    elif text in ANSWER_LABELS:
        q.method, q.flags = "none", q.flags + ("unnamed-source",)
    else:
        words = [t.text for t in label if not is_title_token(t) or t.i == label.end - 1]
        q.speaker = " ".join(w.title() if w.isupper() else w for w in words)
        q.speaker_kind = "person" if any(t.ent_type_ in PERSON_LABELS for t in label) else "other"


def _person_named(ix: DocIndex, label: Span) -> Span | None:
    """The article's person whose last name is the label's last word in capitals (the fullest name given)."""
    last = label[-1].text.upper()
    names = [strip_titles(e) for e in ix.ents[0] if e.label_ in PERSON_LABELS and not label.start <= e.start < label.end]
    names = [n for n in names if clean_name(n).split()[-1].upper() == last]
    return max(names, key=len) if names else None


def _interviewee(ix: DocIndex) -> Span | None:
    """The one person the title line names ('Q&A with Vice President Joe Biden'), if exactly one."""
    first_end = ix.text.find("\n")
    first_end = len(ix.text) if first_end < 0 else first_end
    people = {clean_name(strip_titles(e)): strip_titles(e) for e in ix.ents[0] if e.label_ in PERSON_LABELS and e.end_char <= first_end}
    return next(iter(people.values())) if len(people) == 1 else None


# --- dialogue ----------------------------------------------------------------


def alternate(ix: DocIndex, cands: list[Candidate]) -> None:
    """In an exchange, a bare quoted paragraph is the other speaker's turn.

    '“Where were you?” the detective asked. ¶ “At home,” Carter replied. ¶
    “Can anyone confirm that?”': the third paragraph is the detective's. An
    exchange is two turns by different speakers in the two paragraphs before,
    with a question or an exchange cue (*asked*, *replied*) between them.
    """
    text, number = ix.text, ix.paragraphs.number
    turns: dict[int, Candidate] = {}  # paragraph → the quote that opens it
    for c in cands:
        if c.follows is not None and "dialogue" in c.follows.flags and c.cue is not c.follows.cue:
            # it continues a turn given to the other speaker: it speaks with that turn's voice
            c.cue, c.source, c.via = c.follows.cue, c.follows.source, c.follows.via
        if c.kind != "direct" or c.marked is None or text[text.rfind("\n", 0, c.marked.open_start) + 1 : c.marked.open_start].strip():
            continue
        para = number(c.start)
        if para in turns:
            continue
        turns[para] = c
        prev, before = turns.get(para - 1), turns.get(para - 2)
        bare = c.construction == "continuation" and c.follows is not None and number(c.follows.start) == para - 1
        if not bare or prev is None or before is None or _voice(prev) == _voice(before):
            continue
        if _asks(text, prev) or _asks(text, before) or _exchange_cue(_root(prev)):
            speaker = _root(before)
            c.cue, c.source, c.via, c.follows = None, speaker.source, speaker.via, before
            c.flags = c.flags + ["dialogue"]


def _root(c: Candidate) -> Candidate:
    seen = 0
    while c.follows is not None and seen < 50:
        c, seen = c.follows, seen + 1
    return c


def _voice(c: Candidate) -> str | None:
    src = _root(c).source
    return src.lower_ if src is not None else None


def _asks(text: str, c: Candidate) -> bool:
    return text[c.start : c.end].rstrip().rstrip("”\"'’").endswith("?")


def _exchange_cue(c: Candidate) -> bool:
    return c.cue is not None and c.cue.root.pos_ == "VERB" and lemma(c.cue.root) in EXCHANGE_CUES
