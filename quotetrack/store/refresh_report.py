"""What one speaker refresh did: told by :mod:`.speaker_refresh`, returned by :class:`.speakers.Speakers`.

A module of its own so that both can name it without importing each other
(the store imports :mod:`.speakers` at once, :mod:`.speaker_refresh` and the
normaliser only when a refresh runs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RefreshReport:
    """What one speaker refresh did."""

    mode: str  # "full", "incremental" or "none" (nothing had changed)
    documents: int = 0  # documents whose names were placed
    units: int = 0  # units whose counts or first placement changed
    speakers: int = 0  # speakers written again (new, changed, or with a new id)
    seconds: float = 0.0
