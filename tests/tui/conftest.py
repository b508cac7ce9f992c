"""Fixtures of the review TUI's tests: the hand-made newsroom store (no spaCy)."""

from __future__ import annotations

import pytest

from tests.support import review_data


@pytest.fixture()
def newsroom(tmp_path):
    """The newsroom store at ``tmp_path/newsroom.db`` and its quote ids by short name."""
    path = tmp_path / "newsroom.db"
    ids = review_data.build(path)
    return path, ids
