"""The ACH matrix as a static, escaped HTML table, drawn from ``views.matrix_view``: the matrix
widget's static view and the report's matrix (no anywidget here, so the report does not load it)."""
from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .views import confidence_line

__all__ = ["render_matrix_html"]


def render_matrix_html(data: Mapping[str, Any]) -> str:
    """The matrix as a static, escaped HTML table (shared by the matrix widget and the report).

    Args:
        data: a ``views.matrix_view`` dict (scores already formatted).

    Returns:
        A ``wb-static wb-matrix-static`` box with the table and the summary line.
    """
    hyps = data.get("hypotheses", [])
    head = "".join(f'<th title="{escape(h["name"])}">{escape(h["label"])}<div class="wb-hyp-title">{escape(h["name"])}</div></th>'
                   for h in hyps)
    body = []
    for row in data.get("rows", []):
        marks = ("★ " if row["linchpin"] else "") + ("⚠ " if "deception" in row["flags"] else "")
        badge = '<span class="wb-badge">copy</span> ' if row["copy"] else ""
        cells = "".join(f'<td class="wb-cell wb-r-{escape(r)}">{escape("" if r == "NA" else r)}</td>'
                        for r in row["ratings"])
        grade = f'{row["reliability"] or "–"}{row["info_credibility"] or ""}'
        body.append(f'<tr><th scope="row" class="wb-ev-cell"><span class="wb-ev-label">{escape(marks + row["label"])}</span> '
                    f'{badge}<span class="wb-ev-text">{escape(row["text"])}</span></th><td>{escape(row["credibility"][0])}</td>'
                    f'<td>{escape(row["relevance"][0])}</td><td>{escape(grade)}</td>{cells}</tr>')
    foot = []
    for engine in data.get("engines", []):
        tds = []
        for h in hyps:
            leader = " wb-leader" if h["id"] in engine["leaders"] else ""
            words = engine["words"].get(h["id"], "")
            spread = engine["spread"].get(h["id"])
            spread_html = f'<div class="wb-range">{escape(spread)}</div>' if spread else ""
            tds.append(f'<td class="wb-score{leader}" title="{escape(engine["titles"].get(h["id"], ""))}">'
                       f'{escape(engine["shown"].get(h["id"], ""))}'
                       f'{f"<div class=wb-words>{escape(words)}</div>" if words else ""}'
                       f'{spread_html}</td>')
        origins = engine.get("origins")
        origin_note = "" if origins is None else (
            f'<div class="wb-origins{" wb-warning" if engine.get("single_origin") else ""}">'
            f'{origins} independent origin{"" if origins == 1 else "s"} support the leader'
            f'{" — rests on a single origin" if engine.get("single_origin") else ""}</div>')
        foot.append(f'<tr><th colspan="4" scope="row">{escape(engine["title"])}{origin_note}</th>{"".join(tds)}</tr>')
    summary = " · ".join(x for x in (confidence_line(data), data.get("assumption"), data.get("disagreement"),
                                     data.get("independence")) if x)
    return ('<div class="wb-static wb-matrix-static"><table class="wb-table wb-matrix-table"><thead><tr><th>Evidence</th>'
            f'<th>Cred.</th><th>Rel.</th><th>Grade</th>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            f'<tfoot>{"".join(foot)}</tfoot></table>'
            f'{f"<p class=wb-matrix-summary>{escape(summary)}</p>" if summary else ""}</div>')
