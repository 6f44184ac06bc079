"""Whose ratings a read shows: the team's consensus, the acting analyst's, or a named analyst's.

A view is "team" (the default: the Open Synthesis consensus of every analyst's ratings, see
``analysis.team``), "mine" (the acting analyst's) or an analyst's name. With one analyst the
team's view is that analyst's, so a one-analyst workspace reads as it always did.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import analysis as maths  # a lazy package: the team module loads (with pandas) on first use
from ..errors import StoreError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TEAM", "MINE", "resolve_view", "view_ratings", "analysts_in"]

TEAM = "team"
MINE = "mine"


def analysts_in(rated: "pd.DataFrame") -> list[str]:
    """The analysts who rated something, in name order.

    Args:
        rated: evidence_id, hypothesis_id, analyst, rating.
    Returns:
        Analyst names.
    """
    return sorted({str(a) for a in rated["analyst"]})


def resolve_view(view: str | None, actor: str, analysts: list[str], analysis_id: str) -> str:
    """The view a caller asked for, as ``TEAM`` or an analyst's name.

    Args:
        view: None or "team", "mine", or an analyst's name.
        actor: the acting analyst ("mine").
        analysts: who has rated something in the analysis.
        analysis_id: named in the error.
    Returns:
        ``TEAM`` or the analyst's name ("mine" is the actor even before their first rating).
    Raises:
        StoreError: a name of no analyst who rated this analysis (the message lists who did).
    """
    name = TEAM if view is None else " ".join(str(view).split())
    if name.lower() == TEAM:
        return TEAM
    if name.lower() == MINE:
        return actor
    if name not in analysts:
        known = ", ".join(analysts) or "nobody yet"
        raise StoreError(f"analyst {name!r}: has rated nothing in analysis {analysis_id} (rated by: {known})")
    return name


def view_ratings(rated: "pd.DataFrame", view: str | None, actor: str, analysis_id: str) -> "pd.DataFrame":
    """One view's ratings of an analysis.

    Args:
        rated: every analyst's ratings: evidence_id, hypothesis_id, analyst, rating.
        view: see ``resolve_view``.
        actor: the acting analyst.
        analysis_id: named in errors.
    Returns:
        evidence_id, hypothesis_id, rating: one row per cell the view rated.
    """
    analysts = analysts_in(rated)
    chosen = resolve_view(view, actor, analysts, analysis_id)
    columns = ["evidence_id", "hypothesis_id", "rating"]
    if chosen != TEAM:
        return rated.loc[rated["analyst"] == chosen, columns].reset_index(drop=True)
    if len(analysts) <= 1:
        return rated[columns]
    consensus = maths.consensus_ratings(rated.rename(columns={"evidence_id": "evidence",
                                                              "hypothesis_id": "hypothesis"}))
    return consensus.rename(columns={"evidence": "evidence_id", "hypothesis": "hypothesis_id"})
