"""Open Synthesis scoring: squared distances from neutral on a 1–5 vote scale.

Votes: II = 1, I = 2, N = 3, C = 4, CC = 5, and N/A counted as neutral (3). For each cell,
m = the mean of the analysts' votes (a cell nobody rated is skipped). Then

    inconsistency(h) = Σ_e (3 − m)²   over cells with m < 3     (lower = more likely)
    consistency(h)   = Σ_e (m − 3)²   over cells with m > 3
    diagnosticity(e) = population standard deviation of m across the hypotheses

Squaring makes one II (distance 2 → 4) outweigh two I (1 + 1). Syndicated copies (same
``group``) count once: their m are averaged before squaring. Credibility and relevance weights
are not part of the published method and are not applied.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._engine import EngineParts, ranks_of
from ._frame import EvidenceMatrix, FrameLike, evidence_matrix
from .scales import OPEN_SYNTHESIS_VOTES, RATINGS

__all__ = ["open_synthesis_scores", "open_synthesis_diagnosticity", "open_synthesis_parts", "population_std",
           "NEUTRAL_VOTE"]

NEUTRAL_VOTE = 3.0
_VOTES = np.array([OPEN_SYNTHESIS_VOTES[r] for r in RATINGS])


def _inconsistency(means: np.ndarray) -> np.ndarray:
    return np.where(np.nan_to_num(means, nan=NEUTRAL_VOTE) < NEUTRAL_VOTE, (NEUTRAL_VOTE - means) ** 2, 0.0)


def _consistency(means: np.ndarray) -> np.ndarray:
    return np.where(np.nan_to_num(means, nan=NEUTRAL_VOTE) > NEUTRAL_VOTE, (means - NEUTRAL_VOTE) ** 2, 0.0)


def open_synthesis_parts(matrix: EvidenceMatrix) -> EngineParts:
    """The Open Synthesis engine (inconsistency, lower is better) on a compiled matrix."""
    return EngineParts(
        name="open_synthesis",
        matrix=matrix,
        vote_table=_VOTES,
        missing=np.nan,
        transform=_inconsistency,
        offset=np.zeros(len(matrix.hypotheses)),
        sign=-1.0,
    )


def open_synthesis_scores(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """Open Synthesis scores of each hypothesis.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.

    Returns:
        DataFrame indexed by hypothesis with ``inconsistency``, ``consistency`` and ``rank``
        (1 = least inconsistent).
    """
    units = evidence_matrix(data, hypotheses).units[0]
    parts = open_synthesis_parts(units)
    means = units.group_means(parts.item_values())
    inconsistency = _inconsistency(means).sum(axis=0)
    return pd.DataFrame(
        {"inconsistency": inconsistency, "consistency": _consistency(means).sum(axis=0),
         "rank": ranks_of(-inconsistency)},
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
