"""Reading brat gold: both folder layouts, annotators, offsets, relations, and the kind rule.

The gold folders under data/ were written by hand (offsets checked against
the texts), so a change in a reading or kind rule shows up here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quotetrack.evaluate import read_gold
from quotetrack.evaluate.gold import build_document, fragments_text, normalise_with_map
from quotetrack.run.inputs import normalise_text

# ----------------------------------------------------------------------
# Reading gold


def test_flat_layout_reads_annotated_texts_only(flat):
    assert sorted(flat) == ["a", "b", "b_x3"]  # unannotated.txt skipped


def test_first_annotator_by_sorted_name_and_no_stealing(flat):
    b = flat["b"]
    assert b.ann_path.name == "b_x1.ann"
    assert b.annotators == ("x1", "x2")  # b_x3.ann belongs to b_x3.txt
    assert [fragments_text(b.text, g.content) for g in b.attributions] == ["the plan failed"]
    assert flat["b_x3"].ann_path.name == "b_x3.ann"


def test_relations_kinds_and_discontinuous_content(flat):
    a = flat["a"]
    got = [(g.kind, fragments_text(a.text, g.content, "|"), fragments_text(a.text, g.source)) for g in a.attributions]
    assert got == [
        ("direct", "“We will win the vote,”", "Jane Smith"),
        ("indirect", "taxes would fall next year", "The mayor"),
        ("indirect", "the bridge is unsafe", "officials"),
        ("mixed", "the plan “a disaster for everyone.”", "He"),
        ("direct", "“It is over,”|“and we lost.”", "she"),
        ("indirect", "the bill will pass", ""),
    ]
    assert a.attributions[-1].source is None
    assert a.warnings == []  # the Discuss span and the note line are not relations


def test_polnear_layout_bom_crlf_and_content2(gold_data):
    docs = {d.name: d for d in read_gold(gold_data / "gold_polnear")}
    assert sorted(docs) == ["crlf", "empty"]
    assert docs["empty"].attributions == []
    d = docs["crlf"]
    assert "\r" not in d.text and not d.text.startswith("\ufeff")
    first, second = d.attributions
    assert [d.text[a:b] for a, b in first.content] == ["“Taxes will rise,”", "“and soon.”"]
    assert first.kind == "direct"
    assert fragments_text(d.text, first.source) == "the senator"
    assert fragments_text(d.text, second.content) == "that “nothing is certain.”"
    assert fragments_text(d.text, second.source) == "She"
    assert second.kind == "mixed"
    assert d.warnings == []


def test_offsets_already_normalised_are_used_as_they_are():
    raw = "A\r\nHe said “yes.”\r\n"
    text, _ = normalise_with_map(raw)
    start = text.index("“yes.”")
    ann = f"T1\tSource {start - 8} {start - 6}\tHe\nT2\tCue {start - 5} {start - 1}\tsaid\n" \
          f"T3\tContent {start} {start + 6}\t“yes.”\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    doc = build_document("x", raw, ann, Path("x.ann"))
    assert fragments_text(doc.text, doc.attributions[0].content) == "“yes.”"
    assert fragments_text(doc.text, doc.attributions[0].source) == "He"


def test_missing_folder_and_folder_without_gold(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_gold(tmp_path / "nope")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ValueError):
        read_gold(tmp_path)


def test_normalise_map_covers_ends():
    text, m = normalise_with_map("\ufeffab\r\ncd\re")
    assert text == "ab\ncd\ne"
    assert len(m) == len("\ufeffab\r\ncd\re") + 1
    assert [m[1], m[3], m[5], m[8], m[9]] == [0, 2, 3, 6, 7]


@pytest.mark.parametrize("raw", ["\ufeffab\r\ncd\re", "a\r\r\nb\n\r", "\ufeff\ufeffx", "plain", ""])
def test_normalised_text_is_the_input_readers(raw):
    """Gold offsets must index the very text quotetrack reads from the same file."""
    assert normalise_with_map(raw)[0] == normalise_text(raw)


# ----------------------------------------------------------------------
# Kind rule: gold reads quotation marks with the extractor's reader


def gold_kind(text: str, *pieces: str) -> str:
    """The kind gold gives a Content made of the first occurrence of each piece in ``text``."""
    starts = [text.index(p) for p in pieces]
    frs = ";".join(f"{s} {s + len(p)}" for s, p in zip(starts, pieces))
    ann = f"T1\tContent {frs}\t{' '.join(pieces)}\nE1\tAttribution:T1 Content:T1\n"
    return build_document("x", text, ann, Path("x.ann")).attributions[0].kind


@pytest.mark.parametrize(
    "text, content, expected",
    [
        ('He said, "We won." Then he left.', "We won.", "direct"),  # marks just outside
        ('"We won," he said.', '"We won,"', "direct"),
        ("''We won,'' Mr. Smith said.", "We won", "direct"),  # NYT typewriter marks
        ("Il a dit « nous avons gagné ».", "nous avons gagné", "direct"),
        ("“We won. We will win again.\n“And again,” he said.", "We won. We will win again.", "direct"),  # continued quote
        ("He called it “malign” and left.", "it “malign”", "mixed"),
        ("He said the plan’s cost was ‘huge’ overall.", "the plan’s cost was ‘huge’ overall", "mixed"),
        ("He said the candidates’ plans don’t work.", "the candidates’ plans don’t work", "indirect"),  # apostrophes
        ("Trump: ‘I will win’", "I will win", "direct"),
        ("\u202a”Isis is evil,” wrote Pete.", "Isis is evil,", "direct"),  # closing mark typed as opener
        ("to compete,” said Paul Lindsay.", "to compete,", "direct"),  # opening mark missing
        ("He said,“ nothing.", "nothing", "indirect"),  # opening mark typed as closer
        ('He said that "it works" and that costs fell.', 'that "it works" and that costs fell', "mixed"),
        ('"A," he said. "B."', '"A," he said. "B."', "mixed"),  # a whole span with the cue inside
        ("Officials said the bridge is unsafe.", "the bridge is unsafe", "indirect"),
    ],
)
def test_kind_rule(text, content, expected):
    assert gold_kind(text, content) == expected


def test_quoted_mask_resets_each_paragraph():
    text = 'He said "unclosed\nNext paragraph is plain.'
    assert gold_kind(text, "unclosed") == "direct"
    assert gold_kind(text, "Next paragraph is plain") == "indirect"


def test_quote_whose_mark_before_the_cue_is_missing_is_direct():
    # PolNeAR politico_2016-06-13_terrorism-experts-rebuke-trump-p, E29: the writer left out the
    # mark after "proportions,"; a toggling reader took the second piece for unquoted (mixed).
    text = '"Absent a force on the ground, he added, "this is how ISIS is going to be reduced."'
    assert gold_kind(text, '"Absent a force on the ground', '"this is how ISIS is going to be reduced."') == "direct"
