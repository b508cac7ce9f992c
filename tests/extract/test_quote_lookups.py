"""The per-document lookups that keep the quote finder linear agree with the plain scans they replace."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrack.extract.doc_index import Blocks, DocIndex, Paragraphs
from quotetrack.extract.marks import MarkedSpan
from quotetrack.extract.tables import Tables

intervals = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 40)), max_size=30)


@given(intervals, st.integers(-5, 260))
def test_blocks_cover_exactly_the_characters_inside_some_stretch(spans, pos):
    marked = [MarkedSpan(s, s + 1, s + n - 1 if n > 1 else s + 1, s + n, True) for s, n in spans]
    assert Blocks(marked).covers(pos) == any(m.open_start <= pos < m.close_end for m in marked)


@given(st.text(alphabet=" a\n\t.", max_size=60), st.integers(-2, 64))
def test_paragraph_number_counts_the_non_blank_lines_before_a_position(text, pos):
    assert Paragraphs(text).number(pos) == len(re.findall(r"\S[^\n]*\n", text[: max(pos, 0)]))


@given(st.data())
@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_token_range_is_the_tokens_starting_in_a_character_range(nlp, data):
    doc = nlp.make_doc("“We go,” she said.\n\nThen  he   left — quickly!  «Oui» \u200b 👩‍👩‍👧 end.")
    ix = DocIndex(doc)
    assert ix.text == doc.text
    a = data.draw(st.integers(-2, len(doc.text) + 2))
    b = data.draw(st.integers(a, len(doc.text) + 3))
    i, j = ix.token_range(a, b)
    assert [t.i for t in doc[i:j]] == [t.i for t in doc if a <= t.idx < b]


def test_entity_lookups_agree_with_spacy_on_the_seeds(nlp, seeds_dir):
    from quotetrack.extract.attribution import (
        FALLBACK_WINDOW_CHARS,
        PERSON_LABELS,
        _nearest_name_before,
        _strip_titles,
    )

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))[:2])
    doc = nlp(text)
    assert len(doc.ents) > 30
    ix = DocIndex(doc)
    for tok in doc:
        expected = next((e for e in doc.ents if e.start <= tok.i < e.end), None) if tok.ent_type_ else None
        assert ix.entity_of(tok) == expected
        if tok.lower_ in ("he", "she", "him", "her"):
            best = None
            for e in doc.ents:
                if e.label_ in PERSON_LABELS and e.end <= tok.i and tok.idx - e.start_char <= FALLBACK_WINDOW_CHARS:
                    best = e
            assert _nearest_name_before(ix, tok) == (_strip_titles(best) if best is not None else None)


def test_nesting_agrees_with_a_scan_over_every_frame(nlp, seeds_dir):
    from quotetrack.extract.frames import Nesting, find_frames

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    frames = find_frames(DocIndex(doc), Tables.shipped(), min_prior=0.0)
    assert len(frames) > 50
    nesting = Nesting(frames)

    def scan(f):
        pos = f.cue.start_char
        return any(g is not f and g.key_prior >= 0.5 and any(a <= pos < b for a, b in g.pieces) for g in frames)

    answers = [nesting.nested(f) for f in frames]
    assert answers == [scan(f) for f in frames]
    assert any(answers) and not all(answers)


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 3), st.integers(1, 40), st.booleans()), max_size=25))
def test_inside_others_is_every_stretch_within_another_ones_content(raw):
    from quotetrack.extract.quotes import _inside_others

    marked = []
    for s, mark, n, opened in raw:
        start = s + mark if opened else s
        marked.append(MarkedSpan(s, start, start + n, start + n + mark, True, opened=opened))
    expected = {
        id(m) for m in marked
        if any(o is not m and o.start <= m.open_start and m.close_end <= o.end for o in marked)
    }
    assert _inside_others(marked) == expected


def test_host_index_finds_the_frames_a_scan_finds_in_the_same_order(nlp, seeds_dir):
    from quotetrack.extract.frames import find_frames
    from quotetrack.extract.marks import find_marked
    from quotetrack.extract.quotes import HOST_MIN_PRIOR, _Hosts

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    with nlp.select_pipes(disable=["quotetrack"]):
        doc = nlp(text)
    frames = find_frames(DocIndex(doc), Tables.shipped(), min_prior=0.0)
    hosts = _Hosts(frames, HOST_MIN_PRIOR)

    def scan(m):
        found = []
        for i, f in enumerate(frames):
            if f.prior < HOST_MIN_PRIOR or (m.open_start <= f.cue.start_char < m.close_end):
                continue
            for a, b in f.pieces:
                if a <= m.start < b and b < m.end:
                    b = m.end
                if a <= m.start and m.end <= b + 1:
                    found.append((i, f, (a, b)))
        found.sort(key=lambda h: (h[2][1] - h[2][0], -h[1].prior))
        return found

    marked = find_marked(text)
    results = [hosts.of(m) for m in marked]
    assert results == [scan(m) for m in marked]
    assert sum(1 for r in results if r) > 10


@given(intervals, st.integers(-5, 260), st.integers(0, 30))
def test_intervals_overlapping_is_a_scan(spans, lo, width):
    from quotetrack.extract.doc_index import Intervals

    pairs = [(s, s + n) for s, n in spans]
    hi = lo + width
    index = Intervals(pairs[: len(pairs) // 2])
    for a, b in pairs[len(pairs) // 2 :]:
        index.add(a, b)  # built both ways
    assert index.overlapping(lo, hi) == sorted(p for p in pairs if p[0] < hi and p[1] > lo)
    assert index.contains(lo) == any(a <= lo < b for a, b in pairs)
