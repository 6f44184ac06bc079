"""Open Synthesis scoring: squared distances from neutral on a 1–5 vote scale.

Votes: II = 1, I = 2, N = 3, C = 4, CC = 5, and N/A counted as neutral (3). For each cell,
m = the mean of the analysts' votes (a cell nobody rated is skipped: unrated is not N/A). Then

    inconsistency(h) = Σ_e (3 − m)²   over cells with m < 3     (lower = more likely)
    consistency(h)   = Σ_e (m − 3)²   over cells with m > 3
    diagnosticity(e) = population standard deviation of m across the hypotheses that were rated

Hypotheses sort as Open Synthesis (``openach/metrics.py``) sorts them: by inconsistency, then
by consistency (higher first), then by the share of cells whose consensus is N/A, then by the
share of unrated cells (lower first). A cell's *consensus* is N/A when N/A votes outnumber the
others, else Python's ``round()`` of the mean of the other votes (halves go to the even vote:
{I, N} → I, {N, C} → C, {II, C} → I).

Squaring makes one II (distance 2 → 4) outweigh two I (1 + 1). Syndicated copies (same
``group``) count once: their m are averaged before squaring, and each copy is that share of a
cell in the N/A and unrated shares. Credibility and relevance weights are not part of the
published method and are not applied.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._engine import EngineParts, identity, ranks_of
from ._frame import NO_VOTE, EvidenceMatrix, FrameLike, evidence_matrix
from .scales import OPEN_SYNTHESIS_VOTES, RATINGS

__all__ = ["open_synthesis_scores", "open_synthesis_diagnosticity", "open_synthesis_parts", "population_std",
           "consensus_codes", "NEUTRAL_VOTE", "CONSISTENCY_KEY"]

NEUTRAL_VOTE = 3.0
#: Name of the consistency tie-break part (Monte Carlo moves it with the rating errors).
CONSISTENCY_KEY = "open_synthesis_consistency"
_VOTES = np.array([OPEN_SYNTHESIS_VOTES[r] for r in RATINGS])
_NA = RATINGS.index("NA")
_IS_NA = (np.arange(len(RATINGS)) == _NA).astype(float)     # vote table: 1 for N/A, 0 for a rating


def _inconsistency(means: np.ndarray) -> np.ndarray:
    below = NEUTRAL_VOTE - means          # NaN (nobody rated) fails the test: contributes 0
    return np.where(below > 0, below * below, 0.0)


def _consistency(means: np.ndarray) -> np.ndarray:
    above = means - NEUTRAL_VOTE
    return np.where(above > 0, above * above, 0.0)


def consensus_codes(votes: np.ndarray) -> np.ndarray:
    """Open Synthesis's consensus rating of each cell, as a rating code.

    N/A when N/A votes outnumber the others; else the mean of the other votes on the 1–5 scale
    rounded as Python's ``round()`` does (halves to the even vote; numpy rounds the same way).

    Args:
        votes: int (A, E, H) rating codes, ``NO_VOTE`` where an analyst gave none.

    Returns:
        int64 (E, H): a code of ``RATINGS``, or ``NO_VOTE`` where nobody voted.
    """
    if votes.shape[0] == 1:
        return votes[0].astype(np.int64)
    rated = (votes != NO_VOTE) & (votes != _NA)
    n_na = (votes == _NA).sum(axis=0)
    n_rated = rated.sum(axis=0)
    mean = np.where(rated, _VOTES[np.where(rated, votes, 0)], 0.0).sum(axis=0) / np.maximum(n_rated, 1)
    rounded = np.round(mean).astype(np.int64) - 1           # vote 1 (II) … 5 (CC) → code 0 … 4
    return np.where(n_na > n_rated, _NA, np.where(n_rated > 0, rounded, NO_VOTE))


def _na_and_unrated(matrix: EvidenceMatrix) -> tuple[np.ndarray, np.ndarray]:
    """(1.0 where a cell's consensus is N/A, 1.0 where nobody rated it), each (E, H)."""
    votes = matrix.votes
    if votes.shape[0] == 1:
        return (votes[0] == _NA).astype(float), (votes[0] == NO_VOTE).astype(float)
    n_na = (votes == _NA).sum(axis=0)
    n_voted = (votes != NO_VOTE).sum(axis=0)
    return (n_na > n_voted - n_na).astype(float), (n_voted == 0).astype(float)


def open_synthesis_parts(matrix: EvidenceMatrix) -> EngineParts:
    """The Open Synthesis engine (inconsistency, lower is better) on a compiled matrix.

    Its tie-breaks, in Open Synthesis's order: consistency (higher is better), the number of
    cells whose consensus is N/A, the number of unrated cells (fewer is better; syndicated
    copies share one count). A one-step move between II and CC never makes a cell N/A or
    unrated, hence their vote tables: N/A is 1 and every rating 0; unrated is the missing 1.
    """
    n_hyps = len(matrix.hypotheses)
    zero = np.zeros(n_hyps)
    na, unrated = _na_and_unrated(matrix)
    tiebreaks = (
        EngineParts(CONSISTENCY_KEY, matrix, _VOTES, np.nan, _consistency, zero, 1.0),
        EngineParts("open_synthesis_na", matrix, _IS_NA, 0.0, identity, zero, -1.0, values=na),
        EngineParts("open_synthesis_unrated", matrix, np.zeros(len(RATINGS)), 1.0, identity, zero, -1.0,
                    values=unrated),
    )
    return EngineParts(
        name="open_synthesis",
        matrix=matrix,
        vote_table=_VOTES,
        missing=np.nan,
        transform=_inconsistency,
        offset=zero,
        sign=-1.0,
        tiebreaks=tiebreaks,
    )


def open_synthesis_scores(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """Open Synthesis scores of each hypothesis.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.

    Returns:
        DataFrame indexed by hypothesis with ``inconsistency``, ``consistency``, ``na_share``
        (share of cells whose consensus is N/A), ``unrated_share`` and ``rank`` (1 = first in
        Open Synthesis's sort: least inconsistent, ties broken by the other columns in turn).
    """
    units = evidence_matrix(data, hypotheses).units[0]
    parts = open_synthesis_parts(units)
    consistency, na, unrated = (key.totals() for key in parts.tiebreaks)
    inconsistency = parts.totals()
    cells = max(units.n_groups, 1)
    return pd.DataFrame(
        {"inconsistency": inconsistency, "consistency": consistency, "na_share": na / cells,
         "unrated_share": unrated / cells, "rank": ranks_of(-inconsistency, [consistency, -na, -unrated])},
        index=pd.Index(units.hypotheses, name="hypothesis"),
    )


def population_std(item_values: np.ndarray) -> np.ndarray:
    """Population standard deviation of each row, ignoring NaN (0 for an empty row)."""
    present = ~np.isnan(item_values)
    counts = present.sum(axis=1)
    safe = np.maximum(counts, 1)
    mean = np.where(present, item_values, 0.0).sum(axis=1) / safe
    variance = np.where(present, (item_values - mean[:, None]) ** 2, 0.0).sum(axis=1) / safe
    return np.sqrt(variance)


def open_synthesis_diagnosticity(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.Series:
    """Population standard deviation of each item's mean vote across hypotheses.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.

    Returns:
        Series indexed by evidence.
    """
    matrix = evidence_matrix(data, hypotheses)
    values = open_synthesis_parts(matrix).item_values()
    return pd.Series(population_std(values), index=pd.Index(matrix.evidence, name="evidence"),
                     name="diagnosticity")
