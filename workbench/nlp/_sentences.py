"""Sentence boundaries, the one home for them in nlp: which tokens end and open a sentence.

One set of end marks and closers serves the tagger (which collects the sentence-final tokens
while it scans), the token splitter that sets ``doc.sents`` (``sentence_starts``, the rule of
spaCy's Sentencizer plus line breaks), the capitalisation test at a sentence's first word
(``sentence_initial``), and the character splitter claims read (``sentence_spans``), which has
no tokens: a sentence ends after an end mark and an optional closing quote where white space
and a capital or an opening quote follow, and at every line break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, compress, count

__all__ = ["SENT_END", "SENT_OPEN", "CLOSERS", "sentence_starts", "sentence_initial", "sentence_spans",
           "trimmed_sentence_spans", "iter_trimmed_sentence_spans", "break_candidates", "sentence_breaks",
           "trim_span"]

#: Tokens that end a sentence.
SENT_END = frozenset({".", "!", "?", "…", "。", "！", "？"})
#: Tokens after which a capital says little (a sentence, quote, aside or list item opens).
SENT_OPEN = frozenset({".", "!", "?", ":", ";", "“", '"', "‘", "«", "(", "[", "—", "–", "-", "…"})
#: Closing quotes and brackets that stay with the sentence they close.
CLOSERS = frozenset({"”", '"', "’", "'", ")", "]", "»"})

_SPAN_END = re.compile(r"(?<=[.!?…])[”\"»]?\s+(?=[A-Z“\"«А-ЯЁІЇЄ])|\n+")
_MAY_BREAK = re.compile(r"[.!?…\n]")  # a break follows an end mark or is a line break


def sentence_starts(words: list[str], ends: list[int]) -> list[int]:
    """Sentence-start token indexes, by the same rule as spaCy's Sentencizer (a sentence
    ends at an end mark and any closing quotes/brackets or end marks after it), plus line breaks.

    Args:
        words: token texts.
        ends: indexes of sentence-final tokens (end marks, line breaks), ascending.

    Returns:
        Indexes of tokens that start a sentence (always includes 0 when non-empty).
    """
    starts = [0] if words else []
    n = len(words)
    nxt = 0
    for i in ends:
        if i < nxt:
            continue
        j = i + 1
        while j < n and (words[j] in CLOSERS or words[j] in SENT_END or words[j].isspace()):
            j += 1
        if j < n and j != starts[-1]:
            starts.append(j)
        nxt = j
    return starts


def sentence_initial(words: list[str], i: int) -> bool:
    """Whether token ``i`` opens a sentence, quote or line (capitalisation says little there).

    Args:
        words: token texts.
        i: token index.

    Returns:
        True when ``i`` is sentence-initial.
    """
    if i == 0:
        return True
    p = words[i - 1]
    return p in SENT_OPEN or p.isspace()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a text without tokens, as ``(start, end)`` character offsets.

    Args:
        text: any text.

    Returns:
        Non-empty spans in order; the white space and closing quote between two sentences
        belong to neither.
    """
    out, s = [], 0
    for m in _SPAN_END.finditer(text):
        if m.start() > s:
            out.append((s, m.start()))
        s = m.end()
    if s < len(text):
        out.append((s, len(text)))
    return out


def break_candidates(between: list[str]) -> list[int]:
    """Which stretches of text between words may hold a sentence break (an end mark or a line
    break in them); ``sentence_breaks`` says whether one does.

    Args:
        between: the text between consecutive words (and before the first, after the last).

    Returns:
        Their indexes, ascending.
    """
    return list(compress(count(), map(_MAY_BREAK.search, between)))


def sentence_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The breaks between sentences (what ``sentence_spans`` leaves out) that lie within
    ``text[start:end]``, where that stretch holds no word (the text between two words: a break
    never holds a letter, so the breaks there are the ones ``sentence_spans`` finds, without
    reading the rest of the text).

    Args:
        text: any text.
        start: where the stretch starts (just after a word, or 0).
        end: where it ends (a word's start, or ``len(text)``).

    Returns:
        (start, end) of each break, in order.
    """
    if end - start < 2 and text[start:end] != "\n":  # a break is a line break or an end mark and a space
        return []
    return [m.span() for m in _SPAN_END.finditer(text, start, min(end + 1, len(text)))]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without white space at either end (``start == end`` when nothing is left)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def iter_trimmed_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """``trimmed_sentence_spans`` one at a time (the first sentence reads no further).

    Args:
        text: any text.

    Yields:
        Non-empty spans in order, each starting and ending on a non-space character.
    """
    s = 0
    ends = chain(((m.start(), m.end()) for m in _SPAN_END.finditer(text)), [(len(text), len(text))])
    for stop, after in ends:  # each sentence, then what follows the last end mark
        if stop > s:
            start, end = trim_span(text, s, stop)
            if end > start:
                yield start, end
        s = after


def trimmed_sentence_spans(text: str) -> list[tuple[int, int]]:
    """``sentence_spans`` without white space at either end of a sentence (a quotable passage).

    Args:
        text: any text.

    Returns:
        Non-empty spans in order, each starting and ending on a non-space character.
    """
    return list(iter_trimmed_sentence_spans(text))
