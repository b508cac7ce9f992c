"""Agreement between reviewers (issue 14): the math against hand-computed values, then from the store."""

from __future__ import annotations

import pytest

from quotetrack import review
from quotetrack.review import agreement
from quotetrack.review.disputes import agreement_report, disputed_quotes
from quotetrack.store import Store
from tests.support import review_data


def test_cohen_kappa_by_hand():
    # 10 quotes: both accept 5, ann accepts and bob rejects 2, ann rejects and bob accepts 1, both reject 2.
    # p_o = 7/10; ann accepts 7/10, bob 6/10: p_e = .7*.6 + .3*.4 = .54; κ = (.7 - .54) / (1 - .54) = .16/.46
    pairs = [("a", "a")] * 5 + [("a", "r")] * 2 + [("r", "a")] + [("r", "r")] * 2
    assert agreement.cohen_kappa(pairs) == pytest.approx(0.16 / 0.46)
    assert agreement.cohen_kappa([("a", "a"), ("r", "r")]) == pytest.approx(1.0)
    assert agreement.cohen_kappa([("a", "r"), ("r", "a")]) == pytest.approx(-1.0)
    assert agreement.cohen_kappa([("a", "a")] * 3) is None  # all one label: nothing to correct for chance
    assert agreement.cohen_kappa([]) is None


def test_krippendorff_alpha_by_hand():
    # units a,a,a / a,a,b / b,b,b / a,b. Coincidences: o_aa = 3/2*2 + 1 = 4, o_ab = o_ba = 1 + 1 = 2, o_bb = 3;
    # n_a = 6, n_b = 5, n = 11. D_o = 4/11, D_e = 2*6*5 / (11*10) = 6/11: α = 1 - (4/11)/(6/11) = 1/3.
    units = [["a", "a", "a"], ["a", "a", "b"], ["b", "b", "b"], ["a", "b"], ["a"]]  # the last: unpairable
    assert agreement.krippendorff_alpha(units) == pytest.approx(1 / 3)
    assert agreement.krippendorff_alpha([["a", "a"], ["b", "b"]]) == pytest.approx(1.0)
    assert agreement.krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert agreement.krippendorff_alpha([["a"]]) is None


def test_pairwise_and_group_over_judgements():
    judgements = {
        "q1": {"ann": "accept", "bob": "accept", "cy": "accept"},
        "q2": {"ann": "accept", "bob": "reject", "cy": "reject"},
        "q3": {"ann": "reject", "bob": "reject"},
        "q4": {"ann": "accept"},  # one reviewer only: in no pair
    }
    pairs = {(p.a, p.b): p for p in agreement.pairwise(judgements, "accept")}
    assert set(pairs) == {("ann", "bob"), ("ann", "cy"), ("bob", "cy")}
    ab = pairs[("ann", "bob")]
    assert (ab.both, ab.agreed, ab.observed) == (3, 2, pytest.approx(2 / 3))
    # ann: accept 2/3, bob: accept 1/3; p_e = 2/9 + 2/9 = 4/9; κ = (2/3 - 4/9) / (5/9) = 2/5
    assert ab.kappa == pytest.approx(0.4)
    assert (pairs[("bob", "cy")].both, pairs[("bob", "cy")].observed) == (2, 1.0)
    g = agreement.group(judgements, "accept")
    # units a,a,a / a,r,r / r,r: o_aa = 3, o_ar = o_ra = 1, o_rr = 1 + 2 = 3; n_a = 4, n_r = 4, n = 8;
    # D_o = 2/8, D_e = 2*16/56 = 4/7: α = 1 - (1/4)/(4/7) = 9/16
    assert (g.units, g.alpha) == (3, pytest.approx(9 / 16))


