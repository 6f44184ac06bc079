"""Views: plain, JSON-able dicts built from pandas frames and score dicts, shared by the widgets and the report
(the entity, source and corpus tables are in ``table_views``).

Everything here is pure: frames, score dicts (``Scores.to_dict()``) and records in; ``str``, ``int``,
``float``, ``bool``, ``None``, lists and dicts out. No HTML is written here (the renderers in
``render/`` escape and mark up these dicts) and nothing is read from a workspace (the workspace
gathers the frames and calls these functions). Scores are spelled by ``format_score`` and
``format_range`` (from ``analysis/formats.py``, re-exported here), the only spelling of a score as text.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..analysis.confidence import stated_level
from ..analysis.formats import format_range, format_score
from ..analysis.scales import OPEN_SYNTHESIS_VOTES
from ..nlp import LABELS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["format_score", "format_range", "score_title", "confidence_line", "matrix_view", "article_view",
           "legend_rows", "independence_groups", "cell_dispute", "view_choice", "SPLIT_SPREAD", "TEXT_WIDTH"]

TEXT_WIDTH = 160          # the matrix shows an evidence item's text cut to this many characters
_META_WORDS = {"author": "by ", "forwarded_from": "forwarded from "}  # how an article's line names them
SPLIT_SPREAD = 2          # analysts this many steps apart on a cell (C against I, say) split the team


# -- scores as text: ``format_score`` and ``format_range`` (analysis/formats.py) ------------
def score_title(engine: Mapping[str, Any], hypothesis: str) -> str:
    """The hover text of a score: its words and, for Bayes, its range.

    Args:
        engine: one engine of ``matrix_view``'s "engines" (words and range keyed by hypothesis id).
        hypothesis: the hypothesis id.

    Returns:
        e.g. "likely (range 40–70%, one per origin → independent)".
    """
    words = (engine.get("words") or {}).get(hypothesis, "")
    low_high = (engine.get("range") or {}).get(hypothesis)
    if low_high:
        words += f" (range {format_range(*low_high)}, one per origin → independent)"
    return words


def confidence_line(data: Mapping[str, Any]) -> str:
    """"Confidence: low — reasons" for the matrix summary ("" when not scored).

    Args:
        data: a dict with a "confidence" entry (``Scores.to_dict()["confidence"]`` or None).
    """
    confidence = data.get("confidence")
    if not confidence:
        return ""
    return f"Confidence: {stated_level(confidence)} — " + "; ".join(confidence["reasons"])


def independence_groups(scores: Mapping[str, Any]) -> str:
    """"a = b; c = d": the syndicated copies counted once ("" when there are none)."""
    groups = (scores.get("independence") or {}).get("groups") or {}
    return "; ".join(" = ".join(map(str, members)) for members in groups.values())


# -- the matrix ------------------------------------------------------------------------------
def cell_dispute(votes: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """How the analysts who rated one cell differ, for the team view.

    Args:
        votes: (analyst, rating) for each analyst who rated the cell.

    Returns:
        None when fewer than two analysts rated it or all gave the same rating; else
        {"spread": highest − lowest vote on the 1–5 scale (II 1 … CC 5, N/A left out),
        "split": spread ≥ ``SPLIT_SPREAD``, "who": "ana C · ben I"} (analysts in name order).
    """
    if len(votes) < 2 or len({r for _, r in votes}) < 2:
        return None
    numbers = [OPEN_SYNTHESIS_VOTES[r] for _, r in votes if r != "NA"]
    spread = int(max(numbers) - min(numbers)) if numbers else 0
    return {"spread": spread, "split": spread >= SPLIT_SPREAD,
            "who": " · ".join(f"{analyst} {rating}" for analyst, rating in sorted(votes))}


def view_choice(asked: str, shown: str, actor: str, analysts: Sequence[str]) -> dict[str, Any]:
    """Which ratings the matrix shows and which it could show: the widget's view menu and caption.

    Args:
        asked: the view asked for ("mine", "team" or an analyst's name).
        shown: whose ratings are shown: "team" or an analyst's name (the actor for "mine").
        actor: the acting analyst.
        analysts: who has rated something, in name order.

    Returns:
        {"asked", "shown", "actor", "mine" (the actor's own ratings are shown: a rating edits
        what is seen), "options": [{"value", "label"}] ("mine" first; "team" and each other
        analyst only when someone else has rated), "caption"}.
    """
    others = [a for a in analysts if a != actor]
    options = [{"value": "mine", "label": f"mine ({actor})"}]
    if others:
        options.append({"value": "team", "label": f"team ({len(analysts)} analysts)"})
        options += [{"value": a, "label": a} for a in others]
    mine = shown == actor
    if shown == "team" and len(analysts) > 1:
        caption = (f"Team view: the consensus of {', '.join(analysts)}; ≠ marks a cell where analysts are "
                   f"{SPLIT_SPREAD} or more steps apart. A rating here changes yours ({actor}).")
    elif mine:
        caption = f"Your ratings ({actor})." if others else ""
    else:
        caption = f"{shown}'s ratings. A rating here changes yours ({actor})."
    return {"asked": asked, "shown": shown, "actor": actor, "mine": mine or (shown == "team" and not others),
            "options": options, "caption": caption}


def matrix_view(hypotheses: "pd.DataFrame", evidence: "pd.DataFrame", scores: Mapping[str, Any] | None,
                votes: Mapping[tuple[str, str], Sequence[tuple[str, str]]] | None = None) -> dict[str, Any]:
    """The matrix of one analysis, drawn by the matrix widget and the report alike.

    Args:
        hypotheses: DataFrame of the hypotheses (id, name, position), in order.
        evidence: DataFrame of the evidence (``Analysis.evidence``: one rating column per hypothesis, the
            last columns, in order).
        scores: ``Scores.to_dict()`` of the same evidence (None: not scored, no engines shown).
        votes: every analyst's rating of each cell, (evidence id, hypothesis id) -> [(analyst,
            rating)], for the team view: each row then carries ``disputes``, hypothesis id ->
            ``cell_dispute`` for the cells the analysts rated differently. None: no ``disputes``.

    Returns:
        {"hypotheses": [{id, name, label}], "rows": [...], "engines": [{name, title, scores,
        leaders, words, range, origins, single_origin, format, explain, shown, spread, titles}],
        "disagreement", "independence", "assumption", "confidence", "confidence_text"}, with
        hypotheses and scores keyed by hypothesis id and every score already formatted
        (``shown``, ``spread``, ``titles``).
    """
    names = list(hypotheses["name"])
    ids = dict(zip(names, hypotheses["id"]))
    hyp_rows = [{"id": i, "name": n, "label": f"H{p}"}
                for i, n, p in zip(hypotheses["id"], hypotheses["name"], hypotheses["position"])]
    engines: list[dict[str, Any]] = []
    disagreement = independence = assumption = confidence = None
    diagnosticity: dict[str, dict[str, float]] = {}
    linchpins: dict[str, list[str]] = {}
    if len(evidence) and names and scores is not None:
        disagreement = scores.get("disagreement")
        confidence = scores.get("confidence")
        dependence = scores.get("dependence") or {}
        if dependence.get("assumption"):
            assumption = f"Bayes assumes {dependence['assumption']}"
        groups = independence_groups(scores)
        if groups:
            independence = "syndicated copies counted once: " + groups
        for name, engine in scores["engines"].items():
            engines.append(_engine_view(name, engine, ids))
            for label, value in (engine.get("diagnosticity") or {}).items():
                diagnosticity.setdefault(label, {})[name] = value
            for label in engine.get("linchpins") or []:
                linchpins.setdefault(label, []).append(engine["label"])
    # Ratings travel as one list per row in hypothesis order: 50 × 1,000 cells stay small.
    # The ratings are the evidence table's last columns, in hypothesis order: taken by place, not by
    # name, so a hypothesis named like another column ("note") cannot take that column's values.
    grid = evidence.iloc[:, -len(names):].to_numpy(dtype=object).tolist() if names else [[] for _ in range(len(evidence))]
    columns = {c: evidence[c].tolist() for c in ("id", "label", "kind", "exact", "note", "credibility", "relevance",
                                                 "info_credibility", "reliability", "copy", "flags")}
    rows = []
    for i, label in enumerate(columns["label"]):
        exact, note = columns["exact"][i], columns["note"][i] or ""
        text = exact if isinstance(exact, str) else note
        rows.append({
            "id": columns["id"][i], "label": label, "kind": columns["kind"][i],
            "text": text if len(text) <= TEXT_WIDTH else text[:TEXT_WIDTH - 1] + "…", "note": note,
            # the whole text where ``text`` is cut: the static matrix shows it all (few items are this long)
            "full_text": text if len(text) > TEXT_WIDTH else None,
            "ratings": grid[i], "credibility": columns["credibility"][i], "relevance": columns["relevance"][i],
            "info_credibility": _grade_number(columns["info_credibility"][i]),
            "reliability": columns["reliability"][i], "copy": bool(columns["copy"][i]), "flags": list(columns["flags"][i]),
            "diagnosticity": diagnosticity.get(label, {}), "linchpin": linchpins.get(label, []),
        })
        if votes is not None:
            found = ((hid, cell_dispute(votes.get((columns["id"][i], hid), ()))) for hid in hypotheses["id"])
            rows[-1]["disputes"] = {hid: dispute for hid, dispute in found if dispute is not None}
    return {"hypotheses": hyp_rows, "rows": rows, "engines": engines, "disagreement": disagreement,
            "independence": independence, "assumption": assumption, "confidence": confidence,
            "confidence_text": confidence_line({"confidence": confidence})}


def _engine_view(name: str, engine: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """One engine's scores keyed by hypothesis id, with each score formatted for display."""
    kind = "percent" if name == "bayes" else "number"
    view: dict[str, Any] = {
        "name": name, "title": engine["label"],
        "scores": {ids[h]: v for h, v in engine["scores"].items()},
        "leaders": [ids[h] for h in engine.get("leaders", [])],
        "words": {ids[h]: w for h, w in (engine.get("words") or {}).items()},
        "range": {ids[h]: r for h, r in (engine.get("range") or {}).items()},
        "origins": engine.get("independent_origins_for_leader"),
        "single_origin": bool(engine.get("single_origin")),
        "format": kind,
        "explain": "higher is better" if engine.get("higher_is_better") else "lower is better",
    }
    view["shown"] = {h: format_score(v, kind) for h, v in view["scores"].items()}
    view["spread"] = {h: format_range(*r) for h, r in view["range"].items() if r}
    view["titles"] = {h: score_title(view, h) for h in view["scores"]}
    return view


