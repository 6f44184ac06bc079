"""Reading a PARC ``.achz`` file as a stream, within limits: gzip → UTF-16 → XML events.

Nothing is held whole: the gzip stream is decompressed in chunks (counting the bytes, so a
gzip bomb stops at ``max_bytes``), each chunk is decoded from UTF-16 and fed to expat, and the
element handlers keep only what the PARC layout needs — the title, the classification, the
workbench extras, and each HYPOTHESIS / EVIDENCE as a small ``{tag: text}`` record. Every
element is counted and its depth checked as it opens (see ``AchzLimits``), so an element flood
is refused as soon as it goes beyond what PARC's layout could hold — 10,000 elements outside
the records, 64 inside one, 750,000 in all — with memory bounded by the records kept. A
DOCTYPE (and so any entity declaration) is refused when it starts, and external entities are
never fetched.

A record keeps the text of the first child with each known tag (later duplicates and unknown
elements — PARC's LAST-INDEX, COLOR-SCHEME, anything else — are skipped), and, as
ElementTree's ``.text`` does, only the text before that child's own first sub-element.
"""
from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

__all__ = ["AchzLimits", "ParsedAchz", "parse_achz", "LimitExceeded", "DEFAULT_LIMITS", "EXTRA_TAG"]

NAMESPACE = "urn:x-workbench:analysis"
EXTRA_TAG = f"{NAMESPACE} EXTRA"  # expat's name for wb:EXTRA ("uri local")
_CHUNK = 1 << 20  # decompressed bytes fed to the parser at a time
_HYPOTHESIS_FIELDS = frozenset({"NAME", EXTRA_TAG})
_EVIDENCE_FIELDS = frozenset({"NAME", "NOTES", "LINK", "TYPE", "DATE", "CODE", "FLAG", "CREDIBILITY", "RELEVANCE",
                              "VALUES", EXTRA_TAG})
_SPECIAL = frozenset({"MATRIX", "PROJECT-TITLE", "CLASSIFICATION", EXTRA_TAG})
# element roles
_OTHER, _ROOT, _MATRIX, _HYPOTHESIS, _EVIDENCE, _FIELD, _TITLE, _CLASSIFICATION, _ROOT_EXTRA = range(9)


@dataclass(frozen=True)
class AchzLimits:
    """What a ``.achz`` file may hold before it is refused.

    The defaults admit a 50,000-item analysis (about 100 MB of XML; PARC writes about twelve
    elements per item). A flood of elements is refused after 10,000 of them outside the MATRIX
    records or 64 inside one record, and in any shape after 750,000 elements in all (about a
    second, and a few MB).

    Attributes:
        max_bytes: decompressed XML, in bytes (UTF-16: two per character).
        max_elements: XML elements in the whole file.
        max_outside: elements not inside a HYPOTHESIS or EVIDENCE (PARC writes a handful).
        max_per_record: elements inside one HYPOTHESIS or EVIDENCE (PARC writes about ten).
        max_depth: nesting depth (PARC's own layout is four deep).
        max_hypotheses: HYPOTHESIS elements.
        max_evidence: EVIDENCE elements.
        max_cells: evidence items × hypotheses (the ratings held in memory).
        max_text: characters of text kept for one element.
    """

    max_bytes: int = 256 * 2**20
    max_elements: int = 750_000
    max_outside: int = 10_000
    max_per_record: int = 64
    max_depth: int = 32
    max_hypotheses: int = 1_000
    max_evidence: int = 50_000
    max_cells: int = 2_000_000
    max_text: int = 4 * 2**20


DEFAULT_LIMITS = AchzLimits()


class LimitExceeded(ValueError):
    """The file goes beyond one of the ``AchzLimits``; the message names the limit."""


@dataclass
class ParsedAchz:
    """What the PARC layout needs from a ``.achz`` file.

    ``title`` / ``classification`` / ``root_extra`` are None when the element is absent (an
    empty element gives ""). ``hypotheses`` and ``evidence`` are the MATRIX's records in file
    order: ``{tag: text}`` of their known children (the workbench extra under ``EXTRA_TAG``).
    """

    root_tag: str = ""
    title: str | None = None
    classification: str | None = None
    root_extra: str | None = None
    matrix_found: bool = False
    hypotheses: list[dict[str, str]] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)


