"""PARC ACH ``.achz`` files: gzip of UTF-16 XML.

Layout written (and read, from PARC's own files too)::

    <ACH xmlns:wb="urn:x-workbench:analysis">        (the reader accepts any root element)
      <PROJECT-TITLE>question</PROJECT-TITLE>
      <CLASSIFICATION>…</CLASSIFICATION>               (only when the analysis has one)
      <MATRIX>
        <HYPOTHESIS><NAME>…</NAME><wb:EXTRA>{json}</wb:EXTRA></HYPOTHESIS>   (in position order)
        <EVIDENCE>
          <NAME>the quote (quotes) or the note's first line</NAME> <NOTES>note</NOTES>
          <LINK>url</LINK> <TYPE>the evidence type (HUMINT, OSINT…), else Quote | Assumption |
          Absence of Evidence</TYPE> <DATE>event date, epoch milliseconds UTC; 0 when undated</DATE>
          <CODE>evidence id</CODE> <FLAG>true if flagged as possible deception</FLAG>
          <CREDIBILITY>HIGH|MEDIUM|LOW</CREDIBILITY> <RELEVANCE>HIGH|MEDIUM|LOW</RELEVANCE>
          <VALUES>C C,C,N,NA,I,I I — one per hypothesis, in order</VALUES>
          <wb:EXTRA>{json}</wb:EXTRA>
        </EVIDENCE>
      </MATRIX>
      <wb:EXTRA>{json}</wb:EXTRA>
    </ACH>

PARC weighs each item by credibility × relevance (High √2, Medium 1, Low 1/√2), so both go
in PARC's own elements and PARC's weighted inconsistency equals the workbench's.

**Round trip.** What PARC has no field for travels in the namespaced ``wb:EXTRA`` elements
(JSON of the whole record; PARC ignores foreign namespaces). On reading, a field PARC shows wins
when it was edited in PARC (its text no longer equals what we wrote), otherwise the exact
original comes back, so ``read_achz(write_achz(doc)) == validate_document(doc)``.

**Not carried by PARC** (kept only through ``wb:EXTRA``, so lost if PARC drops foreign
elements on save): analysis id / time horizon / creator / timestamps; hypothesis id,
description, position, is_other; evidence anchors (article_id, start, end, prefix, suffix,
content_hash), analyst, created/updated, report date, information credibility, reliability,
source, group, the key_assumption flag, and which cells were unrated (PARC has no "unrated":
they are written as NA). The quote text of an anchored quote is never taken from an edited NAME
(the anchor must match the article).

**One matrix.** A ``.achz`` holds one matrix, the document's ``ratings``: the team's consensus,
or one analyst's when the caller exports that analyst's view (``write_achz(doc,
ratings_of="cy")``). The root ``wb:EXTRA`` says whose (``ratings_of``); a file of one analyst's
matrix reads back as that analyst's ratings (``analyst_ratings``), a consensus as plain ratings.
Each analyst's own ratings travel in the JSON document, not here.

**Reading PARC's own files** (no ``wb:EXTRA``): ids become H1…/E1… (evidence keeps a unique
CODE as its id), NAME (plus NOTES, after a blank line) becomes the note. TYPE is kept as the
item's ``evidence_type`` (HUMINT, OSINT, …); "Absence of Evidence" makes the item an absence,
and anything else an assumption — a PARC item has no article anchor, so it cannot be a quote.
A FLAG of true / 1 / yes means "deception"; DATE 0 (or empty) means undated, a whole UTC day
becomes ``YYYY-MM-DD``, else an ISO time in UTC. Elements the layout does not use (PARC's
LAST-INDEX, COLOR-SCHEME, …) are skipped.

**Limits.** The file is read as a stream (see ``_achz_stream``): decompressed size, element
count, depth, hypotheses, evidence items, cells and text length are bounded by ``AchzLimits``,
and a DTD is refused, so a hostile file is refused quickly in little memory.
"""
from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import Any
from xml.etree import ElementTree as ET

