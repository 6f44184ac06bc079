"""The read side of ``Analysis``: the evidence table, the engines' tidy frame, scores, the matrix, exports.

One ``state()`` read (``_ach_state``) feeds every view, so the evidence table and the frame always agree.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from .._story_evidence import copy_passages
from ._ach_base import AnalysisBase
from ._ach_state import EVIDENCE_COLUMNS
from .interchange import analysis_to_document, export_analysis

if TYPE_CHECKING:
    import pandas as pd

    from .._story_evidence import CopyPassage

__all__ = ["AnalysisReading"]


class AnalysisReading(AnalysisBase):
    """Reading an analysis: views, the scoring engines' results, documents and exports."""

    @property
    def evidence(self) -> "pd.DataFrame":
        """Evidence items with their anchors, weights, source grades and ratings (one column per hypothesis)."""
        return self.state().evidence

    def frame(self, view: str | None = None) -> "pd.DataFrame":
        """The tidy frame for the scoring engines: one row per (evidence, hypothesis).

        ``view`` says whose ratings: "team" (default: the analysts' consensus), "mine" or an
        analyst's name (see ``analysts``).

        Columns: evidence (label), hypothesis (name), rating (None where unrated), credibility,
        relevance, info_credibility, reliability, group (syndicated copies of one story share
        it), origin (items of one outlet, one article family or one analyst-marked set share
        it), date.
        """
        return self.state().frame(view)

    def views(self, view: str | None = None) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """``(evidence, frame())`` from one read, for callers that need both (``view``: see ``frame``)."""
        return self.state().views(view)

    # -- scoring (pure engines in workbench.analysis) ------------------------------------------
    def score(self, view: str | None = None, **options: Any) -> Any:
        """PARC, weighted PARC, Open Synthesis and Bayes side by side (``analysis.Scores``) for a view,
        with the Bayesian range, the independent origins and the confidence.

        Args:
            view: "team" (default): Open Synthesis on the mean of the analysts' votes, the other
                engines on their consensus (``analysis.team_score``); "mine" or an analyst's
                name: that analyst's ratings alone. With one analyst every view is the same.
            **options: override the analysis's settings (``dependence``, ``ungraded``) or pass
                ``linchpins``, ``priors`` for this call.
        Returns:
            ``analysis.Scores``.
        Raises:
            StoreError: a view naming no analyst of this analysis.
        """
        return self.state().score(view, **options)

    def leave_one_out(self, **options: Any) -> Any:
        """Which evidence items, removed, change the leader under each engine (the linchpins)."""
        state = self.state()
        return maths.leave_one_out(state.frame(), hypotheses=list(state.hypotheses["name"]),
                                   **{**state.settings, **options})

    def rating_perturbation(self, **options: Any) -> "pd.DataFrame":
        """Every one-step rating change that would change the leader."""
        state = self.state()
        return maths.rating_perturbation(state.frame(), hypotheses=list(state.hypotheses["name"]),
                                         **{**state.settings, **options})

    def monte_carlo(self, draws: int = 10_000, seed: int | None = 0, **options: Any) -> Any:
        """How robust each hypothesis's first place is when ratings and weights are uncertain."""
        state = self.state()
        return maths.monte_carlo(state.frame(), draws=draws, seed=seed, hypotheses=list(state.hypotheses["name"]),
                                 **{**state.settings, **options})

    def matrix(self, view: str | None = None) -> "pd.DataFrame":
        """The matrix: evidence rows, hypothesis columns, ratings as values (``view``: see ``frame``)."""
        evidence = self.state().evidence_view(view)
        rated = len(evidence.columns) - len(EVIDENCE_COLUMNS)  # the last columns, one per hypothesis
        return evidence.set_index("label")[["exact", "note", "credibility", "relevance",
                                            *evidence.columns[len(evidence.columns) - rated:]]]

    def to_document(self) -> dict[str, Any]:
        """The whole analysis as a plain, versioned document (lossless JSON)."""
        return analysis_to_document(self)

    def export(self, path: Any, format: str = "json", view: str | None = None) -> Any:  # noqa: A002 - the CLI's word
        """Write the analysis as json | achz | w3c | csv; ``view`` an analyst's name (or "mine")
        for that analyst's ratings alone, else the team's (JSON: every analyst's too)."""
        return export_analysis(self, format, path, view)

    def copies_in(self, article_id: str) -> list["CopyPassage"]:
        """This analysis's quotes tagged in another copy of the article's story, found again in
        the article's own text (what the reader underlines besides the article's own quotes).

        Args:
            article_id: the article shown.
        Returns:
            The passages found (a quote the copy was edited too much to hold is left out).
        """
        with self.ws.store.read() as conn:
            return copy_passages(conn, [article_id], [self.id]).get(article_id, [])

    @property
    def orphans(self) -> "pd.DataFrame":
        """Quotes whose article or words could not be found (kept with their ratings; see import)."""
        frame = self.evidence
        return frame[frame["anchor_method"] == "orphaned"].reset_index(drop=True)
