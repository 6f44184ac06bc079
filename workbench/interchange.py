"""An analysis in and out of the workspace as an analysis document (see
``workbench.analysis.document``), and the file formats written from it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from . import _schema as s
from ._anchor import locate
from ._changes import ChangeSet
from .errors import StoreError
from .store import now

if TYPE_CHECKING:
    from .ach import Analysis
    from .workspace import Workspace

__all__ = ["analysis_to_document", "import_document", "read_analysis_file", "export_analysis", "FORMATS"]

FORMATS = ("json", "achz", "w3c", "csv")
_IN_SLICE = 500


def analysis_to_document(analysis: "Analysis") -> dict[str, Any]:
    """The whole analysis as a version-1 analysis document (validated, normal form)."""
    from .analysis.document import SCHEMA, SCHEMA_VERSION, validate_document

    info = analysis.info
    hyps = analysis.hypotheses
    e, a, src, r = s.evidence, s.articles, s.sources, s.ratings
    with analysis.ws.store.read() as conn:
        rows = conn.execute(
            select(e, a.c.url, a.c.copy_of, src.c.name.label("source"), src.c.reliability)
            .select_from(e.outerjoin(a, e.c.article_id == a.c.id).outerjoin(src, a.c.source_id == src.c.id))
            .where(e.c.analysis_id == analysis.id).order_by(e.c.position)).mappings().all()
        ratings = conn.execute(select(r.c.evidence_id, r.c.hypothesis_id, r.c.rating)
                               .join(e, e.c.id == r.c.evidence_id).where(e.c.analysis_id == analysis.id)).all()
    groups = {item["id"]: item["group"] for item in analysis._evidence_rows()}
    evidence = []
    for row in rows:
        evidence.append({
            "id": row["id"], "kind": row["kind"], "article_id": row["article_id"], "start": row["start"],
            "end": row["end"], "exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"],
            "content_hash": row["content_hash"], "note": row["note"], "analyst": row["analyst"],
            "created_at": row["created_at"], "updated_at": row["updated_at"], "event_date": row["event_date"],
            "report_date": row["report_date"], "credibility": row["credibility"], "relevance": row["relevance"],
            "info_credibility": row["info_credibility"], "reliability": row["reliability"], "source": row["source"],
            "url": row["url"], "group": groups.get(row["id"]), "flags": json.loads(row["flags"] or "[]"),
            "evidence_type": row["evidence_type"],
        })
    positions = [int(p) for p in hyps["position"]]
    if len(set(positions)) != len(positions):
        # a workspace that imported a 0-based file before positions were renumbered on import
        # holds two hypotheses at one position: export them in the order they are shown
        positions = list(range(1, len(positions) + 1))
    doc = {
        "schema": SCHEMA, "version": SCHEMA_VERSION,
        "analysis": {k: info[k] for k in ("id", "question", "time_horizon", "created_by", "created_at",
                                          "updated_at", "classification")},
        "hypotheses": [{"id": i, "name": n, "description": d, "position": p, "is_other": bool(o)}
                       for i, n, d, p, o in zip(hyps["id"], hyps["name"], hyps["description"], positions,
                                                hyps["is_other"])],
        "evidence": evidence,
        "ratings": [{"evidence_id": ev, "hypothesis_id": hy, "rating": rt} for ev, hy, rt in ratings],
    }
    return validate_document(doc)


def read_analysis_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON analysis document or a PARC ``.achz`` file, told apart by content.

    Returns:
        The validated document (``validate_document``'s normal form).

    Raises:
        StoreError: unreadable file, not JSON and not gzip, a file beyond the ``.achz`` limits,
            invalid document — one line naming the file.
    """
    from .analysis.achz import read_achz
    from .analysis.document import validate_document

    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StoreError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return read_achz(data)
        except ValueError as exc:
            raise StoreError(f"{name}: {exc}") from None
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{name}: neither an analysis JSON document nor a gzip .achz file ({exc})") from None
    try:
        return validate_document(doc)
    except ValueError as exc:
        raise StoreError(f"{name}: {exc}") from None


