"""Every settlement of Ukraine (KATOTTG) is a place in English text, in its national
romanisation and the press spellings, without names that are English words."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from workbench.nlp import load_pipeline
from workbench.nlp._lexicon import AMBIG, CORE, SHARED, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


def _places(text: str) -> list[str]:
    return [m["text"] for m in load_pipeline("builtin").extract(text) if m["label"] == "GPE"]


def test_front_line_villages_are_places_in_english() -> None:
    # villages below GeoNames' cities500: only the codifier has them
    text = "Ukrainian forces said they had retaken Robotyne, while artillery pounded Klishchiivka again."
    assert _places(text) == ["Robotyne", "Klishchiivka"]


def test_press_spelling_with_yi_is_the_same_village() -> None:
    lex = load_lexicon()
    # Андріївка: KMU writes ї inside a word as "i"; the press often writes "yi"
    assert lex.lookup("Andriivka").label == lex.lookup("Andriyivka").label == "GPE"
    assert lex.lookup("Andriyivka").canonical == lex.lookup("Andriivka").canonical
    assert _places("Fighting went on near Andriyivka and Staromaiorske.") == ["Andriyivka", "Staromaiorske"]


def test_a_name_many_villages_bear_is_a_weak_shared_place() -> None:
    lex = load_lexicon()
    ph = lex.lookup("Novoselivka")
    assert ph.label == "GPE" and ph.flags & SHARED and ph.flags & AMBIG and not ph.flags & CORE
    assert not lex.lookup("Robotyne").flags & SHARED  # one village of that name
    assert _places("Shells fell on Novoselivka at dawn.") == ["Novoselivka"]


def test_village_names_that_are_english_words_stay_out() -> None:
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    build = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(build)
    assert build.settlement_spellings("Мар'ївка") == ["Marivka", "Maryivka"]
    assert build.settlement_spellings("Роботине") == ["Robotyne"]
    # villages Сміле, Лази, Мар'їне and Тамара romanise to English words or a given name: the
    # wordfreq/census filter that GeoNames' villages pass through keeps them out
    assert [build.settlement_spellings(uk)[0] for uk in ("Сміле", "Лази", "Мар'їне", "Тамара")] == \
        ["Smile", "Lazy", "Marine", "Tamara"]
    lex = load_lexicon()
    for word in ("Smile", "Lazy", "Marine", "Tamara"):
        ph = lex.lookup(word)
        assert ph is None or ph.label != "GPE", word
    assert _places("Tamara said the Marine would smile at the lazy dog.") == []
