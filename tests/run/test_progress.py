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


def test_progress_never_shows_more_documents_done_than_the_total():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=120)
    with RunProgress(console, total=15, every=0) as progress:
        progress.update(19, 500)  # a file that grew after it was counted
    assert "19/15" not in buffer.getvalue() and "extract: 19/19 documents" in buffer.getvalue()
    buffer = io.StringIO()
    with RunProgress(Console(file=buffer, force_terminal=True, width=120), total=15) as progress:
        progress.update(19, 500)
    assert "19/15" not in buffer.getvalue() and "19/19" in buffer.getvalue()


def test_a_long_document_still_gets_progress_lines_saying_how_long():
    import time

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=120)
    with RunProgress(console, total=3, every=0.3) as progress:
        progress.update(1, 500)
        time.sleep(1.2)  # the second document takes a while: no update comes
        during = buffer.getvalue()
    lines = [line for line in during.splitlines() if line.startswith("extract: 1/3 documents")]
    assert len(lines) >= 2, during
    assert "still working: nothing finished for" in lines[-1]
