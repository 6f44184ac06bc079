"""Leave-one-out, rating perturbation, tornado and Monte Carlo against re-scoring by hand."""
import numpy as np
import pandas as pd
import pytest

from workbench.analysis import leave_one_out, monte_carlo, rating_perturbation, score, tornado
from workbench.analysis._frame import evidence_matrix
from workbench.analysis._registry import engine_parts
from workbench.analysis._mc_scoring import simulate as _simulate
from workbench.analysis.scales import RATINGS, WEIGHT_LEVELS
from frames import frame

ENGINES = ("parc", "parc_weighted", "open_synthesis", "bayes")




CELLS = {"E1": ["C", "I", "II"], "E2": ["N", "I", "C"], "E3": ["CC", "C", "I"], "E4": ["I", "N", "N"]}


def test_linchpins_by_hand():
    result = leave_one_out(frame(CELLS))
    # PARC: IS = H1 -1, H2 -2, H3 -3. Without E1 (C, I, II): H1 -1, H2 -1, H3 -1 → a three-way tie;
    # without E2 (N, I, C): H1 -1, H2 -1 → tie; without E3 or E4, H1 still leads alone.
    assert result.linchpins["parc"] == ("E1", "E2")
    assert result.table.loc["E1", "parc_leaders"] == "H1 = H2 = H3"
    assert result.table.loc["E2", "parc_leaders"] == "H1 = H2"
    # Bayes: H1 .8·.5·.95·.2 = .076 vs H2 .016, H3 .004; without any one item H1 still leads
    # (e.g. without E1: H1 .5·.95·.2 = .095 vs H2 .2·.8·.5 = .08)
    assert result.linchpins["bayes"] == ()
    assert score(frame(CELLS)).linchpins["parc"] == ("E1", "E2")


def test_removing_one_syndicated_copy_is_not_a_linchpin():
    cells = {"E1": ["I", "C"], "E2": ["I", "C"]}
    alone = leave_one_out(frame({"E1": ["I", "C"]}))
    assert alone.linchpins["parc"] == ("E1",)       # without it, a tie
    copies = leave_one_out(frame(cells, group={"E1": "g", "E2": "g"}))
    assert copies.linchpins["parc"] == ()           # the story is still there in the other copy


def test_rating_perturbation_by_hand():
    flips = rating_perturbation(frame(CELLS))
    parc = flips[flips["engine"] == "parc"]
    moves = set(zip(parc["evidence"], parc["hypothesis"], parc["rating"], parc["to"]))
    # H1 -1 vs H2 -2: H2's I → N (E1 or E2) ties; H1's N → I (E2) or I → II (E4) ties
    assert moves == {("E1", "H2", "I", "N"), ("E2", "H2", "I", "N"), ("E2", "H1", "N", "I"),
                     ("E4", "H1", "I", "II")}
    assert set(parc["leaders"]) == {"H1 = H2"}
    open_synthesis = flips[flips["engine"] == "open_synthesis"]
    # OS: H1 1, H2 2. E4's I → II makes H1 (3-1)² = 4 > 2: H2 leads alone
    row = open_synthesis[(open_synthesis["evidence"] == "E4") & (open_synthesis["to"] == "II")]
    assert row["leaders"].tolist() == ["H2"]


def rescored_utilities(cells_frame, **kwargs):
    parts = engine_parts(evidence_matrix(cells_frame, ["H1", "H2", "H3"]), kwargs.get("priors"))
    return {engine: part.utility(part.totals()) for engine, part in parts.items()}


def leaders(utility):
    best = utility.max()
    return {i for i, u in enumerate(utility) if u >= best - 1e-9 * max(1, abs(best))}


def rescored_leaders(cells_frame):
    """Each engine's leaders, ties broken as the engine breaks them (Open Synthesis's sort)."""
    return {engine: set(leaders) for engine, leaders in score(cells_frame, linchpins=False).leaders.items()}


def test_perturbation_agrees_with_rescoring_every_move():
    data = frame(CELLS, credibility={"E1": "High", "E2": "Low", "E3": "Medium", "E4": "High"},
                 group={"E1": "g", "E2": "g", "E3": None, "E4": None})
    flips = rating_perturbation(data)
    base = rescored_leaders(data)
    found = set()
    for index in data.index:
        old = data.loc[index, "rating"]
        for step in (1, -1):
            code = RATINGS.index(old) + step
            if old == "NA" or not 0 <= code <= 4:
                continue
            moved = data.copy()
            moved.loc[index, "rating"] = RATINGS[code]
            after = rescored_leaders(moved)
            for engine in ENGINES:
                if after[engine] != base[engine]:
                    found.add((engine, data.loc[index, "evidence"], data.loc[index, "hypothesis"], RATINGS[code]))
    reported = set(zip(flips["engine"], flips["evidence"], flips["hypothesis"], flips["to"]))
    assert reported == found


