"""Open Synthesis parity: its hypothesis sort, its cell consensus label, its diagnosticity.

The expectations follow Open Synthesis's ``openach/metrics.py``: hypotheses sort on
(inconsistency, −consistency, share of cells whose consensus is N/A, share of unrated cells);
a cell's consensus is N/A when N/A votes outnumber the others, else Python's ``round()`` of the
mean of the other votes on the 1–5 scale (II 1, I 2, N 3, C 4, CC 5); N/A counts as a neutral 3
in inconsistency, consistency and diagnosticity, and an unrated cell counts nowhere.
Every number below is worked out by hand in the comments.
"""
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import leave_one_out, matrix, monte_carlo, open_synthesis_scores, rating_perturbation
from workbench.analysis import score, tornado
from workbench.analysis._frame import evidence_matrix
from workbench.analysis._mc_scoring import simulate as _simulate
from workbench.analysis.open_synthesis import open_synthesis_diagnosticity
from workbench.analysis.scales import RATINGS
from frames import frame




def analysts_frame(cells):
    """Tidy frame from {evidence: [[votes of analysts a, b, ... for H1], [... for H2], ...]}."""
    rows = []
    for evidence, per_hypothesis in cells.items():
        for index, votes in enumerate(per_hypothesis):
            for analyst, vote in zip("abcdef", votes):
                rows.append({"evidence": evidence, "hypothesis": f"H{index + 1}", "rating": vote, "analyst": analyst})
    return pd.DataFrame(rows)


def os_leaders(data, **kwargs):
    return score(data, linchpins=False, **kwargs).leaders["open_synthesis"]


# -- tie rule 1: consistency --------------------------------------------------------------------

def test_consistency_breaks_an_inconsistency_tie():
    data = frame({"E1": ["C", "N"], "E2": ["I", "I"]})
    # inconsistency: H1 E2 (3-2)² = 1; H2 E2 (3-2)² = 1 → tied
    # consistency:   H1 E1 (4-3)² = 1; H2 0            → Open Synthesis sorts H1 first
    assert os_leaders(data) == ("H1",)
    result = open_synthesis_scores(data)
    assert result["inconsistency"].tolist() == [1.0, 1.0]
    assert result["consistency"].tolist() == [1.0, 0.0]
    assert result["rank"].tolist() == [1, 2]
    assert score(data, linchpins=False).hypotheses["open_synthesis_rank"].tolist() == [1, 2]


def test_the_tie_break_can_turn_agreement_into_disagreement():
    data = frame({"E1": ["I", "N"], "E2": ["I", "N"], "E3": ["I", "N"], "E4": ["I", "N"],
                  "E5": ["N", "II"], "E6": ["C", "N"]})
    # PARC IS: H1 4 × I = -4, H2 one II = -2                   → H2
    # Bayes:   H1 .2⁴ · .5 · .8 = .00064, H2 .5⁴ · .05 · .5 = .0015625 → H2
    # Open Synthesis inconsistency: H1 4 × (3-2)² = 4, H2 (3-1)² = 4 → tied;
    #   consistency H1 (4-3)² = 1 > H2 0                        → H1
    # Before the tie-break Open Synthesis showed "H1 = H2", which contains H2: "the engines agree".
    scores = score(data, linchpins=False)
    assert scores.leaders == {"parc": ("H2",), "parc_weighted": ("H2",), "open_synthesis": ("H1",), "bayes": ("H2",)}
    assert scores.disagreement == ("The engines disagree on the leading hypothesis: PARC inconsistency, "
                                   "PARC weighted inconsistency and Bayesian posterior favour 'H2'; "
                                   "Open Synthesis favours 'H1'.")


# -- tie rule 2: N/A share ------------------------------------------------------------------------

def test_na_share_breaks_a_tie_of_inconsistency_and_consistency():
    data = frame({"E1": ["I", "I"], "E2": ["N", "NA"]})
    # inconsistency 1 and 1; consistency 0 and 0 (NA counts as a neutral 3);
    # N/A share: H1 0/2, H2 1/2                                 → H1
    assert os_leaders(data) == ("H1",)
    result = open_synthesis_scores(data)
    assert result["na_share"].tolist() == [0.0, 0.5]
    assert result["unrated_share"].tolist() == [0.0, 0.0]
    assert result["rank"].tolist() == [1, 2]


