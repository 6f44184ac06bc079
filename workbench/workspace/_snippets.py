"""Snippets and passages of a search hit, marked on the article's own words.

The index matches search forms (``nlp._stems``); here the same normaliser runs over the
article's text, so each highlight is the offsets of a word the analyst can read in the article.
A snippet is plain text plus a list of ``(start, end)`` highlights inside it: whoever shows it
escapes the text first and marks the highlights after (nothing from the index is markup).
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from ..nlp._sentences import sentence_spans
from ..nlp._stems import Query, query_words_to_highlight, word_forms

__all__ = ["Snippet", "Passage", "article_snippet", "passages", "SNIPPET_WORDS"]

#: About how many words a snippet shows.
SNIPPET_WORDS = 30
_LEAD = 6  # words shown before the first highlight of a snippet
_SPACE = re.compile(r"\s")
_ELLIPSIS = "…"


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


def _excerpt(text: str, forms: list[tuple[int, int, str]], first: int, last: int,
             hits: list[tuple[int, int, int]]) -> Snippet:
    """Words ``first`` to ``last`` (inclusive) of ``text`` as a snippet with the hits inside them."""
    start, end = forms[first][0], forms[last][1]
    while end < len(text) and not text[end].isspace() and end - forms[last][1] < 3:
        end += 1  # the punctuation that closes the last word
    while start > 0 and not text[start - 1].isspace() and forms[first][0] - start < 3 and (
            first == 0 or start > forms[first - 1][1]):
        start -= 1  # and what opens the first
    lead = _ELLIPSIS if first > 0 else ""
    tail = _ELLIPSIS if last < len(forms) - 1 else ""
    shift = len(lead) - start
    marks = tuple((s + shift, e + shift) for s, e, _ in hits if start <= s and e <= end)
    return Snippet(lead + _flat(text[start:end]) + tail, marks)


def article_snippet(query: Query, title: str | None, text: str, language: str) -> Snippet:
    """The part of an article that best shows why it matched: the window of about
    ``SNIPPET_WORDS`` words holding the most of the query's word groups (then the most hits).

    Args:
        query: the parsed query.
        title: the article's title (used when only the title matches: the text's opening is shown).
        text: the article's text.
        language: its stored language.
    Returns:
        The snippet (its highlights empty when no word of the text matches).
    """
    forms = word_forms(text, language)
    if not forms:
        return Snippet("", ())
    hits = query_words_to_highlight(query, forms)
    index = {start: i for i, (start, _, _) in enumerate(forms)}
    best: tuple[int, int, int] | None = None  # (groups, hits, first word)
    for start, _, _ in hits:
        first = max(0, index[start] - _LEAD)
        last = min(len(forms) - 1, first + SNIPPET_WORDS - 1)
        inside = [h for h in hits if forms[first][0] <= h[0] and h[1] <= forms[last][1]]
        key = (len({h[2] for h in inside}), len(inside), -first)
        if best is None or key > best:
            best = key
    first = -best[2] if best else 0
    return _excerpt(text, forms, first, min(len(forms) - 1, first + SNIPPET_WORDS - 1), hits)


def passages(query: Query, text: str, language: str) -> list[Passage]:
    """The sentences of an article that hold at least one of the query's words, in text order.

    Args:
        query: the parsed query.
        text: the article's text.
        language: its stored language.
    Returns:
        Passages whose ``text`` is ``text[start:end]`` exactly.
    """
    forms = word_forms(text, language)
    hits = query_words_to_highlight(query, forms)
    groups = len(query.groups)
    out = []
    at = 0
    for start, end in sentence_spans(text):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
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

