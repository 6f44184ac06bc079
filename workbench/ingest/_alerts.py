"""Alerts on ingest: each new article matched against every active indicator (Heuer's step 8).

Only the batch's new originals are matched: a query means what it means to ``Workspace.search``
because the search index answers it (``store.indicators.indexed_matches``: one statement per
batch over the rows just indexed, never the older corpus), on the title and the text, in the
transaction that stored them. An indicator's entity condition is met by a mention of the entity
under any of its scripts (the entity table's cross-script key); its source condition by the
outlet's exact name.

The alert keeps the best sentence: the one holding the most of the query's word groups (the
first of them), else (a match in the title alone) the text's first sentence.

What it costs (issue 13: <= 10 % of ingest with 50 indicators): the indicators are read and
parsed once per batch (``load_watchlist``); the words were stemmed when the index took the
articles (FTS5 in C; Cyrillic text split into words once, ``nlp._stems.text_forms``, a pass the
index and the best sentence share); only a matched article's text is split into words here, and
its best sentence is found reading only the sentences around the matched words (the text
between words says where sentences break).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from ..nlp._sentences import break_candidates, iter_trimmed_sentence_spans, sentence_breaks, trim_span
from ..nlp._stems import Query, QueryError, Term, TextForms, parse_query, text_forms
from ..store import new_id
from ..store.entity_rules import load_rules, name_keys
from ..store.indicators import active_indicators, indexed_matches, insert_alerts, precise_now
from ..store.search import index_splits

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["Candidate", "Watch", "Watchlist", "load_watchlist", "shared_forms", "record_alerts", "best_sentence"]


@dataclass(frozen=True)
class Candidate:
    """A new original as ingest has it: what its alerts need."""

    id: str
    title: str | None
    text: str
    language: str
    source: str
    canonicals: frozenset[str]  # the canonical names its mentions carry
    forms: tuple[TextForms, TextForms] | None = None  # title's and text's, when the index split them (shared_forms)


@dataclass(frozen=True)
class Watch:
    """An active indicator, its query parsed (once per process: ``_parsed``)."""

    id: str
    analysis_id: str
    query: Query
    entity_key: str | None
    source: str | None


class _Field:
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


def best_sentence(query: Query, body: _Field) -> tuple[int, int]:
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
        return next(iter_trimmed_sentence_spans(body.text), None) or (0, max(len(body.text), 1))
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


def _phrase_starts(body: _Field, terms: Sequence[Any]) -> list[int]:
    """The word positions where a phrase's terms stand one after the other."""
    following = [set(body.positions(term)) for term in terms[1:]]
    return [at for at in body.positions(terms[0])
            if all(at + step in found for step, found in enumerate(following, start=1))]


@dataclass(frozen=True)
class Watchlist:
    """The active indicators of every analysis, each one's query parsed (read once per batch)."""

    watches: list[Watch]
    keys: Callable[[str], str]  # entity name -> cross-script key, under the stored corrections

    def __bool__(self) -> bool:
        return bool(self.watches)


@lru_cache(maxsize=1024)
def _parsed(query: str) -> Query | None:
    """A query parsed (None: no longer valid), once per process: every batch reads the same few."""
    try:
        return parse_query(query)
    except QueryError:
        return None


def load_watchlist(conn: "Connection") -> Watchlist:
    """The active indicators, parsed, and the entity-key function under the stored corrections
    (read once per ingest batch).

    Args:
        conn: a workspace connection.
    Returns:
        The watchlist (false when no indicator is active).
    """
    keys = name_keys(load_rules(conn))
    out = []
    for row in active_indicators(conn):
        parsed = _parsed(row["query"])
        if parsed is None:
            continue  # checked when the indicator was added; a parser change must not stop an ingest
        out.append(Watch(row["id"], row["analysis_id"], parsed,
                         keys(row["entity"]) if row["entity"] else None, row["source"]))
    return Watchlist(out, keys)


def shared_forms(conn: "Connection", title: str | None, text: str,
                 language: str) -> tuple[TextForms, TextForms] | None:
    """An article's title and text split into words, when indexing would split them anyway
    (``store.search.index_splits``): one pass for the index and the best sentence. None for a
    text FTS5 reads itself (only a matched article's text is split, by ``record_alerts``).

    Args:
        conn: the write connection (its backend decides).
        title: the article's title (None: none).
        text: its text.
        language: its stored language.
    Returns:
        The title's and the text's ``TextForms``, or None.
    """
    if not (index_splits(conn, title or "") or index_splits(conn, text)):
        return None
    return text_forms(title or "", language), text_forms(text, language)


def record_alerts(conn: "Connection", articles: Sequence[Candidate],
                  watchlist: Watchlist | None = None) -> list[dict[str, Any]]:
    """Match new articles against every active indicator and record the alerts, in the caller's
    transaction (the one storing the articles).

    Args:
        conn: the write connection.
        articles: the new originals (syndicated copies are left out by the caller).
        watchlist: the batch's compiled indicators (None: read them here).
    Returns:
        The alert rows recorded.
    """
    if not articles:
        return []
    if watchlist is None:
        watchlist = load_watchlist(conn)
    if not watchlist:
        return []
    watches, keys = watchlist.watches, watchlist.keys
    matched = indexed_matches(conn, [watch.query for watch in watches], [article.id for article in articles])
    stamp = precise_now()
    rows: list[dict[str, Any]] = []
    for article in articles:
        found = [index for index in range(len(watches)) if (index, article.id) in matched]
        if not found:
            continue
        body: _Field | None = None
        entity_keys: set[str] | None = None
        for index in found:
            watch = watches[index]
            if watch.source is not None and watch.source != article.source:
                continue
            if watch.entity_key is not None:
                if entity_keys is None:
                    entity_keys = {keys(name) for name in article.canonicals}
                if watch.entity_key not in entity_keys:
                    continue
            if body is None:  # the text split into words only now, for a match
                body = _Field(article.forms[1] if article.forms else text_forms(article.text, article.language))
            start, end = best_sentence(watch.query, body)
            rows.append({"id": new_id(), "indicator_id": watch.id, "analysis_id": watch.analysis_id,
                         "article_id": article.id, "start": start, "end": end, "created_at": stamp})
    insert_alerts(conn, rows)
    return rows
