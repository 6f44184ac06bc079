"""One entity across English, Russian, Ukrainian and Belarusian: the entity table, keyword in
context and every analyst correction, on real articles run through the real pipelines, on both
backends. Canonical names of Cyrillic mentions are base forms here (the Ukrainian path's own
lemmatising is tested with it)."""
import pytest

from workbench.errors import StoreError

EN = ("Kyiv, Ukraine. President Zelensky met officials in Kyiv on Monday. Zelenskyy said the talks with "
      "Lukashenko's envoys had failed. Olena Zelenska visited a hospital in Kiev. Alexander Lukashenko denied "
      "it in Minsk.")
UK = ("Київ. Президент Зеленський провів нараду у місті Київ у понеділок. Зеленський заявив, що переговори з "
      "представниками Лукашенко провалилися. Олена Зеленська відвідала шпиталь. Олександр Лукашенко перебуває у "
      "місті Мінськ, повідомляє служба.")
RU = ("Киев. Президент Зеленский провел совещание, сообщает пресс-служба. Зеленский заявил, что переговоры "
      "провалились. Александр Лукашенко находился в Минске.")
LATER_RU = "Киев. Глава Белоруссии Александр Лукашенко снова заявил, что Зеленский ошибается."


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend (SQLite file, PostgreSQL database)."""
    return any_ws


@pytest.fixture
def three(ws, tmp_path):
    folder = tmp_path / "xlang"
    folder.mkdir()
    for name, text in (("en.txt", EN), ("uk.txt", UK), ("ru.txt", RU)):
        (folder / name).write_text(text, encoding="utf-8")
    ws.ingest(folder, progress=False)
    assert sorted(ws.articles["language"]) == ["en", "ru", "uk"]
    return ws


def _row(table, entity):
    rows = table[table["entity"] == entity]
    assert len(rows) == 1, f"{entity}: {len(rows)} rows in {list(table['entity'])}"
    return rows.iloc[0]


def test_one_row_per_entity_with_aliases_by_language(three):
    table = three.entity_table()
    kyiv = _row(table, "Kyiv")
    assert kyiv["aliases_by_language"] == {"en": ["Kiev", "Kyiv"], "ru": ["Киев"], "uk": ["Київ"]}
    assert kyiv["mentions"] == 6 and kyiv["articles"] == 3  # Kyiv Kyiv Kiev; Київ (dateline), місті Київ; Киев
    zelensky = _row(table, "Zelensky")
    assert zelensky["aliases_by_language"] == {"en": ["President Zelensky", "Zelenskyy"], "ru": ["Зеленский"],
                                               "uk": ["Зеленський"]}
    assert set(_row(table, "Alexander Lukashenko")["aliases_by_language"]) == {"en", "ru", "uk"}
    # his wife is not him
    assert _row(table, "Olena Zelenska")["aliases_by_language"] == {"en": ["Olena Zelenska"],
                                                                    "uk": ["Олена Зеленська"]}
    names = set(table["entity"])
    assert not names & {"Київ", "Киев", "Зеленський", "Зеленский", "Kiev"}


def test_context_of_an_entity_named_in_any_script(three):
    for name in ("Kyiv", "Київ", "Киев"):
        context = three.mentions_in_context(name)
        assert sorted(set(context["match"])) == ["Kiev", "Kyiv", "Киев", "Київ"], name
        assert context["article_id"].nunique() == 3


def test_the_entity_filter_finds_every_script(three):
    ids = three.articles.set_index("language")["id"]
    assert three.articles_with_entity("kyiv") == sorted(ids)          # Київ and Киев articles too
    assert three.articles_with_entity("Київ") == sorted(ids)
    assert three.articles_with_entity("Zelenska") == sorted([ids["en"], ids["uk"]])
    assert three.articles_with_entity("Zurich") == [] and three.articles_with_entity(" ") == []


def test_rename_and_relabel_apply_across_languages_and_to_later_articles(three, tmp_path):
    ws = three
    ws.rename_entity("Київ", "Kyiv city")           # named in Ukrainian, applied everywhere
    frame = ws.entities()
    assert set(frame[frame["text"].isin(["Kyiv", "Kiev", "Київ", "Киев"])]["canonical"]) == {"Kyiv city"}
    ws.relabel_entity("Zelensky", "ORG")
    frame = ws.entities()
    assert set(frame[frame["text"].isin(["Zelensky", "Zelenskyy", "Зеленський", "Зеленский"])]["label"]) == {"ORG"}
    assert set(frame[frame["text"] == "Olena Zelenska"]["label"]) == {"PERSON"}
    later = tmp_path / "later.txt"
    later.write_text(LATER_RU, encoding="utf-8")
    new_id = ws.ingest(later, progress=False).added[0]
    mentions = ws.entities(new_id)
    assert mentions[mentions["text"] == "Киев"]["canonical"].tolist() == ["Kyiv city"]
    assert mentions[mentions["text"] == "Зеленский"]["label"].tolist() == ["ORG"]


def test_merge_of_two_entities_joins_all_their_spellings(three):
    ws = three
    ws.merge_entities("Олена Зеленська", "Zelensky")   # a wrong merge, on purpose: it must take every script
    row = _row(ws.entity_table(), "Zelensky")
    assert row["aliases_by_language"]["uk"] == ["Зеленський", "Олена Зеленська"]
    assert "Olena Zelenska" in row["aliases_by_language"]["en"]


def test_split_keeps_a_folded_spelling_apart_and_undo_restores(three):
    ws = three
    rule = ws.split_entity("Kyiv", "Kiev", "Kiev")      # "Kiev" folds like Kyiv: the split must hold
    table = ws.entity_table()
    assert _row(table, "Kiev")["aliases"] == ["Kiev"]
    assert "Kiev" not in _row(table, "Kyiv")["aliases"]
    # one article read alone agrees with the whole workspace
    en_id = ws.articles.set_index("language").loc["en", "id"]
    alone = ws.entities(en_id)
    assert alone[alone["text"] == "Kiev"]["canonical"].tolist() == ["Kiev"]
    renamed = ws.merge_entities("Kiev", "Kiev (old spelling)")  # a rule naming the split-off entity stays on it
    table = ws.entity_table()
    assert _row(table, "Kiev (old spelling)")["aliases"] == ["Kiev"]
    assert _row(table, "Kyiv")["mentions"] == 5  # 6 less the split-off Kiev
    ws.undo_correction(renamed)   # undone last first, as the explorer's undo does
    ws.undo_correction(rule)
    assert ws.entities().query("text == 'Kiev'")["canonical"].tolist() == ["Kyiv"]


def test_delete_and_errors_name_the_entity(three):
    ws = three
    ws.delete_mention("Киев")
    assert "Киев" not in set(ws.entities()["text"])
    assert "Київ" in set(ws.entities()["text"])
    with pytest.raises(StoreError, match="no mention with canonical 'Lukashevich'"):
        ws.relabel_entity("Lukashevich", "ORG")


def test_report_entity_index_groups_across_scripts():
    """The report's entity index (render.views) from plain mentions: one row per entity, aliases by language."""
    import pandas as pd

    from workbench.render.table_views import entity_rows, entity_table

    rows = [("a", "GPE", "Kyiv", "Kyiv"), ("a", "GPE", "Kiev", "Kyiv"), ("b", "GPE", "Київ", "Київ"),
            ("c", "GPE", "Киев", "Киев"), ("c", "PERSON", "Зеленский", "Зеленский"),
            ("b", "PERSON", "Зеленська", "Зеленська"),
            ("a", "PERSON", "Zelensky", "Zelensky"), ("b", "GPE", "<b>Львів</b>", "<b>Львів</b>")]
    frame = pd.DataFrame(rows, columns=["article_id", "label", "text", "canonical"])
    found = {(r["entity"], r["label"]): r for r in entity_rows(frame)}
    kyiv = found[("Kyiv", "GPE")]
    assert (kyiv["mentions"], kyiv["articles"], kyiv["first"]) == (4, 3, "a")
    assert kyiv["aliases_by_language"] == {"en": ["Kiev", "Kyiv"], "ru": ["Киев"], "uk": ["Київ"]}
    assert found[("Zelensky", "PERSON")]["aliases"] == ["Zelensky", "Зеленский"]
    assert found[("Зеленська", "PERSON")]["mentions"] == 1
    table = entity_table(list(found.values()))
    cells = {row[0]: row[4] for row in table["rows"]}
    assert cells["Kyiv"] == "en: Kiev · ru: Киев · uk: Київ"
    assert cells["<b>Львів</b>"] == ""         # text stays text: render escapes it where it draws
