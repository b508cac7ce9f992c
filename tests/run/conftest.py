"""Fixtures of the run/ tests."""

from __future__ import annotations

import pytest
import spacy


@pytest.fixture(scope="module")
def light():
    """A real spaCy pipeline without the statistical model: the same pieces, batches and quote component."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("quotetrack", config={"coref": "off"})
    return nlp
