"""Export quoted evidence as W3C Web Annotations (JSON-LD).

One ``AnnotationCollection`` (labelled with the question, its ``creator`` the analysis's
author, ``created`` / ``modified`` its timestamps) whose first page — ``partOf`` the
collection — holds one ``Annotation`` per quote: motivation
``assessing``, the target is the article (``source``) selected twice — a
``TextQuoteSelector`` (exact / prefix / suffix, robust to re-ingestion) and a
``TextPositionSelector`` (character offsets) — and the bodies are the analyst's note
(purpose ``commenting``) plus one ``TextualBody`` per rated hypothesis (purpose ``assessing``),
e.g. "consistent (C) with hypothesis: Belarus joins the ground war".
Assumptions and absences have no place in a text, so they are not exported; an analysis with
no quotes is an empty collection (``total`` 0) with no page, since a page must hold at least
one annotation. See https://www.w3.org/TR/annotation-model/ (sections 3.3 and 5).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .document import validate_document
from .scales import RATING_NAMES

__all__ = ["to_web_annotations", "ANNOTATION_CONTEXT"]

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _quote_selector(item: Mapping[str, Any]) -> dict[str, Any]:
    selector = {"type": "TextQuoteSelector", "exact": item["exact"]}
    for key in ("prefix", "suffix"):
        if item[key]:
            selector[key] = item[key]
    return selector


def to_web_annotations(doc: Mapping[str, Any], article_urls: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The quoted evidence of an analysis as a W3C Web Annotation collection.

    Args:
        doc: analysis document (validated here).
        article_urls: article id → URL of the article; an article without one is named by
            the evidence ``url`` or else ``urn:workbench:article:<id>``.

    Returns:
        A JSON-ready dict (``json.dumps`` it to write ``.jsonld``).
    """
    doc = validate_document(doc)
    article_urls = article_urls or {}
    names = {h["id"]: h["name"] for h in doc["hypotheses"]}
    order = {h["id"]: i for i, h in enumerate(doc["hypotheses"])}
    ratings: dict[str, list[dict[str, str]]] = {}
    for rating in doc["ratings"]:
        ratings.setdefault(rating["evidence_id"], []).append(rating)
    analysis_id = doc["analysis"]["id"]
    base = f"urn:workbench:analysis:{analysis_id}" if analysis_id else "urn:workbench:analysis"
    items = []
    for item in doc["evidence"]:
        if item["kind"] != "quote":
            continue
        source = (article_urls.get(item["article_id"]) or item["url"]
                  or f"urn:workbench:article:{item['article_id'] or 'unknown'}")
        bodies: list[dict[str, Any]] = []
        if item["note"]:
            bodies.append({"type": "TextualBody", "purpose": "commenting", "format": "text/plain",
                           "value": item["note"]})
        for rating in sorted(ratings.get(item["id"], []), key=lambda r: order[r["hypothesis_id"]]):
            code = rating["rating"]
            bodies.append({"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
                           "value": f"{RATING_NAMES[code]} ({code}) with hypothesis: {names[rating['hypothesis_id']]}"})
        annotation: dict[str, Any] = {
            "id": f"{base}:evidence:{item['id']}",
            "type": "Annotation",
            "motivation": "assessing",
            "body": bodies,
            "target": {
                "source": source,
                # an orphaned quote (found in no article) has its words but no offsets
                "selector": [_quote_selector(item)] + (
                    [{"type": "TextPositionSelector", "start": item["start"], "end": item["end"]}]
                    if item["start"] is not None else []),
            },
        }
        if item["analyst"]:
            annotation["creator"] = {"type": "Person", "name": item["analyst"]}
        if item["created_at"]:
            annotation["created"] = item["created_at"]
        if item["updated_at"]:
            annotation["modified"] = item["updated_at"]
        items.append(annotation)
    info = doc["analysis"]
    collection: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": f"{base}:annotations",
        "type": "AnnotationCollection",
        "label": info["question"],
        "total": len(items),
    }
    if info["created_by"]:
        collection["creator"] = {"type": "Person", "name": info["created_by"]}
    if info["created_at"]:
        collection["created"] = info["created_at"]
    if info["updated_at"]:
        collection["modified"] = info["updated_at"]
    if items:
        page_id = f"{base}:annotations:page1"
        collection["first"] = {"id": page_id, "type": "AnnotationPage", "partOf": collection["id"],
                               "startIndex": 0, "items": items}
        collection["last"] = page_id
    return collection
