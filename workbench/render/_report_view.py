"""The report as plain data: the views of ``views.py`` put together, with the report's own parts
(where the hypotheses stand, sensitivity, the evidence list, passages to underline).

Pure: the workspace gathers frames, score dicts and charts (``workspace/_gather.py``) and calls
``report_view``; ``render/report.py`` turns the result into one escaped HTML page.
"""
from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..analysis.confidence import stated_level
from ..analysis.formats import engine_name, leaders_sentence
from ..analysis.scales import RATING_STANCES
from .table_views import entity_rows, entity_table, sources_table, table_view
from .views import article_view, format_range, format_score, independence_groups, matrix_view

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["report_view", "analysis_view", "follow_class", "underline_choices", "summary_view", "STANCE", "MOVES_SHOWN", "MOVE_COLUMNS"]

STANCE = RATING_STANCES  # how each rating underlines its passage; the scales' one home is analysis.scales
MOVES_SHOWN = 40   # the one-step rating changes listed per analysis (the rest are counted)
# the rating-change table's headings (``rating_perturbation``'s columns)
MOVE_COLUMNS = {"engine": "Engine", "evidence": "Evidence", "hypothesis": "Hypothesis", "analyst": "Analyst",
                "rating": "Rating", "to": "Changed to", "direction": "Direction", "leaders": "New leader(s)"}


def report_view(*, title: str | None, workspace: str, actor: str, written: str, version: str, fingerprint: str,
                articles: "pd.DataFrame", texts: Mapping[str, str], mentions: "pd.DataFrame", sources: "pd.DataFrame",
                analyses: Sequence[Mapping[str, Any]], copies: Sequence[Mapping[str, Any]], draws: int) -> dict[str, Any]:
    """Everything the report shows, as JSON-able data.

    Args:
        title: the page title (default: the first analysis's question, else the workspace name).
        workspace, actor, written, version, fingerprint: the provenance line.
        articles: DataFrame of the articles (``Workspace.articles``); texts: article id -> text.
        mentions: DataFrame of every entity mention (``Workspace.entities()``).
        sources: DataFrame of the outlets (``Workspace.sources``).
        analyses: per analysis, the gathered facts (see ``analysis_view``).
        copies: quotes found again in other copies of a story: dicts with evidence_id,
            article_id, start, end, method, score, tagged_in.
        draws: the Monte Carlo draws per analysis (for the method note).

    Returns:
        {"title", "provenance", "contents", "analyses", "sources", "articles", "entities",
        "labels", "underlines", "draws"}.
    """
    passages, anchors = _passages(analyses, copies)
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in mentions.to_dict("records"):
        by_article[row["article_id"]].append(row)
    heading = title or (analyses[0]["info"]["question"] if analyses else f"Workbench report — {workspace}")
    count, chosen = len(articles), len(analyses)
    provenance = (f'{count} {"article" if count == 1 else "articles"} · {chosen} analys{"is" if chosen == 1 else "es"} · '
                  f"written {written} by {actor} · workbench {version} · workspace {workspace} "
                  f"(fingerprint {fingerprint})")
    article_views = []
    for record in articles.to_dict("records"):
        record["text"] = texts[record["id"]]
        article_views.append(article_view(record, by_article.get(record["id"], []), anchor=f"article-{record['id']}",
                                          passages=passages.get(record["id"], [])))
    entities = entity_rows(mentions)
    return {
        "title": heading, "provenance": provenance,
        "contents": [{"id": f["id"], "question": f["info"]["question"]} for f in analyses],
        "analyses": [analysis_view(f, anchors) for f in analyses],
        "sources": sources_table(sources, articles),
        "articles": article_views,
        "entities": entity_table(entities) if entities else None,
        "labels": sorted(set(mentions["label"])) if len(mentions) else [],
        "underlines": underline_choices(analyses),
        "draws": draws,
    }


def follow_class(analysis: int, hypothesis: int, stance: str) -> str:
    """The class of an underline when it follows one hypothesis: "wb-f0-2-support" (analysis 0, H2).

    Args:
        analysis: the analysis's place in the report (from 0).
        hypothesis: the hypothesis's number (H1 = 1).
        stance: the evidence's stance on it (``RATING_STANCES``: support, refute, neutral, none).
    """
    return f"wb-f{analysis}-{hypothesis}-{stance}"


