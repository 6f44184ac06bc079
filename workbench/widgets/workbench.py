"""``Workbench(ws)``: the corpus browser, reader, entity explorer and matrix in tabs, in sync."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .corpus_browser import CorpusBrowser
from .entity_explorer import EntityExplorer
from .matrix import Matrix
from .reader import Reader
from ..render.static import no_analysis_html, workbench_static_html

if TYPE_CHECKING:
    from ..workspace import Analysis, Workspace

__all__ = ["Workbench"]

TABS = ("Corpus", "Reader", "Entities", "Matrix")


class Workbench(w.VBox):
    """The whole loop in one cell: browse, read, tag, rate, and watch the scores move.

    A passage tagged in the reader appears in the matrix and its scores at once; a rating
    changed in the matrix re-colours the reader's underlines; an entity correction
    re-highlights the reader. Each tab follows other notebooks' changes while it is shown
    (the tabs behind it ask nothing, and catch up when shown).

    Args:
        ws: the workspace.
        analysis: the analysis to work on (an Analysis or its id; default: the newest one).
    """

    def __init__(self, ws: "Workspace", analysis: "Analysis | str | None" = None, **kwargs: Any) -> None:
        self.ws = ws
        self.analysis = self._pick(analysis)
        self.corpus = CorpusBrowser(ws, on_open=self.open_article, analysis=self.analysis, on_tag=self._corpus_tagged)
        self.reader = Reader(ws, analysis=self.analysis, on_change=self._tagged)
        self.entities = EntityExplorer(ws, on_change=self._entities_changed, on_open=self.open_article)
        self.matrix = Matrix(self.analysis, on_change=self._rated) if self.analysis else None
        self.chooser = w.Dropdown(options=self._analysis_options(), value=self.analysis.id if self.analysis else None,
                                  description="Analysis", layout=w.Layout(width="60%"))
        self.chooser.observe(self._choose, names="value")
        matrix_view = self.matrix if self.matrix is not None else w.HTML(no_analysis_html())
        self.tabs = w.Tab(children=[self.corpus, self.reader, self.entities, matrix_view], titles=TABS)
        super().__init__(children=[self.chooser, self.tabs], **kwargs)
        self.add_class("wb-workbench")

    def open_article(self, article_id: str) -> None:
        """Show an article in the reader tab."""
        self.reader.show(article_id)
        self.tabs.selected_index = TABS.index("Reader")

    # -- sync -------------------------------------------------------------------------------
    def _tagged(self, _evidence_id: str) -> None:
        if self.matrix is not None:
            self.matrix.refresh(self.reader.analysis_state)  # as the tag's transaction left it: no re-read
        self.corpus.refresh_counts()   # a tag adds no article: the evidence column is all that moves

    def _corpus_tagged(self, state: Any) -> None:
        if self.matrix is not None:
            self.matrix.refresh(state)  # the state the browser's tag left: no re-read
        self.reader.refresh(state)

    def _rated(self) -> None:
        self.reader.refresh(self.matrix.analysis_state if self.matrix is not None else None)
        self.corpus.refresh_counts()

    def _entities_changed(self) -> None:
        if self.reader.article is not None:
            self.reader.show(self.reader.article.id)

    def _choose(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            return
        self.analysis = self.ws.analysis(change["new"])
        self.reader.set_analysis(self.analysis)
        self.corpus.analysis_fixed = True  # the workbench's chooser decides: its browser tags into this one
        self.corpus.choose_analysis(self.analysis.id)
        if self.matrix is None:
            self.matrix = Matrix(self.analysis, on_change=self._rated)
            children = list(self.tabs.children)
            children[TABS.index("Matrix")] = self.matrix
            self.tabs.children = children
        else:
            self.matrix.analysis = self.analysis
            self.matrix.refresh()

    def _pick(self, analysis: "Analysis | str | None") -> "Analysis | None":
        if analysis is None:
            listed = self.ws.analyses
            return self.ws.analysis(listed["id"].iloc[-1]) if len(listed) else None
        if isinstance(analysis, str):
            return self.ws.analysis(analysis)
        return analysis

    def _analysis_options(self) -> list[tuple[str, str]]:
        listed = self.ws.analyses
        return [(q if len(q) <= 90 else q[:89] + "…", i) for i, q in zip(listed["id"], listed["question"])]

    # -- static view ------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        return {**data, "text/html": self.static_html()}, metadata

    def static_html(self) -> str:
        """All four views as static, escaped HTML (for exports and kernel-less viewers)."""
        question = self.analysis.question if self.analysis is not None else None
        views = [self.matrix.static_html() if self.analysis is not None and self.matrix else "",
                 self.reader.static_html(), self.entities.static_html(), self.corpus.static_html()]
        return workbench_static_html(question, views)
