"""The ACH matrix widget: evidence × hypotheses, ratings and weights editable, scores live, the
analyst's own ratings, the team's or another analyst's, and other notebooks' changes shown as
they happen."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import POLL_MS, BundledWidget, handles
from ..errors import StoreError
from ..render._report_alerts import alert_badge_html
from ..render.matrix import render_matrix_html
from ..workspace._ach_views import MINE
from ..workspace._gather import matrix_data

if TYPE_CHECKING:
    from ..workspace import Analysis
    from ..workspace._ach_state import AnalysisState
    from ..workspace.core import Change

__all__ = ["Matrix", "matrix_data"]  # matrix_data: from workspace._gather (kept importable here)

INDICATOR_RATING = "C"  # what the "add indicator" form proposes (Analysis.add_indicator's default)

#: change-log targets that move a matrix besides its own analysis: a source's grade feeds the
#: scores, a re-anchored item its place
_ALSO_SEEN = frozenset({"source", "evidence"})


class Matrix(BundledWidget):
    """Work the matrix of one analysis: click or key to rate, edit weights, watch the scores.

    A rating always changes the acting analyst's own rating (``analysis.ws.actor``). In the team
    view or another analyst's, a click first switches to "mine" (the cell keeps the cursor: a
    second click cycles your rating, not the consensus you were looking at); a rating key
    rates at once and switches to "mine", so you see what you wrote.

    Args:
        analysis: the analysis.
        view: whose ratings to show: "mine" (default), "team" (the consensus, disputed cells
            marked) or an analyst's name; the widget's menu switches it (the ``view`` trait).
        on_change: called after each change shown here (the Workbench refreshes the reader).
        live: follow other notebooks' changes to the workspace while shown (polled every second).
    """

    _module = "matrix"
    _styles = ("table.css", "matrix.css")

    data = t.Dict().tag(sync=True)
    view = t.Unicode(MINE).tag(sync=True)
    new_alerts = t.Int(0).tag(sync=True)  # this analysis's alerts not decided yet (the badge)
    indicator_rating = t.Unicode(INDICATOR_RATING).tag(sync=True)  # the form's default expected rating

    def __init__(self, analysis: "Analysis", *, view: str = MINE, on_change: Callable[[], None] | None = None,
                 live: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.analysis = analysis
        self.analysis_state: "AnalysisState | None" = None
        self._on_change = [on_change] if on_change else []
        self._quiet = False
        if live:
            self.follow(analysis.ws, POLL_MS)
        self._set_view(view)
        self.refresh()
        self.observe(self._on_view, names="view")

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def refresh(self, state: "AnalysisState | None" = None) -> None:
        """Recompute the matrix and every engine's scores for the view shown.

        Args:
            state: the analysis as a write just left it (``Analysis.state_after``), e.g. the
                reader's after a tag; None (or another analysis's state) reads it afresh.
        """
        fresh = state is None or state.id != self.analysis.id
        if fresh:
            self.mark_seen()   # before the read: a change made meanwhile is seen by the next poll
            state = self.analysis.state()
        self.analysis_state = state
        try:
            data = matrix_data(state, view=self.view)
        except StoreError as exc:   # an analyst with no ratings (left, or all undone): show mine
            self.status = f"{exc}; showing your ratings"
            self._set_view(MINE)
            data = matrix_data(state, view=MINE)
        self.data = data
        self.new_alerts = int(state.info.get("new_alerts", 0))  # read with the analysis's row

    # -- messages from the browser --------------------------------------------------------------
    @handles("rate")
    def _rate(self, content: dict[str, Any]) -> None:
        shown_mine = bool((self.data.get("view") or {}).get("mine", True))
        with self.analysis.state_after() as after:
            changed = self.analysis.rate(str(content["evidence_id"]), str(content["hypothesis_id"]), content["rating"])
        status = ""
        if not shown_mine:   # the rating is the analyst's own: show it among theirs
            self._set_view(MINE)
            status = f"your rating ({self.analysis.ws.actor}) is saved; showing your ratings (the menu has the others)"
        self._changed(status, after.state, changed)

    @handles("weight")
    def _weight(self, content: dict[str, Any]) -> None:
        field = str(content["field"])
        if field not in ("credibility", "relevance"):
            raise ValueError(f"weight {field!r}: only credibility and relevance can be set here")
        with self.analysis.state_after() as after:
            changed = self.analysis.update_evidence(str(content["evidence_id"]), **{field: content["value"]})
        self._changed("", after.state, changed)

    @handles("indicator")
    def _indicator(self, content: dict[str, Any]) -> None:
        """The "add indicator" form: hypothesis (by id), query and expected rating."""
        query = str(content.get("query", ""))
        with self.analysis.state_after() as after:
            self.analysis.add_indicator(str(content["hypothesis_id"]), query, rating=content.get("rating", "C"))
        self._changed(f"indicator added: new articles matching {query.strip()!r} raise alerts", after.state, True)

    @handles("undo")
    def _undo(self, _content: dict[str, Any]) -> None:
        done = self.analysis.undo()
        self._changed(f"undo: {done}" if done else "nothing to undo")

    @handles("redo")
    def _redo(self, _content: dict[str, Any]) -> None:
        done = self.analysis.redo()
        self._changed(f"redo: {done}" if done else "nothing to redo")

    def _changed(self, status: str, state: "AnalysisState | None" = None, changed: bool = False) -> None:
        self.status = status
        self.refresh(state)
        if state is not None:   # read inside the write: its own event need not be drawn again
            self.skip_own(changed, self._own_event)
        for callback in self._on_change:
            callback()

    def _own_event(self, event: "Change") -> bool:
        return (event.action == "change" and event.actor == self.analysis.ws.actor
                and event.target_type == "analysis" and event.target_id == self.analysis.id)

    def _remote_changes(self, events: list["Change"]) -> None:
        """Another notebook (or this kernel, elsewhere) changed the workspace: redraw if it touches this matrix."""
        mine = [e for e in events if (e.target_type == "analysis" and e.target_id == self.analysis.id)
                or e.target_type in _ALSO_SEEN]
        if not mine:
            if any(e.action == "ingest" for e in events):  # new articles may have raised alerts
                try:
                    self.new_alerts = self.analysis.ws.new_alert_count(self.analysis.id)
                except Exception as exc:  # noqa: BLE001 - shown, not raised
                    self.status = f"error: {exc}"
            return
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - e.g. the analysis was deleted elsewhere: shown, not raised
            self.status = f"error: {exc}"
            return
        who = ", ".join(sorted({e.actor for e in mine}))
        self.status = f"updated: {who} changed this analysis"
        for callback in self._on_change:
            callback()

    def _on_view(self, _change: dict[str, Any]) -> None:
        if self._quiet:
            return
        try:
            self.refresh(self.analysis_state)   # the same read, another view: no trip to the store
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never lost silently
            self.status = f"error: {exc}"

    def _set_view(self, view: str) -> None:
        """Set the view without the redraw its observer would make (the caller redraws)."""
        self._quiet = True
        try:
            self.view = " ".join(str(view).split()) or MINE
        finally:
            self._quiet = False

    def _after_error(self) -> None:
        self.refresh()  # the browser drew the new rating at once: show the stored one again

    def static_html(self) -> str:
        return alert_badge_html(self.new_alerts) + render_matrix_html(self.data)
