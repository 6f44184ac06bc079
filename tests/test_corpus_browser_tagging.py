"""Tagging a passage from the corpus browser (issue 13, item 2): a search lists its best
sentences; one message tags one as evidence for the browser's analysis, rated or to be rated
later; the evidence column counts it and the passage shows it is evidence. The bad cases (no
analysis, a passage no longer in the workspace, a passage never listed) give one line in the
passages panel and tag nothing. Driven as the page drives it, on a real SQLite workspace."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

import workbench as wb

from test_widget_messages import send

MINSK = ("Minsk talks\n\nRussian President Vladimir Putin met Alexander Lukashenko in Minsk on Monday. "
         "NATO said Belarus would not join the war. Lukashenko denied it.")
BORDER = ("Border build-up\n\nSatellite images show Belarusian units near the border with Ukraine. "
          "Analysts doubt that Belarus will join the war.")
QUOTE = "NATO said Belarus would not join the war."


def _corpus(location, tmp_path: Path):
    ws = wb.open_workspace(location, pipeline="builtin", analyst="ana")
    ids = {}
    for name, body in (("minsk", MINSK), ("border", BORDER)):
        path = tmp_path / f"{name}.txt"
        path.write_text(body, encoding="utf-8")
        ids[name] = ws.ingest(path, progress=False).added[0]
    return ws, ids


@pytest.fixture
def corpus(tmp_path: Path):
    """A SQLite workspace with two articles: (workspace, {"minsk": id, "border": id})."""
    ws, ids = _corpus(tmp_path / "ws.sqlite", tmp_path)
    yield ws, ids
    ws.close()


@pytest.fixture
def any_corpus(workspace_location: str, tmp_path: Path):
    """The same on each backend (SQLite, PostgreSQL)."""
    ws, ids = _corpus(workspace_location, tmp_path)
    yield ws, ids
    ws.close()


def listed(browser, article_id: str, sentence: str) -> dict:
    """The passage the browser lists for ``sentence`` of an article."""
    return next(p for p in browser.passages if p["article_id"] == article_id and p["text"] == sentence)


def test_a_search_lists_passages_with_offsets_and_one_message_tags_one_rated(any_corpus):
    ws, ids = any_corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    browser = wb.CorpusBrowser(ws, live=False)
    assert browser.analysis["id"] == an.id
    assert [(h["label"], h["name"]) for h in browser.analysis["hypotheses"]] == [("H1", "Joins"), ("H2", "Stays out")]
    send(browser, kind="search", query="belarus join")
    assert {p["article_id"] for p in browser.passages} == {ids["minsk"], ids["border"]}
    passage = listed(browser, ids["minsk"], QUOTE)
    start = MINSK.index(QUOTE)  # by hand: the quote's place in the stored text
    assert (passage["start"], passage["end"]) == (start, start + len(QUOTE))
    assert [passage["text"][a:b] for a, b in passage["marks"]] == ["Belarus", "join"]
    assert passage["evidence"] is None
    assert {r["id"]: r["evidence"] for r in browser.rows} == {ids["minsk"]: 0, ids["border"]: 0}

    stays_out = browser.analysis["hypotheses"][1]["id"]
    send(browser, kind="tag", article_id=ids["minsk"], start=passage["start"], end=passage["end"],
         ratings={stays_out: "CC", browser.analysis["hypotheses"][0]["id"]: ""})
    assert browser.status == ""
    assert browser.tag_note.startswith("tagged E1 in “Will Belarus join?” from Minsk talks, rated against 1 hypothesis")
    evidence = an.evidence
    assert list(evidence["exact"]) == [QUOTE] and list(evidence["article_id"]) == [ids["minsk"]]
    assert list(evidence["Stays out"]) == ["CC"] and list(evidence["Joins"]) == ["NA"]  # H1: rate later
    assert {r["id"]: r["evidence"] for r in browser.rows} == {ids["minsk"]: 1, ids["border"]: 0}
    assert listed(browser, ids["minsk"], QUOTE)["evidence"] == "E1"
    # the same passage listed by a later search shows it is evidence already
    send(browser, kind="search", query="NATO said")
    assert listed(browser, ids["minsk"], QUOTE)["evidence"] == "E1"


def test_tag_now_rate_later(any_corpus):
    ws, ids = any_corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    an.add_assumption("Minsk follows Moscow's lead")   # an item without an anchor: quotes nothing
    browser = wb.CorpusBrowser(ws, live=False)
    send(browser, kind="search", query="satellite images")
    passage = browser.passages[0]
    assert passage["article_id"] == ids["border"]
    send(browser, kind="tag", article_id=passage["article_id"], start=passage["start"], end=passage["end"])
    assert browser.tag_note.endswith("rate it later in the matrix") and browser.tag_note.startswith("tagged E2")
    quoted = an.evidence.dropna(subset=["article_id"])
    assert list(quoted["exact"]) == ["Satellite images show Belarusian units near the border with Ukraine."]
    assert list(quoted["Joins"]) == ["NA"] and list(quoted["Stays out"]) == ["NA"]
    assert browser.passages[0]["evidence"] == "E2"


def test_the_analysis_given_or_chosen_is_the_one_tagged_into(corpus):
    ws, ids = corpus
    first = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    second = ws.new_analysis("Is the border reinforced?", ["Yes", "No"])
    fixed = wb.CorpusBrowser(ws, live=False, analysis=first)
    assert fixed.analysis_fixed and fixed.analyses == [{"id": first.id, "question": "Will Belarus join?"}]
    send(fixed, kind="choose", analysis_id=second.id)  # the page offers no choice: ignored
    assert fixed.analysis["id"] == first.id
    browser = wb.CorpusBrowser(ws, live=False)
    assert {a["id"] for a in browser.analyses} == {first.id, second.id}
    send(browser, kind="choose", analysis_id=second.id)
    assert [h["name"] for h in browser.analysis["hypotheses"]] == ["Yes", "No"]
    send(browser, kind="search", query="belarusian units")
    passage = browser.passages[0]
    send(browser, kind="tag", article_id=passage["article_id"], start=passage["start"], end=passage["end"])
    assert len(second.evidence) == 1 and len(first.evidence) == 0
    send(browser, kind="choose", analysis_id="nope")
    assert browser.status.startswith("error: ") and "nope" in browser.status


def test_no_analysis_says_so_and_tags_nothing(corpus):
    ws, ids = corpus
    browser = wb.CorpusBrowser(ws)
    assert browser.analysis == {} and browser.tag_note.startswith("no analysis in this workspace")
    send(browser, kind="search", query="belarus join")
    passage = listed(browser, ids["minsk"], QUOTE)
    send(browser, kind="tag", article_id=passage["article_id"], start=passage["start"], end=passage["end"])
    assert browser.tag_note.startswith("no analysis in this workspace") and browser.status == ""
    assert ws.evidence_counts() == {}
    # an analysis started in another notebook: the next poll offers it
    with wb.open_workspace(ws.store.path, analyst="ben") as ben:
        aid = ben.new_analysis("Will Belarus join?", ["Joins", "Stays out"]).id
    browser._polled_at = -float("inf")
    send(browser, kind="poll")
    assert browser.analysis["id"] == aid and browser.tag_note == ""


def test_a_deleted_article_or_a_passage_never_listed_gives_one_line_and_tags_nothing(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    browser = wb.CorpusBrowser(ws, live=False)
    send(browser, kind="search", query="belarus join")
    border = listed(browser, ids["border"], "Analysts doubt that Belarus will join the war.")
    send(browser, kind="tag", article_id=ids["minsk"], start=0, end=5)   # not a listed passage
    assert browser.tag_note == f"passage 0-5 of article {ids['minsk'][:8]}: not in this search's list; search again"
    with ws.store.transaction() as conn:   # the article goes (as a cleanup behind the workbench would)
        conn.execute(text("DELETE FROM article_bands WHERE article_id = :id"), {"id": ids["border"]})
        conn.execute(text("DELETE FROM mentions WHERE article_id = :id"), {"id": ids["border"]})
        conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": ids["border"]})
    send(browser, kind="tag", article_id=border["article_id"], start=border["start"], end=border["end"])
    assert browser.tag_note == f"article {ids['border'][:8]}: no longer in this workspace (deleted); search again"
    assert "\n" not in browser.tag_note and browser.status == ""
    assert len(an.evidence) == 0


def test_a_changed_article_gives_one_line(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    browser = wb.CorpusBrowser(ws, live=False)
    send(browser, kind="search", query="belarus join")
    passage = listed(browser, ids["minsk"], QUOTE)
    # the listed sentence no longer matches the stored text (as after the article was replaced)
    browser._listed[(ids["minsk"], passage["start"], passage["end"])] = "Something else entirely was said here."
    send(browser, kind="tag", article_id=passage["article_id"], start=passage["start"], end=passage["end"])
    assert browser.tag_note == f"article {ids['minsk'][:8]}: its text changed since this search; search again"
    assert len(an.evidence) == 0


def test_a_tag_elsewhere_in_a_listed_passage_is_shown_after_a_poll(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    browser = wb.CorpusBrowser(ws)
    send(browser, kind="search", query="belarus join")
    an.tag_quote(ids["minsk"], QUOTE)   # another cell (or notebook) tags the same sentence
    browser._polled_at = -float("inf")
    send(browser, kind="poll")
    assert listed(browser, ids["minsk"], QUOTE)["evidence"] == "E1"


def test_passages_escape_nothing_themselves_the_view_puts_text_in_text_nodes():
    """The passages panel builds its DOM from text nodes: no innerHTML with article text."""
    source = (Path(wb.__file__).resolve().parent.parent / "widgets" / "corpus_browser.js").read_text(encoding="utf-8")
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source


def test_a_bad_rating_is_an_error_in_the_status_and_tags_nothing(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    browser = wb.CorpusBrowser(ws, live=False)
    send(browser, kind="search", query="belarus join")
    passage = listed(browser, ids["minsk"], QUOTE)
    joins = browser.analysis["hypotheses"][0]["id"]
    send(browser, kind="tag", article_id=ids["minsk"], start=passage["start"], end=passage["end"],
         ratings={joins: "maybe"})
    assert browser.status.startswith("error: ") and "maybe" in browser.status and "\n" not in browser.status
    assert len(an.evidence) == 0 and ws.evidence_counts() == {}
    assert listed(browser, ids["minsk"], QUOTE)["evidence"] is None


def test_the_workbench_s_corpus_browser_tags_into_the_workbench_s_analysis(corpus):
    """The Workbench widget's browser tags into the analysis its chooser shows (not the most
    recently changed one), follows the chooser, and the matrix beside it shows the tag at once."""
    ws, ids = corpus
    first = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    ferry = ws.new_analysis("Is the ferry safe?", ["Safe", "Unsafe"])  # the most recent: the browser's own default
    bench = wb.Workbench(ws, first.id)
    browser = bench.corpus
    assert browser.analysis["id"] == first.id and browser.analysis_fixed
    send(browser, kind="search", query="belarus join")
    passage = listed(browser, ids["minsk"], QUOTE)
    send(browser, kind="tag", article_id=ids["minsk"], start=passage["start"], end=passage["end"], ratings={})
    assert list(first.evidence["exact"]) == [QUOTE]
    assert [row["label"] for row in bench.matrix.data["rows"]] == ["E1"]  # redrawn from the tag's state, no poll

    second = ferry.id
    bench.chooser.value = second
    assert browser.analysis["id"] == second
    send(browser, kind="search", query="belarus join")
    passage = listed(browser, ids["border"], "Analysts doubt that Belarus will join the war.")
    send(browser, kind="tag", article_id=ids["border"], start=passage["start"], end=passage["end"], ratings={})
    assert len(ws.analysis(second).evidence) == 1 and len(first.evidence) == 1
