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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..nlp._sentences import sentence_spans
from ..nlp._stems import Phrase, Query, QueryError, matching_words, parse_query, shadow
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


def _phrase_in(phrase: Phrase, forms: Sequence[str], present: frozenset[str]) -> bool:
    """Whether ``forms`` (a text's search forms in order) hold the phrase's words in order."""
    first = phrase.terms[0]
    if len(phrase.terms) == 1:
        if first.prefix:
            return any(first.matches(form) for form in present)
        return not first.forms.isdisjoint(present)
    if not any(t.prefix for t in phrase.terms) and any(t.forms.isdisjoint(present) for t in phrase.terms):
        return False  # a word of the phrase is missing altogether: no scan
    width = len(phrase.terms)
    return any(all(term.matches(forms[at + k]) for k, term in enumerate(phrase.terms))
               for at in range(len(forms) - width + 1) if first.matches(forms[at]))


def query_matches(query: Query, texts: Sequence[tuple[Sequence[str], frozenset[str]]]) -> bool:
    """Whether a parsed query matches an article given as its fields' search forms.

    Args:
        query: the parsed query.
        texts: per field (title, text): its search forms in order and as a set.
    Returns:
        True when every group has a phrase in some field and no excluded phrase is in any.
    """
    for group in query.groups:
        if not any(_phrase_in(phrase, forms, present) for phrase in group for forms, present in texts):
            return False
    return not any(_phrase_in(phrase, forms, present) for phrase in query.excluded for forms, present in texts)


def best_sentence(query: Query, text: str, language: str) -> tuple[int, int]:
    """The offsets of the sentence holding the most of the query's word groups (the first such),
    else of the text's first sentence (the match was in the title).

    Args:
        query: the parsed query.
        text: the article's text.
        language: its stored language.
    Returns:
        (start, end) in ``text``, ``end > start`` for a non-empty text.
    """
    hits = matching_words(query, text, language)
    best: tuple[int, int, int] | None = None  # (groups, start, end)
    fallback: tuple[int, int] | None = None
    at = 0
    for start, end in sentence_spans(text):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        fallback = fallback or (start, end)
        groups = set()
        while at < len(hits) and hits[at][0] < end:
            if hits[at][0] >= start:
                groups.add(hits[at][2])
            at += 1
        if groups and (best is None or len(groups) > best[0]):
            best = (len(groups), start, end)
    if best is not None:
        return best[1], best[2]
    return fallback or (0, max(len(text), 1))


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
                         keys(row["entity"]) if row["entity"] else None, row["source"]))
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
        texts = []
        for field in (article.title or "", article.text):
            forms = shadow(field, article.language).split()
            texts.append((forms, frozenset(forms)))
        entity_keys: set[str] | None = None
        for watch in watches:
            if watch.source is not None and watch.source != article.source:
                continue
            if watch.entity_key is not None:
                if entity_keys is None:
                    entity_keys = {keys(name) for name in article.canonicals}
                if watch.entity_key not in entity_keys:
                    continue
            if not query_matches(watch.query, texts):
                continue
            start, end = best_sentence(watch.query, article.text, article.language)
            rows.append({"id": new_id(), "indicator_id": watch.id, "analysis_id": watch.analysis_id,
                         "article_id": article.id, "start": start, "end": end, "created_at": stamp})
    insert_alerts(conn, rows)
    return rows
