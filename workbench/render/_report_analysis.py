"""The report's analysis sections: standing, matrix, charts, sensitivity, evidence.

Plain data in (from the store and the pure engines), escaped HTML out. Charts are inline SVG.
"""
from __future__ import annotations

import io
from html import escape
from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: engines and charts load on first use
from ..analysis.confidence import stated_level
from .matrix import matrix_data, render_matrix_html

if TYPE_CHECKING:
    from ..workspace import Analysis

__all__ = ["analysis_section", "MONTE_CARLO_DRAWS"]

MONTE_CARLO_DRAWS = 2000   # enough for ±1 percentage point on P(first); keeps the report fast
CHART_ROWS = 40            # the matrix chart shows the most diagnostic items only


def analysis_section(analysis: "Analysis", *, evidence_anchor: dict[str, str], views: tuple[Any, Any] | None = None) -> str:
    """Everything the report says about one analysis.

    Args:
        analysis: the analysis.
        evidence_anchor: evidence id -> id of its passage in the report's article texts.
        views: ``analysis.views()`` when the caller already read them.
    """
    info = analysis.info
    settings = analysis.scoring_options(info)
    override = settings.pop("confidence")
    names = list(analysis.hypotheses["name"])
    evidence, frame = views if views is not None else analysis.views()  # every engine below works on this frame
    parts = [f'<section class="wb-analysis" id="analysis-{escape(analysis.id)}">',
             f"<h2>{escape(info['question'])}</h2>",
             _meta(info, len(names), len(evidence))]
    if not len(evidence) or not names:
        parts.append("<p>No evidence has been tagged yet.</p></section>")
        return "".join(parts)
    scored = maths.score(frame, hypotheses=names, confidence=override, **settings)
    scores = scored.to_dict()
    data = matrix_data(analysis, views=(evidence, frame), scores=scores)
    carlo = maths.monte_carlo(frame, draws=MONTE_CARLO_DRAWS, seed=0, hypotheses=names, **settings).to_dict()
    parts.append(_standing(names, scores, carlo))
    parts.append("<h3>Matrix</h3>" + render_matrix_html(data))
    parts.append(_legend_note())
    parts.append(_charts(frame, names, scored))
    parts.append(_sensitivity(maths.leave_one_out(frame, hypotheses=names, **settings),
                              maths.rating_perturbation(frame, hypotheses=names, **settings), scores))
    parts.append(_evidence_list(evidence, names, data, evidence_anchor))
    parts.append("</section>")
    return "".join(parts)


def _meta(info: dict[str, Any], hypotheses: int, evidence: int) -> str:
    bits = [f"{hypotheses} hypotheses", f"{evidence} evidence items"]
    if info.get("time_horizon"):
        bits.append(f"time horizon: {info['time_horizon']}")
    if info.get("classification"):
        bits.append(f"classification: {info['classification']}")
    bits.append(f"by {info['created_by']}, last changed {info['updated_at']}")
    return f'<p class="wb-provenance">{escape(" · ".join(bits))}</p>'


