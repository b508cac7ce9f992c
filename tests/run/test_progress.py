"""Progress of a run: plain lines in logs, a bar on a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from quotetrack.run.progress import RunProgress


def test_progress_without_a_terminal_prints_plain_lines():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=120)
    with RunProgress(console, total=4, every=0) as progress:
        progress.update(1, 500)
        progress.update(4, 2000)
        progress.failure("bad.txt: not valid UTF-8 (byte 0)")
    text = buffer.getvalue()
    assert "extract: 1/4 documents" in text and "words/s" in text and "ETA" in text
    assert "failed: bad.txt: not valid UTF-8" in text
    assert "\x1b[" not in text  # no terminal control codes in logs


def test_progress_on_a_terminal_draws_a_bar():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with RunProgress(console, total=4) as progress:
        progress.update(2, 1000)
    text = buffer.getvalue()
    assert "2/4" in text and "words/s" in text and "━" in text
