"""Snapshots of the span editor (b) and the add flow (+), at the usual size and at 80 x 24.

After an intended change of these screens, look at the report and accept with
``pytest tests/tui/test_span_edit_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from quotetrack.store import Store
from quotetrack.tui.app import ReviewApp
from tests.tui.test_span_edit import with_bridge

SIZE = (120, 36)
SMALL = (80, 24)


@pytest.fixture()
def app(tmp_path):
    path = tmp_path / "bridge.db"
    with_bridge(path)
    db = Store(path, create=False)
    yield ReviewApp(db, "ann")
    db.close()


def test_span_editor_end_edge_moved(app, snap_compare):
    """The words chosen, the end edge on the last of them, the words spelled out below."""
    assert snap_compare(app, press=["down", "b", "right"], terminal_size=SIZE)


def test_span_editor_start_edge_at_80x24(app, snap_compare):
    assert snap_compare(app, press=["down", "b", "tab", "left"], terminal_size=SMALL)


def test_add_flow_words_in_the_next_paragraph(app, snap_compare):
    assert snap_compare(app, press=["plus", "down", "right", "right", "right"], terminal_size=SIZE)


def test_add_flow_speaker_then_kind(app, snap_compare):
    """After the words: the speaker picker (a new name typed), then the kind."""
    assert snap_compare(app, press=["plus", "down", "right", "enter", *"the mayor", "enter"], terminal_size=SMALL)


def test_added_quote_in_the_queue(app, snap_compare):
    """The added quote at the end of the queue, confirmed (the cursor moved off it: its history has times)."""
    assert snap_compare(app, press=["plus", "down", *["right"] * 5, "enter", *"the mayor", "enter", "i", "up"],
                        terminal_size=SIZE)
