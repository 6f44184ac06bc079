"""What every scoring engine is made of, so sensitivity analysis can treat them alike.

An engine turns each cell into an *item value* (the mean of the analysts' vote values), averages
the items of each independence group (syndicated copies count once), maps each group value
through a *transform* and sums over groups. ``utility`` orients the total so that higher is
always better (PARC and Bayes already are; Open Synthesis inconsistency is negated).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._frame import EvidenceMatrix

__all__ = ["EngineParts", "ENGINE_NAMES", "ENGINE_LABELS", "identity", "tie_tolerance", "top_mask",
           "leaders_of", "ranks_of", "spread"]

ENGINE_NAMES: tuple[str, ...] = ("parc", "parc_weighted", "open_synthesis", "bayes")
ENGINE_LABELS: dict[str, str] = {
    "parc": "PARC inconsistency",
    "parc_weighted": "PARC weighted inconsistency",
    "open_synthesis": "Open Synthesis",
    "bayes": "Bayesian posterior",
}


def identity(values: np.ndarray) -> np.ndarray:
    """Group value → contribution for the additive engines (NaN contributes nothing)."""
    return np.nan_to_num(values, nan=0.0)


@dataclass(frozen=True, eq=False)
class EngineParts:
    """One engine applied to one evidence matrix.

    Attributes:
        name: engine key (see ``ENGINE_NAMES``).
        matrix: the compiled evidence.
        vote_table: value of each rating code, (6,) or per item (E, 6), weights included.
        missing: item value of a cell nobody rated (NaN = the cell is skipped).
        transform: group value → contribution, elementwise, NaN → 0.
        offset: (H,) added to the total (log prior for Bayes, else 0).
        sign: +1 when a higher total is better, -1 when lower is better.
        group_weight: (G,) multiplier of each group's contribution (Bayes: how much a group
            counts within its origin, see ``dependence``); None = every group counts once.
        dependence: the dependence factor behind ``group_weight`` (None when unweighted).
    """

    name: str
    matrix: EvidenceMatrix
    vote_table: np.ndarray
    missing: float
    transform: Callable[[np.ndarray], np.ndarray]
    offset: np.ndarray
    sign: float
    group_weight: np.ndarray | None = None
    dependence: float | None = None

    def contributions(self, means: np.ndarray) -> np.ndarray:
        """Each group's weighted contribution to the total, (G, H), from its mean values."""
        values = self.transform(means)
        return values if self.group_weight is None else values * self.group_weight[:, None]

    def item_values(self) -> np.ndarray:
        """Each item's value per hypothesis, (E, H)."""
        return self.matrix.item_values(self.vote_table, self.missing)

    def group_values(self, item_values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(sums, counts) of item values per group, each (G, H)."""
        return self.matrix.group_reduce(self.item_values() if item_values is None else item_values)

    def totals(self, item_values: np.ndarray | None = None) -> np.ndarray:
        """The engine's score of each hypothesis, (H,)."""
        sums, counts = self.group_values(item_values)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
        return self.offset + self.contributions(means).sum(axis=0)

    def utility(self, totals: np.ndarray) -> np.ndarray:
        """Totals oriented so that higher is better (any shape, hypotheses last)."""
        return self.sign * totals


def tie_tolerance(utilities: np.ndarray) -> np.ndarray:
    """Scores closer than this are tied: float sums of the same terms in another order differ."""
    scale = np.max(np.abs(utilities), axis=-1, keepdims=True) if utilities.size else np.zeros(1)
    return 1e-9 * np.maximum(scale, 1.0)


def top_mask(utilities: np.ndarray) -> np.ndarray:
    """Boolean mask of the leading hypotheses (ties included) along the last axis."""
    best = np.max(utilities, axis=-1, keepdims=True)
    return utilities >= best - tie_tolerance(utilities)


def leaders_of(utilities: np.ndarray, hypotheses: tuple[str, ...]) -> tuple[str, ...]:
    """Names of the leading hypotheses (several when tied), in hypothesis order."""
    mask = top_mask(np.asarray(utilities, dtype=float))
    return tuple(h for h, top in zip(hypotheses, mask) if top)


def ranks_of(utilities: np.ndarray) -> np.ndarray:
    """Competition rank of each hypothesis, 1 = best; tied hypotheses share the better rank."""
    utilities = np.asarray(utilities, dtype=float)
    tolerance = tie_tolerance(utilities)
    return 1 + (utilities[None, :] > utilities[:, None] + tolerance).sum(axis=1)


def spread(item_values: np.ndarray) -> np.ndarray:
    """Largest minus smallest value of each item across hypotheses (NaN ignored, 0 if none)."""
    if item_values.shape[1] == 0:
        return np.zeros(item_values.shape[0])
    present = ~np.isnan(item_values)
    high = np.where(present, item_values, -np.inf).max(axis=1)
    low = np.where(present, item_values, np.inf).min(axis=1)
    return np.where(present.any(axis=1), high - low, 0.0)
