"""PARC ACH ``.achz`` files: gzip of UTF-16 XML.

Layout written (and read, from PARC's own files too)::

    <ACH xmlns:wb="urn:x-workbench:analysis">        (the reader accepts any root element)
      <PROJECT-TITLE>question</PROJECT-TITLE>
      <CLASSIFICATION>…</CLASSIFICATION>               (only when the analysis has one)
      <MATRIX>
        <HYPOTHESIS><NAME>…</NAME><wb:EXTRA>{json}</wb:EXTRA></HYPOTHESIS>   (in position order)
        <EVIDENCE>
          <NAME>the quote (quotes) or the note's first line</NAME> <NOTES>note</NOTES>
          <LINK>url</LINK> <TYPE>Quote | Assumption | Absence of Evidence</TYPE>
          <DATE>event date, epoch milliseconds UTC</DATE> <CODE>evidence id</CODE>
          <FLAG>true if flagged as possible deception</FLAG> <CREDIBILITY>HIGH|MEDIUM|LOW</CREDIBILITY>
          <VALUES>C C,C,N,NA,I,I I — one per hypothesis, in order</VALUES>
          <wb:EXTRA>{json}</wb:EXTRA>
        </EVIDENCE>
      </MATRIX>
      <wb:EXTRA>{json}</wb:EXTRA>
    </ACH>

**Round trip.** What PARC has no field for travels in the namespaced ``wb:EXTRA`` elements
(JSON of the whole record; PARC ignores foreign namespaces). On reading, a field PARC shows wins
when it was edited in PARC (its text no longer equals what we wrote), otherwise the exact
original comes back, so ``read_achz(write_achz(doc)) == validate_document(doc)``.

**Not carried by PARC** (kept only through ``wb:EXTRA``, so lost if PARC drops foreign
elements on save): analysis id / time horizon / creator / timestamps; hypothesis id,
description, position, is_other; evidence anchors (article_id, start, end, prefix, suffix,
content_hash), analyst, created/updated, report date, relevance, information credibility,
reliability, source, group, the key_assumption flag, and which cells were unrated (PARC has no
"unrated": they are written as NA). The quote text of an anchored quote is never taken from an
edited NAME (the anchor must match the article).

**Reading PARC's own files** (no ``wb:EXTRA``): ids become H1…/E1… (evidence keeps a unique
CODE as its id), NAME (plus NOTES, after a blank line) becomes the note, TYPE maps to
assumption / absence, and anything else to assumption too — a PARC item has no article anchor,
so it cannot be a quote; a set FLAG means "deception"; DATE becomes ``YYYY-MM-DD`` at UTC
midnight, else an ISO time in UTC; a RELEVANCE element is read if present.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import Any
from xml.etree import ElementTree as ET

from .document import SCHEMA, SCHEMA_VERSION, parse_iso_date, validate_document
from .scales import normalise_rating

try:  # defusedxml refuses entity tricks outright; without it we refuse any DTD ourselves
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring as _safe_fromstring
except ImportError:  # pragma: no cover - defusedxml is installed in the dev environment
    DefusedXmlException = ()  # type: ignore[assignment,misc]
    _safe_fromstring = None

__all__ = ["write_achz", "read_achz", "NAMESPACE", "MAX_XML_BYTES"]

NAMESPACE = "urn:x-workbench:analysis"
EXTRA = f"{{{NAMESPACE}}}EXTRA"
MAX_XML_BYTES = 256 * 1024 * 1024  # refuse gzip bombs
_PARC_VALUES = {"CC": "C C", "C": "C", "N": "N", "NA": "NA", "I": "I", "II": "I I"}
_TYPES = {"quote": "Quote", "assumption": "Assumption", "absence": "Absence of Evidence"}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DAY_MS = 86_400_000


def _xml_text(value: str | None) -> str:
    """What an XML parser will hand back for this text: no control characters, \\n line ends."""
    if not value:
        return ""
    return _INVALID_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _epoch_ms(value: str | None) -> str:
    if not value:
        return ""
    parsed = parse_iso_date(value)
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    elif parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return str(round(parsed.timestamp() * 1000))


def _from_epoch_ms(text: str, where: str) -> str | None:
    if not text.strip():
        return None
    try:
        millis = int(text.strip())
    except ValueError:
        raise ValueError(f"{where}: DATE {text.strip()!r} is not epoch milliseconds") from None
    if millis % _DAY_MS == 0:
        return (date(1970, 1, 1).fromordinal(date(1970, 1, 1).toordinal() + millis // _DAY_MS)).isoformat()
    stamp = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{millis % 1000:03d}Z" if millis % 1000 else "Z")


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


def write_achz(doc: Mapping[str, Any]) -> bytes:
    """Write an analysis document as a PARC ACH ``.achz`` file.

    Args:
        doc: analysis document (validated here).

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
        _sub(element, "TYPE", _TYPES[item["kind"]])
        _sub(element, "DATE", _epoch_ms(item["event_date"]))
        _sub(element, "CODE", _xml_text(item["id"]))
        _sub(element, "FLAG", "true" if "deception" in item["flags"] else "false")
        _sub(element, "CREDIBILITY", item["credibility"].upper())
        cells = [rated.get((item["id"], h["id"])) for h in doc["hypotheses"]]
        _sub(element, "VALUES", ",".join(_PARC_VALUES[c or "NA"] for c in cells))
        unrated = [h["id"] for h, c in zip(doc["hypotheses"], cells) if c is None]
        _extra(element, {**item, "unrated": unrated})
    _extra(root, {"schema": SCHEMA, "version": SCHEMA_VERSION, "analysis": doc["analysis"]})
    xml = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(root, encoding="unicode")
    return gzip.compress(xml.encode("utf-16"), mtime=0)