from ._achz_stream import DEFAULT_LIMITS, EXTRA_TAG, AchzLimits, LimitExceeded, parse_achz
from .document import SCHEMA, SCHEMA_VERSION, parse_iso_date, validate_document
from .scales import normalise_rating

__all__ = ["write_achz", "read_achz", "NAMESPACE", "MAX_XML_BYTES", "AchzLimits", "DEFAULT_LIMITS",
           "LimitExceeded"]

NAMESPACE = "urn:x-workbench:analysis"
MAX_XML_BYTES = DEFAULT_LIMITS.max_bytes  # refuse gzip bombs
_PARC_VALUES = {"CC": "C C", "C": "C", "N": "N", "NA": "NA", "I": "I", "II": "I I"}
_PARC_TOKENS = {"C C": "CC", "C": "C", "N": "N", "NA": "NA", "I": "I", "I I": "II"}  # PARC's own spellings
_TYPES = {"quote": "Quote", "assumption": "Assumption", "absence": "Absence of Evidence"}
_TRUE = frozenset({"true", "1", "yes", "y"})
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DAY_MS = 86_400_000
_LAYOUT_VERSION = 1  # the document version whose fields the layout carries
_UNDATED = "0"  # what PARC writes for an item without a date


def _xml_text(value: str | None) -> str:
    """What an XML parser will hand back for this text: no control characters, \\n line ends."""
    if value is None:
        return ""
    if not isinstance(value, str):  # only ever from a damaged wb:EXTRA; _carried treats it as edited
        raise TypeError(f"expected text, got {type(value).__name__}")
    return _INVALID_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _epoch_ms(value: str | None) -> str:
    if not value:
        return _UNDATED
    parsed = parse_iso_date(value)
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    elif parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return str(round(parsed.timestamp() * 1000))


def _from_epoch_ms(text: str, where: str) -> str | None:
    text = text.strip()
    if not text or text == _UNDATED:
        return None
    try:
        millis = int(text)
    except ValueError:
        raise ValueError(f"not a PARC .achz file: {where}: DATE {text!r} is not epoch milliseconds") from None
    try:
        if millis % _DAY_MS == 0:
            return date.fromordinal(date(1970, 1, 1).toordinal() + millis // _DAY_MS).isoformat()
        stamp = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"not a PARC .achz file: {where}: DATE {text} is out of range") from None
    shown = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    return shown + (f".{millis % 1000:03d}Z" if millis % 1000 else "Z")


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = text
    return child


def _extra(parent: ET.Element, payload: Mapping[str, Any]) -> None:
    # ASCII JSON: safe in any XML text, control characters escaped
    _sub(parent, "wb:EXTRA", json.dumps(payload, ensure_ascii=True, sort_keys=True))


def _display_name(item: Mapping[str, Any]) -> str:
    if item["kind"] == "quote" and item["exact"]:
        return _xml_text(item["exact"])
    first_line = _xml_text(item["note"]).split("\n", 1)[0].strip()
    return first_line or f"Evidence {item['id']}"


def _type_shown(item: Mapping[str, Any]) -> str:
    """PARC's TYPE: the item's own evidence type, else the word for its kind."""
    return _xml_text(item.get("evidence_type")) or _TYPES.get(item.get("kind"), "")


