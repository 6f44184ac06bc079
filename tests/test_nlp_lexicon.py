"""The compiled gazetteer is current, credited, compact, and robust to any input."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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
    lex = load_lexicon()
    assert lex.sources_sha256 == build.sources_digest(build.source_files()), \
        "run scripts/build_gazetteer.py after editing data/curated or geo.tsv"
    compiled = build.compile_lexicon()
    assert LEXICON_PATH.read_text(encoding="utf-8") == build.render_lexicon(compiled)
    # the lazily read file gives the very tables the compiler laid out
    fresh = load_lexicon.__wrapped__(LEXICON_PATH)
    assert sorted(fresh.phrases) == sorted(compiled["index"])
    for first, groups in compiled["index"].items():
        assert fresh.groups(first) == groups, first
    assert fresh.seconds == {k: frozenset(v) for k, v in compiled["seconds"].items()}
    assert fresh.low_first == frozenset(compiled["low_first"])
    assert fresh.first_names == frozenset(compiled["first_names"]) and fresh.surnames == frozenset(compiled["surnames"])


def test_loading_parses_no_phrase_line() -> None:
    fresh = load_lexicon.__wrapped__(LEXICON_PATH)
    assert len(fresh.phrases) > 50_000 and all(type(v) is str for v in fresh.phrases.values())
    assert fresh.seconds == {}
    assert fresh.lookup("Robotyne").label == "GPE"  # parses one line ...
    assert type(fresh.phrases["robotyne"]) is list and type(fresh.phrases["kyiv"]) is str  # ... and only that one


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.json"
    bad.write_text('{"format": 3, "index": {}}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a compiled lexicon"):
        load_lexicon.__wrapped__(bad)


def test_lexicon_is_compact_and_credited() -> None:
    assert LEXICON_PATH.stat().st_size < 4_500_000
    attribution = (DATA_DIR / "ATTRIBUTION").read_text(encoding="utf-8")
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution and "KATOTTG" in attribution
    lex = load_lexicon()
    assert len(lex) > 10_000
    assert lex.lookup("Institute for the  Study of War").canonical == "Institute for the Study of War"
    assert lex.lookup("al - Qaeda").label == "ORG" and lex.lookup("no such place") is None
    assert lex.single("belarus").label == "GPE" and lex.single("belarus").flags & CORE
    for first in list(lex.phrases):
        for _, table in lex.groups(first):
            for key in table:
                ph = lex.entry(table, key)
                assert ph.label in LABELS and ph.canonical and 0 <= ph.flags < 16
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
