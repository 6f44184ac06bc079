"""Canonical entities and analyst corrections: persist, win over pipelines, apply later."""
import json

import pytest

from workbench.errors import StoreError

LATER = ("Analysts at the Institute for War Studies said Lukashenko met Shoigu in Minsk. "
         "The Union State plans were discussed, and Lukashenko said missile drills would go on.")


class RenamingPipeline:
    """A second real pipeline: the built-in one with another fingerprint and a tweak, to
    prove corrections win over any pipeline and a change of pipeline re-runs only what it must."""

    name = "builtin-variant"
    fingerprint = "variant-1"

    def __init__(self):
        from workbench.nlp import load_pipeline

        self.inner = load_pipeline("builtin")
        self.calls = 0

    def extract_batch(self, texts, languages=None):
        self.calls += len(texts)
        out = self.inner.extract_batch(texts, languages)
        return [[{**m, "label": "ORG"} if m["text"] == "Lukashenko" else m for m in mentions] for mentions in out]


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend (SQLite file, PostgreSQL database)."""
    return any_ws


@pytest.fixture
def seeded(ws, seed_dir):
    ws.ingest(seed_dir, progress=False)
    return ws


def _labels_of(ws, text):
    frame = ws.entities()
    return set(frame[frame["text"] == text]["label"])


def test_entity_table_groups_aliases(seeded):
    table = seeded.entity_table().set_index("entity")
    putin = table.loc["Vladimir Putin"]
    assert putin["label"] == "PERSON"
    # a mention holds the role as written ("Russian President Vladimir Putin"); the entity is the bare name
    assert {"Putin", "Russian President Vladimir Putin"} <= set(putin["aliases"])
    assert putin["mentions"] >= 10 and putin["articles"] == 1
    assert putin["first_seen"] == putin["last_seen"] == "2022-12-19"


def _canonical_of(ws, fragment):
    frame = ws.entities()
    return frame[frame["text"].str.contains(fragment, regex=False)]["canonical"].iloc[0]


def test_merge_persists_and_applies_to_later_articles(seeded, tmp_path):
    ws = seeded
    wrong = _canonical_of(ws, "Institute for War Studies")  # the article's misnaming of ISW
    assert wrong != "Institute for the Study of War"
    ws.merge_entities(wrong, "Institute for the Study of War")
    table = ws.entity_table().set_index("entity")
    assert wrong not in table.index
    assert any("Institute for War Studies" in a for a in table.loc["Institute for the Study of War", "aliases"])
    later = tmp_path / "later.txt"
    later.write_text(LATER)
    new_id = ws.ingest(later, progress=False).added[0]
    mentions = ws.entities(new_id)
    isw = mentions[mentions["text"].str.contains("Institute for War Studies", regex=False)]
    assert len(isw) == 1 and isw.iloc[0]["canonical"] == "Institute for the Study of War"


def test_relabel_delete_split_and_undo(seeded):
    ws = seeded
    west = _canonical_of(ws, "West")
    ws.relabel_entity(west, "GPE")
    assert set(ws.entities().query("canonical == @west")["label"]) == {"GPE"}
    rule = ws.delete_mention("Minsk", label="GPE")
    assert "Minsk" not in set(ws.entities()["text"])
    ws.undo_correction(rule)
    assert "Minsk" in set(ws.entities()["text"])
    ws.split_entity("Alexander Lukashenko", "Belarusian President Alexander Lukashenko", "Alexander G. Lukashenko")
    canon = ws.entities().query("text == 'Belarusian President Alexander Lukashenko'")["canonical"]
    assert set(canon) == {"Alexander G. Lukashenko"}
    assert "Alexander Lukashenko" in set(ws.entities().query("text == 'Lukashenko'")["canonical"])
    history = ws.corrections
    assert list(history["action"]) == ["relabel", "delete", "split"]
    assert list(history["active"]) == [True, False, True]


def test_add_missed_mention_everywhere_including_later_ingests(seeded, tmp_path):
    ws = seeded
    seed_id = ws.articles.id[0]
    ws.add_mention(None, "Union State", "ORG", everywhere=True)
    seed_mentions = ws.entities(seed_id)
    union = seed_mentions[seed_mentions["text"] == "Union State"]
    assert len(union) == 1 and union.iloc[0]["origin"] == "analyst" and union.iloc[0]["label"] == "ORG"
    later = tmp_path / "later.txt"
    later.write_text(LATER)
    new_id = ws.ingest(later, progress=False).added[0]
    assert "Union State" in set(ws.entities(new_id)["text"])


def test_add_one_mention_at_an_offset_overrides_overlaps(seeded):
    ws = seeded
    article = ws.article(ws.articles.id[0])
    start = article.text.index("Kremlin spokesman")
    ws.add_mention(article.id, "Kremlin", "ORG", start=start)
    found = ws.entities(article.id).query("start == @start")
    assert list(found["text"]) == ["Kremlin"] and list(found["origin"]) == ["analyst"]
    with pytest.raises(StoreError, match="holds 'Krem"):
        ws.add_mention(article.id, "Kremlinx", "ORG", start=start)


def test_corrections_fail_clearly_when_nothing_matches(seeded):
    with pytest.raises(StoreError, match="no mention with canonical 'Nobody'"):
        seeded.merge_entities("Nobody", "Somebody")
    with pytest.raises(StoreError, match="does not occur"):
        seeded.add_mention(None, "Atlantis", "GPE", everywhere=True)
    with pytest.raises(StoreError, match="label"):
        seeded.relabel_entity("Minsk", "")
    assert seeded.corrections.empty


def test_corrections_win_over_a_new_pipeline_and_rerun_does_only_what_it_must(seeded, tmp_path):
    ws = seeded
    ws.relabel_entity("Alexander Lukashenko", "PERSON")  # explicit: a person, whatever a pipeline says
    wrong = _canonical_of(ws, "Institute for War Studies")
    ws.merge_entities(wrong, "Institute for the Study of War")
    variant = RenamingPipeline()
    rerun, skipped = ws.rerun_entities(variant, progress=False)
    assert (rerun, skipped) == (1, 0) and variant.calls == 1
    assert _labels_of(ws, "Lukashenko") == {"PERSON"}  # the variant said ORG; the analyst wins
    assert wrong not in set(ws.entities()["canonical"])
    again = ws.rerun_entities(variant, progress=False)
    assert again == (0, 1) and variant.calls == 1  # nothing re-run twice


def test_corrections_survive_reingest_of_the_same_article(seeded, seed_dir):
    ws = seeded
    ws.merge_entities("Vladimir Putin", "Vladimir Vladimirovich Putin")
    result = ws.ingest(seed_dir, progress=False)
    assert result.present and not result.added
    assert "Vladimir Vladimirovich Putin" in set(ws.entities()["canonical"])
    assert "Vladimir Putin" not in set(ws.entities()["canonical"])


def test_claims_list_who_claimed_what(seeded):
    claims = seeded.claims()
    speakers = set(claims["speaker"])
    assert {"Mykhailo Podoliak", "Dmitry Peskov", "Serhiy Nayev", "Oleg Zhdanov"} <= speakers
    peskov = claims[claims["speaker"] == "Dmitry Peskov"].iloc[0]
    assert peskov["quote"] == "stupid and groundless."
    text = seeded.article(peskov["article_id"]).text
    assert text[peskov["quote_start"]:peskov["quote_end"]] == peskov["quote"]
    # corrections reach claims: a renamed speaker lists under the new name
    seeded.rename_entity("Dmitry Peskov", "Dmitry S. Peskov")
    assert "Dmitry S. Peskov" in set(seeded.claims()["speaker"])
