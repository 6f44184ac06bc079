"""Origins, settings and the confidence override in a real workspace, and what the CLI and report say."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import StoreError

SEED_TXT = Path(__file__).resolve().parents[1] / "seeds" / "000_77591201f77be997.txt"
HYPS = ["Belarus joins", "Belarus stays out", "Belarus steps back"]


def _article(tmp_path: Path, name: str, outlet: str, text: str, url: str) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"title": name, "text": text, "url": url, "source": outlet}), encoding="utf-8")
    return path


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend (SQLite file, PostgreSQL database)."""
    return any_ws


@pytest.fixture
def corpus(ws, tmp_path):
    """Two stories from outlet A, one from outlet B, and a syndicated copy of A's first story on C."""
    story = SEED_TXT.read_text(encoding="utf-8")
    copy = story.replace("dictators", "leaders") + "\n\nRepublished with permission."
    files = [
        _article(tmp_path, "a1", "Outlet A", story, "https://a.test/1"),
        _article(tmp_path, "a2", "Outlet A", "Belarus moved two brigades to the border on Monday, officials said.",
                 "https://a.test/2"),
        _article(tmp_path, "b1", "Outlet B", "Satellite images show Belarusian units near the border with Ukraine.",
                 "https://b.test/1"),
        _article(tmp_path, "c1", "Outlet C", copy, "https://c.test/1"),
    ]
    result = ws.ingest(*files, progress=False)
    assert result.ok, result.lines()
    ids = ws.articles.set_index("title")["id"].to_dict()
    return ws, ids


def test_items_of_one_outlet_share_an_origin_and_a_copy_takes_its_originals(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", HYPS)
    an.tag_quote(ids["a1"], "the armed forces of Belarus did not directly engage", ratings={"H1": "I"})
    an.tag_quote(ids["a2"], "Belarus moved two brigades to the border", ratings={"H1": "C"})
    an.tag_quote(ids["b1"], "Belarusian units near the border", ratings={"H1": "C"})
    an.tag_quote(ids["c1"], "Putin", occurrence=1, ratings={"H1": "N"})  # "Putin" occurs many times
    an.add_assumption("Lukashenko fears unrest", ratings={"H1": "I"})
    origins = an.frame().drop_duplicates("evidence").set_index("evidence")["origin"]
    assert origins["E1"] == origins["E2"]                 # one outlet
    assert origins["E3"] != origins["E1"]                 # another outlet
    assert origins["E4"] == origins["E1"]                 # a syndicated copy: its original's outlet
    assert origins["E5"] is None or origins["E5"] != origins["E5"]   # an assumption stands alone
    assert an.score().n_origins == 3


def test_marking_items_as_one_origin_is_audited_and_changes_the_posterior(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", HYPS)
    an.tag_quote(ids["a2"], "Belarus moved two brigades to the border", ratings={"H1": "C", "H2": "I", "H3": "I"})
    an.tag_quote(ids["b1"], "Belarusian units near the border", ratings={"H1": "C", "H2": "I", "H3": "I"})
    before = an.score().hypotheses.loc["Belarus joins", "bayes_posterior"]
    assert before == pytest.approx(.64 / (.64 + .04 + .04))          # two independent outlets
    an.mark_same_origin(["E1", "E2"], "one Ministry of Defence briefing")
    after = an.score().hypotheses.loc["Belarus joins", "bayes_posterior"]
    assert after == pytest.approx(.8 / (.8 + .2 + .2))              # one briefing, counted once
    assert "one origin" in an.history()["what"].iloc[-1]
    an.undo()
    assert an.score().hypotheses.loc["Belarus joins", "bayes_posterior"] == pytest.approx(before)


def test_settings_and_confidence_override_are_audited_and_undoable(corpus):
    ws, ids = corpus
    an = ws.new_analysis("Will Belarus join?", HYPS)
    an.tag_quote(ids["a2"], "Belarus moved two brigades to the border", ratings={"H1": "C", "H2": "I", "H3": "I"})
    assert an.score().confidence.level == "low"
    with pytest.raises(StoreError, match="note"):
        an.set_confidence("high")
    with pytest.raises(StoreError, match="not low, moderate or high"):
        an.set_confidence("certain", note="x")
    an.set_confidence("moderate", note="corroborated by imagery we hold offline")
    stated = an.score().confidence
    assert (stated.level, stated.derived, stated.override_note) == ("moderate", "low",
                                                                    "corroborated by imagery we hold offline")
    assert an.history()["what"].iloc[-1] == "confidence set to moderate"
    an.undo()
    assert not an.score().confidence.overridden
    an.configure(dependence="independent", ungraded="cannot-be-judged")
    assert an.settings == {"dependence": 1.0, "ungraded": "cannot-be-judged"}
    assert an.score().to_dict()["dependence"]["ungraded"] == "cannot-be-judged"
    with pytest.raises(StoreError, match="dependence"):
        an.configure(dependence=3)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True, timeout=300)


# SQLite only: `workbench demo` writes its workspace as a file in --out (the scores it checks are
# the same maths the parametrised tests above run on both backends)
def test_demo_headline_is_not_almost_certain_and_states_range_and_confidence(tmp_path):
    out = tmp_path / "demo"
    assert _cli("demo", "--out", str(out)).returncode == 0
    workspace = str(out / "workspace.sqlite")
    listed = json.loads(_cli("analysis", "list", "--workspace", workspace, "--format", "json").stdout)
    analysis = listed[0]["id"]
    result = json.loads(_cli("analysis", "score", "--workspace", workspace, "--analysis", analysis,
                             "--format", "json").stdout)
    bayes = result["engines"]["bayes"]
    leader = bayes["leaders"][0]
    assert bayes["words"][leader] != "almost certain"
    low, high = bayes["range"][leader]
    assert low < high and high > 0.99 > low                          # the naive 99% is the top of the range
    assert result["confidence"]["level"] == "low"
    text = _cli("analysis", "score", "--workspace", workspace, "--analysis", analysis).stdout
    assert re.search(r"\* +\d+\.\d%  .*very likely  \(range \d+–99%\)", text), text
    assert "assumes one observation per origin" in text and "confidence: low" in text
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Confidence: low" in report and "perturbed draws" in report
    assert "ranks first: almost certain" not in report
    # every stated Bayesian likelihood in the standing table carries its range
    standing = report[report.index("Where the hypotheses stand"):report.index("<h3>Matrix")]
    assert standing.count('class="wb-words"') == standing.count('class="wb-range"') == 3
