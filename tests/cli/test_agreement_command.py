"""`quotetrack agreement` (issue 14): tables per pair of reviewers, α for more than two, JSON."""

from __future__ import annotations

import orjson
import pytest
from typer.testing import CliRunner

from quotetrack import review
from quotetrack.cli import app
from quotetrack.store import Store
from tests.support import review_data

runner = CliRunner()


@pytest.fixture()
def judged(tmp_path):
    """ann, bob and cy judge the newsroom's quotes, disagreeing on some."""
    path = tmp_path / "n.db"
    ids = review_data.build(path)
    db = Store(path)
    for short in ("intimidated", "door", "final", "budget"):
        review.confirm(db, ids[short], "ann")
    review.confirm(db, ids["intimidated"], "bob")
    review.reject(db, ids["door"], "bob")
    review.set_kind(db, ids["final"], "direct", "bob")
    review.confirm(db, ids["budget"], "bob")
    review.reject(db, ids["door"], "cy")
    review.confirm(db, ids["intimidated"], "cy")
    db.close()
    return path, ids


def test_agreement_table_per_pair_and_alpha(judged, snapshot):
    path, _ = judged
    result = runner.invoke(app, ["agreement", "--db", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "ann and bob: 4 quotes both judged" in result.output
    assert "Krippendorff's α" in result.output and "disputed" in result.output
    assert result.output == snapshot


def test_agreement_json(judged):
    path, _ = judged
    result = runner.invoke(app, ["agreement", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert data["reviewers"] == ["ann", "bob", "cy"]
    ann_bob = next(p for p in data["pairs"] if p["reviewers"] == ["ann", "bob"])
    accept = ann_bob["aspects"]["accept"]
    # 4 quotes both judged, 3 alike; ann accepts 4/4, bob 3/4: p_e = 3/4, p_o = 3/4, κ = 0
    assert (ann_bob["both_judged"], accept["agreed"], accept["observed"], accept["kappa"]) == (4, 3, 0.75, 0.0)
    assert ann_bob["aspects"]["kind"]["agreed"] == 2 and ann_bob["aspects"]["kind"]["judged"] == 3
    assert data["all_reviewers"]["accept"]["units"] == 4
    assert data["disputed"] == 2  # door (accept/reject) and final (kind)


def test_agreement_with_fewer_than_two_reviewers_says_so(tmp_path):
    path = tmp_path / "n.db"
    ids = review_data.build(path)
    result = runner.invoke(app, ["agreement", "--db", str(path)])
    assert result.exit_code == 0 and "agreement needs two reviewers" in result.output
    db = Store(path)
    review.confirm(db, ids["door"], "ann")
    db.close()
    assert "1 reviewer" in runner.invoke(app, ["agreement", "--db", str(path)]).output
    assert runner.invoke(app, ["agreement", "--db", str(tmp_path / "none.db")]).exit_code == 3
