"""The report's words: who leads under each engine (agree, tie, differ), engine names not keys."""
import pandas as pd

from workbench.analysis.formats import engine_name, leaders_sentence
from workbench.render._report_view import _sensitivity

ENGINES = ("parc", "parc_weighted", "open_synthesis", "bayes")


def test_every_engine_agrees_on_one_leader():
    result = leaders_sentence({e: ["Stays out"] for e in ENGINES})
    assert result == {"agree": True, "text": "Every engine ranks first: Stays out."}


def test_every_engine_agrees_on_a_tie():
    result = leaders_sentence({e: ["Joins", "Stays out"] for e in ENGINES})
    assert result == {"agree": True, "text": "Every engine ranks Joins and Stays out level first."}


def test_engines_that_differ_are_each_named_with_their_leaders():
    # the case: PARC ties H1 and H2, Bayes ranks H2 alone (there was "Every engine ranks first: H1 = H2")
    leaders = {"parc": ["H1", "H2"], "parc_weighted": ["H1", "H2"], "open_synthesis": ["H1", "H2"], "bayes": ["H2"]}
    result = leaders_sentence(leaders)
    assert result == {"agree": False, "text": (
        "The engines differ: PARC inconsistency, PARC weighted inconsistency and Open Synthesis rank H1 and H2 "
        "level first; Bayesian posterior ranks H2 first.")}


def test_engines_with_different_single_leaders():
    result = leaders_sentence({"parc": ["A"], "bayes": ["B"]})
    assert result == {"agree": False, "text": "The engines differ: PARC inconsistency ranks A first; "
                                              "Bayesian posterior ranks B first."}


def test_three_tied_hypotheses_are_listed_with_commas():
    result = leaders_sentence({"bayes": ["A", "B", "C"]})
    assert result["text"] == "Every engine ranks A, B and C level first."


def test_engine_names_come_from_the_one_vocabulary():
    assert [engine_name(e) for e in ENGINES] == ["PARC inconsistency", "PARC weighted inconsistency",
                                                  "Open Synthesis", "Bayesian posterior"]
    assert engine_name("unknown") == "unknown"


def test_the_rating_changes_table_names_engines_and_drops_an_empty_analyst_column():
    scores = {"engines": {"bayes": {"label": "Bayesian posterior", "leaders": ["A"], "linchpins": []}}}
    moves = pd.DataFrame({"engine": ["bayes", "parc"], "evidence": ["E1", "E2"], "hypothesis": ["A", "B"],
                          "analyst": ["", ""], "rating": ["C", "I"], "to": ["CC", "II"],
                          "direction": ["up", "down"], "leaders": ["B", "A = B"]})
    table = _sensitivity(scores, moves)["moves"]
    assert "analyst" not in [c.lower() for c in table["columns"]]
    assert table["columns"][0] == "Engine"
    assert [row[0] for row in table["rows"]] == ["Bayesian posterior", "PARC inconsistency"]


def test_the_rating_changes_table_keeps_named_analysts():
    scores = {"engines": {}}
    moves = pd.DataFrame({"engine": ["bayes"], "evidence": ["E1"], "hypothesis": ["A"], "analyst": ["ana"],
                          "rating": ["C"], "to": ["CC"], "direction": ["up"], "leaders": ["B"]})
    table = _sensitivity(scores, moves)["moves"]
    assert "Analyst" in table["columns"]
    assert table["rows"][0][table["columns"].index("Analyst")] == "ana"


def test_the_first_page_summary_names_the_leader_with_words_range_and_confidence():
    from workbench.render._report_view import summary_view

    scores = {"engines": {
        "parc": {"label": "PARC inconsistency", "leaders": ["Joins", "Stays out"]},
        "bayes": {"label": "Bayesian posterior", "leaders": ["Stays out"], "scores": {"Joins": 0.3, "Stays out": 0.7},
                  "words": {"Joins": "unlikely", "Stays out": "likely"},
                  "range": {"Joins": [0.1, 0.45], "Stays out": [0.55, 0.9]},
                  "range_words": {"Joins": "x", "Stays out": "likely to very likely"}}},
        "confidence": {"level": "moderate", "reasons": []}}
    summary = summary_view("Will Belarus join?", scores)
    assert summary == {"question": "Will Belarus join?",
                       "leaders": ["Stays out — likely (70%; range 55–90%: likely to very likely)"],
                       "agreement": "The engines differ: PARC inconsistency ranks Joins and Stays out level first; "
                                    "Bayesian posterior ranks Stays out first.",
                       "confidence": "Confidence: moderate"}


def test_underline_colours_follow_the_checked_hypothesis_and_are_escaped_names():
    from workbench.render.report import underline_css, underline_legend

    choices = [{"index": 0, "question": "Q?", "hypotheses": [{"n": 1, "label": "H1", "name": "<b>a</b>"},
                                                              {"n": 2, "label": "H2", "name": "b"}]}]
    css = underline_css(choices)
    assert ".wb-report:has(#wb-follow-0-2:checked) .wb-f0-2-support { text-decoration-color: #1a9850; }" in css
    assert ".wb-report .wb-ev-refute { text-decoration-color: #d73027; }" in css
    html = underline_legend(choices)
    assert html.count('type="radio"') == 2 and html.count(" checked") == 1
    assert "<b>a</b>" not in html and "&lt;b&gt;a&lt;/b&gt;" in html
    assert underline_legend([]) == ""
