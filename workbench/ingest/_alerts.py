"""Alerts on ingest: each new article matched against every active indicator (Heuer's step 8).

Only the batch's new originals are matched, in this process, on their own words: the corpus is
never searched again. A query means what it means to ``Workspace.search`` (``nlp._stems``: the
same parser and the same search forms, so Київ finds Києві and strikes finds strike), evaluated
here on the article's title and text: every group must hold one of its phrases (a phrase's words
in order, in the title or in the text), and no excluded phrase may occur. An indicator's entity
condition is met by a mention of the entity under any of its scripts (the entity table's
cross-script key); its source condition by the outlet's exact name.

The alert keeps the best sentence: the one holding the most of the query's word groups (the
first of them), else (a match in the title alone) the text's first sentence.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..nlp._sentences import trimmed_sentence_spans
from ..nlp._stems import Phrase, Query, QueryError, Term, parse_query, shadow, words
from ..store import new_id
from ..store.entity_rules import load_rules, name_keys
from ..store.indicators import active_indicators, insert_alerts, precise_now

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["Candidate", "Watch", "record_alerts", "query_matches", "best_sentence"]


@dataclass(frozen=True)
class Candidate:
    """A new article as ingest has it: what matching needs."""

    id: str
    title: str | None
    text: str
    language: str
    source: str
    canonicals: frozenset[str]  # the canonical names its mentions carry


@dataclass(frozen=True)
class Watch:
    """An active indicator, its query parsed once per batch."""

    id: str
    analysis_id: str
    query: Query
    entity_key: str | None
    source: str | None
    simple: tuple[frozenset[str], ...] | None  # a query of single words (OR-ed): each group's forms


def _simple(query: Query) -> tuple[frozenset[str], ...] | None:
    """Each group's forms when the query is single whole words only (no phrase, prefix or
    exclusion): it matches when every group shares a form with the article (set tests in C)."""
    if query.excluded or any(len(p.terms) != 1 or p.terms[0].prefix for group in query.groups for p in group):
        return None
    return tuple(frozenset().union(*(p.terms[0].forms for p in group)) for group in query.groups)


class _Field:
    """One field of an article (title or text) as matching needs it: each word's search form in
    order and the set of them; where each form occurs, the words' offsets and the sentences only
    once a phrase or a match asks for them (most indicators match no article)."""

    __slots__ = ("text", "forms", "present", "_where", "_spans", "_starts", "_firsts", "_sorted")

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.forms: list[str] = shadow(text, language).split()  # each word's search form (the index's), in order
        self.present = frozenset(self.forms)
        self._where: dict[str, list[int]] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []
        self._firsts: list[int] = []
        self._sorted: list[str] | None = None

    @property
    def where(self) -> dict[str, list[int]]:
        """Form -> the indexes of the words having it."""
        if self._where is None:
            self._where = {}
            for at, form in enumerate(self.forms):
                self._where.setdefault(form, []).append(at)
        return self._where

    def sentences(self) -> list[tuple[int, int]]:
        """The text's sentences (trimmed, non-empty)."""
        if self._spans is None:
            self._spans = trimmed_sentence_spans(self.text)
            self._firsts = [start for start, _ in self._spans]
            self._starts = [start for start, _, _ in words(self.text)]
        return self._spans

    def sentence_of(self, at: int) -> int:
        """The sentence number of word ``at`` (after ``sentences``)."""
        return max(0, bisect_right(self._firsts, self._starts[at]) - 1)

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

    def has(self, phrase: Phrase) -> bool:
        """Whether the phrase occurs (a one-word phrase is a look-up, no positions listed)."""
        if len(phrase.terms) == 1:
            term = phrase.terms[0]
            if term.prefix:
                return any(self._forms_from(prefix) for prefix in term.forms)
            present = self.present
            return any(form in present for form in term.forms)
        if not all(term.prefix or not term.forms.isdisjoint(self.present) for term in phrase.terms):
            return False  # a word of the phrase is missing altogether: no positions needed
        return bool(self.phrase_at(phrase))

    def positions(self, term: Term) -> list[int]:
        """Where a term's words are (word indexes, unordered)."""
        if term.prefix:
            return [at for prefix in term.forms for form in self._forms_from(prefix) for at in self.where[form]]
        return [at for form in term.forms for at in self.where.get(form, ())]

    def phrase_at(self, phrase: Phrase) -> list[int]:
        """Where a phrase starts (word indexes)."""
        heads = self.positions(phrase.terms[0])
        if len(phrase.terms) == 1 or not heads:
            return heads
        width = len(phrase.terms)
        return [at for at in heads if at + width <= len(self.forms)
                and all(term.matches(self.forms[at + k]) for k, term in enumerate(phrase.terms[1:], 1))]


