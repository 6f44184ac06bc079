"""The report's analysis sections as escaped HTML: standing, matrix, charts, sensitivity, evidence.

Plain data in (``_report_view.analysis_view``), escaped HTML out. Charts arrive as inline SVG.
"""
from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from ..analysis.scales import INFO_CREDIBILITY_GRADES, RATING_NAMES, RELIABILITY_ORDER, WEIGHT_LEVELS
from .matrix import render_matrix_html
from .tables import table_html

__all__ = ["analysis_section"]


def analysis_section(view: Mapping[str, Any]) -> str:
    """Everything the report says about one analysis.

    Args:
        view: an ``analysis_view`` dict.

    Returns:
        A ``<section class="wb-analysis">``.
    """
    parts = [f'<section class="wb-analysis" id="analysis-{escape(view["id"])}">',
             f"<h2>{escape(view['question'])}</h2>",
             f'<p class="wb-provenance">{escape(view["meta"])}</p>']
    if not view["scored"]:
        parts.append("<p>No evidence has been tagged yet.</p></section>")
        return "".join(parts)
    parts.append(_standing(view["standing"]))
    parts.append("<h3>Matrix</h3>" + render_matrix_html(view["matrix"]))
    parts.append(_legend_note())
    parts.append(_charts(view["charts"]))
    parts.append(_sensitivity(view["sensitivity"]))
    parts.append(_evidence_list(view["evidence"]))
    parts.append("</section>")
    return "".join(parts)


def _standing(view: Mapping[str, Any]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for label in view["engines"])
    rows = []
    for row in view["rows"]:
        cells = []
        for cell in row["cells"]:
            wording = ""
            if cell["words"] is not None:
                wording += f'<div class="wb-words">{escape(cell["words"])}</div>'
            if cell["range"] is not None:
                wording += f'<div class="wb-range">{escape(cell["range"])}</div>'
            if cell["robustness"] is not None:
                wording += f'<div class="wb-pfirst">{escape(cell["robustness"])}</div>'
            lead = " wb-leader" if cell["leader"] else ""
            cells.append(f'<td class="wb-score{lead}">{escape(cell["shown"])}{wording}</td>')
        rows.append(f"<tr><th scope=\"row\">{escape(row['name'])}</th>{''.join(cells)}</tr>")
    single = '<br><strong class="wb-warning">⚠ rests on a single origin</strong>'
    foot = "".join(f"<td>{int(o['count'])} independent origin(s) support the leader{single if o['single'] else ''}</td>"
                   for o in view["origins"])
    # the words come from each engine's actual leaders (agree on one, agree on a tie, or differ)
    note = f'<p class="{"wb-agree" if view["agree"] else "wb-warning"}">{escape(view["leaders"])}</p>'
    confidence = view["confidence"]
    if confidence:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in confidence["reasons"])
        note += (f'<div class="wb-confidence wb-confidence-{escape(confidence["level"])}"><p><strong>'
                 f'{escape(confidence["head"])}</strong></p><ul>{reasons}</ul></div>')
    for extra in (view["dependence"], view["independence"]):
        if extra:
            note += f'<p class="wb-note">{escape(extra)}</p>'
    # the heading travels with its first block (print: never alone at a page foot)
    return (f'<div class="wb-keep"><h3>Where the hypotheses stand</h3>{note}</div>'
            f'<table class="wb-table wb-sortable wb-small"><thead><tr><th>Hypothesis</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody><tfoot><tr><th scope=\"row\">Origins</th>{foot}</tr>"
            f"</tfoot></table>")


def _legend_note() -> str:
    # the words come from analysis.scales, the one home of the scale
    ratings = " · ".join(f"{code} {name}" for code, name in RATING_NAMES.items() if code != "NA")
    grades, infos = RELIABILITY_ORDER, list(INFO_CREDIBILITY_GRADES)
    text = (f"Ratings: {ratings} · blank {RATING_NAMES['NA']}. Weights: credibility / relevance "
            f"{', '.join(reversed(WEIGHT_LEVELS))}. Grade: source reliability {grades[0]}–{grades[-1]} and information "
            f"credibility {infos[0]}–{infos[-1]} (Admiralty). ★ linchpin: removing it changes the leader. "
            "⚠ possible deception.")
    return f'<p class="wb-note">{escape(text)} <span class="wb-badge">copy</span> from a syndicated copy.</p>'



def _charts(charts: list[Mapping[str, str]]) -> str:
    # the SVG is matplotlib's own markup, which escapes the text it draws
    blocks = [f'<figure class="wb-chart">{c["svg"]}<figcaption>{escape(c["caption"])}</figcaption></figure>'
              for c in charts]
    if not blocks:
        return ""
    # the heading travels with the first chart (print: never alone at a page foot)
    return f'<div class="wb-charts"><div class="wb-keep"><h3>Charts</h3>{blocks[0]}</div>{"".join(blocks[1:])}</div>'


def _sensitivity(view: Mapping[str, Any]) -> str:
    moves = view["moves"]
    if moves is None:
        flips = "<p>No single one-step rating change moves the leader.</p>"
    else:
        more = f"<p>{escape(moves['more'])}</p>" if moves.get("more") else ""
        flips = f"<h4>One-step rating changes that would change the leader</h4>{table_html(moves)}{more}"
    return f'<div class="wb-keep"><h3>Sensitivity and linchpins</h3>{table_html(view["linchpins"])}</div>{flips}'


def _evidence_list(items: list[Mapping[str, Any]]) -> str:
    out = []
    for item in items:
        if item["quote"] is not None:
            link = f' <a href="#{escape(item["anchor"])}">in the article</a>' if item["anchor"] else ""
            body = (f'<blockquote class="wb-quote">“{escape(item["quote"])}”</blockquote>'
                    f'<p class="wb-src">{escape(item["source"])}{link}{escape(item["where"])}</p>')
        else:
            body = f'<p class="wb-freestanding"><strong>{escape(item["kind"])}:</strong> {escape(item["text"])}</p>'
        note = f'<p class="wb-note">{escape(item["note"])}</p>' if item["note"] else ""
        out.append(f'<li id="evidence-{escape(item["id"])}" data-search="{escape(item["search"])}">'
                   f'<span class="wb-ev-label">{escape(item["label"])}</span> {body}{note}'
                   f'<p class="wb-meta">{escape(item["meta"])}</p></li>')
    return ('<h3>Evidence</h3><p class="wb-filter-box" hidden><input type="search" data-filter="evidence" '
            f'placeholder="filter evidence…" aria-label="filter evidence"></p><ol class="wb-evidence-list" '
            f'data-list="evidence">{"".join(out)}</ol>')
