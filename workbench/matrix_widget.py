"""The ACH matrix widget: evidence × hypotheses, ratings and weights editable, scores live."""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._widget_base import BundledWidget

if TYPE_CHECKING:
    from .ach import Analysis

__all__ = ["Matrix", "matrix_data"]

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
        reasons, override} | None} with hypotheses and scores keyed by hypothesis id.
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
            "independence": independence, "assumption": assumption, "confidence": confidence}


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
    head = f"Confidence: {confidence['level']}"
    if confidence.get("override"):
        head += f" (set by {confidence['override']['by']}; the rules give {confidence['derived']})"
    return head + " — " + "; ".join(confidence["reasons"])


class Matrix(BundledWidget):
    """Work the matrix of one analysis: click or key to rate, edit weights, watch the scores.

    Args:
        analysis: the analysis.
        on_change: called after each change made here (the Workbench refreshes the reader).
    """

    _module = "matrix"
    _styles = ("table.css", "matrix.css")

    data = t.Dict().tag(sync=True)

    def __init__(self, analysis: "Analysis", *, on_change: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.analysis = analysis
        self._on_change = [on_change] if on_change else []
        self.on_msg(self._on_message)
        self.refresh()

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def refresh(self) -> None:
        """Recompute the matrix and every engine's scores from the workspace."""
        self.data = matrix_data(self.analysis)

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            kind = content.get("kind")
            if kind == "rate":
                self.analysis.rate(str(content["evidence_id"]), str(content["hypothesis_id"]), content["rating"])
            elif kind == "weight":
                field = str(content["field"])
                if field not in ("credibility", "relevance"):
                    raise ValueError(f"weight {field!r}: only credibility and relevance can be set here")
                self.analysis.update_evidence(str(content["evidence_id"]), **{field: content["value"]})
            elif kind in ("undo", "redo"):
                done = self.analysis.undo() if kind == "undo" else self.analysis.redo()
                self.status = f"{kind}: {done}" if done else f"nothing to {kind}"
                self.refresh()
                for callback in self._on_change:
                    callback()
                return
            else:
                return
            self.status = ""
            self.refresh()
            for callback in self._on_change:
                callback()
        except Exception as exc:  # noqa: BLE001
            self.status = f"error: {exc}"
            self.refresh()

    def static_html(self) -> str:
        return render_matrix_html(self.data)


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
