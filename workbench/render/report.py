"""The self-contained HTML report: one file, no external requests, readable with scripts off.

Sections: provenance; for each analysis its question, where the hypotheses stand under each
engine (ICD 203 wording), the matrix, charts (inline SVG), sensitivity and linchpins, and the
evidence linked to its passage; sources with Admiralty grades and syndicated copies; the
articles with entities highlighted and evidence underlined; an entity index; a method note.

Plain data in: the dict of ``_report_view.report_view`` (the workspace gathers it, see
``Workspace.report_data``); escaped HTML out. Nothing here reads a workspace.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from .._paths import atomic_write, check_output
from ..analysis.formats import format_range
from ..analysis.icd203 import ICD203_BANDS
from ..analysis.scales import (BAYES_LIKELIHOODS, INFO_CREDIBILITY_GRADES, PARC_VALUES, RATING_NAMES,
                               RELIABILITY_GRADES)
from ._report_alerts import ALERTS_ANCHOR, alerts_section
from ._report_analysis import analysis_section
from ._report_team import team_section
from ._report_view import follow_class
from .article import article_html, base_css, label_styles
from .assets import asset, content_security_policy
from .tables import table_html

__all__ = ["write_report", "build_report", "underline_legend", "underline_css", "UNDERLINE_COLOURS"]

#: The colour of an evidence underline by the evidence's stance on the hypothesis it follows.
UNDERLINE_COLOURS = {"support": "#1a9850", "refute": "#d73027", "neutral": "#8c8c8c", "none": "#8c8c8c"}
#: What each colour means, in the legend (ratings from analysis.scales).
_STANCE_WORDS = (("support", "supports it", ("C", "CC")), ("refute", "refutes it", ("I", "II")),
                 ("neutral", "neither", ("N", "NA")))

# Progressive enhancement only: sort tables, filter the evidence list. The page reads fully
# without it; the CSP allows exactly this script (by hash) and nothing else.
_SCRIPT = """
(function () {
  for (const box of document.querySelectorAll('.wb-filter-box')) box.hidden = false;
  for (const input of document.querySelectorAll('input[data-filter]')) {
    const list = document.querySelector('[data-list="' + input.dataset.filter + '"]');
    input.addEventListener('input', function () {
      const q = input.value.trim().toLowerCase();
      for (const item of list.children) item.hidden = q !== '' && !item.textContent.toLowerCase().includes(q);
    });
  }
  for (const table of document.querySelectorAll('table.wb-sortable')) {
    table.querySelectorAll('thead th').forEach(function (th, column) {
      th.tabIndex = 0;
      th.classList.add('wb-sort-handle');
      let descending = false;
      const sort = function () {
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = function (row) { const c = row.cells[column]; return c ? c.textContent.trim() : ''; };
        rows.sort(function (a, b) {
          const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
          const r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return descending ? -r : r;
        });
        descending = !descending;
        rows.forEach(function (row) { body.appendChild(row); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
    });
  }
})();
"""

_PAGE_CSS = """
body { margin: 0 auto; padding: 1.5rem 1.2rem 4rem; max-width: 62rem; background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1d1d1f; }
.wb-report h1 { font-size: 1.7rem; margin-bottom: .2rem; }
.wb-report h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 2px solid #e3e3e8; padding-bottom: .2rem; }
.wb-report h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.wb-report section { margin: 2rem 0; }
.wb-report .wb-provenance, .wb-report .wb-meta, .wb-report .wb-src { color: #5b5b66; font-size: .82rem; }
.wb-report nav ol { font-size: .9rem; }
.wb-report article.wb-article { border-top: 1px solid #e3e3e8; padding-top: 1rem; margin-top: 1.5rem; max-width: none; }
.wb-report .wb-score { text-align: left; }
.wb-report .wb-words { font-weight: 600; }
.wb-report .wb-pfirst { color: #555; font-size: .78rem; }
.wb-report .wb-range { color: #37474f; font-size: .78rem; }
.wb-report .wb-confidence { border-left: 4px solid #8a4b00; padding: .2rem .8rem; margin: .6rem 0; }
.wb-report .wb-confidence-high { border-color: #2e7d32; }
.wb-report .wb-confidence-moderate { border-color: #f9a825; }
.wb-report .wb-confidence ul { margin: .2rem 0; }
.wb-report .wb-warning { background: #fff4e5; border-left: 4px solid #e08a00; padding: .4rem .6rem; }
.wb-report .wb-agree { background: #eef8f0; border-left: 4px solid #1a9850; padding: .4rem .6rem; }
.wb-report .wb-note { color: #444; font-size: .82rem; }
.wb-report figure.wb-chart { margin: 0 0 1.4rem; }
/* one chart per row at the size it was drawn (charts.MAX_WIDTH_IN fits the column): never shrunk on
   screen, so its text keeps its drawn size; a narrower page (print) shrinks it a little */
.wb-report figure.wb-chart svg { display: block; max-width: 100%; height: auto; }
.wb-report figcaption { font-size: .8rem; color: #555; }
.wb-report .wb-evidence-list li { margin-bottom: .8rem; }
.wb-report .wb-evidence-list blockquote { margin: .2rem 0 .1rem 0; padding-left: .6rem; border-left: 3px solid #ccd; }
.wb-report .wb-ev-label { font-weight: 700; }
.wb-report .wb-sort-handle { cursor: pointer; }
.wb-report .wb-ev { text-decoration-line: underline; text-decoration-thickness: 3px; text-underline-offset: 4px; }
.wb-report .wb-ev-legend { border: 1px solid #e3e3e8; border-radius: 4px; padding: .4rem .8rem; margin: 1rem 0; font-size: .9rem; }
.wb-report .wb-ev-legend p { margin: .3rem 0; }
.wb-report .wb-ev-legend label { display: inline-block; margin-right: 1.2rem; white-space: nowrap; cursor: pointer; }
.wb-report .wb-ev-legend .wb-ev { padding: 0 .2rem; }
.wb-report :target { background: #fff3b0; }
.wb-report mark.wb-ent.wb-cont::after { content: none; }
.wb-report .wb-table th, .wb-report .wb-matrix-table tfoot th, .wb-report .wb-matrix-table tfoot td { position: static; }
.wb-report .wb-matrix-table tbody th, .wb-report .wb-matrix-table tbody td { height: auto; padding: .2rem .4rem; }
.wb-report .wb-matrix-table .wb-ev-cell { white-space: normal; }
.wb-report .wb-method dt { font-weight: 700; margin-top: .5rem; }
@page { size: A4; margin: 16mm 14mm; }
.wb-report .wb-summary { border: 1px solid #e3e3e8; border-radius: 4px; padding: .2rem 1rem .6rem; }
.wb-report .wb-summary h2 { margin-top: .6rem; }
.wb-report .wb-summary-list { list-style: none; padding: 0; }
.wb-report .wb-summary-q { font-weight: 700; font-size: 1.05rem; margin-bottom: .2rem; }
.wb-report .wb-summary-list p { margin: .25rem 0; }
.wb-report .wb-summary-leaders { margin: .1rem 0 .3rem; }
/* print: a heading stays with what follows it; small tables and rows are never cut; long
   tables repeat their heads on each page */
.wb-report h1, .wb-report h2, .wb-report h3, .wb-report h4 { break-after: avoid; }
.wb-report .wb-keep { break-inside: avoid; }
.wb-report thead { display: table-header-group; }
.wb-report table.wb-small, .wb-report tr, .wb-report figure, .wb-report .wb-summary li,
.wb-report .wb-evidence-list li { break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .wb-filter-box { display: none !important; }
  .wb-report article.wb-article, .wb-report section.wb-analysis, .wb-report #sources { break-before: page; }
  .wb-report .wb-ev-legend input { print-color-adjust: exact; }
  .wb-report a { color: inherit; text-decoration: none; }
  .wb-table-box, .wb-matrix-box { max-height: none !important; overflow: visible !important; }
}
@media print and (max-width: 216mm) { @page { size: letter; } }
"""


def build_report(data: Mapping[str, Any]) -> str:
    """Build the report HTML.

    Args:
        data: the report's plain data (``Workspace.report_data()``).
    Returns:
        A complete HTML document.
    """
    heading = data["title"]
    body: list[str] = [f'<header class="wb-first-page"><h1>{escape(heading)}</h1>',
                       f'<p class="wb-provenance">{escape(data["provenance"])}</p>', _summary(data["analyses"]),
                       _contents(data), "</header>"]
    body.append(alerts_section(data.get("new_alerts")))  # indicators' alerts since the previous report
    body += [analysis_section(view) + team_section(view.get("team")) for view in data["analyses"]]
    body.append(_sources(data["sources"]))
    body.append(f'<section id="articles"><h2>Articles</h2>{underline_legend(data.get("underlines", []))}')
    body += [article_html(view, with_css=False, heading_level=3) for view in data["articles"]]
    body.append("</section>")
    body.append(_entity_index(data["entities"]))
    body.append(_method(data["draws"]))
    css = "\n".join((base_css(), label_styles(data["labels"]), asset("table.css"), asset("matrix.css"), _PAGE_CSS,
                     underline_css(data.get("underlines", []))))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(_SCRIPT)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(heading)}</title><style>{css}</style></head>"
        f'<body class="wb-report">{"".join(body)}<script>{_SCRIPT}</script></body></html>\n'
    )


def underline_legend(choices: Sequence[Mapping[str, Any]]) -> str:
    """The legend of the evidence underlines, with the choice of the hypothesis they follow.

    The choice is radio inputs and CSS (``:has(:checked)``): it works with scripts off and
    under the report's CSP; the first hypothesis is the default (and what a printout shows
    unless another is chosen).

    Args:
        choices: ``_report_view.underline_choices`` (per analysis, its hypotheses).

    Returns:
        One ``<div class="wb-ev-legend">`` ("" when no article carries evidence).
    """
    if not choices:
        return ""
    colours = " · ".join(f'<span class="wb-ev wb-ev-{stance}">{escape(words)}</span> '
                         f'({" or ".join(RATING_NAMES[r] for r in ratings)})' for stance, words, ratings in _STANCE_WORDS)
    # e.g. "supports it (consistent or very consistent)"; "neither (neutral or not applicable)"
    parts = ['<div class="wb-ev-legend" role="group" aria-label="Evidence underlines">',
             f"<p><strong>Evidence underlines.</strong> The colour says how the passage bears on the chosen "
             f"hypothesis: {colours}.</p>"]
    for choice in choices:
        index = int(choice["index"])
        radios = "".join(
            f'<label title="{escape(h["name"])}"><input type="radio" name="wb-follow-{index}" '
            f'id="wb-follow-{index}-{int(h["n"])}"{" checked" if h["n"] == 1 else ""}> '
            f'{escape(h["label"])} {escape(_short(h["name"]))}</label>' for h in choice["hypotheses"])
        asked = f" of “{escape(_short(choice['question'], 80))}”" if len(choices) > 1 else ""
        parts.append(f"<p>Underlines follow{asked}: {radios}</p>")
    parts.append("</div>")
    return "".join(parts)


def underline_css(choices: Sequence[Mapping[str, Any]]) -> str:
    """The underline colours: by H1 by default, by the checked hypothesis of the legend otherwise.

    Args:
        choices: ``_report_view.underline_choices``.

    Returns:
        CSS rules (no script needed: ``:has(#wb-follow-…:checked)``).
    """
    rules = [f".wb-report .wb-ev-{stance} {{ text-decoration-color: {colour}; }}"
             for stance, colour in UNDERLINE_COLOURS.items()]
    for choice in choices:
        index = int(choice["index"])
        for h in choice["hypotheses"]:
            n = int(h["n"])
            rules += [f".wb-report:has(#wb-follow-{index}-{n}:checked) .{follow_class(index, n, stance)} "
                      f"{{ text-decoration-color: {colour}; }}" for stance, colour in UNDERLINE_COLOURS.items()]
    return "\n".join(rules)


def _short(text: str, width: int = 48) -> str:
    """A hypothesis or question cut for the legend (the full text is its title)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def write_report(data: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (temp file + rename) and return its path.

    Args:
        data: the report's plain data (``Workspace.report_data()``).
        path: the HTML file to write (never a workspace).
    """
    check_output(path)
    return atomic_write(path, build_report(data))


def _contents(data: Mapping[str, Any]) -> str:
    items = [f'<li><a href="#analysis-{escape(a["id"])}">{escape(a["question"])}</a></li>' for a in data["contents"]]
    if data.get("new_alerts") is not None:
        items.insert(0, f'<li><a href="#{ALERTS_ANCHOR}">New since the last report '
                        f'({len(data["new_alerts"]["alerts"])})</a></li>')
    items += ['<li><a href="#sources">Sources</a></li>', f'<li><a href="#articles">Articles ({len(data["articles"])})</a></li>',
              '<li><a href="#entities">Entity index</a></li>', '<li><a href="#method">Method</a></li>']
    return f'<nav><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _summary(analyses: Sequence[Mapping[str, Any]]) -> str:
    """The first page: each analysis's question, where the hypotheses stand and the confidence."""
    items = []
    for view in analyses:
        summary = view.get("summary")
        link = f'<a href="#analysis-{escape(view["id"])}">{escape(view["question"])}</a>'
        if summary is None:
            items.append(f"<li><p class=\"wb-summary-q\">{link}</p><p>No evidence has been tagged yet.</p></li>")
            continue
        leaders = "".join(f"<li>{escape(line)}</li>" for line in summary["leaders"])
        confidence = f'<p class="wb-summary-confidence"><strong>{escape(summary["confidence"])}</strong></p>' \
            if summary["confidence"] else ""
        items.append(f'<li><p class="wb-summary-q">{link}</p><p>Leading: </p><ul class="wb-summary-leaders">{leaders}</ul>'
                     f'<p>{escape(summary["agreement"])}</p>{confidence}</li>')
    if not items:
        return ""
    return f'<section class="wb-summary" id="summary"><h2>Summary</h2><ul class="wb-summary-list">{"".join(items)}</ul></section>'


def _sources(view: Mapping[str, Any]) -> str:
    listed = [f'<li><a href="#article-{escape(r["id"])}">{escape(r["title"])}</a> ({escape(r["source"])}) is a '
              f'syndicated copy of <a href="#article-{escape(r["copy_of"])}">{escape(r["copy_of"])}</a>: counted once.</li>'
              for r in view["copies"]]
    copies_html = f"<h3>Syndicated copies</h3><ul>{''.join(listed)}</ul>" if listed else ""
    return f'<section id="sources"><h2>Sources</h2>{table_html(view["table"])}{copies_html}</section>'


def _entity_index(table: Mapping[str, Any] | None) -> str:
    if not table:
        return '<section id="entities"><h2>Entity index</h2><p>No entities.</p></section>'
    # the entity table's last column links each entity to its first article: give it a heading
    labelled = {**table, "columns": [c or "First mention" for c in table["columns"]]}
    return f'<section id="entities"><h2>Entity index</h2>{table_html(labelled)}</section>'


def _method(draws: int) -> str:
    # the scale's words and numbers come from analysis.scales and analysis.icd203, their one home
    ratings = ", ".join(f"{code} {name}" for code, name in RATING_NAMES.items())
    parc = " and ".join(f"{value:g} for {code}".replace("-", "−") for code, value in PARC_VALUES.items() if value)
    likelihoods = ", ".join(f"{code} {_decimal(BAYES_LIKELIHOODS[code])}" for code in RATING_NAMES if code != "NA")
    bands = ", ".join(f"{words} {format_range(low, high)}" for words, low, high in ICD203_BANDS)
    reliability = ", ".join(f"{grade} {name}" for grade, name in RELIABILITY_GRADES.items())
    credibility = ", ".join(f"{grade} {name}" for grade, name in INFO_CREDIBILITY_GRADES.items())
    entries = [
        ("Analysis of Competing Hypotheses", f"Each evidence item is rated against every hypothesis: {ratings}. "
         "The most likely hypothesis is the one with the least evidence against it, not the most for it."),
        ("PARC inconsistency", f"Score = sum over evidence of {parc} (0 otherwise); weighted: each term "
         "times credibility × relevance (High √2, Medium 1, Low 1/√2). Closest to 0 leads."),
        ("Open Synthesis", "Ratings on a 0–5 scale (N/A counted as 3); inconsistency = Σ(3−m)² over ratings below 3; "
         "diagnosticity = spread of an item's ratings across hypotheses, over rated cells only (unrated is not N/A). Lowest "
         "inconsistency leads; ties go to the higher consistency, then the smaller N/A share, then the smaller unrated share."),
        ("Bayesian view", f"Posterior ∝ prior × likelihood of the evidence given the hypothesis ({likelihoods}), "
         f"each item pulled towards {_decimal(BAYES_LIKELIHOODS['NA'])} as source reliability, information credibility and weights "
         "fall; uniform priors. A source with no reliability grade keeps the published values by default (rule "
         "'as-published'); under the rule 'cannot-be-judged' it is discounted like grade F (C then counts .667). "
         f"Each analysis states its rule beside its scores. Probabilities are worded with the ICD 203 bands: {bands}."),
        ("Dependence", "Items that share an origin (one outlet, one article with its syndicated copies, or items an "
         "analyst marked as one origin) are not independent observations. By default each origin counts as its most "
         "diagnostic item; a setting lets each further item of an origin count a fraction of the one before, up to "
         "'every item independent'. The posterior is shown with its range from one observation per origin to every "
         "item independent, and its words go with the assumption in force."),
        ("Confidence", "Stated apart from likelihood (ICD 203): low, moderate or high, derived from the number of "
         "independent origins supporting the leader, their reliability grades, whether the engines agree, linchpins, "
         "and whether the leader rests on the independence assumption. The reasons are listed; an analyst's override "
         "is shown with its note."),
        ("Sensitivity", "Linchpins are items whose removal changes the leading hypothesis. One-step rating changes "
         f"that change the leader are listed. Monte Carlo: {draws:,} draws in which about one item in ten "
         "carries a one-step rating error and weights are uncertain by one level. 'First in x% of draws' measures "
         "robustness to that noise, not likelihood: stable (95% or more), mostly stable (75–95%), unstable (below)."),
        ("Sources", f"Admiralty (NATO) grades: source reliability {reliability}; information credibility {credibility}."),
        ("Independence", "A story syndicated to several sites is one source, not several: evidence quoting the same "
         "words from copies of one story is counted once by every engine."),
        ("Entities", "People, organisations, places, dates and weapon systems are found by the workbench's offline "
         "pipeline (or a trained spaCy pipeline where installed), with the analyst's corrections applied."),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in entries)
    return f'<section id="method" class="wb-method"><h2>Method</h2><dl>{items}</dl></section>'


def _decimal(value: float) -> str:
    """A likelihood as the method note writes it: ".95", ".05"."""
    return f"{value:.2f}".removeprefix("0")
