"""Snapshots of the review TUI's main screens (pytest-textual-snapshot).

Deterministic by construction: a fixed store, a fixed terminal size, a
fixed reviewer, and no clock or timestamp on any of these screens. After an
intended change of the UI, look at the report and accept with
``pytest tests/tui/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from tests.support import review_data

SIZE = (120, 36)


@pytest.fixture()
def app(tmp_path):
    path = tmp_path / "newsroom.db"
    review_data.build(path)
    db = Store(path, create=False)
    yield ReviewApp(db, "ann")
    db.close()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_review_screen(app, snap_compare):
    """The queue, the least confident quote in its paragraph, progress and keys."""
    assert snap_compare(app, terminal_size=SIZE)


def test_review_screen_after_decisions(app, snap_compare):
    """Confirmed, rejected and corrected rows; the quote shown has a pronoun resolved to its antecedent."""
    assert snap_compare(app, press=["a", "x", "k", "m", "right_square_bracket"], terminal_size=SIZE)


def test_document_markup_shown_literally(app, snap_compare):
    """A document full of markup and escape sequences, drawn as the characters it holds."""
    assert snap_compare(app, press=["down"], terminal_size=SIZE)


def test_help_screen(app, snap_compare):
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE)


def test_speaker_picker(app, snap_compare):
    assert snap_compare(app, press=["down", "down", "s", "l", "e"], terminal_size=SIZE)


def test_speakers_screen(app, snap_compare):
    assert snap_compare(app, press=["p"], terminal_size=SIZE, run_before=_settle)