def test_na_share_counts_cells_whose_consensus_is_na():
    data = analysts_frame({"E1": [["I", "I"], ["I", "I"]],
                           "E2": [["NA", "N"], ["NA", "NA"]],
                           "E3": [["NA", "N"], ["N", "N"]]})
    # inconsistency: both 1 (E1 mean 2); consistency: both 0 (every other mean is 3)
    # consensus N/A only where N/A votes outnumber the rest: H1's (NA, N) cells are N (1 vs 1),
    # H2's E2 (NA, NA) is N/A → N/A share H1 0/3, H2 1/3        → H1.
    # (Counting N/A *votes* instead would tie them: H1 2 of 6, H2 2 of 6.)
    assert os_leaders(data) == ("H1",)
    assert open_synthesis_scores(data)["na_share"].tolist() == pytest.approx([0.0, 1 / 3])


# -- tie rule 3: unrated share --------------------------------------------------------------------

def test_unrated_share_breaks_a_tie_of_everything_else():
    data = frame({"E1": ["I", "I"], "E2": ["N", None]})
    # inconsistency 1 and 1; consistency 0 and 0; N/A share 0 and 0; unrated H1 0/2, H2 1/2 → H1
    assert os_leaders(data) == ("H1",)
    result = open_synthesis_scores(data)
    assert result["unrated_share"].tolist() == [0.0, 0.5]
    assert result["rank"].tolist() == [1, 2]


def test_na_share_is_compared_before_unrated_share():
    data = frame({"E1": ["I", "I"], "E2": [None, "NA"]})
    # H1: N/A share 0, unrated 1/2; H2: N/A share 1/2, unrated 0. N/A share comes first → H1
    assert os_leaders(data) == ("H1",)
    assert open_synthesis_scores(data)["rank"].tolist() == [1, 2]


def test_open_synthesis_hypothesis_order_of_single_ratings():
    # Open Synthesis's own ordering of one-cell hypotheses, best first: CC, C, N, unrated, NA, I, II.
    # CC and C differ in consistency (4 vs 1); N, unrated and NA tie on both; N/A share puts NA
    # behind; the unrated share puts unrated behind N.
    names = ["II", "I", "NA", "unrated", "N", "C", "CC"]
    data = pd.DataFrame({"evidence": "E1", "hypothesis": names,
                         "rating": ["II", "I", "NA", None, "N", "C", "CC"]})
    ranks = score(data, hypotheses=names, linchpins=False).hypotheses["open_synthesis_rank"]
    assert ranks.to_dict() == {"CC": 1, "C": 2, "N": 3, "unrated": 4, "NA": 5, "I": 6, "II": 7}
    assert open_synthesis_scores(data, names)["rank"].to_dict() == ranks.to_dict()


def test_a_tie_on_every_key_keeps_the_co_leaders():
    data = frame({"E1": ["I", "I", "II"], "E2": ["C", "C", "N"], "E3": ["NA", "NA", "N"], "E4": [None, None, "N"]})
    # H1 and H2 are rated alike: equal on all four keys; H3 is more inconsistent (4)
    assert os_leaders(data) == ("H1", "H2")
    assert open_synthesis_scores(data)["rank"].tolist() == [1, 1, 3]


def test_syndicated_copies_count_once_in_the_shares():
    # E1 and E2 are two readings of one story (group g): each counts half. H2's N/A share:
    # g (1 N/A of 2 readings) = 1/2, plus E3 0 → 1/2 over 2 groups = 1/4.
    data = frame({"E1": ["I", "I"], "E2": ["N", "NA"], "E3": ["N", "N"]}, group={"E1": "g", "E2": "g", "E3": None})
    result = open_synthesis_scores(data)
    assert result["na_share"].tolist() == pytest.approx([0.0, 0.25])
    assert os_leaders(data) == ("H1",)


# -- consensus label: Python's round() -------------------------------------------------------------

@pytest.mark.parametrize(("votes", "label"), [
    (["I", "N"], "I"),      # (2 + 3)/2 = 2.5 → round() → 2 (halves go to the even number) = I
    (["N", "C"], "C"),      # (3 + 4)/2 = 3.5 → 4 = C
    (["II", "C"], "I"),     # (1 + 4)/2 = 2.5 → 2 = I
    (["C", "CC"], "C"),     # 4.5 → 4
    (["I", "II"], "I"),     # 1.5 → 2
    (["NA", "C"], "C"),     # one N/A does not outnumber one rating: the rating's mean
    (["NA", "NA", "C"], "NA"),
    (["II", "II", "CC"], "I"),   # 7/3 = 2.33 → 2
])
def test_consensus_label_rounds_as_python_round(votes, label):
    data = analysts_frame({"E1": [votes, ["N"] * len(votes)]})
    assert matrix(data).loc["E1", "H1"] == label


