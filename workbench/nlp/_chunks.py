"""Splitting a text longer than a pipeline's ``max_length`` into chunks at natural borders.

spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters by default), while
the workbench accepts articles of up to 2,000,000. A long text is run as consecutive chunks
cut at paragraph breaks when it has them, else at line breaks, sentence ends or spaces. Each
chunk also reads ``overlap`` characters past its border, so a name that a border would cut
in half is still seen whole by the chunk it starts in; the next chunk then drops whatever it
finds overlapping that name. Every character is owned by exactly one chunk.

What the rules learn from the whole text (a surname once "Sergei Shoigu" appeared, an acronym
once "… (CSTO)" was defined) is shared between the chunks by ``EntityPipeline``, so a chunked
run gives the mentions a single run over the whole text would.
"""
from __future__ import annotations

import re

__all__ = ["chunk_spans", "OVERLAP"]

OVERLAP = 1_000
"""Characters a chunk reads past its border (far longer than any entity name)."""

# Borders in order of preference; each pattern's match end is where the next chunk starts.
_BORDERS = (
    re.compile(r"\n[ \t\r\f\v]*\n\s*"),             # paragraph break
    re.compile(r"\n\s*"),                           # line break
    re.compile(r"[.!?…][\"'”’»)\]]*\s+"),           # sentence end
    re.compile(r"\s+"),                             # any space
)


def chunk_spans(text: str, limit: int, overlap: int = OVERLAP) -> list[tuple[int, int, int]]:
    """Cut ``text`` into chunks the pipeline can take.

    Args:
        text: the whole text.
        limit: the most characters one chunk may hold (the pipeline's ``max_length``).
        overlap: characters each chunk reads past its border; reduced to a quarter of
            ``limit`` when larger.

    Returns:
        ``(start, own_end, end)`` per chunk, in order: the pipeline reads
        ``text[start:end]`` (at most ``limit`` characters) and keeps the mentions that start
        in ``[start, own_end)``. The next chunk starts at ``own_end``; the last ends at
        ``len(text)``. A text within ``limit`` is one chunk ``(0, len, len)``.

    Raises:
        ValueError: ``limit`` is below 2.
    """
    if limit < 2:
        raise ValueError(f"chunk limit must be at least 2 characters, got {limit}")
    size = len(text)
    if size <= limit:
        return [(0, size, size)]
    overlap = max(0, min(overlap, limit // 4))
    step = limit - overlap
    spans: list[tuple[int, int, int]] = []
    start = 0
    while size - start > limit:
        border = _border(text, start + step // 2, start + step)
        spans.append((start, border, min(border + overlap, size)))
        start = border
    spans.append((start, size, size))
    return spans


def _border(text: str, low: int, high: int) -> int:
    """The best border in ``(low, high]``: the latest one of the most preferred kind."""
    window = text[low:high]
    for pattern in _BORDERS:
        last = None
        for last in pattern.finditer(window):
            pass
        if last is not None and last.end() > 0:
            return low + min(last.end(), len(window))
    return high  # one unbroken run of characters: cut it
