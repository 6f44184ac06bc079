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
(Open Synthesis adds up the shifts of one group mean before squaring).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ._engine import ENGINE_NAMES, top_mask
from ._frame import NO_VOTE, EvidenceMatrix, FrameLike, evidence_matrix
from ._registry import engine_parts
from .bayes import admiralty_strength, log_likelihood_table
from .open_synthesis import CONSISTENCY_KEY, NEUTRAL_VOTE
from .scales import OPEN_SYNTHESIS_VOTES, PARC_VALUES, RATINGS

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
    shown = f"{100 * share:.0f}%" if share >= 0.005 else "<1%"
    return f"first in {shown} of {draws:,} {what}" + (f" ({words})" if words else "")


_NA, _II, _CC = RATINGS.index("NA"), RATINGS.index("II"), RATINGS.index("CC")
_PARC = np.array([PARC_VALUES[r] for r in RATINGS])
_OS = np.array([OPEN_SYNTHESIS_VOTES[r] for r in RATINGS])
#: weight of a drawn class s = credibility level + relevance level (0 … 4): √2^(s − 2)
_CLASS_WEIGHTS = math.sqrt(2.0) ** (np.arange(5) - 2.0)
_CELLS_PER_CHUNK = 1_000_000  # draws × items per chunk: ~8 MB buffers that stay near the cache


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


@dataclass(frozen=True)
class _Draws:
    """The random perturbations of one chunk of draws (kept for tests and the bench peer).

    Weight errors: in draw ``weight_draw[i]`` the ``weight_attribute[i]`` (0 credibility,
    1 relevance) of item ``weight_item[i]`` moves ``weight_step[i]`` (±1) levels. Rating errors:
    in draw ``draw[j]`` vote (``analyst[j]``, ``item[j]``, ``hypothesis[j]``) moves from
    ``old[j]`` to ``new[j]`` (rating codes).
    """

    n_draws: int
    weight_draw: np.ndarray
    weight_item: np.ndarray
    weight_attribute: np.ndarray
    weight_step: np.ndarray
    draw: np.ndarray
    analyst: np.ndarray
    item: np.ndarray
    hypothesis: np.ndarray
    old: np.ndarray
    new: np.ndarray

    def class_shift(self, n_items: int) -> np.ndarray:
        """Drawn minus assessed weight class (credibility + relevance levels), int8 (D, E)."""
        shift = np.zeros(self.n_draws * n_items, dtype=np.int8)
        for attribute in (0, 1):  # within one attribute every (draw, item) appears at most once
            chosen = self.weight_attribute == attribute
            shift[self.weight_draw[chosen] * n_items + self.weight_item[chosen]] += self.weight_step[chosen]
        return shift.reshape(self.n_draws, n_items)


def _bernoulli_positions(rng: np.random.Generator, n: int, probability: float) -> np.ndarray:
    """Sorted positions of the successes among n independent Bernoulli(probability) trials.

    Sampled through geometric gaps, so the cost follows the number of successes, not n.
    """
    if n == 0 or probability <= 0.0:
        return np.zeros(0, dtype=np.int64)
    if probability >= 1.0:
        return np.arange(n, dtype=np.int64)
    expected = n * probability
    chunks = []
    reached = -1
    while reached < n - 1:
        gaps = rng.geometric(probability, int(expected + 8 * math.sqrt(expected) + 16))
        positions = reached + np.cumsum(gaps)
        chunks.append(positions)
        reached = int(positions[-1])
        expected = (n - 1 - reached) * probability
    positions = np.concatenate(chunks)
    return positions[positions < n]


