"""Turn bytes into text: BOMs, UTF-8, UTF-16, and the Russian 8-bit code pages."""
from __future__ import annotations

import codecs
import re

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LOWER_CYRILLIC = re.compile("[а-яё]")
_ANY_CYRILLIC = re.compile("[А-Яа-яЁё]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: BOM; strict UTF-8; UTF-16 without BOM (zero bytes in alternate places);
    cp1251 vs KOI8-R decided by which yields lower-case Cyrillic (Russian prose is mostly
    lower case, and each code page maps the other's lower case onto upper case);
    charset-normalizer as a last resort.

    Args:
        data: raw bytes.
        name: the input's name, used in error messages.
    Raises:
        InputError: empty or binary input.
    """
    if not data.strip():
        raise InputError(name, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom):].decode(encoding), name), encoding
            except UnicodeDecodeError as exc:
                raise InputError(name, f"invalid {encoding} after its byte-order mark ({exc.reason})") from None
    head = data[:4096]
    if b"\x00" in head:
        utf16 = _guess_utf16(head)
        if utf16:
            try:
                return _check_text(data.decode(utf16), name), utf16
            except UnicodeDecodeError:
                pass
        raise InputError(name, "binary file, not text")
    try:
        return _check_text(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    cyrillic = _best_cyrillic(data)
    if cyrillic:
        return _check_text(data.decode(cyrillic), name), cyrillic
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(name, "binary file, not text (no text encoding fits)")
    return _check_text(str(best), name), best.encoding


def _guess_utf16(head: bytes) -> str | None:
    even_zero = head[0::2].count(0)
    odd_zero = head[1::2].count(0)
    half = len(head) / 2
    if odd_zero > 0.3 * half and even_zero < 0.05 * half:
        return "utf-16-le"
    if even_zero > 0.3 * half and odd_zero < 0.05 * half:
        return "utf-16-be"
    return None


def _best_cyrillic(data: bytes) -> str | None:
    scores = {}
    for encoding in ("cp1251", "koi8-r"):
        text = data.decode(encoding, errors="replace")
        letters = sum(ch.isalpha() for ch in text) or 1
        if len(_ANY_CYRILLIC.findall(text)) < 0.3 * letters:
            continue
        scores[encoding] = len(_LOWER_CYRILLIC.findall(text))
    if not scores:
        return None
    return max(scores, key=scores.get)


def _check_text(text: str, name: str) -> str:
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise InputError(name, "binary file, not text (control characters)")
    if not text.strip():
        raise InputError(name, "empty file")
    return text
