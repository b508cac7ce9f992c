"""The garbage collector's settings while documents are extracted.

Parsing an article and annotating its coreference windows makes hundreds of thousands of
Python objects, nearly all gone once the article is done, some only through the collector
(a window's chain holders and its tokens refer to each other). CPython scans its youngest
generation every 700 new objects and its oldest, which holds the loaded pipeline, every
hundred scans of that. During extraction the youngest generation is scanned every 10,000
new objects instead: 4-5 % less CPU for the same quotes on PolNeAR, about 10 MiB more at peak
(docs/performance.md). Before worker processes are forked, the parent's objects are frozen
(``gc.freeze``, Python's own advice for fork): a worker's collections then never write to
the memory pages it shares with its parent.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLD = (10_000, 20, 20)

_lock = threading.Lock()
_users = 0
_saved: tuple[int, ...] = gc.get_threshold()


@contextmanager
def extraction_collector() -> Iterator[None]:
    """:data:`THRESHOLD` while the block runs (the larger of it and the caller's, per generation);
    the caller's thresholds afterwards. Nested and concurrent blocks share one setting."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*(max(mine, theirs) for mine, theirs in zip(THRESHOLD, _saved)))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_saved)


def freeze_before_fork() -> None:
    """Move every object tracked now out of the collector's reach (see the module's docstring)."""
    gc.freeze()


def unfreeze() -> None:
    """Put frozen objects back under the collector (once the forked workers are gone)."""
    gc.unfreeze()
