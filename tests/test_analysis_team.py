"""The team view of a matrix rated by several analysts, against numbers worked out by hand.

Votes on Open Synthesis's 1–5 scale: II 1, I 2, N 3, C 4, CC 5 (N/A counts 3 in its mean).

        analysts a / b / c      consensus   Open Synthesis mean m (N/A = 3, unrated skipped)
  E1 H1  C  / CC / C            13/3 → C    13/3
  E1 H2  I  / N  / –            5/2  → I    5/2      (a half rounds to the even vote: 2 = I)
  E1 H3  II / C  / I            7/3  → I    7/3
  E2 H1  NA / NA / I            NA (2 N/A outnumber 1 vote)   8/3
  E2 H2  N  / C  / NA           7/2  → C    10/3     (N/A left out of the label: 3.5 → 4 = C)
  E2 H3  CC / II / C            10/3 → N    10/3
  E3 H1  C  / I  / N            3    → N    3
  E3 H2  N  / N  / N            N           3
  E3 H3  N  / N  / N            N           3
"""
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import evidence_matrix, parc_scores, score
from workbench.analysis.team import (TEAM, analyst_frame, analyst_frames, analysts_of, consensus_frame,
                                     consensus_matrix, disagreements, team_score)

VOTES = {  # evidence -> hypothesis -> (a, b, c); None = not rated
    "E1": {"H1": ("C", "CC", "C"), "H2": ("I", "N", None), "H3": ("II", "C", "I")},
    "E2": {"H1": ("NA", "NA", "I"), "H2": ("N", "C", "NA"), "H3": ("CC", "II", "C")},
    "E3": {"H1": ("C", "I", "N"), "H2": ("N", "N", "N"), "H3": ("N", "N", "N")},
}


def long_frame(votes=VOTES, analysts=("a", "b", "c")):
    rows = []
    for index, analyst in enumerate(analysts):
        for evidence, cells in votes.items():
            for hypothesis, ratings in cells.items():
                rows.append({"evidence": evidence, "hypothesis": hypothesis, "analyst": analyst,
                             "rating": ratings[index], "credibility": "Medium", "relevance": "Medium"})
    return pd.DataFrame(rows)


def test_each_analyst_has_a_frame_of_their_own():
    data = long_frame()
    assert analysts_of(data) == ["a", "b", "c"]
    own = analyst_frame(data, "c")
    assert "analyst" not in own.columns and len(own) == 9
    assert pd.isna(own.loc[(own["evidence"] == "E1") & (own["hypothesis"] == "H2"), "rating"].item())
    assert list(analyst_frames(data)) == ["a", "b", "c"]
    assert analyst_frames(data)["b"]["rating"].tolist() == ["CC", "N", "C", "NA", "C", "II", "I", "N", "N"]
    with pytest.raises(ValueError, match=r"analyst 'zed': no ratings in this matrix \(analysts: a, b, c\)"):
        analyst_frame(data, "zed")


def test_consensus_follows_open_synthesis():
    consensus = consensus_frame(long_frame())
    assert "analyst" not in consensus.columns
    assert consensus["rating"].tolist() == ["C", "I", "I", "NA", "C", "N", "N", "N", "N"]
    matrix = consensus_matrix(evidence_matrix(long_frame()))
    assert matrix.analysts == (TEAM,) and matrix.votes.shape == (1, 3, 3)


def test_consensus_rounds_like_python_round_on_random_votes():
    """openach's consensus_vote, written out with statistics.mean and round(), on 300 random cells."""
    rng = np.random.default_rng(3)
    names = ["II", "I", "N", "C", "CC", "NA", None]
    vote = {"II": 1, "I": 2, "N": 3, "C": 4, "CC": 5}
    cells = {f"E{i}": {"H1": tuple(names[k] for k in rng.integers(0, 7, 4))} for i in range(300)}
    consensus = consensus_frame(long_frame(cells, analysts=("a", "b", "c", "d")))["rating"].tolist()
    for (evidence, cell), got in zip(cells.items(), consensus):
        given = [r for r in cell["H1"] if r is not None]
        na = [r for r in given if r == "NA"]
        rated = [vote[r] for r in given if r != "NA"]
        if not given:
            expected = None
        elif len(na) > len(rated):
            expected = "NA"
        else:
            expected = ["II", "I", "N", "C", "CC"][round(statistics.mean(rated)) - 1]
        assert got == expected, (evidence, cell)


