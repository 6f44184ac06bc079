"""What the report and the matrix view are drawn from: the workspace side runs the queries and the
engines, ``render.views`` turns the frames and scores into plain dicts, ``render`` writes HTML.

Each analysis is scored once for the report: the linchpins and leaders of the sensitivity
section come from the one leave-one-out ``score`` runs, not from a second run.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .. import analysis as maths  # a lazy package: engines and charts load on first use
from .._story_evidence import copy_passages
from ..render._report_team import analysts_line, team_view
from ..render._report_view import report_view
from ..render.views import matrix_view, view_choice
from ._ach_state import AnalysisState
from ._ach_views import TEAM, resolve_view
from ..store import now
from ..store.analyses import analysis_row
from ..store.articles import all_texts
from ..store.indicators import ALERT_COLUMNS, LAST_REPORT, get_setting, list_alerts, precise_now, with_passages

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .ach import Analysis
    from .core import Workspace

__all__ = ["report_data", "new_alerts_view", "REPORT_ALERTS", "analysis_facts", "matrix_data", "cell_votes", "MONTE_CARLO_DRAWS", "CHART_ROWS"]

MONTE_CARLO_DRAWS = 2000   # enough for ±1 percentage point on P(first); keeps the report fast
CHART_ROWS = 40            # the matrix chart shows the most diagnostic items only
REPORT_ALERTS = 100        # alerts the report quotes in full; it counts the rest (`workbench alerts` lists them)


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
        texts = all_texts(conn)
        copied = copy_passages(conn, analysis_ids=[a.id for a in chosen])
        alerts = new_alerts_view(conn, [a.id for a in chosen])
    copies = [{"evidence_id": p.evidence_id, "article_id": p.article_id, "start": p.start, "end": p.end,
               "method": p.method, "score": p.score, "tagged_in": p.tagged_in}
              for found in copied.values() for p in found]
    data = report_view(title=title, workspace=Path(ws.location).name, actor=ws.actor, written=now(),
                       version=__version__, fingerprint=_fingerprint(ws, articles), articles=articles, texts=texts,
                       mentions=mentions, sources=ws.sources, analyses=facts, copies=copies, draws=MONTE_CARLO_DRAWS)
    data["new_alerts"] = alerts
    for view, found in zip(data["analyses"], facts):
        view["meta"] += f" · {analysts_line(found['analysts'])}"
        view["team"] = _team(found)
    return data


def new_alerts_view(conn: Any, analysis_ids: list[str]) -> dict[str, Any]:
    """The report's "New since the last report" data: the alerts of these analyses created after
    the previous report was written (every alert when none was), in any status.

    Args:
        conn: a workspace connection.
        analysis_ids: the analyses the report shows.
    Returns:
        {"since": the previous report's time or None, "as_of": now (stored by ``Workspace.report``
        once written), "alerts": plain dicts (see ``render._report_alerts.alerts_section``), the
        oldest ``REPORT_ALERTS``, "more": how many more there are}.
    """
    as_of = precise_now()
    since = get_setting(conn, LAST_REPORT)
    wanted = set(analysis_ids)
    questions = {}
    alerts = []
    # the passages found for the chosen analyses' alerts only (each article's text split once)
    rows = [row for row in list_alerts(conn, status=None, since=since, passages=False)
            if row[ALERT_COLUMNS.index("analysis_id")] in wanted]
    for row in with_passages(conn, rows[:REPORT_ALERTS]):
        alert = dict(zip(ALERT_COLUMNS, row))
        if alert["analysis_id"] not in questions:
            info = analysis_row(conn, alert["analysis_id"])
            questions[alert["analysis_id"]] = info["question"] if info else ""
        alerts.append({key: alert[key] for key in ("id", "hypothesis", "rating", "query", "article_id", "title",
                                                   "source", "passage", "created_at", "status")}
                      | {"question": questions[alert["analysis_id"]]})
    return {"since": since, "as_of": as_of, "alerts": alerts, "more": max(0, len(rows) - REPORT_ALERTS)}


def _team(facts: dict[str, Any]) -> dict[str, Any] | None:
    """The team section's view of one analysis (None with fewer than two analysts or nothing scored)."""
    if facts["team"] is None or facts["scores"] is None:
        return None
    evidence = facts["evidence"]
    return team_view(analysis_id=facts["id"], question=facts["info"]["question"], analysts=facts["analysts"],
                     disagreements=facts["team"], hypotheses=list(facts["hypotheses"]["name"]),
                     evidence_ids=dict(zip(evidence["label"], evidence["id"])),
                     engines={name: engine["label"] for name, engine in facts["scores"]["engines"].items()})


