"""The report's team section: who rated an analysis, each analyst's leading hypothesis, the
cells where they differ most and the evidence that splits them.

``team_view`` turns the gathered disagreement records (``analysis.team.Disagreements.to_dict()``)
into plain data; ``team_section`` writes it as escaped HTML. A one-analyst analysis has no
team section (its meta line says "one analyst").
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["team_view", "team_section", "analysts_line", "CELLS_SHOWN", "ITEMS_SHOWN"]

CELLS_SHOWN = 20   # the widest-split cells listed per analysis (the rest are counted)
ITEMS_SHOWN = 15   # the evidence items that split the team, listed per analysis


def analysts_line(analysts: Sequence[str]) -> str:
    """Who rated the matrix, for the analysis's meta line: "one analyst (ana)", "3 analysts: …".

    Args:
        analysts: the analysts who rated something, in name order.
    """
    if not analysts:
        return "no ratings yet"
    if len(analysts) == 1:
        return f"one analyst ({analysts[0]})"
    return f"{len(analysts)} analysts: {', '.join(analysts)} (the matrix shows their consensus)"


def team_view(*, analysis_id: str, question: str, analysts: Sequence[str], disagreements: Mapping[str, Any],
              hypotheses: Sequence[str], evidence_ids: Mapping[str, str],
              engines: Mapping[str, str]) -> dict[str, Any] | None:
    """The team section of one analysis, as plain data (None with fewer than two analysts).

    Args:
        analysis_id: the analysis (the section's anchor).
        question: its question (the section's heading).
        analysts: who rated, in name order.
        disagreements: ``Disagreements.to_dict()`` ({"cells", "items", "leaders"} records;
            evidence by E-label, hypotheses by name).
        hypotheses: hypothesis names in order (shown as "H2 name").
        evidence_ids: E-label -> evidence id (links to the evidence list).
        engines: engine name -> its label ("PARC", …), in the order shown.

    Returns:
        {"id", "question", "analysts", "leaders": [{analyst, rated, leader, engines: [(label, leaders)]}],
        "agree" (the one hypothesis every analyst leads with, or None), "cells": [{evidence,
        href, hypothesis, spread, consensus, votes: [(analyst, rating)]}], "cells_more",
        "items": [{evidence, href, total, widest, split, leaders}], "items_more"}.
    """
    if len(analysts) < 2:
        return None
    label = {name: f"H{i + 1} {name}" for i, name in enumerate(hypotheses)}
    leaders = [{"analyst": str(row["analyst"]), "rated": int(row["rated"]), "leader": label.get(row["leader"], row["leader"]),
                "engines": [(title, " = ".join(label.get(h, h) for h in str(row.get(name) or "").split(" = ") if h))
                            for name, title in engines.items()]}
               for row in disagreements["leaders"]]
    firsts = {row["leader"] for row in leaders}
    cells = [{"evidence": row["evidence"], "href": _href(evidence_ids, row["evidence"]),
              "hypothesis": label.get(row["hypothesis"], row["hypothesis"]), "spread": _steps(row["spread"]),
              "consensus": row["consensus"] or "",
              "votes": [(a, row.get(a)) for a in analysts if row.get(a) is not None]}
             for row in disagreements["cells"][:CELLS_SHOWN]]
    items = [{"evidence": row["evidence"], "href": _href(evidence_ids, row["evidence"]),
              "total": _steps(row["total_spread"]), "widest": _steps(row["max_spread"]), "split": int(row["split_cells"]),
              "leaders": ", ".join(label.get(h, h) for h in row["splits_leaders"])}
             for row in disagreements["items"][:ITEMS_SHOWN]]
    return {"id": analysis_id, "question": question, "analysts": list(analysts), "leaders": leaders,
            "agree": next(iter(firsts)) if len(firsts) == 1 else None,
            "cells": cells, "cells_more": max(0, len(disagreements["cells"]) - CELLS_SHOWN),
            "items": items, "items_more": max(0, len(disagreements["items"]) - ITEMS_SHOWN)}


def _href(ids: Mapping[str, str], label: str) -> str | None:
    return f"#evidence-{ids[label]}" if label in ids else None


def _steps(value: Any) -> str:
    """A spread on the 1–5 vote scale: whole steps shown without decimals."""
    number = float(value or 0)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


def team_section(view: Mapping[str, Any] | None) -> str:
    """The team section of one analysis as escaped HTML ("" when there is none).

    Args:
        view: a ``team_view`` dict, or None.

    Returns:
        A ``<section class="wb-team">``.
    """
    if not view:
        return ""
    names = ", ".join(view["analysts"])
    parts = [f'<section class="wb-team" id="team-{escape(view["id"])}">',
             f"<h2>The team on: {escape(view['question'])}</h2>",
             f'<p class="wb-provenance">{len(view["analysts"])} analysts rated this matrix: {escape(names)}. '
             "The matrix above shows their consensus: in each cell the mean of their votes, rounded (N/A where "
             "N/A votes outnumber the others); Open Synthesis scores the unrounded mean, PARC and the "
             "Bayesian view read the consensus.</p>", _leaders(view), _cells(view), _items(view), "</section>"]
    return "".join(parts)


def _leaders(view: Mapping[str, Any]) -> str:
    if view["agree"]:
        head = f'<p class="wb-agree">Every analyst leads with {escape(view["agree"])}.</p>'
    else:
        head = '<p class="wb-warning"><strong>The analysts lead with different hypotheses.</strong></p>'
    rows = []
    for row in view["leaders"]:
        engines = " · ".join(f"{title}: {leaders}" for title, leaders in row["engines"])
        rows.append(f'<li><strong>{escape(row["analyst"])}</strong> ({row["rated"]} cells rated) leads with '
                    f'<strong>{escape(row["leader"])}</strong><div class="wb-note">{escape(engines)}</div></li>')
    return f'<h3>Each analyst\'s leading hypothesis</h3>{head}<ul class="wb-team-leaders">{"".join(rows)}</ul>'


def _evidence_link(row: Mapping[str, Any]) -> str:
    text = escape(row["evidence"])
    return f'<a href="{escape(row["href"])}">{text}</a>' if row["href"] else text


def _cells(view: Mapping[str, Any]) -> str:
    if not view["cells"]:
        return "<h3>Where the analysts differ</h3><p>Every cell rated by more than one analyst has one rating.</p>"
    rows = []
    for row in view["cells"]:
        votes = " ".join(f'<span class="wb-vote">{escape(a)} <span class="wb-cell wb-r-{escape(r)}">{escape(r)}</span></span>'
                         for a, r in row["votes"])
        rows.append(f'<tr><th scope="row">{_evidence_link(row)}</th><td>{escape(row["hypothesis"])}</td>'
                    f'<td class="wb-num">{escape(row["spread"])}</td>'
                    f'<td><span class="wb-cell wb-r-{escape(row["consensus"])}">{escape(row["consensus"])}</span></td>'
                    f"<td>{votes}</td></tr>")
    more = f'<p class="wb-note">… and {view["cells_more"]} more cells rated differently.</p>' if view["cells_more"] else ""
    return ('<h3>Where the analysts differ most</h3><p class="wb-note">Spread: the highest minus the lowest rating on '
            "the 1–5 scale (II 1 … CC 5, not applicable left out).</p>"
            '<table class="wb-table wb-team-cells"><thead><tr><th>Evidence</th><th>Hypothesis</th><th>Spread</th>'
            f'<th>Consensus</th><th>Who said what</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{more}')


def _items(view: Mapping[str, Any]) -> str:
    if not view["items"]:
        return ""
    rows = [f'<tr><th scope="row">{_evidence_link(row)}</th><td class="wb-num">{escape(row["total"])}</td>'
            f'<td class="wb-num">{escape(row["widest"])}</td><td class="wb-num">{row["split"]}</td>'
            f'<td>{escape(row["leaders"]) or "–"}</td></tr>' for row in view["items"]]
    more = f'<p class="wb-note">… and {view["items_more"]} more items.</p>' if view["items_more"] else ""
    return ('<h3>The evidence that splits the team</h3><table class="wb-table wb-team-items"><thead><tr>'
            "<th>Evidence</th><th>Total spread</th><th>Widest</th><th>Cells split</th>"
            "<th>Supports and refutes a leader</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>{more}')