@pytest.mark.parametrize("engine", ENGINES)
def test_tornado_matches_rescoring_removals_and_moves(engine):
    data = frame(CELLS, credibility={"E1": "High", "E2": "Low", "E3": "Medium", "E4": "High"})
    table = tornado(data, engine)
    base = rescored_utilities(data)[engine]
    leader = int(np.argmax(base))

    def margin(utility):
        return utility[leader] - np.delete(utility, leader).max()

    assert table["base"].iloc[0] == pytest.approx(margin(base))
    for evidence in CELLS:
        margins = [margin(base), margin(rescored_utilities(data[data["evidence"] != evidence])[engine])]
        for index in data.index[data["evidence"] == evidence]:
            for step in (1, -1):
                code = RATINGS.index(data.loc[index, "rating"]) + step
                if data.loc[index, "rating"] != "NA" and 0 <= code <= 4:
                    moved = data.copy()
                    moved.loc[index, "rating"] = RATINGS[code]
                    margins.append(margin(rescored_utilities(moved)[engine]))
        assert table.loc[evidence, "low"] == pytest.approx(min(margins))
        assert table.loc[evidence, "high"] == pytest.approx(max(margins))
    assert table["swing"].is_monotonic_decreasing


def test_monte_carlo_is_seedable_and_sums_to_one():
    data = frame(CELLS)
    first = monte_carlo(data, draws=500, seed=7)
    again = monte_carlo(data, draws=500, seed=7)
    other = monte_carlo(data, draws=500, seed=8)
    pd.testing.assert_frame_equal(first.probability_first, again.probability_first)
    assert not first.probability_first.equals(other.probability_first)
    assert first.probability_first.sum().tolist() == pytest.approx([1.0] * 4)
    assert first.to_dict()["probability_first"]["bayes"]["H1"] == first.probability_first.loc["H1", "bayes"]


def test_monte_carlo_without_errors_always_picks_the_baseline_leader():
    result = monte_carlo(frame(CELLS), draws=50, rating_error=0.0, weight_error=0.0, seed=1)
    assert result.probability_first.loc["H1"].tolist() == [1.0, 1.0, 1.0, 1.0]
    tied = monte_carlo(frame({"E1": ["I", "I"]}), draws=10, rating_error=0.0, weight_error=0.0, seed=1)
    assert tied.probability_first["parc"].tolist() == [0.5, 0.5]      # a tie shares the draw


def test_monte_carlo_rejects_bad_parameters():
    with pytest.raises(ValueError, match="draws"):
        monte_carlo(frame(CELLS), draws=0)
    with pytest.raises(ValueError, match="rating_error"):
        monte_carlo(frame(CELLS), rating_error=1.5)


def test_every_monte_carlo_draw_equals_rescoring_the_perturbed_frame():
    rng = np.random.default_rng(3)
    ratings = np.array(RATINGS)
    rows = []
    for item in range(12):
        credibility, relevance = WEIGHT_LEVELS[rng.integers(3)], WEIGHT_LEVELS[rng.integers(3)]
        group = f"g{item % 4}" if item < 6 else None
        grades = {"reliability": "ABCDEF"[rng.integers(6)], "info_credibility": int(rng.integers(1, 7))}
        for analyst in ("ann", "bob"):
            for hypothesis in ("H1", "H2", "H3"):
                if rng.random() < 0.15:
                    continue                            # some votes missing
                rows.append({"evidence": f"E{item}", "hypothesis": hypothesis, "analyst": analyst,
                             "rating": ratings[rng.integers(6)], "credibility": credibility,
                             "relevance": relevance, "group": group, **grades})
    data = pd.DataFrame(rows)
    matrix = evidence_matrix(data, ["H1", "H2", "H3"])
    _, kept = _simulate(matrix, 40, 0.5, 0.3, np.random.default_rng(11), None, keep=True)
    draws, utilities = kept[0]
    assert len(draws.item) > 10 and len(draws.weight_item) > 10        # the test exercises both
    levels = {"credibility": list(WEIGHT_LEVELS), "relevance": list(WEIGHT_LEVELS)}
    for d in range(draws.n_draws):
        world = data.copy()
        for i in np.flatnonzero(draws.weight_draw == d):
            column = ("credibility", "relevance")[draws.weight_attribute[i]]
            item = matrix.evidence[draws.weight_item[i]]
            chosen = world["evidence"] == item
            level = levels[column].index(world.loc[chosen, column].iloc[0]) + draws.weight_step[i]
            world.loc[chosen, column] = levels[column][level]
        for j in np.flatnonzero(draws.draw == d):
            chosen = ((world["evidence"] == matrix.evidence[draws.item[j]])
                      & (world["hypothesis"] == matrix.hypotheses[draws.hypothesis[j]])
                      & (world["analyst"] == matrix.analysts[draws.analyst[j]]))
            assert world.loc[chosen, "rating"].tolist() == [RATINGS[draws.old[j]]]
            world.loc[chosen, "rating"] = RATINGS[draws.new[j]]
        expected = rescored_utilities(world)
        for engine in ENGINES:
            assert utilities[engine][d] == pytest.approx(expected[engine], abs=1e-9), (engine, d)
