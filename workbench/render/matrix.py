"""The ACH matrix as plain data and as a static, escaped HTML table: what the matrix widget
and the report both draw from (no anywidget here, so the report does not load it)."""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..analysis.confidence import stated_level

if TYPE_CHECKING:
    from ..workspace import Analysis

__all__ = ["matrix_data", "render_matrix_html", "score_title", "confidence_line", "TEXT_WIDTH"]

TEXT_WIDTH = 160


def matrix_data(analysis: "Analysis", *, views: tuple[Any, Any] | None = None,
                scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plain data the matrix view and the report's matrix are drawn from.

    Args:
        analysis: the analysis.
        views: ``analysis.views()`` when the caller already has them.
        scores: ``score(frame).to_dict()`` when the caller already has it.

    Returns:
        {"hypotheses": [{id, name, label}], "rows": [...], "engines": [{name, title, scores,
        leaders, words, range, origins, single_origin, format}], "disagreement": str | None,
        "independence": str | None, "assumption": str | None, "confidence": {level, derived,
        reasons, override} | None, "confidence_text": str} with hypotheses and scores keyed by
        hypothesis id.
    """

    hyps = analysis.hypotheses
    evidence, frame = views if views is not None else analysis.views()
    names = list(hyps["name"])
    ids = dict(zip(names, hyps["id"]))
    hyp_rows = [{"id": i, "name": n, "label": f"H{p}"} for i, n, p in zip(hyps["id"], hyps["name"], hyps["position"])]
    engines: list[dict[str, Any]] = []
    disagreement = independence = assumption = confidence = None
    diagnosticity: dict[str, dict[str, float]] = {}
    linchpins: dict[str, list[str]] = {}
    if len(evidence) and names:
        result = scores if scores is not None else analysis.score().to_dict()
        disagreement = result.get("disagreement")
        confidence = result.get("confidence")
        dependence = result.get("dependence") or {}
        if dependence.get("assumption"):
            assumption = f"Bayes assumes {dependence['assumption']}"
        groups = (result.get("independence") or {}).get("groups") or {}
        if groups:
            independence = "syndicated copies counted once: " + "; ".join(
                " = ".join(map(str, members)) for members in groups.values())
        for name, engine in result["engines"].items():
            engines.append({
                "name": name, "title": engine["label"],
                "scores": {ids[h]: v for h, v in engine["scores"].items()},
                "leaders": [ids[h] for h in engine.get("leaders", [])],
                "words": {ids[h]: w for h, w in (engine.get("words") or {}).items()},
                "range": {ids[h]: r for h, r in (engine.get("range") or {}).items()},
                "origins": engine.get("independent_origins_for_leader"),
                "single_origin": bool(engine.get("single_origin")),
                "format": "percent" if name == "bayes" else "number",
                "explain": "higher is better" if engine.get("higher_is_better") else "lower is better",
            })
            for label, value in (engine.get("diagnosticity") or {}).items():
                diagnosticity.setdefault(label, {})[name] = value
            for label in engine.get("linchpins") or []:
                linchpins.setdefault(label, []).append(engine["label"])
    # Ratings travel as one list per row in hypothesis order: 50 × 1,000 cells stay small.
    grid = evidence[names].to_numpy(dtype=object).tolist() if names else [[] for _ in range(len(evidence))]
    columns = {c: evidence[c].tolist() for c in ("id", "label", "kind", "exact", "note", "credibility", "relevance",
                                                 "info_credibility", "reliability", "copy", "flags")}
    rows = []
    for i, label in enumerate(columns["label"]):
        exact, note = columns["exact"][i], columns["note"][i] or ""
        text = exact if isinstance(exact, str) else note
        info = columns["info_credibility"][i]
        rows.append({
            "id": columns["id"][i], "label": label, "kind": columns["kind"][i],
            "text": text if len(text) <= TEXT_WIDTH else text[:TEXT_WIDTH - 1] + "…", "note": note,
            "ratings": grid[i], "credibility": columns["credibility"][i], "relevance": columns["relevance"][i],
            "info_credibility": None if info is None or info != info else int(info),
            "reliability": columns["reliability"][i], "copy": bool(columns["copy"][i]), "flags": list(columns["flags"][i]),
            "diagnosticity": diagnosticity.get(label, {}), "linchpin": linchpins.get(label, []),
        })
    return {"hypotheses": hyp_rows, "rows": rows, "engines": engines, "disagreement": disagreement,
            "independence": independence, "assumption": assumption, "confidence": confidence,
            "confidence_text": confidence_line({"confidence": confidence})}


def score_title(engine: dict[str, Any], hypothesis_id: str) -> str:
    """The hover text of a score cell: its words and, for Bayes, its range."""
    words = engine["words"].get(hypothesis_id, "")
    low_high = (engine.get("range") or {}).get(hypothesis_id)
    if low_high:
        words += f" (range {100 * low_high[0]:.0f}–{100 * low_high[1]:.0f}%, one per origin → independent)"
    return words


def confidence_line(data: dict[str, Any]) -> str:
    """"Confidence: low — reasons" for the matrix summary ("" when not scored)."""
    confidence = data.get("confidence")
    if not confidence:
        return ""
    return f"Confidence: {stated_level(confidence)} — " + "; ".join(confidence["reasons"])


def render_matrix_html(data: dict[str, Any]) -> str:
    """The matrix as a static, escaped HTML table (shared with the report)."""
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
            value = engine["scores"].get(h["id"])
            shown = "" if value is None else (f"{100 * value:.0f}%" if engine["format"] == "percent" else f"{value:.2f}")
            leader = " wb-leader" if h["id"] in engine["leaders"] else ""
            words = engine["words"].get(h["id"], "")
            low_high = (engine.get("range") or {}).get(h["id"])
            spread = f'<div class="wb-range">{low_high[0] * 100:.0f}–{low_high[1] * 100:.0f}%</div>' if low_high else ""
            tds.append(f'<td class="wb-score{leader}" title="{escape(score_title(engine, h["id"]))}">{escape(shown)}'
                       f'{f"<div class=wb-words>{escape(words)}</div>" if words else ""}{spread}</td>')
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
