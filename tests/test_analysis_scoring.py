"""Scoring engines against matrices worked out by hand (the arithmetic is in the comments)."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import bayes_scores, open_synthesis_scores, parc_diagnosticity, parc_scores, score
from workbench.analysis.bayes import discounted_likelihood
from workbench.analysis.icd203 import likelihood_band, likelihood_words
from workbench.analysis.open_synthesis import open_synthesis_diagnosticity

SQRT2 = math.sqrt(2)


def frame(cells, weights=None, **item_columns):
    """Tidy frame from {evidence: [ratings in hypothesis order]} (hypotheses H1, H2, ...)."""
    rows = []
    for evidence, ratings in cells.items():
        for index, rating in enumerate(ratings):
            row = {"evidence": evidence, "hypothesis": f"H{index + 1}", "rating": rating}
            if weights:
                row["credibility"], row["relevance"] = weights[evidence]
            for column, values in item_columns.items():
                row[column] = values[evidence]
            rows.append(row)
    return pd.DataFrame(rows)


# E1..E4 against H1..H3, with credibility / relevance weights
CELLS = {"E1": ["C", "I", "II"], "E2": ["N", "I", "C"], "E3": ["CC", "C", "I"], "E4": ["I", "NA", "N"]}
WEIGHTS = {"E1": ("High", "Medium"), "E2": ("Low", "Low"), "E3": ("Medium", "Medium"), "E4": ("High", "High")}


def test_parc_inconsistency_by_hand():
    result = parc_scores(frame(CELLS, WEIGHTS))
    # IS(H1) = E4:I(-1)                        = -1
    # IS(H2) = E1:I(-1) + E2:I(-1)             = -2   (NA counts 0)
    # IS(H3) = E1:II(-2) + E3:I(-1)            = -3   (C, CC, N count 0)
    assert result["inconsistency"].tolist() == [-1.0, -2.0, -3.0]
    assert result["rank"].tolist() == [1, 2, 3]
    # weights: E1 High·Medium = √2, E2 Low·Low = 1/2, E3 1, E4 High·High = 2
    # WIS(H1) = 2·(-1)                         = -2
    # WIS(H2) = √2·(-1) + 1/2·(-1)             = -1.9142...
    # WIS(H3) = √2·(-2) + 1·(-1)               = -3.8284...
    assert result["weighted_inconsistency"].tolist() == pytest.approx([-2.0, -SQRT2 - 0.5, -2 * SQRT2 - 1.0])
    assert result["weighted_rank"].tolist() == [2, 1, 3]


def test_parc_diagnosticity_by_hand():
    result = parc_diagnosticity(frame(CELLS, WEIGHTS))
    # spread of c across hypotheses: E1 (0,-1,-2) → 2; E2 (0,-1,0) → 1; E3 (0,0,-1) → 1; E4 (-1,0,0) → 1
    assert result["diagnosticity"].tolist() == [2.0, 1.0, 1.0, 1.0]
    # weighted: E1 2·√2, E2 1/2, E3 1, E4 2
    assert result["weighted_diagnosticity"].tolist() == pytest.approx([2 * SQRT2, 0.5, 1.0, 2.0])


def test_weights_change_the_parc_leader_and_engines_say_so():
    scores = score(frame(CELLS, WEIGHTS))
    assert scores.leaders["parc"] == ("H1",)
    assert scores.leaders["parc_weighted"] == ("H2",)
    assert scores.disagreement is not None
    assert "PARC weighted inconsistency favours 'H2'" in scores.disagreement
    assert "'H1'" in scores.disagreement


def test_open_synthesis_by_hand():
    result = open_synthesis_scores(frame(CELLS))
    # votes: II 1, I 2, N 3, C 4, CC 5, NA counted 3
    # E1 (4,2,1)  E2 (3,2,4)  E3 (5,4,2)  E4 (2,3,3)
    # inconsistency H1: E4 (3-2)² = 1;  H2: E1 (3-2)² + E2 (3-2)² = 2;  H3: E1 (3-1)² + E3 (3-2)² = 5
    assert result["inconsistency"].tolist() == [1.0, 2.0, 5.0]
    # consistency H1: E1 (4-3)² + E3 (5-3)² = 5;  H2: E3 (4-3)² = 1;  H3: E2 (4-3)² = 1
    assert result["consistency"].tolist() == [5.0, 1.0, 1.0]
    assert result["rank"].tolist() == [1, 2, 3]


def test_open_synthesis_diagnosticity_is_population_std():
    result = open_synthesis_diagnosticity(frame(CELLS))
    # E1 (4,2,1): mean 7/3, squared deviations 25/9 + 1/9 + 16/9 = 42/9, /3 = 14/9
    assert result["E1"] == pytest.approx(math.sqrt(14 / 9))
    # E4 (2,3,3): mean 8/3, deviations 4/9 + 1/9 + 1/9 = 6/9, /3 = 2/9
    assert result["E4"] == pytest.approx(math.sqrt(2 / 9))


def test_open_synthesis_squares_the_mean_vote_of_several_analysts():
    rows = [{"evidence": "E1", "hypothesis": "H1", "rating": "I", "analyst": "a"},
            {"evidence": "E1", "hypothesis": "H1", "rating": "II", "analyst": "b"},
            {"evidence": "E1", "hypothesis": "H2", "rating": "N", "analyst": "a"},
            {"evidence": "E1", "hypothesis": "H2", "rating": "C", "analyst": "b"}]
    result = open_synthesis_scores(pd.DataFrame(rows))
    # H1: m = (2 + 1)/2 = 1.5 → (3 - 1.5)² = 2.25 (not 1 + 4 = 5: the mean vote is squared)
    assert result.loc["H1", "inconsistency"] == pytest.approx(2.25)
    # H2: m = (3 + 4)/2 = 3.5 → consistency (3.5 - 3)² = 0.25
    assert result.loc["H2", "consistency"] == pytest.approx(0.25)
    # PARC averages the analysts' cell values: (-1 + -2)/2 = -1.5
    assert parc_scores(pd.DataFrame(rows)).loc["H1", "inconsistency"] == pytest.approx(-1.5)


def test_open_synthesis_skips_unrated_cells():
    rows = [{"evidence": "E1", "hypothesis": "H1", "rating": "II"},
            {"evidence": "E1", "hypothesis": "H2", "rating": None}]
    result = open_synthesis_scores(pd.DataFrame(rows))
    assert result["inconsistency"].tolist() == [4.0, 0.0]
    # diagnosticity over the rated cells only: one value → 0
    assert open_synthesis_diagnosticity(pd.DataFrame(rows))["E1"] == 0.0


def test_bayes_with_published_likelihoods_by_hand():
    cells = {"E1": ["C", "I"], "E2": ["N", "II"], "E3": ["CC", "NA"]}
    result = bayes_scores(frame(cells))
    # H1: .80 · .50 · .95 = .38      H2: .20 · .05 · .50 = .005     (NA = .50, no information)
    # P(H1) = .38 / .385 = .987013
    assert result.loc["H1", "posterior"] == pytest.approx(0.38 / 0.385)
    assert result.loc["H2", "posterior"] == pytest.approx(0.005 / 0.385)
    assert result.loc["H1", "words"] == "almost certain"
    assert result.loc["H2", "words"] == "almost no chance"


def test_bayes_discounts_by_admiralty_grades_by_hand():
    cells = {"E1": ["C", "I"]}
    result = bayes_scores(frame(cells, reliability={"E1": "C"}, info_credibility={"E1": 3}))
    # k = reliability C (.6) × information 3 (.6) × Medium·Medium (1) = .36
    # logit L' = .36 · logit(.8) = .36 · ln 4 → L'(C) = 4^.36 / (1 + 4^.36) = 1.64718 / 2.64718 = .62224
    # L'(I) = 1 - L'(C) because logit(.2) = -ln 4 → posterior H1 = .62224
    expected = 4 ** 0.36 / (1 + 4 ** 0.36)
    assert result.loc["H1", "posterior"] == pytest.approx(expected)
    assert discounted_likelihood("C", 0.36) == pytest.approx(expected)
    assert result.loc["H1", "words"] == "likely"


def test_admiralty_six_and_f_mean_cannot_be_judged_not_best():
    cells = {"E1": ["C", "I"]}
    best = bayes_scores(frame(cells, reliability={"E1": "A"}, info_credibility={"E1": 1})).loc["H1", "posterior"]
    unjudged = bayes_scores(frame(cells, reliability={"E1": "F"}, info_credibility={"E1": 6})).loc["H1", "posterior"]
    worst = bayes_scores(frame(cells, reliability={"E1": "E"}, info_credibility={"E1": 5})).loc["H1", "posterior"]
    assert best == pytest.approx(0.8)           # k = 1: the published likelihoods
    assert worst < unjudged < best              # 6 / F discount half-way (k = .25), 5 / E the most (k = .04)
    assert unjudged == pytest.approx(4 ** 0.25 / (1 + 4 ** 0.25))


def test_bayes_weights_strengthen_or_weaken_the_item():
    cells = {"E1": ["C", "I"]}
    high = bayes_scores(frame(cells, {"E1": ("High", "High")})).loc["H1", "posterior"]
    low = bayes_scores(frame(cells, {"E1": ("Low", "Low")})).loc["H1", "posterior"]
    # High·High = 2: L'(C) = 4² / (1 + 4²) = 16/17;  Low·Low = 1/2: 4^.5 / (1 + 4^.5) = 2/3
    assert high == pytest.approx(16 / 17)
    assert low == pytest.approx(2 / 3)


def test_bayes_priors_are_used_and_checked():
    cells = {"E1": ["N", "N"]}
    result = bayes_scores(frame(cells), priors={"H1": 3, "H2": 1})
    assert result["posterior"].tolist() == pytest.approx([0.75, 0.25])
    with pytest.raises(ValueError, match="no prior given for hypothesis 'H2'"):
        bayes_scores(frame(cells), priors={"H1": 1})
    with pytest.raises(ValueError, match="positive"):
        bayes_scores(frame(cells), priors={"H1": 1, "H2": 0})


def test_bayes_diagnosticity_is_max_log_likelihood_ratio():
    result = score(frame({"E1": ["CC", "N", "II"], "E2": ["N", "N", "N"]}), linchpins=False)
    # ln(.95 / .05) = ln 19
    assert result.evidence.loc["E1", "bayes"] == pytest.approx(math.log(19))
    assert result.evidence.loc["E2", "bayes"] == 0.0


def test_syndicated_copies_count_once_in_every_engine():
    cells = {"E1": ["I", "C"], "E2": ["I", "C"], "E3": ["C", "I"]}
    together = score(frame(cells, group={"E1": "wire-7", "E2": "wire-7", "E3": None}), linchpins=False)
    # E1 and E2 are one story: IS(H1) = mean(-1, -1) = -1, IS(H2) = -1 → a tie, not -2 vs -1
    assert together.hypotheses["parc_inconsistency"].tolist() == [-1.0, -1.0]
    assert together.hypotheses["bayes_posterior"].tolist() == pytest.approx([0.5, 0.5])
    assert together.evidence.loc["E1", "counts_as"] == 0.5
    assert together.to_dict()["independence"]["groups"] == {"wire-7": ["E1", "E2"]}
    apart = score(frame(cells), linchpins=False)
    assert apart.hypotheses["parc_inconsistency"].tolist() == [-2.0, -1.0]


def test_scores_to_dict_is_json_ready_and_keyed_by_name():
    scores = score(frame(CELLS, WEIGHTS))
    data = json.loads(json.dumps(scores.to_dict()))
    assert set(data["engines"]) == {"parc", "parc_weighted", "open_synthesis", "bayes"}
    assert data["engines"]["parc"]["scores"] == {"H1": -1.0, "H2": -2.0, "H3": -3.0}
    assert data["engines"]["open_synthesis"]["scores"] == {"H1": 1.0, "H2": 2.0, "H3": 5.0}
    assert data["engines"]["parc"]["diagnosticity"] == {"E1": 2.0, "E2": 1.0, "E3": 1.0, "E4": 1.0}
    assert sum(data["engines"]["bayes"]["scores"].values()) == pytest.approx(1.0)
    assert isinstance(data["engines"]["bayes"]["linchpins"], list)
    assert data["disagreement"] == scores.disagreement


def test_no_disagreement_when_a_hypothesis_leads_everywhere():
    scores = score(frame({"E1": ["C", "II"], "E2": ["N", "I"]}))
    assert all(leaders == ("H1",) for leaders in scores.leaders.values())
    assert scores.disagreement is None


def test_icd203_bands_and_their_edges():
    assert likelihood_words(0.0) == "almost no chance"        # clamped to 1 %
    assert likelihood_words(0.05) == "very unlikely"
    assert likelihood_words(0.2) == "unlikely"
    assert likelihood_words(0.45) == "roughly even chance"
    assert likelihood_words(0.5) == "roughly even chance"
    assert likelihood_words(0.55) == "roughly even chance"
    assert likelihood_words(0.56) == "likely"
    assert likelihood_words(0.8) == "likely"
    assert likelihood_words(0.95) == "very likely"
    assert likelihood_words(0.96) == "almost certain"
    assert likelihood_words(1.0) == "almost certain"         # clamped to 99 %
    for p in np.linspace(0.0025, 0.9975, 200):                 # mirror images (off the band edges)
        low, high = likelihood_band(p), likelihood_band(1 - p)
        assert (low[1], low[2]) == pytest.approx((1 - high[2], 1 - high[1]))
    with pytest.raises(ValueError):
        likelihood_words(1.5)
