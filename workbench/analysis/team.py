"""Several analysts on one matrix: each analyst's view, the team's, and where the team splits.

The input is a *long* tidy frame: the engines' frame (see ``_frame``) with an ``analyst``
column, one row per (analyst, evidence, hypothesis); a rating of None is a cell that analyst
left unrated. Everything here is pure: frames and compiled matrices in, frames and ``Scores`` out.

The team view follows Open Synthesis (``openach/metrics.py``):

- a cell's *consensus* is N/A when N/A votes outnumber the others, else the mean of the other
  votes on the 1–5 scale (II = 1 … CC = 5) rounded as Python's ``round()`` does (halves to the
  even vote: {I, N} → I, {N, C} → C); a cell nobody rated stays unrated;
- Open Synthesis scores the mean of the analysts' votes (N/A counted as 3), unrounded;
- PARC (IS and WIS) and the Bayesian view read the consensus labels.

With one analyst the team view *is* that analyst's view, number for number.

Disagreement is measured on the same 1–5 votes, N/A left out: a cell's ``spread`` is the
highest vote minus the lowest and its ``std`` the sample standard deviation (Open Synthesis's
measure of disagreement between raters; 0 with fewer than two votes).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ._engine import ENGINE_NAMES
from ._frame import NO_VOTE, EvidenceMatrix, FrameLike, evidence_matrix
from .open_synthesis import consensus_codes
from .scales import OPEN_SYNTHESIS_VOTES, RATINGS
from .scoring import Scores, score

__all__ = ["TEAM", "analysts_of", "analyst_frame", "analyst_frames", "consensus_matrix", "consensus_frame",
           "consensus_ratings", "team_score", "Disagreements", "disagreements"]

TEAM = "team"
"""The name of the team's view (no analyst may take it)."""

_VOTES = np.array([OPEN_SYNTHESIS_VOTES[r] for r in RATINGS])
_NA = RATINGS.index("NA")
_SUPPORTS = np.isin(np.arange(len(RATINGS)), [RATINGS.index("C"), RATINGS.index("CC")])
_REFUTES = np.isin(np.arange(len(RATINGS)), [RATINGS.index("I"), RATINGS.index("II")])


def analysts_of(data: pd.DataFrame) -> list[str]:
    """The analysts of a long frame in order of first appearance ([] without an ``analyst`` column).

    Args:
        data: a long tidy frame.

    Returns:
        Analyst names.
    """
    if "analyst" not in data.columns:
        return []
    return [str(a) for a in pd.unique(data["analyst"].dropna().astype(str))]


def analyst_frame(data: pd.DataFrame, analyst: str) -> pd.DataFrame:
    """One analyst's tidy frame: their rows, without the ``analyst`` column.

    Args:
        data: a long tidy frame.
        analyst: whose view.

    Returns:
        The engines' frame for that analyst.

    Raises:
        ValueError: the analyst has no rows in the frame (the message lists who has).
    """
    if "analyst" not in data.columns:
        raise ValueError("evidence frame lacks column analyst")
    rows = data["analyst"].astype(str) == str(analyst)
    if not rows.any():
        known = ", ".join(analysts_of(data)) or "none"
        raise ValueError(f"analyst {analyst!r}: no ratings in this matrix (analysts: {known})")
    return data.loc[rows].drop(columns="analyst").reset_index(drop=True)


