"""Evidence dependence, the posterior range, confidence, robustness wording and ungraded sources.

Expectations are computed by hand from the published likelihoods (C .80, I .20, N .50,
CC .95, II .05) with uniform priors, not by calling the engine twice.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import (
    bayes_scores,
    describe_first,
    leave_one_out,
    monte_carlo,
    normalise_dependence,
    score,
)
from workbench.analysis.icd203 import ICD203_BANDS

H = ["H1", "H2", "H3"]


def frame(items: list[tuple[str, tuple[str, str, str], str | None]], **columns) -> pd.DataFrame:
    """items: (evidence id, ratings against H1..H3, origin)."""
    rows = []
    for evidence, ratings, origin in items:
        for hypothesis, rating in zip(H, ratings):
            rows.append({"evidence": evidence, "hypothesis": hypothesis, "rating": rating, "origin": origin,
                         **columns})
    return pd.DataFrame(rows)


def normalised(values: list[float]) -> np.ndarray:
    array = np.array(values, dtype=float)
    return array / array.sum()


THREE_ALIKE = [("E1", ("C", "I", "N"), "outlet"), ("E2", ("C", "I", "N"), "outlet"), ("E3", ("C", "I", "N"), "outlet")]
THREE_INDEPENDENT = [(e, r, None) for e, r, _ in THREE_ALIKE]


def test_one_origin_counts_once_by_default():
    one = bayes_scores(frame(THREE_ALIKE), hypotheses=H)
    assert one["posterior"].to_numpy() == pytest.approx(normalised([.8, .2, .5]))       # H1 = .533
    independent = bayes_scores(frame(THREE_INDEPENDENT), hypotheses=H)
    assert independent["posterior"].to_numpy() == pytest.approx(normalised([.8 ** 3, .2 ** 3, .5 ** 3]))   # .794


def test_dependence_setting_runs_from_one_per_origin_to_independent():
    data = frame(THREE_ALIKE)
    for setting, exponent in (("one-per-origin", 1.0), (0.5, 1 + .5 + .25), ("independent", 3.0), (1, 3.0)):
        posterior = bayes_scores(data, hypotheses=H, dependence=setting)["posterior"].to_numpy()
        assert posterior == pytest.approx(normalised([.8 ** exponent, .2 ** exponent, .5 ** exponent])), setting
    with pytest.raises(ValueError, match="between 0"):
        normalise_dependence(1.5)
    with pytest.raises(ValueError, match="one-per-origin"):
        normalise_dependence("sometimes")


def test_the_most_diagnostic_item_of_an_origin_is_the_one_that_counts():
    data = frame([("weak", ("C", "N", "N"), "o"), ("strong", ("CC", "II", "N"), "o")])
    posterior = bayes_scores(data, hypotheses=H)["posterior"].to_numpy()
    assert posterior == pytest.approx(normalised([.95, .05, .5]))


def test_origins_combine_independently_of_each_other():
    data = frame([("E1", ("C", "I", "N"), "a"), ("E2", ("C", "I", "N"), "a"), ("E3", ("C", "I", "N"), "b")])
    posterior = bayes_scores(data, hypotheses=H)["posterior"].to_numpy()
    assert posterior == pytest.approx(normalised([.8 ** 2, .2 ** 2, .5 ** 2]))


def test_score_reports_the_range_and_words_the_conservative_end():
    scores = score(frame(THREE_ALIKE), hypotheses=H)
    table = scores.hypotheses
    low_h1, high_h1 = .8 / 1.5, .512 / .645
    assert table.loc["H1", "bayes_posterior"] == pytest.approx(low_h1)
    assert (table.loc["H1", "bayes_low"], table.loc["H1", "bayes_high"]) == pytest.approx((low_h1, high_h1))
    assert (table.loc["H2", "bayes_low"], table.loc["H2", "bayes_high"]) == pytest.approx((.008 / .645, .2 / 1.5))
    assert table.loc["H1", "bayes_words"] == "roughly even chance"            # 53%: the conservative end
    assert table.loc["H1", "bayes_range_words"] == "roughly even chance to likely"
    assert table.loc["H1", "bayes_range"] == "53–79%"
    bayes = scores.to_dict()["engines"]["bayes"]
    assert bayes["range"]["H1"] == pytest.approx([low_h1, high_h1])
    assert "one observation per origin" in bayes["assumption"]
    # independent items: the range collapses to the posterior
    flat = score(frame(THREE_INDEPENDENT), hypotheses=H).hypotheses
    assert flat.loc["H1", "bayes_low"] == pytest.approx(flat.loc["H1", "bayes_high"])


def test_parc_and_open_synthesis_count_the_origins_behind_the_leader():
    single = score(frame(THREE_ALIKE), hypotheses=H)
    assert single.support == {"parc": 1, "parc_weighted": 1, "open_synthesis": 1, "bayes": 1}
    assert single.single_origin("parc") and single.to_dict()["engines"]["open_synthesis"]["single_origin"]
    spread = score(frame(THREE_INDEPENDENT), hypotheses=H)
    assert spread.support["parc"] == 3 and not spread.single_origin("parc")
    # an origin whose evidence favours a rival does not count for the leader
    favour_h1 = [(f"E{i}", ("C", "I", "I"), None) for i in range(1, 4)]
    mixed = score(frame([*favour_h1, ("E4", ("I", "C", "I"), None)]), hypotheses=H)   # PARC: −1, −3, −4
    assert mixed.leaders["parc"] == ("H1",) and mixed.support["parc"] == 3


def test_leave_one_out_re_ranks_an_origin_exactly():
    # origin "o": strong E1 and weaker E2 favour H1; independent E3 and E4 favour H2.
    items = [("E1", ("CC", "II", "II"), "o"), ("E2", ("C", "I", "II"), "o"),
             ("E3", ("I", "C", "II"), None), ("E4", ("I", "C", "II"), None)]
    data = frame(items)
    loo = leave_one_out(data, hypotheses=H)
    for evidence in ("E1", "E2", "E3", "E4"):
        rest = data[data["evidence"] != evidence]
        expected = score(rest, hypotheses=H, linchpins=False).leaders["bayes"]
        assert loo.table.loc[evidence, "bayes_leaders"] == " = ".join(expected), evidence
    # by hand: with everything, H1 ∝ .95·.2·.2, H2 ∝ .05·.8·.8 → H1 leads (.038 vs .032);
    # without E1, E2 counts in full: H1 ∝ .8·.04 = .032, H2 ∝ .2·.64 = .128 → H2 leads
    assert "E1" in loo.linchpins["bayes"]


def test_random_matrices_leave_one_out_equals_rescoring():
    rng = np.random.default_rng(7)
    ratings = ["CC", "C", "N", "I", "II"]
    for trial in range(30):
        n = int(rng.integers(2, 9))
        items = [(f"E{i}", tuple(rng.choice(ratings, 3)), f"o{rng.integers(0, 3)}") for i in range(n)]
        data = frame(items)
        dependence = float(rng.choice([0.0, 0.3, 1.0]))
        loo = leave_one_out(data, hypotheses=H, dependence=dependence)
        for evidence, *_ in items:
            rest = data[data["evidence"] != evidence]
            expected = score(rest, hypotheses=H, linchpins=False, dependence=dependence).leaders["bayes"]
            assert loo.table.loc[evidence, "bayes_leaders"] == " = ".join(expected), (trial, evidence)


def test_monte_carlo_without_noise_agrees_with_the_dependent_leader():
    # origin "o" (three items for H1) against one independent item for H2
    data = frame([("E1", ("C", "I", "II"), "o"), ("E2", ("C", "I", "II"), "o"), ("E3", ("C", "I", "II"), "o"),
                  ("E4", ("I", "CC", "II"), None)])
    calm = monte_carlo(data, draws=50, rating_error=0, weight_error=0, seed=1, hypotheses=H)
    assert calm.probability_first.loc["H2", "bayes"] == 1.0          # one per origin: .8·.2 < .2·.95
    naive = monte_carlo(data, draws=50, rating_error=0, weight_error=0, seed=1, hypotheses=H, dependence=1)
    assert naive.probability_first.loc["H1", "bayes"] == 1.0         # independent: .8³·.2 > .2³·.95
    assert score(data, hypotheses=H).leaders["bayes"] == ("H2",)
    assert score(data, hypotheses=H, dependence=1).leaders["bayes"] == ("H1",)


def test_robustness_is_never_worded_as_likelihood():
    assert describe_first(0.97, 2000) == "first in 97% of 2,000 perturbed draws (stable)"
    assert describe_first(0.8, 2000) == "first in 80% of 2,000 perturbed draws (mostly stable)"
    assert describe_first(0.0, 500) == "never first in 500 perturbed draws"
    result = monte_carlo(frame(THREE_INDEPENDENT), draws=200, seed=3, hypotheses=H).to_dict()
    icd_words = [words for words, *_ in ICD203_BANDS]
    for engine in result["robustness"].values():
        for text in engine.values():
            assert "draws" in text
            assert not any(words in text for words in icd_words), text


def test_ungraded_sources_follow_the_stated_rule():
    data = pd.DataFrame({"evidence": ["E1", "E1"], "hypothesis": ["A", "B"], "rating": ["C", "I"]})
    published = bayes_scores(data)["posterior"]
    assert published["A"] == pytest.approx(.8)                        # C .80 vs I .20: the published map
    discounted = bayes_scores(data, ungraded="cannot-be-judged")["posterior"]
    # logit .8 halved: σ(ln 4 / 2) = 2/3 for C, 1/3 for I
    assert discounted["A"] == pytest.approx(2 / 3)
    graded_f = bayes_scores(data.assign(reliability="F"))["posterior"]
    assert graded_f["A"] == pytest.approx(2 / 3)                      # grade F is always "cannot be judged"
    assert score(data).to_dict()["dependence"]["ungraded"] == "as-published"
    with pytest.raises(ValueError, match="ungraded-source rule"):
        bayes_scores(data, ungraded="pessimistic")


def test_confidence_is_low_on_one_origin_and_high_on_many_good_ones():
    low = score(frame(THREE_ALIKE, reliability="B"), hypotheses=H).confidence
    assert low.level == "low"
    assert any("single origin" in reason for reason in low.reasons)
    items = [(f"E{i}", ("C", "I", "I"), None) for i in range(4)]
    high = score(frame(items, reliability="A"), hypotheses=H).confidence
    assert high.level == "high", high.reasons
    assert "4 independent origins support the leader" in high.reasons
    poor = score(frame(items, reliability="E"), hypotheses=H).confidence
    assert poor.level == "low" and any("graded E" in reason for reason in poor.reasons)
    ungraded = score(frame(items), hypotheses=H).confidence
    assert ungraded.level == "moderate" and any("A–C" in reason for reason in ungraded.reasons)


def test_confidence_override_is_kept_beside_the_derived_level():
    scores = score(frame(THREE_ALIKE), hypotheses=H, confidence=("high", "HUMINT we cannot cite", "ana"))
    stated = scores.confidence
    assert (stated.level, stated.derived, stated.overridden_by) == ("high", "low", "ana")
    payload = scores.to_dict()["confidence"]
    assert payload["override"] == {"note": "HUMINT we cannot cite", "by": "ana"} and payload["derived"] == "low"
