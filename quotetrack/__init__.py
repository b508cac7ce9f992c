"""quotetrack: who said what, across thousands of articles."""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__", "load"]


def load(*args, **kwargs):
    """Build the spaCy pipeline with coreferee and quotetrack; see :func:`quotetrack.pipeline.load`."""
    from .models import load as _load

    return _load(*args, **kwargs)
