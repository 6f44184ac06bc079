"""The Belarusian path (issue 14): be articles are read by the Ukrainian rules with a Belarusian
gazetteer, and their names fold with the English and Russian ones. Sentences written for this
project."""

from __future__ import annotations

import pytest

from workbench.nlp import entity_key, load_pipeline

BE = ("Аляксандр Лукашэнка ў аўторак правёў нараду ў Мінску з кіраўнікамі абласцей. "
      "Паводле яго слоў, Беларусь не будзе ўдзельнічаць у вайне. "
      "Увечары Лукашэнка вылецеў у Маскву, а затым у Гродна.")


def _be(text: str) -> list[dict]:
    return load_pipeline("builtin").extract(text, language="be")


def test_belarusian_names_fold_with_english_ones() -> None:
    got = {m["text"]: (m["label"], m["canonical"]) for m in _be(BE)}
    assert got["Мінску"] == ("GPE", "Мінск")         # a case form, through the be gazetteer
    assert got["Беларусь"][0] == "GPE"
    assert got["Маскву"] == ("GPE", "Масква")
    assert got["Лукашэнка"][0] == "PERSON"
    assert "Паводле" not in got                        # a preposition at a sentence start is no name
    for surface, english in (("Лукашэнка", "Alexander Lukashenko"), ("Мінску", "Minsk"), ("Беларусь", "Belarus"),
                             ("Маскву", "Moscow")):
        assert entity_key(got[surface][1]) == entity_key(english), (surface, got[surface])


@pytest.mark.parametrize("text, surface, canonical", [
    ("Затрыманні прайшлі ў Магілёве і Брэсце.", "Магілёве", "Магілёў"),
    ("Затрыманні прайшлі ў Магілёве і Брэсце.", "Брэсце", "Брэст"),
    ("Дэлегацыя з Расіі прыехала ўчора.", "Расіі", "Расія"),
    ("Выбары ў Беларусі прызналі несвабоднымі.", "Беларусі", "Беларусь"),
])
def test_case_forms_of_belarusian_places(text: str, surface: str, canonical: str) -> None:
    got = {m["text"]: (m["label"], m["canonical"]) for m in _be(text)}
    assert got.get(surface) == ("GPE", canonical), got


def test_a_lone_belarusian_surname_at_a_sentence_start_is_a_person() -> None:
    got = {m["text"]: m for m in _be("Ціханоўская ў чацвер сустрэлася з дэпутатамі. Мішусцін прыляцеў позна.")}
    assert got["Ціханоўская"]["label"] == "PERSON" and got["Мішусцін"]["label"] == "PERSON", got
    assert entity_key(got["Мішусцін"]["canonical"]) == entity_key("Mishustin")


def test_be_takes_its_own_path_in_a_batch() -> None:
    pipe = load_pipeline("builtin")
    be, uk = "Сустрэча адбылася ў Гомелі.", "Зустріч відбулася в Гомелі."
    out = pipe.extract_batch([be, uk], ["be", "uk"])
    assert [(m["label"], m["canonical"]) for m in out[0]] == [("GPE", "Гомель")]
    assert [m["label"] for m in out[1]] == ["GPE"]


def test_ingest_detects_belarusian_and_the_entity_table_folds_it(tmp_path) -> None:
    from workbench import open_workspace

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "be.txt").write_text(BE, encoding="utf-8")
    (folder / "en.txt").write_text("Belarusian leader Alexander Lukashenko held a meeting in Minsk on "
                                   "Tuesday. He said Belarus would not join the war, then flew to Moscow.", encoding="utf-8")
    ws = open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    try:
        ws.ingest(folder, progress=False)
        assert sorted(ws.articles["language"]) == ["be", "en"]
        table = ws.entity_table()
        for entity in ("Alexander Lukashenko", "Minsk", "Belarus", "Moscow"):
            rows = table[table["entity"] == entity]
            assert len(rows) == 1, (entity, list(table["entity"]))
            assert set(rows.iloc[0]["aliases_by_language"]) == {"be", "en"}, rows.iloc[0]["aliases_by_language"]
    finally:
        ws.close()


@pytest.mark.parametrize("text, surface, label", [
    ("Прэм'ер-міністр Ігар Сідарэнка наведаў Оршу.", "Ігар Сідарэнка", "PERSON"),   # the title is not the name
    ("Кіраўнік МНС прыехаў на месца пажару.", "МНС", "ORG"),
    ("Дэлегацыя паляцела ў Варшаву і Берлін.", "Варшаву", "GPE"),   # names be shares with ru/uk
    ("Дэлегацыя паляцела ў Варшаву і Берлін.", "Берлін", "GPE"),
])
def test_titles_acronyms_and_shared_place_names(text: str, surface: str, label: str) -> None:
    got = {m["text"]: m["label"] for m in _be(text)}
    assert got.get(surface) == label, got
