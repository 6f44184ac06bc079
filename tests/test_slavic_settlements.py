"""The settlement-word mechanism on its own (``_slavic_settlements``), the Belarusian suffix
rules it shares with the gazetteer build (``_be_forms``), the Russian Geox candidates, and the
small-places lists' scores (bench/eval/villages*.txt)."""
from __future__ import annotations

import gzip

import pytest

from bench.ner_eval_slavic import EVAL_DIR, load_villages, villages_scores
from workbench.nlp._be_forms import be_base, be_forms, be_nominatives
from workbench.nlp._russian import geox_places
from workbench.nlp._slavic_doc import tokenize
from workbench.nlp._slavic_places import DATA, load_places
from workbench.nlp._slavic_settlements import base_form, cue_forms, settlement_names


def _names(text: str, lang: str) -> list[tuple[str, str]]:
    return [(text[s:e], name) for s, e, _, name in settlement_names(text, lang, load_places(lang))]


def test_settlement_word_cases_and_genders() -> None:
    ru, be = cue_forms("ru"), cue_forms("be")
    assert ru["селе"].cases == {"loct"} and ru["селе"].gender == "neut"
    assert "gent" in ru["деревни"].cases and ru["деревнях"].plural and not ru["деревне"].plural
    assert ru["поселке"].gender == "masc"          # ё folded: the press writes посёлке and поселке
    assert cue_forms("uk")["селі"].cases >= {"loct"}
    assert be["весцы"].cases == {"loct", "datv"} and be["весках"].plural   # keys fold ё as tokens do


def test_base_form_follows_the_case_and_gender_of_the_settlement_word() -> None:
    ru = cue_forms("ru")
    assert base_form(["Покровском"], ru["поселке"], "ru") == "Покровский"
    assert base_form(["Покровском"], ru["селе"], "ru") == "Покровское"
    assert base_form(["Кривой", "Балке"], ru["деревне"], "ru") == "Кривая Балка"
    assert base_form(["Кривая", "Балка"], ru["деревни"], "ru") == "Кривая Балка"   # written undeclined
    assert base_form(["Горках"], ru["деревне"], "ru") == "Горки"


def test_names_stop_at_verbs_people_and_unrelated_capitals() -> None:
    assert _names("В посёлке Разумное заявили о взрывах.", "ru") == [("Разумное", "Разумное")]
    assert _names("В селе Ивановка Сергей Петров открыл кафе.", "ru") == [("Ивановка", "Ивановка")]
    assert _names("Глава города Сергей Собянин заявил.", "ru") == []
    assert _names("В 2024 г. Москва и т. д. Россия.", "ru") == []
    assert _names("В деревне Иван Кузнецов построил дом.", "ru") == []
    # only a plural settlement word takes a coordinated name
    assert _names("В деревнях Горки и Ивановка тихо.", "ru") == [("Горки", "Горки"), ("Ивановка", "Ивановка")]
    assert _names("В деревне Горки и Ивановка тихо.", "ru") == [("Горки", "Горки")]


def test_the_gazetteer_decides_unless_the_morphology_reads_another_case() -> None:
    # Покровск is a town; "Покровском" after посёлке (locative) is not its instrumental
    assert _names("В посёлке Покровском тихо.", "ru") == [("Покровском", "Покровский")]
    assert _names("Жители села Зелений Гай", "uk") == [("Зелений Гай", "Зелений Гай")]


def test_belarusian_suffix_rules_go_both_ways() -> None:
    assert be_nominatives("Мінску")[0] == "мінск"
    assert be_base("Брэсце", True) == "Брэст"
    assert be_base("Магілёве", True) == "Магілёў"
    assert be_base("Ліпнішкі", True) == "Ліпнішкі"   # a plural name stays
    assert be_base("Гомелі", True) == "Гомель"
    assert be_base("Мінску", False) == "Мінску"       # after a nominative settlement word: as written
    assert _names("у в. Ракаве, аг. Гудзевічы", "be") == [("Ракаве", "Ракаў"), ("Гудзевічы", "Гудзевічы")]


def test_be_forms_moved_into_the_package_still_produce_the_shipped_gazetteer() -> None:
    rows = [line.split("\t") for line in
            gzip.decompress((DATA / "places_be.tsv.gz").read_bytes()).decode("utf-8").splitlines()]
    assert len(rows) > 20_000
    assert all(set(declined.split(" ")) == {f for form in be_forms(name) for f in form.split(" ")}
               for _, name, declined in rows)


def test_geox_words_no_gazetteer_knows_are_weak_place_candidates() -> None:
    text = "Колонна прошла через Торопец, потом Шойгу и Тверской приехали. Бои у Суджи."
    got = {text[s:e]: (label, origin, name) for s, e, label, origin, name in geox_places(tokenize(text),
                                                                                         load_places("ru"))}
    # Шойгу is a surname and Тверской an adjective: no candidates; Колонна is no Geox word
    assert got == {"Торопец": ("GPE", "model", "Торопец"), "Суджи": ("GPE", "model", "Суджа")}


@pytest.mark.parametrize("name", ["villages.txt", "villages_heldout.txt"])
def test_small_places_lists_keep_their_scores(name: str) -> None:
    items = load_villages(EVAL_DIR / name)
    assert len(items) >= (60 if name == "villages.txt" else 20)
    for lang, acc in villages_scores(items).items():
        for key, floor in (("rule P", 0.9), ("rule R", 0.9), ("rule nominative", 0.85), ("built-in R", 0.9)):
            right, total = acc[key]
            assert total and right / total >= floor, (name, lang, key, acc[key])


def test_belarusian_two_word_names_only_when_the_endings_agree() -> None:
    assert _names("у вёсцы Ліпнішкі Іўеўскага раёна", "be") == [("Ліпнішкі", "Ліпнішкі")]
    assert _names("у вёсцы Малыя Гаркі Лёзненскага раёна", "be") == [("Малыя Гаркі", "Малыя Гаркі")]
    assert _names("у вёсцы Гаркі Аляксандр Лукашэнка сустрэўся", "be") == [("Гаркі", "Гаркі")]
    assert _names("у пасёлку Новы Двор адкрылі", "be") == [("Новы Двор", "Новы Двор")]
    assert _names("в селе Ивановка Курской области", "ru") == [("Ивановка", "Ивановка")]
