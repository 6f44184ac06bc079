"""Ranked full-text search (issue 13, items 1 and 2) on both backends: ranking, snippets,
three languages with inflected forms, every filter, passages and tagging one, the index kept
with ingest, and an older workspace upgraded by schema step 11."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from workbench import open_workspace
from workbench.errors import WorkbenchError
from workbench.store import Store, now
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS
from workbench.store.search import indexed_count, unindex_articles

from conftest import raw_engine

# A hand-made corpus: (key, outlet, published, language, title, text)
CORPUS = [
    ("dense", "Wire One", "2023-01-10", "en", "Air defence report",
     "Missile strikes hit the city. A second missile struck the port. Officials counted every missile."),
    ("sparse", "Wire Two", "2023-02-20", "en", "Weekly round-up",
     "The council met on Monday to discuss the budget, schools, parks and roads. Later in the week a missile "
     "was reported near the border, and the council also discussed libraries, bridges, street lights and "
     "the harbour, the museum, the hospital and the new market square."),
    ("other", "Wire Two", "2023-03-05", "en", "Harvest news",
     "Farmers reported a good harvest of wheat and barley this autumn."),
    ("ru", "Лента", "2023-01-15", "ru", "Заявление Кремля",
     "В Москве заявили, что переговоры продолжатся. Представитель МИД выступил в Москве в среду."),
    ("uk", "Стрічка", "2023-01-20", "uk", "Вибухи у столиці",
     "Уночі у Києві пролунали вибухи. Мер Києва повідомив про наслідки. Сили ППО збили ракети."),
    ("xss", "Wire One", "2023-04-01", "en", "Script <b>title</b>",
     "Someone pasted <script>alert(1)</script> into a page about a drone attack & more."),
]


@pytest.fixture
def corpus(workspace_location: str, tmp_path: Path):
    """A workspace on each backend holding ``CORPUS`` (one JSONL file); yields (ws, key -> id)."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps({"title": title, "text": body, "outlet": outlet, "published": day,
                                          "language": lang, "url": f"https://example.test/{key}"})
                              for key, outlet, day, lang, title, body in CORPUS) + "\n", encoding="utf-8")
    ws = open_workspace(workspace_location, pipeline="builtin")
    result = ws.ingest(path, progress=False)
    assert not result.failed
    by_url = dict(zip(ws.articles["url"], ws.articles["id"]))
    yield ws, {key: by_url[f"https://example.test/{key}"] for key, *_ in CORPUS}
    ws.close()


def found(frame) -> list[str]:
    return list(frame["article_id"])


def test_ranking_order_on_a_hand_made_corpus(corpus):
    ws, ids = corpus
    hits = ws.search("missile")
    # three missiles in a short text rank above one in a long text; the harvest story is not found
    assert found(hits) == [ids["dense"], ids["sparse"]]
    assert hits["score"].iloc[0] > hits["score"].iloc[1] > 0
    assert list(hits.columns[:8]) == ["article_id", "title", "source", "reliability", "published", "language",
                                      "copy_of", "score"]


def test_english_inflected_forms_and_query_syntax(corpus):
    ws, ids = corpus
    assert found(ws.search("missiles")) == found(ws.search("missile"))  # plural finds singular and back
    assert found(ws.search("strikes")) == [ids["dense"]]
    assert found(ws.search("striking")) == [ids["dense"]]                # strike / strikes / striking
    assert found(ws.search('"second missile"')) == [ids["dense"]]        # a phrase
    assert found(ws.search('"missile second"')).count(ids["dense"]) == 0  # word order matters in a phrase
    assert set(found(ws.search("missile -council"))) == {ids["dense"]}   # excluded
    assert set(found(ws.search("harvest OR port"))) == {ids["other"], ids["dense"]}
    assert set(found(ws.search("harv*"))) == {ids["other"]}              # prefix
    assert found(ws.search("MISSILE")) == found(ws.search("missile"))    # case folded