def analyst_frames(data: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every analyst's tidy frame, keyed by analyst in order of first appearance."""
    return {name: frame.drop(columns="analyst").reset_index(drop=True)
            for name, frame in data.groupby(data["analyst"].astype(str), sort=False)}


def consensus_matrix(matrix: EvidenceMatrix) -> EvidenceMatrix:
    """The team's matrix: one voter, ``TEAM``, whose vote in each cell is the analysts' consensus.

    Args:
        matrix: a compiled matrix of one or more analysts.

    Returns:
        A compiled matrix with the same items, groups, weights and grades.
    """
    codes = consensus_codes(matrix.votes).astype(np.int8)
    return replace(matrix, analysts=(TEAM,), votes=codes[None, :, :])


def consensus_frame(data: pd.DataFrame, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """The team's tidy frame: one row per (evidence, hypothesis), rated with the consensus.

    Args:
        data: a long tidy frame.
        hypotheses: hypothesis order (see ``evidence_matrix``).

    Returns:
        The frame without the ``analyst`` column; the item columns are those of each cell's
        first row; ``rating`` is the consensus (None where nobody rated the cell).

    Raises:
        ValueError: the frame is not a valid evidence frame (see ``evidence_matrix``).
    """
    matrix = evidence_matrix(data, hypotheses)
    codes = consensus_codes(matrix.votes)
    cells = data.drop(columns=[c for c in ("analyst",) if c in data.columns])
    cells = cells.loc[~cells.duplicated(["evidence", "hypothesis"])].reset_index(drop=True)
    items = pd.Index(matrix.evidence).get_indexer(cells["evidence"].astype(str))
    hyps = pd.Index(matrix.hypotheses).get_indexer(cells["hypothesis"].astype(str))
    labels = np.array([*RATINGS, None], dtype=object)            # NO_VOTE (-1) picks the None
    cells["rating"] = labels[codes[items, hyps]]
    return cells


def team_score(data: FrameLike, *, hypotheses: Sequence[str] | None = None, **options: Any) -> Scores:
    """The team's scores: Open Synthesis on the analysts' mean votes, the other engines on
    their consensus (see the module docstring).

    Args:
        data: a long tidy frame or its compiled matrix.
        hypotheses: hypothesis order.
        **options: as ``scoring.score`` (priors, linchpins, dependence, ungraded, confidence).

    Returns:
        ``Scores``; with one analyst exactly ``score(data)``.
    """
    matrix = evidence_matrix(data, hypotheses)
    if len(matrix.analysts) <= 1:
        return score(matrix, **options)
    return score(consensus_matrix(matrix), open_synthesis_votes=matrix, **options)


@dataclass(frozen=True)
class Disagreements:
    """Where the analysts of a matrix disagree.

    Attributes:
        cells: one row per cell the analysts rated differently, widest split first:
            ``evidence``, ``hypothesis``, ``spread`` (highest − lowest vote, 1–5 scale, N/A
            left out), ``std`` (sample standard deviation of the votes), ``votes`` (analysts
            who rated the cell), ``consensus``, then one column per analyst with their rating
            (None where they gave none).
        items: one row per evidence item the analysts rated differently, the widest split
            first (by ``total_spread``, then ``max_spread``): ``evidence``, ``total_spread`` (sum of its cells' spreads), ``max_spread``,
            ``split_cells`` (cells rated differently), ``splits_leaders`` (hypotheses, among
            the analysts' leaders, that one analyst says the item supports (C, CC) and another
            that it refutes (I, II)).
        leaders: one row per analyst: ``analyst``, ``leader`` (the hypothesis leading under
            the most engines; the first in order when tied), ``rated`` (cells rated), then one
            column per engine with its leaders (" = " between tied ones).
    """

    cells: pd.DataFrame
    items: pd.DataFrame
    leaders: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"cells": [...], "items": [...], "leaders": [...]} (records, None for NaN)."""
        return {name: _records(getattr(self, name)) for name in ("cells", "items", "leaders")}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and value != value:
                value = None
            clean[str(key)] = value
        out.append(clean)
    return out


def _analyst_leaders(matrix: EvidenceMatrix, options: dict[str, Any]) -> pd.DataFrame:
    """Each analyst's leading hypotheses under every engine, from their own votes."""
    rows = []
    for index, analyst in enumerate(matrix.analysts):
        own = replace(matrix, analysts=(analyst,), votes=matrix.votes[index:index + 1])
        leaders = score(own, linchpins=False, **options).leaders
        counts = {h: sum(h in leaders[e] for e in ENGINE_NAMES) for h in matrix.hypotheses}
        top = max(counts.values())
        row: dict[str, Any] = {"analyst": analyst, "leader": next(h for h in matrix.hypotheses if counts[h] == top),
                               "rated": int((matrix.votes[index] != NO_VOTE).sum())}
        row.update({engine: " = ".join(leaders[engine]) for engine in ENGINE_NAMES})
        rows.append(row)
    return pd.DataFrame(rows, columns=["analyst", "leader", "rated", *ENGINE_NAMES])


def disagreements(data: FrameLike, *, hypotheses: Sequence[str] | None = None, **options: Any) -> Disagreements:
    """The cells where the analysts differ most, the items that split them, and each one's leader.

    Args:
        data: a long tidy frame or its compiled matrix.
        hypotheses: hypothesis order.
        **options: scoring settings for the analysts' leaders (dependence, ungraded, priors).

    Returns:
        ``Disagreements`` (with one analyst, or none, no cell and no item splits).
    """
    matrix = evidence_matrix(data, hypotheses)
    votes = matrix.votes                                      # (A, E, H)
    numeric = (votes != NO_VOTE) & (votes != _NA)
    values = np.where(numeric, _VOTES[np.where(numeric, votes, 0)], np.nan)
    count = numeric.sum(axis=0)
    with np.errstate(invalid="ignore"):
        high = np.where(count > 0, np.nanmax(np.where(numeric, values, -np.inf), axis=0), np.nan)
        low = np.where(count > 0, np.nanmin(np.where(numeric, values, np.inf), axis=0), np.nan)
    spread = np.where(count > 0, high - low, 0.0)
    mean = np.where(numeric, values, 0.0).sum(axis=0) / np.maximum(count, 1)
    squares = np.where(numeric, (np.nan_to_num(values) - mean) ** 2, 0.0).sum(axis=0)
    std = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), 0.0)
    rated = votes != NO_VOTE
    n_rated = rated.sum(axis=0)
    # a cell is split when two analysts who rated it gave different ratings (N/A included)
    first = np.where(rated, votes, np.int8(99)).min(axis=0)
    last = np.where(rated, votes, np.int8(-99)).max(axis=0)
    split = (n_rated > 1) & (first != last)

    e_idx, h_idx = np.nonzero(split)
    # rounded for the order: equal spreads computed from other means differ in the last bits
    order = np.lexsort((h_idx, e_idx, -np.round(std[e_idx, h_idx], 9), -spread[e_idx, h_idx]))
    e_idx, h_idx = e_idx[order], h_idx[order]
    labels = np.array([*RATINGS, None], dtype=object)
    consensus = consensus_codes(votes)
    cells = pd.DataFrame({
        "evidence": np.array(matrix.evidence, dtype=object)[e_idx],
        "hypothesis": np.array(matrix.hypotheses, dtype=object)[h_idx],
        "spread": spread[e_idx, h_idx], "std": std[e_idx, h_idx], "votes": n_rated[e_idx, h_idx].astype(int),
        "consensus": pd.Series(labels[consensus[e_idx, h_idx]], dtype=object),
    })
    for index, analyst in enumerate(matrix.analysts):   # object columns: an unrated cell stays None
        cells[analyst] = pd.Series(labels[votes[index, e_idx, h_idx]], dtype=object)

    leaders = _analyst_leaders(matrix, options)
    lead_cols = [matrix.hypotheses.index(h) for h in dict.fromkeys(leaders["leader"])] if len(leaders) else []
    support = _SUPPORTS[np.where(rated, votes, _NA)] & rated
    refute = _REFUTES[np.where(rated, votes, _NA)] & rated
    both = support.any(axis=0) & refute.any(axis=0)         # (E, H): someone says supports, someone refutes
    splits_leaders = [[matrix.hypotheses[h] for h in lead_cols if both[e, h]] for e in range(len(matrix.evidence))]
    items = pd.DataFrame({
        "evidence": list(matrix.evidence), "total_spread": spread.sum(axis=1), "max_spread": spread.max(axis=1)
        if spread.shape[1] else np.zeros(len(matrix.evidence)),
        "split_cells": split.sum(axis=1).astype(int), "splits_leaders": splits_leaders,
    })
    items = (items.loc[items["split_cells"] > 0]
             .sort_values(["total_spread", "max_spread", "split_cells"], ascending=False, kind="stable")
             .reset_index(drop=True))
    return Disagreements(cells.reset_index(drop=True), items, leaders)


