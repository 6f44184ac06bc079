"""The ACH matrix widget: evidence × hypotheses, ratings and weights editable, scores live."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import BundledWidget
from ..render.matrix import render_matrix_html
from ..workspace._gather import matrix_data

if TYPE_CHECKING:
    from ..workspace import Analysis

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
        self._on_change = [on_change] if on_change else []
        self.on_msg(self._on_message)
        self.refresh()

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def refresh(self) -> None:
        """Recompute the matrix and every engine's scores from the workspace."""
        self.data = matrix_data(self.analysis)

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            kind = content.get("kind")
            if kind == "rate":
                self.analysis.rate(str(content["evidence_id"]), str(content["hypothesis_id"]), content["rating"])
            elif kind == "weight":
                field = str(content["field"])
                if field not in ("credibility", "relevance"):
                    raise ValueError(f"weight {field!r}: only credibility and relevance can be set here")
                self.analysis.update_evidence(str(content["evidence_id"]), **{field: content["value"]})
            elif kind in ("undo", "redo"):
                done = self.analysis.undo() if kind == "undo" else self.analysis.redo()
                self.status = f"{kind}: {done}" if done else f"nothing to {kind}"
                self.refresh()
                for callback in self._on_change:
                    callback()
                return
            else:
                return
            self.status = ""
            self.refresh()
            for callback in self._on_change:
                callback()
        except Exception as exc:  # noqa: BLE001
            self.status = f"error: {exc}"
            self.refresh()

    def static_html(self) -> str:
        return render_matrix_html(self.data)