def _refuse(problem: str) -> LimitExceeded:
    return LimitExceeded(f"PARC .achz file refused: {problem}")


def _not_achz(problem: str) -> ValueError:
    return ValueError(f"not a PARC .achz file: {problem}")


def _handlers(limits: AchzLimits, result: ParsedAchz) -> tuple[Callable, Callable, Callable]:
    """expat start / end / character-data handlers that count, check and keep the records.

    Closures over local state rather than a class: these run once per element of a file that
    may be a flood of millions, so each saved attribute lookup counts.
    """
    max_elements, max_depth, max_text = limits.max_elements, limits.max_depth, limits.max_text
    max_outside, max_per_record = limits.max_outside, limits.max_per_record
    elements = depth = outside = 0
    record_depth = record_elements = 0  # depth of the open HYPOTHESIS / EVIDENCE (0: none), elements in it
    # the open elements worth keeping: [depth, role, text so far or None (not kept), saw a child, tag]
    frames: list[list[Any]] = []
    record: dict[str, str] = {}
    matrix_seen = False

    def start(name: str, _attributes: object) -> None:
        nonlocal elements, depth, record, record_depth, record_elements, outside, matrix_seen
        elements += 1
        depth += 1
        if elements > max_elements:
            raise _refuse(f"more than {max_elements:,} XML elements (the limit)")
        if depth > max_depth:
            raise _refuse(f"elements nested more than {max_depth} deep (the limit)")
        if record_depth:
            record_elements += 1
            if record_elements > max_per_record:
                raise _refuse(f"more than {max_per_record} elements inside one HYPOTHESIS or EVIDENCE (the limit)")
        parent_role = _OTHER
        if frames:
            top = frames[-1]
            if top[0] == depth - 1:
                top[3] = True
                parent_role = top[1]
        if parent_role == _MATRIX and (name == "EVIDENCE" or name == "HYPOTHESIS"):
            if name == "HYPOTHESIS":
                if len(result.hypotheses) >= limits.max_hypotheses:
                    raise _refuse(f"more than {limits.max_hypotheses:,} hypotheses (the limit)")
                role = _HYPOTHESIS
            else:
                if len(result.evidence) >= limits.max_evidence:
                    raise _refuse(f"more than {limits.max_evidence:,} evidence items (the limit)")
                role = _EVIDENCE
            record, record_depth, record_elements = {}, depth, 0
            frames.append([depth, role, None, False, name])
            return
        if not record_depth:
            outside += 1
            if outside > max_outside:
                raise _refuse(f"more than {max_outside:,} XML elements outside the HYPOTHESIS and EVIDENCE "
                              f"records (the limit)")
        if parent_role == _OTHER and depth > 1 and name not in _SPECIAL:
            return  # an element nobody needs: counted, not kept
        role, kept = _OTHER, None
        if parent_role == _HYPOTHESIS or parent_role == _EVIDENCE:
            known = _HYPOTHESIS_FIELDS if parent_role == _HYPOTHESIS else _EVIDENCE_FIELDS
            if name in known and name not in record:
                role, kept = _FIELD, ""
        elif record_depth:
            pass  # PROJECT-TITLE, MATRIX… inside a record are not the file's own
        elif name == "MATRIX" and not matrix_seen:
            matrix_seen = result.matrix_found = True
            role = _MATRIX
        elif name == "PROJECT-TITLE" and result.title is None:
            role, kept = _TITLE, ""
        elif name == "CLASSIFICATION" and result.classification is None:
            role, kept = _CLASSIFICATION, ""
        elif depth == 2 and name == EXTRA_TAG and result.root_extra is None:
            role, kept = _ROOT_EXTRA, ""
        if depth == 1:
            result.root_tag = name
            if role == _OTHER:
                role = _ROOT
        if role != _OTHER:
            frames.append([depth, role, kept, False, name])

    def end(_name: str) -> None:
        nonlocal depth, record_depth
        if frames and frames[-1][0] == depth:
            _, role, kept, _, tag = frames.pop()
            if role == _FIELD:
                record[tag] = kept
            elif role == _HYPOTHESIS:
                result.hypotheses.append(record)
                record_depth = 0
            elif role == _EVIDENCE:
                result.evidence.append(record)
                record_depth = 0
            elif role == _TITLE:
                result.title = kept
            elif role == _CLASSIFICATION:
                result.classification = kept
            elif role == _ROOT_EXTRA:
                result.root_extra = kept
        depth -= 1

    def data(text: str) -> None:
        if not frames:
            return
        top = frames[-1]
        if top[0] != depth or top[2] is None or top[3]:  # not kept, or past the element's first child
            return
        # expat's buffer hands over an element's text whole, bar the rare very long one
        text = top[2] + text if top[2] else text
        if len(text) > max_text:
            raise _refuse(f"the text of one {top[4].split(' ')[-1]} element is longer than {max_text:,} "
                          f"characters (the limit)")
        top[2] = text

    return start, end, data


