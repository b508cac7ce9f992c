"""Scoring rules on the hand-made gold folders and hand-made predictions.

Every expected number below was worked out on paper from data/gold_flat,
so a change in a matching, kind or speaker rule shows up here. No spaCy:
predictions are hand-made Quote objects and the pipeline a stand-in.
"""

from __future__ import annotations

import orjson
import pytest

from quotetrack.domain import Quote, TextSpan
from quotetrack.evaluate import (
    Tokens,
    format_report,
    group_predictions,
    match_units,
    name_key,
    names_match,
    predict,
    report_to_dict,
    run,
    score,
)
from quotetrack.evaluate.gold import fragments_text


def span(text: str, s: str, nth: int = 0) -> TextSpan:
    """The ``nth`` occurrence of ``s`` in ``text`` as a TextSpan."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return TextSpan(i, i + len(s), s)


def quote(text, content, kind, confidence, cue=None, speaker=None, mention=None, resolved=None, nth=0):
    return Quote(
        kind=kind,
        content=span(text, content, nth),
        cue=span(text, *cue) if cue else None,
        speaker=speaker,
        mention=span(text, *mention) if mention else None,
        resolved=span(text, *resolved) if resolved else None,
        confidence=confidence,
    )


def predictions_a(text: str) -> list[Quote]:
    """Predictions for gold_flat/a.txt; the comment says how each scores."""
    return [
        # E1 exactly, marks and comma left out: exact + overlap, right speaker
        quote(text, "We will win the vote", "direct", 0.9, ("said", 0), "Jane Smith", ("Jane Smith", 0)),
        # 3 of E1's 5 words: loses E1 to the quote above, a false positive
        quote(text, "We will win", "direct", 0.2),
        # E2 plus "that": overlap only (5/6); source "The mayor" has no name,
        # the mention overlaps it: right
        quote(text, "that taxes would fall next year.", "indirect", 0.6, ("said", 1), "Bob Jones", ("The mayor", 0)),
        # E3 exactly, but names nobody while gold says "officials": wrong speaker
        quote(text, "the bridge is unsafe", "indirect", 0.8, ("According to", 0)),
        # E4 (mixed) as a direct quote, 4/6 words: overlap only; mention = "He"
        quote(text, "“a disaster for everyone.”", "direct", 0.75, ("called", 0), "Tom Brown", ("He", 0)),
        # E5's two pieces, tied by one cue: one unit, exact
        quote(text, "It is over", "direct", 0.84, ("said", 2), "Mary Major", ("she", 0)),
        quote(text, "and we lost", "direct", 0.80, ("said", 2), "Mary Major", ("she", 0)),
        # E6 has no Source; the prediction names nobody: right
        quote(text, "the bill will pass", "indirect", 0.55, ("is widely expected", 0)),
        # nothing in gold
        quote(text, "Jane Smith said on Monday", "direct", 0.3),
    ]


# ----------------------------------------------------------------------
# Matching and grouping


def test_match_one_to_one_greedy_by_jaccard_with_ties_in_text_order():
    g = [frozenset({1, 2, 3, 4}), frozenset({1, 2, 3, 4})]
    p = [frozenset({1, 2, 3}), frozenset({1, 2, 3, 4}), frozenset({1, 2, 3, 4})]
    # both gold tie on p1 and p2 (1.0): g0 gets p1, g1 gets p2; p0 is left over
    assert match_units(g, p, "overlap") == [(0, 1, 1.0), (1, 2, 1.0)]
    assert match_units(g, p, "exact") == [(0, 1, 1.0), (1, 2, 1.0)]
    # below the threshold: 2/5
    assert match_units([frozenset({1, 2})], [frozenset({1, 2, 3, 4, 5})], "overlap") == []
    assert match_units([frozenset()], [frozenset()], "overlap") == []


def test_tokens_ignore_marks_and_punctuation():
    text = "“We will win,” he said."
    tokens = Tokens(text)
    assert tokens.of([(0, 14)]) == tokens.of([(1, 12)]) == frozenset({0, 1, 2})


def test_quotes_sharing_a_cue_are_one_unit(flat):
    text = flat["a"].text
    units = group_predictions(predictions_a(text))
    assert len(units) == 8
    merged = [u for u in units if len(u.quotes) == 2]
    assert len(merged) == 1
    assert fragments_text(text, merged[0].content, "|") == "It is over|and we lost"
    assert merged[0].confidence == pytest.approx(0.82)
    assert merged[0].kind == "direct"


def test_mixed_kinds_under_one_cue_make_a_mixed_unit():
    text = "“A b,” he said, adding c d."
    units = group_predictions(
        [quote(text, "A b", "direct", 0.5, ("said", 0)), quote(text, "c d", "indirect", 0.5, ("said", 0))]
    )
    assert [u.kind for u in units] == ["mixed"]


# ----------------------------------------------------------------------
# Speaker names


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Trump", "Donald Trump", True),
        ("Mr. Trump", "Donald J. Trump", True),
        ("Sanders campaign manager Jeff Weaver", "Jeff Weaver", True),
        ("Sanders campaign manager Jeff Weaver", "Bernie Sanders", False),
        ("Bill Clinton", "Hillary Clinton", False),
        ("Hillary Rodham Clinton", "Hillary Clinton", True),
        ("Secretary of State John Kerry", "John Kerry", True),
        ("Republican Party", "Democratic Party", False),
        # a name, then where the person is from or works: the person
        ("Senator Ted Cruz of Texas", "Ted Cruz", True),
        ("Senator Ted Cruz of Texas", "Texas", False),
        ("Lee Wang of The Intercept", "Lee Wang", True),
        ("Paul Krugman of the New York Times", "Paul Krugman", True),
        ("Mr. Burman of the Tax Policy Center", "Leonard Burman", True),
        ("David Autor at the Massachusetts Institute of Technology", "David Autor", True),
        # an office "of" something, before the name, is still read by the name at the end
        ("Speaker of the House Paul Ryan", "Paul Ryan", True),
        ("Secretary of State Kerry", "John Kerry", True),
        ("Palm Beach County Supervisor of Elections Susan Bucher", "Susan Bucher", True),
        ("Palm Beach County Supervisor of Elections Susan Bucher", "Palm Beach County Supervisor", False),
    ],
)
def test_names_match(a, b, same):
    assert names_match(name_key(a), name_key(b)) is same


@pytest.mark.parametrize("text", ["he", "He", "the Clinton campaign", "a spokesman for Hillary Clinton", "officials", None])
def test_no_name(text):
    assert name_key(text) is None


# ----------------------------------------------------------------------
# Scores


def test_scores_on_one_document(flat):
    a = flat["a"]
    report = score([a], {"a": predictions_a(a.text)})
    ov, ex = report.overlap, report.exact

    o = ov.overall.detection
    assert (o.n_gold, o.n_pred, o.matched_gold, o.matched_pred) == (6, 8, 6, 6)
    assert o.precision == pytest.approx(0.75)
    assert o.recall == 1.0
    assert o.f1 == pytest.approx(6 / 7)

    e = ex.overall.detection
    assert (e.matched_gold, e.matched_pred) == (4, 4)  # E1, E3, E5, E6
    assert e.f1 == pytest.approx(2 * 0.5 * (4 / 6) / (0.5 + 4 / 6))

    # recall by gold kind, precision by predicted kind
    d = ov.kinds["direct"].detection
    assert (d.n_gold, d.matched_gold, d.n_pred, d.matched_pred) == (2, 2, 5, 3)
    assert (d.recall, d.precision) == (1.0, pytest.approx(0.6))
    m = ov.kinds["mixed"].detection
    assert (m.n_gold, m.matched_gold, m.n_pred, m.recall, m.precision, m.f1) == (1, 1, 0, 1.0, 0.0, 0.0)
    i = ov.kinds["indirect"].detection
    assert (i.n_gold, i.matched_gold, i.n_pred, i.matched_pred) == (3, 3, 3, 3)
    assert ov.confusion == {("direct", "direct"): 2, ("mixed", "direct"): 1, ("indirect", "indirect"): 3}

    # speakers: only E3 ("officials", predicted nobody) is wrong
    assert (ov.overall.speaker_right, ov.overall.speaker_total) == (5, 6)
    assert (ov.kinds["indirect"].speaker_right, ov.kinds["indirect"].speaker_total) == (2, 3)
    assert ov.speaker_by_source == {
        "named": [1, 1],
        "pronoun": [2, 2],
        "description": [1, 2],
        "implicit": [1, 1],
    }
    e2e = ov.overall.end_to_end
    assert (e2e.matched_gold, e2e.matched_pred) == (5, 5)
    assert e2e.precision == pytest.approx(5 / 8)
    assert e2e.recall == pytest.approx(5 / 6)
    assert ov.kinds["indirect"].end_to_end.recall == pytest.approx(2 / 3)

    assert [len(report.false_positives), len(report.false_negatives), len(report.speaker_errors)] == [2, 0, 1]
    assert report.speaker_errors[0].gold_source == "officials"
    # "We will win" is a piece of the found E1; "Jane Smith said on Monday" overlaps no gold
    assert sorted((e.pred_content, e.why) for e in report.false_positives) == [
        ("Jane Smith said on Monday", "overlaps no gold quote"),
        ("We will win", "piece of a found quote"),
    ]


def test_false_negatives_are_diagnosed(flat):
    a = flat["a"]
    text = a.text
    preds = [quote(text, "taxes would fall next year.\n\nAccording to officials", "indirect", 0.5)]
    report = score([a], {"a": preds})
    whys = {e.gold_content: e.why for e in report.false_negatives}
    # 5 of the prediction's 8 words are E2: Jaccard 5/8, matched; no other gold is
    assert len(whys) == 5
    assert whys["the bridge is unsafe"] == "no prediction overlaps it"
    preds = [quote(text, "bridge", "indirect", 0.5)]  # 1/4 of E3
    report = score([a], {"a": preds})
    assert {e.gold_content: e.why for e in report.false_negatives}["the bridge is unsafe"] == (
        "overlapped by a prediction below the threshold"
    )
    assert [e.why for e in report.false_positives] == ["overlaps a missed quote"]


def test_calibration_buckets_and_ece(flat):
    a = flat["a"]
    report = score([a], {"a": predictions_a(a.text)})
    got = [(b.low, b.high, b.count, b.correct) for b in report.calibration]
    assert got == [(0.0, 0.5, 2, 0), (0.5, 0.7, 2, 2), (0.7, 0.85, 3, 2), (0.85, 1.0, 1, 1)]
    # deciles: .2 (0/1) .3 (0/1) .55 (1/1) .6 (1/1) .75 (1/1) .8 and .82 (1/2) .9 (1/1)
    expected = (0.2 + 0.3 + 0.45 + 0.4 + 0.25 + 2 * abs(0.5 - 0.81) + 0.1) / 8
    assert report.ece == pytest.approx(expected)
    assert sum(b.count for b in report.calibration_bins) == 8


def test_speaker_by_name_and_name_conflict(flat):
    b, c = flat["b"], flat["b_x3"]
    preds = {
        # no mention span at all, but the name matches "Smith": right
        "b": [quote(b.text, "the plan failed", "indirect", 0.7, ("said", 0), "John Smith")],
        # mention overlaps "Jones" but the name says Smith: the conflict wins
        "b_x3": [quote(c.text, "he was tired", "indirect", 0.7, ("said", 0), "Bob Smith", ("Jones", 0))],
    }
    ov = score([b, c], preds).overlap
    assert (ov.overall.speaker_right, ov.overall.speaker_total) == (1, 2)
    assert ov.speaker_by_source["named"] == [1, 2]


def test_pronoun_source_judged_by_span(flat):
    a = flat["a"]
    text = a.text
    wrong = quote(text, "the plan “a disaster for everyone.”", "mixed", 0.9, ("called", 0), "Tom Brown", ("officials", 0))
    right_by_resolved = quote(
        text, "the plan “a disaster for everyone.”", "mixed", 0.9, ("called", 0), "Tom Brown", ("Jane Smith", 0), ("He", 0)
    )
    for q, expected in ((wrong, 0), (right_by_resolved, 1)):
        ov = score([a], {"a": [q]}).overlap
        assert ov.kinds["mixed"].speaker_right == expected


def test_implicit_source_is_wrong_when_prediction_names_someone(flat):
    a = flat["a"]
    named = quote(a.text, "the bill will pass", "indirect", 0.5, speaker="Jane Smith")
    unnamed_mention = quote(a.text, "the bill will pass", "indirect", 0.5, mention=("It", 0))
    for q in (named, unnamed_mention):
        ov = score([a], {"a": [q]}).overlap
        assert ov.speaker_by_source["implicit"] == [0, 1]


def test_missing_predictions_and_bad_offsets_are_warned(flat):
    a, b = flat["a"], flat["b"]
    bad = Quote(kind="direct", content=TextSpan(0, 5, "wrong"), confidence=0.5)
    report = score([a, b], {"a": [bad], "zzz": []})
    assert report.overlap.overall.detection.n_gold == 7
    text = "\n".join(report.warnings)
    assert "b: no predictions" in text
    assert "zzz" in text
    assert "a: 1 predicted quote(s) whose offsets" in text


def test_report_dict_and_rendering(flat):
    a = flat["a"]
    report = score([a], {"a": predictions_a(a.text)})
    data = orjson.loads(orjson.dumps(report_to_dict(report, errors=1)))
    assert data["overlap"]["kinds"]["overall"]["detection"]["f1"] == pytest.approx(6 / 7)
    assert data["calibration"]["buckets"][0]["count"] == 2
    assert data["error_counts"] == {"false_positives": 2, "false_negatives": 0, "speaker_errors": 1}
    assert data["error_breakdown"]["false_positives"] == {"overlaps no gold quote": 1, "piece of a found quote": 1}
    assert len(data["errors"]["false_positives"]) == 1
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(format_report(report, errors=2))
    out = console.export_text()
    assert "overall" in out and "0.857" in out and "officials" in out


class _FakeDoc:
    def __init__(self, quotes):
        self._ = type("U", (), {"quotes": quotes})()


class _FakeNLP:
    """Stands in for the spaCy pipeline: answers with prepared quotes per text."""

    def __init__(self, by_text):
        self.by_text = by_text

    def pipe(self, texts, batch_size=1):
        for t in texts:
            yield _FakeDoc(self.by_text.get(t, []))


def test_run_predicts_scores_prints_and_writes_json(flat, gold_data, tmp_path):
    a = flat["a"]
    nlp = _FakeNLP({a.text: predictions_a(a.text)})
    assert sorted(predict(list(flat.values()), nlp)) == ["a", "b", "b_x3"]
    from rich.console import Console

    console = Console(record=True, width=200)
    out = tmp_path / "r.json"
    report = run(gold_data / "gold_flat", nlp, limit=1, json_out=out, console=console, errors=1)
    assert report.n_docs == 1
    assert orjson.loads(out.read_bytes())["overlap"]["kinds"]["overall"]["detection"]["matched_gold"] == 6
    assert "token overlap" in console.export_text()