def test_speaker_kind_and_span_are_compared_on_quotes_both_kept():
    judged = agreement.Judged
    decisions = {
        "q1": {"ann": judged("confirmed", "direct", "Ann Lee", (0, 5)), "bob": judged("corrected", "mixed", "ann lee", (0, 5))},
        "q2": {"ann": judged("rejected", "direct", "X", (0, 5)), "bob": judged("confirmed", "direct", "Y", (0, 5))},
    }
    labels = agreement.aspect_labels(decisions)
    assert labels["accept"] == {"q1": {"ann": "accept", "bob": "accept"}, "q2": {"ann": "reject", "bob": "accept"}}
    assert labels["speaker"]["q1"] == {"ann": "ann lee", "bob": "ann lee"}  # case folded: the same speaker
    assert labels["kind"]["q1"] == {"ann": "direct", "bob": "mixed"}
    assert labels["speaker"]["q2"] == {"bob": "y"}  # ann rejected it: no speaker of hers to compare
    assert agreement.disagreements(decisions) == ["q1", "q2"]


@pytest.fixture()
def two_reviewers(tmp_path):
    path = tmp_path / "n.db"
    ids = review_data.build(path)
    ann, bob = Store(path), Store(path)
    for short in ("intimidated", "door", "final", "budget"):
        review.confirm(ann, ids[short], "ann")
    review.confirm(bob, ids["intimidated"], "bob")
    review.reject(bob, ids["door"], "bob")  # disagrees: accept/reject
    review.set_kind(bob, ids["final"], "direct", "bob")  # disagrees: kind
    review.set_speaker(bob, ids["budget"], "Ann Lee", "bob")  # the extracted speaker: agrees
    review.confirm(bob, ids["fantasy"], "bob")  # ann did not judge it
    ann.close()
    yield bob, ids
    bob.close()


def test_each_reviewer_keeps_their_own_decision_and_the_last_is_the_quotes(two_reviewers):
    db, ids = two_reviewers
    own = {(q, by): status for q, by, status, *_ in db.reviewer_decisions()}
    assert own[(ids["door"], "ann")] == "confirmed" and own[(ids["door"], "bob")] == "rejected"
    assert db.review_state(ids["door"]).status == "rejected"  # the quote's review: the last writer's
    report = agreement_report(db)
    assert report.reviewers == ("ann", "bob")
    accept = next(p for p in report.pairs if p.aspect == "accept")
    assert (accept.both, accept.agreed) == (4, 3)
    kind = next(p for p in report.pairs if p.aspect == "kind")
    assert (kind.both, kind.agreed) == (3, 2)
    assert sorted(disputed_quotes(db)) == sorted([ids["door"], ids["final"]])


def test_undo_takes_back_the_reviewers_own_decision_too(two_reviewers):
    db, ids = two_reviewers
    review.confirm(db, ids["markup"], "bob")
    db.undo("bob")
    assert all(q != ids["markup"] for q, *_ in db.reviewer_decisions())
    db.undo("bob")  # fantasy
    db.undo("bob")  # budget: back to no decision of bob's
    mine = {q: status for q, by, status, *_ in db.reviewer_decisions() if by == "bob"}
    assert ids["budget"] not in mine and mine[ids["final"]] == "corrected"


def test_an_adjudicators_decision_is_the_quotes_status_and_settles_the_dispute(two_reviewers):
    db, ids = two_reviewers
    judge = Store(db.path)
    judge.review_as(adjudicator=True)
    review.confirm(judge, ids["door"], "cy")
    judge.close()
    assert db.review_state(ids["door"]).status == "confirmed"
    assert disputed_quotes(db) == [ids["final"]]
    report = agreement_report(db)
    assert report.reviewers == ("ann", "bob") and report.disputed == 1  # an adjudicator is not a reviewer here


def test_span_is_compared_on_the_words_a_reviewer_set(two_reviewers):
    """A review that carries a span edit (``start``/``end`` in the reviewer's state) is compared on those words."""
    db, ids = two_reviewers
    state = db.conn.execute("SELECT state FROM reviewer_decisions WHERE quote_id = ? AND by = 'bob'",
                            (ids["intimidated"],)).fetchone()[0]
    edited = state[:-1] + ', "start": 3, "end": 9}'
    db.conn.execute("UPDATE reviewer_decisions SET state = ? WHERE quote_id = ? AND by = 'bob'", (edited, ids["intimidated"]))
    span = next(p for p in agreement_report(db).pairs if p.aspect == "span")
    assert (span.both, span.agreed) == (3, 2)
    assert ids["intimidated"] in disputed_quotes(db)
