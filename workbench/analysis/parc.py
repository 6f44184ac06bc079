"""PARC ACH scoring: inconsistency and weighted inconsistency.

Each cell is worth c = −2 for II, −1 for I and 0 otherwise (consistent evidence proves nothing:
Heuer's point is to look for the evidence that refutes). For hypothesis h:

    IS(h)  = Σ_e c(e, h)
    WIS(h) = Σ_e cred(e) · rel(e) · c(e, h)          with High = √2, Medium = 1, Low = 1/√2

Scores are ≤ 0; the hypothesis closest to 0 (least inconsistent) is the most likely.
Syndicated copies (items sharing a ``group``) count once: their cell values are averaged.
With several analysts, c(e, h) is the mean of their cell values.

Diagnosticity of an item under PARC: the spread of its (weighted) cell values across the
hypotheses, max − min. An item rated alike for every hypothesis, or only C / CC / N, cannot
change a PARC ranking and has diagnosticity 0.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._engine import EngineParts, identity, ranks_of, spread
from ._frame import EvidenceMatrix, FrameLike, evidence_matrix
from .scales import PARC_VALUES, RATINGS

__all__ = ["parc_scores", "parc_diagnosticity", "parc_parts"]

_CELL_VALUES = np.array([PARC_VALUES[r] for r in RATINGS])


def parc_parts(matrix: EvidenceMatrix, weighted: bool) -> EngineParts:
    """The PARC engine on a compiled matrix.

    Args:
        matrix: compiled evidence.
        weighted: multiply each cell by credibility × relevance (WIS) or not (IS).

    Returns:
        The engine's parts (see ``_engine.EngineParts``).
    """
    table = _CELL_VALUES[None, :] * matrix.weights[:, None] if weighted else _CELL_VALUES
    return EngineParts(
        name="parc_weighted" if weighted else "parc",
        matrix=matrix,
        vote_table=table,
        missing=0.0,
        transform=identity,
        offset=np.zeros(len(matrix.hypotheses)),
        sign=1.0,
    )


def parc_scores(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """PARC inconsistency scores of each hypothesis.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order (default: as in the frame).

    Returns:
        DataFrame indexed by hypothesis with columns ``inconsistency`` (IS), ``rank``,
        ``weighted_inconsistency`` (WIS) and ``weighted_rank`` (1 = most likely).
    """
    units = evidence_matrix(data, hypotheses).units[0]
    plain = parc_parts(units, weighted=False).totals()
    weighted = parc_parts(units, weighted=True).totals()
    return pd.DataFrame(
        {"inconsistency": plain, "rank": ranks_of(plain),
         "weighted_inconsistency": weighted, "weighted_rank": ranks_of(weighted)},
        index=pd.Index(units.hypotheses, name="hypothesis"),
    )


def parc_diagnosticity(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """How much each item's PARC cell values differ across hypotheses.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.

    Returns:
        DataFrame indexed by evidence with ``diagnosticity`` (max − min of c) and
        ``weighted_diagnosticity`` (the same on cred · rel · c).
    """
    matrix = evidence_matrix(data, hypotheses)
    return pd.DataFrame(
        {"diagnosticity": spread(parc_parts(matrix, weighted=False).item_values()),
         "weighted_diagnosticity": spread(parc_parts(matrix, weighted=True).item_values())},
        index=pd.Index(matrix.evidence, name="evidence"),
    )
