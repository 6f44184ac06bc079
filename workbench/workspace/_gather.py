"""What the report and the matrix view are drawn from: the workspace side runs the queries and the
engines, ``render.views`` turns the frames and scores into plain dicts, ``render`` writes HTML.

Each analysis is scored once for the report: the linchpins and leaders of the sensitivity
section come from the one leave-one-out ``score`` runs, not from a second run.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .. import __version__
from .. import analysis as maths  # a lazy package: engines and charts load on first use
from .._story_evidence import copy_passages
from ..render._report_view import report_view
from ..render.views import matrix_view
from ..store import now
from ..store import schema as s

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .ach import Analysis
    from .core import Workspace

__all__ = ["report_data", "analysis_facts", "matrix_data", "MONTE_CARLO_DRAWS", "CHART_ROWS"]

MONTE_CARLO_DRAWS = 2000   # enough for ±1 percentage point on P(first); keeps the report fast
CHART_ROWS = 40            # the matrix chart shows the most diagnostic items only


def report_data(ws: "Workspace", *, title: str | None = None, analyses: list[str] | None = None) -> dict[str, Any]:
    """Gather everything the report shows and turn it into plain, JSON-able data.

    Args:
        ws: the workspace.
        title: the page title (default: the first analysis's question, else the workspace name).
        analyses: ids (or unique prefixes) of the analyses to include (default: all).

    Returns:
        The dict ``render.report.build_report`` formats (see ``_report_view.report_view``).
    """
    articles = ws.articles
    mentions = ws.entities()
    chosen = [ws.analysis(a) for a in (analyses if analyses is not None else list(ws.analyses["id"]))]
    facts = [analysis_facts(analysis) for analysis in chosen]
    with ws.store.read() as conn:
        texts = dict(conn.execute(select(s.articles.c.id, s.articles.c.text)).all())
        copied = copy_passages(conn, analysis_ids=[a.id for a in chosen])
    copies = [{"evidence_id": p.evidence_id, "article_id": p.article_id, "start": p.start, "end": p.end,
               "method": p.method, "score": p.score, "tagged_in": p.tagged_in}
              for found in copied.values() for p in found]
    return report_view(title=title, workspace=Path(ws.location).name, actor=ws.actor, written=now(),
                       version=__version__, fingerprint=_fingerprint(ws, articles), articles=articles, texts=texts,
                       mentions=mentions, sources=ws.sources, analyses=facts, copies=copies, draws=MONTE_CARLO_DRAWS)


def analysis_facts(analysis: "Analysis") -> dict[str, Any]:
    """One read of an analysis and one run of each engine: what its report section is drawn from.

    Args:
        analysis: the analysis.

    Returns:
        {"id", "info", "hypotheses", "evidence", "frame", "scores" (``Scores.to_dict()``, with the
        linchpins), "carlo", "moves", "charts"}; the engines' parts are None when nothing is scored.
    """
    info = analysis.info
    settings = analysis.scoring_options(info)
    override = settings.pop("confidence")
    hypotheses = analysis.hypotheses
    names = list(hypotheses["name"])
    evidence, frame = analysis.views()  # every engine below works on this frame
    facts: dict[str, Any] = {"id": analysis.id, "info": info, "hypotheses": hypotheses, "evidence": evidence,
                             "frame": frame, "scores": None, "carlo": None, "moves": None, "charts": []}
    if not len(evidence) or not names:
        return facts
    scored = maths.score(frame, hypotheses=names, confidence=override, **settings)  # leave-one-out runs here, once
    facts["scores"] = scored.to_dict()
    facts["carlo"] = maths.monte_carlo(frame, draws=MONTE_CARLO_DRAWS, seed=0, hypotheses=names, **settings).to_dict()
    facts["moves"] = maths.rating_perturbation(frame, hypotheses=names, **settings)
    facts["charts"] = _charts(frame, names, scored)
    return facts


def matrix_data(analysis: "Analysis", *, views: tuple[Any, Any] | None = None,
                scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """The matrix widget's data: one read of the analysis, scored, as ``render.views.matrix_view``.

    Args:
        analysis: the analysis.
        views: ``analysis.views()`` when the caller already has them.
        scores: ``score(frame).to_dict()`` when the caller already has it.

    Returns:
        The matrix view (hypotheses and scores keyed by hypothesis id).
    """
    hypotheses = analysis.hypotheses
    evidence, _ = views if views is not None else analysis.views()
    if scores is None and len(evidence) and len(hypotheses):
        scores = analysis.score().to_dict()
    return matrix_view(hypotheses, evidence, scores)


def _charts(frame: "pd.DataFrame", names: list[str], scored: "maths.Scores") -> list[tuple[str, "Figure"]]:
    """The report's charts of one analysis, as (caption, matplotlib Figure)."""
    figures = [
        ("Matrix, most diagnostic evidence first", maths.matrix_chart(frame, hypotheses=names, max_rows=CHART_ROWS)),
        ("Scores per engine", maths.scores_chart(scored)),
        ("Sensitivity: the leader's margin over its best rival when each item is removed or re-rated",
         maths.tornado_chart(frame)),
    ]
    if frame["date"].notna().any():
        figures.append(("Evidence over time, by stance on each hypothesis", maths.timeline_chart(frame, hypotheses=names)))
    return figures


def _fingerprint(ws: "Workspace", articles: "pd.DataFrame") -> str:
    """Changes whenever any article, evidence or correction changes: the audit log only grows."""
    digest = hashlib.sha256()
    for ident in articles["id"]:
        digest.update(ident.encode())
    history = ws.history(limit=1)
    if len(history):
        digest.update(str(history.iloc[0]["id"]).encode())
    return digest.hexdigest()[:12]
