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
        data: a ``views.matrix_view`` dict (scores already formatted). Each evidence item shows its
            whole text (``full_text`` where the view cut ``text``), wrapped (static.css).

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
        disputes = row.get("disputes") or {}
        cells = "".join(_cell(r, disputes.get(h["id"])) for r, h in zip(row["ratings"], hyps))
        grade = f'{row["reliability"] or "–"}{row["info_credibility"] or ""}'
        body.append(f'<tr><th scope="row" class="wb-ev-cell"><span class="wb-ev-label">{escape(marks + row["label"])}</span> '
                    f'{badge}<span class="wb-ev-text">{escape(row.get("full_text") or row["text"])}</span></th><td>{escape(row["credibility"][0])}</td>'
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
    caption = (data.get("view") or {}).get("caption")
    caption_html = f'<p class="wb-view-caption">{escape(caption)}</p>' if caption else ""
    summary = " · ".join(x for x in (confidence_line(data), data.get("assumption"), data.get("disagreement"),
                                     data.get("independence")) if x)
    return (f'<div class="wb-static wb-matrix-static">{caption_html}<table class="wb-table wb-matrix-table"><thead><tr><th>Evidence</th>'
            f'<th>Cred.</th><th>Rel.</th><th>Grade</th>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            f'<tfoot>{"".join(foot)}</tfoot></table>'
            f'{f"<p class=wb-matrix-summary>{escape(summary)}</p>" if summary else ""}</div>')


def _cell(rating: str, dispute: Mapping[str, Any] | None) -> str:
    """One rating cell; in the team view a cell the analysts rated differently names who said what,
    and one they split on (``views.SPLIT_SPREAD`` steps or more apart) is marked ≠."""
    shown = escape("" if rating == "NA" else rating)
    if not dispute:
        return f'<td class="wb-cell wb-r-{escape(rating)}">{shown}</td>'
    split = " wb-split" if dispute["split"] else ""
    mark = '<span class="wb-split-mark" aria-label="the analysts split">≠</span>' if dispute["split"] else ""
    title = f'consensus {rating}; spread {dispute["spread"]}: {dispute["who"]}'
    return f'<td class="wb-cell wb-r-{escape(rating)}{split}" title="{escape(title)}">{shown}{mark}</td>'
