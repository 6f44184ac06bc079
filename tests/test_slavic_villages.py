"""Small places of Russia, Ukraine and Belarus found by a settlement word before them (issue 14):
the whole built-in path, with hand-written sentences (none from an eval set) and their
hand-declined nominatives."""
from __future__ import annotations

import pytest

from workbench.nlp import load_pipeline
from workbench.nlp._slavic_places import load_places
from workbench.nlp._slavic_settlements import settlement_names


def _places(text: str, lang: str) -> dict[str, str]:
    return {m["text"]: m["canonical"] for m in load_pipeline("builtin").extract(text, language=lang)
            if m["label"] == "GPE"}


def _labels(text: str, lang: str) -> dict[str, str]:
    return {m["text"]: m["label"] for m in load_pipeline("builtin").extract(text, language=lang)}


@pytest.mark.parametrize("text, surface, nominative", [
    ("Ночью в деревне Ольховке сгорел коровник.", "Ольховке", "Ольховка"),          # feminine, locative
    ("Жителей деревни Сухая Мечётка вывезли в райцентр.", "Сухая Мечётка", "Сухая Мечётка"),  # not declined
    ("Обломки нашли у деревни Сухой Мечётки.", "Сухой Мечётки", "Сухая Мечётка"),   # adjective + noun, genitive
    ("В посёлке Заозёрном отключили воду.", "Заозёрном", "Заозёрный"),               # посёлок: masculine
    ("В селе Заозёрном отключили воду.", "Заозёрном", "Заозёрное"),                   # село: neuter
    ("Пожар в деревне Жуках потушили к утру.", "Жуках", "Жуки"),                      # plural name
    ("Автобус шёл через пгт Пятницкое.", "Пятницкое", "Пятницкое"),
    ("В с. Кочетовка Тамбовской области открыли школу.", "Кочетовка", "Кочетовка"),  # abbreviation
])
def test_russian_name_after_a_settlement_word_is_a_place_in_the_nominative(text: str, surface: str,
                                                                            nominative: str) -> None:
    got = _places(text, "ru")
    assert got.get(surface, "").replace("ё", "е") == nominative.replace("ё", "е"), got


def test_russian_coordinated_names_after_a_plural_settlement_word_are_two_places() -> None:
    got = _places("В деревнях Сычёвка и Лукьяновка нет света.", "ru")
    assert set(got) >= {"Сычёвка", "Лукьяновка"} and "Сычёвка и Лукьяновка" not in got


def test_russian_name_stops_before_the_verb_and_people_stay_people() -> None:
    got = _labels("В посёлке Коржевка заявили, что глава города Сергей Собянин приедет.", "ru")
    assert got.get("Коржевка") == "GPE"
    assert got.get("Сергей Собянин") == "PERSON"
    assert not any(t.startswith("Коржевка ") for t in got)
    # a year and "и т. д." are no town and no village
    got = _labels("В 2021 г. Шойгу приехал, и т. д. Песков молчал.", "ru")
    assert got.get("Шойгу") == "PERSON" and got.get("Песков") == "PERSON"


@pytest.mark.parametrize("text, surface, nominative", [
    ("У селі Тернуватому пошкоджено школу.", "Тернуватому", "Тернувате"),
    ("Окупанти обстріляли селище Зорянівку вночі.", "Зорянівку", "Зорянівка"),       # not in the codifier
    ("Біля хутора Сухий Яр знайшли уламки.", "Сухий Яр", "Сухий Яр"),
    ("У смт Калинове відкрили пункт незламності.", "Калинове", "Калинове"),
])
def test_ukrainian_name_after_a_settlement_word(text: str, surface: str, nominative: str) -> None:
    assert _places(text, "uk").get(surface) == nominative


def test_ukrainian_official_of_a_town_is_a_person_not_a_place() -> None:
    got = _labels("Мер міста Ігор Терехов і голова села Остап Гнатюк заявили про укриття.", "uk")
    assert got.get("Ігор Терехов") == "PERSON" and got.get("Остап Гнатюк") == "PERSON"
    assert "Ігор" not in got and "Остап" not in got


@pytest.mark.parametrize("text, surface, nominative", [
    ("У вёсцы Ліпнішкі адкрылі новую краму.", "Ліпнішкі", "Ліпнішкі"),
    ("У пасёлку Ракаве адрамантавалі касцёл.", "Ракаве", "Ракаў"),
    ("У горадзе Мёрах адчынілі бібліятэку.", "Мёрах", "Мёры"),
    ("Каля вёскі Старое Сяло знайшлі курган.", "Старое Сяло", "Старое Сяло"),
    ("У вёсках Азярцо і Дудуткі прайшлі святы.", "Дудуткі", "Дудуткі"),
])
def test_belarusian_name_after_a_settlement_word(text: str, surface: str, nominative: str) -> None:
    assert _places(text, "be").get(surface) == nominative


@pytest.mark.parametrize("text, lang, name", [
    ("Птица села Ивану на плечо.", "ru", "Ивану"),                 # the verb "села" (sat) and a dative
    ("Кошка села Петрову прямо на ноутбук.", "ru", "Петрову"),     # a singular accusative: no plural "села"
    ("Она села Марине на колени.", "ru", "Марине"),                 # a first name after the verb
])
def test_a_person_after_the_verb_sela_is_no_place(text: str, lang: str, name: str) -> None:
    """"села" is also a verb (she sat): the capitalised word after it is a place only in a case
    a name after the settlement word takes (the nominative, or the settlement word's own case
    and number), and not when the dictionary knows it only as a person's name."""
    found = {text[s:e]: label for s, e, label, _ in settlement_names(text, lang, load_places(lang))}
    assert name not in found
    assert _labels(text, lang).get(name) != "GPE"


def test_a_village_named_like_a_person_after_a_plain_settlement_word_stays_a_place() -> None:
    assert _places("Жители села Марьино остались без газа.", "ru").get("Марьино") == "Марьино"