def write_achz(doc: Mapping[str, Any], *, ratings_of: str | None = None) -> bytes:
    """Write an analysis document as a PARC ACH ``.achz`` file.

    Args:
        doc: analysis document (validated here); its ``ratings`` are the matrix written.
        ratings_of: whose those ratings are: an analyst's name, or None for the team's
            consensus (with one analyst, theirs); recorded in the root ``wb:EXTRA``.

    Returns:
        The file's bytes (gzip, deterministic: no timestamp in the gzip header).

    Raises:
        ValueError: the document is invalid.
    """
    doc = validate_document(doc)
    root = ET.Element("ACH", {"xmlns:wb": NAMESPACE})
    _sub(root, "PROJECT-TITLE", _xml_text(doc["analysis"]["question"]))
    if doc["analysis"]["classification"] is not None:
        _sub(root, "CLASSIFICATION", _xml_text(doc["analysis"]["classification"]))
    matrix = ET.SubElement(root, "MATRIX")
    for hypothesis in doc["hypotheses"]:
        element = ET.SubElement(matrix, "HYPOTHESIS")
        _sub(element, "NAME", _xml_text(hypothesis["name"]))
        _extra(element, hypothesis)
    rated = {(r["evidence_id"], r["hypothesis_id"]): r["rating"] for r in doc["ratings"]}
    for item in doc["evidence"]:
        element = ET.SubElement(matrix, "EVIDENCE")
        _sub(element, "NAME", _display_name(item))
        _sub(element, "NOTES", _xml_text(item["note"]))
        _sub(element, "LINK", _xml_text(item["url"]))
        _sub(element, "TYPE", _type_shown(item))
        _sub(element, "DATE", _epoch_ms(item["event_date"]))
        _sub(element, "CODE", _xml_text(item["id"]))
        _sub(element, "FLAG", "true" if "deception" in item["flags"] else "false")
        _sub(element, "CREDIBILITY", item["credibility"].upper())
        _sub(element, "RELEVANCE", item["relevance"].upper())
        cells = [rated.get((item["id"], h["id"])) for h in doc["hypotheses"]]
        _sub(element, "VALUES", ",".join(_PARC_VALUES[c or "NA"] for c in cells))
        unrated = [h["id"] for h, c in zip(doc["hypotheses"], cells) if c is None]
        _extra(element, {**item, "unrated": unrated})
    # the layout is version 1's (analyst_ratings are the JSON document's): older readers take it
    _extra(root, {"schema": SCHEMA, "version": _LAYOUT_VERSION, "analysis": doc["analysis"],
                  "ratings_of": ratings_of or "team"})
    xml = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(root, encoding="unicode")
    return gzip.compress(xml.encode("utf-16"), mtime=0)


# -- reading --------------------------------------------------------------------------------
_ABSENT = object()


def _extra_of(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not a PARC .achz file: unreadable wb:EXTRA ({err.msg})") from None
    except (RecursionError, ValueError) as err:   # nested too deep, or an integer of thousands of digits
        raise ValueError(f"not a PARC .achz file: wb:EXTRA is too deeply nested or holds a number too long "
                         f"({type(err).__name__})") from None
    return payload if isinstance(payload, dict) else None


def _carried(shown: str, original: Any, encode: Callable[[Any], str], decode: Callable[[str], Any]) -> Any:
    """The original value unless the text PARC shows was edited since we wrote it."""
    if original is not _ABSENT:
        try:
            if encode(original) == shown:
                return original
        except (TypeError, ValueError, AttributeError):  # a damaged wb:EXTRA: what PARC shows wins
            pass
    return decode(shown)


def _required(record: Mapping[str, str], tag: str, where: str) -> str:
    found = record.get(tag)
    if found is None:
        raise ValueError(f"not a PARC .achz file: {where} has no {tag}")
    return found


def _parc_rating(token: str, where: str) -> str:
    rating = _PARC_TOKENS.get(token.strip())
    if rating is not None:
        return rating
    try:
        rating = normalise_rating(token)
    except ValueError:
        rating = None
    if rating is None:
        raise ValueError(f"not a PARC .achz file: {where}: VALUES entry {token.strip()!r} is not one of "
                         f"C C, C, N, NA, I, I I")
    return rating


def _weight(shown: str | None, fallback: Any) -> Any:
    """PARC's HIGH / MEDIUM / LOW as High / Medium / Low; an absent or empty element keeps ``fallback``."""
    text = (shown or "").strip()
    return text.capitalize() if text else fallback


def _read_hypotheses(records: list[dict[str, str]]) -> list[dict[str, Any]]:
    if not records:
        raise ValueError("not a PARC .achz file: MATRIX has no HYPOTHESIS")
    hypotheses = []
    for index, record in enumerate(records, start=1):
        shown = _required(record, "NAME", f"HYPOTHESIS {index}")
        extra = _extra_of(record.get(EXTRA_TAG)) or {}
        name = _carried(shown, extra.get("name", _ABSENT), _xml_text, str.strip)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"not a PARC .achz file: HYPOTHESIS {index} has an empty NAME")
        hypotheses.append({**extra, "name": name})
    extras_ok = all(isinstance(h.get("id"), str) and type(h.get("position")) is int for h in hypotheses)
    ids = [h.get("id") for h in hypotheses]
    positions = [h.get("position") for h in hypotheses]
    if not (extras_ok and len(set(ids)) == len(ids) and positions == sorted(set(positions))):
        for index, hypothesis in enumerate(hypotheses):  # foreign or re-ordered in PARC
            hypothesis["position"] = index
            if not extras_ok or len(set(ids)) != len(ids):
                hypothesis["id"] = f"H{index + 1}"
    return hypotheses


