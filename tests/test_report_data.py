"""The report is drawn from plain data the workspace gathers (``Workspace.report_data``):
JSON-able, enough on its own to write the page, and gathered with one leave-one-out per analysis."""
import json
import sys

import pytest

import workbench.analysis.sensitivity as sensitivity
from workbench.demo import build_demo
from workbench.render.report import build_report


@pytest.fixture
def two_analyses(ws):
    """The demo analysis, a second scored analysis, and one with no evidence (nothing to score)."""
    _, demo = build_demo(ws, progress=False)
    article = ws.articles["id"].iloc[0]
    other = ws.new_analysis("Does Lukashenko decide alone?", ["yes", "no"])
    other.tag_quote(article, "Russia and Belarus had agreed to continue the practice of joint military exercises",
                    ratings={"yes": "I", "no": "C"})
    other.add_assumption("Minsk needs Moscow's money.", ratings={"yes": "I", "no": "CC"})
    ws.new_analysis("Nothing tagged yet?", ["a", "b"])
    return ws, demo, other


def _spy_leave_one_out(monkeypatch) -> list[int]:
    """Count every call of the real ``leave_one_out``, under whatever name a module imported it."""
    real = sensitivity.leave_one_out
    calls: list[int] = []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "__dict__", {}).get("leave_one_out") is real:
            monkeypatch.setattr(module, "leave_one_out", counted)
    return calls


def test_the_report_runs_leave_one_out_once_per_scored_analysis(two_analyses, tmp_path, monkeypatch):
    ws, _, _ = two_analyses
    ws.report(tmp_path / "warm.html")          # every engine module imported before the spy goes in
    calls = _spy_leave_one_out(monkeypatch)
    ws.report(tmp_path / "report.html")
    assert len(calls) == 2                     # two analyses with evidence, one without


def test_the_linchpins_shown_are_those_of_a_separate_leave_one_out(two_analyses):
    """Taking the sensitivity table from the scores' own leave-one-out loses nothing."""
    ws, demo, other = two_analyses
    views = {view["id"]: view for view in ws.report_data()["analyses"]}
    for analysis in (demo, other):
        view = views[analysis.id]
        loo = analysis.leave_one_out()
        rows = view["sensitivity"]["linchpins"]["rows"]
        labels = [engine["title"] for engine in view["matrix"]["engines"]]
        assert [r[0] for r in rows] == labels
        for row, (engine, items) in zip(rows, loo.linchpins.items()):
            assert row[1] == " = ".join(loo.baseline[engine])
            assert row[2] == (", ".join(items) if items else "none — no single item's removal changes the leader")


def test_report_data_is_plain_json_and_enough_to_write_the_page(two_analyses):
    ws, demo, other = two_analyses
    data = ws.report_data(title="Belarus & the war")
    text = json.dumps(data, allow_nan=False)  # str, int, float, bool, None, list, dict only
    again = json.loads(text)
    assert build_report(again) == build_report(data)
    assert again["title"] == "Belarus & the war"
    views = {view["id"]: view for view in again["analyses"]}
    assert sorted(view["scored"] for view in views.values()) == [False, True, True]
    # the demo's eleven items, with their quotes, reach the page through the data alone
    assert len(views[demo.id]["evidence"]) == 11 and len(views[other.id]["evidence"]) == 2
    assert "<h1>Belarus &amp; the war</h1>" in build_report(again)


def test_report_data_only_names_the_analyses_asked_for(two_analyses):
    ws, _, other = two_analyses
    data = ws.report_data(analyses=[other.id])
    assert [a["id"] for a in data["analyses"]] == [other.id]
    assert data["title"] == "Does Lukashenko decide alone?"


def test_a_hypothesis_named_like_an_evidence_column_shows_its_ratings_in_the_report(ws):
    """Ratings are taken by hypothesis, not by column name: a hypothesis called "note" shows its
    rating (not the item's note) in the evidence list, and its stance underlines the passage."""
    build_demo(ws, progress=False)
    article = ws.articles["id"].iloc[0]
    an = ws.new_analysis("Named like a column?", ["note", "source"])
    quote = "Russia and Belarus had agreed to continue the practice of joint military exercises"
    an.tag_quote(article, quote, ratings={"note": "C", "source": "II"}, note="the analyst's note")
    data = ws.report_data(analyses=[an.id])
    (view,) = data["analyses"]
    (item,) = view["evidence"]
    assert "ratings: H1 C · H2 II ·" in item["meta"], item["meta"]
    assert "the analyst's note" not in item["meta"]
    passages = [p for a in data["articles"] for p in a["passages"] if p["anchor"] == f"passage-{item['id']}"]
    assert [p["stance"] for p in passages] == ["support"]


def test_the_reports_legend_and_method_take_the_scale_from_analysis_scales(two_analyses, monkeypatch):
    """The rating words and the Bayesian likelihoods on the page are those of ``analysis.scales``."""
    from workbench.analysis import scales

    ws, _, _ = two_analyses
    data = ws.report_data()
    monkeypatch.setitem(scales.RATING_NAMES, "CC", "wholly consistent")
    monkeypatch.setitem(scales.BAYES_LIKELIHOODS, "C", 0.75)
    monkeypatch.setitem(scales.RELIABILITY_GRADES, "B", "mostly reliable")
    page = build_report(data)
    assert "CC wholly consistent" in page and "CC very consistent" not in page
    assert "C .75" in page and "C .80" not in page
    assert "B mostly reliable" in page