def underline_choices(analyses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the underlines of the articles can follow: per analysis with quotes, its hypotheses.

    Args:
        analyses: the gathered facts of each analysis (``report_view``'s ``analyses``).

    Returns:
        [{"index", "question", "hypotheses": [{"n", "label", "name"}]}], analyses without a quote
        in an article left out.
    """
    chosen = []
    for index, facts in enumerate(analyses):
        evidence = facts["evidence"]
        quoted = len(evidence) and ((evidence["kind"] == "quote") & evidence["article_id"].notna()).any()
        if not quoted or not len(facts["hypotheses"]):
            continue
        chosen.append({"index": index, "question": facts["info"]["question"],
                       "hypotheses": [{"n": n, "label": f"H{n}", "name": str(name)}
                                      for n, name in enumerate(facts["hypotheses"]["name"], start=1)]})
    return chosen


def analysis_view(facts: Mapping[str, Any], anchors: Mapping[str, str]) -> dict[str, Any]:
    """Everything the report says about one analysis.

    Args:
        facts: {"id", "info" (the analysis row), "hypotheses", "evidence" (DataFrames), "scores"
            (``Scores.to_dict()``, None when nothing is scored), "carlo" (``MonteCarlo.to_dict()``),
            "moves" (``rating_perturbation`` DataFrame), "charts" ([(caption, matplotlib Figure)])}.
        anchors: evidence id -> id of its passage in the report's article texts.

    Returns:
        {"id", "question", "meta", "scored", "standing", "matrix", "charts", "sensitivity", "evidence"};
        the last five only when scored.
    """
    info, evidence, hypotheses = facts["info"], facts["evidence"], facts["hypotheses"]
    names = list(hypotheses["name"])
    view: dict[str, Any] = {"id": facts["id"], "question": info["question"],
                            "meta": _meta(info, len(names), len(evidence)), "scored": False}
    scores = facts.get("scores")
    if not len(evidence) or not names or scores is None:
        return view
    matrix = matrix_view(hypotheses, evidence, scores, facts.get("votes"))  # the team's: disputed cells marked
    view.update(scored=True, standing=_standing(names, scores, facts.get("carlo") or {}), matrix=matrix,
                summary=summary_view(info["question"], scores),
                charts=[{"caption": caption, "svg": _svg(figure)} for caption, figure in facts.get("charts", ())],
                sensitivity=_sensitivity(scores, facts["moves"]),
                evidence=_evidence_list(evidence, matrix, anchors))
    return view


def summary_view(question: str, scores: Mapping[str, Any]) -> dict[str, Any]:
    """The first page's lines for one analysis: the question, the standing and its confidence.

    Args:
        question: the analysis's question.
        scores: ``Scores.to_dict()``.

    Returns:
        {"question", "leaders": ["name — words (p; range …)"] (by the Bayesian view where scored,
        else by the first engine), "agreement": who leads under each engine, "confidence": "Confidence: …"
        or None}.
    """
    engines = scores["engines"]
    bayes = engines.get("bayes")
    lines = []
    if bayes is not None:
        for name in bayes.get("leaders", []):
            low, high = bayes["range"][name]
            lines.append(f"{name} — {bayes['words'][name]} ({format_score(bayes['scores'][name], 'percent')}; "
                         f"range {format_range(low, high)}: {bayes['range_words'][name]})")
    elif engines:
        first = next(iter(engines.values()))
        lines = [f"{name} — leads under {first['label']}" for name in first.get("leaders", [])]
    confidence = scores.get("confidence")
    return {"question": question, "leaders": lines,
            "agreement": leaders_sentence({key: list(e.get("leaders", [])) for key, e in engines.items()})["text"],
            "confidence": f"Confidence: {stated_level(confidence)}" if confidence else None}


def _meta(info: Mapping[str, Any], hypotheses: int, evidence: int) -> str:
    bits = [f"{hypotheses} hypotheses", f"{evidence} evidence items"]
    if info.get("time_horizon"):
        bits.append(f"time horizon: {info['time_horizon']}")
    if info.get("classification"):
        bits.append(f"classification: {info['classification']}")
    bits.append(f"by {info['created_by']}, last changed {info['updated_at']}")
    return " · ".join(bits)


def _standing(names: list[str], scores: Mapping[str, Any], carlo: Mapping[str, Any]) -> dict[str, Any]:
    """Where the hypotheses stand under each engine, with the notes that go with the table."""
    engines = scores["engines"]
    robustness = carlo.get("robustness", {})
    rows = []
    for name in names:
        cells = []
        for key, engine in engines.items():
            cell: dict[str, Any] = {"shown": format_score(engine["scores"][name], "percent" if key == "bayes" else "number"),
                                    "leader": name in engine.get("leaders", []), "words": None, "range": None,
                                    "robustness": robustness.get(key, {}).get(name)}
            if key == "bayes":
                cell["words"] = engine["words"][name]
                cell["range"] = f"range {format_range(*engine['range'][name])}: {engine['range_words'][name]}"
            cells.append(cell)
        rows.append({"name": name, "cells": cells})
    leaders = leaders_sentence({key: list(e.get("leaders", [])) for key, e in engines.items()})
    confidence = scores.get("confidence")
    dependence = scores.get("dependence") or {}
    dependence_note = None
    if dependence:
        rule = ("ungraded sources keep the published likelihoods" if dependence.get("ungraded") == "as-published"
                else "ungraded sources are discounted like grade F (cannot be judged)")
        dependence_note = (f"Bayesian view assumes {dependence.get('assumption', '')}; the range runs from one "
                           f"observation per origin to every item independent. "
                           f"{dependence.get('independent_origins', 0)} independent origin(s) in all; {rule}. "
                           "Robustness lines report Monte Carlo first places under rating noise: they are not "
                           "probabilities.")
    groups = independence_groups(scores)
    return {
        "engines": [e["label"] for e in engines.values()], "rows": rows,
        "origins": [{"count": e.get("independent_origins_for_leader", 0), "single": bool(e.get("single_origin"))}
                    for e in engines.values()],
        "agree": leaders["agree"], "leaders": leaders["text"],
        "confidence": None if not confidence else {
            "level": confidence["level"], "head": f"Confidence: {stated_level(confidence)}",
            "reasons": list(confidence["reasons"])},
        "dependence": dependence_note,
        "independence": f"Syndicated copies of one story count once: {groups}." if groups else None,
    }


def _svg(figure: Any) -> str:
    """A matplotlib figure as an inline ``<svg>`` (matplotlib escapes its own text)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "workbench"}):
        figure.savefig(buffer, format="svg")  # the charts lay themselves out; "tight" would draw twice
    figure.clear()
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE: inline SVG needs neither


