"""Finding one quote in a result, for assertions."""

from __future__ import annotations


def find(quotes, fragment: str):
    """The one quote whose text contains ``fragment``."""
    hits = [q for q in quotes if fragment in q.text]
    assert len(hits) == 1, f"expected one quote containing {fragment!r}, got {[q.text for q in quotes]}"
    return hits[0]
