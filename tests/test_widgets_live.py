"""Every open widget follows the team (issue 12, item 5): a change committed through a SECOND
``open_workspace`` of the same location (another notebook, on either backend) shows in the
reader, the corpus browser and the entity explorer after one poll message, as the page sends it;
an idle poll is one read of the change feed; a widget that follows nothing, or is closed, reads
nothing; its own writes are not drawn twice."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import workbench as wb

from test_widget_messages import Statements, send

ARTICLE = ("Minsk talks\n\nRussian President Vladimir Putin met Alexander Lukashenko in Minsk on Monday. "
           "NATO said Belarus would not join the war. Lukashenko denied it.")
LATER = ("Brussels meeting\n\nNATO ministers met in Brussels on Tuesday to discuss air defence. "
         "Jens Stoltenberg spoke after the meeting in Brussels.")
QUOTE = "NATO said Belarus would not join the war."


@pytest.fixture
def team(workspace_location: str, tmp_path: Path):
    """(ana's workspace, ben's workspace: a second open of the same location, the article id,
    the analysis id, a folder for more articles)."""
    source = tmp_path / "minsk.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    ana = wb.open_workspace(workspace_location, pipeline="builtin", analyst="ana")
    article = ana.ingest(source, progress=False).added[0]
    analysis = ana.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    ben = wb.open_workspace(workspace_location, pipeline="builtin", analyst="ben")
    yield ana, ben, article, analysis.id, tmp_path
    ben.close()
    ana.close()


def poll(widget) -> None:
    """One poll message from the page, a period after the last one."""
    widget._polled_at = float("-inf")
    send(widget, kind="poll")


def canonicals(reader) -> set[str]:
    return {span[3] for span in reader.doc["spans"]}


# -- the reader -------------------------------------------------------------------------------

def test_a_tag_from_another_notebook_is_underlined_in_the_open_reader_after_one_poll(team):
    ana, ben, article, aid, _ = team
    reader = wb.Reader(ana, article, analysis=ana.analysis(aid))
    assert reader.poll_ms == 1000 and reader.evidence == []
    ben.analysis(aid).tag_quote(article, QUOTE, ratings={"Stays out": "CC"})
    poll(reader)
    start = ARTICLE.index(QUOTE)
    stays = next(h["id"] for h in reader.hypotheses if h["name"] == "Stays out")
    assert [(e["label"], e["start"], e["end"], e["ratings"]) for e in reader.evidence] == \
        [("E1", start, start + len(QUOTE), {stays: "CC"})]
    assert reader.status == "updated: ben changed this analysis"
    assert reader.evidence == wb.Reader(ana, article, analysis=ana.analysis(aid), live=False).evidence


def test_an_entity_correction_from_another_notebook_rehighlights_the_open_reader(team):
    ana, ben, article, aid, _ = team
    reader = wb.Reader(ana, article, analysis=ana.analysis(aid))
    send(reader, kind="entity", canonical="Alexander Lukashenko")      # the analyst's open mentions list
    kwic = reader.kwic
    assert "Minsk" in canonicals(reader) and len(kwic) == 2
    ben.rename_entity("Minsk", "Minsk (city)")
    ben.relabel_entity("NATO", "NORP")
    poll(reader)
    assert "Minsk" not in canonicals(reader) and "Minsk (city)" in canonicals(reader)
    assert {span[2] for span in reader.doc["spans"] if span[3] == "NATO"} == {"NORP"}
    assert reader.kwic == kwic and reader.doc["id"] == article      # the same article, its list kept
    assert reader.status == "updated: ben changed the entities"


def test_the_readers_own_tag_is_not_drawn_again_and_an_idle_poll_is_one_statement(team):
    ana, ben, article, aid, _ = team
    reader = wb.Reader(ana, article, analysis=ana.analysis(aid))
    start = ARTICLE.index(QUOTE)
    joins = next(h["id"] for h in reader.hypotheses if h["name"] == "Joins")
    send(reader, kind="tag", start=start, end=start + len(QUOTE), ratings={joins: "I"})
    assert reader.status.startswith("saved E1")
    evidence = reader.evidence
    with Statements(ana.store.engine) as own:
        poll(reader)
    assert len(own.seen) == 1 and own.seen[0].startswith("SELECT audit_log.id")   # its own tag: shown already
    assert reader.evidence is evidence and reader.status.startswith("saved E1")
    ben.analysis(aid).rate("E1", "Joins", "CC")
    poll(reader)
    # the reader shows the analysis's ratings as a fresh read does (ana I, ben CC: their mean, C)
    assert reader.evidence[0]["ratings"] == {joins: "C"}
    assert reader.evidence == wb.Reader(ana, article, analysis=ana.analysis(aid), live=False).evidence


# -- the corpus browser -----------------------------------------------------------------------

def test_an_article_ingested_and_a_tag_made_elsewhere_reach_the_open_corpus_browser(team):
    ana, ben, article, aid, folder = team
    corpus = wb.CorpusBrowser(ana)
    send(corpus, kind="search", query="Stoltenberg")        # the analyst's typed query: no hit yet
    assert [r["id"] for r in corpus.rows] == [article] and corpus.text_hits == []
    later = folder / "brussels.txt"
    later.write_text(LATER, encoding="utf-8")
    added = ben.ingest(later, progress=False).added[0]
    poll(corpus)
    assert sorted(r["id"] for r in corpus.rows) == sorted([article, added])
    assert corpus.text_hits == [added]                     # the same query, asked again
    assert corpus.status == "updated: ben added 1 article"
    ben.analysis(aid).tag_quote(article, QUOTE)
    with Statements(ana.store.engine) as counted:
        poll(corpus)
    # the feed, then the evidence counts and the new-alerts badge: a tag adds no article to read again
    assert len(counted.seen) == 3, counted.seen
    assert {r["id"]: r["evidence"] for r in corpus.rows} == {article: 1, added: 0}
    assert corpus.status == "updated: ben changed evidence counts"
    assert corpus.rows == wb.CorpusBrowser(ana, live=False).rows


def test_a_rating_elsewhere_changes_nothing_in_the_corpus_browser(team):
    ana, ben, article, aid, _ = team
    ben.analysis(aid).tag_quote(article, QUOTE)
    corpus = wb.CorpusBrowser(ana)
    rows = corpus.rows
    ben.analysis(aid).rate("E1", "Joins", "C")
    poll(corpus)
    assert corpus.rows is rows and corpus.status == ""


# -- the entity explorer -----------------------------------------------------------------------

def test_merge_rename_and_relabel_elsewhere_reach_the_open_entity_explorer(team):
    ana, ben, _, _, _ = team
    explorer = wb.EntityExplorer(ana)
    send(explorer, kind="select", entity="Vladimir Putin", label="PERSON")
    table = lambda: {(r["entity"], r["label"]): r["mentions"] for r in explorer.rows}  # noqa: E731
    assert table()[("Alexander Lukashenko", "PERSON")] == 2 and table()[("Vladimir Putin", "PERSON")] == 1
    ben.merge_entities("Vladimir Putin", "Alexander Lukashenko")   # wrong, but another analyst's to make
    ben.rename_entity("Minsk", "Minsk (city)")
    ben.relabel_entity("NATO", "NORP")
    poll(explorer)
    assert table()[("Alexander Lukashenko", "PERSON")] == 3
    assert ("Vladimir Putin", "PERSON") not in table() and ("Minsk", "GPE") not in table()
    assert table()[("Minsk (city)", "GPE")] == 2 and ("NATO", "NORP") in table() and ("NATO", "ORG") not in table()
    assert explorer.status == "updated: ben corrected entities"
    # the mentions in context shown were of an entity merged away: said, not left stale
    assert explorer.kwic == [] and explorer.kwic_title.startswith("Vladimir Putin: no longer in the corpus")
    assert explorer.rows == wb.EntityExplorer(ana, live=False).rows


def test_the_shown_mentions_in_context_follow_a_correction(team):
    ana, ben, _, _, _ = team
    explorer = wb.EntityExplorer(ana)
    send(explorer, kind="select", entity="Alexander Lukashenko", label="PERSON")
    assert len(explorer.kwic) == 2
    ben.merge_entities("Vladimir Putin", "Alexander Lukashenko")
    poll(explorer)
    assert len(explorer.kwic) == 3 and explorer.kwic_title == "Alexander Lukashenko: 3 mentions shown"


# -- what following costs, and when it stops ----------------------------------------------------

WIDGETS = {
    "reader": lambda ws, article, aid, live: wb.Reader(ws, article, analysis=ws.analysis(aid), live=live),
    "corpus": lambda ws, article, aid, live: wb.CorpusBrowser(ws, live=live),
    "entities": lambda ws, article, aid, live: wb.EntityExplorer(ws, live=live),
    "matrix": lambda ws, article, aid, live: wb.Matrix(ws.analysis(aid), live=live),
}


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_an_idle_poll_is_one_read_of_the_change_feed(team, kind):
    ana, _, article, aid, _ = team
    widget = WIDGETS[kind](ana, article, aid, True)
    with Statements(ana.store.engine) as idle:
        for _ in range(3):
            poll(widget)
    assert len(idle.seen) == 3 and all(s.startswith("SELECT audit_log.id") for s in idle.seen), idle.seen
    with Statements(ana.store.engine) as again:      # a second view's poll within the period
        send(widget, kind="poll")
    assert again.seen == []


@pytest.mark.parametrize("kind", sorted(WIDGETS))
def test_a_widget_not_following_or_closed_reads_nothing(team, kind):
    ana, ben, article, aid, _ = team
    quiet = WIDGETS[kind](ana, article, aid, False)
    closed = WIDGETS[kind](ana, article, aid, True)
    assert quiet.poll_ms == 0 and closed.poll_ms == 1000
    closed.close()
    ben.analysis(aid).tag_quote(article, QUOTE)
    ben.rename_entity("Minsk", "Minsk (city)")
    with Statements(ana.store.engine) as sql:
        poll(quiet)
        poll(closed)
    assert sql.seen == []


def test_on_postgresql_an_idle_poll_is_one_round_trip_besides_the_pools_ping(pg_cluster, pg_url, tmp_path):
    """What the server itself receives per idle poll (its statement log): the pool's liveness ping
    and the feed read, in autocommit; no BEGIN, SET TRANSACTION or ROLLBACK around one statement."""
    database = pg_url.rsplit("/", 1)[1]
    source = tmp_path / "minsk.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    with wb.open_workspace(pg_url, pipeline="builtin", analyst="ana") as ws:
        article = ws.ingest(source, progress=False).added[0]
        aid = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"]).id
    pg_cluster.sql(f"ALTER DATABASE \"{database}\" SET log_statement = 'all'")   # new sessions log all
    log = pg_cluster.root / "server.log"
    with wb.open_workspace(pg_url, analyst="ana") as ws:
        matrix = wb.Matrix(ws.analysis(aid))   # the widget that followed before the others did
        poll(matrix)
        start = log.stat().st_size
        for _ in range(5):
            poll(matrix)
        time.sleep(0.2)   # the server writes its log line by line; let the last one land
        with log.open("rb") as handle:
            handle.seek(start)
            lines = handle.read().decode("utf-8", "replace").splitlines()
        with wb.open_workspace(pg_url, analyst="ben") as ben:   # a later write is seen as before
            ben.analysis(aid).tag_quote(article, QUOTE)
        poll(matrix)
        assert [row["label"] for row in matrix.data["rows"]] == ["E1"]
    sent = [line.split("LOG:", 1)[1].strip() for line in lines if "LOG:" in line]
    assert len(sent) == 10, sent                       # 5 polls × (the ping, the feed read)
    assert sent[0::2] == ["statement: ;"] * 5 and all("SELECT audit_log.id" in s for s in sent[1::2]), sent
