"""Text normalisation, clean-up of site furniture, hashing and word counts."""
from __future__ import annotations

import hashlib
import re
import unicodedata

# Lines that sites append to articles: share prompts, navigation, newsletter nags.
# Matched per line, and only inside the tail of the text, so prose that merely mentions
# "Google News" in the middle of an article is never cut.
_FURNITURE = re.compile(
    r"""^\s*(
        read\ all\ articles\ by\ .{1,80}\ on\ google\ news.*
      | (follow|subscribe\ to)\ us\ on\ .{1,60}
      | scroll\ to\ top
      | back\ to\ top
      | share\ (this|on)\ .{0,40}
      | (click|tap)\ here\ to\ (subscribe|share|read\ more).*
      | (related|recommended)\ (articles|posts|stories)\s*:?
      | all\ rights\ reserved\.?.*
      | ©.{0,80}
      | advertisement
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TAIL_LINES = 12
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def clean_text(text: str) -> str:
    """Normalise an article body for storage.

    NFC, Unix newlines, no trailing spaces, at most one blank line in a row, and site
    furniture removed from the end.

    Args:
        text: the raw body.
    Returns:
        The cleaned text (offsets of stored mentions and evidence refer to it).
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    lines = _strip_furniture(lines)
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip()


def _strip_furniture(lines: list[str]) -> list[str]:
    end = len(lines)
    # Walk up from the end across blank and furniture lines only.
    cut = end
    for i in range(end - 1, max(-1, end - 1 - _TAIL_LINES), -1):
        if not lines[i].strip():
            continue
        if _FURNITURE.match(lines[i]):
            cut = i
            continue
        break
    return lines[:cut]


def normalized_for_hash(text: str) -> str:
    """Collapse case-preserving whitespace so reflowed copies hash alike."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def identity(text: str, url: str | None) -> tuple[str, str]:
    """``(article_id(text, url), content_hash(text))`` with one normalisation pass."""
    normal = normalized_for_hash(text)
    digest = hashlib.sha256(normal.encode("utf-8")).hexdigest()
    ident = hashlib.sha256((normal + "\n" + (url or "").strip()).encode("utf-8")).hexdigest()[:16]
    return ident, digest


def content_hash(text: str) -> str:
    """SHA-256 hex of the normalised text."""
    return hashlib.sha256(normalized_for_hash(text).encode("utf-8")).hexdigest()


def article_id(text: str, url: str | None) -> str:
    """Stable 16-hex id from the normalised text and the URL (empty when none)."""
    key = normalized_for_hash(text) + "\n" + (url or "").strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def word_count(text: str) -> int:
    """Number of words (runs of letters/digits, hyphen- and apostrophe-joined)."""
    return len(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Lower-cased words, for shingling and language detection."""
    return _WORD.findall(text.lower())


_SENTENCE_END = re.compile(r"""[.!?…]+["”’»)]*(?=\s+["“‘«(]?[A-ZА-ЯЁІЇЄҐ0-9])|\n\s*\n""")


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov sen rep st jr sr no vs etc inc ltd co corp "
    "u.s u.k e.g i.e jan feb mar apr aug sept sep oct nov dec".split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence boundaries for keyboard navigation: ``(start, end)`` pairs without
    surrounding white space. Paragraph breaks always end a sentence."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word = text[max(0, match.start() - 12):match.start()].split()[-1:] or [""]
        if match.group(0) == "." and word[0].lower().lstrip("(\"“") in _ABBREVIATIONS:
            continue
        end = match.end() if not match.group(0).startswith("\n") else match.start()
        _append_trimmed(spans, text, start, end)
        start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
