"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def pytest_collection_modifyitems(items) -> None:
    """Every test that uses the spaCy pipeline is ``slow``: ``pytest -m "not slow"`` runs the rest in seconds."""
    for item in items:
        if "nlp" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def nlp():
    import quotetrack

    return quotetrack.load()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture()
def quotes_of(nlp):
    """Run the pipeline on a text and return its quotes."""

    def run(text: str):
        return nlp(text)._.quotes

    return run


# Hypothesis: derandomized on CI (CI=true) so a failure there reproduces anywhere;
# random locally, to keep finding new cases. HYPOTHESIS_PROFILE overrides.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
    settings.register_profile("dev", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


_hypothesis_profiles()
