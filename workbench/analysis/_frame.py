"""The tidy evidence frame every engine reads, validated and compiled in one place.

A tidy frame has one row per (evidence item, hypothesis[, analyst]):

=================  ===========================================================================
column             meaning
=================  ===========================================================================
evidence           item id (str)
hypothesis         hypothesis name (str); order = the ``hypotheses`` argument, else the
                   categories of a categorical column, else the order of first appearance
rating             CC / C / N / I / II / NA (aliases: supports, refutes, neutral, ++ + - --);
                   None / NaN = not rated (the row still declares the item and hypothesis)
credibility        High / Medium / Low (default Medium)        } per item: every row of an
relevance          High / Medium / Low (default Medium)        } item must agree
info_credibility   Admiralty information credibility 1–6       }
reliability        Admiralty source reliability A–F            }
group              independence key: items sharing a group are }
                   syndicated copies of one story, counted once}
origin             dependence key: groups sharing an origin    }
                   (one outlet, one article family, or items   }
                   an analyst marked "same origin") are not    }
                   independent observations (see ``dependence``)}
date               event / report date, for the timeline       }
analyst            whose vote the rating is (several analysts: engines use the mean vote)
=================  ===========================================================================

``evidence_matrix`` validates the frame and compiles it into an ``EvidenceMatrix`` (dense
arrays analyst × item × hypothesis, see ``_matrix``) so the engines are vectorised; the engines
accept either form.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ._matrix import NO_VOTE, EvidenceMatrix, first_rows
from .scales import (
    RATINGS,
    RELIABILITY_ORDER,
    WEIGHT_LEVELS,
    normalise_info_credibility,
    normalise_rating,
    normalise_reliability,
    normalise_weight,
)

# EvidenceMatrix and NO_VOTE are re-exported: a compiled frame is this module's product.
__all__ = ["EvidenceMatrix", "FrameLike", "NO_VOTE", "evidence_matrix", "validate_frame", "REQUIRED_COLUMNS",
           "ITEM_COLUMNS"]

REQUIRED_COLUMNS = ("evidence", "hypothesis", "rating")
ITEM_COLUMNS = ("credibility", "relevance", "info_credibility", "reliability", "group", "origin", "date")

FrameLike: TypeAlias = pd.DataFrame | EvidenceMatrix


def _where(evidence: np.ndarray, hypothesis: np.ndarray | None, row: int) -> str:
    place = f"evidence {evidence[row]!r}"
    if hypothesis is not None:
        place += f", hypothesis {hypothesis[row]!r}"
    return place


def _normalised(series: pd.Series, normaliser: Callable[[Any], Any], evidence: np.ndarray,
                hypothesis: np.ndarray | None) -> tuple[np.ndarray, list[Any]]:
    """Normalise a column through its distinct values (fast on long frames).

    Returns:
        (codes, canonical): codes index ``canonical``; missing values map to the normaliser's
        result for None.

    Raises:
        ValueError: one line naming the first bad row's evidence (and hypothesis) and value.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    canonical = []
    for index, raw in enumerate(uniques):
        try:
            canonical.append(normaliser(raw))
        except ValueError as err:
            row = int(np.flatnonzero(codes == index)[0])
            raise ValueError(f"{_where(evidence, hypothesis, row)}: {err}") from None
    if (codes < 0).any():
        canonical.append(normaliser(None))
        codes = np.where(codes < 0, len(canonical) - 1, codes)
    return codes, canonical


def _labels(series: pd.Series, column: str) -> np.ndarray:
    """The column as an object array of str; a missing value is an error."""
    missing = series.isna().to_numpy()
    if missing.any():
        raise ValueError(f"row {int(np.flatnonzero(missing)[0])}: {column} is missing")
    return series.astype(str).to_numpy(dtype=object)


def _item_attribute(frame: pd.DataFrame, column: str, normaliser: Callable[[Any], Any], evidence: np.ndarray,
                    item_codes: np.ndarray, first: np.ndarray) -> list[Any]:
    """One canonical value per item; every row of an item must agree."""
    if column not in frame.columns:
        default = normaliser(None)
        return [default] * len(first)
    codes, canonical = _normalised(frame[column], normaliser, evidence, None)
    per_item = codes[first]
    clash = np.flatnonzero(per_item[item_codes] != codes)
    if len(clash):
        row = int(clash[0])
        raise ValueError(f"evidence {evidence[row]!r}: rows disagree on {column} "
                         f"({canonical[per_item[item_codes[row]]]!r} vs {canonical[codes[row]]!r})")
    return [canonical[c] for c in per_item]


