"""The core of ``Analysis``: its identity, stored record, id look-ups, history and the change context.

Every write to an analysis goes through ``_change``: one transaction, one audit event, undoable.
The change reads the analysis row and its hypotheses once, as it starts (which also checks the
analysis exists), and resolves hypothesis references against that read.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._ach_state import AnalysisState, read_head, read_state, scoring_options
from ._ach_values import normalise_rating
from ..errors import StoreError
from ..store import now
from ..store.analyses import analysis_history, analysis_row, evidence_positions, touch_analysis, touch_evidence
from ..store.changes import ChangeSet, redo, undo

if TYPE_CHECKING:
    import pandas as pd

    from .core import Workspace

__all__ = ["AnalysisBase", "AnalysisChange", "StateAfter"]


class AnalysisChange(ChangeSet):
    """A ``ChangeSet`` on one analysis that also carries what the change read as it began:
    the analysis row (``info``) and its hypotheses in order (``hypotheses``)."""

    def __init__(self, conn: Any, analysis_id: str, label: str, head: tuple[dict[str, Any], "pd.DataFrame"]) -> None:
        super().__init__(conn, analysis_id, label)
        self.info, self.hypotheses = head


class StateAfter:
    """Where ``Analysis.state_after`` leaves the state read inside the latest write (None until then)."""

    def __init__(self) -> None:
        self.state: AnalysisState | None = None


class AnalysisBase:
    """An analysis's id in a workspace, its stored record, and the machinery its reads and writes share."""

    def __init__(self, ws: "Workspace", analysis_id: str) -> None:
        self.ws = ws
        self.id = analysis_id
        self._after: StateAfter | None = None

    # -- reading ------------------------------------------------------------------------
    def state(self) -> AnalysisState:
        """The analysis as one consistent read finds it: row, hypotheses, evidence, ratings
        (two statements). Every view and score below is built from one state."""
        with self.ws.store.read() as conn:
            return read_state(conn, self.id, self.ws.actor)

    @contextmanager
    def state_after(self) -> Iterator[StateAfter]:
        """Read the analysis back inside each write made in the block, in the write's own transaction.

        ``with analysis.state_after() as after: analysis.tag(...)`` leaves in ``after.state`` the
        analysis as that change committed it, without a second trip to the store: the reader
        and the matrix draw from it. ``after.state`` stays None if no write completed.
        """
        self._after = after = StateAfter()
        try:
            yield after
        finally:
            self._after = None

    @property
    def info(self) -> dict[str, Any]:
        with self.ws.store.read() as conn:
            row = analysis_row(conn, self.id)
        if row is None:
            raise StoreError(f"analysis {self.id!r}: not in this workspace")
        return row

    @property
    def question(self) -> str:
        return self.info["question"]

    @property
    def hypotheses(self) -> "pd.DataFrame":
        """Hypotheses in order: id, name, description, position, is_other."""
        with self.ws.store.read() as conn:
            return read_head(conn, self.id)[1]

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
        return scoring_options(self.info if info is None else info)

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

        with self.ws.store.read() as conn:
            rows = analysis_history(conn, self.id)
        return pd.DataFrame([(i, at, actor, action, json.loads(after).get("label")) for i, at, actor, action, after in rows],
                            columns=["id", "at", "actor", "action", "what"])

    # -- internals ------------------------------------------------------------------------
    def _change(self, label: str) -> "_ChangeContext":
        return _ChangeContext(self, label)

    def _touch(self, change: ChangeSet, eid: str) -> None:
        touch_evidence(change.conn, eid, now())

    def _hypothesis_id(self, ref: str, hypotheses: "pd.DataFrame | None" = None) -> str:
        """The id of a hypothesis given by id, else by name, else by H-label.

        Args:
            ref: the reference; an id always wins (the widgets send ids, never names).
            hypotheses: the hypotheses already read (e.g. by the change under way), else read now.
        """
        hyps = self.hypotheses if hypotheses is None else hypotheses
        for column, values in (("id", hyps["id"]), ("name", hyps["name"]),
                               ("label", [f"H{p}" for p in hyps["position"]])):
            for hid, value in zip(hyps["id"], values):
                if ref == value:
                    return hid
        raise StoreError(f"hypothesis {ref!r}: not in analysis {self.id}")

    def _evidence_id(self, ref: str, conn: Any = None) -> str:
        """The id of an evidence item given by id or E-label (read in ``conn`` when given)."""
        if conn is not None:
            rows = evidence_positions(conn, self.id)
        else:
            with self.ws.store.read() as reader:
                rows = evidence_positions(reader, self.id)
        for eid, position in rows:
            if ref in (eid, f"E{position}"):
                return eid
        raise StoreError(f"evidence {ref!r}: not in analysis {self.id}")

    def _resolve_ratings(self, ratings: Mapping[str, Any], hypotheses: "pd.DataFrame") -> dict[str, str]:
        """Ratings keyed by hypothesis id, NA left out (``hypotheses``: as the change read them)."""
        out = {}
        for hyp, rating in ratings.items():
            value = normalise_rating(rating, where=f"rating against {hyp!r}")
            if value != "NA":
                out[self._hypothesis_id(hyp, hypotheses)] = value
        return out

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.question!r}>"


class _ChangeContext:
    """``with analysis._change(label) as change:`` — one transaction, one audit event."""

    def __init__(self, analysis: AnalysisBase, label: str) -> None:
        self.analysis = analysis
        self.label = label

    def __enter__(self) -> AnalysisChange:
        self._tx = self.analysis.ws.store.transaction()
        conn = self._tx.__enter__()
        try:
            # under the write lock: the row (which proves the analysis exists) and its hypotheses
            self.head = read_head(conn, self.analysis.id)
        except BaseException:
            self._tx.__exit__(None, None, None)
            raise
        self.change = AnalysisChange(conn, self.analysis.id, self.label, self.head)
        return self.change

    def __exit__(self, exc_type, exc, tb) -> bool:  # noqa: ANN001
        state = None
        if exc_type is None:
            try:
                state = self._finish()
            except BaseException as err:  # the transaction rolls back, and the error goes on
                if not self._tx.__exit__(type(err), err, err.__traceback__):
                    raise
                return False
        suppressed = bool(self._tx.__exit__(exc_type, exc, tb))
        if state is not None and self.analysis._after is not None:
            self.analysis._after.state = state  # only once committed
        return suppressed

    def _finish(self) -> AnalysisState | None:
        """Record the change; read the analysis back when ``state_after`` asks for it."""
        info, hyps = self.head
        if self.change.commit(self.analysis.ws.actor):
            stamp = now()
            touch_analysis(self.change.conn, self.analysis.id, stamp)
            info = {**info, "updated_at": stamp}
        if self.analysis._after is None:
            return None
        # the row, its count of new alerts and the hypotheses read as the change began serve,
        # unless the change touched them (accepting an alert, an undo bringing one back)
        touched = any(op["table"] in ("hypotheses", "analyses", "alerts") for op in self.change.ops)
        return read_state(self.change.conn, self.analysis.id, self.analysis.ws.actor,
                          None if touched else (info, hyps))