def consensus_ratings(rated: pd.DataFrame) -> pd.DataFrame:
    """The consensus of the ratings given: one row per cell someone rated.

    Args:
        rated: ``evidence``, ``hypothesis``, ``analyst``, ``rating`` (canonical codes, one row
            per rating given; cells nobody rated have no row).

    Returns:
        ``evidence``, ``hypothesis``, ``rating`` (the consensus), cells in order of first rating.

    Raises:
        ValueError: a rating that is not a canonical code, or a cell rated twice by one analyst.
    """
    if rated.empty:
        return pd.DataFrame({"evidence": [], "hypothesis": [], "rating": []}, dtype=object)
    cell_keys = pd.MultiIndex.from_arrays([rated["evidence"].astype(str), rated["hypothesis"].astype(str)])
    cell_codes, cells = pd.factorize(cell_keys)
    analyst_codes, analysts = pd.factorize(rated["analyst"].astype(str))
    codes = pd.Index(RATINGS).get_indexer(rated["rating"])
    if (codes < 0).any():
        raise ValueError(f"rating {rated['rating'].iloc[int(np.flatnonzero(codes < 0)[0])]!r} is not one of "
                         f"{', '.join(RATINGS)}")
    slots = analyst_codes * len(cells) + cell_codes
    if np.bincount(slots).max() > 1:
        raise ValueError("a cell is rated more than once by one analyst")
    votes = np.full(len(analysts) * len(cells), NO_VOTE, dtype=np.int8)
    votes[slots] = codes
    consensus = consensus_codes(votes.reshape(len(analysts), 1, len(cells)))[0]
    return pd.DataFrame({"evidence": cells.get_level_values(0).to_numpy(dtype=object),
                         "hypothesis": cells.get_level_values(1).to_numpy(dtype=object),
                         "rating": np.array(RATINGS, dtype=object)[consensus]})
