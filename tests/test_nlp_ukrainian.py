"""Ukrainian path: pymorphy3 morphology + KATOTTG gazetteer + rules (issue 14, item 2).

Every sentence here is new (none is the issue's), one group per failure family.
"""
from __future__ import annotations

import pytest

from workbench.ingest.language import detect_language
from workbench.nlp import LABELS, load_pipeline


def _uk(text: str) -> list[dict]:
    return load_pipeline("builtin").extract(text, language="uk")


def _by_text(ments: list[dict]) -> dict[str, tuple[str, str]]:
    return {m["text"]: (m["label"], m["canonical"]) for m in ments}


def _well_formed(text: str, ments: list[dict]) -> None:
    last = -1
    for m in ments:
        assert m["text"] == text[m["start"]:m["end"]] and m["label"] in LABELS and m["start"] >= last
        last = m["end"]


def test_coordinated_places_are_separate_places_not_a_person() -> None:
    text = "Уночі дрони атакували Суми та Полтаву, а вранці ракети влучили в Чернігів і Ніжин."
    got = _by_text(_uk(text))
    assert got["Суми"] == ("GPE", "Суми")
    assert got["Полтаву"] == ("GPE", "Полтава")
    assert got["Чернігів"] == ("GPE", "Чернігів")
    assert got["Ніжин"] == ("GPE", "Ніжин")
    assert not any(label == "PERSON" for label, _ in got.values())
    _well_formed(text, _uk(text))


def test_place_before_a_person_is_split() -> None:
    text = "Міський голова Львова Андрій Садовий повідомив про влучання в промисловий об'єкт."
    got = _by_text(_uk(text))
    assert got["Львова"] == ("GPE", "Львів")
    assert got["Андрій Садовий"] == ("PERSON", "Андрій Садовий")


def test_organisation_before_a_person_is_split() -> None:
    text = "Речник МАГАТЕ Фредрік Даль не коментував інцидент."
    got = _by_text(_uk(text))
    assert got["МАГАТЕ"][0] == "ORG"
    assert got["Фредрік Даль"][0] == "PERSON"


def test_places_in_the_locative_are_places() -> None:
    text = "Вибухи пролунали у Тернополі, у Черкасах і в невеликому селі Новомихайлівці."
    got = _by_text(_uk(text))
    assert got["Тернополі"] == ("GPE", "Тернопіль")
    assert got["Черкасах"] == ("GPE", "Черкаси")
    assert got["Новомихайлівці"] == ("GPE", "Новомихайлівка")  # a front-line village from KATOTTG


def test_small_front_line_villages_come_from_the_codifier() -> None:
    text = "Бої тривають поблизу Макіївки, а противник атакував позиції біля Старомайорського."
    got = _by_text(_uk(text))
    assert got["Макіївки"] == ("GPE", "Макіївка")
    assert got["Старомайорського"] == ("GPE", "Старомайорське")


def test_organisation_span_stops_before_the_verb() -> None:
    text = ("Національна поліція України відкрила провадження, а Міністерство внутрішніх справ "
            "оприлюднило дані про загиблих.")
    got = _by_text(_uk(text))
    assert got["Національна поліція України"][0] == "ORG"
    assert got["Міністерство внутрішніх справ"][0] == "ORG"
    assert not any("відкрила" in t or "оприлюднило" in t for t in got)


def test_organisation_base_form() -> None:
    text = "Заяву оприлюднила пресслужба Міністерства внутрішніх справ України."
    got = _by_text(_uk(text))
    assert got["Міністерства внутрішніх справ України"] == ("ORG", "Міністерство внутрішніх справ України")


def test_weapons_in_guillemets_after_a_type_word() -> None:
    text = ("Сили оборони застосували реактивну систему «Вільха» та протикорабельні ракети «Нептун», "
            "а росіяни запустили ударні дрони «Гербера» і ракети «Іскандер-К».")
    got = _by_text(_uk(text))
    for name in ("Вільха", "Нептун", "Гербера", "Іскандер-К"):
        assert got[name][0] == "WEAPON", name
    assert got["росіяни"][0] == "NORP"


def test_hyphenated_designations_are_weapons() -> None:
    text = "Над морем збили Су-24М, а під Покровськом знищили САУ 2С19 та танк Т-80БВ."
    got = _by_text(_uk(text))
    assert got["Су-24М"][0] == "WEAPON"
    assert got["Т-80БВ"][0] == "WEAPON"
    assert got["Покровськом"] == ("GPE", "Покровськ")


def test_private_military_company_is_one_organisation() -> None:
    text = "Найманці ПВК «Редут» воювали під Вугледаром разом із ЧВК «Вагнер»."
    got = _by_text(_uk(text))
    assert got["ПВК «Редут»"][0] == "ORG"
    assert got["ЧВК «Вагнер»"][0] == "ORG"
    assert "Редут" not in got and "Вагнер" not in got


def test_names_reduce_to_their_base_form_across_cases() -> None:
    text = ("Делегація прибула до Харкова. У Харкові вона зустрілася з Валерієм Залужним. "
            "Харків готується до зими, заявив Залужний.")
    ments = _uk(text)
    places = {m["canonical"] for m in ments if m["label"] == "GPE"}
    assert places == {"Харків"}
    people = {m["canonical"] for m in ments if m["label"] == "PERSON"}
    assert people == {"Валерій Залужний"}


def test_the_same_city_in_three_cases_is_one_entity() -> None:
    text = "До Одеси прибули рятувальники. В Одесі працює штаб. Одесу атакували вдруге."
    assert {m["canonical"] for m in _uk(text) if m["label"] == "GPE"} == {"Одеса"}


def test_dates_and_nationalities() -> None:
    text = "Угоду підписали 3 березня 2023 року, а білоруські прикордонники з'явилися у квітні."
    got = _by_text(_uk(text))
    assert got["3 березня 2023 року"][0] == "DATE"
    assert got["квітні"][0] == "DATE"
    assert got["білоруські"][0] == "NORP"


@pytest.mark.parametrize("text, lang", [
    ("Уряд України ухвалив рішення про виділення коштів на відбудову, повідомили в Києві.", "uk"),
    ("Правительство России приняло решение о выделении средств, сообщили в Москве.", "ru"),
    ("Україна і Європа — це спільна історія, яку ми пишемо разом щодня.", "uk"),
    ("Объём помощи, который Россия обещала, пока не подтверждён.", "ru"),
])
def test_ingest_tells_ukrainian_from_russian(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_each_language_takes_its_own_path() -> None:
    pipe = load_pipeline("builtin")
    uk = "Ракета влучила в Києві, потім у Харкові."
    ru = "Ракета попала в Киеве, потом в Харькове."
    out = pipe.extract_batch([uk, ru], ["uk", "ru"])
    assert [m["canonical"] for m in out[0]] == ["Київ", "Харків"]
    assert [m["canonical"] for m in out[1]] == ["Киев", "Харьков"]
