"""The ACH matrix as a table: evidence rows, hypothesis columns, ratings as values.

Beside the ratings each row carries its weights and grades, its independence group and
``counts_as`` (1 / group size: syndicated copies share one count), and its diagnosticity under
every engine, so the matrix can be sorted the way Heuer asks — most diagnostic first.

With several analysts a cell shows their consensus, as Open Synthesis does: NA when most
votes are NA, else the mean of the other votes rounded with Python's ``round()`` (halves to the
even vote on the 1–5 scale; see ``open_synthesis.consensus_codes``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._engine import ENGINE_NAMES, spread
from ._frame import FrameLike, evidence_matrix
from .csv_safe import safe_csv
from ._registry import engine_parts
from .document import document_to_frame, validate_document
from .open_synthesis import consensus_codes, population_std
from .scales import RATINGS, WEIGHT_LEVELS

__all__ = ["matrix", "matrix_csv", "ATTRIBUTE_COLUMNS"]

ATTRIBUTE_COLUMNS: tuple[str, ...] = (
    "credibility", "relevance", "weight", "info_credibility", "reliability", "group", "counts_as", "date",
    *(f"diagnosticity_{engine}" for engine in ENGINE_NAMES),
)


def _consensus(votes: np.ndarray) -> np.ndarray:
    """Consensus rating code per cell from (A, E, H) votes; -1 where nobody voted."""
    return consensus_codes(votes)


def matrix(data: FrameLike, *, sort_by: str | None = None, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """The ACH matrix.

    Args:
        data: tidy evidence frame or compiled matrix.
        sort_by: an engine name to sort rows by its diagnosticity (highest first), or None to
            keep the evidence order.
        hypotheses: hypothesis order.

    Returns:
        DataFrame indexed by evidence: one column per hypothesis (rating or None), then
        ``ATTRIBUTE_COLUMNS``.

    Raises:
        ValueError: unknown ``sort_by``, or a hypothesis named like an attribute column.
    """
    if sort_by is not None and sort_by not in ENGINE_NAMES:
        raise ValueError(f"sort_by {sort_by!r} is not one of {', '.join(ENGINE_NAMES)}")
    compiled = evidence_matrix(data, hypotheses)
    clash = sorted(set(compiled.hypotheses) & set(ATTRIBUTE_COLUMNS))
    if clash:
        raise ValueError(f"hypothesis name {clash[0]!r} collides with a matrix column; rename the hypothesis")
    labels = np.array(list(RATINGS) + [None], dtype=object)   # index -1 → None
    consensus = labels[_consensus(compiled.votes)]
    table = pd.DataFrame(consensus, columns=list(compiled.hypotheses), dtype=object,
                         index=pd.Index(compiled.evidence, name="evidence"))
    levels = np.array(WEIGHT_LEVELS, dtype=object)
    table["credibility"] = levels[compiled.credibility]
    table["relevance"] = levels[compiled.relevance]
    table["weight"] = compiled.weights
    table["info_credibility"] = pd.array([None if g == 0 else int(g) for g in compiled.info_credibility],
                                         dtype="Int64")
    table["reliability"] = np.array(list("ABCDEF") + [None], dtype=object)[compiled.reliability]
    table["group"] = pd.Series(list(compiled.groups), index=table.index, dtype=object)
    table["counts_as"] = compiled.counts_as
    table["date"] = compiled.dates
    _, unit_of = compiled.units
    for engine, part in engine_parts(compiled).items():
        values = part.item_values()
        per_unit = population_std(values) if engine == "open_synthesis" else spread(values)
        table[f"diagnosticity_{engine}"] = per_unit[unit_of]
    if sort_by is not None:
        table = table.sort_values(f"diagnosticity_{sort_by}", ascending=False, kind="stable")
    return table


def matrix_csv(doc: Mapping[str, Any], *, sort_by: str | None = None) -> str:
    """The matrix of an analysis document as CSV text.

    Columns: ``evidence`` (id), ``kind``, ``text`` (the quote, else the note), one column per
    hypothesis, then ``ATTRIBUTE_COLUMNS``.

    Args:
        doc: analysis document (validated here).
        sort_by: engine whose diagnosticity orders the rows (default: document order).

    Returns:
        CSV with ``\\n`` line ends and a header row; text that a spreadsheet would run as a
        formula is neutralised (see ``csv_safe``).
    """
    doc = validate_document(doc)
    clash = sorted({h["name"] for h in doc["hypotheses"]} & {"evidence", "kind", "text"})
    if clash:
        raise ValueError(f"hypothesis name {clash[0]!r} collides with a CSV column; rename the hypothesis")
    table = matrix(document_to_frame(doc), sort_by=sort_by)
    by_id = {item["id"]: item for item in doc["evidence"]}
    table.insert(0, "text", [by_id[e]["exact"] if by_id[e]["kind"] == "quote" else (by_id[e]["note"] or "")
                             for e in table.index])
    table.insert(0, "kind", [by_id[e]["kind"] for e in table.index])
    table["date"] = [d.isoformat() if not pd.isna(d) else "" for d in pd.to_datetime(table["date"])]
    return safe_csv(table.reset_index())