def _group_label(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> pd.Timestamp:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"date {value!r} is not a date ({err})") from None
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def evidence_matrix(data: FrameLike, hypotheses: Sequence[str] | None = None) -> EvidenceMatrix:
    """Validate a tidy evidence frame and compile it into dense arrays.

    Args:
        data: a tidy frame (see the module docstring), or an already compiled matrix.
        hypotheses: hypothesis names in the order to use; every name in the frame must be
            listed, and listed names without rows are kept (with no ratings).

    Returns:
        The compiled ``EvidenceMatrix``.

    Raises:
        ValueError: a missing column, an unknown hypothesis, a bad rating / weight / grade /
            date (the one-line message names the evidence, the hypothesis and the value), two
            rows for the same cell, or an item whose rows disagree on a per-item column.
    """
    if isinstance(data, EvidenceMatrix):
        if hypotheses is not None and tuple(hypotheses) != data.hypotheses:
            raise ValueError("a compiled evidence matrix cannot be re-ordered; pass the frame instead")
        return data
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame or EvidenceMatrix, got {type(data).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"evidence frame lacks column(s) {', '.join(missing)}")
    evidence = _labels(data["evidence"], "evidence")
    hypothesis = _labels(data["hypothesis"], "hypothesis")
    item_codes, item_ids = pd.factorize(evidence)
    hyp_column = data["hypothesis"]
    if hypotheses is None and isinstance(hyp_column.dtype, pd.CategoricalDtype):
        hypotheses = [str(c) for c in hyp_column.cat.categories]
    if hypotheses is not None:
        names = [str(h) for h in hypotheses]
        if len(set(names)) != len(names):
            raise ValueError("hypothesis names must be unique")
        hyp_codes = pd.Index(names).get_indexer(hypothesis).astype(np.int64)
        unknown = np.flatnonzero(hyp_codes < 0)
        if len(unknown):
            raise ValueError(f"evidence {evidence[unknown[0]]!r}: hypothesis {hypothesis[unknown[0]]!r} "
                             f"is not one of the listed hypotheses")
    else:
        hyp_codes, uniques = pd.factorize(hypothesis)
        names = [str(h) for h in uniques]
    if not names:
        raise ValueError("evidence frame has no hypotheses")

    if "analyst" in data.columns:
        analyst_values = data["analyst"].fillna("").astype(str).to_numpy(dtype=object)
        analyst_codes, analyst_names = pd.factorize(analyst_values)
        analysts = tuple(str(a) for a in analyst_names) or ("",)
    else:
        analyst_codes, analysts = np.zeros(len(data), dtype=np.int64), ("",)

    rating_codes, ratings = _normalised(data["rating"], normalise_rating, evidence, hypothesis)
    code_of = np.array([NO_VOTE if r is None else RATINGS.index(r) for r in ratings] or [NO_VOTE], dtype=np.int8)
    n_items, n_hyps, n_analysts = len(item_ids), len(names), len(analysts)
    cell = (analyst_codes * n_items + item_codes) * n_hyps + hyp_codes
    if len(cell) and np.bincount(cell).max() > 1:
        row = int(np.flatnonzero(np.bincount(cell)[cell] > 1)[0])
        who = f" by analyst {analysts[analyst_codes[row]]!r}" if "analyst" in data.columns else ""
        raise ValueError(f"{_where(evidence, hypothesis, row)}: rated more than once{who}")
    votes = np.full(n_analysts * n_items * n_hyps, NO_VOTE, dtype=np.int8)
    votes[cell] = code_of[rating_codes]
    votes = votes.reshape(n_analysts, n_items, n_hyps)

    first = first_rows(item_codes)
    credibility = _item_attribute(data, "credibility", normalise_weight, evidence, item_codes, first)
    relevance = _item_attribute(data, "relevance", normalise_weight, evidence, item_codes, first)
    reliability = _item_attribute(data, "reliability", normalise_reliability, evidence, item_codes, first)
    info = _item_attribute(data, "info_credibility", normalise_info_credibility, evidence, item_codes, first)
    groups = _item_attribute(data, "group", _group_label, evidence, item_codes, first)
    origins = _item_attribute(data, "origin", _group_label, evidence, item_codes, first)
    dates = _item_attribute(data, "date", _date, evidence, item_codes, first)

    # An item without a group is its own group; the NUL prefix keeps it apart from user labels.
    keys = [g if g is not None else f"\x00{item}" for g, item in zip(groups, item_ids)]
    group_index, _ = pd.factorize(np.array(keys, dtype=object)) if keys else (np.zeros(0, np.int64), None)
    group_index = np.asarray(group_index, dtype=np.int64)
    group_size = np.bincount(group_index)[group_index] if len(group_index) else group_index
    origin_index = _origin_index(origins, group_index)

    return EvidenceMatrix(
        hypotheses=tuple(names),
        evidence=tuple(str(i) for i in item_ids),
        analysts=tuple(analysts),
        votes=votes,
        credibility=np.array([WEIGHT_LEVELS.index(c) for c in credibility], dtype=np.int8),
        relevance=np.array([WEIGHT_LEVELS.index(r) for r in relevance], dtype=np.int8),
        reliability=np.array([-1 if g is None else RELIABILITY_ORDER.index(g) for g in reliability], dtype=np.int8),
        info_credibility=np.array([0 if g is None else g for g in info], dtype=np.int8),
        groups=tuple(groups),
        group_index=group_index,
        group_size=group_size,
        dates=pd.DatetimeIndex(dates, dtype="datetime64[ns]").to_numpy(),
        origins=tuple(origins),
        origin_index=origin_index,
    )


