"""The compiled evidence matrix: a validated tidy frame as dense arrays the engines share.

Independence: every engine counts a group once. Within a group, identical copies (same votes,
weights and grades) collapse into one counting unit and the group's value for a hypothesis
is the mean over its units — so adding another copy of a story never changes a score, and
copies an analyst rated differently are averaged (see ``EvidenceMatrix.units``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .scales import WEIGHT_LEVELS, WEIGHT_VALUES

__all__ = ["EvidenceMatrix", "NO_VOTE", "first_rows"]

NO_VOTE = -1
_LEVEL_VALUES = np.array([WEIGHT_VALUES[level] for level in WEIGHT_LEVELS])


@dataclass(frozen=True, eq=False)
class EvidenceMatrix:
    """A validated tidy frame as dense arrays (A analysts × E items × H hypotheses).

    Attributes:
        hypotheses: hypothesis names in order.
        evidence: item ids in order of first appearance.
        analysts: analyst names ("" when the frame has no analyst column).
        votes: int8 array (A, E, H): the index of the rating in ``RATINGS`` (II=0 … CC=4, NA=5),
            or -1 where that analyst gave no rating.
        credibility: int8 (E,): 0 Low, 1 Medium, 2 High.
        relevance: int8 (E,): 0 Low, 1 Medium, 2 High.
        reliability: int8 (E,): 0 A … 5 F, -1 ungraded.
        info_credibility: int8 (E,): 1–6, 0 ungraded.
        groups: the group label of each item (None = an independent item).
        group_index: int64 (E,): the item's independence group, 0 … G-1.
        group_size: int64 (E,): how many items share the item's group.
        dates: datetime64[ns] (E,), NaT where unknown.
        origins: the origin label of each item (None = the item's group is its own origin).
        origin_index: int64 (E,): the origin of the item's group, 0 … O-1 (every item of a
            group shares the origin of the group's first item).
        collapsed: True for the matrix of counting units (see ``units``), where identical
            copies are already collapsed.
    """

    hypotheses: tuple[str, ...]
    evidence: tuple[str, ...]
    analysts: tuple[str, ...]
    votes: np.ndarray
    credibility: np.ndarray
    relevance: np.ndarray
    reliability: np.ndarray
    info_credibility: np.ndarray
    groups: tuple[str | None, ...]
    group_index: np.ndarray
    group_size: np.ndarray
    dates: np.ndarray
    origins: tuple[str | None, ...] = ()
    origin_index: np.ndarray | None = None
    collapsed: bool = False

    def __post_init__(self) -> None:
        if self.origin_index is None:  # no origins given: every group is its own origin
            object.__setattr__(self, "origin_index", self.group_index.copy())
            object.__setattr__(self, "origins", (None,) * len(self.evidence))

    @property
    def n_origins(self) -> int:
        """The number of independent origins (outlets, article families, analyst-marked sets)."""
        return int(self.origin_index.max()) + 1 if len(self.origin_index) else 0

    def group_origins(self) -> np.ndarray:
        """The origin of each independence group, int64 (G,)."""
        out = np.zeros(self.n_groups, dtype=np.int64)
        out[self.group_index] = self.origin_index
        return out

    @property
    def n_groups(self) -> int:
        """The number of independent groups (items that count once each)."""
        return int(self.group_index.max()) + 1 if len(self.group_index) else 0

    @property
    def weights(self) -> np.ndarray:
        """PARC weight of each item: credibility × relevance (√2, 1, 1/√2 each)."""
        return _LEVEL_VALUES[self.credibility] * _LEVEL_VALUES[self.relevance]

    def vote_counts(self) -> np.ndarray:
        """Number of analysts who rated each cell (NA counts as a vote), int (E, H)."""
        return (self.votes != NO_VOTE).sum(axis=0)

    def item_values(self, table: np.ndarray, missing: float) -> np.ndarray:
        """Each cell's mean vote value over the analysts who rated it.

        Args:
            table: value of each rating code, shape (6,), or per item, shape (E, 6).
            missing: value of a cell nobody rated.

        Returns:
            float array (E, H).
        """
        rated = self.votes != NO_VOTE
        codes = np.where(rated, self.votes, 0)
        if table.ndim == 1:
            values = table[codes]
        else:  # a row of the table per item: gather table[e, code]
            values = table[np.arange(len(self.evidence))[None, :, None], codes]
        if self.votes.shape[0] == 1:
            return np.where(rated[0], values[0], missing)
        counts = rated.sum(axis=0)
        sums = np.where(rated, values, 0.0).sum(axis=0)
        return np.where(counts > 0, sums / np.maximum(counts, 1), missing)

    def group_reduce(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum the item rows of each independence group, ignoring NaN.

        Args:
            values: float (E, H).

        Returns:
            (sums, counts), each (G, H): the NaN-free sum and the number of non-NaN items.
        """
        present = ~np.isnan(values)
        if len(values) == 0:
            empty = np.zeros((0, values.shape[1]))
            return empty, empty
        filled = np.where(present, values, 0.0)
        single_items, single_groups, multi_order, multi_starts, multi_groups = self._reduce_layout
        if len(multi_order) == 0 and len(single_groups) == len(single_items) and self.n_groups == len(values):
            if np.array_equal(single_groups, single_items):   # every item its own group, in order
                return filled, present.astype(np.float64)
        sums = np.zeros((self.n_groups, values.shape[1]))
        counts = np.zeros((self.n_groups, values.shape[1]))
        sums[single_groups] = filled[single_items]
        counts[single_groups] = present[single_items]
        if len(multi_order):   # reduceat only where a group has several items: it is slow per segment
            sums[multi_groups] = np.add.reduceat(filled[multi_order], multi_starts, axis=0)
            counts[multi_groups] = np.add.reduceat(present[multi_order].astype(np.float64), multi_starts, axis=0)
        return sums, counts

    @cached_property
    def _reduce_layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Items alone in their group, and the sorted layout of the groups with several items."""
        sizes = np.bincount(self.group_index, minlength=self.n_groups)
        alone = sizes[self.group_index] == 1
        single_items = np.flatnonzero(alone)
        multi_items = np.flatnonzero(~alone)
        multi_order = multi_items[np.argsort(self.group_index[multi_items], kind="stable")]
        sorted_groups = self.group_index[multi_order]
        starts = (np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(multi_order)
                  else np.zeros(0, dtype=np.int64))
        return single_items, self.group_index[single_items], multi_order, starts, sorted_groups[starts]

    @cached_property
    def units(self) -> tuple[EvidenceMatrix, np.ndarray]:
        """The items that count: identical copies within a group collapsed into one unit.

        Syndicated copies of one story rated alike (same votes, weights and grades) are one
        piece of evidence, however many sites ran it; copies rated differently are distinct
        readings of the story and are averaged. So adding another copy never changes a score.
        Items without a group are never collapsed (they are independent, even if rated alike).

        Returns:
            (unit matrix, unit index of each item). The unit matrix lists one representative
            per unit (the first item); its ``group_size`` is the number of units in the group.
        """
        if self.collapsed or (self.group_size == 1).all():
            return self, np.arange(len(self.evidence))
        grades = np.stack([self.credibility, self.relevance, self.reliability, self.info_credibility], axis=1)
        keys = [self.group_index[e].tobytes() + self.votes[:, e, :].tobytes() + grades[e].tobytes()
                for e in range(len(self.evidence))]
        unit_of, _ = pd.factorize(np.array(keys, dtype=object))
        unit_of = np.asarray(unit_of, dtype=np.int64)
        first = first_rows(unit_of)
        group_index = self.group_index[first]
        units = EvidenceMatrix(
            hypotheses=self.hypotheses, evidence=tuple(self.evidence[i] for i in first), analysts=self.analysts,
            votes=self.votes[:, first, :], credibility=self.credibility[first], relevance=self.relevance[first],
            reliability=self.reliability[first], info_credibility=self.info_credibility[first],
            groups=tuple(self.groups[i] for i in first), group_index=group_index,
            group_size=np.bincount(group_index)[group_index], dates=self.dates[first],
            origins=tuple(self.origins[i] for i in first), origin_index=self.origin_index[first], collapsed=True,
        )
        return units, unit_of

    @property
    def copies(self) -> np.ndarray:
        """How many identical copies (itself included) each item's counting unit has, (E,)."""
        _, unit_of = self.units
        return np.bincount(unit_of)[unit_of]

    @property
    def counts_as(self) -> np.ndarray:
        """Each item's share of the single count its group gets: 1 / (units in group × copies)."""
        units, unit_of = self.units
        return 1.0 / (units.group_size[unit_of] * self.copies)

    def group_means(self, values: np.ndarray) -> np.ndarray:
        """Mean item row per independence group (NaN where no item of the group has a value)."""
        sums, counts = self.group_reduce(values)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Row of the first appearance of each code (codes numbered in order of first appearance)."""
    running = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(running, prepend=-1) > 0)