def _kind_and_type(shown: str, extra: Mapping[str, Any]) -> tuple[str, str | None]:
    """The item's kind and evidence type from the TYPE PARC shows.

    Unchanged since we wrote it: the originals. Otherwise a TYPE naming an absence ("Absence
    of Evidence") makes an absence; "Assumption" an assumption; any other TYPE a quote when the
    item is ours and anchored in an article, else an (unanchored) assumption. The TYPE is kept
    as the evidence type unless it is just the word for that kind.
    """
    original_kind = extra.get("kind", _ABSENT)
    if original_kind is not _ABSENT and _carried(shown, extra, _type_shown, lambda _: None) is extra:
        return original_kind, extra.get("evidence_type")
    text = shown.strip()
    lowered = text.lower()
    if "absen" in lowered:
        kind = "absence"
    elif lowered == "assumption" or original_kind != "quote":
        kind = "assumption"
    else:
        kind = "quote"
    return kind, (None if not text or lowered == _TYPES[kind].lower() else text)


def _read_evidence(records: list[dict[str, str]], hypotheses: list[dict[str, Any]],
                   ratings: list[dict[str, str]]) -> list[dict[str, Any]]:
    items = []
    codes_seen: set[str] = set()
    hypothesis_ids = [h["id"] for h in hypotheses]
    for index, record in enumerate(records, start=1):
        where = f"EVIDENCE {index}"
        name = _required(record, "NAME", where)
        values = _required(record, "VALUES", where)
        tokens = values.split(",") if values.strip() else []
        if len(tokens) != len(hypotheses):
            raise ValueError(f"not a PARC .achz file: {where} has {len(tokens)} VALUES for {len(hypotheses)} "
                             f"hypotheses")
        extra = _extra_of(record.get(EXTRA_TAG))
        own = extra is not None
        extra = extra or {}
        get = extra.get
        notes = record.get("NOTES", "")
        kind, evidence_type = _kind_and_type(record.get("TYPE", ""), extra)
        if own:
            note = _carried(notes, get("note", _ABSENT), _xml_text, lambda t: t or None)
        else:
            name_text, notes_text = name.strip(), notes.strip()
            note = "\n\n".join(t for t in (name_text, notes_text) if t) or None
        code = record.get("CODE", "").strip()
        item_id = _carried(code, get("id", _ABSENT), _xml_text, lambda c: c)
        suffix = 1
        while not item_id or item_id in codes_seen:   # no CODE, or a CODE used twice
            item_id = f"E{index}" if suffix == 1 else f"E{index}-{suffix}"
            suffix += 1
        codes_seen.add(item_id)
        flagged = record.get("FLAG", "").strip().lower() in _TRUE
        carried_flags = get("flags", [])
        if not isinstance(carried_flags, list):
            raise ValueError(f"not a PARC .achz file: {where}: wb:EXTRA flags {carried_flags!r} is not a list")
        flags = [f for f in carried_flags if f != "deception"]
        flags = (["deception"] if flagged else []) + flags
        item = dict(extra)
        item.pop("unrated", None)
        item.update(id=item_id, kind=kind, note=note, flags=flags, evidence_type=evidence_type,
                    url=_carried(record.get("LINK", ""), get("url", _ABSENT), _xml_text, lambda t: t or None),
                    event_date=_carried(record.get("DATE", "").strip(), get("event_date", _ABSENT), _epoch_ms,
                                        lambda t: _from_epoch_ms(t, where)),
                    credibility=_weight(record.get("CREDIBILITY"), "Medium"),
                    relevance=_weight(record.get("RELEVANCE"), get("relevance", "Medium")))
        if not own:
            item["exact"] = None
        items.append(item)
        unrated = get("unrated")
        unrated = unrated if isinstance(unrated, list) else ()
        for hypothesis_id, token in zip(hypothesis_ids, tokens):
            rating = _PARC_TOKENS.get(token) or _parc_rating(token, where)   # PARC's own spellings first
            if rating == "NA" and hypothesis_id in unrated:
                continue
            ratings.append({"evidence_id": item_id, "hypothesis_id": hypothesis_id, "rating": rating})
    return items


