"""The ACH matrix widget: evidence × hypotheses, ratings and weights editable, scores live."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import BundledWidget, handles
from ..render.matrix import render_matrix_html
from ..workspace._gather import matrix_data

if TYPE_CHECKING:
    from ..workspace import Analysis
    from ..workspace._ach_state import AnalysisState

__all__ = ["Matrix", "matrix_data"]  # matrix_data: from workspace._gather (kept importable here)


class Matrix(BundledWidget):
    """Work the matrix of one analysis: click or key to rate, edit weights, watch the scores.

    Args:
        analysis: the analysis.
        on_change: called after each change made here (the Workbench refreshes the reader).
    """

    _module = "matrix"
    _styles = ("table.css", "matrix.css")

    data = t.Dict().tag(sync=True)

    def __init__(self, analysis: "Analysis", *, on_change: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.analysis = analysis
        self.analysis_state: "AnalysisState | None" = None
        self._on_change = [on_change] if on_change else []
        self.refresh()

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def refresh(self, state: "AnalysisState | None" = None) -> None:
        """Recompute the matrix and every engine's scores.

        Args:
            state: the analysis as a write just left it (``Analysis.state_after``), e.g. the
                reader's after a tag; None (or another analysis's state) reads it afresh.
        """
        if state is None or state.id != self.analysis.id:
            state = self.analysis.state()
        self.analysis_state = state
        # the state answers what matrix_data asks of an analysis (hypotheses, views, score)
        self.data = matrix_data(state)  # type: ignore[arg-type]

    @handles("rate")
    def _rate(self, content: dict[str, Any]) -> None:
        with self.analysis.state_after() as after:
            self.analysis.rate(str(content["evidence_id"]), str(content["hypothesis_id"]), content["rating"])
        self._changed("", after.state)

    @handles("weight")
    def _weight(self, content: dict[str, Any]) -> None:
        field = str(content["field"])
        if field not in ("credibility", "relevance"):
            raise ValueError(f"weight {field!r}: only credibility and relevance can be set here")
        with self.analysis.state_after() as after:
            self.analysis.update_evidence(str(content["evidence_id"]), **{field: content["value"]})
        self._changed("", after.state)

    @handles("undo")
    def _undo(self, _content: dict[str, Any]) -> None:
        done = self.analysis.undo()
        self._changed(f"undo: {done}" if done else "nothing to undo")

    @handles("redo")
    def _redo(self, _content: dict[str, Any]) -> None:
        done = self.analysis.redo()
        self._changed(f"redo: {done}" if done else "nothing to redo")

    def _changed(self, status: str, state: "AnalysisState | None" = None) -> None:
        self.status = status
        self.refresh(state)
        for callback in self._on_change:
            callback()

    def _after_error(self) -> None:
        self.refresh()  # the browser drew the new rating at once: show the stored one again

    def static_html(self) -> str:
        return render_matrix_html(self.data)