# -- diagnosticity over rated cells only -----------------------------------------------------------

def test_diagnosticity_leaves_unrated_cells_out_and_counts_na_as_neutral():
    # Rated I against H1 only: one value (2) → population std 0, as Open Synthesis.
    assert open_synthesis_diagnosticity(frame({"E1": ["I", None, None]}))["E1"] == 0.0
    # Rated N/A against H2 and H3: values (2, 3, 3) → mean 8/3, variance (4/9 + 1/9 + 1/9)/3 = 2/9
    assert open_synthesis_diagnosticity(frame({"E1": ["I", "NA", "NA"]}))["E1"] == pytest.approx(math.sqrt(2 / 9))
    scores = score(frame({"E1": ["I", None, None], "E2": ["I", "NA", "NA"]}), linchpins=False)
    assert scores.evidence["open_synthesis"].tolist() == pytest.approx([0.0, math.sqrt(2 / 9)])


# -- the tie-break in sensitivity analysis and Monte Carlo ------------------------------------------

def test_leave_one_out_applies_the_tie_break():
    data = frame({"E1": ["N", "I"], "E2": ["C", "N"]})
    # inconsistency H1 0, H2 1 → H1. Without E1: 0 and 0, but consistency H1 1 > 0 → still H1:
    # E1 is not a linchpin (it was, when ties were left standing).
    result = leave_one_out(data)
    assert result.linchpins["open_synthesis"] == ()
    assert result.table["open_synthesis_leaders"].tolist() == ["H1", "H1"]


def test_rating_perturbation_applies_the_tie_break():
    data = frame({"E1": ["I", "I"], "E2": ["C", "N"]})
    # baseline: inconsistency 1 and 1, consistency H1 1 > 0 → H1.
    #   E2 H1 C→N: consistency 0 = 0 → tie on every key → "H1 = H2"
    #   E2 H2 N→C: consistency 1 = 1 → "H1 = H2"
    #   E1 H2 I→N: H2 inconsistency 0 → "H2"
    #   E1 H1 I→II: H1 inconsistency 4 → "H2"
    #   no change: E1 H1 I→N (H1 alone at 0), E1 H2 I→II, E2 H1 C→CC, E2 H2 N→I
    flips = rating_perturbation(data)
    os = flips[flips["engine"] == "open_synthesis"]
    found = set(zip(os["evidence"], os["hypothesis"], os["rating"], os["to"], os["leaders"]))
    assert found == {("E2", "H1", "C", "N", "H1 = H2"), ("E2", "H2", "N", "C", "H1 = H2"),
                     ("E1", "H2", "I", "N", "H2"), ("E1", "H1", "I", "II", "H2")}


def test_tornado_names_the_tie_broken_leader():
    data = frame({"E1": ["I", "I"], "E2": ["N", "C"]})
    # inconsistency tied at 1; consistency H2 1 > H1 0 → H2 leads (not the first in order)
    table = tornado(data, "open_synthesis")
    assert set(table["leader"]) == {"H2"}
    assert table["base"].iloc[0] == 0.0          # the margin is in inconsistency: a tie there


def test_monte_carlo_without_errors_gives_the_tie_broken_leader_every_draw():
    result = monte_carlo(frame({"E1": ["I", "I"], "E2": ["C", "N"]}), draws=20, rating_error=0.0,
                         weight_error=0.0, seed=1)
    assert result.probability_first["open_synthesis"].tolist() == [1.0, 0.0]
    assert result.probability_first["parc"].tolist() == [0.5, 0.5]     # PARC has no tie-break