def _gunzip(data: bytes) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"not a PARC .achz file: expected bytes, got {type(data).__name__}")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(bytes(data))) as stream:
            raw = stream.read(MAX_XML_BYTES + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"not a PARC .achz file: not gzip-compressed data ({err})") from None
    if len(raw) > MAX_XML_BYTES:
        raise ValueError(f"not a PARC .achz file: expands beyond {MAX_XML_BYTES // 2**20} MB")
    return raw


def _utf16(raw: bytes) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif raw[:2] == b"<\x00":
        encoding = "utf-16-le"
    elif raw[:2] == b"\x00<":
        encoding = "utf-16-be"
    else:
        hint = " (it looks like UTF-8 or ASCII)" if raw.lstrip()[:1] == b"<" else ""
        raise ValueError(f"not a PARC .achz file: the XML inside is not UTF-16{hint}")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise ValueError(f"not a PARC .achz file: invalid UTF-16 ({err.reason} at byte {err.start})") from None


def _parse(text: str) -> ET.Element:
    text = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1)  # the str is decoded already
    try:
        if _safe_fromstring is not None:
            return _safe_fromstring(text)
        if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
            raise ValueError("not a PARC .achz file: XML with a DTD or entity declarations is refused")
        return ET.fromstring(text)
    except ET.ParseError as err:
        raise ValueError(f"not a PARC .achz file: not well-formed XML ({err})") from None
    except DefusedXmlException as err:
        raise ValueError(f"not a PARC .achz file: XML with a DTD or entity declarations is refused ({err})") from None


def _text(element: ET.Element | None) -> str:
    return "" if element is None or element.text is None else element.text


def _extra_of(element: ET.Element) -> dict[str, Any] | None:
    found = element.find(EXTRA)
    if found is None:
        return None
    try:
        payload = json.loads(_text(found))
    except json.JSONDecodeError as err:
        raise ValueError(f"not a PARC .achz file: unreadable wb:EXTRA ({err.msg})") from None
    return payload if isinstance(payload, dict) else None


def _carried(shown: str, original: Any, encode: Callable[[Any], str], decode: Callable[[str], Any]) -> Any:
    """The original value unless the text PARC shows was edited since we wrote it."""
    if original is not _ABSENT and encode(original) == shown:
        return original
    return decode(shown)


_ABSENT = object()


def _required(parent: ET.Element, tag: str, where: str) -> ET.Element:
    found = parent.find(tag)
    if found is None:
        raise ValueError(f"not a PARC .achz file: {where} has no {tag}")
    return found


def _parc_rating(token: str, where: str) -> str:
    try:
        rating = normalise_rating(token)
    except ValueError:
        rating = None
    if rating is None:
        raise ValueError(f"not a PARC .achz file: {where}: VALUES entry {token.strip()!r} is not one of "
                         f"C C, C, N, NA, I, I I")
    return rating


def _read_hypotheses(matrix: ET.Element) -> list[dict[str, Any]]:
    elements = matrix.findall("HYPOTHESIS")
    if not elements:
        raise ValueError("not a PARC .achz file: MATRIX has no HYPOTHESIS")
    hypotheses = []
    for index, element in enumerate(elements, start=1):
        shown = _text(_required(element, "NAME", f"HYPOTHESIS {index}"))
        extra = _extra_of(element) or {}
        name = _carried(shown, extra.get("name", _ABSENT), _xml_text, str.strip)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"not a PARC .achz file: HYPOTHESIS {index} has an empty NAME")
        hypotheses.append({**extra, "name": name})
    extras_ok = all("id" in h and "position" in h for h in hypotheses)
    ids = [h.get("id") for h in hypotheses]
    positions = [h.get("position") for h in hypotheses]
    if not (extras_ok and len(set(ids)) == len(ids) and positions == sorted(set(positions))):
        for index, hypothesis in enumerate(hypotheses):  # foreign or re-ordered in PARC
            hypothesis["position"] = index
            if not extras_ok or len(set(ids)) != len(ids):
                hypothesis["id"] = f"H{index + 1}"
    return hypotheses


def _kind(type_text: str) -> str:
    lowered = type_text.lower()
    if "absen" in lowered:
        return "absence"
    return "assumption"  # PARC items are unanchored, so never quotes


