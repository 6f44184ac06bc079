"""Snippets and passages of a search hit, marked on the article's own words.

The index matches search forms (``nlp._stems``); here the same normaliser runs over the
article's text, so each highlight is the offsets of a word the analyst can read in the article.
A snippet is plain text plus a list of ``(start, end)`` highlights inside it: whoever shows it
escapes the text first and marks the highlights after (nothing from the index is markup).
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from ..nlp import Query, matching_words, trimmed_sentence_spans

__all__ = ["Snippet", "Passage", "article_snippet", "passages", "SNIPPET_CHARS"]

#: About how many characters a snippet shows (some 30 words).
SNIPPET_CHARS = 220
_LEAD = 50  # characters shown before the first highlight of a snippet
_SPACE = re.compile(r"\s")
_ELLIPSIS = "…"
_STRETCH = 20  # how far a snippet's edge moves to reach a word's boundary


@dataclass(frozen=True)
class Snippet:
    """An excerpt and its highlights (offsets in ``text``)."""

    text: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Passage:
    """A sentence of an article that a query matches."""

    start: int
    end: int
    text: str
    coverage: float  # the share of the query's word groups the sentence holds (0-1]
    snippet: Snippet


def _flat(text: str) -> str:
    """White space as single spaces, one for one (offsets stay the same)."""
    return _SPACE.sub(" ", text)


def _edge(text: str, at: int, step: int) -> int:
    """``at`` moved (by ``step``, at most ``_STRETCH``) to the nearest white space: no word is cut."""
    moved = at
    while 0 < moved < len(text) and not text[moved - (step < 0)].isspace() and abs(moved - at) < _STRETCH:
        moved += step
    return moved


def article_snippet(query: Query, title: str | None, text: str, language: str) -> Snippet:
    """The part of an article that best shows why it matched: the window of about
    ``SNIPPET_CHARS`` characters holding the most of the query's word groups (then the most hits).

    Args:
        query: the parsed query.
        title: the article's title (when only the title matches, the text's opening is shown).
        text: the article's text.
        language: its stored language.
    Returns:
        The snippet (its highlights empty when no word of the text matches).
    """
    hits = matching_words(query, text, language)
    best: tuple[int, int, int] | None = None  # (groups, hits, -start)
    last = 0
    for i, (anchor, _, _) in enumerate(hits):  # a window opening just before each hit, slid along
        first = max(0, anchor - _LEAD)
        last = max(last, i)
        while last + 1 < len(hits) and hits[last + 1][1] <= first + SNIPPET_CHARS:
            last += 1
        inside = hits[i:last + 1]
        key = (len({h[2] for h in inside}), len(inside), -first)
        if best is None or key > best:
            best = key
    first = -best[2] if best else 0
    start = _edge(text, first, -1) if first else 0
    end = _edge(text, min(len(text), first + SNIPPET_CHARS), 1)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    lead = _ELLIPSIS if start > 0 else ""
    tail = _ELLIPSIS if end < len(text) else ""
    shift = len(lead) - start
    marks = tuple((s + shift, e + shift) for s, e, _ in hits if start <= s and e <= end)
    return Snippet(lead + _flat(text[start:end]) + tail, marks)


def passages(query: Query, text: str, language: str) -> list[Passage]:
    """The sentences of an article that hold at least one of the query's words, in text order.

    Args:
        query: the parsed query.
        text: the article's text.
        language: its stored language.
    Returns:
        Passages whose ``text`` is ``text[start:end]`` exactly.
    """
    hits = matching_words(query, text, language)
    groups = len(query.groups)
    out = []
    at = 0
    for start, end in trimmed_sentence_spans(text):
        inside = []
        while at < len(hits) and hits[at][0] < end:
            if hits[at][0] >= start:
                inside.append(hits[at])
            at += 1
        if not inside:
            continue
        sentence = text[start:end]
        marks = tuple((s - start, e - start) for s, e, _ in inside)
        out.append(Passage(start, end, sentence, len({h[2] for h in inside}) / groups, Snippet(_flat(sentence), marks)))
    return out

