"""Evidence dependence: items that share an origin are not independent observations.

An *origin* is one outlet, one article with its syndicated copies, or a set of items an
analyst marked "same origin" (the frame's ``origin`` column; see ``_frame``). Ten sentences of
one article are one observation of one source, not ten. Naive Bayes multiplies their
likelihoods as if they were independent and so turns one propaganda piece into near
certainty.

The Bayesian engine therefore combines the groups of one origin with a **damped sum**:
within an origin, groups are ranked by their diagnosticity (the spread of their
log-likelihoods across hypotheses), and the k-th strongest counts ``dependence ** k``:

    log L(origin | H) = Σ_k  dependence^k · log L(group_k | H)

* ``dependence = 0`` ("one per origin", the default): an origin carries exactly the weight of
  its most diagnostic item, however many items it has.
* ``dependence = 1`` ("independent"): every item counts in full, the naive product.
* in between, e.g. 0.5: each further item of an origin counts half as much as the one before.

Scores report the posterior at both ends, so an analyst sees how much a number rests on the
independence assumption. Sensitivity analyses rank an origin's items once, at the assessed
ratings; leave-one-out re-ranks exactly when an item's removal empties its group.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import spread

__all__ = ["DEPENDENCE_SETTINGS", "DEFAULT_DEPENDENCE", "normalise_dependence", "dependence_words",
           "origin_ranks", "origin_weights", "removal_deltas", "origin_sums"]

#: Named settings of the dependence parameter.
DEPENDENCE_SETTINGS: dict[str, float] = {"one-per-origin": 0.0, "independent": 1.0}
DEFAULT_DEPENDENCE = 0.0


def normalise_dependence(value: Any) -> float:
    """The dependence parameter as a float in [0, 1].

    Args:
        value: ``"one-per-origin"``, ``"independent"``, or a number in [0, 1]; None = default.

    Returns:
        The weight factor applied to each further item of an origin.

    Raises:
        ValueError: anything else.
    """
    if value is None:
        return DEFAULT_DEPENDENCE
    if isinstance(value, str):
        key = value.strip().lower().replace("_", "-").replace(" ", "-")
        if key in DEPENDENCE_SETTINGS:
            return DEPENDENCE_SETTINGS[key]
        try:
            value = float(key)
        except ValueError:
            raise ValueError(f"dependence {value!r} is not one-per-origin, independent or a number "
                             f"between 0 and 1") from None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"dependence {value!r} is not a number between 0 and 1")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"dependence {value!r} is not between 0 (one per origin) and 1 (independent)")
    return number


def dependence_words(dependence: float) -> str:
    """The assumption behind a posterior, in words an analyst can quote."""
    if dependence <= 0.0:
        return "one observation per origin (each origin counts as its most diagnostic item)"
    if dependence >= 1.0:
        return "every item independent (naive product of likelihoods)"
    return f"items of one origin damped: each further item counts {dependence:g}× the one before"


def origin_ranks(contributions: np.ndarray, group_origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each group within its origin, strongest first.

    Args:
        contributions: each group's log-likelihood row, (G, H), NaN-free.
        group_origin: origin of each group, (G,).

    Returns:
        (rank (G,), order): ``order`` lists groups by origin, then by falling strength (ties
        keep group order); ``rank[g]`` is 0 for the most diagnostic group of its origin.
    """
    strength = spread(contributions)
    order = np.lexsort((np.arange(len(strength)), -strength, group_origin))
    sorted_origin = group_origin[order]
    starts = np.flatnonzero(np.r_[True, sorted_origin[1:] != sorted_origin[:-1]]) if len(order) else order
    segment_start = np.repeat(starts, np.diff(np.r_[starts, len(order)])) if len(order) else order
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - segment_start
    return rank, order


def origin_weights(contributions: np.ndarray, group_origin: np.ndarray, dependence: float) -> np.ndarray:
    """How much each group counts: ``dependence ** rank`` within its origin, (G,)."""
    rank, _ = origin_ranks(contributions, group_origin)
    return np.power(float(dependence), rank.astype(float))   # 0 ** 0 == 1: the strongest counts fully


def removal_deltas(contributions: np.ndarray, group_origin: np.ndarray, dependence: float) -> np.ndarray:
    """Change of the damped total when each group is removed, re-ranking its origin, (G, H).

    With the groups of an origin sorted strongest first (v_0, v_1, …), removing v_p leaves
    Σ_{i<p} d^i v_i + Σ_{i>p} d^(i−1) v_i: the later groups move up one rank.
    """
    n_groups = len(group_origin)
    if n_groups == 0:
        return np.zeros_like(contributions)
    rank, order = origin_ranks(contributions, group_origin)
    d = float(dependence)
    values = contributions[order]
    ranks = rank[order].astype(float)
    weight_now = np.power(d, ranks)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight_up = np.where(ranks[:, None] >= 1, np.power(d, np.maximum(ranks - 1, 0))[:, None], 0.0)
    origin = group_origin[order]
    starts = np.flatnonzero(np.r_[True, origin[1:] != origin[:-1]])
    ends = np.r_[starts[1:], n_groups]
    now = weight_now * values
    up = weight_up * values
    # within each origin: what the groups after p add at their new (one better) rank
    up_suffix = _segment_suffix(up, starts, ends)            # Σ_{i≥p} up_i
    now_suffix = _segment_suffix(now, starts, ends)          # Σ_{i≥p} now_i
    after_up = up_suffix - up                                # Σ_{i>p} d^(i−1) v_i
    after_now = now_suffix - now                             # Σ_{i>p} d^i v_i
    delta_sorted = -now + (after_up - after_now)
    out = np.empty_like(contributions)
    out[order] = delta_sorted
    return out


def _segment_suffix(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Inclusive suffix sums of the rows of ``values`` within each [start, end) segment."""
    reversed_cumsum = np.cumsum(values[::-1], axis=0)[::-1]
    # subtract what lies beyond each segment's end
    segment_of = np.repeat(np.arange(len(starts)), ends - starts)
    tail = np.vstack([reversed_cumsum[1:], np.zeros((1, values.shape[1]))])   # Σ_{i>row}
    end_tail = tail[ends - 1]                                                  # Σ beyond segment end
    beyond = end_tail[segment_of]
    return reversed_cumsum - beyond


def origin_sums(contributions: np.ndarray, group_origin: np.ndarray, n_origins: int) -> np.ndarray:
    """Sum the group rows of each origin, (O, H)."""
    if n_origins == len(group_origin) and np.array_equal(group_origin, np.arange(n_origins)):
        return contributions   # every group its own origin
    order = np.argsort(group_origin, kind="stable")
    sorted_origin = group_origin[order]
    starts = np.flatnonzero(np.r_[True, sorted_origin[1:] != sorted_origin[:-1]])
    out = np.zeros((n_origins, contributions.shape[1]))
    out[sorted_origin[starts]] = np.add.reduceat(contributions[order], starts, axis=0)
    return out