def _origin_index(origins: Sequence[str | None], group_index: np.ndarray) -> np.ndarray:
    """Origin of each item: a group takes its first item's origin; no origin = the group alone."""
    if not len(group_index):
        return np.zeros(0, dtype=np.int64)
    first_of_group = first_rows(group_index)
    group_origin = [origins[i] for i in first_of_group]
    # NUL prefix keeps a group standing alone apart from any analyst's label
    keys = np.array([o if o is not None else f"\x00{g}" for g, o in enumerate(group_origin)], dtype=object)
    codes, _ = pd.factorize(keys)
    return np.asarray(codes, dtype=np.int64)[group_index]


def validate_frame(data: pd.DataFrame, hypotheses: Sequence[str] | None = None) -> pd.DataFrame:
    """A validated, normalised copy of a tidy evidence frame.

    Ratings become canonical codes (None where not rated), weights ``High``/``Medium``/``Low``,
    grades canonical; ``hypothesis`` becomes an ordered categorical holding every hypothesis.

    Args:
        data: a tidy evidence frame.
        hypotheses: hypothesis order (see ``evidence_matrix``).

    Returns:
        A new DataFrame with every column of ``data`` plus the per-item defaults.

    Raises:
        ValueError: as ``evidence_matrix``.
    """
    matrix = evidence_matrix(data, hypotheses)
    out = data.copy()
    evidence = out["evidence"].astype(str).to_numpy(dtype=object)
    items = pd.Index(matrix.evidence).get_indexer(evidence)
    hyps = pd.Index(matrix.hypotheses).get_indexer(out["hypothesis"].astype(str))
    analyst_index = (pd.Index(matrix.analysts).get_indexer(out["analyst"].fillna("").astype(str))
                     if "analyst" in out.columns else np.zeros(len(out), dtype=np.int64))
    codes = matrix.votes[analyst_index, items, hyps]
    out["rating"] = pd.array([None if c == NO_VOTE else RATINGS[c] for c in codes], dtype=object)
    out["hypothesis"] = pd.Categorical(out["hypothesis"].astype(str), categories=list(matrix.hypotheses))
    out["credibility"] = np.array(WEIGHT_LEVELS, dtype=object)[matrix.credibility[items]]
    out["relevance"] = np.array(WEIGHT_LEVELS, dtype=object)[matrix.relevance[items]]
    reliability = np.array(list(RELIABILITY_ORDER) + [None], dtype=object)
    out["reliability"] = reliability[matrix.reliability[items]]
    out["info_credibility"] = pd.array([None if g == 0 else int(g) for g in matrix.info_credibility[items]],
                                       dtype="Int64")
    out["group"] = np.array(matrix.groups, dtype=object)[items] if len(items) else []
    out["origin"] = np.array(matrix.origins, dtype=object)[items] if len(items) else []
    out["date"] = matrix.dates[items] if len(items) else pd.Series([], dtype="datetime64[ns]")
    return out
