"""The analysis document: one whole analysis as plain JSON-ready data, versioned.

The store maps its rows to and from this dict; every interchange format (JSON, PARC
``.achz``, W3C annotations, CSV) is written from it, so it is the one place the shape is defined.

::

    {"schema": "workbench.analysis", "version": 2,
     "analysis": {"id", "question", "time_horizon", "created_by", "created_at", "updated_at",
                  "classification"},
     "hypotheses": [{"id", "name", "description", "position", "is_other"}],
     "evidence": [{"id", "kind", "article_id", "start", "end", "exact", "prefix", "suffix",
                   "content_hash", "note", "analyst", "created_at", "updated_at", "event_date",
                   "report_date", "credibility", "relevance", "info_credibility", "reliability",
                   "source", "url", "title", "group", "flags", "anchor_method", "anchor_score",
                   "evidence_type"}],
     "ratings": [{"evidence_id", "hypothesis_id", "rating"}],
     "analyst_ratings": [{"analyst", "evidence_id", "hypothesis_id", "rating"}]}

``ratings`` is the one matrix every single-matrix format (PARC ``.achz``, W3C, CSV) writes: the
team's consensus (with one analyst, theirs). ``analyst_ratings`` (version 2) keeps each analyst's
own ratings, so a team's analysis leaves a workspace and comes back with who said what; a
version-1 document has none, and an import then stores ``ratings`` as the importing analyst's.

Rules (``validate_document`` enforces them, one line per problem):

* ids are non-empty strings, unique within their list; hypothesis names are unique;
* only ``analysis.question``, hypothesis ``id`` / ``name``, evidence ``id`` / ``kind`` and the
  three rating keys are required; every other key may be left out and defaults to None
  (``is_other`` False, ``credibility`` / ``relevance`` "Medium", ``flags`` [], ``position``
  the list index); unknown keys are errors (they are usually typos);
* ``kind`` is quote | assumption | absence; a quote is anchored: ``article_id``, ``start`` ≥ 0,
  ``end`` > ``start`` and ``exact`` of length ``end − start`` (character offsets), unless its
  ``anchor_method`` is "orphaned" (found in no article): then it needs only ``exact``;
* ``anchor_method`` is exact | fuzzy | orphaned (how the quote was found in its article) and
  ``anchor_score`` its match score, a number 0–1; ``title`` is the quoted article's title;
* ratings are canonical (CC C N I II NA; use ``scales.normalise_rating`` on input), at most one
  per (evidence, hypothesis), and refer to listed ids; a missing rating means "not rated";
* dates are ISO 8601 strings (``2022-12-19`` or ``2022-12-19T10:00:00Z``);
* ``evidence_type`` is the analyst's free-text label for the kind of source (PARC ACH's TYPE:
  HUMINT, OSINT, …), or null; surrounding blanks are dropped and a blank label is null;
* ``flags`` ⊆ {"deception", "key_assumption"} (kept in that order); ``info_credibility`` 1–6;
  ``reliability`` A–F;
* ``analyst_ratings`` name an analyst (a non-empty name without surrounding blanks), refer to
  listed ids, are canonical, at most one per (analyst, evidence, hypothesis); when there are
  any, ``ratings`` must be exactly their consensus (``team.consensus_ratings``): the file says
  one thing, not two;
* a ``version`` newer than ``SCHEMA_VERSION`` is refused with a message saying so (version 1
  is read as ever).

The normal form returned by ``validate_document`` has every key (``version`` the current one),
hypotheses sorted by ``position``, ratings in evidence order then hypothesis order, and
analyst ratings by analyst, then in that order; exporters compare against it.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from ._document_records import fill
from ._document_team import analyst_ratings, check_consensus
from .scales import (
    RATINGS,
    WEIGHT_VALUES,
    normalise_info_credibility,
    normalise_reliability,
)

__all__ = ["SCHEMA", "SCHEMA_VERSION", "EVIDENCE_KINDS", "FLAGS", "ANCHOR_METHODS", "validate_document", "document_to_frame",
           "parse_iso_date"]

SCHEMA = "workbench.analysis"
SCHEMA_VERSION = 2  # 2: analyst_ratings
EVIDENCE_KINDS = ("quote", "assumption", "absence")
FLAGS = ("deception", "key_assumption")

_ANALYSIS_DEFAULTS: dict[str, Any] = {
    "id": None, "question": None, "time_horizon": None, "created_by": None, "created_at": None,
    "updated_at": None, "classification": None,
}
_HYPOTHESIS_DEFAULTS: dict[str, Any] = {"id": None, "name": None, "description": None, "position": None,
                                        "is_other": False}
_EVIDENCE_DEFAULTS: dict[str, Any] = {
    "id": None, "kind": None, "article_id": None, "start": None, "end": None, "exact": None, "prefix": None,
    "suffix": None, "content_hash": None, "note": None, "analyst": None, "created_at": None, "updated_at": None,
    "event_date": None, "report_date": None, "credibility": "Medium", "relevance": "Medium",
    "info_credibility": None, "reliability": None, "source": None, "url": None, "title": None, "group": None,
    "flags": [], "anchor_method": None, "anchor_score": None, "evidence_type": None,
}
ANCHOR_METHODS = ("exact", "fuzzy", "orphaned")
_RATING_KEYS = ("evidence_id", "hypothesis_id", "rating")
_TEXT_FIELDS = ("question", "time_horizon", "created_by", "classification", "description", "prefix", "suffix",
                "content_hash", "note", "analyst", "source", "url", "title", "group", "article_id", "evidence_type")
_DATE_FIELDS = ("created_at", "updated_at", "event_date", "report_date")


def parse_iso_date(value: str) -> datetime | date:
    """Parse an ISO 8601 date or date-time (a trailing ``Z`` means UTC).

    Raises:
        ValueError: not ISO 8601.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date") from None


