"""workbench.nlp public contract: labels, pipeline choice, env var, caching, fingerprints, mention shape."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

import workbench.nlp as nlp
from workbench.nlp import LABELS, PIPELINE_ENV, EntityPipeline, Label, load_pipeline

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["start", "end", "label", "text", "canonical", "origin"]


def test_public_names() -> None:
    for name in ["LABELS", "Label", "EntityPipeline", "load_pipeline", "PIPELINE_ENV", "find_claims"]:
        assert name in nlp.__all__
        assert hasattr(nlp, name)
    assert PIPELINE_ENV == "WORKBENCH_PIPELINE"


def test_import_is_cheap_and_lazy() -> None:
    code = "import sys, workbench.nlp; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'natasha', 'thinc'))))"
    out = subprocess.run([sys.executable, "-c", "import json; " + code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == []


def test_labels_defined_once_with_colours_and_descriptions() -> None:
    for must in ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT",
                 "WEAPON", "MILITARY_UNIT"]:
        assert must in LABELS
    colours = set()
    for name, lab in LABELS.items():
        assert isinstance(lab, Label) and lab.name == name
        assert re.fullmatch(r"#[0-9a-f]{6}", lab.colour), lab
        assert lab.description and "\n" not in lab.description and len(lab.description) < 120
        colours.add(lab.colour)
    assert len(colours) == len(LABELS), "each label needs its own colour"
    with pytest.raises(FrozenInstanceError):
        LABELS["PERSON"].colour = "#000000"  # type: ignore[misc]


def test_builtin_choice_and_cache() -> None:
    p = load_pipeline("builtin")
    assert isinstance(p, EntityPipeline)
    assert p.name == "builtin"
    assert load_pipeline("builtin") is p
    assert p.nlp.pipe_names == ["workbench_entities"]


def test_env_var_selects_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PIPELINE_ENV, "builtin")
    assert load_pipeline().name == "builtin"
    monkeypatch.setenv(PIPELINE_ENV, "no_such_pipeline_xyz")
    with pytest.raises(ValueError) as err:
        load_pipeline()
    msg = str(err.value)
    assert "no_such_pipeline_xyz" in msg and "builtin" in msg and "\n" not in msg


def test_unknown_choice_names_choice_and_available() -> None:
    with pytest.raises(ValueError, match=r"'en_core_web_nope'.*available: auto, builtin"):
        load_pipeline("en_core_web_nope")
    with pytest.raises(ValueError, match="hybrid:"):
        load_pipeline("hybrid:")


def test_auto_falls_back_or_uses_a_trained_model() -> None:
    from workbench.nlp._loader import available

    name = load_pipeline("auto").name
    if any(c.startswith("hybrid:") for c in available()):
        assert name.startswith("hybrid:en_core_web_")
    else:
        assert name == "builtin"


def _fingerprint_in_subprocess(choice: str) -> str:
    code = f"from workbench.nlp import load_pipeline; print(load_pipeline({choice!r}).fingerprint)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_fingerprint_is_short_hex_and_stable_across_processes() -> None:
    fp = load_pipeline("builtin").fingerprint
    assert re.fullmatch(r"[0-9a-f]{16}", fp)
    assert _fingerprint_in_subprocess("builtin") == fp


def test_fingerprint_changes_with_inputs() -> None:
    from workbench.nlp._loader import fingerprint

    base = fingerprint("builtin", "none", "a" * 64, "3.8.18")
    assert fingerprint("builtin", "none", "a" * 64, "3.8.18") == base
    assert fingerprint("builtin", "none", "b" * 64, "3.8.18") != base  # data file changed
    assert fingerprint("builtin", "none", "a" * 64, "3.8.19") != base  # spaCy changed
    assert fingerprint("hybrid", "en_core_web_md==3.8.0", "a" * 64, "3.8.18") != base
    assert fingerprint("hybrid", "en_core_web_md==3.8.0", "a" * 64, "3.8.18") != fingerprint(
        "hybrid", "en_core_web_md==3.8.1", "a" * 64, "3.8.18")


def test_mention_shape_offsets_and_order() -> None:
    text = "  On March 3, 2022 President Vladimir Putin met NATO officials in Minsk; Putin’s aides left.\n"
    ments = load_pipeline("builtin").extract(text)
    assert ments, "expected entities"
    last_end = -1
    for m in ments:
        assert list(m) == KEYS
        assert m["text"] == text[m["start"]:m["end"]]
        assert m["label"] in LABELS
        assert m["origin"] in ("model", "rule")
        assert isinstance(m["canonical"], str) and m["canonical"]
        assert m["start"] >= last_end  # sorted, non-overlapping
        last_end = m["end"]


def test_extract_batch_equals_extract_and_checks_languages() -> None:
    p = load_pipeline("builtin")
    texts = ["Lukashenko flew to Sochi on September 14, 2020.", "", "NATO and the CSTO.", "x"]
    assert p.extract_batch(texts) == [p.extract(t) for t in texts]
    assert p.extract("") == []
    with pytest.raises(ValueError):
        p.extract_batch(["a", "b"], ["en"])


def test_extract_and_plain_nlp_call_agree_on_odd_whitespace() -> None:
    p = load_pipeline("builtin")
    for text in ["  President Putin met  NATO.\n\n\tLt. Gen. Oleg Zhdanov , December 19 ", "a\u00a0b  c\r\nS-400",
                 "“Quote,” said Mykhailo Podoliak.\n"]:
        doc = p.nlp(text)
        assert p.extract(text) == p.mentions_from_doc(doc, text)
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (m["start"], m["end"], m["label"]) for m in p.extract(text)]