def test_russian_and_ukrainian_inflected_forms(corpus):
    ws, ids = corpus
    assert found(ws.search("Москва")) == [ids["ru"]]   # the text says "в Москве"
    assert found(ws.search("москвы")) == [ids["ru"]]
    assert found(ws.search("Київ")) == [ids["uk"]]     # the text says "у Києві", "Києва"
    assert found(ws.search("Києвом")) == [ids["uk"]]
    assert found(ws.search("ракета")) == [ids["uk"]]   # "ракети"
    snippet = ws.search("Київ")
    text, marks = snippet["snippet"].iloc[0], snippet["highlights"].iloc[0]
    assert [text[a:b] for a, b in marks] == ["Києві", "Києва"]  # the article's own words are marked


def test_snippets_are_plain_text_with_offsets_so_markup_is_never_trusted(corpus):
    ws, ids = corpus
    hits = ws.search("pasted drone")
    assert found(hits) == [ids["xss"]]
    text, marks = hits["snippet"].iloc[0], hits["highlights"].iloc[0]
    assert "<script>alert(1)</script>" in text        # the article's characters, unchanged: the view escapes them
    assert [text[a:b] for a, b in marks] == ["pasted", "drone"]  # highlights are offsets, not markup from the index
    # the corpus browser builds highlights with text nodes and <mark> elements, never innerHTML
    js = (Path(__file__).resolve().parent.parent / "widgets" / "corpus_browser.js").read_text(encoding="utf-8")
    body = js[js.index("function snippetNode"):js.index("function render")]
    assert "createTextNode" in body and "innerHTML" not in body and "insertAdjacentHTML" not in body
    for word in ("script", "alert"):  # markup in an article is text to the index too
        assert found(ws.search(word)) == [ids["xss"]]


def test_each_filter(corpus):
    ws, ids = corpus
    ws.grade_source("Wire One", "B")
    assert found(ws.search("missile", source="Wire Two")) == [ids["sparse"]]
    assert found(ws.search("missile", grade="B")) == [ids["dense"]]
    assert found(ws.search("missile", grade="A-C")) == [ids["dense"]]
    assert set(found(ws.search("missile", grade=["B", "F"]))) == {ids["dense"], ids["sparse"]}
    assert found(ws.search("missile", language="en", since="2023-02-01")) == [ids["sparse"]]
    assert found(ws.search("missile", until="2023-01-10")) == [ids["dense"]]  # until is inclusive
    assert found(ws.search("missile", since="2023-01-11", until="2023-02-19")) == []
    assert found(ws.search("Москва", language="uk")) == []
    assert found(ws.search("Москва", language="ru")) == [ids["ru"]]
    mentions = ws.entities()
    canonical = mentions.loc[mentions["article_id"] == ids["sparse"], "canonical"]
    if canonical.empty:  # the builtin pipeline found nothing in that article: mark an entity by hand
        pytest.fail("the builtin pipeline found no entity in the round-up")
    name = canonical.iloc[0]
    with_entity = found(ws.search("missile", entity=name))
    assert with_entity == [ids["sparse"]] or set(with_entity) == {
        i for i in (ids["dense"], ids["sparse"]) if name in set(mentions.loc[mentions["article_id"] == i, "canonical"])}
    assert found(ws.search("missile", entity=name.upper())) == with_entity  # any case


def test_copies_are_hidden_unless_asked_for(corpus, tmp_path):
    ws, ids = corpus
    body = next(c for c in CORPUS if c[0] == "dense")[5]
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"title": "Air defence report", "text": body, "outlet": "Reprinter",
                                "url": "https://reprint.test/1", "language": "en"}) + "\n", encoding="utf-8")
    result = ws.ingest(copy, progress=False)
    assert len(result.copies) == 1
    copy_id = result.copies[0][0]
    assert copy_id not in found(ws.search("missile"))
    # a limit met by the first ranked matches (SQLite ranks those without a join) gives the same order
    assert found(ws.search("missile", limit=1)) == [ids["dense"]]
    assert found(ws.search("missile", limit=2)) == [ids["dense"], ids["sparse"]]
    shown = ws.search("missile", copies=True)
    assert copy_id in found(shown) and shown.set_index("article_id").loc[copy_id, "copy_of"] == ids["dense"]