def _refuse_dtd(*_args: object) -> None:
    raise _not_achz("XML with a DTD or entity declarations is refused")


def _decoder_for(head: bytes) -> codecs.IncrementalDecoder:
    """The UTF-16 flavour of the XML, from its first two bytes."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"           # byte-order mark: consumed by the decoder
    elif head[:2] == b"<\x00":
        encoding = "utf-16-le"
    elif head[:2] == b"\x00<":
        encoding = "utf-16-be"
    else:
        hint = " (it looks like UTF-8 or ASCII)" if head.lstrip()[:1] == b"<" else ""
        raise _not_achz(f"the XML inside is not UTF-16{hint}")
    return codecs.getincrementaldecoder(encoding)("strict")


def _text_chunks(data: bytes, limits: AchzLimits) -> Iterator[str]:
    """Decompress and decode in chunks, refusing a gzip bomb and anything not UTF-16."""
    stream = gzip.GzipFile(fileobj=io.BytesIO(data))
    decoder: codecs.IncrementalDecoder | None = None
    head = b""
    total = 0
    while True:
        try:
            raw = stream.read(_CHUNK)
        except (OSError, EOFError, zlib.error) as err:
            raise _not_achz(f"not gzip-compressed data ({err})") from None
        total += len(raw)
        if total > limits.max_bytes:
            raise _refuse(f"it expands beyond {limits.max_bytes // 2**20:,} MB of XML (the limit)")
        if decoder is None:
            head += raw
            if len(head) < 2 and raw:
                continue
            decoder = _decoder_for(head)
            raw, offset = head, 0
        try:
            text = decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as err:
            raise _not_achz(f"invalid UTF-16 ({err.reason} at byte {offset + err.start})") from None
        offset += len(raw)
        if text:
            yield text
        if not raw:
            return


def parse_achz(data: bytes, limits: AchzLimits = DEFAULT_LIMITS) -> ParsedAchz:
    """Stream a ``.achz`` file's XML into the records the PARC layout needs.

    Args:
        data: the file's bytes.
        limits: what the file may hold.

    Returns:
        The title, classification, extras and MATRIX records (unvalidated text).

    Raises:
        LimitExceeded: beyond a limit (one line naming it).
        ValueError: one line — not gzip, not UTF-16, not well-formed XML, a DTD.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _not_achz(f"expected bytes, got {type(data).__name__}")
    result = ParsedAchz()
    start, end, data_handler = _handlers(limits, result)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.ordered_attributes = True  # a list is cheaper than a dict, and attributes are not read
    parser.buffer_size = 1 << 16
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data_handler
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    fed = False
    try:
        for text in _text_chunks(bytes(data), limits):
            parser.Parse(text, False)
            fed = True
        if not fed:
            raise _not_achz("the XML inside is not UTF-16 (it is empty)")
        parser.Parse("", True)
    except expat.ExpatError as err:
        raise _not_achz(f"not well-formed XML ({err})") from None
    return result
