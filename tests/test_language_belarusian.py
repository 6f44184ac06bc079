"""Belarusian article detection (issue 14): ingest tells be from uk and ru, short texts and
quotes included. Sentences written for this project."""

from __future__ import annotations

import pytest

from workbench.ingest.language import detect_language

BE = ("Учора ўвечары ў Віцебску адбыўся канцэрт, на які прыйшлі тысячы гледачоў. "
      "Арганізатары кажуць, што наступным летам фестываль будзе яшчэ большы.")
UK = ("Учора ввечері у Вінниці відбувся концерт, на який прийшли тисячі глядачів. "
      "Організатори кажуть, що наступного літа фестиваль буде ще більшим.")
RU = ("Вчера вечером в Витебске прошёл концерт, на который пришли тысячи зрителей. "
      "Организаторы говорят, что следующим летом фестиваль будет ещё больше.")


@pytest.mark.parametrize("text, lang", [
    (BE, "be"), (UK, "uk"), (RU, "ru"),
    # short texts: one sentence each
    ("Мытнікі затрымалі грузавік з цыгарэтамі на мяжы.", "be"),       # no ў: і beside ы/э
    ("Дождж ішоў увесь дзень у Гомелі.", "be"),                        # ў only once
    ("Митники затримали вантажівку з цигарками на кордоні.", "uk"),
    ("Таможенники задержали грузовик с сигаретами на границе.", "ru"),
    ("Пожежники гасили склад цілу ніч.", "uk"),                         # і only: Ukrainian
    ("Пожарные тушили склад всю ночь.", "ru"),                          # neither і nor ў
])
def test_tells_belarusian_from_ukrainian_and_russian(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_quotes_in_another_language_do_not_flip_the_article() -> None:
    # a Ukrainian report quoting a Russian phrase, a Russian one quoting Belarusian, a Belarusian
    # one quoting Russian: each stays its own language
    uk = UK + " Речник відповів російською: «Мы ничего не знаем об этом концерте»."
    ru = RU + " Гость из Минска сказал по-белорусски: «Гэта было цудоўна»."
    be = BE + " Госць з Масквы сказаў па-руску: «Это было прекрасно»."
    assert (detect_language(uk), detect_language(ru), detect_language(be)) == ("uk", "ru", "be")


def test_belarusian_paragraph_among_others() -> None:
    assert [detect_language(t) for t in (BE + " " + BE, UK + " " + UK, RU + " " + RU)] == ["be", "uk", "ru"]
