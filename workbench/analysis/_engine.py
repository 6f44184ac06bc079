"""What every scoring engine is made of, so sensitivity analysis can treat them alike.

An engine turns each cell into an *item value* (the mean of the analysts' vote values), averages
the items of each independence group (syndicated copies count once), maps each group value
through a *transform* and sums over groups. ``utility`` orients the total so that higher is
always better (PARC and Bayes already are; Open Synthesis inconsistency is negated).

An engine may carry *tie-breaks*: further keys, each an engine of its own, compared in order
only between hypotheses tied on everything before (Open Synthesis sorts on inconsistency, then
consistency, then N/A share, then unrated share). ``top_mask``, ``ranks_of`` and
``leader_changes`` take them as a callable so that the keys are computed only when a tie needs
them: most matrices have one clear leader.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from ._matrix import EvidenceMatrix

__all__ = ["EngineParts", "ENGINE_NAMES", "ENGINE_LABELS", "TieBreaks", "identity", "tie_tolerance", "top_mask",
           "leaders_of", "ranks_of", "best_rivals", "leader_changes", "spread"]

ENGINE_NAMES: tuple[str, ...] = ("parc", "parc_weighted", "open_synthesis", "bayes")
ENGINE_LABELS: dict[str, str] = {
    "parc": "PARC inconsistency",
    "parc_weighted": "PARC weighted inconsistency",
    "open_synthesis": "Open Synthesis",
    "bayes": "Bayesian posterior",
}


#: Tie-break keys (utilities, higher is better, in the order they are compared), or a callable
#: that returns them; each key has the shape of the utilities it breaks ties of.
TieBreaks = Sequence[np.ndarray] | Callable[[], Sequence[np.ndarray]] | None


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
        tiebreaks: further keys compared in order between hypotheses tied on the total (each an
            engine: its ``utility`` is the key). A one-step move of a vote between II and CC
            must change a key only through ``vote_table`` (sensitivity analysis relies on it).
        means: the group means of ``values`` when already computed (G, H); None otherwise.
        values: fixed item values (E, H) for a key that is not a mean of vote values (such as
            "the cell's consensus is N/A"); ``vote_table`` then says how a move changes it.
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
    tiebreaks: tuple[EngineParts, ...] = ()
    values: np.ndarray | None = None
    means: np.ndarray | None = None

    def contributions(self, means: np.ndarray) -> np.ndarray:
        """Each group's weighted contribution to the total, (G, H), from its mean values."""
        values = self.transform(means)
        return values if self.group_weight is None else values * self.group_weight[:, None]

    def item_values(self) -> np.ndarray:
        """Each item's value per hypothesis, (E, H)."""
        if self.values is not None:
            return self.values
        return self.matrix.item_values(self.vote_table, self.missing)

    def group_values(self, item_values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(sums, counts) of item values per group, each (G, H)."""
        return self.matrix.group_reduce(self.item_values() if item_values is None else item_values)

    def totals(self, item_values: np.ndarray | None = None) -> np.ndarray:
        """The engine's score of each hypothesis, (H,)."""
        if item_values is None and self.means is not None:
            return self.offset + self.contributions(self.means).sum(axis=0)
        sums, counts = self.group_values(item_values)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
        return self.offset + self.contributions(means).sum(axis=0)

    def utility(self, totals: np.ndarray) -> np.ndarray:
        """Totals oriented so that higher is better (any shape, hypotheses last)."""
        return self.sign * totals

    def tiebreak_utilities(self, means: np.ndarray | None = None) -> list[np.ndarray]:
        """The utility (H,) of each tie-break key, in order (empty for an engine without).

        Args:
            means: the engine's own group means (G, H) when the caller has them: a key that
                reads the same item values (Open Synthesis consistency) is then one transform.
        """
        return [key.utility(self._tiebreak_total(key, means)) for key in self.tiebreaks]

    def _tiebreak_total(self, key: EngineParts, means: np.ndarray | None) -> np.ndarray:
        """A key's totals, the cheap way where there is one (ties are checked on every score)."""
        if (means is not None and key.values is None and self.values is None and key.vote_table is self.vote_table
                and np.array_equal(key.missing, self.missing, equal_nan=True)):
            return key.offset + key.contributions(means).sum(axis=0)
        if key.transform is identity and key.group_weight is None:
            values = key.item_values()
            if not np.isnan(values).any():
                # every cell has a value, so each group's mean divides by its size: one weighted sum
                return key.offset + (1.0 / key.matrix.group_size) @ values
        return key.totals()


def tie_tolerance(utilities: np.ndarray) -> np.ndarray:
    """Scores closer than this are tied: float sums of the same terms in another order differ."""
    scale = np.max(np.abs(utilities), axis=-1, keepdims=True) if utilities.size else np.zeros(1)
    return 1e-9 * np.maximum(scale, 1.0)


def _keys(tiebreaks: TieBreaks) -> Sequence[np.ndarray]:
    if tiebreaks is None:
        return ()
    return tiebreaks() if callable(tiebreaks) else tiebreaks


def top_mask(utilities: np.ndarray, tiebreaks: TieBreaks = None) -> np.ndarray:
    """Boolean mask of the leading hypotheses (ties included) along the last axis.

    Args:
        utilities: scores, higher is better, hypotheses on the last axis (any leading shape).
        tiebreaks: keys compared in order between the hypotheses still tied (see ``TieBreaks``);
            a callable is called only when some row has tied leaders.

    Returns:
        bool array shaped like ``utilities``.
    """
    utilities = np.asarray(utilities, dtype=float)
    best = np.max(utilities, axis=-1, keepdims=True)
    mask = utilities >= best - tie_tolerance(utilities)
    if tiebreaks is None or not (mask.sum(axis=-1) > 1).any():
        return mask
    for key in _keys(tiebreaks):
        key = np.broadcast_to(np.asarray(key, dtype=float), utilities.shape)
        best = np.where(mask, key, -np.inf).max(axis=-1, keepdims=True)
        mask = mask & (key >= best - tie_tolerance(key))
    return mask


def leaders_of(utilities: np.ndarray, hypotheses: tuple[str, ...], tiebreaks: TieBreaks = None) -> tuple[str, ...]:
    """Names of the leading hypotheses (several when tied on every key), in hypothesis order."""
    mask = top_mask(np.asarray(utilities, dtype=float), tiebreaks)
    return tuple(h for h, top in zip(hypotheses, mask) if top)


def ranks_of(utilities: np.ndarray, tiebreaks: TieBreaks = None) -> np.ndarray:
    """Competition rank of each hypothesis, 1 = best; tied hypotheses share the better rank.

    Args:
        utilities: (H,) scores, higher is better.
        tiebreaks: keys compared in order between hypotheses tied on everything before.

    Returns:
        int array (H,).
    """
    utilities = np.asarray(utilities, dtype=float)
    tolerance = tie_tolerance(utilities)
    beaten = utilities[None, :] > utilities[:, None] + tolerance      # [i, j]: j ranks above i
    tied = np.abs(utilities[None, :] - utilities[:, None]) <= tolerance
    if tiebreaks is not None and tied.sum() > len(utilities):         # some pair is tied
        for key in _keys(tiebreaks):
            key = np.asarray(key, dtype=float)
            tolerance = tie_tolerance(key)
            beaten |= tied & (key[None, :] > key[:, None] + tolerance)
            tied &= np.abs(key[None, :] - key[:, None]) <= tolerance
    return 1 + beaten.sum(axis=1)


def best_rivals(utilities: np.ndarray, tiebreaks: TieBreaks = None) -> np.ndarray:
    """For each hypothesis, the best of the *other* hypotheses (on every key), (H,) indices."""
    ranks = ranks_of(utilities, tiebreaks)
    order = np.argsort(ranks, kind="stable")
    if len(order) == 1:
        return order.copy()
    return np.where(np.arange(len(order)) == order[0], order[1], order[0])


def _compare(new: np.ndarray, old: np.ndarray, tolerance: float) -> np.ndarray:
    """+1 where ``new`` is better, -1 where worse, 0 where equal within the tolerance."""
    return np.where(new > old + tolerance, 1, np.where(new < old - tolerance, -1, 0))


def leader_changes(base: np.ndarray, moved: np.ndarray, hypothesis: np.ndarray,
                   tiebreaks: Callable[[], Sequence[tuple[np.ndarray, np.ndarray]]] | None = None) -> np.ndarray:
    """Whether each of many one-hypothesis changes alters the set of leading hypotheses.

    Each change gives one hypothesis new scores and leaves the others alone, so the new
    leaders follow from comparing that hypothesis with the best of the others: joining or
    passing them changes the set for an outsider; falling back to them (or below) for a sole
    leader; any difference for a tied leader.

    Args:
        base: (H,) utilities before.
        moved: (M,) the changed hypothesis's new utility, one per change.
        hypothesis: (M,) index of the changed hypothesis.
        tiebreaks: callable returning, per tie-break key in order, (base key (H,), moved key
            (M,)); called only when some change ties on the utility.

    Returns:
        bool (M,).
    """
    if len(base) == 1:     # a lone hypothesis leads whatever happens
        return np.zeros(len(moved), dtype=bool)
    keys = cache(tiebreaks) if tiebreaks is not None else (lambda: ())

    def base_keys() -> list[np.ndarray]:
        return [key for key, _ in keys()]

    base_mask = top_mask(base, base_keys)
    rival = best_rivals(base, base_keys)[hypothesis]
    order = _compare(moved, base[rival], float(tie_tolerance(base)[0]))
    undecided = order == 0
    if undecided.any() and tiebreaks is not None:
        for key, moved_key in keys():
            order = np.where(undecided, _compare(moved_key, key[rival], float(tie_tolerance(key)[0])), order)
            undecided = order == 0
            if not undecided.any():
                break
    in_top = base_mask[hypothesis]
    sole = base_mask.sum() == 1
    return np.where(~in_top, order >= 0, np.where(sole, order <= 0, order != 0))


def spread(item_values: np.ndarray) -> np.ndarray:
    """Largest minus smallest value of each item across hypotheses (NaN ignored, 0 if none)."""
    if item_values.shape[1] == 0:
        return np.zeros(item_values.shape[0])
    present = ~np.isnan(item_values)
    high = np.where(present, item_values, -np.inf).max(axis=1)
    low = np.where(present, item_values, np.inf).min(axis=1)
    return np.where(present.any(axis=1), high - low, 0.0)
