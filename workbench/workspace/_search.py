"""Ranked full-text search of the corpus: ``Workspace.search`` and ``Workspace.search_passages``.

The query is read by ``nlp.parse_query`` (words, "phrases", prefix*, -excluded, OR);
the store ranks the matching articles (``store.search``: FTS5 bm25 on SQLite, ts_rank_cd on
PostgreSQL) within the filters, and ``_snippets`` marks the article's own words.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..analysis.scales import RELIABILITY_GRADES
from ..errors import WorkbenchError
from ..nlp import Query, QueryError, parse_query
from ..store.articles import find_source
from ..store.entity_rules import load_rules
from ..store.mentions import corrected_mentions
from ..store.search import SearchFilters, canonical_names, hit_details, search_articles, stored_languages
from ._snippets import article_snippet, passages

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Connection

    from ..store import Store

__all__ = ["CorpusSearch", "SEARCH_COLUMNS", "PASSAGE_COLUMNS", "DEFAULT_LIMIT"]

#: The columns of ``Workspace.search``.
SEARCH_COLUMNS = ["article_id", "title", "source", "reliability", "published", "language", "copy_of", "score",
                  "snippet", "highlights"]
#: The columns of ``Workspace.search_passages``.
PASSAGE_COLUMNS = ["article_id", "title", "source", "reliability", "published", "language", "start", "end",
                   "sentence", "score", "snippet", "highlights"]
DEFAULT_LIMIT = 50
_MAX_LIMIT = 10_000
_PASSAGE_ARTICLES = 200  # articles read for passages, at most
_LANGUAGES = ("en", "ru", "uk")


class CorpusSearch:
    """Mixed into ``Workspace``: ranked search over articles and their sentences."""

    store: "Store"

    def search(self, query: str, *, entity: str | None = None, source: str | None = None,
               grade: str | Iterable[str] | None = None, language: str | None = None,
               since: str | date | None = None, until: str | date | None = None, copies: bool = False,
               limit: int = DEFAULT_LIMIT) -> "pd.DataFrame":
        """Articles matching ``query``, best first, each with a highlighted snippet.

        Words match their inflected forms (strikes / strike, Москва / Москве, Київ / Києві).
        Syntax: words (all must occur), ``"a phrase"``, ``prefix*``, ``-excluded``, ``a OR b``.

        Args:
            query: what to find.
            entity: only articles mentioning this entity (its canonical name, any case).
            source: only articles from this outlet (its exact name).
            grade: only outlets of these Admiralty grades: "B", "AB", "A-C" or a list.
            language: only articles stored in this language ("en", "ru", "uk"…).
            since, until: only articles published in this range (ISO dates, both inclusive;
                an article without a publication date is left out when either is given).
            copies: include syndicated copies (by default only originals).
            limit: at most this many articles.
        Returns:
            A DataFrame with ``SEARCH_COLUMNS``: ``score`` (higher is better, within one search),
            ``snippet`` (plain text) and ``highlights`` (``(start, end)`` offsets in the snippet).
        Raises:
            WorkbenchError: one line naming a bad query or filter value.
        """
        import pandas as pd

        parsed, filters, count = self._prepared(query, entity=entity, source=source, grade=grade, language=language,
                                                since=since, until=until, copies=copies, limit=limit)
        with self.store.read() as conn:
            filters = self._entity_filter(conn, filters)
            ranked = search_articles(conn, parsed, filters, limit=count)
            details = hit_details(conn, [ident for ident, _ in ranked])
        rows = []
        for ident, score in ranked:
            row = details[ident]
            snip = article_snippet(parsed, row["title"], row["text"], row["language"])
            rows.append([ident, row["title"], row["source"], row["reliability"], row["published"], row["language"],
                         row["copy_of"], score, snip.text, [list(h) for h in snip.highlights]])
        frame = pd.DataFrame(rows, columns=SEARCH_COLUMNS, dtype=object)
        frame["score"] = frame["score"].astype("float64")  # one column: cheaper than astype on the frame
        return frame

    def search_passages(self, query: str, *, entity: str | None = None, source: str | None = None,
                        grade: str | Iterable[str] | None = None, language: str | None = None,
                        since: str | date | None = None, until: str | date | None = None, copies: bool = False,
                        limit: int = DEFAULT_LIMIT) -> "pd.DataFrame":
        """Sentences matching ``query``: those holding the most of its words first, then by
        their article's rank. Tag one as evidence with ``analysis.tag(row.article_id, row.start, row.end)``.

        Args:
            query, entity, source, grade, language, since, until, copies: as for ``search``.
            limit: at most this many sentences.
        Returns:
            A DataFrame with ``PASSAGE_COLUMNS``: ``start`` and ``end`` are offsets in the article's
            text (``article.text[start:end] == sentence``); ``snippet`` and ``highlights`` as for ``search``.
        Raises:
            WorkbenchError: one line naming a bad query or filter value.
        """
        import pandas as pd

        parsed, filters, count = self._prepared(query, entity=entity, source=source, grade=grade, language=language,
                                                since=since, until=until, copies=copies, limit=limit)
        with self.store.read() as conn:
            filters = self._entity_filter(conn, filters)
            ranked = search_articles(conn, parsed, filters, limit=min(max(count, 20) * 2, _PASSAGE_ARTICLES))
            details = hit_details(conn, [ident for ident, _ in ranked])
        found = []
        for rank, (ident, score) in enumerate(ranked):
            row = details[ident]
            for passage in passages(parsed, row["text"], row["language"]):
                found.append(((-passage.coverage, rank, passage.start), [
                    ident, row["title"], row["source"], row["reliability"], row["published"], row["language"],
                    passage.start, passage.end, passage.text, score * passage.coverage, passage.snippet.text,
                    [list(h) for h in passage.snippet.highlights]]))
        found.sort(key=lambda item: item[0])
        frame = pd.DataFrame([row for _, row in found[:count]], columns=PASSAGE_COLUMNS, dtype=object)
        for column, kind in (("start", "int64"), ("end", "int64"), ("score", "float64")):
            frame[column] = frame[column].astype(kind)
        return frame

    # -- the query and the filters, checked ---------------------------------------------------
    def _prepared(self, query: str, *, entity: str | None, source: str | None, grade: Any, language: str | None,
                  since: Any, until: Any, copies: bool, limit: Any) -> tuple[Query, SearchFilters, int]:
        """The parsed query, the filters checked against the workspace, and the limit."""
        count = _limit(limit)
        first = _day(since, "since")
        last = _day(until, "until")
        if first and last and first > last:
            raise WorkbenchError(f"since {first.isoformat()} is after until {last.isoformat()}: no date is in that range")
        grades = _grades(grade)
        with self.store.read() as conn:
            if language is not None:
                language = str(language).strip().lower()
                stored = stored_languages(conn)
                if language not in stored:
                    raise WorkbenchError(f"language {language!r}: no article is stored in it "
                                         f"(stored: {', '.join(stored) or 'none'})")
            if source is not None and find_source(conn, source) is None:
                raise WorkbenchError(f"source {source!r}: not in this workspace")
            canonical = None
            if entity is not None:
                canonical = self._canonical(conn, entity)
        try:
            languages = (language,) if language in _LANGUAGES else _LANGUAGES
            parsed = parse_query(str(query), languages)
        except QueryError as exc:
            raise WorkbenchError(str(exc)) from None
        filters = SearchFilters(entity=canonical, source=source, grades=grades, language=language,
                                since=first.isoformat() if first else None,
                                before=(last + timedelta(days=1)).isoformat() if last else None, copies=bool(copies))
        return parsed, filters, count

    def _canonical(self, conn: "Connection", entity: str) -> str:
        """The canonical name an entity filter means (exact, else the one name equal ignoring case)."""
        if load_rules(conn):  # corrections may rename or merge: look among the corrected names
            wanted = " ".join(str(entity).split())
            names = sorted({m["canonical"] for m in corrected_mentions(conn) if m["canonical"].lower() == wanted.lower()})
            names = [wanted] if wanted in names else names
        else:
            names = canonical_names(conn, str(entity))
        if not names:
            raise WorkbenchError(f"entity {entity!r}: no article mentions it")
        if len(names) > 1:
            raise WorkbenchError(f"entity {entity!r}: several entities differ only in case "
                                 f"({', '.join(names)}); give the exact name")
        return names[0]

    def _entity_filter(self, conn: "Connection", filters: SearchFilters) -> SearchFilters:
        """With correction rules in force, the entity filter becomes the ids of the articles that
        mention it after the corrections (the stored mentions alone would be wrong)."""
        if filters.entity is None or not load_rules(conn):
            return filters
        ids = tuple(sorted({m["article_id"] for m in corrected_mentions(conn) if m["canonical"] == filters.entity}))
        return replace(filters, entity=None, entity_ids=ids)


def _limit(limit: Any) -> int:
    try:
        count = int(limit)
    except (TypeError, ValueError):
        count = 0
    if isinstance(limit, bool) or not 1 <= count <= _MAX_LIMIT or count != limit:
        raise WorkbenchError(f"limit {limit!r}: must be a whole number from 1 to {_MAX_LIMIT}")
    return count


def _day(value: Any, name: str) -> date | None:
    """A date filter as a date (None when not given)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise WorkbenchError(f"{name} {value!r}: not a date (use YYYY-MM-DD)") from None


def _grades(grade: Any) -> tuple[str, ...] | None:
    """Admiralty grades from "B", "AB", "A-C" or a list of letters (None when not given)."""
    if grade is None:
        return None
    text = "".join(str(g) for g in grade) if not isinstance(grade, str) else grade
    letters = text.replace(",", "").replace(" ", "").upper()
    if len(letters) == 3 and letters[1] == "-":
        first, last = letters[0], letters[2]
        if first in RELIABILITY_GRADES and last in RELIABILITY_GRADES and first <= last:
            return tuple(g for g in RELIABILITY_GRADES if first <= g <= last)
    if letters and all(ch in RELIABILITY_GRADES for ch in letters):
        return tuple(dict.fromkeys(letters))
    raise WorkbenchError(f"grade {grade!r}: give Admiralty grades A-F, such as B, AB or A-C")
