"""Progress of an extraction run: a Rich bar on a terminal, quiet lines otherwise.

Without a terminal (a log, CI, a pipe): a plain line every ``every`` seconds
and one at the end (none for a shorter run), also while one long document
keeps the run from finishing any (the line says for how long). Failures
print as they happen. The count shown never passes the total.
"""

from __future__ import annotations

import threading
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
        self._last_change = self.started  # when a document last finished
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> "RunProgress":
        if not self.interactive and self.every > 0:
            # Lines come from updates, which a ten-minute document does not make: a heartbeat
            # thread prints one when none came for ``every`` seconds.
            self._beat = threading.Thread(target=self._heartbeat, name="quotetrack-progress", daemon=True)
            self._beat.start()
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
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
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
        with self._lock:
            if (documents, words) != self._state:
                self._last_change = time.perf_counter()
            self._state = (documents, words)
            if total:
                self.total = total
        if self._progress is not None:
            self._progress.update(self._task, completed=documents, total=self._shown_total(),
                                  rate=f"{self.words_per_second(words):,.0f}")
        elif time.perf_counter() - self._last_line >= self.every:
            self._line()

    def _shown_total(self) -> int | None:
        """The total, never below the documents done (a file that grew since it was counted)."""
        return max(self.total, self._state[0]) if self.total else None

    def _heartbeat(self) -> None:
        while not self._stop.wait(max(0.05, self.every / 4)):
            if time.perf_counter() - self._last_line >= self.every:
                self._line()

    def failure(self, message: str) -> None:
        self.console.print(f"[red]failed:[/] {message}", markup=True, highlight=False, soft_wrap=True)

    def _line(self, final: bool = False) -> None:
        with self._lock:
            self._lines += 1
            now = self._last_line = time.perf_counter()
            documents, words = self._state
            total = self._shown_total()
            of = f"/{total:,}" if total else ""
            eta = ""
            if total and documents and not final:
                left = max(0, total - documents) * (now - self.started) / documents
                eta = f", ETA {_duration(left)}"
            waiting = now - self._last_change
            still = f"; still working: nothing finished for {_duration(waiting)}" if not final and waiting >= self.every else ""
            self.console.print(
                f"extract: {documents:,}{of} documents, {self.words_per_second(words):,.0f} words/s{eta}{still}",
                highlight=False,
                soft_wrap=True,
            )


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")