def _level_steps(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Step (±1) of a level that is off by one: Low → up, High → down, Medium either way."""
    coin = np.where(rng.random(len(levels)) < 0.5, -1, 1)
    return np.where(levels == 0, 1, np.where(levels == 2, -1, coin)).astype(np.int8)


def _draw(matrix: EvidenceMatrix, rng: np.random.Generator, n_draws: int, rating_error: float,
          weight_error: float, eligible: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> _Draws:
    """Sample the perturbations of ``n_draws`` draws."""
    offsets, counts, vote_analyst, vote_hypothesis = eligible
    n_items = len(matrix.evidence)
    weight_parts = []
    for attribute, levels in ((0, matrix.credibility), (1, matrix.relevance)):
        position = _bernoulli_positions(rng, n_draws * n_items, weight_error)
        item = position % n_items
        weight_parts.append((position // n_items, item, np.full(len(item), attribute, np.int8),
                             _level_steps(levels[item], rng)))
    weight_draw, weight_item, weight_attribute, weight_step = (np.concatenate(p) for p in zip(*weight_parts))

    erring = np.flatnonzero(counts > 0)
    position = _bernoulli_positions(rng, n_draws * len(erring), rating_error)
    draw, item = position // max(len(erring), 1), erring[position % max(len(erring), 1)]
    # One uniform picks the vote (its integer part) and the direction (its fraction, which is
    # uniform and independent of the integer part).
    scaled = rng.random(len(item)) * counts[item]
    picked = np.minimum(scaled.astype(np.int64), counts[item] - 1)
    choice = offsets[item] + picked
    analyst, hypothesis = vote_analyst[choice], vote_hypothesis[choice]
    n_hyps = len(matrix.hypotheses)
    old = matrix.votes.reshape(-1)[(analyst * n_items + item) * n_hyps + hypothesis].astype(np.int64)
    step = np.where(scaled - picked < 0.5, 1, -1)
    step = np.where(old == _II, 1, np.where(old == _CC, -1, step))
    return _Draws(n_draws, weight_draw, weight_item, weight_attribute, weight_step,
                  draw, analyst, item, hypothesis, old, old + step)


def _eligible_votes(matrix: EvidenceMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per item, the votes that can carry an error (rated, not NA), flattened by item."""
    movable = (matrix.votes != NO_VOTE) & (matrix.votes != _NA)
    analyst, item, hypothesis = np.nonzero(movable)
    order = np.argsort(item, kind="stable")
    counts = np.bincount(item, minlength=len(matrix.evidence))
    offsets = np.r_[0, np.cumsum(counts)[:-1]] if len(counts) else counts
    return offsets.astype(np.int64), counts, analyst[order], hypothesis[order]


class _Simulator:
    """Precomputed per-engine quantities; ``utilities`` scores one chunk of draws exactly.

    With assessed weights every engine total is known; a draw adds (a) for the items whose
    weights moved, the change of their PARC-weighted contribution (linear in the weight: one
    matrix product) and of their Bayes contribution (one dense product per class move k = ±1,
    a sparse sum for the rare k = ±2), and (b) for each
    rating error, the change of the erring vote's share of its group mean, valued at the item's
    drawn weight.
    """

    def __init__(self, matrix: EvidenceMatrix, priors: Mapping[str, float] | None,
                 dependence: float | str | None = None, ungraded: str | None = None) -> None:
        self.matrix = matrix
        parts = engine_parts(matrix, priors, dependence=dependence, ungraded=ungraded)
        n_items, n_hyps = len(matrix.evidence), len(matrix.hypotheses)
        self.share = 1.0 / matrix.group_size                      # an item's share of its group mean
        self.n_votes = np.maximum(matrix.vote_counts(), 1)
        self.base_class = (matrix.credibility + matrix.relevance).astype(np.int64)
        self.parc_total = parts["parc"].totals()
        parc_cells = matrix.item_values(_PARC, 0.0) * self.share[:, None]
        strength = admiralty_strength(matrix, ungraded)[:, None] * _CLASS_WEIGHTS[None, :]     # (E, 5)
        self.bayes_tables = log_likelihood_table(strength)                        # (E, 5, 6)
        # an item's share of its origin's damped sum: the origin order stays as assessed
        weight = parts["bayes"].group_weight
        self.bayes_share = self.share if weight is None else self.share * weight[matrix.group_index]
        bayes_cells = np.stack([matrix.item_values(self.bayes_tables[:, s, :], 0.0) * self.bayes_share[:, None]
                                for s in range(5)])                               # (5, E, H)
        rows = np.arange(n_items)
        base_bayes = bayes_cells[self.base_class, rows]
        base_weight = _CLASS_WEIGHTS[self.base_class][:, None]
        self.parc_weighted_total = (base_weight * parc_cells).sum(axis=0)
        self.bayes_total = parts["bayes"].offset + base_bayes.sum(axis=0)
        self.parc_cells = parc_cells                    # PARC weighted is linear in the weight
        # change of the Bayes contribution when an item's class moves by k (non-linear in k)
        self.class_moves: dict[int, np.ndarray] = {}
        for k in (-2, -1, 1, 2):
            target = self.base_class + k
            possible = ((target >= 0) & (target <= 4))[:, None]
            self.class_moves[k] = np.where(possible, bayes_cells[np.clip(target, 0, 4), rows] - base_bayes, 0.0)
        os_part = parts["open_synthesis"]
        sums, counts = os_part.group_values()
        with np.errstate(invalid="ignore", divide="ignore"):
            self.os_means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
        self.os_counts = counts
        self.os_total = os_part.totals()
        self.os_tiebreaks = dict(zip((key.name for key in os_part.tiebreaks), os_part.tiebreak_utilities(self.os_means)))
        # per cell (item × hypothesis, flattened): what one vote step is worth in each engine
        vote_share = self.share[:, None] / self.n_votes
        self.vote_share = vote_share.reshape(-1)
        self.bayes_vote_share = (self.bayes_share[:, None] / self.n_votes).reshape(-1)
        group = matrix.group_index
        with np.errstate(invalid="ignore", divide="ignore"):
            self.os_scale = (1.0 / (self.n_votes * counts[group])).reshape(-1)
        self.os_before = self.os_means[group].reshape(-1)
        self.in_shared_group = matrix.group_size > 1
        self.n_hyps = n_hyps
        self._buffer = np.zeros(0)   # (draws × items) scratch, reused: zeroing fresh pages is slow

    def _scratch(self, size: int) -> np.ndarray:
        """A zeroed float buffer of ``size``; callers must zero what they wrote."""
        if len(self._buffer) < size:
            self._buffer = np.zeros(size)
        return self._buffer[:size]

    def utilities(self, draws: _Draws) -> dict[str, np.ndarray]:
        """Utility (higher = better) of each hypothesis in each draw, per engine: (D, H)."""
        n_draws, n_hyps, n_items = draws.n_draws, self.n_hyps, len(self.matrix.evidence)
        parc = np.tile(self.parc_total, (n_draws, 1))
        parc_weighted = np.tile(self.parc_weighted_total, (n_draws, 1))
        bayes = np.tile(self.bayes_total, (n_draws, 1))
        os_total = np.tile(self.os_total, (n_draws, 1))
        shift = draws.class_shift(n_items)
        # Only (draw, item) cells named by a weight event can have moved: look there instead of
        # scanning the dense shift matrix. A class moves by ±1 when exactly one of credibility /
        # relevance moved (the cell is in one event list), by ±2 when both moved the same way.
        cells = draws.weight_draw * n_items + draws.weight_item
        relevance = draws.weight_attribute == 1
        moved_by = shift.ravel()[cells]
        once = (moved_by != 0) & ((np.abs(moved_by) == 1) | relevance)   # each moved cell listed once
        scratch = self._scratch(n_draws * n_items)
        moved_items = draws.weight_item[once]
        scratch[cells[once]] = (_CLASS_WEIGHTS[self.base_class[moved_items] + moved_by[once]]
                                - _CLASS_WEIGHTS[self.base_class[moved_items]])   # drawn − assessed weight
        parc_weighted += scratch.reshape(n_draws, n_items) @ self.parc_cells
        scratch[cells[once]] = 0.0
        for k in (-1, 1):
            chosen = cells[moved_by == k]
            if len(chosen):
                scratch[chosen] = 1.0
                bayes += scratch.reshape(n_draws, n_items) @ self.class_moves[k]
                scratch[chosen] = 0.0
        for k in (-2, 2):
            chosen = cells[relevance & (moved_by == k)]   # sorted, so grouped by draw
            if len(chosen):
                draw, item = chosen // n_items, chosen % n_items
                starts = np.flatnonzero(np.r_[True, draw[1:] != draw[:-1]])
                bayes[draw[starts]] += np.add.reduceat(self.class_moves[k][item], starts, axis=0)

        item, h, d = draws.item, draws.hypothesis, draws.draw
        if len(item):
            cell = item * n_hyps + h
            scale = self.vote_share[cell]
            flat, size = d * n_hyps + h, n_draws * n_hyps
            drawn = self.base_class[item] + shift[d, item]
            parc_delta = (_PARC[draws.new] - _PARC[draws.old]) * scale
            parc += np.bincount(flat, parc_delta, size).reshape(n_draws, n_hyps)
            parc_weighted += np.bincount(flat, parc_delta * _CLASS_WEIGHTS[drawn], size).reshape(n_draws, n_hyps)
            row = (item * 5 + drawn) * 6                     # flat index of bayes_tables[item, drawn, :]
            flat_tables = self.bayes_tables.reshape(-1)
            bayes_delta = (flat_tables[row + draws.new] - flat_tables[row + draws.old]) * self.bayes_vote_share[cell]
            bayes += np.bincount(flat, bayes_delta, size).reshape(n_draws, n_hyps)
            os_total += self._open_synthesis_delta(draws, cell, n_draws, n_hyps)
        return {"parc": parc, "parc_weighted": parc_weighted, "open_synthesis": -os_total, "bayes": bayes}

    def tiebreaks(self, engine: str, draws: _Draws, utility: np.ndarray) -> Callable[[], list[np.ndarray]] | None:
        """The engine's tie-break keys in each draw, (D, H) or (H,) each, as a callable (or None).

        Open Synthesis breaks ties by consistency, which rating errors move, then by the N/A and
        unrated shares, which they cannot (errors move votes between II and CC only). The
        consistency is worked out for the draws tied for first only (``utility``: (D, H)).
        """
        if engine != "open_synthesis":
            return None

        def keys() -> list[np.ndarray]:
            tied = (top_mask(utility).sum(axis=1) > 1)[draws.draw]
            errors = replace(draws, draw=draws.draw[tied], analyst=draws.analyst[tied], item=draws.item[tied],
                             hypothesis=draws.hypothesis[tied], old=draws.old[tied], new=draws.new[tied])
            out = []
            for name, base in self.os_tiebreaks.items():
                if name == CONSISTENCY_KEY and len(errors.item):
                    cell = errors.item * self.n_hyps + errors.hypothesis
                    base = base + self._open_synthesis_delta(errors, cell, draws.n_draws, self.n_hyps, direction=-1.0)
                out.append(base)
            return out

        return keys

    def _open_synthesis_delta(self, draws: _Draws, cell: np.ndarray, n_draws: int, n_hyps: int,
                              direction: float = 1.0) -> np.ndarray:
        """Change of Open Synthesis inconsistency (``direction`` -1: consistency): shifts of one
        group mean add up before squaring."""
        shift = (_OS[draws.new] - _OS[draws.old]) * self.os_scale[cell]
        before = self.os_before[cell]              # never NaN: the erring vote's cell is rated
        draw, h = draws.draw, draws.hypothesis
        shared = self.in_shared_group[draws.item]
        if shared.any():  # readings of one story may err in the same draw: add before squaring
            alone = ~shared
            group = self.matrix.group_index[draws.item[shared]]
            key = (draw[shared] * self.matrix.n_groups + group) * n_hyps + h[shared]
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            totals = self._os_change(before[alone], shift[alone], draw[alone], h[alone], n_draws, n_hyps, direction)
            return totals + self._os_change(before[shared][first], np.bincount(inverse, shift[shared]),
                                            draw[shared][first], h[shared][first], n_draws, n_hyps, direction)
        return self._os_change(before, shift, draw, h, n_draws, n_hyps, direction)

    @staticmethod
    def _os_change(before: np.ndarray, shift: np.ndarray, draw: np.ndarray, h: np.ndarray, n_draws: int,
                   n_hyps: int, direction: float = 1.0) -> np.ndarray:
        change = (np.square(np.maximum(direction * (NEUTRAL_VOTE - before - shift), 0.0))
                  - np.square(np.maximum(direction * (NEUTRAL_VOTE - before), 0.0)))
        return np.bincount(draw * n_hyps + h, change, n_draws * n_hyps).reshape(n_draws, n_hyps)


def _simulate(matrix: EvidenceMatrix, draws: int, rating_error: float, weight_error: float,
              rng: np.random.Generator, priors: Mapping[str, float] | None,
              keep: bool = False, dependence: float | str | None = None,
              ungraded: str | None = None) -> tuple[dict[str, np.ndarray], list[tuple[_Draws, dict[str, np.ndarray]]]]:
    """Run the draws in chunks; returns (first-place counts per engine, kept chunks)."""
    simulator = _Simulator(matrix, priors, dependence, ungraded)
    eligible = _eligible_votes(matrix)
    n_hyps = len(matrix.hypotheses)
    chunk = max(1, _CELLS_PER_CHUNK // max(1, len(matrix.evidence)))
    firsts = {engine: np.zeros(n_hyps) for engine in ENGINE_NAMES}
    kept = []
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        sample = _draw(matrix, rng, size, rating_error, weight_error, eligible)
        utilities = simulator.utilities(sample)
        for engine, utility in utilities.items():
            mask = top_mask(utility, simulator.tiebreaks(engine, sample, utility))
            firsts[engine] += (mask / mask.sum(axis=1, keepdims=True)).sum(axis=0)
        if keep:
            kept.append((sample, utilities))
        done += size
    return firsts, kept


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
        firsts, _ = _simulate(matrix, int(draws), float(rating_error), float(weight_error), rng, priors,
                              dependence=dependence, ungraded=ungraded)
    table = pd.DataFrame({engine: firsts[engine] / draws for engine in ENGINE_NAMES},
                         index=pd.Index(matrix.hypotheses, name="hypothesis"))
    return MonteCarlo(table, int(draws), float(rating_error), float(weight_error),
                      seed if isinstance(seed, (int, np.integer)) else None)
