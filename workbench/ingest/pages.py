"""Page boundaries of a paged document (a PDF): which page an offset of the stored text is on.

A paged reader joins its pages' cleaned texts with one blank line and records, in the
article's metadata under ``PAGES_KEY``, ``[page number, start offset]`` for every page that
has text. Offsets refer to the stored (cleaned) text, like mention and evidence offsets, so
the page of a quote is the last page starting at or before the quote's start.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .text import clean_text

__all__ = ["PAGES_KEY", "join_pages", "page_of"]

PAGES_KEY = "pages"
PAGE_BREAK = "\n\n"


def join_pages(texts: Iterable[str]) -> tuple[str, list[list[int]]]:
    """Clean each page's text and join the pages, remembering where each page starts.

    Each page is cleaned on its own (``clean_text``), so cleaning the joined text again when
    the article is stored leaves the offsets where they are: the joined text is already clean
    (it can only lose site furniture at its very end, which moves no page's start).

    Args:
        texts: the text of each page, first page first (empty for a page without text).
    Returns:
        (the joined text, ``[[page number (1-based), start offset], ...]`` for the pages with text).
    """
    parts: list[str] = []
    starts: list[list[int]] = []
    offset = 0
    for number, raw in enumerate(texts, 1):
        text = clean_text(raw)
        if not text:
            continue  # a blank page: no text, no boundary
        if parts:
            offset += len(PAGE_BREAK)
        starts.append([number, offset])
        parts.append(text)
        offset += len(text)
    return PAGE_BREAK.join(parts), starts


def page_of(metadata: Mapping[str, Any] | None, offset: int | None) -> int | None:
    """The page (1-based) an offset of an article's text is on, or None (not a paged document).

    Args:
        metadata: the article's metadata (``Article.metadata``).
        offset: a character offset into the stored text (a mention's or a quote's start).
    Returns:
        The page number, or None when the article records no pages or the offset is None.
    """
    pages = (metadata or {}).get(PAGES_KEY)
    if offset is None or not _well_formed(pages):
        return None
    starts = [start for _, start in pages]
    index = bisect_right(starts, int(offset)) - 1
    return int(pages[max(index, 0)][0])


def _well_formed(pages: Any) -> bool:
    """A non-empty list of [number, start] pairs of ints (metadata may come from anywhere)."""
    return (isinstance(pages, Sequence) and not isinstance(pages, str) and len(pages) > 0
            and all(isinstance(p, Sequence) and len(p) == 2 and all(isinstance(v, int) for v in p) for p in pages))