def read_achz(data: bytes, *, limits: AchzLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Read a PARC ACH ``.achz`` file (ours or PARC's own) into an analysis document.

    Args:
        data: the file's bytes.
        limits: what the file may hold (``AchzLimits``); the defaults suit any real analysis.

    Returns:
        A validated analysis document.

    Raises:
        LimitExceeded: the file goes beyond a limit (one line naming it).
        ValueError: one line naming the problem — not gzip, not UTF-16, not XML, a DTD or
            entity declaration, a missing PROJECT-TITLE / MATRIX / HYPOTHESIS / NAME / VALUES,
            a bad rating, date or credibility.
    """
    parsed = parse_achz(data, limits)
    if parsed.title is None:
        raise ValueError("not a PARC .achz file: no PROJECT-TITLE")
    if not parsed.matrix_found:
        raise ValueError("not a PARC .achz file: no MATRIX")
    root_extra = _extra_of(parsed.root_extra) or {}
    written_by = root_extra.get("version", SCHEMA_VERSION)
    if isinstance(written_by, int) and written_by > SCHEMA_VERSION:
        raise ValueError(f"PARC .achz file was written by a newer workbench (analysis document version "
                         f"{written_by}, this one understands {SCHEMA_VERSION}); upgrade workbench to import it")
    extra = root_extra.get("analysis", {})
    analysis = dict(extra) if isinstance(extra, dict) else {}
    analysis["question"] = _carried(parsed.title, analysis.get("question", _ABSENT), _xml_text, str.strip)
    if not isinstance(analysis["question"], str) or not analysis["question"].strip():
        raise ValueError("not a PARC .achz file: empty PROJECT-TITLE")
    analysis["classification"] = (None if parsed.classification is None else
                                  _carried(parsed.classification, analysis.get("classification", _ABSENT),
                                           _xml_text, lambda t: t.strip() or None))
    hypotheses = _read_hypotheses(parsed.hypotheses)
    cells = len(hypotheses) * len(parsed.evidence)
    if cells > limits.max_cells:
        raise LimitExceeded(f"PARC .achz file refused: {len(parsed.evidence):,} evidence items × "
                            f"{len(hypotheses):,} hypotheses is more than {limits.max_cells:,} ratings (the limit)")
    ratings: list[dict[str, str]] = []
    evidence = _read_evidence(parsed.evidence, hypotheses, ratings)
    whose = root_extra.get("ratings_of")
    one = isinstance(whose, str) and whose.strip() == whose and whose not in ("", "team")
    doc = {"schema": SCHEMA, "version": SCHEMA_VERSION, "analysis": analysis, "hypotheses": hypotheses,
           "evidence": evidence, "ratings": ratings,
           "analyst_ratings": [{"analyst": whose, **r} for r in ratings] if one else []}
    try:
        return validate_document(doc)
    except ValueError as err:
        raise ValueError(f"PARC .achz file does not make a valid analysis: {err}") from None
