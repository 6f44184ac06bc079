"""Competing hypotheses in a workspace: analyses, hypotheses, anchored evidence, ratings.

``Analysis`` is the store-backed object an analyst works with; the scoring engines in
``workbench.analysis`` are pure functions over the tidy frame it produces. Its read side
(``_ach_read``) and write side (``_ach_write``) live in their own modules on a shared core
(``_ach_base``); the checks of typed values are in ``_ach_values``; several analysts' views
and the team's are in ``_ach_team``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._ach_team import AnalysisTeam
from ._indicators import AnalysisIndicators
from ._ach_values import FLAGS, RATINGS, WEIGHTS, _clean_name, normalise_rating
from ._ach_write import AnalysisWriting
from ..errors import StoreError
from ..store import new_id, now
from ..store.analyses import find_analysis_by_question
from ..store.changes import ChangeSet

if TYPE_CHECKING:
    from .core import Workspace

__all__ = ["Analysis", "create_analysis", "RATINGS", "normalise_rating", "WEIGHTS", "FLAGS"]


class Analysis(AnalysisIndicators, AnalysisTeam, AnalysisWriting):
    """One question with its competing hypotheses and evidence, stored in a workspace.

    Obtain one with ``ws.new_analysis(...)`` or ``ws.analysis(id)``.
    """


def create_analysis(ws: "Workspace", question: str, hypotheses: Iterable[str] = (), *,
                    time_horizon: str | None = None, classification: str | None = None,
                    other: bool = False, exist_ok: bool = False) -> Analysis:
    """Create an analysis with its hypotheses in one change; ``other`` adds "None of these";
    ``exist_ok`` returns the analysis already asking the same question instead."""
    question = _clean_name(question, "question")
    if exist_ok:
        with ws.store.read() as conn:
            found = find_analysis_by_question(conn, question)
        if found:
            return Analysis(ws, found)
    names = [_clean_name(h, "hypothesis name") for h in hypotheses]
    if len(set(names)) != len(names):
        raise StoreError("hypotheses: names must be distinct")
    if other:
        names.append("None of these")
    aid = new_id()
    stamp = now()
    with ws.store.transaction() as conn:
        change = ChangeSet(conn, aid, f"create analysis {question[:60]!r}")
        change.insert("analyses", {"id": aid, "question": question, "time_horizon": time_horizon,
                                   "classification": classification, "created_by": ws.actor,
                                   "created_at": stamp, "updated_at": stamp})
        for position, name in enumerate(names, 1):
            change.insert("hypotheses", {"id": new_id(), "analysis_id": aid, "name": name, "description": None,
                                         "position": position, "is_other": int(other and position == len(names))})
        change.commit(ws.actor)
    return Analysis(ws, aid)
