"""The hand-made gold folders of the evaluate tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotetrack.evaluate import read_gold

DATA = Path(__file__).parent / "data"


@pytest.fixture
def gold_data() -> Path:
    """The folder holding gold_flat/ (flat layout) and gold_polnear/ (PolNeAR layout)."""
    return DATA


@pytest.fixture(scope="module")
def flat():
    """gold_flat's documents by name."""
    return {d.name: d for d in read_gold(DATA / "gold_flat")}
