"""An alert's passage: the sentence of an article's text that holds the most of a query's word
groups (issue 13), found when alerts are read, not when their articles are ingested.

The rule: the sentence holding the most of the query's word groups (the first of them; a
phrase's words count where they stand together, else, when nowhere, each word on its own),
else (a match in the title alone) the text's first sentence. Article text is immutable, so the
passage found on read is the one ingest would have found.

What it costs: a text is split into words once (``nlp._stems.text_forms``) however many
indicators matched it (``Passages`` keeps each article's split for a listing); its best
sentence is found reading only the sentences around the matched words (the text between words
says where sentences break). A leaf: imports nothing from the rest of workbench.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any

from ._sentences import break_candidates, iter_trimmed_sentence_spans, sentence_breaks, trim_span
from ._query import Query, QueryError, Term, parse_query
from ._stems import TextForms, text_forms

__all__ = ["Passages", "TextField", "best_sentence", "first_sentence", "parsed_query"]


class TextField:
    """A matched article's text as the best sentence needs it: each word's search form in order
    (from the one pass, ``TextForms``) and the set of them; where a form occurs, and where the
    words and the breaks between sentences are, only as far as the matched words ask."""

    __slots__ = ("source", "forms", "present", "_sorted", "_ends", "_breaks", "_gaps", "_sentences")

    def __init__(self, source: TextForms) -> None:
        self.source = source
        self.forms = source.forms  # each word's search form (the index's), in order
        self.present = frozenset(self.forms)
        self._sorted: list[str] | None = None
        self._ends: list[int] | None = None
        self._breaks: dict[int, list[tuple[int, int]]] = {}
        self._gaps: list[int] | None = None
        self._sentences: dict[int, tuple[int, int]] = {}  # bisection point among the gaps -> sentence

    @property
    def text(self) -> str:
        """The field's text."""
        return self.source.text

    def breaks(self, gap: int) -> list[tuple[int, int]]:
        """The sentence breaks in the text before word ``gap`` (``gap == len(forms)``: after the
        last word), as character offsets: read from that stretch alone."""
        found = self._breaks.get(gap)
        if found is None:
            if self._ends is None:  # where each part ends: word i is parts[2i + 1]
                self._ends = list(accumulate(map(len, self.source.parts)))
            ends = self._ends
            start = ends[2 * gap - 1] if gap else 0
            found = self._breaks[gap] = sentence_breaks(self.text, start, ends[2 * gap])
        return found

    def sentence(self, at: int) -> tuple[int, int]:
        """The first and last word of the sentence holding word ``at``."""
        if self._gaps is None:  # the stretches between words that may hold a break (a C pass, no regex per word)
            self._gaps = break_candidates(self.source.parts[0::2])
        gaps = self._gaps
        after = bisect_right(gaps, at)  # every word between two candidate stretches is in one sentence
        found = self._sentences.get(after)
        if found is None:
            back = after - 1
            while back >= 0 and not self.breaks(gaps[back]):
                back -= 1
            ahead = after
            while ahead < len(gaps) and not self.breaks(gaps[ahead]):
                ahead += 1
            found = self._sentences[after] = (gaps[back] if back >= 0 else 0,
                                              (gaps[ahead] if ahead < len(gaps) else len(self.forms)) - 1)
        return found

    def _forms_from(self, prefix: str) -> list[str]:
        """The field's forms that start with ``prefix`` (a bisection of its sorted forms)."""
        if self._sorted is None:
            self._sorted = sorted(self.present)
        keys = self._sorted
        at = bisect_left(keys, prefix)
        out = []
        while at < len(keys) and keys[at].startswith(prefix):
            out.append(keys[at])
            at += 1
        return out

    def positions(self, term: Term) -> list[int]:
        """Where a term's words are (word indexes, unordered): ``list.index`` from one
        occurrence to the next, in C (no index of every form is built)."""
        if term.prefix:
            wanted = {form for prefix in term.forms for form in self._forms_from(prefix)}
        else:
            wanted = term.forms & self.present
        out: list[int] = []
        forms = self.forms
        for form in wanted:
            at = forms.index(form)  # present: found
            while True:
                out.append(at)
                try:
                    at = forms.index(form, at + 1)
                except ValueError:
                    break
        return out


def best_sentence(query: Query, body: TextField) -> tuple[int, int]:
    """The offsets of the sentence holding the most of the query's word groups (the first such),
    else of the text's first sentence (the match was in the title).

    Only the sentences holding a matched word are read: from each such word, the stretches
    between words are searched for a sentence break back to the sentence's first word and on
    to its last (the same breaks ``nlp._sentences.sentence_spans`` finds in the whole text).

    Args:
        query: the parsed query.
        body: the article's text, prepared.
    Returns:
        (start, end) in the text, ``end > start`` for a non-empty text.
    """
    hits: dict[int, set[int]] = {}
    for whole in (True, False):  # a phrase's words where they stand together; else (none do) each word
        for number, group in enumerate(query.groups):
            for phrase in group:
                for at in _phrase_starts(body, phrase.terms) if whole else ():
                    for offset in range(len(phrase.terms)):
                        hits.setdefault(at + offset, set()).add(number)
                for term in phrase.terms if not whole else ():
                    for at in body.positions(term):
                        hits.setdefault(at, set()).add(number)
        if hits:
            break
    if not hits:
        return first_sentence(body.text)
    sentences: dict[int, tuple[int, set[int]]] = {}  # first word -> (last word, groups held)
    first, last = -1, -1
    for at in sorted(hits):
        if at > last:  # a new sentence
            first, last = body.sentence(at)
            sentences[first] = (last, set())
        sentences[first][1].update(hits[at])
    best = min(sentences, key=lambda word: (-len(sentences[word][1]), word))
    before, after = body.breaks(best), body.breaks(sentences[best][0] + 1)
    start = before[-1][1] if before else 0
    end = after[0][0] if after else len(body.text)
    return trim_span(body.text, start, end)


def _phrase_starts(body: TextField, terms: Sequence[Any]) -> list[int]:
    """The word positions where a phrase's terms stand one after the other."""
    following = [set(body.positions(term)) for term in terms[1:]]
    return [at for at in body.positions(terms[0])
            if all(at + step in found for step, found in enumerate(following, start=1))]


@lru_cache(maxsize=1024)
def parsed_query(query: str) -> Query | None:
    """A query parsed (None: no longer valid), once per process: every batch reads the same few."""
    try:
        return parse_query(query)
    except QueryError:
        return None


class Passages:
    """The best sentences of a listing's alerts: each article's text split into words once, however
    many of its alerts are asked for."""

    __slots__ = ("_fields",)

    def __init__(self) -> None:
        self._fields: dict[str, TextField] = {}

    def span(self, article_id: str, text: str, language: str, query: str) -> tuple[int, int]:
        """The best sentence of ``query`` in an article's text.

        Args:
            article_id: the article (its split is kept under this key).
            text: its text.
            language: its stored language (which search forms its words take).
            query: the indicator's query, as stored (one no longer valid gives the first sentence).
        Returns:
            (start, end) in ``text``.
        """
        parsed = parsed_query(query)
        if parsed is None:
            return first_sentence(text)
        body = self._fields.get(article_id)
        if body is None:
            body = self._fields[article_id] = TextField(text_forms(text, language))
        return best_sentence(parsed, body)


def first_sentence(text: str) -> tuple[int, int]:
    """The offsets of a text's first sentence (``(0, 1)`` for an empty one: a span the alerts' check accepts)."""
    return next(iter_trimmed_sentence_spans(text), None) or (0, max(len(text), 1))