def test_every_monte_carlo_leader_equals_rescoring_the_drawn_world():
    # A small matrix (N/A and unrated cells, a syndicated pair) whose draws often tie on
    # inconsistency, so that the later keys decide.
    rng = np.random.default_rng(4)
    rows = []
    for item in range(5):
        for hypothesis in ("H1", "H2", "H3"):
            rating = rng.choice(["I", "N", "C", "NA", None], p=[0.3, 0.3, 0.2, 0.1, 0.1])
            rows.append({"evidence": f"E{item}", "hypothesis": hypothesis, "rating": rating,
                         "group": "g" if item < 2 else None})
    data = pd.DataFrame(rows)
    units = evidence_matrix(data, ["H1", "H2", "H3"]).units[0]
    assert len(units.evidence) == 5                     # no identical copies: draws index the items
    firsts, kept = _simulate(units, 200, 0.5, 0.0, np.random.default_rng(9), None, keep=True)
    draws, utilities = kept[0]
    expected = np.zeros(3)
    broken = 0
    for d in range(draws.n_draws):
        world = data.copy()
        for j in np.flatnonzero(draws.draw == d):
            chosen = ((world["evidence"] == units.evidence[draws.item[j]])
                      & (world["hypothesis"] == units.hypotheses[draws.hypothesis[j]]))
            world.loc[chosen, "rating"] = RATINGS[draws.new[j]]
        leaders = os_leaders(world, hypotheses=["H1", "H2", "H3"])
        for name in leaders:
            expected[units.hypotheses.index(name)] += 1 / len(leaders)
        top = utilities["open_synthesis"][d]
        broken += int((top >= top.max() - 1e-9).sum() > len(leaders))
    assert broken >= 20                      # the tie-break decided a good share of the draws
    assert firsts["open_synthesis"] == pytest.approx(expected)


# -- 500 realistic matrices against a transcription of Open Synthesis's sort ------------------------

_VALUE = {"II": 1, "I": 2, "N": 3, "C": 4, "CC": 5}


def reference_sort_key(cells):
    """Open Synthesis's hypothesis sort key over one hypothesis's cells (each a list of votes).

    Exact arithmetic (fractions): inconsistency, −consistency, N/A share, unrated share.
    """
    inconsistency = consistency = Fraction(0)
    na = unrated = 0
    for votes in cells:
        if not votes:
            unrated += 1
            continue
        mean = Fraction(sum(_VALUE.get(v, 3) for v in votes), len(votes))      # N/A counts as 3
        inconsistency += (3 - mean) ** 2 if mean < 3 else 0
        consistency += (mean - 3) ** 2 if mean > 3 else 0
        na += sum(v == "NA" for v in votes) > sum(v != "NA" for v in votes)
    n = max(len(cells), 1)
    return inconsistency, -consistency, Fraction(na, n), Fraction(unrated, n)


def realistic_matrix(rng):
    """A realistic small analysis: 3–7 hypotheses, 5–30 items, ratings skewed to N / C / I,
    some N/A and unrated cells, one analyst (a third of the time three)."""
    n_hyps, n_items = int(rng.integers(3, 8)), int(rng.integers(5, 31))
    analysts = ("a", "b", "c") if rng.random() < 1 / 3 else ("a",)
    codes = ["II", "I", "N", "C", "CC", "NA", None]
    rows = []
    for item in range(n_items):
        for hypothesis in range(n_hyps):
            for analyst in analysts:
                rating = codes[rng.choice(7, p=[0.06, 0.2, 0.34, 0.2, 0.06, 0.07, 0.07])]
                rows.append({"evidence": f"E{item}", "hypothesis": f"H{hypothesis}", "analyst": analyst,
                             "rating": rating})
    return pd.DataFrame(rows), [f"H{h}" for h in range(n_hyps)]


def reference_leaders(data, hypotheses):
    cells = {h: [] for h in hypotheses}
    for (_, hypothesis), group in data.groupby(["evidence", "hypothesis"], sort=False):
        cells[hypothesis].append([r for r in group["rating"] if pd.notna(r)])
    keys = {h: reference_sort_key(cells[h]) for h in hypotheses}
    best = min(keys.values())
    return tuple(h for h in hypotheses if keys[h] == best)


def realistic_cases(count=500, seed=20240609):
    rng = np.random.default_rng(seed)
    return [realistic_matrix(rng) for _ in range(count)]


def test_500_realistic_matrices_lead_as_open_synthesis_sorts():
    co_leaders_on_inconsistency = 0
    for data, hypotheses in realistic_cases():
        scores = score(data, hypotheses=hypotheses, linchpins=False)
        assert scores.leaders["open_synthesis"] == reference_leaders(data, hypotheses)
        inconsistency = scores.hypotheses["open_synthesis_inconsistency"]
        co_leaders_on_inconsistency += int((inconsistency <= inconsistency.min() + 1e-9).sum() > 1)
    # the check must exercise ties: many matrices tie on inconsistency alone
    assert co_leaders_on_inconsistency >= 25
