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

What it costs (issue 13: <= 10 % of ingest with 50 indicators): the indicators are read and
compiled once per batch (``load_watchlist``); each article is split into words once
(``nlp._stems.text_forms``), a pass the search index shares; an indicator is tried on an
article only when one of the search forms its most selective group needs is among the article's
(a set intersection); and the best sentence is found only for a match, reading only the
sentences around the matched words (the text between words says where sentences break).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from ..nlp._sentences import break_candidates, iter_trimmed_sentence_spans, sentence_breaks, trim_span
from ..nlp._stems import Phrase, Query, QueryError, Term, TextForms, parse_query, text_forms
from ..store import new_id
from ..store.entity_rules import load_rules, name_keys
from ..store.indicators import active_indicators, insert_alerts, precise_now

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["Candidate", "Watch", "Watchlist", "load_watchlist", "article_forms", "record_alerts",
           "query_matches", "best_sentence"]


@dataclass(frozen=True)
class Candidate:
    """A new article as ingest has it: what matching needs."""

    id: str
    title: str | None
    text: str
    language: str
    source: str
    canonicals: frozenset[str]  # the canonical names its mentions carry
    forms: tuple[TextForms, TextForms] | None = None  # title's and text's, when ingest split them already


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
    order (from the one pass, ``TextForms``) and the set of them; where a form occurs, and where
    the words and the breaks between sentences are, only once a phrase or a match asks."""

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
    for number, group in enumerate(query.groups):
        for phrase in group:
            for term in phrase.terms:
                for at in body.positions(term):
                    hits.setdefault(at, set()).add(number)
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


@dataclass
class Watchlist:
    """The active indicators, compiled once per batch: each one's query parsed, and which
    search forms let an article through to it (those of its most selective word group)."""

    watches: list[Watch]
    keys: Callable[[str], str]  # entity name -> cross-script key, under the stored corrections
    triggers: dict[str, list[int]] = field(default_factory=dict)  # form -> the watches (indexes) it lets through
    always: list[int] = field(default_factory=list)  # watches no form test can rule out (prefix-only groups)

    def __post_init__(self) -> None:
        for index, watch in enumerate(self.watches):
            gates = [_gate(group) for group in watch.query.groups]
            usable = [gate for gate in gates if gate is not None]
            if not usable:
                self.always.append(index)
                continue
            for form in min(usable, key=len):
                self.triggers.setdefault(form, []).append(index)
        self._forms = frozenset(self.triggers)

    def __bool__(self) -> bool:
        return bool(self.watches)

    def candidates(self, present: frozenset[str]) -> list[int]:
        """The watches (indexes, in order) an article with these search forms may match."""
        found = set(self.always)
        for form in self._forms & present:
            found.update(self.triggers[form])
        return sorted(found)


def _gate(group: tuple[Phrase, ...]) -> frozenset[str] | None:
    """Forms one of which an article must have for the group to match: each phrase's first
    whole word's (None when a phrase is prefixes only: no set test for it)."""
    out: set[str] = set()
    for phrase in group:
        whole = next((term for term in phrase.terms if not term.prefix), None)
        if whole is None:
            return None
        out |= whole.forms
    return frozenset(out)


@lru_cache(maxsize=1024)
def _parsed(query: str) -> Query | None:
    """A query parsed (None: no longer valid), once per process: every batch reads the same few."""
    try:
        return parse_query(query)
    except QueryError:
        return None


def load_watchlist(conn: "Connection") -> Watchlist:
    """The active indicators, parsed and compiled, and the entity-key function under the stored
    corrections (read once per ingest batch).

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
                         keys(row["entity"]) if row["entity"] else None, row["source"], _simple(parsed)))
    return Watchlist(out, keys)


def article_forms(title: str | None, text: str, language: str) -> tuple[TextForms, TextForms]:
    """An article's title and text split into words once (for the index and the indicators).

    Args:
        title: its title (None: none).
        text: its text.
        language: its stored language.
    Returns:
        The title's and the text's ``TextForms``.
    """
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
    stamp = precise_now()
    rows: list[dict[str, Any]] = []
    for article in articles:
        title, body = article.forms or article_forms(article.title, article.text, article.language)
        fields = (_Field(title), _Field(body))
        present = fields[0].present | fields[1].present
        entity_keys: set[str] | None = None
        for index in watchlist.candidates(present):
            watch = watches[index]
            if watch.source is not None and watch.source != article.source:
                continue
            if watch.entity_key is not None:
                if entity_keys is None:
                    entity_keys = {keys(name) for name in article.canonicals}
                if watch.entity_key not in entity_keys:
                    continue
            if watch.simple is not None:
                if not all(not forms.isdisjoint(present) for forms in watch.simple):
                    continue
            elif not query_matches(watch.query, fields):
                continue
            start, end = best_sentence(watch.query, fields[1])
            rows.append({"id": new_id(), "indicator_id": watch.id, "analysis_id": watch.analysis_id,
                         "article_id": article.id, "start": start, "end": end, "created_at": stamp})
    insert_alerts(conn, rows)
    return rows
