"""An analysis in and out of the workspace as an analysis document (see
``workbench.analysis.document``), and the file formats written from it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: document, achz, w3c load on first use
from .._anchor import Match, find_quote, make_anchor
from ._ach_views import TEAM, resolve_view, view_ratings
from ..store.changes import ChangeSet
from .._json import JSONLimitError, load_json
from .._paths import atomic_write
from ..errors import StoreError
from ..store import audit, new_id, now
from ..store.analyses import analysis_exists, ids_taken
from ..store.articles import candidate_articles, text_and_hash

if TYPE_CHECKING:
    from ._ach_state import AnalysisState
    from .ach import Analysis
    from .core import Workspace

__all__ = ["analysis_to_document", "state_to_document", "import_document", "read_analysis_file", "export_analysis", "FORMATS"]

FORMATS = ("json", "achz", "w3c", "csv")


def analysis_to_document(analysis: "Analysis", view: str | None = None) -> dict[str, Any]:
    """The whole analysis as an analysis document (validated, normal form), from one read of
    it: every analyst's ratings, and the team's consensus as ``ratings`` (see
    ``state_to_document`` for ``view``)."""
    return state_to_document(analysis.state(), view)


def state_to_document(state: "AnalysisState", view: str | None = None) -> dict[str, Any]:
    """An analysis as one read found it (``AnalysisState``), as an analysis document.

    Args:
        state: the analysis's state (its evidence carries the outlet's grade as stored and the
            item's own report date: the document keeps what the analyst entered).
        view: None or "team": every analyst's ratings (``analyst_ratings``) and their consensus
            (``ratings``); an analyst's name (or "mine"): that analyst's alone, in both.
    Returns:
        The validated document.
    Raises:
        StoreError: ``view`` names no analyst of this analysis.
    """
    info, hyps, items = state.info, state.hypotheses, state.items
    chosen = resolve_view(view, state.actor, state.analysts(), state.id)
    rated = state.rated if chosen == TEAM else state.rated[state.rated["analyst"] == chosen]
    # ``ratings`` is the one matrix single-matrix formats write: the team's, or the chosen analyst's
    team = view_ratings(rated, None, state.actor, state.id)
    evidence = [{
        "id": row["id"], "kind": row["kind"], "article_id": row["article_id"], "start": row["start"],
        "end": row["end"], "exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"],
        "content_hash": row["content_hash"], "note": row["note"], "analyst": row["analyst"],
        "created_at": row["created_at"], "updated_at": row["updated_at"], "event_date": row["event_date"],
        "report_date": row["stored_report_date"], "credibility": row["credibility"], "relevance": row["relevance"],
        "info_credibility": row["info_credibility"], "reliability": row["source_reliability"],
        "source": row["source"], "url": row["url"], "title": row["title"], "group": row["group"],
        "flags": list(row["flags"]), "anchor_method": row["anchor_method"], "anchor_score": row["anchor_score"],
        "evidence_type": row["evidence_type"],
    } for row in items.to_dict("records")]
    positions = [int(p) for p in hyps["position"]]
    if len(set(positions)) != len(positions):
        # a workspace that imported a 0-based file before positions were renumbered on import
        # holds two hypotheses at one position: export them in the order they are shown
        positions = list(range(1, len(positions) + 1))
    doc = {
        "schema": maths.SCHEMA, "version": maths.SCHEMA_VERSION,
        "analysis": {k: info[k] for k in ("id", "question", "time_horizon", "created_by", "created_at",
                                          "updated_at", "classification")},
        "hypotheses": [{"id": i, "name": n, "description": d, "position": p, "is_other": bool(o)}
                       for i, n, d, p, o in zip(hyps["id"], hyps["name"], hyps["description"], positions,
                                                hyps["is_other"])],
        "evidence": evidence,
        "ratings": [{"evidence_id": ev, "hypothesis_id": hy, "rating": rt}
                    for ev, hy, rt in team.itertuples(index=False, name=None)],
        "analyst_ratings": [{"analyst": who, "evidence_id": ev, "hypothesis_id": hy, "rating": rt} for ev, hy, who, rt
                            in rated[["evidence_id", "hypothesis_id", "analyst", "rating"]].itertuples(index=False,
                                                                                                       name=None)],
    }
    return maths.validate_document(doc)


def read_analysis_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON analysis document or a PARC ``.achz`` file, told apart by content.

    Returns:
        The validated document (``validate_document``'s normal form).

    Raises:
        StoreError: unreadable file, not JSON and not gzip, a file beyond the ``.achz`` limits,
            invalid document — one line naming the file.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StoreError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return maths.read_achz(data)
        except ValueError as exc:
            raise StoreError(f"{name}: {exc}") from None
    try:
        doc = load_json(data.decode("utf-8-sig"))
    except JSONLimitError as exc:
        raise StoreError(f"{name}: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{name}: neither an analysis JSON document nor a gzip .achz file ({exc})") from None
    try:
        return maths.validate_document(doc)
    except ValueError as exc:
        raise StoreError(f"{name}: {exc}") from None


def import_document(ws: "Workspace", doc: dict[str, Any], *, name: str = "document",
                    validated: bool = False) -> str:
    """Store an analysis document as a new analysis, in one transaction.

    Each quote's article is looked for by id, then content hash, then URL, then title and
    outlet; the quote is found in it at its offsets, else approximately by its selector (exact
    + prefix + suffix, see ``_anchor.find_quote``), and records how (exact | fuzzy + score).
    A quote found in no article is kept, with its ratings, as an orphan (``Analysis.orphans``
    lists them): an import never fails for it.

    Args:
        ws: the workspace.
        doc: the analysis document.
        name: what to call it in errors (the file name).
        validated: ``doc`` is ``validate_document``'s result, unchanged since (as
            ``read_analysis_file`` returns it): not validated again (a second pass over a
            20,000-item analysis costs a second or so).

    Returns:
        The new analysis's id (the workspace opens it: this layer builds no ``Analysis``).
    """
    if not validated:
        try:
            doc = maths.validate_document(doc)
        except ValueError as exc:
            raise StoreError(f"{name}: {exc}") from None
    info = doc["analysis"]
    aid = info.get("id") or new_id()
    stamp = now()
    with ws.store.transaction() as conn:
        if analysis_exists(conn, aid):
            raise StoreError(f"{name}: analysis {aid} is already in this workspace")
        doc = _fresh_ids_if_taken(conn, doc)
        texts: dict[str, tuple[str, str]] = {}
        anchors = {item["id"]: _anchor(conn, item, texts) for item in doc["evidence"] if item["kind"] == "quote"}
        change = ChangeSet(conn, aid, f"import analysis {info['question'][:60]!r}")
        change.insert("analyses", {"id": aid, "question": info["question"], "time_horizon": info["time_horizon"],
                                   "classification": info["classification"], "created_by": info["created_by"] or ws.actor,
                                   "created_at": info["created_at"] or stamp, "updated_at": info["updated_at"] or stamp})
        # Positions are 1-based in the workspace (hypotheses are shown as H1, H2…): a document's
        # own positions are kept when they already are, else (0-based, as PARC files and many
        # JSON documents have them) the hypotheses are numbered 1… in their order.
        keep = all(h["position"] >= 1 for h in doc["hypotheses"])
        change.insert_many("hypotheses", [
            {"id": hyp["id"], "analysis_id": aid, "name": hyp["name"], "description": hyp["description"],
             "position": hyp["position"] if keep else position, "is_other": int(bool(hyp["is_other"]))}
            for position, hyp in enumerate(doc["hypotheses"], 1)])
        # in bulk, every row with the same columns (an analysis may hold 50,000 items)
        no_anchor = dict.fromkeys(("article_id", "start", "end", "exact", "prefix", "suffix", "content_hash",
                                   "anchor_method", "anchor_score"))
        rows = [{"id": item["id"], "analysis_id": aid, "kind": item["kind"], **no_anchor, **anchors.get(item["id"], {}),
                 "note": item["note"], "analyst": item["analyst"] or ws.actor,
                 "created_at": item["created_at"] or stamp, "updated_at": item["updated_at"] or stamp,
                 "event_date": item["event_date"], "report_date": item["report_date"],
                 "credibility": item["credibility"], "relevance": item["relevance"],
                 "info_credibility": item["info_credibility"], "flags": json.dumps(item["flags"]),
                 "position": position, "evidence_type": item["evidence_type"]}
                for position, item in enumerate(doc["evidence"], 1)]
        change.insert_many("evidence", rows)
        for item, row in zip(doc["evidence"], rows):
            if item["kind"] == "quote" and row["exact"] != item["exact"]:
                # the quote was found in changed words: the words as imported stay on record
                audit(conn, actor=ws.actor, action="reanchor", target_type="evidence", target_id=item["id"],
                      before={key: item[key] for key in ("article_id", "start", "end", "exact", "prefix", "suffix")},
                      after={key: row[key] for key in ("article_id", "start", "end", "exact", "anchor_method",
                                                       "anchor_score")})
        # each analyst's own ratings when the document has them (``ratings`` is then their
        # consensus, derived again from them); else its one matrix, as the importing analyst's
        own = doc.get("analyst_ratings") or [{**rating, "analyst": ws.actor} for rating in doc["ratings"]]
        change.insert_many("ratings", [rating for rating in own if rating["rating"] != "NA"])
        change.commit(ws.actor)
    return aid


def _fresh_ids_if_taken(conn: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """Hypothesis and evidence ids are unique across a workspace: a copy of an analysis
    imported beside its original gets new ones (references follow)."""
    hyp_ids = [h["id"] for h in doc["hypotheses"]]
    ev_ids = [e["id"] for e in doc["evidence"]]
    if not ids_taken(conn, hyp_ids, ev_ids):
        return doc
    new = {old: new_id() for old in (*hyp_ids, *ev_ids)}
    return {**doc,
            "hypotheses": [{**h, "id": new[h["id"]]} for h in doc["hypotheses"]],
            "evidence": [{**e, "id": new[e["id"]]} for e in doc["evidence"]],
            "ratings": [{**r, "evidence_id": new[r["evidence_id"]], "hypothesis_id": new[r["hypothesis_id"]]}
                        for r in doc["ratings"]],
            "analyst_ratings": [{**r, "evidence_id": new[r["evidence_id"]], "hypothesis_id": new[r["hypothesis_id"]]}
                                for r in doc.get("analyst_ratings", [])]}


def _anchor(conn: Any, item: dict[str, Any], texts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The evidence columns anchoring one imported quote: found, or orphaned.

    Args:
        conn: the import's connection.
        item: the document's evidence item.
        texts: article id -> (text, content hash), filled as articles are read (shared by the
            items of one import).
    """
    exact, prefix, suffix = item["exact"] or "", item["prefix"] or "", item["suffix"] or ""
    first = None
    for tier in candidate_articles(conn, article_id=item["article_id"], content_hash=item["content_hash"],
                                   url=item["url"], title=item.get("title"), source=item["source"]):
        best: tuple[Match, str] | None = None
        for article_id in tier:
            first = first or article_id
            if article_id not in texts:
                texts[article_id] = text_and_hash(conn, article_id)
            found = find_quote(texts[article_id][0], exact, prefix, suffix, item["start"])
            if found and (best is None or found.score > best[0].score):
                best = (found, article_id)
        if best is not None:
            found, article_id = best
            text, digest = texts[article_id]
            if text.startswith(exact, found.start) and text.endswith(prefix, 0, found.start) \
                    and text.startswith(suffix, found.end):
                before, after = item["prefix"], item["suffix"]  # the selector still holds as written
            else:  # the words around it changed: a selector for this article's text
                anchor = make_anchor(text, found.start, found.end)
                before, after = anchor.prefix, anchor.suffix
            return {"article_id": article_id, "start": found.start, "end": found.end,
                    "exact": text[found.start:found.end], "prefix": before, "suffix": after, "content_hash": digest,
                    "anchor_method": found.method, "anchor_score": found.score}
    # Orphaned: the words, context and ratings stay; the article, if one was found, is named.
    return {"article_id": first, "start": None, "end": None, "exact": exact, "prefix": item["prefix"],
            "suffix": item["suffix"], "content_hash": item["content_hash"], "anchor_method": "orphaned",
            "anchor_score": None}


