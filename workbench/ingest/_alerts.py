"""Alerts on ingest: each new article matched against every active indicator (Heuer's step 8).

Only the batch's new originals are matched: a query means what it means to ``Workspace.search``
because the search index answers it (``store.indicators.indexed_matches``: one statement per
batch over the rows just indexed, never the older corpus), on the title and the text, in the
transaction that stored them. An indicator's entity condition is met by a mention of the entity
under any of its scripts (the entity table's cross-script key); its source condition by the
outlet's exact name.

Ingest records only what matched (indicator, article, time, status "new"); the passage, the
best sentence, is found when the alert is read (``nlp._passage``, from ``store.indicators``):
article text is immutable, so it is the sentence ingest would have found.

What it costs (issue 13: <= 10 % of ingest with 50 indicators): the indicators are read and
parsed once per batch (``load_watchlist``); the words were stemmed when the index took the
articles (FTS5 in C; the tsvector or Cyrillic forms in ``store.search``); no article text is
split into words here; the entity and source conditions read what ingest holds already; the
rows go in through the driver's executemany (``store.indicators.insert_alerts``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..nlp import Query, parsed_query
from ..store import new_id
from ..store.entity_rules import load_rules, name_keys
from ..store.indicators import active_indicators, indexed_matches, insert_alerts, precise_now

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["Candidate", "Watch", "Watchlist", "load_watchlist", "record_alerts"]


@dataclass(frozen=True)
class Candidate:
    """A new original as ingest has it: what its alerts need."""

    id: str
    source: str  # its outlet's name
    canonicals: frozenset[str]  # the canonical names its mentions carry


@dataclass(frozen=True)
class Watch:
    """An active indicator, its query parsed (once per process: ``nlp._passage.parsed_query``)."""

    id: str
    analysis_id: str
    query: Query
    entity_key: str | None
    source: str | None


@dataclass(frozen=True)
class Watchlist:
    """The active indicators of every analysis, each one's query parsed (read once per batch)."""

    watches: list[Watch]
    keys: Callable[[str], str]  # entity name -> cross-script key (read only when an entity condition needs it)

    def __bool__(self) -> bool:
        return bool(self.watches)


def load_watchlist(conn: "Connection") -> Watchlist:
    """The active indicators, parsed, and the entity-key function under the stored corrections
    (read once per ingest batch).

    Args:
        conn: a workspace connection.
    Returns:
        The watchlist (false when no indicator is active).
    """
    rows = active_indicators(conn)
    # the stored corrections are read only when an indicator has an entity condition
    keys = name_keys(load_rules(conn)) if any(row["entity"] for row in rows) else str
    out = []
    for row in rows:
        parsed = parsed_query(row["query"])
        if parsed is None:
            continue  # checked when the indicator was added; a parser change must not stop an ingest
        out.append(Watch(row["id"], row["analysis_id"], parsed,
                         keys(row["entity"]) if row["entity"] else None, row["source"]))
    return Watchlist(out, keys)


def record_alerts(conn: "Connection", articles: Sequence[Candidate],
                  watchlist: Watchlist | None = None) -> list[tuple[str, str, str, str, str, str]]:
    """Match new articles against every active indicator and record the alerts, in the caller's
    transaction (the one storing the articles): which indicator matched which article, no passage.

    Args:
        conn: the write connection.
        articles: the new originals (syndicated copies are left out by the caller).
        watchlist: the batch's compiled indicators (None: read them here).
    Returns:
        The alerts recorded, as ``store.indicators.ALERT_INSERT`` tuples.
    """
    if not articles:
        return []
    if watchlist is None:
        watchlist = load_watchlist(conn)
    if not watchlist:
        return []
    watches, keys = watchlist.watches, watchlist.keys
    matched = indexed_matches(conn, [watch.query for watch in watches], [article.id for article in articles])
    if not matched:
        return []
    stamp = precise_now()
    by_id = {article.id: article for article in articles}
    rows: list[tuple[str, str, str, str, str, str]] = []
    entity_keys: dict[str, set[str]] = {}
    order = {article.id: number for number, article in enumerate(articles)}
    for article_id, index in sorted(((a, i) for i, a in matched), key=lambda pair: (order[pair[0]], pair[1])):
        watch, article = watches[index], by_id[article_id]
        if watch.source is not None and watch.source != article.source:
            continue
        if watch.entity_key is not None:
            if article_id not in entity_keys:
                entity_keys[article_id] = {keys(name) for name in article.canonicals}
            if watch.entity_key not in entity_keys[article_id]:
                continue
        rows.append((new_id(), watch.id, watch.analysis_id, article_id, stamp, "new"))
    return insert_alerts(conn, rows)
