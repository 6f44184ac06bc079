"""How fragile is the leading hypothesis? Leave-one-out, rating perturbation, tornado.

* **Leave-one-out**: drop each item in turn and re-score. Items whose removal changes the set
  of leading hypotheses are the *linchpins* (Heuer's step 6: what if this item were wrong?).
  Dropping one syndicated copy leaves the rest of its group in place.
* **Rating perturbation**: move each single vote one step toward consistent (I→N, N→C …) or
  toward inconsistent (C→N, N→I …) and report the moves that change the leader. Identical
  syndicated copies are one unit: a move applies to the story (reported under its first copy).
* **Tornado**: for each item, the lowest and highest margin of the baseline leader over its
  best rival across the item's removal and all its single-step moves.
* Dropping one of several identical copies of a story changes nothing: the story is still there.

Everything is computed in closed form from the group sums (no re-scoring loop): removing or
moving one item changes one group's mean, so each engine's new total is the old total minus
that group's old contribution plus its new one. In the Bayesian view with dependent origins
(``dependence``) a group keeps its assessed rank within its origin, except that removing a
group's last item re-ranks its origin exactly (the next strongest item moves up).

A *margin* is in the engine's own units, oriented so that higher favours the leader: PARC
points, minus Open Synthesis inconsistency, and natural-log posterior odds for Bayes.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pandas as pd

from ._engine import ENGINE_NAMES, EngineParts, leader_changes, top_mask
from ._frame import NO_VOTE, FrameLike, evidence_matrix
from ._registry import engine_parts
from .dependence import removal_deltas
from .scales import RATINGS

__all__ = ["LeaveOneOut", "leave_one_out", "rating_perturbation", "tornado", "DIRECTIONS"]

DIRECTIONS = {1: "toward consistent", -1: "toward inconsistent"}
_NA = RATINGS.index("NA")
_CC = RATINGS.index("CC")
_II = RATINGS.index("II")


@dataclass(frozen=True)
class LeaveOneOut:
    """The result of ``leave_one_out``.

    Attributes:
        table: DataFrame indexed by evidence with, per engine, ``<engine>_leaders`` (the
            leading hypotheses without the item, " = "-joined when tied) and
            ``<engine>_changes`` (bool).
        linchpins: engine → items whose removal changes the leader.
        baseline: engine → leading hypotheses with every item.
    """

    table: pd.DataFrame
    linchpins: Mapping[str, tuple[str, ...]]
    baseline: Mapping[str, tuple[str, ...]]


def _group_state(part: EngineParts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Item values, group sums, counts, contributions and the engine total."""
    values = part.item_values()
    sums, counts = part.group_values(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
    contributions = part.contributions(means)
    return values, sums, counts, contributions, part.offset + contributions.sum(axis=0)


def _weight_of(part: EngineParts, group: np.ndarray) -> np.ndarray:
    """Each listed group's weight within its origin, shaped to broadcast over hypotheses."""
    if part.group_weight is None:
        return np.ones((len(group), 1))
    return part.group_weight[group][:, None]


def _without_each_item(part: EngineParts) -> tuple[np.ndarray, np.ndarray]:
    """(baseline utility (H,), utility without each item (E, H))."""
    values, sums, counts, contributions, total = _group_state(part)
    group = part.matrix.group_index
    present = ~np.isnan(values)
    rest_sums = sums[group] - np.where(present, values, 0.0)
    rest_counts = counts[group] - present
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_means = np.where(rest_counts > 0, rest_sums / np.where(rest_counts > 0, rest_counts, 1), np.nan)
    totals = total[None, :] - contributions[group] + _weight_of(part, group) * part.transform(rest_means)
    if part.group_weight is not None:   # an emptied group: its origin re-ranks
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
        deltas = removal_deltas(part.transform(means), part.matrix.group_origins(), part.dependence)
        alone = np.bincount(group)[group] == 1
        totals[alone] = total[None, :] + deltas[group[alone]]
    return part.utility(total), part.utility(totals)


def _removals(part: EngineParts, has_copy: np.ndarray, unit_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(baseline utility (H,), utility without each item (E, H)); one of identical copies changes nothing."""
    base, without_units = _without_each_item(part)
    return base, np.where(has_copy[:, None], base[None, :], without_units[unit_of])


def _names(mask: np.ndarray, hypotheses: tuple[str, ...]) -> list[str]:
    """" = "-joined names of the True columns of each row."""
    labels = np.array(hypotheses, dtype=object)
    return [" = ".join(labels[row]) for row in mask]


def leave_one_out(data: FrameLike, *, hypotheses: Sequence[str] | None = None,
                  priors: Mapping[str, float] | None = None, dependence: float | str | None = None,
                  ungraded: str | None = None, engines: Sequence[str] | None = None) -> LeaveOneOut:
    """Drop each evidence item in turn and report which removals change the leader.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.
        priors: Bayes priors.
        dependence, ungraded: the Bayes settings (see ``bayes_parts``).
        engines: only these engines (default: all).

    Returns:
        ``LeaveOneOut``.
    """
    matrix = evidence_matrix(data, hypotheses)
    _, unit_of = matrix.units
    has_copy = matrix.copies > 1       # dropping one of identical copies leaves the story in place
    columns: dict[str, object] = {}
    linchpins: dict[str, tuple[str, ...]] = {}
    baseline: dict[str, tuple[str, ...]] = {}
    evidence = np.array(matrix.evidence, dtype=object)
    for engine, part in engine_parts(matrix, priors, dependence=dependence, ungraded=ungraded,
                                     engines=engines).items():
        base, without = _removals(part, has_copy, unit_of)
        # tie-break keys without each item, computed only if some removal leaves a tie
        tiebreaks = cache(lambda part=part: [_removals(key, has_copy, unit_of) for key in part.tiebreaks])
        base_mask = top_mask(base, lambda: [key_base for key_base, _ in tiebreaks()])
        masks = top_mask(without, lambda: [key_without for _, key_without in tiebreaks()])
        changes = (masks != base_mask[None, :]).any(axis=1)
        names = np.full(len(evidence), " = ".join(_names(base_mask[None, :], matrix.hypotheses)), dtype=object)
        names[changes] = _names(masks[changes], matrix.hypotheses)   # label only the rows that differ
        columns[f"{engine}_leaders"] = names
        columns[f"{engine}_changes"] = changes
        linchpins[engine] = tuple(evidence[changes])
        baseline[engine] = tuple(h for h, top in zip(matrix.hypotheses, base_mask) if top)
    table = pd.DataFrame(columns, index=pd.Index(matrix.evidence, name="evidence"))
    return LeaveOneOut(table, linchpins, baseline)


@dataclass(frozen=True)
class _Moves:
    """Every possible single-step move of one vote, flattened."""

    analyst: np.ndarray
    item: np.ndarray
    hypothesis: np.ndarray
    old: np.ndarray
    new: np.ndarray


def _all_moves(votes: np.ndarray) -> _Moves:
    movable = (votes != NO_VOTE) & (votes != _NA)
    up = np.argwhere(movable & (votes < _CC))
    down = np.argwhere(movable & (votes > _II))
    where = np.concatenate([up, down])
    old = votes[tuple(where.T)].astype(np.int64)
    new = old + np.r_[np.ones(len(up), np.int64), -np.ones(len(down), np.int64)]
    return _Moves(where[:, 0], where[:, 1], where[:, 2], old, new)


def _moved_utility(part: EngineParts, moves: _Moves) -> tuple[np.ndarray, np.ndarray]:
    """(baseline utility (H,), new utility of the moved hypothesis for each move)."""
    _, sums, counts, contributions, total = _group_state(part)
    table = part.vote_table
    if table.ndim == 1:
        delta_vote = table[moves.new] - table[moves.old]
    else:
        delta_vote = table[moves.item, moves.new] - table[moves.item, moves.old]
    n_votes = part.matrix.vote_counts()[moves.item, moves.hypothesis]
    group = part.matrix.group_index[moves.item]
    cell_counts = counts[group, moves.hypothesis]
    new_mean = (sums[group, moves.hypothesis] + delta_vote / n_votes) / cell_counts
    new_total = (total[moves.hypothesis] - contributions[group, moves.hypothesis]
                 + _weight_of(part, group)[:, 0] * part.transform(new_mean))
    return part.utility(total), part.utility(new_total)


def _after_moves(base: np.ndarray, moved: np.ndarray, hypothesis: np.ndarray, picked: np.ndarray) -> np.ndarray:
    """Utilities after each picked move, (P, H): the baseline with the moved hypothesis's new value."""
    rows = np.repeat(base[None, :], len(picked), axis=0)
    rows[np.arange(len(picked)), hypothesis[picked]] = moved[picked]
    return rows


def _keys_after_moves(tiebreaks: Callable[[], list[tuple[np.ndarray, np.ndarray]]], hypothesis: np.ndarray,
                      picked: np.ndarray) -> list[np.ndarray]:
    """Each tie-break key after each picked move, (P, H) per key."""
    return [_after_moves(base, moved, hypothesis, picked) for base, moved in tiebreaks()]


def _rivals(utility: np.ndarray) -> tuple[int, np.ndarray]:
    """(index of the first leader, best utility among the other hypotheses for each h)."""
    leader = int(np.argmax(utility))
    order = np.argsort(-utility, kind="stable")
    first = utility[order[0]]
    second = utility[order[1]] if len(order) > 1 else -np.inf
    best_other = np.where(np.arange(len(utility)) == order[0], second, first)
    return leader, best_other


def rating_perturbation(data: FrameLike, *, hypotheses: Sequence[str] | None = None,
                        priors: Mapping[str, float] | None = None, dependence: float | str | None = None,
                        ungraded: str | None = None) -> pd.DataFrame:
    """Move every vote one step each way; list the moves that change the leader.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.
        priors: Bayes priors.
        dependence, ungraded: the Bayes settings (see ``bayes_parts``).

    Returns:
        DataFrame with one row per (engine, move) that changes the set of leaders:
        ``engine``, ``evidence``, ``hypothesis``, ``analyst``, ``rating``, ``to``,
        ``direction`` and ``leaders`` (the new leading hypotheses, " = "-joined).
    """
    units = evidence_matrix(data, hypotheses).units[0]
    moves = _all_moves(units.votes)
    frames = []
    for engine, part in engine_parts(units, priors, dependence=dependence, ungraded=ungraded).items():
        base, moved = _moved_utility(part, moves)
        h = moves.hypothesis
        # tie-break keys before and after each move, computed only if some move ties
        tiebreaks = cache(lambda part=part: [_moved_utility(key, moves) for key in part.tiebreaks])
        changes = leader_changes(base, moved, h, tiebreaks)
        picked = np.flatnonzero(changes)
        rows = _after_moves(base, moved, h, picked)
        row_tiebreaks = partial(_keys_after_moves, tiebreaks, h, picked)
        frames.append(pd.DataFrame({
            "engine": engine,
            "evidence": np.array(units.evidence, dtype=object)[moves.item[picked]],
            "hypothesis": np.array(units.hypotheses, dtype=object)[h[picked]],
            "analyst": np.array(units.analysts, dtype=object)[moves.analyst[picked]],
            "rating": np.array(RATINGS, dtype=object)[moves.old[picked]],
            "to": np.array(RATINGS, dtype=object)[moves.new[picked]],
            "direction": [DIRECTIONS[int(d)] for d in np.sign(moves.new[picked] - moves.old[picked])],
            "leaders": _names(top_mask(rows, row_tiebreaks), units.hypotheses) if len(picked) else [],
        }))
    return pd.concat(frames, ignore_index=True)


def tornado(data: FrameLike, engine: str = "bayes", *, hypotheses: Sequence[str] | None = None,
            priors: Mapping[str, float] | None = None, dependence: float | str | None = None,
            ungraded: str | None = None) -> pd.DataFrame:
    """Range of the leader's margin when each item is removed or one of its votes moves a step.

    Args:
        data: tidy evidence frame or compiled matrix.
        engine: one of ``ENGINE_NAMES``.
        hypotheses: hypothesis order.
        priors: Bayes priors.
        dependence, ungraded: the Bayes settings (see ``bayes_parts``).

    Returns:
        DataFrame indexed by evidence, sorted by swing (widest first), with ``low``, ``high``,
        ``base`` (the baseline margin), ``swing`` (high − low) and ``leader``; the margin is the
        leader's utility minus its best rival's (negative = the leader would lose its place).
    """
    if engine not in ENGINE_NAMES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINE_NAMES)}")
    matrix = evidence_matrix(data, hypotheses)
    units, unit_of = matrix.units
    part = engine_parts(matrix, priors, dependence=dependence, ungraded=ungraded)[engine]
    base, without = _without_each_item(part)
    leader, best_other = _rivals(base)
    leader = int(np.flatnonzero(top_mask(base, part.tiebreak_utilities))[0])   # ties broken as the engine does
    base_margin = float(base[leader] - best_other[leader])
    if len(base) == 1:  # a lone hypothesis has no rival: nothing can unseat it
        table = pd.DataFrame({"low": 0.0, "high": 0.0, "base": 0.0, "swing": 0.0, "leader": matrix.hypotheses[0]},
                             index=pd.Index(matrix.evidence, name="evidence"))
        table.attrs["engine"] = engine
        return table
    removal_margin = without[:, leader] - np.delete(without, leader, axis=1).max(axis=1)
    unit_copies = np.bincount(unit_of)
    removal_margin = np.where(unit_copies > 1, base[leader] - best_other[leader], removal_margin)
    low = removal_margin.copy()
    high = removal_margin.copy()
    moves = _all_moves(units.votes)
    if len(moves.item):
        _, moved = _moved_utility(part, moves)
        rival_utility = np.where(np.arange(len(base)) == leader, -np.inf, base)
        rival_order = np.argsort(-rival_utility, kind="stable")
        runner, third = rival_order[0], (rival_order[1] if len(base) > 2 else None)
        h = moves.hypothesis
        untouched_best = np.where(h == runner, base[third] if third is not None else -np.inf, base[runner])
        margin = np.where(h == leader, moved - base[runner], base[leader] - np.maximum(untouched_best, moved))
        np.minimum.at(low, moves.item, margin)
        np.maximum.at(high, moves.item, margin)
    low = np.minimum(low, base_margin)
    high = np.maximum(high, base_margin)
    table = pd.DataFrame({"low": low[unit_of], "high": high[unit_of], "base": base_margin,
                          "swing": (high - low)[unit_of], "leader": matrix.hypotheses[leader]},
                         index=pd.Index(matrix.evidence, name="evidence"))
    table = table.sort_values("swing", ascending=False, kind="stable")
    table.attrs["engine"] = engine
    return table