def _check_fields(record: Mapping[str, Any], where: str) -> None:
    """Text fields are strings or null; date fields ISO 8601 strings or null."""
    get = record.get
    for key in _TEXT_FIELDS:
        value = get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}: {key} must be a string or null, got {value!r}")
    for key in _DATE_FIELDS:
        value = get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ValueError(f"{where}: {key} must be an ISO 8601 string, got {value!r}")
            try:
                parse_iso_date(value)
            except ValueError as err:
                raise ValueError(f"{where}: {key} {err}") from None


def _check_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: id must be a non-empty string, got {value!r}")
    return value


def _int_or_none(value: Any, field: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {field} must be an integer, got {value!r}")
    return value


def _validate_evidence(record: Any, index: int) -> dict[str, Any]:
    where = f"evidence[{index}]"
    item = fill(record, _EVIDENCE_DEFAULTS, where, ("id", "kind"))
    where = f"evidence {_check_id(item['id'], where)!r}"
    _check_fields(item, where)
    if item["kind"] not in EVIDENCE_KINDS:
        raise ValueError(f"{where}: kind {item['kind']!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    start, end = _int_or_none(item["start"], "start", where), _int_or_none(item["end"], "end", where)
    if item["exact"] is not None and not isinstance(item["exact"], str):
        raise ValueError(f"{where}: exact must be a string, got {item['exact']!r}")
    if item["anchor_method"] is not None and (item["kind"] != "quote" or item["anchor_method"] not in ANCHOR_METHODS):
        raise ValueError(f"{where}: anchor_method {item['anchor_method']!r} must be one of "
                         f"{', '.join(ANCHOR_METHODS)}, and only on a quote")
    score = item["anchor_score"]
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1):
        raise ValueError(f"{where}: anchor_score must be a number from 0 to 1, got {score!r}")
    orphaned = item["anchor_method"] == "orphaned"
    if item["kind"] == "quote" and orphaned:
        if not item["exact"]:
            raise ValueError(f"{where}: an orphaned quote still needs its exact words")
        if (start is None) != (end is None) or (start is not None and (start < 0 or end <= start)):
            raise ValueError(f"{where}: span {start}-{end} is not a non-empty range of characters")
    elif item["kind"] == "quote":
        if item["article_id"] is None or start is None or end is None or item["exact"] is None:
            raise ValueError(f"{where}: a quote needs article_id, start, end and exact")
        if start < 0 or end <= start:
            raise ValueError(f"{where}: span {start}-{end} is not a non-empty range of characters")
        if len(item["exact"]) != end - start:
            raise ValueError(f"{where}: exact has {len(item['exact'])} characters but the span {start}-{end} "
                             f"has {end - start}")
    for field in ("credibility", "relevance"):
        if item[field] not in WEIGHT_VALUES:
            raise ValueError(f"{where}: {field} {item[field]!r} is not High, Medium or Low")
    try:
        if item["info_credibility"] is not None and normalise_info_credibility(item["info_credibility"]) != \
                item["info_credibility"]:
            raise ValueError(f"information credibility {item['info_credibility']!r} is not an integer 1-6")
        if item["reliability"] is not None and normalise_reliability(item["reliability"]) != item["reliability"]:
            raise ValueError(f"source reliability {item['reliability']!r} is not an upper-case grade A-F")
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
    if item["evidence_type"] is not None:
        item["evidence_type"] = item["evidence_type"].strip() or None
    flags = item["flags"]
    if not isinstance(flags, list) or any(f not in FLAGS for f in flags) or len(set(flags)) != len(flags):
        raise ValueError(f"{where}: flags {flags!r} must be a list of distinct values from {', '.join(FLAGS)}")
    item["flags"] = [f for f in FLAGS if f in flags]  # one canonical order
    return item


def validate_document(doc: Any) -> dict[str, Any]:
    """Check an analysis document and return its normal form (a new dict).

    Args:
        doc: the decoded JSON of an analysis document.

    Returns:
        The normalised document: every key present, hypotheses sorted by position, ratings in
        evidence order then hypothesis order.

    Raises:
        ValueError: one line naming the first problem (a newer ``version`` says so).
    """
    if not isinstance(doc, Mapping):
        raise ValueError(f"analysis document must be a JSON object, got {type(doc).__name__}")
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"not an analysis document: schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"analysis document version {version!r} is not a positive integer")
    if version > SCHEMA_VERSION:
        raise ValueError(f"analysis document version {version} is newer than this workbench understands "
                         f"(version {SCHEMA_VERSION}); upgrade workbench to import it")
    unknown = sorted(set(doc) - {"schema", "version", "analysis", "hypotheses", "evidence", "ratings",
                                 "analyst_ratings"})
    if unknown:
        raise ValueError(f"analysis document: unknown field {unknown[0]!r}")
    analysis = fill(doc.get("analysis"), _ANALYSIS_DEFAULTS, "analysis", ("question",))
    _check_fields(analysis, "analysis")
    if analysis["id"] is not None:
        _check_id(analysis["id"], "analysis")
    for name in ("hypotheses", "evidence", "ratings", "analyst_ratings"):
        if name == "analyst_ratings" and name not in doc:
            continue
        if not isinstance(doc.get(name), list):
            raise ValueError(f"analysis document: {name} must be a list")

    hypotheses = []
    for index, record in enumerate(doc["hypotheses"]):
        hypothesis = fill(record, _HYPOTHESIS_DEFAULTS, f"hypotheses[{index}]", ("id", "name"))
        where = f"hypothesis {_check_id(hypothesis['id'], f'hypotheses[{index}]')!r}"
        _check_fields(hypothesis, where)
        if hypothesis["position"] is None:
            hypothesis["position"] = index
        _int_or_none(hypothesis["position"], "position", where)
        if not isinstance(hypothesis["is_other"], bool):
            raise ValueError(f"{where}: is_other must be true or false")
        hypotheses.append(hypothesis)
    if not hypotheses:
        raise ValueError("analysis document has no hypotheses")
    for field in ("id", "name", "position"):
        seen: set[Any] = set()
        for hypothesis in hypotheses:
            if hypothesis[field] in seen:
                raise ValueError(f"hypothesis {field} {hypothesis[field]!r} appears twice")
            seen.add(hypothesis[field])
    hypotheses.sort(key=lambda h: h["position"])

    evidence = [_validate_evidence(record, index) for index, record in enumerate(doc["evidence"])]
    evidence_ids = [e["id"] for e in evidence]
    if len(set(evidence_ids)) != len(evidence_ids):
        duplicate = next(i for i in evidence_ids if evidence_ids.count(i) > 1)
        raise ValueError(f"evidence id {duplicate!r} appears twice")

    hypothesis_order = {h["id"]: i for i, h in enumerate(hypotheses)}
    evidence_order = {e: i for i, e in enumerate(evidence_ids)}
    ratings, seen_cells = [], set()
    rating_defaults = dict.fromkeys(_RATING_KEYS)
    rating_codes = frozenset(RATINGS)
    for index, record in enumerate(doc["ratings"]):
        # the usual case first, tersely: a large analysis has 100,000s of ratings
        try:
            cell = (record["evidence_id"], record["hypothesis_id"])
            code = record["rating"]
            usual = (type(record) is dict and len(record) == 3 and cell[0] in evidence_order
                     and cell[1] in hypothesis_order and code in rating_codes and cell not in seen_cells)
        except (TypeError, KeyError):
            usual = False
        if not usual:
            rating = _checked_rating(record, index, rating_defaults, evidence_order, hypothesis_order, seen_cells)
            cell, code = (rating["evidence_id"], rating["hypothesis_id"]), rating["rating"]
        seen_cells.add(cell)
        ratings.append({"evidence_id": cell[0], "hypothesis_id": cell[1], "rating": code})
    ratings.sort(key=lambda r: (evidence_order[r["evidence_id"]], hypothesis_order[r["hypothesis_id"]]))
    by_analyst = analyst_ratings(doc.get("analyst_ratings", []), evidence_order, hypothesis_order)
    if by_analyst:
        check_consensus(ratings, by_analyst, evidence_order, hypothesis_order)
    return {"schema": SCHEMA, "version": SCHEMA_VERSION, "analysis": analysis, "hypotheses": hypotheses,
            "evidence": evidence, "ratings": ratings, "analyst_ratings": by_analyst}


def _checked_rating(record: Any, index: int, defaults: dict[str, None], evidence_order: Mapping[str, int],
                    hypothesis_order: Mapping[str, int], seen_cells: set[tuple[str, str]]) -> dict[str, Any]:
    """A rating checked one rule at a time: the rating, or the one-line error it breaks."""
    rating = fill(record, defaults, f"ratings[{index}]", _RATING_KEYS)
    cell = (rating["evidence_id"], rating["hypothesis_id"])

    def known(value: Any, order: Mapping[str, int]) -> bool:
        return isinstance(value, str) and value in order

    problem = ("unknown evidence id" if not known(cell[0], evidence_order)
               else "unknown hypothesis id" if not known(cell[1], hypothesis_order)
               else f"rating {rating['rating']!r} is not one of CC, C, N, I, II, NA"
               if not isinstance(rating["rating"], str) or rating["rating"] not in RATINGS
               else "rated twice" if cell in seen_cells else None)
    if problem:
        raise ValueError(f"rating of evidence {cell[0]!r} for hypothesis {cell[1]!r}: {problem}")
    return rating


def document_to_frame(doc: Mapping[str, Any]) -> pd.DataFrame:
    """The tidy evidence frame of a document: one row per (evidence, hypothesis).

    Unrated cells get a row with rating None, so every item and hypothesis appears; the
    ``hypothesis`` column is an ordered categorical (document order). ``date`` is the event
    date, else the report date.

    Args:
        doc: an analysis document (validated here).

    Returns:
        DataFrame with columns evidence, hypothesis, rating, credibility, relevance,
        info_credibility, reliability, group, date, kind, flags.
    """
    doc = validate_document(doc)
    names = {h["id"]: h["name"] for h in doc["hypotheses"]}
    rated = {(r["evidence_id"], r["hypothesis_id"]): r["rating"] for r in doc["ratings"]}
    rows = []
    for item in doc["evidence"]:
        for hypothesis in doc["hypotheses"]:
            rows.append({
                "evidence": item["id"], "hypothesis": names[hypothesis["id"]],
                "rating": rated.get((item["id"], hypothesis["id"])),
                "credibility": item["credibility"], "relevance": item["relevance"],
                "info_credibility": item["info_credibility"], "reliability": item["reliability"],
                "group": item["group"], "date": item["event_date"] or item["report_date"],
                "kind": item["kind"], "flags": ",".join(item["flags"]),
            })
    columns = ["evidence", "hypothesis", "rating", "credibility", "relevance", "info_credibility", "reliability",
               "group", "date", "kind", "flags"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["hypothesis"] = pd.Categorical(frame["hypothesis"], categories=list(names.values()))
    frame["rating"] = pd.Series([row["rating"] for row in rows], dtype=object)  # None stays None, not NaN
    frame["info_credibility"] = pd.array(frame["info_credibility"].tolist(), dtype="Int64")
    return frame
