"""The compiled gazetteer is current, credited, compact, and robust to any input."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.nlp import LABELS, load_pipeline
from workbench.nlp._lexicon import CORE, DATA_DIR, LEXICON_PATH, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_compiled_lexicon_matches_its_sources() -> None:
    build = _build_module()
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    assert data["sources_sha256"] == build.sources_digest(build.source_files()), \
        "run scripts/build_gazetteer.py after editing data/curated or geo.tsv"
    assert data == build.compile_lexicon()


def test_lexicon_is_compact_and_credited() -> None:
    assert LEXICON_PATH.stat().st_size < 4_500_000
    attribution = (DATA_DIR / "ATTRIBUTION").read_text(encoding="utf-8")
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution
    lex = load_lexicon()
    assert len(lex) > 10_000
    assert lex.lookup("Institute for the  Study of War").canonical == "Institute for the Study of War"
    assert lex.lookup("al - Qaeda").label == "ORG" and lex.lookup("no such place") is None
    assert lex.single("belarus").label == "GPE" and lex.single("belarus").flags & CORE
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    for groups in data["index"].values():
        for _, table in groups:
            for key in table:
                ph = lex.entry(table, key)
                assert ph.label in LABELS and ph.canonical and 0 <= ph.flags < 8
                assert all(0 <= i < len(ph.lower) for i in ph.caps)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_gives_valid_mentions(text: str) -> None:
    ments = load_pipeline("builtin").extract(text)
    last = 0
    for m in ments:
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert m["text"] == text[m["start"]:m["end"]]
        assert m["start"] >= last
        last = m["end"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Putin", "said", "“", "”", "NATO", "S-400", "on", "December", "19", ",", "2022",
                                 "the", "Ministry", "of", "Defence", ".", "\n", "Lt.", "Gen.", "Oleg", "Zhdanov",
                                 "$", "1.5", "billion", "(", "ISW", ")", "al", "-", "Abadi"]), max_size=60))
def test_token_soup_gives_valid_mentions(tokens: list[str]) -> None:
    text = " ".join(tokens)
    ments = load_pipeline("builtin").extract(text)
    assert all(text[m["start"]:m["end"]] == m["text"] and m["text"].strip() == m["text"] for m in ments)
    assert all(a["end"] <= b["start"] for a, b in zip(ments, ments[1:]))
