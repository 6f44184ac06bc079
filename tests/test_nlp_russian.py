"""Russian path (natasha + rules + pymorphy3 base forms); one Ukrainian check kept from the old path."""
from __future__ import annotations

from workbench.nlp import LABELS, load_pipeline

RU = ("Президент России Владимир Путин 19 декабря 2022 года прибыл в Минск на переговоры с Александром "
      "Лукашенко. Песков заявил, что Путин не будет уговаривать Белоруссию. Лукашенко сообщил, что Россия "
      "поставит комплексы С-400 и «Искандер». Россия выделит кредит 1,5 млрд долларов.")


def test_russian_entities_mapped_to_our_labels() -> None:
    ments = load_pipeline("builtin").extract(RU, language="ru")
    got = {m["text"]: (m["label"], m["canonical"]) for m in ments}
    assert got["Владимир Путин"] == ("PERSON", "Владимир Путин")
    assert got["Путин"] == ("PERSON", "Владимир Путин")  # short form -> fullest name
    assert got["Александром Лукашенко"] == ("PERSON", "Александр Лукашенко")  # lemmatised
    assert got["Лукашенко"] == ("PERSON", "Александр Лукашенко")
    assert got["России"] == ("GPE", "Россия")
    assert got["Белоруссию"][0] == "GPE"
    assert got["С-400"][0] == "WEAPON" and got["Искандер"][0] == "WEAPON"
    assert got["19 декабря 2022 года"][0] == "DATE"
    assert got["1,5 млрд долларов"][0] == "MONEY"
    last = -1
    for m in ments:
        assert m["text"] == RU[m["start"]:m["end"]] and m["label"] in LABELS and m["start"] >= last
        last = m["end"]


def test_language_routing_in_batches() -> None:
    pipe = load_pipeline("builtin")
    en = "Vladimir Putin met Alexander Lukashenko in Minsk."
    out = pipe.extract_batch([en, RU, en], ["en", "ru", "en-GB"])
    assert out[0] == out[2] == pipe.extract(en)
    assert any(m["text"] == "Владимир Путин" for m in out[1])
    # Cyrillic through the English rules finds nothing Cyrillic-named; through natasha it does
    assert not any(m["label"] == "PERSON" for m in pipe.extract(RU, language="en"))


def test_ukrainian_is_labelled() -> None:
    uk = ("Президент України Володимир Зеленський зустрівся з Олафом Шольцем у Києві 24 лютого. "
          "Речник Кремля Дмитро Пєсков заявив про переговори.")
    got = {m["text"]: m["label"] for m in load_pipeline("builtin").extract(uk, language="uk")}
    assert got["України"] == "GPE"
    assert got["Володимир Зеленський"] == "PERSON"
    assert got["Дмитро Пєсков"] == "PERSON"
    assert got["Кремля"] == "ORG"
    assert got["24 лютого"] == "DATE"


def _ru(text: str) -> dict[str, tuple[str, str]]:
    return {m["text"]: (m["label"], m["canonical"]) for m in load_pipeline("builtin").extract(text, language="ru")}


def test_russian_weapons_in_guillemets_after_a_type_word() -> None:
    got = _ru("Украинские военные применили по складу ракеты «Нептун», а затем РСЗО «Ольха». "
              "Российская армия ответила ударами дронов «Ланцет» и комплексов «Торнадо-С».")
    for name in ("Нептун", "Ольха", "Ланцет", "Торнадо-С"):
        assert got[name][0] == "WEAPON", name
    assert got["Украинские"][0] == "NORP" and got["Российская"][0] == "NORP"


def test_russian_private_military_company_is_one_organisation() -> None:
    got = _ru("Бойцы ЧВК «Вагнер» покинули Бахмут, а ЧВК «Редут» перебросили под Угледар.")
    assert got["ЧВК «Вагнер»"][0] == "ORG"
    assert got["ЧВК «Редут»"][0] == "ORG"
    assert "Вагнер" not in got and "Редут" not in got
    assert got["Бахмут"][0] == "GPE"


def test_russian_base_forms_and_oblast_adjectives() -> None:
    got = _ru("Губернатор Курской области сообщил, что в Киеве и Харькове прошли переговоры с Сергеем Шойгу.")
    assert got["Курской"] == ("GPE", "Курская область")
    assert got["Киеве"] == ("GPE", "Киев")
    assert got["Харькове"] == ("GPE", "Харьков")
    assert got["Сергеем Шойгу"] == ("PERSON", "Сергей Шойгу")


def test_russian_dates_without_a_day() -> None:
    got = _ru("Наступление началось в мае, а переговоры возобновились в сентябре 2023 года.")
    assert got["мае"][0] == "DATE"
    assert got["сентябре 2023 года"][0] == "DATE"


def test_russian_organisation_of_a_country_is_one_organisation() -> None:
    got = _ru("Заявление опубликовал МИД Польши, а СВР России его опровергла.")
    assert got["МИД Польши"][0] == "ORG"
    assert got["СВР России"][0] == "ORG"


def test_russian_small_places_after_a_preposition_are_not_people() -> None:
    got = _ru("Бои продолжаются у Кринок, а колонна вышла из Ольховатки и Новосёлок.")
    assert all(label != "PERSON" for label, _ in got.values()), got


def test_a_first_name_the_model_reads_as_a_place_is_a_person() -> None:
    """natasha's model sometimes reads a lone first name as a place ("села Ивану": she sat on
    Ivan's shoulder); a word no gazetteer holds and the dictionary knows only as a first name
    or patronymic is a person."""
    from workbench.nlp import load_pipeline

    got = {m["text"]: (m["label"], m["canonical"])
           for m in load_pipeline("builtin").extract("Птица села Ивану на плечо.", language="ru")}
    assert got.get("Ивану", ("PERSON",))[0] == "PERSON"
    assert load_pipeline("builtin").extract("Колонна вошла в Москву.", language="ru")[0]["label"] == "GPE"
