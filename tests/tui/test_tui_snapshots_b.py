"""Snapshots of issue 14's part B screens: the merge confirmation, the export dialog, the review at 80 × 24.

Same fixture and rules as tests/tui/test_tui_snapshots.py; accept an intended change with
``pytest tests/tui/test_tui_snapshots_b.py --snapshot-update``.
"""

from __future__ import annotations

from tests.tui.test_tui_snapshots import SIZE, _settle, app  # noqa: F401  (app: the fixture)


def test_merge_confirmation(app, snap_compare):  # noqa: F811
    """Both names, their quotes and documents, and the two answers."""

    async def merge(pilot):
        await _settle(pilot)
        await pilot.press("p")
        await _settle(pilot)
        await pilot.press("m", "down", "m")
        await pilot.pause()

    assert snap_compare(app, run_before=merge, terminal_size=SIZE)


def test_export_dialog(app, snap_compare):  # noqa: F811
    """Confirmed quotes to exports/reviewed.json by default; JSON or JSON Lines."""
    assert snap_compare(app, press=["e"], terminal_size=SIZE)


def test_review_screen_at_80_by_24(app, snap_compare):  # noqa: F811
    """The smallest terminal supported: document and speaker narrowed, the quote with room, ? and q on screen."""
    assert snap_compare(app, terminal_size=(80, 24))