def _read_evidence(matrix: ET.Element, hypotheses: list[dict[str, Any]],
                   ratings: list[dict[str, str]]) -> list[dict[str, Any]]:
    items = []
    codes_seen: set[str] = set()
    for index, element in enumerate(matrix.findall("EVIDENCE"), start=1):
        where = f"EVIDENCE {index}"
        name = _text(_required(element, "NAME", where))
        values = _text(_required(element, "VALUES", where))
        tokens = values.split(",") if values.strip() else []
        if len(tokens) != len(hypotheses):
            raise ValueError(f"not a PARC .achz file: {where} has {len(tokens)} VALUES for {len(hypotheses)} "
                             f"hypotheses")
        extra = _extra_of(element)
        own = extra is not None
        extra = extra or {}
        get = extra.get
        notes = _text(element.find("NOTES"))
        type_text = _text(element.find("TYPE"))
        kind = _carried(type_text, get("kind", _ABSENT), lambda k: _TYPES.get(k, ""), _kind)
        if own:
            note = _carried(notes, get("note", _ABSENT), _xml_text, lambda t: t or None)
        else:
            name_text, notes_text = name.strip(), notes.strip()
            note = "\n\n".join(t for t in (name_text, notes_text) if t) or None
        code = _text(element.find("CODE")).strip()
        item_id = _carried(code, get("id", _ABSENT), _xml_text, lambda c: c)
        suffix = 1
        while not item_id or item_id in codes_seen:   # no CODE, or a CODE used twice
            item_id = f"E{index}" if suffix == 1 else f"E{index}-{suffix}"
            suffix += 1
        codes_seen.add(item_id)
        flagged = _text(element.find("FLAG")).strip().lower() in ("true", "1", "yes", "y")
        flags = [f for f in get("flags", []) if f != "deception"]
        flags = (["deception"] if flagged else []) + flags
        credibility = _text(element.find("CREDIBILITY")).strip().capitalize() or "Medium"
        relevance_element = element.find("RELEVANCE")
        relevance = (_text(relevance_element).strip().capitalize() if relevance_element is not None
                     else get("relevance", "Medium"))
        item = {**{k: v for k, v in extra.items() if k != "unrated"}, "id": item_id, "kind": kind, "note": note,
                "url": _carried(_text(element.find("LINK")), get("url", _ABSENT), _xml_text, lambda t: t or None),
                "event_date": _carried(_text(element.find("DATE")).strip(), get("event_date", _ABSENT), _epoch_ms,
                                       lambda t: _from_epoch_ms(t, where)),
                "flags": flags, "credibility": credibility, "relevance": relevance}
        if not own:
            item["exact"] = None
        items.append(item)
        unrated = set(get("unrated", []))
        for hypothesis, token in zip(hypotheses, tokens):
            rating = _parc_rating(token, where)
            if rating == "NA" and hypothesis["id"] in unrated:
                continue
            ratings.append({"evidence_id": item_id, "hypothesis_id": hypothesis["id"], "rating": rating})
    return items


def read_achz(data: bytes) -> dict[str, Any]:
    """Read a PARC ACH ``.achz`` file (ours or PARC's own) into an analysis document.

    Args:
        data: the file's bytes.

    Returns:
        A validated analysis document.

    Raises:
        ValueError: one line naming the problem — not gzip, not UTF-16, not XML, a DTD or
            entity declaration, a missing PROJECT-TITLE / MATRIX / HYPOTHESIS / NAME / VALUES,
            a bad rating, date or credibility.
    """
    root = _parse(_utf16(_gunzip(data)))
    title = root if root.tag == "PROJECT-TITLE" else root.find(".//PROJECT-TITLE")
    if title is None:
        raise ValueError("not a PARC .achz file: no PROJECT-TITLE")
    matrix = root if root.tag == "MATRIX" else root.find(".//MATRIX")
    if matrix is None:
        raise ValueError("not a PARC .achz file: no MATRIX")
    root_extra = _extra_of(root) or {}
    written_by = root_extra.get("version", SCHEMA_VERSION)
    if isinstance(written_by, int) and written_by > SCHEMA_VERSION:
        raise ValueError(f"PARC .achz file was written by a newer workbench (analysis document version "
                         f"{written_by}, this one understands {SCHEMA_VERSION}); upgrade workbench to import it")
    extra = root_extra.get("analysis", {})
    analysis = dict(extra) if isinstance(extra, dict) else {}
    analysis["question"] = _carried(_text(title), analysis.get("question", _ABSENT), _xml_text, str.strip)
    if not isinstance(analysis["question"], str) or not analysis["question"].strip():
        raise ValueError("not a PARC .achz file: empty PROJECT-TITLE")
    classification = root.find(".//CLASSIFICATION")
    analysis["classification"] = (None if classification is None else
                                  _carried(_text(classification), analysis.get("classification", _ABSENT),
                                           _xml_text, lambda t: t.strip() or None))
    hypotheses = _read_hypotheses(matrix)
    ratings: list[dict[str, str]] = []
    evidence = _read_evidence(matrix, hypotheses, ratings)
    doc = {"schema": SCHEMA, "version": SCHEMA_VERSION, "analysis": analysis, "hypotheses": hypotheses,
           "evidence": evidence, "ratings": ratings}
    try:
        return validate_document(doc)
    except ValueError as err:
        raise ValueError(f"PARC .achz file does not make a valid analysis: {err}") from None
