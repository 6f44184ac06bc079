"""Analyses, their hypotheses, evidence and ratings as stored: the reads and writes the
workspace's ``Analysis`` asks for (the evidence join itself is ``store.evidence``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select, update

from ..errors import StoreError
from . import schema as s
from ._rows import resolve_id

__all__ = ["ANALYSIS_COLUMNS", "HYPOTHESIS_COLUMNS", "list_analyses", "resolve_analysis", "analysis_exists", "ids_taken",
           "analysis_head", "find_analysis_by_question", "analysis_row", "analysis_history", "evidence_positions",
           "touch_evidence", "touch_analysis", "next_hypothesis_position", "hypothesis_named", "next_evidence_position",
           "ratings_of"]

#: The fields of each hypothesis ``analysis_head`` reads.
HYPOTHESIS_COLUMNS = ["id", "name", "description", "position", "is_other"]

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
    """The full id of the analysis an analyst means: its id or a unique id prefix, ``latest``
    (the one most recently created or changed), or words found in exactly one analysis's
    question (any case).

    Raises:
        StoreError: one line: no analysis, or several, match.
    """
    an = s.analyses
    wanted = " ".join(str(analysis_id).split())
    if wanted.lower() == "latest":
        log = s.audit_log  # ids of the audit log order changes made within the same second
        last_change = (select(func.max(log.c.id)).where(log.c.target_type == "analysis", log.c.target_id == an.c.id)
                       .scalar_subquery())
        newest = conn.execute(select(an.c.id).order_by(an.c.updated_at.desc(), last_change.desc().nulls_last(), an.c.id.desc())
                              .limit(1)).scalar()
        if newest is None:
            raise StoreError("analysis 'latest': this workspace has no analysis yet")
        return newest
    try:
        return resolve_id(conn, an.c.id, wanted, "analysis")
    except StoreError as by_id:
        if not wanted:
            raise
        pattern = "%" + wanted.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found = conn.execute(select(an.c.id).where(func.lower(an.c.question).like(pattern, escape="\\"))
                             .limit(2)).scalars().all()
        if len(found) == 1:
            return found[0]
        if found:
            raise StoreError(f"analysis {wanted!r}: matches more than one analysis's question "
                             "(give more of it, or an id from `workbench analysis list`)") from None
        if "more than one" in str(by_id):
            raise
        raise StoreError(f"analysis {wanted!r}: not in this workspace (no such id, id prefix or words of a "
                         "question; `workbench analysis list` shows them)") from None


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


def analysis_head(conn: Connection, analysis_id: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]] | None:
    """The analysis row and its hypotheses in position order, in one statement.

    Args:
        conn: a workspace connection.
        analysis_id: the analysis's full id.
    Returns:
        (column -> value of the ``analyses`` row, plus ``new_alerts``: how many of its alerts are
        not decided yet, for the widgets' badge; ``HYPOTHESIS_COLUMNS`` tuples), or None when no
        analysis has that id.
    """
    a, h, al = s.analyses, s.hypotheses, s.alerts
    hyp_columns = [h.c[c].label(f"hyp_{c}") for c in HYPOTHESIS_COLUMNS]
    new_alerts = (select(func.count()).select_from(al).where(al.c.analysis_id == a.c.id, al.c.status == "new")
                  .scalar_subquery().label("new_alerts"))
    rows = conn.execute(select(a, new_alerts, *hyp_columns).select_from(a.outerjoin(h, h.c.analysis_id == a.c.id))
                        .where(a.c.id == analysis_id).order_by(h.c.position)).mappings().all()
    if not rows:
        return None
    info = {c.name: rows[0][c.name] for c in a.columns}
    info["new_alerts"] = int(rows[0]["new_alerts"])
    return info, [tuple(r[f"hyp_{c}"] for c in HYPOTHESIS_COLUMNS) for r in rows if r["hyp_id"] is not None]


def find_analysis_by_question(conn: Connection, question: str) -> str | None:
    """The id of the oldest analysis asking exactly this question, or None."""
    an = s.analyses
    return conn.execute(select(an.c.id).where(an.c.question == question).order_by(an.c.created_at)).scalar()


def analysis_row(conn: Connection, analysis_id: str) -> dict[str, Any] | None:
    """The ``analyses`` row of this id as column -> value, or None."""
    an = s.analyses
    row = conn.execute(select(an).where(an.c.id == analysis_id)).mappings().first()
    return None if row is None else dict(row)


def analysis_history(conn: Connection, analysis_id: str) -> list[tuple[int, str, str, str, str | None]]:
    """This analysis's change-log events, oldest first: (id, at, actor, action, after as stored JSON)."""
    log = s.audit_log
    return [tuple(r) for r in conn.execute(  # type: ignore[misc]
        select(log.c.id, log.c.at, log.c.actor, log.c.action, log.c.after)
        .where(log.c.target_type == "analysis", log.c.target_id == analysis_id).order_by(log.c.id)).all()]


def evidence_positions(conn: Connection, analysis_id: str) -> list[tuple[str, int]]:
    """(evidence id, position) of every item of an analysis (in the store's order)."""
    e = s.evidence
    return [(eid, position) for eid, position in
            conn.execute(select(e.c.id, e.c.position).where(e.c.analysis_id == analysis_id)).all()]


def touch_evidence(conn: Connection, evidence_id: str, stamp: str) -> None:
    """Set an evidence item's ``updated_at`` (not an undoable change: a time stamp)."""
    e = s.evidence
    conn.execute(e.update().where(e.c.id == evidence_id).values(updated_at=stamp))


def touch_analysis(conn: Connection, analysis_id: str, stamp: str) -> None:
    """Set an analysis's ``updated_at`` (not an undoable change: a time stamp)."""
    an = s.analyses
    conn.execute(update(an).where(an.c.id == analysis_id).values(updated_at=stamp))


def next_hypothesis_position(conn: Connection, analysis_id: str) -> int:
    """The position after the analysis's last hypothesis (1 for the first)."""
    h = s.hypotheses
    return int(conn.execute(select(func.coalesce(func.max(h.c.position), 0))
                            .where(h.c.analysis_id == analysis_id)).scalar_one()) + 1


def hypothesis_named(conn: Connection, analysis_id: str, name: str) -> bool:
    """Whether the analysis has a hypothesis of exactly this name."""
    h = s.hypotheses
    return conn.execute(select(h.c.id).where(h.c.analysis_id == analysis_id, h.c.name == name)).first() is not None


def next_evidence_position(analysis_id: str) -> Any:
    """The position after the analysis's last evidence item, as a scalar subquery: given as a value
    to ``ChangeSet.insert``, it is taken in the insert itself, under the write lock (no extra trip)."""
    e = s.evidence
    return (select(func.coalesce(func.max(e.c.position), 0) + 1)
            .where(e.c.analysis_id == analysis_id).scalar_subquery())


def ratings_of(conn: Connection, *, evidence_id: str | None = None,
               hypothesis_id: str | None = None) -> list[tuple[str, str, str]]:
    """(evidence id, hypothesis id, analyst) of every analyst's rating of one item or of one hypothesis.

    Args:
        conn: a workspace connection.
        evidence_id: the item's id (or give ``hypothesis_id``).
        hypothesis_id: the hypothesis's id.
    """
    r = s.ratings
    column, value = (r.c.evidence_id, evidence_id) if evidence_id is not None else (r.c.hypothesis_id, hypothesis_id)
    return [(eid, hid, who) for eid, hid, who in
            conn.execute(select(r.c.evidence_id, r.c.hypothesis_id, r.c.analyst).where(column == value)).all()]