def import_document(ws: "Workspace", doc: dict[str, Any], *, name: str = "document",
                    validated: bool = False) -> "Analysis":
    """Store an analysis document as a new analysis, all or nothing.

    Quotes are checked against the workspace's articles: at their offsets, else found again by
    their quote selector (exact + prefix + suffix) in the same article or in an article with the
    same content hash. A quote found nowhere is an error and nothing is written.

    Args:
        ws: the workspace.
        doc: the analysis document.
        name: what to call it in errors (the file name).
        validated: ``doc`` is ``validate_document``'s result, unchanged since (as
            ``read_analysis_file`` returns it): not validated again (a second pass over a
            20,000-item analysis costs a second or so).
    """
    from .ach import Analysis
    from .analysis.document import validate_document

    if not validated:
        try:
            doc = validate_document(doc)
        except ValueError as exc:
            raise StoreError(f"{name}: {exc}") from None
    info = doc["analysis"]
    aid = info.get("id") or _new_id()
    stamp = now()
    with ws.store.transaction() as conn:
        if conn.execute(select(s.analyses.c.id).where(s.analyses.c.id == aid)).first():
            raise StoreError(f"{name}: analysis {aid} is already in this workspace")
        doc = _fresh_ids_if_taken(conn, doc)
        anchors = {item["id"]: _anchor(conn, item, name) for item in doc["evidence"] if item["kind"] == "quote"}
        change = ChangeSet(conn, aid, f"import analysis {info['question'][:60]!r}")
        change.insert(s.analyses, {"id": aid, "question": info["question"], "time_horizon": info["time_horizon"],
                                   "classification": info["classification"], "created_by": info["created_by"] or ws.actor,
                                   "created_at": info["created_at"] or stamp, "updated_at": info["updated_at"] or stamp})
        # Positions are 1-based in the workspace (hypotheses are shown as H1, H2…): a document's
        # own positions are kept when they already are, else (0-based, as PARC files and many
        # JSON documents have them) the hypotheses are numbered 1… in their order.
        keep = all(h["position"] >= 1 for h in doc["hypotheses"])
        change.insert_many(s.hypotheses, [
            {"id": hyp["id"], "analysis_id": aid, "name": hyp["name"], "description": hyp["description"],
             "position": hyp["position"] if keep else position, "is_other": int(bool(hyp["is_other"]))}
            for position, hyp in enumerate(doc["hypotheses"], 1)])
        no_anchor = dict.fromkeys(("article_id", "start", "end", "exact", "prefix", "suffix", "content_hash"))
        change.insert_many(s.evidence, [
            {"id": item["id"], "analysis_id": aid, "kind": item["kind"], **no_anchor, **anchors.get(item["id"], {}),
             "note": item["note"], "analyst": item["analyst"] or ws.actor, "created_at": item["created_at"] or stamp,
             "updated_at": item["updated_at"] or stamp, "event_date": item["event_date"],
             "report_date": item["report_date"], "credibility": item["credibility"], "relevance": item["relevance"],
             "info_credibility": item["info_credibility"], "flags": json.dumps(item["flags"]), "position": position,
             "evidence_type": item["evidence_type"]}
            for position, item in enumerate(doc["evidence"], 1)])
        change.insert_many(s.ratings, [dict(rating) for rating in doc["ratings"] if rating["rating"] != "NA"])
        change.commit(ws.actor)
    return Analysis(ws, aid)


def _fresh_ids_if_taken(conn: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """Hypothesis and evidence ids are unique across a workspace: a copy of an analysis
    imported beside its original gets new ones (references follow)."""
    hyp_ids = [h["id"] for h in doc["hypotheses"]]
    ev_ids = [e["id"] for e in doc["evidence"]]
    # in slices: SQLite caps the parameters of one statement, and an analysis may hold 50,000 items
    taken = any(conn.execute(select(column).where(column.in_(ids[i:i + _IN_SLICE]))).first()
                for column, ids in ((s.hypotheses.c.id, hyp_ids), (s.evidence.c.id, ev_ids))
                for i in range(0, len(ids), _IN_SLICE))
    if not taken:
        return doc
    new = {old: _new_id() for old in (*hyp_ids, *ev_ids)}
    return {**doc,
            "hypotheses": [{**h, "id": new[h["id"]]} for h in doc["hypotheses"]],
            "evidence": [{**e, "id": new[e["id"]]} for e in doc["evidence"]],
            "ratings": [{**r, "evidence_id": new[r["evidence_id"]], "hypothesis_id": new[r["hypothesis_id"]]}
                        for r in doc["ratings"]]}


def _anchor(conn: Any, item: dict[str, Any], name: str) -> dict[str, Any]:
    a = s.articles
    candidates = []
    if item["article_id"]:
        candidates += conn.execute(select(a.c.id, a.c.text, a.c.content_hash).where(a.c.id == item["article_id"])).all()
    if item["content_hash"]:
        candidates += conn.execute(select(a.c.id, a.c.text, a.c.content_hash)
                                   .where(a.c.content_hash == item["content_hash"])).all()
    for article_id, text, digest in candidates:
        found = locate(text, item["exact"] or "", item["prefix"] or "", item["suffix"] or "", item["start"])
        if found:
            start, end = found
            return {"article_id": article_id, "start": start, "end": end, "exact": text[start:end],
                    "prefix": item["prefix"], "suffix": item["suffix"], "content_hash": digest}
    where = f"article {item['article_id']}" if candidates else f"this workspace (article {item['article_id']} is not in it)"
    raise StoreError(f"{name}: evidence {item['id']}: quote {str(item['exact'])[:50]!r} no longer matches {where}")


def export_analysis(analysis: "Analysis", fmt: str, path: str | Path) -> Path:
    """Write an analysis as json | achz | w3c | csv, atomically; returns the path."""
    if fmt not in FORMATS:
        raise StoreError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    try:
        payload = _payload(analysis_to_document(analysis), fmt)
    except ValueError as exc:  # a stored analysis the document rules refuse: say so, in one line
        raise StoreError(f"analysis {analysis.id}: cannot export as {fmt}: {exc}") from None
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(payload)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def _payload(doc: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "achz":
        from .analysis.achz import write_achz

        return write_achz(doc)
    if fmt == "w3c":
        from .analysis.w3c import to_web_annotations

        urls = {e["article_id"]: e["url"] for e in doc["evidence"] if e["article_id"]}
        return json.dumps(to_web_annotations(doc, urls), ensure_ascii=False, indent=2).encode("utf-8")
    from .analysis import matrix_csv

    return matrix_csv(doc).encode("utf-8")


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