def _sensitivity(scores: Mapping[str, Any], moves: "pd.DataFrame") -> dict[str, Any]:
    """Linchpins and leaders per engine (from the one leave-one-out inside the scores) and the
    one-step rating changes that change the leader."""
    rows = []
    for engine in scores["engines"].values():
        items = engine.get("linchpins") or []
        shown = ", ".join(items) if items else "none — no single item's removal changes the leader"
        rows.append([engine["label"], " = ".join(engine["leaders"]), shown])
    linchpins = table_view(["Engine", "Leader", "Linchpins (leave one out)"], rows, row_headers=True)
    flips = None
    if len(moves):
        more = f"… and {len(moves) - MOVES_SHOWN} more." if len(moves) > MOVES_SHOWN else None
        shown = moves.head(MOVES_SHOWN).assign(engine=lambda f: f["engine"].map(engine_name))
        if "analyst" in shown and not shown["analyst"].fillna("").astype(str).str.strip().any():
            shown = shown.drop(columns="analyst")  # one analyst's matrix: the column would stay empty
        flips = table_view([MOVE_COLUMNS.get(str(c), str(c)) for c in shown.columns],
                           ([str(v) for v in row] for row in shown.itertuples(index=False)),
                           sortable=True, more=more)
    return {"linchpins": linchpins, "moves": flips}


