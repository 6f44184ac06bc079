"""Anchors in the workspace (issue #9 item 7): which occurrence a tag means, imports that find
their articles and quotes in edited copies and keep orphans, evidence shown on a later edited
copy of the story, and the schema step that records how each anchor was found."""
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import workbench as wb
from workbench.cli import main
from workbench.errors import StoreError

HYPS = ["Belarus joins the ground war", "Belarus stays a staging ground"]
URL = "https://wire.example/belarus-drills"
TITLE = "Belarus announces snap readiness checks"
OUTLET = "Example Wire"

ORIGINAL = (
    "MINSK, 14 March. Belarus’s defence ministry said that snap readiness checks had begun near the border "
    "with Ukraine, the third such exercise this year.\n\n"
    "“Next week the army will move north to secure the railway hubs at Gomel and Mozyr,” the ministry’s "
    "spokesman told reporters on Tuesday evening, adding that no mobilisation order had been signed.\n\n"
    "At first the ministry said the drills were routine. Western officials disagreed, pointing to new field hospitals "
    "and fuel depots close to the frontier. Later the ministry said the drills were routine, then cancelled "
    "the leave of all reservists in the Brest region without explanation.\n\n"
    "Observers in Vilnius doubted the claim and noted that rail traffic towards the south had doubled since "
    "the start of the month, according to satellite images published by an open-source group.")
# The same story, edited after publication: a word changed, straight apostrophes, a sentence cut.
EDITED = (ORIGINAL.replace("will move north", "would move north").replace("’", "'")
          .replace(" Western officials disagreed, pointing to new field hospitals and fuel depots close to the "
                   "frontier.", ""))

Q_WORD = "the army will move north to secure the railway hubs at Gomel and Mozyr"
Q_APOSTROPHE = "Belarus’s defence ministry said that snap readiness checks had begun"
Q_SAME = "rail traffic towards the south had doubled since the start of the month"
Q_CUT = "Western officials disagreed, pointing to new field hospitals and fuel depots close to the frontier"


def write(folder, name, body, **meta):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    (folder / f"{name}.json").write_text(json.dumps({"language": "en", **meta}), encoding="utf-8")
    return folder / f"{name}.txt"


