"""Evidence anchors: character offsets plus a W3C TextQuoteSelector (exact, prefix, suffix).

Offsets are fast and exact while the article text is unchanged (it is immutable in a
workspace); the quote selector lets an anchor be found again in a re-imported or
re-extracted copy of the article, where offsets may have shifted.
"""
from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32  # characters of prefix and suffix kept around the quote


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def make_anchor(text: str, start: int, end: int, *, name: str = "quote") -> Anchor:
    """Anchor ``text[start:end]``.

    Args:
        text: the article text.
        start, end: character offsets (end exclusive).
        name: how errors refer to the quote.
    Raises:
        ValueError: offsets outside the text, empty or whitespace-only span.
    """
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"{name}: span {start}-{end} is outside the article (0-{len(text)})")
    exact = text[start:end]
    if not exact.strip():
        raise ValueError(f"{name}: span {start}-{end} holds only white space")
    return Anchor(start, end, exact, text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def locate(text: str, exact: str, prefix: str = "", suffix: str = "",
           start: int | None = None) -> tuple[int, int] | None:
    """Find a quote in ``text``: at its offsets if they still hold, else by the selector.

    Among several occurrences of ``exact`` the one whose surroundings best match the
    prefix and suffix wins (ties: nearest to the old offset).

    Returns:
        ``(start, end)`` or None when the quote is not in the text.
    """
    if not exact:
        return None
    if start is not None and text[start:start + len(exact)] == exact:
        return start, start + len(exact)
    best: tuple[int, int, int] | None = None  # (-score, distance, position)
    pos = text.find(exact)
    while pos != -1:
        before = text[max(0, pos - len(prefix)):pos]
        after = text[pos + len(exact):pos + len(exact) + len(suffix)]
        score = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        distance = abs(pos - start) if start is not None else 0
        key = (-score, distance, pos)
        if best is None or key < best:
            best = key
        pos = text.find(exact, pos + 1)
    if best is None:
        return None
    return best[2], best[2] + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
