"""Monte Carlo over uncertain ratings and weights: each hypothesis's chance of ranking first.

Model — in every draw, independently for every evidence item (identical syndicated copies are
one item: the story errs once):

* **rating error**: with probability ``rating_error`` one of the item's votes (an analyst's
  rating for one hypothesis, chosen uniformly among its votes other than NA) is one step off:
  it moves one step up or down the scale II < I < N < C < CC (either way with equal chance;
  from II or CC the only way is inward);
* **weight error**: with probability ``weight_error`` the item's credibility is one level off
  (Low ↔ Medium ↔ High; from Medium up or down with equal chance), and independently so is
  its relevance. PARC weighted and the Bayesian view use the drawn weights.

Each engine then scores the perturbed matrix exactly as ``score`` would, and the leader of
each draw is counted (a tie for first shares the draw equally). So the answer reads "if about
one item in ten carries a one-step rating error and weights are as uncertain as one level in
ten, H2 still ranks first in 87 % of worlds".

Why one error per item rather than an independent coin per vote: a per-vote coin means
drawing every cell of every draw (2.5e9 for 10,000 draws of 5,000 × 50), which no amount of
numpy makes fit in seconds. With one error per item a draw costs a few matrix products plus
work proportional to the number of errors; ``bench.scoring`` prints the time.

Implementation (every draw is exact — a test re-scores perturbed frames and compares): with
assessed weights each engine's total is known; a draw adds, for the items whose weights moved,
the change of their PARC-weighted contribution (linear in the weight: one product of the
draws × items matrix of weight changes with the item values) and of their Bayes contribution
(non-linear in the weight: one product per class move ±1, a sparse sum for ±2), and, for each
rating error, the change of that vote's share of its group mean at the item's drawn weight
(Open Synthesis adds up the shifts of one group mean before squaring). ``_mc_draws`` samples
the perturbations; ``_mc_scoring`` scores the draws.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._engine import ENGINE_NAMES
from ._frame import FrameLike, evidence_matrix
from .formats import format_score
from ._mc_scoring import simulate

__all__ = ["MonteCarlo", "monte_carlo", "robustness_words", "describe_first", "STABILITY_BANDS"]

#: How a share of first places is worded. These are robustness words, never ICD 203 likelihood
#: words: "first in 97% of draws" says how little the ranking depends on rating noise, not how
#: probable the hypothesis is. Only a hypothesis first in most draws gets a stability word.
STABILITY_BANDS: tuple[tuple[float, str], ...] = ((0.95, "stable"), (0.75, "mostly stable"), (0.5, "unstable"))


def robustness_words(share: float) -> str | None:
    """"stable" (first in ≥ 95% of draws), "mostly stable" (≥ 75%), "unstable" (≥ 50%), else None."""
    return next((words for floor, words in STABILITY_BANDS if share >= floor), None)


def describe_first(share: float, draws: int, *, what: str = "perturbed draws") -> str:
    """e.g. "first in 97% of 2,000 perturbed draws (stable)", or "never first in 2,000 perturbed draws"."""
    if share <= 0.0:
        return f"never first in {draws:,} {what}"
    words = robustness_words(share)
    shown = format_score(share, "percent") if share >= 0.005 else "<1%"
    return f"first in {shown} of {draws:,} {what}" + (f" ({words})" if words else "")


@dataclass(frozen=True)
class MonteCarlo:
    """The result of ``monte_carlo``.

    Attributes:
        probability_first: DataFrame indexed by hypothesis, one column per engine: the share
            of draws in which the hypothesis ranked first (columns sum to 1).
        draws: number of draws.
        rating_error: probability that an item carries one rating error.
        weight_error: probability that an item's credibility (and, separately, relevance) is
            one level off.
        seed: the seed given (None if fresh entropy or a Generator was used).

    The shares measure robustness to rating and weight noise, not likelihood: word them with
    ``describe_first`` ("first in 97% of 2,000 perturbed draws (stable)"), never with ICD 203.
    """

    probability_first: pd.DataFrame
    draws: int
    rating_error: float
    weight_error: float
    seed: int | None

    def describe(self, engine: str, hypothesis: str) -> str:
        """The robustness of one hypothesis's first place under one engine, in words."""
        return describe_first(float(self.probability_first.loc[hypothesis, engine]), self.draws)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"draws", "rating_error", "weight_error", "seed",
        "probability_first": {engine: {hypothesis: p}}, "robustness": {engine: {hypothesis: words}}}."""
        return {
            "draws": self.draws, "rating_error": self.rating_error, "weight_error": self.weight_error,
            "seed": self.seed,
            "probability_first": {engine: {str(h): float(p) for h, p in column.items()}
                                  for engine, column in self.probability_first.items()},
            "robustness": {engine: {str(h): describe_first(float(p), self.draws) for h, p in column.items()}
                           for engine, column in self.probability_first.items()},
        }



def monte_carlo(data: FrameLike, *, draws: int = 10_000, rating_error: float = 0.1, weight_error: float = 0.1,
                seed: int | np.random.Generator | None = None, hypotheses: Sequence[str] | None = None,
                priors: Mapping[str, float] | None = None, dependence: float | str | None = None,
                ungraded: str | None = None) -> MonteCarlo:
    """Each hypothesis's probability of ranking first under uncertain ratings and weights.

    Args:
        data: tidy evidence frame or compiled matrix.
        draws: number of simulated worlds.
        rating_error: per draw and item, the probability that one of its votes is one step off.
        weight_error: per draw and item, the probability that its credibility is one level
            off, and (independently) that its relevance is.
        seed: an int (reproducible), a numpy Generator, or None (fresh entropy).
        hypotheses: hypothesis order.
        priors: Bayes priors.
        dependence: Bayes weight of further items of one origin (see ``dependence``); the
            order of an origin's items is kept as assessed in every draw.
        ungraded: Bayes rule for ungraded sources.

    Returns:
        ``MonteCarlo`` with the probability of ranking first per engine.

    Raises:
        ValueError: draws < 1 or a probability outside [0, 1].
    """
    if not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    for name, value in (("rating_error", rating_error), ("weight_error", weight_error)):
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must be a probability between 0 and 1, got {value!r}")
    matrix = evidence_matrix(data, hypotheses).units[0]   # identical syndicated copies err together
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    # One BLAS thread: the products are small and many, and threaded BLAS spins idle cores
    # between them (measured here: 1.7 s on one thread, up to 6.7 s threaded on a busy machine).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        firsts, _ = simulate(matrix, int(draws), float(rating_error), float(weight_error), rng, priors,
                              dependence=dependence, ungraded=ungraded)
    table = pd.DataFrame({engine: firsts[engine] / draws for engine in ENGINE_NAMES},
                         index=pd.Index(matrix.hypotheses, name="hypothesis"))
    return MonteCarlo(table, int(draws), float(rating_error), float(weight_error),
                      seed if isinstance(seed, (int, np.integer)) else None)
