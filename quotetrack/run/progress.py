"""Progress of an extraction run: a Rich bar on a terminal, quiet lines otherwise.

Without a terminal (a log, CI, a pipe): a plain line every ``every`` seconds
and one at the end (none for a shorter run). Failures print as they happen.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class RunProgress:
    """Call :meth:`update` after every document with the run's counts; use as a context manager."""

    def __init__(self, console: Console, total: int | None, *, interactive: bool | None = None, every: float = 10.0):
        self.console = console
        self.total = total
        self.interactive = console.is_terminal if interactive is None else interactive
        self.every = every
        self.started = time.perf_counter()
        self._last_line = self.started
        self._progress: Progress | None = None
        self._task = None
        self._state = (0, 0)
        self._lines = 0

    def __enter__(self) -> "RunProgress":
        if self.interactive:
            self._progress = Progress(
                TextColumn("[bold]extract"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("documents"),
                TextColumn("{task.fields[rate]} words/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("extract", total=self.total, rate="–")
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
        elif self._lines:  # a short run without a terminal prints no progress at all: the summary says it
            self._line(final=True)

    def words_per_second(self, words: int) -> float:
        elapsed = time.perf_counter() - self.started
        return words / elapsed if elapsed > 0 else 0.0

    def update(self, documents: int, words: int, total: int | None = None) -> None:
        """``documents`` done so far (extracted, unchanged or failed) and ``words`` extracted;
        ``total``: the documents the run holds, when it is known only once the run started."""
        self._state = (documents, words)
        if total:
            self.total = total
        if self._progress is not None:
            self._progress.update(self._task, completed=documents, total=self.total,
                                  rate=f"{self.words_per_second(words):,.0f}")
        elif time.perf_counter() - self._last_line >= self.every:
            self._line()

    def failure(self, message: str) -> None:
        self.console.print(f"[red]failed:[/] {message}", markup=True, highlight=False, soft_wrap=True)

    def _line(self, final: bool = False) -> None:
        self._lines += 1
        self._last_line = time.perf_counter()
        documents, words = self._state
        of = f"/{self.total:,}" if self.total else ""
        eta = ""
        if self.total and documents and not final:
            elapsed = self._last_line - self.started
            left = max(0, self.total - documents) * elapsed / documents
            eta = f", ETA {_duration(left)}"
        self.console.print(
            f"extract: {documents:,}{of} documents, {self.words_per_second(words):,.0f} words/s{eta}",
            highlight=False,
            soft_wrap=True,
        )


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")
