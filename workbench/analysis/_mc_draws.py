"""The random perturbations of a Monte Carlo run: which weights and votes err in each draw.

One error per item and draw (see ``montecarlo``): an item's credibility and, independently,
its relevance are one level off with probability ``weight_error``; one of its votes (not NA)
is one step off with probability ``rating_error``. Successes are sampled through geometric
gaps, so the cost follows the number of errors, not draws × items.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._matrix import NO_VOTE, EvidenceMatrix
from .scales import RATINGS

__all__ = ["Draws", "eligible_votes", "sample_draws"]

_NA, _II, _CC = RATINGS.index("NA"), RATINGS.index("II"), RATINGS.index("CC")


@dataclass(frozen=True)
class Draws:
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


def sample_draws(matrix: EvidenceMatrix, rng: np.random.Generator, n_draws: int, rating_error: float,
          weight_error: float, eligible: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> Draws:
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
    return Draws(n_draws, weight_draw, weight_item, weight_attribute, weight_step,
                  draw, analyst, item, hypothesis, old, old + step)


def eligible_votes(matrix: EvidenceMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per item, the votes that can carry an error (rated, not NA), flattened by item."""
    movable = (matrix.votes != NO_VOTE) & (matrix.votes != _NA)
    analyst, item, hypothesis = np.nonzero(movable)
    order = np.argsort(item, kind="stable")
    counts = np.bincount(item, minlength=len(matrix.evidence))
    offsets = np.r_[0, np.cumsum(counts)[:-1]] if len(counts) else counts
    return offsets.astype(np.int64), counts, analyst[order], hypothesis[order]