def _standing(names: list[str], scores: dict[str, Any], carlo: dict[str, Any]) -> str:
    engines = scores["engines"]
    robustness = carlo.get("robustness", {})
    head = "".join(f"<th>{escape(e['label'])}</th>" for e in engines.values())
    rows = []
    for name in names:
        cells = []
        for key, engine in engines.items():
            value = engine["scores"][name]
            shown = f"{100 * value:.0f}%" if key == "bayes" else f"{value:.2f}"
            lead = " wb-leader" if name in engine.get("leaders", []) else ""
            wording = ""
            if key == "bayes":
                low, high = engine["range"][name]
                wording = (f'<div class="wb-words">{escape(engine["words"][name])}</div>'
                           f'<div class="wb-range">range {100 * low:.0f}–{100 * high:.0f}%: '
                           f'{escape(engine["range_words"][name])}</div>')
            stable = robustness.get(key, {}).get(name)
            if stable is not None:
                wording += f'<div class="wb-pfirst">{escape(stable)}</div>'
            cells.append(f'<td class="wb-score{lead}">{escape(shown)}{wording}</td>')
        rows.append(f"<tr><th scope=\"row\">{escape(name)}</th>{''.join(cells)}</tr>")
    single = '<br><strong class="wb-warning">⚠ rests on a single origin</strong>'
    foot = "".join(
        f"<td>{engine.get('independent_origins_for_leader', 0)} independent origin(s) support the leader"
        f"{single if engine.get('single_origin') else ''}</td>"
        for engine in engines.values())
    note = ""
    if scores.get("disagreement"):
        note = f'<p class="wb-warning"><strong>The engines disagree:</strong> {escape(scores["disagreement"])}</p>'
    else:
        common = [h for h in names if all(h in e.get("leaders", []) for e in engines.values())]
        note = f'<p class="wb-agree">Every engine ranks first: {escape(" = ".join(common))}.</p>'
    note += _confidence_block(scores.get("confidence"))
    dependence = scores.get("dependence") or {}
    if dependence:
        rule = ("ungraded sources keep the published likelihoods" if dependence.get("ungraded") == "as-published"
                else "ungraded sources are discounted like grade F (cannot be judged)")
        note += (f'<p class="wb-note">Bayesian view assumes {escape(dependence.get("assumption", ""))}; the range runs '
                 f'from one observation per origin to every item independent. {dependence.get("independent_origins", 0)} independent origin(s) in all; '
                 f'{escape(rule)}. Robustness lines report Monte Carlo first places under rating noise: they are not '
                 f'probabilities.</p>')
    independence = (scores.get("independence") or {}).get("groups") or {}
    if independence:
        groups = "; ".join(" = ".join(map(str, members)) for members in independence.values())
        note += f'<p class="wb-note">Syndicated copies of one story count once: {escape(groups)}.</p>'
    return (f'<h3>Where the hypotheses stand</h3>{note}<table class="wb-table wb-sortable"><thead><tr><th>Hypothesis</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody><tfoot><tr><th scope=\"row\">Origins</th>{foot}</tr>"
            f"</tfoot></table>")


def _confidence_block(confidence: dict[str, Any] | None) -> str:
    """Confidence, stated apart from likelihood, with its reasons and any override."""
    if not confidence:
        return ""
    head = f"Confidence: {stated_level(confidence)}"
    reasons = "".join(f"<li>{escape(r)}</li>" for r in confidence["reasons"])
    return (f'<div class="wb-confidence wb-confidence-{escape(confidence["level"])}"><p><strong>{escape(head)}</strong>'
            f"</p><ul>{reasons}</ul></div>")


def _legend_note() -> str:
    return ('<p class="wb-note">Ratings: CC very consistent · C consistent · N neutral · I inconsistent · '
            "II very inconsistent · blank not applicable. Weights: credibility / relevance High, Medium, Low. "
            "Grade: source reliability A–F and information credibility 1–6 (Admiralty). ★ linchpin: removing it "
            "changes the leader. ⚠ possible deception. <span class=\"wb-badge\">copy</span> from a syndicated copy.</p>")


def _svg(figure: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "workbench"}):
        figure.savefig(buffer, format="svg")  # the charts lay themselves out; "tight" would draw twice
    figure.clear()
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE: inline SVG needs neither


def _charts(frame: Any, names: list[str], scores: Any) -> str:
    figures = [
        ("Matrix, most diagnostic evidence first", maths.matrix_chart(frame, hypotheses=names, max_rows=CHART_ROWS)),
        ("Scores per engine", maths.scores_chart(scores)),
        ("Sensitivity: the leader's margin over its best rival when each item is removed or re-rated",
         maths.tornado_chart(frame)),
    ]
    if frame["date"].notna().any():
        figures.append(("Evidence over time, by stance on each hypothesis", maths.timeline_chart(frame, hypotheses=names)))
    blocks = [f'<figure class="wb-chart">{_svg(fig)}<figcaption>{escape(caption)}</figcaption></figure>'
              for caption, fig in figures]
    return f'<h3>Charts</h3><div class="wb-charts">{"".join(blocks)}</div>'


