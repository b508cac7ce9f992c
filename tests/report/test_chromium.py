"""The report as a browser shows it: headless Chromium, offline (skipped, saying why, where it cannot run)."""

from __future__ import annotations

import re
import struct

import pytest
from typer.testing import CliRunner

from quotetrack.cli import app
from tests.support import browser, report_data

pytestmark = pytest.mark.skipif(browser.why_not() is not None, reason=browser.why_not() or "")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The report on the newsroom store with dates, plus one document full of hostile strings."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "q.db"
    report_data.newsroom(db)
    report_data.set_meta(db, {"nato-1": {"date": "2024-03-01", "title": "NATO meets"}, "budget-2": {"date": "2024-03-04"}})
    report_data.hostile(db)
    result = CliRunner().invoke(app, ["report", "--db", str(db), "-o", str(folder / "report.html")])
    assert result.exit_code == 0, result.output
    return folder / "report.html"


def test_chromium_builds_every_chart_and_no_data_turns_into_elements(page):
    dom = browser.dom(page)
    assert len(re.findall(r"<svg\b", dom)) == 4  # who is quoted most, kinds × statuses, across documents, over time
    assert "<title>Quotes in q.db</title>" in dom  # no injected script renamed the page
    for tag in ("script", "img", "iframe", "link"):
        assert not re.search(rf"<{tag}\b", dom), tag
    assert not re.search(r"<[^>]+\son\w+=", dom)  # no element got an event handler (onload, onerror, onmouseover)
    assert "&lt;/mark&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the hostile quote, as text on the page
    assert "<bdi>NATO meets</bdi>" in dom and "Quotes by the date of their document" in dom


def test_the_screenshot_is_a_page_not_a_blank(page, tmp_path):
    png = browser.screenshot(page, tmp_path / "report.png", (1100, 1600))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1100, 1600)
    assert len(data) > 60_000  # text and charts: a blank or error page compresses to a few kilobytes
