"""Several analysts on one analysis: who rated it, every analyst's frame, and where the team disagrees.

Every analyst's rating of a cell is stored apart (the ``ratings`` key holds the analyst); the
pure team maths is ``analysis.team``. A view is "team" (default), "mine" or an analyst's name
(see ``_ach_views``); scores per view are ``score(view)`` on the read side. Each method here
works on one ``state()`` read.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_read import AnalysisReading

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnalysisTeam"]


class AnalysisTeam(AnalysisReading):
    """The team side of an analysis: analysts, every analyst's frame, disagreements."""

    def analysts(self) -> list[str]:
        """The analysts who have rated something in this analysis, in name order."""
        return self.state().analysts()

    def team_frame(self) -> "pd.DataFrame":
        """Every analyst's tidy frame stacked, with an ``analyst`` column (one full grid of
        evidence × hypotheses each, None where that analyst gave no rating); without ratings,
        the frame as ``frame()`` gives it."""
        return self.state().long_frame()

    def disagreements(self, **options: Any) -> "maths.Disagreements":
        """Where the analysts disagree: ``cells`` (widest spread first, with who said what),
        ``items`` (the evidence that splits the team) and ``leaders`` (each analyst's leading
        hypothesis), as frames (see ``analysis.team.Disagreements``); evidence by E-label,
        hypotheses by name.

        Args:
            **options: override the scoring settings used for each analyst's leaders.
        """
        state = self.state()
        return maths.disagreements(state.long_frame(), hypotheses=list(state.hypotheses["name"]),
                                   **{**state.settings, **options})