def _sensitivity(loo: Any, moves: Any, scores: dict[str, Any]) -> str:
    rows = []
    for engine, items in loo.linchpins.items():
        label = scores["engines"][engine]["label"]
        shown = ", ".join(items) if items else "none — no single item's removal changes the leader"
        rows.append(f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(' = '.join(loo.baseline[engine]))}</td>"
                    f"<td>{escape(shown)}</td></tr>")
    flips = ""
    if len(moves):
        head = "".join(f"<th>{escape(str(c))}</th>" for c in moves.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in moves.head(40).itertuples(index=False))
        more = f"<p>… and {len(moves) - 40} more.</p>" if len(moves) > 40 else ""
        flips = (f"<h4>One-step rating changes that would change the leader</h4><table class=\"wb-table wb-sortable\">"
                 f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}")
    else:
        flips = "<p>No single one-step rating change moves the leader.</p>"
    return (f'<h3>Sensitivity and linchpins</h3><table class="wb-table"><thead><tr><th>Engine</th><th>Leader</th>'
            f"<th>Linchpins (leave one out)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{flips}")


def _evidence_list(evidence: Any, names: list[str], data: dict[str, Any], anchors: dict[str, str]) -> str:
    linchpin = {row["id"]: row["linchpin"] for row in data["rows"]}
    items = []
    for r in evidence.to_dict("records"):
        if r["kind"] == "quote":
            target = anchors.get(r["id"])
            quote = escape(r["exact"])
            link = f' <a href="#{escape(target)}">in the article</a>' if target else ""
            if r.get("anchor_method") == "orphaned":
                link = " · orphaned: not found in this workspace's articles"
            elif r.get("anchor_method") == "fuzzy" and r.get("anchor_score") is not None:
                link += f" · found in changed text (match {float(r['anchor_score']):.2f})"
            body = f'<blockquote class="wb-quote">“{quote}”</blockquote><p class="wb-src">{escape(r["source"] or "unknown source")}{link}</p>'
        else:
            body = f'<p class="wb-freestanding"><strong>{escape(r["kind"])}:</strong> {escape(r["note"] or "")}</p>'
        ratings = " · ".join(f"H{i + 1} {escape(r[n])}" for i, n in enumerate(names) if r[n] not in (None, "NA"))
        grade = f"{r['reliability'] or '–'}{'' if r['info_credibility'] is None or r['info_credibility'] != r['info_credibility'] else int(r['info_credibility'])}"
        flags = ", ".join(r["flags"])
        marks = "★ linchpin · " if linchpin.get(r["id"]) else ""
        note = f'<p class="wb-note">{escape(r["note"])}</p>' if r["note"] and r["kind"] == "quote" else ""
        items.append(
            f'<li id="evidence-{escape(r["id"])}" data-search="{escape((r["exact"] or r["note"] or "").lower())}">'
            f'<span class="wb-ev-label">{escape(r["label"])}</span> {body}{note}'
            f'<p class="wb-meta">{escape(marks)}ratings: {ratings or "none"} · credibility {escape(r["credibility"])} · '
            f'relevance {escape(r["relevance"])} · grade {escape(grade)}'
            f'{" · copy" if r["copy"] else ""}{" · flags: " + escape(flags) if flags else ""}</p></li>')
    return ('<h3>Evidence</h3><p class="wb-filter-box" hidden><input type="search" data-filter="evidence" '
            f'placeholder="filter evidence…" aria-label="filter evidence"></p><ol class="wb-evidence-list" '
            f'data-list="evidence">{"".join(items)}</ol>')
