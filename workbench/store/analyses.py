"""Analyses, their hypotheses, evidence and ratings as stored: the reads and writes the
workspace's ``Analysis`` asks for (the evidence join itself is ``store.evidence``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from . import schema as s
from ._store import resolve_id

__all__ = ["ANALYSIS_COLUMNS", "list_analyses", "resolve_analysis", "analysis_exists", "ids_taken"]

# SQLite caps the parameters of one statement, and an analysis may hold 50,000 items
_IN_SLICE = 500

#: The columns of each ``list_analyses`` row.
ANALYSIS_COLUMNS = ["id", "question", "time_horizon", "created_by", "created_at", "updated_at", "hypotheses", "evidence"]


def list_analyses(conn: Connection) -> list[tuple[Any, ...]]:
    """Every analysis with its hypothesis and evidence counts, oldest first (one statement).

    Returns:
        Tuples with ``ANALYSIS_COLUMNS``.
    """
    an, h, e = s.analyses, s.hypotheses, s.evidence
    hyp_count = select(func.count()).where(h.c.analysis_id == an.c.id).scalar_subquery()
    ev_count = select(func.count()).where(e.c.analysis_id == an.c.id).scalar_subquery()
    rows = conn.execute(select(an.c.id, an.c.question, an.c.time_horizon, an.c.created_by, an.c.created_at,
                               an.c.updated_at, hyp_count.label("hypotheses"), ev_count.label("evidence"))
                        .order_by(an.c.created_at, an.c.id)).all()
    return [tuple(r) for r in rows]


def resolve_analysis(conn: Connection, analysis_id: str) -> str:
    """The full id of an analysis given by id or unique prefix.

    Raises:
        StoreError: no analysis, or several, match.
    """
    return resolve_id(conn, s.analyses.c.id, analysis_id, "analysis")


def analysis_exists(conn: Connection, analysis_id: str) -> bool:
    """Whether an analysis with exactly this id is stored."""
    an = s.analyses
    return conn.execute(select(an.c.id).where(an.c.id == analysis_id)).first() is not None


def ids_taken(conn: Connection, hypothesis_ids: Sequence[str], evidence_ids: Sequence[str]) -> bool:
    """Whether any of these hypothesis or evidence ids is stored already (ids are unique across a
    workspace). Read in slices of ``_IN_SLICE``; stops at the first slice that finds one."""
    return any(conn.execute(select(column).where(column.in_(ids[i:i + _IN_SLICE]))).first()
               for column, ids in ((s.hypotheses.c.id, hypothesis_ids), (s.evidence.c.id, evidence_ids))
               for i in range(0, len(ids), _IN_SLICE))
