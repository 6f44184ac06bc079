"""Exonym links (issue 14, item 3): a place under another language's own word folds into one
entity through the gazetteers, and the over-folding guard keeps distinct places and people
apart. Sentences written for this project."""

from __future__ import annotations

import gzip

import pytest

from workbench.nlp import entity_key, load_pipeline
from workbench.nlp._slavic_exonyms import EXONYMS, exonym_rows
from workbench.nlp._translit import spelling_key


@pytest.mark.parametrize("names", [
    ("Zaporizhzhia", "Запоріжжя", "Запорожье", "Zaporozhye"),
    ("Ukraine", "Україна", "Украина", "Украіна"),
    ("Belarus", "Білорусь", "Беларусь"),
    ("Russia", "Росія", "Россия", "Расія"),
    ("Moscow", "Москва", "Масква"),
    ("Dnipro", "Дніпро", "Днепр"),
    ("Mykolaiv", "Миколаїв", "Николаев"),
    ("Chernivtsi", "Чернівці", "Черновцы"),
    ("Germany", "Німеччина", "Германия", "Германія"),
    ("Poland", "Польща", "Польша", "Польшча"),
    ("Georgia", "Грузія", "Грузия"),
])
def test_one_place_in_four_languages_has_one_key(names: tuple[str, ...]) -> None:
    keys = {entity_key(name) for name in names}
    assert len(keys) == 1, {name: entity_key(name) for name in names}
    # the link is the gazetteers' doing: the spellings alone do not fold (Україна is not Ukraine letter by letter)
    assert len({spelling_key(name) for name in names}) > 1


@pytest.mark.parametrize("a, b", [
    ("Кирово", "Kropyvnytskyi"),            # villages called Kirovo are not the city once called Kirovohrad
    ("Novoselivka", "Novoselytsia"),
    ("Запорожье", "Запорожская область"),   # city and region
    ("Tunis", "Tunisia"),                    # capital and country
    ("Mexico City", "Mexico"),
    ("Evan", "Ivan"),                        # given names a place has as alternates stay people's names
    ("Lewis", "Levi"),
    ("Україна", "Українка"),
])
def test_distinct_places_and_people_keep_their_keys(a: str, b: str) -> None:
    assert entity_key(a) != entity_key(b)


def test_names_several_places_bear_are_never_linked_away() -> None:
    # KATOTTG names flagged shared in the lexicon (many villages called Novoselivka, Petrivka, Ivaniv)
    from workbench.nlp._slavic_exonyms import exonym_links
    from workbench.nlp._lexicon import LEXICON_PATH

    links = exonym_links()
    geo = LEXICON_PATH.parent / "geo.tsv"
    shared = {cells[2] for cells in (line.rstrip("\n").split("\t") for line in geo.open(encoding="utf-8"))
              if len(cells) >= 4 and "shared" in cells[3]}
    assert len(shared) > 1000
    assert [name for name in shared if spelling_key(name) in links] == []
    assert entity_key("Новоселовка") == entity_key("Новоселівка") == entity_key("Novoselivka")


def test_the_link_file_is_sourced_guarded_and_not_stale() -> None:
    header = gzip.decompress(EXONYMS.read_bytes()).decode("utf-8").splitlines()[0]
    assert header.startswith("# exonym links") and "dropped by the over-folding guard" in header
    rows = exonym_rows()
    assert len(rows) > 10_000
    assert {row[4] for row in rows} <= {"cldr", "iso", "geonames", "lexicon"}
    targets = {row[1] for row in rows}
    sources = {row[0] for row in rows}
    assert not targets & sources                       # one step: a target is never itself redirected
    stale = [row for row in rows if spelling_key(row[2]) != row[0] or spelling_key(row[3]) != row[1]]
    assert not stale, f"{len(stale)} rows stale (rerun scripts/build_exonyms.py), e.g. {stale[:3]}"


def test_articles_in_three_languages_name_one_city() -> None:
    pipe = load_pipeline("builtin")
    en = "Drones struck an energy facility near Zaporizhzhia overnight, the regional governor said."
    uk = "Уночі дрони атакували енергетичний об'єкт поблизу Запоріжжя, повідомив губернатор."
    ru = "Ночью беспилотники атаковали энергетический объект под Запорожьем, сообщил губернатор."
    out = pipe.extract_batch([en, uk, ru], ["en", "uk", "ru"])
    places = [{entity_key(m["canonical"]) for m in ments if m["label"] == "GPE"} for ments in out]
    assert places[0] == places[1] == places[2] == {entity_key("Zaporizhzhia")}, out


@pytest.fixture
def moscow(tmp_path):
    """A workspace with an English and a Russian article naming Moscow and Mykolaiv."""
    from workbench import open_workspace

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "en.txt").write_text("Officials in Moscow and Kyiv traded accusations on Tuesday about the "
                                   "shelling of Mykolaiv, which killed four people.", encoding="utf-8")
    (folder / "ru.txt").write_text("Во вторник официальные лица в Москве обвинили друг друга в обстреле "
                                   "Николаева, где погибли четыре человека.", encoding="utf-8")
    ws = open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    ws.ingest(folder, progress=False)
    yield ws
    ws.close()


def test_entity_table_folds_exonyms_across_articles(moscow) -> None:
    table = moscow.entity_table()
    for entity, cyrillic in (("Moscow", "Москве"), ("Mykolaiv", "Николаева")):   # aliases are as written
        rows = table[table["entity"] == entity]
        assert len(rows) == 1, list(table["entity"])
        assert cyrillic in rows.iloc[0]["aliases_by_language"].get("ru", []), rows.iloc[0]["aliases_by_language"]
    assert not set(table["entity"]) & {"Москва", "Николаев"}


def test_filter_and_corrections_take_the_exonym_too(moscow) -> None:
    ids = sorted(moscow.articles["id"])
    assert moscow.articles_with_entity("Москва") == ids
    assert moscow.articles_with_entity("Moscow") == ids
    moscow.rename_entity("Николаев", "Mykolaiv city")     # named in Russian, applied to the English article too
    frame = moscow.entities()
    assert set(frame[frame["text"].isin(["Mykolaiv", "Николаева"])]["canonical"]) == {"Mykolaiv city"}