def only_article(ws):
    (article,) = ws.articles["id"]
    return article


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend (SQLite file, PostgreSQL database)."""
    return any_ws


@pytest.fixture
def tagged(ws, tmp_path):
    """A workspace with the original story and an analysis quoting it four times."""
    ws.ingest(write(tmp_path / "in", "original", ORIGINAL, url=URL, title=TITLE, outlet=OUTLET), progress=False)
    article = only_article(ws)
    an = ws.new_analysis("Will Belarus join the ground war?", HYPS)
    for quote, rating in ((Q_WORD, "C"), (Q_APOSTROPHE, "N"), (Q_SAME, "C"), (Q_CUT, "I")):
        an.tag_quote(article, quote, ratings={"H1": rating})
    an.add_assumption("Minsk fears unrest if it mobilises", ratings={"H1": "I"})
    return ws, an, article


# -- tagging: which occurrence -----------------------------------------------------------------
def test_tag_quote_refuses_a_phrase_that_occurs_twice_and_names_the_count(tagged):
    ws, an, article = tagged
    before = len(an.evidence)
    with pytest.raises(StoreError, match=r"occurs 2 times in article .*occurrence=1\.\.2 or prefix=/suffix="):
        an.tag_quote(article, "the ministry said the drills were routine", ratings={"H2": "C"})
    with pytest.raises(StoreError, match=r"occurrence=3 is not between 1 and 2"):
        an.tag_quote(article, "the ministry said the drills were routine", occurrence=3)
    with pytest.raises(StoreError, match="no occurrence .* has the given prefix/suffix"):
        an.tag_quote(article, "the ministry said the drills were routine", prefix="Yesterday")
    assert len(an.evidence) == before  # nothing written


@pytest.mark.parametrize("options", [{"occurrence": 2}, {"prefix": "Later"}, {"suffix": ", then cancelled"},
                                     {"prefix": "frontier. Later", "occurrence": 1}],
                         ids=["occurrence", "prefix", "suffix", "prefix and occurrence"])
def test_tag_quote_takes_the_occurrence_its_context_names(tagged, options):
    ws, an, article = tagged
    eid = an.tag_quote(article, "the ministry said the drills were routine", **options)
    row = an.evidence.set_index("id").loc[eid]
    body = ws.article(article).text
    second = body.index("the ministry said the drills were routine", body.index("Later"))
    assert (row["start"], row["end"]) == (second, second + len("the ministry said the drills were routine"))
    assert (row["anchor_method"], row["anchor_score"]) == ("exact", 1.0)


def test_tag_quote_accepts_straight_for_curly_typography_and_stores_the_articles_words(tagged):
    ws, an, article = tagged
    eid = an.tag_quote(article, "Belarus's defence ministry said", ratings={"H2": "N"})
    row = an.evidence.set_index("id").loc[eid]
    assert row["exact"] == "Belarus’s defence ministry said"


# -- import: finding articles and quotes in edited copies, keeping orphans ---------------------------
def _import_into(tmp_path, name, doc, body, **meta):
    other = wb.open_workspace(tmp_path / f"{name}.sqlite", pipeline="builtin")
    other.ingest(write(tmp_path / name, "copy", body, **meta), progress=False)
    return other, other.import_analysis(doc)


def test_import_finds_the_edited_article_by_url_and_its_quotes_approximately(tagged, tmp_path):
    ws, an, _ = tagged
    doc = an.to_document()
    other, imported = _import_into(tmp_path, "by-url", doc, EDITED, url=URL, title="Another headline")
    edited_id = only_article(other)
    ev = imported.evidence.set_index("exact")
    body = other.article(edited_id).text
    changed = "the army would move north to secure the railway hubs at Gomel and Mozyr"
    assert ev.loc[changed, "anchor_method"] == "fuzzy" and 0.9 < ev.loc[changed, "anchor_score"] < 1.0
    straight = "Belarus's defence ministry said that snap readiness checks had begun"
    assert (ev.loc[straight, "anchor_method"], ev.loc[straight, "anchor_score"]) == ("fuzzy", 1.0)
    assert ev.loc[Q_SAME, "anchor_method"] == "exact"
    for exact, row in ev[ev["kind"] == "quote"].iterrows():
        if row["anchor_method"] != "orphaned":
            assert row["article_id"] == edited_id and body[row["start"]:row["end"]] == exact
    # the words as imported stay on record where the article's words differ
    with other.store.read() as conn:
        before = [json.loads(b) for (b,) in conn.execute(text(
            "SELECT before FROM audit_log WHERE action = 'reanchor'"))]
    assert {b["exact"] for b in before} == {Q_WORD, Q_APOSTROPHE}
    other.close()


def test_import_finds_the_article_by_title_and_outlet_when_id_hash_and_url_differ(tagged, tmp_path):
    ws, an, _ = tagged
    other, imported = _import_into(tmp_path, "by-title", an.to_document(), EDITED,
                                   url="https://mirror.example/other-path", title=TITLE, outlet=OUTLET)
    found = imported.evidence[imported.evidence["kind"] == "quote"]
    assert set(found["article_id"]) == {only_article(other)}
    assert (found["anchor_method"] != "orphaned").sum() == 3
    other.close()


def test_title_alone_is_not_enough_when_the_outlet_differs(tagged, tmp_path):
    ws, an, _ = tagged
    other, imported = _import_into(tmp_path, "other-outlet", an.to_document(), EDITED,
                                   url="https://mirror.example/other-path", title=TITLE, outlet="Some Other Site")
    assert (imported.evidence["anchor_method"] == "orphaned").sum() == 4
    other.close()


def test_an_import_with_orphans_keeps_every_other_item_and_lists_the_orphans(tagged, tmp_path):
    ws, an, _ = tagged
    doc = an.to_document()
    stray = dict(doc["evidence"][2], id="stray", article_id="0" * 16, content_hash="f" * 64, url=None,
                 title="A story this workspace never saw")
    doc["evidence"].append(stray)
    doc["ratings"].append({"evidence_id": "stray", "hypothesis_id": doc["hypotheses"][0]["id"], "rating": "II"})
    del doc["analyst_ratings"]  # edited by hand: its one matrix is the importer's (else it must stay their consensus)
    path = tmp_path / "with-orphans.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    other = wb.open_workspace(tmp_path / "orphans.sqlite", pipeline="builtin")
    other.ingest(write(tmp_path / "orphans", "copy", EDITED, url=URL, title=TITLE, outlet=OUTLET), progress=False)
    other.close()
    result = CliRunner().invoke(main, ["analysis", "import", str(path), "--workspace", str(tmp_path / "orphans.sqlite")])
    assert result.exit_code == 0, result.output
    assert "6 evidence items" in result.output and "2 quotes orphaned" in result.output
    assert "E4 'Western officials disagreed" in result.output and "E6 'rail traffic" in result.output
    assert "(no matching article)" in result.output
    again = wb.open_workspace(tmp_path / "orphans.sqlite", pipeline="builtin")
    imported = again.analysis(an.id)
    orphans = imported.orphans
    assert list(orphans["label"]) == ["E4", "E6"]
    assert list(orphans[HYPS[0]]) == ["I", "II"]  # ratings kept
    assert orphans["start"].isna().all() and list(orphans["exact"]) == [Q_CUT, Q_SAME]
    assert orphans["article_id"].iloc[0] == only_article(again)  # its article was found, the words were not
    assert len(imported.frame()) == 6 * len(HYPS)  # orphans still count in the matrix
    html = again.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "orphaned: not found in this workspace" in html
    # an analysis with orphans exports and imports again, orphans and all
    exported = imported.to_document()
    assert [e["anchor_method"] for e in exported["evidence"]] == ["fuzzy", "fuzzy", "exact", "orphaned", None,
                                                                   "orphaned"]
    annotations = json.loads(imported.export(tmp_path / "a.jsonld", "w3c").read_text(encoding="utf-8"))
    selectors = {a["id"].rsplit(":", 1)[1]: [s["type"] for s in a["target"]["selector"]]
                 for a in annotations["first"]["items"]}
    assert selectors["stray"] == ["TextQuoteSelector"]
    third = wb.open_workspace(tmp_path / "third.sqlite", pipeline="builtin")
    exported["analysis"]["id"] = "third"
    assert (third.import_analysis(exported).evidence["anchor_method"] == "orphaned").sum() == 5
    third.close()
    again.close()


@pytest.mark.parametrize("change, message", [
    ({"start": None, "end": None}, "a quote needs article_id, start, end and exact"),
    ({"anchor_method": "guessed"}, "anchor_method 'guessed' must be one of exact, fuzzy, orphaned"),
    ({"anchor_score": 1.5}, "anchor_score must be a number from 0 to 1"),
    ({"anchor_method": "orphaned", "exact": None, "start": None, "end": None}, "orphaned quote still needs"),
])
def test_bad_anchor_fields_are_refused(tagged, change, message):
    ws, an, _ = tagged
    doc = an.to_document()
    doc["analysis"]["id"] = "bad"
    doc["evidence"][0].update(change)
    with pytest.raises(StoreError, match=message):
        ws.import_analysis(doc)


# -- evidence on a later, edited copy of the story ---------------------------------------------------
def test_evidence_shows_on_a_later_edited_copy_of_the_story(tagged, tmp_path):
    ws, an, original = tagged
    result = ws.ingest(write(tmp_path / "later", "update", EDITED, url=URL + "?update=1", title=TITLE,
                             outlet=OUTLET), progress=False)
    (copy,) = result.added
    assert result.copies == [(copy, original)]  # detected as the same story
    body = ws.article(copy).text
    changed = "the army would move north to secure the railway hubs at Gomel and Mozyr"
    reader = wb.Reader(ws, copy, analysis=an)
    shown = {(body[e["start"]:e["end"]], e["label"]) for e in reader.evidence}
    assert shown == {(changed, "E1"), ("Belarus's defence ministry said that snap readiness checks had begun", "E2"),
                     (Q_SAME, "E3")}  # E4's sentence was cut from the copy: it shows only on the original
    html = ws.report(tmp_path / "report.html").read_text(encoding="utf-8")
    e1 = an.evidence.set_index("label").loc["E1", "id"]
    marker = f'id="passage-{e1}-{copy}"'
    assert marker in html
    shown_text = html.split(marker, 1)[1].split(">", 1)[1].split("</span>", 1)[0]
    assert "would move north" in shown_text and f"tagged in {original}, found approximately" in html


def test_an_orphaned_quote_is_not_shown_on_any_article(tagged, tmp_path):
    ws, an, article = tagged
    doc = an.to_document()
    doc["analysis"]["id"] = "with-orphan"
    doc["evidence"][0].update(exact="words that were never in any article at all", start=None, end=None,
                              anchor_method="orphaned", anchor_score=None)
    imported = ws.import_analysis(doc)
    assert list(imported.orphans["label"]) == ["E1"]
    reader = wb.Reader(ws, article, analysis=imported)
    assert [e["label"] for e in reader.evidence] == ["E2", "E3", "E4"]


# -- schema step 5 ---------------------------------------------------------------------------------
def test_a_v3_workspace_upgrades_keeping_evidence_and_ratings(workspace_location):
    """Steps 4-8 on a workspace as release 3 wrote it, on both backends (SQLite rebuilds the
    evidence table for its new checks; PostgreSQL alters the constraints in place)."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from conftest import raw_engine
    from workbench.store import schema as s
    from workbench.store.migrations import MIGRATIONS
    from workbench.store import Store, now

    path = workspace_location
    engine = raw_engine(path)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:  # a workspace as release 3 wrote it, with one rated quote
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        s.schema_migrations.create(conn)
        for step in MIGRATIONS[:3]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
        conn.execute(text("INSERT INTO articles (id, language, text, content_hash, words, ingested_at) "
                          "VALUES ('a1', 'en', 'Troops moved north.', 'h', 3, 'now')"))
        conn.execute(text("INSERT INTO analyses (id, question, created_by, created_at, updated_at) "
                          "VALUES ('an1', 'q', 'me', 'now', 'now')"))
        conn.execute(text("INSERT INTO hypotheses (id, analysis_id, name, position) VALUES ('h1', 'an1', 'H', 1)"))
        conn.execute(text("INSERT INTO evidence (id, analysis_id, kind, article_id, start, \"end\", exact, "
                          "analyst, created_at, updated_at) VALUES ('e1', 'an1', 'quote', 'a1', 0, 6, 'Troops', "
                          "'me', 'now', 'now')"))
        conn.execute(text("INSERT INTO ratings VALUES ('e1', 'h1', 'CC')"))
    store = Store(path)
    assert store.schema_version() == MIGRATIONS[-1].version >= 5
    indexes = ("SELECT count(*) FROM sqlite_master WHERE name LIKE 'ix_evidence_%'" if sqlite else
               "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix_evidence_%'")
    with store.read() as conn:
        assert conn.execute(text("SELECT anchor_method, anchor_score FROM evidence")).one() == ("exact", 1.0)
        assert conn.execute(text("SELECT rating FROM ratings")).scalar() == "CC"  # not lost to the rebuild
        assert conn.execute(text(indexes)).scalar() == 2
    with store.transaction() as conn:  # a step cut short is finished on the next open: re-running is safe
        next(m for m in MIGRATIONS if m.version == 5).apply(conn)
        assert conn.execute(text("SELECT rating FROM ratings")).scalar() == "CC"
    store.close()

    def run(statement: str) -> None:
        with engine.begin() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.execute(text(statement))

    run("INSERT INTO evidence (id, analysis_id, kind, exact, analyst, created_at, updated_at, "
        "anchor_method, position) VALUES ('e2', 'an1', 'quote', 'gone', 'me', 'now', 'now', 'orphaned', 2)")
    with pytest.raises(IntegrityError):  # only an orphan may lack offsets
        run("INSERT INTO evidence (id, analysis_id, kind, exact, analyst, created_at, updated_at, "
            "anchor_method, position) VALUES ('e3', 'an1', 'quote', 'gone', 'me', 'now', 'now', 'fuzzy', 3)")
    with pytest.raises(IntegrityError):
        run("UPDATE evidence SET anchor_method = 'guessed' WHERE id = 'e1'")
    with pytest.raises(IntegrityError):  # the ratings table still refers to evidence
        run("INSERT INTO ratings (evidence_id, hypothesis_id, rating, analyst) VALUES ('nope', 'h1', 'C', 'me')")
    engine.dispose()