@pytest.mark.parametrize("options, message", [
    ({"language": "xx"}, "language 'xx': no article is stored in it (stored: en, ru, uk)"),
    ({"source": "Nobody"}, "source 'Nobody': not in this workspace"),
    ({"entity": "Nobody Atall"}, "entity 'Nobody Atall': no article mentions it"),
    ({"grade": "Z"}, "grade 'Z': give Admiralty grades A-F, such as B, AB or A-C"),
    ({"since": "2023-13-01"}, "since '2023-13-01': not a date (use YYYY-MM-DD)"),
    ({"since": "2023-03-01", "until": "2023-01-01"}, "since 2023-03-01 is after until 2023-01-01"),
    ({"limit": 0}, "limit 0: must be a whole number from 1 to 10000"),
])
def test_a_bad_filter_value_is_one_line_naming_it(corpus, options, message):
    ws, _ = corpus
    with pytest.raises(WorkbenchError) as err:
        ws.search("missile", **options)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


@pytest.mark.parametrize("query, message", [("", "query '': no words to search for"),
                                            ("-missile", "query '-missile': only excluded words to search for"),
                                            ("!!! ???", "query '!!! ???': no words to search for")])
def test_a_query_without_words_is_refused(corpus, query, message):
    ws, _ = corpus
    with pytest.raises(WorkbenchError, match="^" + message.replace("?", r"\?") + "$"):
        ws.search(query)


def test_passages_have_offsets_into_the_article_and_tag_as_evidence(corpus):
    ws, ids = corpus
    rows = ws.search_passages("missile")
    assert len(rows) == 4  # three sentences of the dense story, one of the round-up
    for row in rows.itertuples():
        text = ws.article(row.article_id).text
        assert text[row.start:row.end] == row.sentence
        assert [row.snippet[a:b].lower() for a, b in row.highlights] == ["missile"] * len(row.highlights)
    assert set(rows["article_id"]) == {ids["dense"], ids["sparse"]}
    two = ws.search_passages("missile port")  # the sentence holding both words comes first
    assert two["sentence"].iloc[0] == "A second missile struck the port."
    an = ws.new_analysis("Was the port struck?", ["Yes", "No"])
    first = two.iloc[0]
    evidence = an.tag(first.article_id, first.start, first.end, ratings={"Yes": "C"})  # one step
    tagged = an.evidence.set_index("id").loc[evidence]
    assert tagged["exact"] == "A second missile struck the port." and tagged["article_id"] == ids["dense"]


def test_the_index_follows_ingest_and_unindexing(corpus, tmp_path):
    ws, ids = corpus
    new = tmp_path / "new.txt"
    new.write_text("Artillery duels continued along the river overnight.\n", encoding="utf-8")
    added = ws.ingest(new, progress=False).added[0]
    assert found(ws.search("artillery")) == [added]
    with ws.store.read() as conn:
        assert indexed_count(conn) == len(ws.articles)
    with ws.store.transaction() as conn:  # what a delete must do first; the index forgets the article
        unindex_articles(conn, [ids["other"]])
    assert found(ws.search("harvest")) == []
    assert found(ws.search("missile")) == [ids["dense"], ids["sparse"]]
    with ws.store.transaction() as conn:  # a delete that forgets the index: the article is still never found
        conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": ids["xss"]})
    assert found(ws.search("drone")) == []
    with ws.store.read() as conn:
        assert indexed_count(conn) == len(ws.articles) - 1  # its row number went with it ("other" is unindexed)


def test_the_corpus_browser_searches_ranked_with_snippets(corpus):
    import workbench as wb

    ws, ids = corpus
    browser = wb.CorpusBrowser(ws)
    browser._search({"query": "missiles"})
    assert browser.text_hits == [ids["dense"], ids["sparse"]]  # best first
    snip = browser.snippets[ids["sparse"]]
    assert [snip["text"][a:b] for a, b in snip["marks"]] == ["missile"]
    browser._search({"query": "Києва"})
    assert browser.text_hits == [ids["uk"]]