def export_analysis(analysis: "Analysis", fmt: str, path: str | Path, view: str | None = None) -> Path:
    """Write an analysis as json | achz | w3c | csv, atomically; returns the path.

    Args:
        analysis: the analysis.
        fmt: json | achz | w3c | csv.
        path: where to write.
        view: whose ratings: None or "team" (JSON: every analyst's and the consensus; the
            one-matrix formats: the consensus), an analyst's name or "mine" (theirs alone).
    Raises:
        StoreError: an unknown format or analyst, or an analysis the document rules refuse.
    """
    if fmt not in FORMATS:
        raise StoreError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    state = analysis.state()
    chosen = resolve_view(view, state.actor, state.analysts(), state.id)
    try:
        payload = _payload(state_to_document(state, view), fmt, None if chosen == TEAM else chosen)
    except ValueError as exc:  # a stored analysis the document rules refuse: say so, in one line
        raise StoreError(f"analysis {analysis.id}: cannot export as {fmt}: {exc}") from None
    return atomic_write(path, payload)


def _payload(doc: dict[str, Any], fmt: str, ratings_of: str | None) -> bytes:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "achz":
        return maths.write_achz(doc, ratings_of=ratings_of)
    if fmt == "w3c":
        urls = {e["article_id"]: e["url"] for e in doc["evidence"] if e["article_id"]}
        return json.dumps(maths.to_web_annotations(doc, urls), ensure_ascii=False, indent=2).encode("utf-8")
    return maths.matrix_csv(doc).encode("utf-8")


