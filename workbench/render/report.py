"""The self-contained HTML report: one file, no external requests, readable with scripts off.

Sections: provenance; for each analysis its question, where the hypotheses stand under each
engine (ICD 203 wording), the matrix, charts (inline SVG), sensitivity and linchpins, and the
evidence linked to its passage; sources with Admiralty grades and syndicated copies; the
articles with entities highlighted and evidence underlined; an entity index; a method note.
"""
from __future__ import annotations

import base64
import hashlib
import os
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .. import __version__
from ..store import schema as s
from .._paths import atomic_write, check_output
from ._report_analysis import MONTE_CARLO_DRAWS, analysis_section
from .._story_evidence import copy_passages
from .assets import asset
from ..analysis.scales import RELIABILITY_GRADES
from .article import base_css, label_styles, render_article
from ..store import now

if TYPE_CHECKING:  # the report takes the workspace as a parameter and never imports it
    from ..workspace import Workspace

__all__ = ["write_report", "build_report", "content_security_policy"]

STANCE = {"CC": "support", "C": "support", "N": "neutral", "I": "refute", "II": "refute", "NA": "none"}

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
.wb-report .wb-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: 1rem; }
.wb-report figure.wb-chart { margin: 0; }
.wb-report figure.wb-chart svg { max-width: 100%; height: auto; }
.wb-report figcaption { font-size: .8rem; color: #555; }
.wb-report .wb-evidence-list li { margin-bottom: .8rem; }
.wb-report .wb-evidence-list blockquote { margin: .2rem 0 .1rem 0; padding-left: .6rem; border-left: 3px solid #ccd; }
.wb-report .wb-ev-label { font-weight: 700; }
.wb-report .wb-sort-handle { cursor: pointer; }
.wb-report .wb-ev { text-decoration-line: underline; text-decoration-thickness: 3px; text-underline-offset: 4px; }
.wb-report .wb-ev-support { text-decoration-color: #1a9850; }
.wb-report .wb-ev-refute { text-decoration-color: #d73027; }
.wb-report .wb-ev-neutral, .wb-report .wb-ev-none { text-decoration-color: #8c8c8c; }
.wb-report :target { background: #fff3b0; }
.wb-report mark.wb-ent.wb-cont::after { content: none; }
.wb-report .wb-table th, .wb-report .wb-matrix-table tfoot th, .wb-report .wb-matrix-table tfoot td { position: static; }
.wb-report .wb-matrix-table tbody th, .wb-report .wb-matrix-table tbody td { height: auto; padding: .2rem .4rem; }
.wb-report .wb-matrix-table .wb-ev-cell { white-space: normal; }
.wb-report .wb-method dt { font-weight: 700; margin-top: .5rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .wb-filter-box { display: none !important; }
  .wb-report article.wb-article, .wb-report section.wb-analysis { break-before: page; }
  .wb-report table { break-inside: auto; } .wb-report tr, .wb-report figure { break-inside: avoid; }
  .wb-report a { color: inherit; text-decoration: none; }
  .wb-table-box, .wb-matrix-box { max-height: none !important; overflow: visible !important; }
}
@media print and (max-width: 216mm) { @page { size: letter; } }
"""


def content_security_policy(script: str | None = _SCRIPT) -> str:
    """No network, no plugins, no forms, inline styles, and only our one script (by hash).

    Args:
        script: the one inline script allowed; None allows no script at all (exported notebooks).

    Returns:
        The policy, for a ``<meta http-equiv="Content-Security-Policy">`` tag.
    """
    if script is None:
        allowed = "'none'"
    else:
        allowed = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
            f"script-src {allowed}; base-uri 'none'; form-action 'none'")


def build_report(ws: "Workspace", *, title: str | None = None, analyses: list[str] | None = None) -> str:
    """Build the report HTML.

    Args:
        ws: the workspace.
        title: the page title (default: the first analysis's question, else the workspace name).
        analyses: ids of the analyses to include (default: all).
    Returns:
        A complete HTML document.
    """
    articles = ws.articles
    all_mentions = ws.entities()
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in all_mentions.to_dict("records"):
        by_article[row["article_id"]].append(row)
    chosen = [ws.analysis(a) for a in (analyses if analyses is not None else list(ws.analyses["id"]))]
    views = {analysis.id: analysis.views() for analysis in chosen}  # one read per analysis
    passages, anchors = _passages(ws, chosen, views)
    heading = title or (chosen[0].question if chosen else f"Workbench report — {Path(ws.location).name}")
    body: list[str] = [f"<h1>{escape(heading)}</h1>", _provenance(ws, articles, len(chosen)), _contents(chosen, articles)]
    for analysis in chosen:
        body.append(analysis_section(analysis, evidence_anchor=anchors, views=views[analysis.id]))
    body.append(_sources(ws, articles))
    body.append('<section id="articles"><h2>Articles</h2>')
    texts = _texts(ws)
    for record in articles.to_dict("records"):
        record["text"] = texts[record["id"]]
        body.append(render_article(record, by_article.get(record["id"], []), with_css=False, heading_level=3,
                                   anchor=f"article-{record['id']}", passages=passages.get(record["id"], [])))
    body.append("</section>")
    body.append(_entity_index(all_mentions))
    body.append(_method())
    labels = set(all_mentions["label"]) if len(all_mentions) else set()
    css = "\n".join((base_css(), label_styles(labels), asset("table.css"), asset("matrix.css"), _PAGE_CSS))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(heading)}</title><style>{css}</style></head>"
        f'<body class="wb-report">{"".join(body)}<script>{_SCRIPT}</script></body></html>\n'
    )


def write_report(ws: "Workspace", path: str | os.PathLike[str], *, title: str | None = None,
                 analyses: list[str] | None = None) -> Path:
    """Write the report atomically (temp file + rename) and return its path."""
    check_output(path)  # before the work: never onto a workspace
    return atomic_write(path, build_report(ws, title=title, analyses=analyses))


def _texts(ws: "Workspace") -> dict[str, str]:
    """Every article's text in one query."""
    with ws.store.read() as conn:
        return dict(conn.execute(select(s.articles.c.id, s.articles.c.text)).all())


def _passages(ws: "Workspace", analyses: list[Any],
              views: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Evidence passages per article (for underlines) and each evidence item's anchor id.

    A quote shows on the article it was tagged in and, found again, on every other copy of
    the same story (a syndicated or later edited copy); an orphaned quote shows nowhere.
    """
    passages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    anchors: dict[str, str] = {}
    with ws.store.read() as conn:
        copied = copy_passages(conn, analysis_ids=[a.id for a in analyses])
    found_in: dict[str, list[Any]] = defaultdict(list)
    for article_passages in copied.values():
        for p in article_passages:
            found_in[p.evidence_id].append(p)
    for analysis in analyses:
        evidence = views[analysis.id][0]
        first = analysis.hypotheses["name"].iloc[0] if len(analysis.hypotheses) else None
        for r in evidence.to_dict("records"):
            if r["kind"] != "quote" or r["article_id"] is None or r["start"] is None:
                continue
            anchor = f"passage-{r['id']}"
            anchors[r["id"]] = anchor
            stance = STANCE.get(r[first], "none") if first else "none"
            title = f"{r['label']} ({analysis.question[:60]})"
            passages[r["article_id"]].append({"start": int(r["start"]), "end": int(r["end"]), "anchor": anchor,
                                              "stance": stance, "title": title})
            for p in found_in.get(r["id"], ()):
                how = "found" if p.method == "exact" else f"found approximately, score {p.score:.2f},"
                passages[p.article_id].append({
                    "start": p.start, "end": p.end, "anchor": f"passage-{r['id']}-{p.article_id}", "stance": stance,
                    "title": f"{title}: tagged in {p.tagged_in}, {how} in this copy"})
    return passages, anchors


def _provenance(ws: "Workspace", articles: Any, analyses: int) -> str:
    count = len(articles)
    noun = "article" if count == 1 else "articles"
    return (f'<p class="wb-provenance">{count} {noun} · {analyses} analys{"is" if analyses == 1 else "es"} · '
            f"written {escape(now())} by {escape(ws.actor)} · workbench {escape(__version__)} · "
            f"workspace {escape(Path(ws.location).name)} (fingerprint {_workspace_fingerprint(ws, articles)})</p>")


def _workspace_fingerprint(ws: "Workspace", articles: Any) -> str:
    """Changes whenever any article, evidence or correction changes: the audit log only grows."""
    digest = hashlib.sha256()
    for ident in articles["id"]:
        digest.update(ident.encode())
    history = ws.history(limit=1)
    if len(history):
        digest.update(str(history.iloc[0]["id"]).encode())
    return digest.hexdigest()[:12]


def _contents(analyses: list[Any], articles: Any) -> str:
    items = [f'<li><a href="#analysis-{escape(a.id)}">{escape(a.question)}</a></li>' for a in analyses]
    items += ['<li><a href="#sources">Sources</a></li>', f'<li><a href="#articles">Articles ({len(articles)})</a></li>',
              '<li><a href="#entities">Entity index</a></li>', '<li><a href="#method">Method</a></li>']
    return f'<nav><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _sources(ws: "Workspace", articles: Any) -> str:
    sources = ws.sources
    copies = articles[articles["copy_of"].notna()].groupby("source").size().to_dict() if len(articles) else {}
    rows = []
    for r in sources.to_dict("records"):
        grade = r["reliability"]
        rows.append(f"<tr><td>{escape(str(r['name']))}</td><td>{escape(str(r['domain'] or ''))}</td>"
                    f"<td>{escape(grade)} — {escape(RELIABILITY_GRADES[grade])}</td><td>{r['articles']}</td>"
                    f"<td>{copies.get(r['name'], 0)}</td><td>{escape(str(r['notes'] or ''))}</td></tr>")
    listed = []
    for r in articles.to_dict("records"):
        if r["copy_of"]:
            listed.append(f'<li><a href="#article-{escape(r["id"])}">{escape(str(r["title"] or r["id"]))}</a> '
                          f'({escape(str(r["source"] or ""))}) is a syndicated copy of '
                          f'<a href="#article-{escape(r["copy_of"])}">{escape(r["copy_of"])}</a>: counted once.</li>')
    copies_html = f"<h3>Syndicated copies</h3><ul>{''.join(listed)}</ul>" if listed else ""
    return ('<section id="sources"><h2>Sources</h2><table class="wb-table wb-sortable"><thead><tr><th>Source</th>'
            "<th>Domain</th><th>Reliability (Admiralty)</th><th>Articles</th><th>Copies</th><th>Notes</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{copies_html}</section>")


def _entity_index(mentions: Any) -> str:
    if not len(mentions):
        return '<section id="entities"><h2>Entity index</h2><p>No entities.</p></section>'
    grouped = (mentions.groupby(["canonical", "label"])
               .agg(mentions=("text", "size"), articles=("article_id", "nunique"),
                    aliases=("text", lambda t: sorted(set(t))), first=("article_id", "first"))
               .reset_index().sort_values(["mentions", "canonical"], ascending=[False, True]))
    rows = []
    for r in grouped.to_dict("records"):
        aliases = ", ".join(a for a in r["aliases"] if a != r["canonical"])
        rows.append(f"<tr><td>{escape(str(r['canonical']))}</td><td>{escape(str(r['label']))}</td>"
                    f"<td>{r['mentions']}</td><td>{r['articles']}</td><td>{escape(aliases)}</td>"
                    f'<td><a href="#article-{escape(r["first"])}">first article</a></td></tr>')
    return ('<section id="entities"><h2>Entity index</h2><table class="wb-table wb-sortable"><thead><tr><th>Entity</th>'
            "<th>Label</th><th>Mentions</th><th>Articles</th><th>Also written as</th><th></th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def _method() -> str:
    entries = [
        ("Analysis of Competing Hypotheses", "Each evidence item is rated against every hypothesis: CC very "
         "consistent, C consistent, N neutral, I inconsistent, II very inconsistent, NA not applicable. The most likely "
         "hypothesis is the one with the least evidence against it, not the most for it."),
        ("PARC inconsistency", "Score = sum over evidence of −2 for II and −1 for I (0 otherwise); weighted: each term "
         "times credibility × relevance (High √2, Medium 1, Low 1/√2). Closest to 0 leads."),
        ("Open Synthesis", "Ratings on a 0–5 scale (N/A counted as 3); inconsistency = Σ(3−m)² over ratings below 3; "
         "diagnosticity = spread of an item's ratings across hypotheses, over rated cells only (unrated is not N/A). Lowest "
         "inconsistency leads; ties go to the higher consistency, then the smaller N/A share, then the smaller unrated share."),
        ("Bayesian view", "Posterior ∝ prior × likelihood of the evidence given the hypothesis (CC .95, C .80, N .50, "
         "I .20, II .05), each item pulled towards .50 as source reliability, information credibility and weights "
         "fall; uniform priors. A source with no reliability grade keeps the published values by default (rule "
         "'as-published'); under the rule 'cannot-be-judged' it is discounted like grade F (C then counts .667). "
         "Each analysis states its rule beside its scores. Probabilities are worded with the ICD 203 bands: almost no "
         "chance 1–5%, very unlikely 5–20%, unlikely 20–45%, roughly even chance 45–55%, likely 55–80%, very likely "
         "80–95%, almost certain 95–99%."),
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
         f"that change the leader are listed. Monte Carlo: {MONTE_CARLO_DRAWS:,} draws in which about one item in ten "
         "carries a one-step rating error and weights are uncertain by one level. 'First in x% of draws' measures "
         "robustness to that noise, not likelihood: stable (95% or more), mostly stable (75–95%), unstable (below)."),
        ("Sources", "Admiralty (NATO) grades: source reliability A completely reliable, B usually reliable, C fairly "
         "reliable, D not usually reliable, E unreliable, F cannot be judged; information credibility 1 confirmed, "
         "2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged."),
        ("Independence", "A story syndicated to several sites is one source, not several: evidence quoting the same "
         "words from copies of one story is counted once by every engine."),
        ("Entities", "People, organisations, places, dates and weapon systems are found by the workbench's offline "
         "pipeline (or a trained spaCy pipeline where installed), with the analyst's corrections applied."),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in entries)
    return f'<section id="method" class="wb-method"><h2>Method</h2><dl>{items}</dl></section>'
