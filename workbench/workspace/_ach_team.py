"""Several analysts on one analysis: who rated it, scores per analyst and for the team, and
where the team disagrees.

Every analyst's rating of a cell is stored apart (the ``ratings`` key holds the analyst); the
pure team maths is ``analysis.team``. A view is "team" (default), "mine" or an analyst's name
(see ``_ach_views``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_read import AnalysisReading
from ._ach_views import TEAM, analysts_in, resolve_view, view_ratings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnalysisTeam"]


class AnalysisTeam(AnalysisReading):
    """The team side of an analysis: analysts, per-analyst and team scores, disagreements."""

    def analysts(self) -> list[str]:
        """The analysts who have rated something in this analysis, in name order."""
        return analysts_in(self._read_rows()[1])

    def team_frame(self) -> "pd.DataFrame":
        """Every analyst's tidy frame stacked, with an ``analyst`` column (one full grid of
        evidence × hypotheses each, None where that analyst gave no rating); without ratings,
        the frame as ``frame()`` gives it."""
        items, rated = self._read_rows()
        return self._long_frame(items, self.hypotheses, rated)

    def score(self, view: str | None = None, **options: Any) -> Any:
        """PARC, weighted PARC, Open Synthesis and Bayes side by side (``analysis.Scores``) for a view.

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
        options = {**self.scoring_options(), **options}
        items, rated = self._read_rows()
        hyps = self.hypotheses
        names = list(hyps["name"])
        analysts = analysts_in(rated)
        chosen = resolve_view(view, self.ws.actor, analysts, self.id)
        if chosen == TEAM and len(analysts) > 1:
            return maths.team_score(self._long_frame(items, hyps, rated), hypotheses=names, **options)
        snapshot = self._assemble(items, hyps, view_ratings(rated, view, self.ws.actor, self.id))
        return maths.score(self._frame_view(snapshot), hypotheses=names, **options)

    def disagreements(self, **options: Any) -> "maths.Disagreements":
        """Where the analysts disagree: ``cells`` (widest spread first, with who said what),
        ``items`` (the evidence that splits the team) and ``leaders`` (each analyst's leading
        hypothesis), as frames (see ``analysis.team.Disagreements``); evidence by E-label,
        hypotheses by name.

        Args:
            **options: override the scoring settings used for each analyst's leaders.
        """
        settings = {**self.settings, **options}
        items, rated = self._read_rows()
        hyps = self.hypotheses
        return maths.disagreements(self._long_frame(items, hyps, rated), hypotheses=list(hyps["name"]), **settings)

    def _long_frame(self, items: "pd.DataFrame", hyps: "pd.DataFrame", rated: "pd.DataFrame") -> "pd.DataFrame":
        """Each analyst's frame from one read, stacked with an ``analyst`` column."""
        import pandas as pd

        columns = ["evidence_id", "hypothesis_id", "rating"]
        analysts = analysts_in(rated)
        if not analysts:
            return self._frame_view(self._assemble(items, hyps, rated[columns]))
        frames = []
        for analyst in analysts:
            frame = self._frame_view(self._assemble(items, hyps, rated.loc[rated["analyst"] == analyst, columns]))
            frame["analyst"] = analyst
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)