def query_matches(query: Query, fields: Sequence[_Field]) -> bool:
    """Whether a parsed query matches an article given as its fields (title, text).

    Args:
        query: the parsed query.
        fields: the article's fields, prepared once for every indicator.
    Returns:
        True when every group has a phrase in some field and no excluded phrase is in any.
    """
    for group in query.groups:
        if not any(field.has(phrase) for phrase in group for field in fields):
            return False
    return not any(field.has(phrase) for phrase in query.excluded for field in fields)


def best_sentence(query: Query, body: _Field) -> tuple[int, int]:
    """The offsets of the sentence holding the most of the query's word groups (the first such),
    else of the text's first sentence (the match was in the title).

    Args:
        query: the parsed query.
        body: the article's text, prepared.
    Returns:
        (start, end) in the text, ``end > start`` for a non-empty text.
    """
    spans = body.sentences()
    if not spans:
        return 0, max(len(body.text), 1)
    groups: dict[int, set[int]] = {}
    for number, group in enumerate(query.groups):
        for phrase in group:
            for term in phrase.terms:
                for at in body.positions(term):
                    groups.setdefault(body.sentence_of(at), set()).add(number)
    if not groups:
        return spans[0]
    best = max(groups, key=lambda sentence: (len(groups[sentence]), -sentence))
    return spans[best]


def _watches(conn: "Connection") -> tuple[list[Watch], Callable[[str], str]]:
    """The active indicators, parsed, and the entity-key function under the stored corrections."""
    keys = name_keys(load_rules(conn))
    out = []
    for row in active_indicators(conn):
        try:
            parsed = parse_query(row["query"])
        except QueryError:
            continue  # checked when the indicator was added; a parser change must not stop an ingest
        out.append(Watch(row["id"], row["analysis_id"], parsed,
                         keys(row["entity"]) if row["entity"] else None, row["source"], _simple(parsed)))
    return out, keys


def record_alerts(conn: "Connection", articles: Sequence[Candidate]) -> list[dict[str, Any]]:
    """Match new articles against every active indicator and record the alerts, in the caller's
    transaction (the one storing the articles).

    Args:
        conn: the write connection.
        articles: the new originals (syndicated copies are left out by the caller).
    Returns:
        The alert rows recorded.
    """
    if not articles:
        return []
    watches, keys = _watches(conn)
    if not watches:
        return []
    stamp = precise_now()
    rows: list[dict[str, Any]] = []
    for article in articles:
        fields = (_Field(article.title or "", article.language), _Field(article.text, article.language))
        entity_keys: set[str] | None = None
        for watch in watches:
            if watch.source is not None and watch.source != article.source:
                continue
            if watch.entity_key is not None:
                if entity_keys is None:
                    entity_keys = {keys(name) for name in article.canonicals}
                if watch.entity_key not in entity_keys:
                    continue
            if watch.simple is not None:
                if not all(not forms.isdisjoint(fields[0].present) or not forms.isdisjoint(fields[1].present)
                           for forms in watch.simple):
                    continue
            elif not query_matches(watch.query, fields):
                continue
            start, end = best_sentence(watch.query, fields[1])
            rows.append({"id": new_id(), "indicator_id": watch.id, "analysis_id": watch.analysis_id,
                         "article_id": article.id, "start": start, "end": end, "created_at": stamp})
    insert_alerts(conn, rows)
    return rows
