"""Exact scores of every Monte Carlo draw, from the assessed totals plus what moved.

With assessed weights each engine's total is known; a draw adds, for the items whose weights
moved, the change of their PARC-weighted contribution (linear in the weight: one product of
the draws × items matrix of weight changes with the item values) and of their Bayes
contribution (non-linear in the weight: one product per class move ±1, a sparse sum for ±2),
and, for each rating error, the change of that vote's share of its group mean at the item's
drawn weight (Open Synthesis adds up the shifts of one group mean before squaring).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from ._engine import ENGINE_NAMES, top_mask
from ._matrix import EvidenceMatrix
from ._mc_draws import Draws, eligible_votes, sample_draws
from ._registry import engine_parts
from .bayes import admiralty_strength, log_likelihood_table
from .open_synthesis import CONSISTENCY_KEY, NEUTRAL_VOTE
from .scales import OPEN_SYNTHESIS_VOTES, PARC_VALUES, RATINGS

__all__ = ["Simulator", "simulate"]

_PARC = np.array([PARC_VALUES[r] for r in RATINGS])
_OS = np.array([OPEN_SYNTHESIS_VOTES[r] for r in RATINGS])
#: weight of a drawn class s = credibility level + relevance level (0 … 4): √2^(s − 2)
_CLASS_WEIGHTS = math.sqrt(2.0) ** (np.arange(5) - 2.0)
_CELLS_PER_CHUNK = 1_000_000  # draws × items per chunk: ~8 MB buffers that stay near the cache


class Simulator:
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

    def utilities(self, draws: Draws) -> dict[str, np.ndarray]:
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

    def tiebreaks(self, engine: str, draws: Draws, utility: np.ndarray) -> Callable[[], list[np.ndarray]] | None:
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

    def _open_synthesis_delta(self, draws: Draws, cell: np.ndarray, n_draws: int, n_hyps: int,
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


def simulate(matrix: EvidenceMatrix, draws: int, rating_error: float, weight_error: float,
              rng: np.random.Generator, priors: Mapping[str, float] | None,
              keep: bool = False, dependence: float | str | None = None,
              ungraded: str | None = None) -> tuple[dict[str, np.ndarray], list[tuple[Draws, dict[str, np.ndarray]]]]:
    """Run the draws in chunks; returns (first-place counts per engine, kept chunks)."""
    simulator = Simulator(matrix, priors, dependence, ungraded)
    eligible = eligible_votes(matrix)
    n_hyps = len(matrix.hypotheses)
    chunk = max(1, _CELLS_PER_CHUNK // max(1, len(matrix.evidence)))
    firsts = {engine: np.zeros(n_hyps) for engine in ENGINE_NAMES}
    kept = []
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        sample = sample_draws(matrix, rng, size, rating_error, weight_error, eligible)
        utilities = simulator.utilities(sample)
        for engine, utility in utilities.items():
            mask = top_mask(utility, simulator.tiebreaks(engine, sample, utility))
            firsts[engine] += (mask / mask.sum(axis=1, keepdims=True)).sum(axis=0)
        if keep:
            kept.append((sample, utilities))
        done += size
    return firsts, kept
