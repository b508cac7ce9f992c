"""quotetrack: who said what, across thousands of articles.

``quotetrack.Corpus`` is the library object (a store to extract into, read and
export); ``quotetrack.load()`` builds the spaCy pipeline with the ``"quotetrack"``
component.
"""

from __future__ import annotations

__version__ = "0.3.0"

__all__ = ["Corpus", "__version__", "load"]


def load(*args, **kwargs):
    """Build the spaCy pipeline with coreferee and quotetrack; see :func:`quotetrack.models.load`."""
    from .models import load as _load

    return _load(*args, **kwargs)


def __getattr__(name: str):
    # Corpus imports spaCy: only when it is asked for, so ``import quotetrack`` (and the CLI's --help) stay fast.
    if name == "Corpus":
        from .corpus import Corpus

        return Corpus
    raise AttributeError(f"module 'quotetrack' has no attribute {name!r}")