def test_an_older_workspace_is_indexed_by_step_11(workspace_location):
    engine = raw_engine(workspace_location)
    older = [m for m in MIGRATIONS if m.version < 11]
    with engine.begin() as conn:  # a workspace as release 10 wrote it
        s.schema_migrations.create(conn)
        for step in older:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
        conn.execute(insert(s.articles).values(id="a" * 16, title="Old news", language="uk", text="Бої під Херсоном.",
                                               content_hash="h1", words=3, ingested_at=now()))
        conn.execute(insert(s.articles).values(id="b" * 16, title="Older news", language="en",
                                               text="Convoys were moving.", content_hash="h2", words=3,
                                               ingested_at=now()))
        names = {"sqlite": "SELECT count(*) FROM sqlite_master WHERE name = 'article_search'",
                 "postgresql": "SELECT count(*) FROM pg_tables WHERE tablename = 'article_search'"}
        assert conn.execute(text(names[engine.dialect.name])).scalar() == 0
    engine.dispose()
    Store(workspace_location).close()  # opening upgrades
    ws = open_workspace(workspace_location)
    assert ws.store.schema_version() == MIGRATIONS[-1].version
    assert found(ws.search("Херсон")) == ["a" * 16]
    assert found(ws.search("convoy")) == ["b" * 16]
    ws.close()


def test_logins_granted_before_step_11_search_and_ingest_after_it(pg_cluster, pg_url, tmp_path):
    """PostgreSQL: a viewer and an analyst granted on a release-10 workspace keep reading and
    ingesting once step 11 adds the index (which every search reads and every ingest writes)."""
    engine = raw_engine(pg_url)
    with engine.begin() as conn:
        s.schema_migrations.create(conn)
        for step in [m for m in MIGRATIONS if m.version < 11]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
        conn.execute(insert(s.articles).values(id="a" * 16, title="Old", language="en", text="Convoys were moving.",
                                               content_hash="h1", words=3, ingested_at=now()))
    engine.dispose()
    name = pg_url.rsplit("/", 1)[1]
    viewer, analyst = f"vera_{name}", f"alex_{name}"
    for role, extra in ((viewer, ""), (analyst, "; GRANT INSERT ON articles, article_bands, nlp_runs, mentions, "
                                                 "audit_log, sources TO \"{r}\"; GRANT USAGE ON ALL SEQUENCES "
                                                 "IN SCHEMA public TO \"{r}\"")):
        pg_cluster.sql(f'CREATE ROLE "{role}" LOGIN')
        pg_cluster.sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"' + extra.format(r=role), database=name)
    try:
        Store(pg_url).close()  # the owner opens it: step 11 runs
        with open_workspace(pg_cluster.url(name, user=viewer)) as ws:
            assert found(ws.search("convoy")) == ["a" * 16]
        later = tmp_path / "later.txt"
        later.write_text("Artillery duels continued along the river.\n", encoding="utf-8")
        with open_workspace(pg_cluster.url(name, user=analyst), pipeline="builtin") as ws:
            added = ws.ingest(later, progress=False).added
            assert found(ws.search("artillery")) == added
    finally:
        for role in (viewer, analyst):
            pg_cluster.sql(f'DROP OWNED BY "{role}" CASCADE', database=name)
            pg_cluster.sql(f'DROP ROLE "{role}"')


def test_the_entity_filter_follows_the_analysts_corrections(corpus):
    """A renamed entity is found by its new name (the stored mentions still hold the old one)."""
    ws, ids = corpus
    ws.add_mention(ids["dense"], "port", "LOC", canonical="Harbour Port")  # an analyst's mention
    assert found(ws.search("missile", entity="Harbour Port")) == [ids["dense"]]
    ws.rename_entity("Harbour Port", "Sevastopol Bay")
    assert found(ws.search("missile", entity="sevastopol bay")) == [ids["dense"]]
    with pytest.raises(WorkbenchError, match="^entity 'Harbour Port': no article mentions it$"):
        ws.search("missile", entity="Harbour Port")