def _grade_number(value: Any) -> int | None:
    """An information-credibility grade as an int (None where absent or NaN)."""
    return None if value is None or value != value else int(value)


# -- articles --------------------------------------------------------------------------------
def legend_rows(spans: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The labels present in ``spans``, most frequent first: [{label, count, description}]."""
    counts = Counter(str(sp["label"]) for sp in spans)
    return [{"label": label, "count": count,
             "description": LABELS[label].description if label in LABELS else "custom label"}
            for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def article_view(article: Mapping[str, Any], spans: Sequence[Mapping[str, Any]], *, anchor: str | None = None,
                 passages: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """One article with its entities and evidence passages: what the reader, ``show()`` and the report draw.

    Args:
        article: dict with ``text`` and optionally ``title``, ``source``, ``forwarded_from``,
            ``author``, ``published``, ``language``, ``url``, ``copy_of``.
        spans: entity mentions (dicts with start, end, label and optionally canonical).
        anchor: an id for the article in a page (the report links to it).
        passages: evidence passages to underline (dicts with start, end, anchor, stance, title).

    Returns:
        {"title", "meta": [source, "forwarded from …", "by " author, published, language present],
        "copy_of", "url", "anchor",
        "text", "spans", "passages", "legend"}.
    """
    return {
        "title": str(article.get("title") or "(untitled)"),
        "meta": [_META_WORDS.get(k, "") + str(article[k])
                 for k in ("source", "forwarded_from", "author", "published", "language") if article.get(k)],
        "copy_of": str(article["copy_of"]) if article.get("copy_of") else None,
        "url": str(article["url"]) if article.get("url") else None,
        "anchor": anchor, "text": str(article["text"]), "spans": spans, "passages": passages,
        "legend": legend_rows(spans),
    }