def _evidence_list(evidence: "pd.DataFrame", matrix: Mapping[str, Any],
                   anchors: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each evidence item with its quote or note, where it is, its ratings and weights."""
    linchpin = {row["id"]: row["linchpin"] for row in matrix["rows"]}
    # each row's ratings in hypothesis order, as the matrix took them (by place, not by column
    # name: a hypothesis named like a column, say "note", must not show that column's values)
    rated = {row["id"]: row["ratings"] for row in matrix["rows"]}
    items = []
    for r in evidence.to_dict("records"):
        item: dict[str, Any] = {"id": r["id"], "label": r["label"], "kind": r["kind"],
                                "search": (r["exact"] or r["note"] or "").lower()}
        if r["kind"] == "quote":
            target, where = anchors.get(r["id"]), ""
            if r.get("anchor_method") == "orphaned":
                target, where = None, " · orphaned: not found in this workspace's articles"
            elif r.get("anchor_method") == "fuzzy" and r.get("anchor_score") is not None:
                where = f" · found in changed text (match {float(r['anchor_score']):.2f})"
            if r.get("page") is not None:
                where = f" · p. {int(r['page'])}{where}"  # a PDF's page: the citation an analyst can check
            item.update(quote=r["exact"], source=r["source"] or "unknown source", anchor=target, where=where,
                        note=r["note"] or None)
        else:
            item.update(quote=None, text=r["note"] or "", note=None)
        ratings = " · ".join(f"H{i + 1} {value}" for i, value in enumerate(rated[r["id"]]) if value not in (None, "NA"))
        info = r["info_credibility"]
        grade = f"{r['reliability'] or '–'}{'' if info is None or info != info else int(info)}"
        flags = ", ".join(r["flags"])
        item["meta"] = (f"{'★ linchpin · ' if linchpin.get(r['id']) else ''}ratings: {ratings or 'none'} · "
                        f"credibility {r['credibility']} · relevance {r['relevance']} · grade {grade}"
                        f"{' · copy' if r['copy'] else ''}{' · flags: ' + flags if flags else ''}")
        items.append(item)
    return items


def _passages(analyses: Sequence[Mapping[str, Any]],
              copies: Sequence[Mapping[str, Any]]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Evidence passages per article (for underlines) and each evidence item's anchor id.

    A quote shows on the article it was tagged in and, found again, on every other copy of
    the same story (a syndicated or later edited copy); an orphaned quote shows nowhere.
    """
    passages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    anchors: dict[str, str] = {}
    found_in: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for p in copies:
        found_in[p["evidence_id"]].append(p)
    for index, facts in enumerate(analyses):
        evidence, count = facts["evidence"], len(facts["hypotheses"])
        # every hypothesis's ratings: the last ``count`` columns, taken by place (not by name)
        grid = (evidence.iloc[:, len(evidence.columns) - count:].to_numpy(dtype=object).tolist() if count
                else [[] for _ in range(len(evidence))])
        question = facts["info"]["question"]
        for r, ratings in zip(evidence.to_dict("records"), grid):
            if r["kind"] != "quote" or r["article_id"] is None or r["start"] is None:
                continue
            anchor = f"passage-{r['id']}"
            anchors[r["id"]] = anchor
            stances = [STANCE.get(rating, "none") for rating in ratings]
            stance = stances[0] if stances else "none"  # the default: the underline follows H1
            follow = [follow_class(index, n, st) for n, st in enumerate(stances, start=1)]
            title = f"{r['label']} ({question[:60]})"
            passages[r["article_id"]].append({"start": int(r["start"]), "end": int(r["end"]), "anchor": anchor,
                                              "stance": stance, "follow": follow, "title": title})
            for p in found_in.get(r["id"], ()):
                how = "found" if p["method"] == "exact" else f"found approximately, score {p['score']:.2f},"
                passages[p["article_id"]].append({
                    "start": int(p["start"]), "end": int(p["end"]), "anchor": f"passage-{r['id']}-{p['article_id']}",
                    "stance": stance, "follow": follow,
                    "title": f"{title}: tagged in {p['tagged_in']}, {how} in this copy"})
    return passages, anchors