def analysis_facts(analysis: "Analysis") -> dict[str, Any]:
    """One read of an analysis and one run of each engine: what its report section is drawn from.

    Args:
        analysis: the analysis.

    Returns:
        {"id", "info", "hypotheses", "evidence", "frame", "scores" (``Scores.to_dict()``, with the
        linchpins), "carlo", "moves", "charts", "analysts", "votes" (``cell_votes``, with several
        analysts), "team" (``Disagreements.to_dict()``, with several analysts)}; the engines' parts
        are None when nothing is scored. Evidence, frame and scores are the team's view.
    """
    state = analysis.state()   # one read: the team's view, and every analyst's ratings for the team section
    info = state.info
    settings = state.scoring_options()
    override = settings.pop("confidence")
    hypotheses = state.hypotheses
    names = list(hypotheses["name"])
    evidence, frame = state.views()  # the team's consensus (one analyst's own ratings when alone)
    analysts = state.analysts()
    team = len(analysts) > 1
    facts: dict[str, Any] = {"id": analysis.id, "info": info, "hypotheses": hypotheses, "evidence": evidence,
                             "frame": frame, "scores": None, "carlo": None, "moves": None, "charts": [],
                             "analysts": analysts, "votes": cell_votes(state) if team else None, "team": None}
    if not len(evidence) or not names:
        return facts
    if team:   # Open Synthesis on the analysts' mean votes, the other engines on their consensus
        long_frame = state.long_frame()
        scored = maths.team_score(long_frame, hypotheses=names, confidence=override, **settings)
        facts["team"] = maths.disagreements(long_frame, hypotheses=names, **settings).to_dict()
    else:
        scored = maths.score(frame, hypotheses=names, confidence=override, **settings)  # leave-one-out runs here, once
    facts["scores"] = scored.to_dict()
    facts["carlo"] = maths.monte_carlo(frame, draws=MONTE_CARLO_DRAWS, seed=0, hypotheses=names, **settings).to_dict()
    facts["moves"] = maths.rating_perturbation(frame, hypotheses=names, **settings)
    facts["charts"] = _charts(frame, names, scored)
    return facts


def matrix_data(analysis: "Analysis | AnalysisState", *, view: str | None = None,
                scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """The matrix widget's data: one read of the analysis, scored, as ``render.views.matrix_view``.

    Args:
        analysis: the analysis, or a state of it already read (``Analysis.state()``).
        view: whose ratings: "team" (None, the default), "mine" or an analyst's name.
        scores: ``score(view).to_dict()`` when the caller already has it.

    Returns:
        The matrix view (hypotheses and scores keyed by hypothesis id) with ``view`` (see
        ``views.view_choice``); the team view's rows carry ``disputes`` when several analysts rated.

    Raises:
        StoreError: a view naming no analyst of this analysis.
    """
    state = analysis if isinstance(analysis, AnalysisState) else analysis.state()
    asked = "team" if view is None else view
    analysts = state.analysts()
    shown = resolve_view(asked, state.actor, analysts, state.id)
    evidence = state.evidence_view(asked)
    if scores is None and len(evidence) and len(state.hypotheses):
        scores = state.score(asked).to_dict()
    votes = cell_votes(state) if shown == TEAM and len(analysts) > 1 else None
    data = matrix_view(state.hypotheses, evidence, scores, votes)
    data["view"] = view_choice(asked, shown, state.actor, analysts)
    return data


def cell_votes(state: "AnalysisState") -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Every analyst's rating of each rated cell: (evidence id, hypothesis id) -> [(analyst, rating)]."""
    votes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    rated = state.rated
    for eid, hid, analyst, rating in zip(rated["evidence_id"], rated["hypothesis_id"], rated["analyst"], rated["rating"]):
        votes.setdefault((eid, hid), []).append((str(analyst), str(rating)))
    return votes


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