def test_team_score_is_open_synthesis_on_the_mean_and_parc_on_the_consensus():
    scores = team_score(long_frame())
    table = scores.hypotheses
    # PARC on the consensus: H1 C, NA, N → 0; H2 I, C, N → -1; H3 I, N, N → -1
    assert table["parc_inconsistency"].tolist() == [0.0, -1.0, -1.0]
    assert table["parc_rank"].tolist() == [1, 2, 2]
    # (the mean of the analysts' PARC values would give H3 -1 - 2/3: the consensus is not that)
    assert parc_scores(long_frame()).loc["H3", "inconsistency"] == pytest.approx(-5 / 3)
    # Open Synthesis on the mean votes: H1 (3 - 8/3)² = 1/9; H2 (3 - 5/2)² = 1/4; H3 (3 - 7/3)² = 4/9
    assert table["open_synthesis_inconsistency"].tolist() == pytest.approx([1 / 9, 1 / 4, 4 / 9])
    # consistency: H1 (13/3 - 3)² = 16/9; H2 (10/3 - 3)² = 1/9; H3 (10/3 - 3)² = 1/9
    assert table["open_synthesis_consistency"].tolist() == pytest.approx([16 / 9, 1 / 9, 1 / 9])
    # Bayes on the consensus: H1 .8 · .5 · .5, H2 .2 · .8 · .5, H3 .2 · .5 · .5 → .2 / (.2 + .08 + .05)
    assert table["bayes_posterior"].tolist() == pytest.approx([0.2 / 0.33, 0.08 / 0.33, 0.05 / 0.33])
    assert scores.leaders["open_synthesis"] == ("H1",) and scores.leaders["parc"] == ("H1",)
    # Open Synthesis diagnosticity of E1 from the mean votes (13/3, 5/2, 7/3): population std
    m = [13 / 3, 5 / 2, 7 / 3]
    assert scores.evidence.loc["E1", "open_synthesis"] == pytest.approx(statistics.pstdev(m))


def test_one_analyst_team_is_that_analyst():
    single = long_frame(analysts=("a",))
    assert team_score(single).to_dict() == score(single).to_dict()
    assert team_score(single.drop(columns="analyst")).to_dict() == score(single.drop(columns="analyst")).to_dict()


def test_analysts_who_agree_score_as_one():
    cells = {e: {h: (r[0],) * 3 for h, r in hyps.items()} for e, hyps in VOTES.items()}
    team = team_score(long_frame(cells)).to_dict()
    alone = score(long_frame(cells, analysts=("a",))).to_dict()
    assert team == alone


def test_the_cells_where_analysts_differ_most():
    cells = disagreements(long_frame()).cells
    # spread = highest - lowest vote (N/A left out); std = sample standard deviation
    assert list(zip(cells["evidence"], cells["hypothesis"])) == [
        ("E2", "H3"), ("E1", "H3"), ("E3", "H1"), ("E1", "H2"), ("E2", "H2"), ("E1", "H1"), ("E2", "H1")]
    assert cells["spread"].tolist() == [4.0, 3.0, 2.0, 1.0, 1.0, 1.0, 0.0]
    # E2 H3: 5, 1, 4 → mean 10/3, squares 78/9, /2 → √(13/3); E1 H3: 1, 4, 2 → √(7/3); E3 H1: 4, 2, 3 → 1
    # E1 H2: 2, 3 → √(1/2); E2 H2: 3, 4 → √(1/2); E1 H1: 4, 5, 4 → √(1/3); E2 H1: one vote → 0
    assert cells["std"].tolist() == pytest.approx([math.sqrt(13 / 3), math.sqrt(7 / 3), 1.0, math.sqrt(0.5),
                                                   math.sqrt(0.5), math.sqrt(1 / 3), 0.0])
    first = cells.iloc[0]
    assert (first["a"], first["b"], first["c"], first["consensus"], first["votes"]) == ("CC", "II", "C", "N", 3)
    assert cells.iloc[3]["c"] is None and cells.iloc[3]["votes"] == 2


def test_each_analysts_leader_and_the_items_that_split_the_team():
    found = disagreements(long_frame())
    leaders = found.leaders.set_index("analyst")
    # a: E1 C I II, E2 NA N CC, E3 C N N → H1 under every engine
    # b: E1 CC N C, E2 NA C II, E3 I N N → PARC H1 0 / H2 0 / H3 -3: H2 after E3's I on H1 … H2 everywhere
    # c: E1 C - I, E2 I NA C, E3 N N N → H2 (the only hypothesis nothing refutes)
    assert leaders["leader"].to_dict() == {"a": "H1", "b": "H2", "c": "H2"}
    assert leaders.loc["b", "parc"] == "H2" and leaders.loc["a", "bayes"] == "H1"
    assert leaders["rated"].to_dict() == {"a": 9, "b": 9, "c": 8}
    items = found.items
    # E2: spreads 0 + 1 + 4 = 5 (max 4); E1: 1 + 1 + 3 = 5 (max 3); E3: 2
    assert items["evidence"].tolist() == ["E2", "E1", "E3"]
    assert items["total_spread"].tolist() == [5.0, 5.0, 2.0]
    assert items["split_cells"].tolist() == [3, 3, 1]
    # E3 on H1 (a's leader): a says C (supports), b says I (refutes)
    assert items["splits_leaders"].tolist() == [[], [], ["H1"]]
    assert found.to_dict()["cells"][0]["evidence"] == "E2"


def test_one_analyst_has_nothing_to_disagree_about():
    found = disagreements(long_frame(analysts=("a",)))
    assert found.cells.empty and found.items.empty
    assert found.leaders["leader"].tolist() == ["H1"]


def test_open_synthesis_votes_must_hold_the_same_items():
    with pytest.raises(ValueError, match="same evidence items"):
        score(long_frame(analysts=("a",)), open_synthesis_votes=long_frame({"E9": VOTES["E1"]}))
