"""The core of ``Analysis``: its identity, stored record, id look-ups, history and the change context.

Every write to an analysis goes through ``_change``: one transaction, one audit event, undoable.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_values import normalise_rating
from ..errors import StoreError
from ..store import now
from ..store import schema as s
from ..store.changes import ChangeSet, redo, undo

if TYPE_CHECKING:
    import pandas as pd

    from .core import Workspace

__all__ = ["AnalysisBase"]


class AnalysisBase:
    """An analysis's id in a workspace, its stored record, and the machinery its reads and writes share."""

    def __init__(self, ws: "Workspace", analysis_id: str) -> None:
        self.ws = ws
        self.id = analysis_id

    # -- reading ------------------------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:
        with self.ws.store.read() as conn:
            row = conn.execute(select(s.analyses).where(s.analyses.c.id == self.id)).mappings().first()
        if row is None:
            raise StoreError(f"analysis {self.id!r}: not in this workspace")
        return dict(row)

    @property
    def question(self) -> str:
        return self.info["question"]

    @property
    def hypotheses(self) -> "pd.DataFrame":
        """Hypotheses in order: id, name, description, position, is_other."""
        import pandas as pd

        h = s.hypotheses
        with self.ws.store.read() as conn:
            rows = conn.execute(select(h.c.id, h.c.name, h.c.description, h.c.position, h.c.is_other)
                                .where(h.c.analysis_id == self.id).order_by(h.c.position)).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=["id", "name", "description", "position", "is_other"])
        frame["is_other"] = frame["is_other"].astype(bool)
        return frame


    # -- settings and confidence ------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        """The analysis's scoring settings: ``dependence`` (0 = one observation per origin … 1 =
        every item independent) and ``ungraded`` (the rule for ungraded sources)."""
        options = self.scoring_options()
        return {"dependence": options["dependence"], "ungraded": options["ungraded"]}

    def scoring_options(self, info: dict[str, Any] | None = None) -> dict[str, Any]:
        """What ``analysis.score`` takes from this analysis, from one read of its row (or ``info``):
        ``dependence``, ``ungraded`` and ``confidence`` (the analyst's override, or None)."""
        info = self.info if info is None else info
        stored = info.get("settings")
        values = json.loads(stored) if stored else {}
        override = ((info["confidence"], info.get("confidence_note"), info.get("confidence_by"))
                    if info.get("confidence") else None)
        return {"dependence": values.get("dependence", maths.DEFAULT_DEPENDENCE),
                "ungraded": values.get("ungraded", maths.DEFAULT_UNGRADED), "confidence": override}

    # -- history --------------------------------------------------------------------------
    def undo(self) -> str | None:
        """Undo the newest change to this analysis; returns what was undone."""
        with self.ws.store.transaction() as conn:
            return undo(conn, self.id, self.ws.actor)

    def redo(self) -> str | None:
        """Redo the newest undone change; returns what was redone."""
        with self.ws.store.transaction() as conn:
            return redo(conn, self.id, self.ws.actor)

    def history(self) -> "pd.DataFrame":
        """This analysis's changes, undos and redos, oldest first."""
        import pandas as pd

        log = s.audit_log
        with self.ws.store.read() as conn:
            rows = conn.execute(select(log.c.id, log.c.at, log.c.actor, log.c.action, log.c.after)
                                .where(log.c.target_type == "analysis", log.c.target_id == self.id)
                                .order_by(log.c.id)).all()
        return pd.DataFrame([(i, at, actor, action, json.loads(after).get("label")) for i, at, actor, action, after in rows],
                            columns=["id", "at", "actor", "action", "what"])

    # -- internals ------------------------------------------------------------------------
    def _change(self, label: str) -> "_ChangeContext":
        return _ChangeContext(self, label)

    def _touch(self, change: ChangeSet, eid: str) -> None:
        change.conn.execute(s.evidence.update().where(s.evidence.c.id == eid).values(updated_at=now()))

    def _hypothesis_id(self, ref: str, conn: Any = None) -> str:
        """The id of a hypothesis given by id, name or H-label (read in ``conn`` when given)."""
        h = s.hypotheses
        query = select(h.c.id, h.c.name, h.c.position).where(h.c.analysis_id == self.id)
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.ws.store.read() as reader:
                rows = reader.execute(query).all()
        for hid, name, position in rows:
            if ref in (hid, name, f"H{position}"):
                return hid
        raise StoreError(f"hypothesis {ref!r}: not in analysis {self.id}")

    def _evidence_id(self, ref: str, conn: Any = None) -> str:
        """The id of an evidence item given by id or E-label (read in ``conn`` when given)."""
        e = s.evidence
        query = select(e.c.id, e.c.position).where(e.c.analysis_id == self.id)
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.ws.store.read() as reader:
                rows = reader.execute(query).all()
        for eid, position in rows:
            if ref in (eid, f"E{position}"):
                return eid
        raise StoreError(f"evidence {ref!r}: not in analysis {self.id}")

    def _resolve_ratings(self, ratings: Mapping[str, Any], conn: Any = None) -> dict[str, str]:
        out = {}
        for hyp, rating in ratings.items():
            value = normalise_rating(rating, where=f"rating against {hyp!r}")
            if value != "NA":
                out[self._hypothesis_id(hyp, conn)] = value
        return out

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.question!r}>"


class _ChangeContext:
    """``with analysis._change(label) as change:`` — one transaction, one audit event."""

    def __init__(self, analysis: AnalysisBase, label: str) -> None:
        self.analysis = analysis
        self.label = label

    def __enter__(self) -> ChangeSet:
        self._tx = self.analysis.ws.store.transaction()
        conn = self._tx.__enter__()
        if conn.execute(select(s.analyses.c.id).where(s.analyses.c.id == self.analysis.id)).first() is None:
            self._tx.__exit__(None, None, None)
            raise StoreError(f"analysis {self.analysis.id!r}: not in this workspace")
        self.change = ChangeSet(conn, self.analysis.id, self.label)
        return self.change

    def __exit__(self, exc_type, exc, tb) -> bool:  # noqa: ANN001
        if exc_type is None:
            if self.change.commit(self.analysis.ws.actor):
                self.change.conn.execute(s.analyses.update().where(s.analyses.c.id == self.analysis.id)
                                         .values(updated_at=now()))
        return bool(self._tx.__exit__(exc_type, exc, tb))

