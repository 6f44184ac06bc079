"""Indicators, their alerts and the workspace settings as stored (schema step 12).

Indicators and the decisions on alerts are written through ``ChangeSet`` (audited, undoable);
alerts themselves are recorded by ingest (``insert_alerts``), in the transaction that stores
their articles, without a passage (start and end NULL, schema step 14): the passage is found
when alerts are read (``list_alerts``, ``alert_row``: ``nlp._passage``, each article's text
read and split once per listing). Offsets stored before, or on accepting, are kept as they are.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import Connection, bindparam, func, select, text

from ..nlp import Passages, Query
from . import schema as s
from ._rows import bulk_insert, now, resolve_id
from .search import fts5_match, index_batch_alone, tsquery

__all__ = ["INDICATOR_COLUMNS", "ALERT_COLUMNS", "active_indicators", "list_indicators", "insert_alerts",
           "list_alerts", "alert_row", "resolve_alert", "count_alerts", "count_new_alerts", "get_setting", "set_setting",
           "LAST_REPORT", "precise_now", "indexed_matches", "ALERT_INSERT", "with_passages"]

#: The columns of each ``list_indicators`` row.
INDICATOR_COLUMNS = ["id", "hypothesis_id", "hypothesis", "query", "rating", "entity", "source", "active",
                     "created_by", "created_at"]
#: The columns of each ``list_alerts`` row.
ALERT_COLUMNS = ["id", "analysis_id", "indicator_id", "hypothesis_id", "hypothesis", "query", "rating", "article_id",
                 "title", "source", "start", "end", "passage", "created_at", "status", "evidence_id", "decided_by",
                 "decided_at", "note"]
#: The columns of each row ``insert_alerts`` takes (the passage is found on read).
ALERT_INSERT = ("id", "indicator_id", "analysis_id", "article_id", "created_at", "status")
_START, _END, _PASSAGE = (ALERT_COLUMNS.index(name) for name in ("start", "end", "passage"))
_ARTICLE, _QUERY = ALERT_COLUMNS.index("article_id"), ALERT_COLUMNS.index("query")
_CHUNK = 500  # articles per statement when a listing reads their texts


def precise_now() -> str:
    """The current UTC time as ISO 8601 with microseconds: alerts and report times compare at
    that grain (a report written in the second an alert came must not hide it from the next)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


#: The setting that holds when ``Workspace.report`` last wrote a report (ISO time).
LAST_REPORT = "last_report_at"


# built once: ingest asks these of every batch
_ACTIVE = (select(s.indicators.c.id, s.indicators.c.analysis_id, s.indicators.c.hypothesis_id, s.indicators.c.query,
                  s.indicators.c.rating, s.indicators.c.entity, s.indicators.c.source)
           .select_from(s.indicators.join(s.hypotheses, s.hypotheses.c.id == s.indicators.c.hypothesis_id))
           .where(s.indicators.c.active == 1).order_by(s.indicators.c.analysis_id, s.indicators.c.id))
_PRESENT = select(s.alerts.c.indicator_id, s.alerts.c.article_id).where(
    s.alerts.c.article_id.in_(bindparam("ids", expanding=True)))
_FIRST_ROW = text("SELECT min(id) FROM article_search_rows WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True))


LARGE_INDEX = 50_000
"""Index rows (SQLite) from which a batch's alerts are matched in the batch indexed again alone.
Matching 50 indicators against 32 new articles in the workspace's index grows with the index
(12-15 ms at 2,000 and 10,000 articles, 34-43 ms at 100,000); indexing the batch again alone
costs a flat 25-31 ms (``python -m bench.alerts --large-index WORKSPACE``)."""


@lru_cache(maxsize=64)
def _matches_statement(dialect: str, count: int) -> Any:
    """The statement asking the index which of a batch's articles each of ``count`` queries
    matches (built once per dialect and count: ingest asks it of every batch). ``dialect`` is
    "sqlite", "sqlite-batch" (the batch's own index) or "postgresql"."""
    if dialect == "sqlite-batch":
        part = "SELECT {n} AS n, rowid AS number FROM temp.alert_batch WHERE alert_batch MATCH :q{n}"
    elif dialect == "sqlite":
        part = ("SELECT {n} AS n, rowid AS number FROM article_search WHERE article_search MATCH :q{n} "
                "AND rowid >= :first")
    if dialect.startswith("sqlite"):
        sql = ("SELECT hit.n, r.article_id FROM (" + " UNION ALL ".join(part.format(n=n) for n in range(count))
               + ") hit JOIN article_search_rows r ON r.id = hit.number WHERE r.article_id IN :ids")
    else:
        values = ", ".join(f"({n}, CAST(:q{n} AS tsquery))" for n in range(count))
        sql = (f"SELECT q.n, s.article_id FROM article_search s JOIN (VALUES {values}) AS q (n, query) "
               "ON s.document @@ q.query WHERE s.article_id IN :ids")
    return text(sql).bindparams(bindparam("ids", expanding=True))


@lru_cache(maxsize=1024)
def _expression(dialect: str, query: Query) -> str:
    """A query as the index's match expression (once per process: every batch asks the same few)."""
    return fts5_match(query) if dialect == "sqlite" else tsquery(query)


def active_indicators(conn: Connection) -> list[dict[str, Any]]:
    """Every active indicator of every analysis whose hypothesis still exists (what ingest matches).

    Returns:
        Dicts with ``id``, ``analysis_id``, ``hypothesis_id``, ``query``, ``rating``, ``entity``, ``source``.
    """
    return [dict(row) for row in conn.execute(_ACTIVE).mappings()]


def indexed_matches(conn: Connection, queries: list[Query], ids: list[str]) -> set[tuple[int, str]]:
    """Which of these just-indexed articles each query matches, asked of the search index in
    one statement (the words were stemmed when the articles were indexed: FTS5 in C on SQLite,
    the tsvector on PostgreSQL; the same matching as ``search_articles``).

    Args:
        conn: the connection that indexed them (in its transaction).
        queries: the parsed queries.
        ids: the articles (they are the index's newest rows: on SQLite only rows from the
            first of them on are read).
    Returns:
        (query's index in ``queries``, article id) for each match.
    """
    if not queries or not ids:
        return set()
    dialect = conn.dialect.name
    params: dict[str, Any] = {"ids": ids}
    plan = dialect
    if dialect == "sqlite":
        params["first"] = conn.execute(_FIRST_ROW, {"ids": ids}).scalar()
        if params["first"] is None:
            return set()
        if params["first"] > LARGE_INDEX:  # a large index: the batch alone is cheaper to match
            index_batch_alone(conn, ids)
            plan = "sqlite-batch"
            del params["first"]
    params.update({f"q{n}": _expression(dialect, query) for n, query in enumerate(queries)})
    found = conn.execute(_matches_statement(plan, len(queries)), params).all()
    return {(int(n), article_id) for n, article_id in found}


def list_indicators(conn: Connection, analysis_id: str) -> list[tuple[Any, ...]]:
    """The active indicators of one analysis, oldest first, with their hypothesis's name (those
    whose hypothesis was removed rest until an undo brings it back).

    Returns:
        Tuples with ``INDICATOR_COLUMNS``.
    """
    i, h = s.indicators, s.hypotheses
    query = (select(i.c.id, i.c.hypothesis_id, h.c.name, i.c.query, i.c.rating, i.c.entity, i.c.source, i.c.active,
                    i.c.created_by, i.c.created_at)
             .select_from(i.join(h, h.c.id == i.c.hypothesis_id))
             .where(i.c.analysis_id == analysis_id, i.c.active == 1).order_by(i.c.created_at, i.c.id))
    return [tuple(row) for row in conn.execute(query).all()]


def insert_alerts(conn: Connection, rows: Sequence[tuple[str, str, str, str, str, str]]) -> list[tuple[str, ...]]:
    """Record alerts, in the caller's transaction, through the driver's executemany (no passage:
    it is found on read); an (indicator, article) pair already alerted is skipped.

    Args:
        conn: a write connection.
        rows: tuples of ``ALERT_INSERT``.
    Returns:
        The rows recorded.
    """
    if not rows:
        return []
    present = set(conn.execute(_PRESENT, {"ids": sorted({row[3] for row in rows})}).all())
    fresh = [row for row in rows if (row[1], row[3]) not in present]
    bulk_insert(conn, s.alerts, ALERT_INSERT, fresh)
    return fresh


def _alert_query() -> Any:
    al, i, h, ar, src = s.alerts, s.indicators, s.hypotheses, s.articles, s.sources
    return (select(al.c.id, al.c.analysis_id, al.c.indicator_id, i.c.hypothesis_id, h.c.name, i.c.query, i.c.rating,
                   al.c.article_id, ar.c.title, src.c.name, al.c.start, al.c["end"],
                   func.substr(ar.c.text, al.c.start + 1, al.c["end"] - al.c.start), al.c.created_at, al.c.status,
                   al.c.evidence_id, al.c.decided_by, al.c.decided_at, al.c.note)
            .select_from(al.join(i, i.c.id == al.c.indicator_id).outerjoin(h, h.c.id == i.c.hypothesis_id)
                         .join(ar, ar.c.id == al.c.article_id).outerjoin(src, src.c.id == ar.c.source_id)))


def list_alerts(conn: Connection, *, analysis_id: str | None = None, status: str | None = "new",
                since: str | None = None, passages: bool = True, limit: int | None = None) -> list[tuple[Any, ...]]:
    """Alerts, oldest first, with their indicator, article and passage.

    Args:
        conn: a workspace connection.
        analysis_id: only this analysis's (None: every analysis's).
        status: only alerts in this status (None: all).
        since: only alerts created after this ISO time.
        passages: find the passages not stored (False: left None, for a caller that filters
            the rows first and gives the rest to ``with_passages``).
        limit: at most this many (the oldest); None for all.
    Returns:
        Tuples with ``ALERT_COLUMNS``.
    """
    al = s.alerts
    query = _filtered(_alert_query(), analysis_id, status, since).order_by(al.c.created_at, al.c.id)
    if limit is not None:
        query = query.limit(max(0, int(limit)))
    rows = [tuple(row) for row in conn.execute(query).all()]
    return with_passages(conn, rows) if passages else rows


def count_alerts(conn: Connection, *, analysis_id: str | None = None, status: str | None = "new",
                 since: str | None = None) -> int:
    """How many alerts ``list_alerts`` would list with the same filters and no limit."""
    return int(conn.execute(_filtered(select(func.count()).select_from(s.alerts), analysis_id, status, since))
               .scalar_one())


def _filtered(query: Any, analysis_id: str | None, status: str | None, since: str | None) -> Any:
    al = s.alerts
    if analysis_id is not None:
        query = query.where(al.c.analysis_id == analysis_id)
    if status is not None:
        query = query.where(al.c.status == status)
    if since is not None:
        query = query.where(al.c.created_at > since)
    return query


def alert_row(conn: Connection, alert_id: str) -> dict[str, Any] | None:
    """One alert with its indicator, article and passage (``ALERT_COLUMNS``), or None."""
    row = conn.execute(_alert_query().where(s.alerts.c.id == alert_id)).first()
    return None if row is None else dict(zip(ALERT_COLUMNS, with_passages(conn, [tuple(row)])[0]))


def with_passages(conn: Connection, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Alert rows (``ALERT_COLUMNS``) with the passage of each that has none stored found now:
    each article's text read once (in statements of ``_CHUNK`` articles) and split into words
    once, however many of its alerts are listed.

    Args:
        conn: a workspace connection.
        rows: the alerts as ``_alert_query`` reads them.
    Returns:
        The same rows, start, end and passage filled in.
    """
    wanted = {row[_ARTICLE] for row in rows if row[_START] is None}
    if not wanted:
        return rows
    ar = s.articles
    ids = sorted(wanted)
    texts: dict[str, tuple[str, str]] = {}
    for at in range(0, len(ids), _CHUNK):
        texts.update((ident, (body, language)) for ident, body, language in conn.execute(
            select(ar.c.id, ar.c.text, ar.c.language).where(ar.c.id.in_(ids[at:at + _CHUNK]))).all())
    passages = Passages()
    out = []
    for row in rows:
        if row[_START] is None:
            body, language = texts[row[_ARTICLE]]
            start, end = passages.span(row[_ARTICLE], body, language, row[_QUERY])
            row = (*row[:_START], start, end, body[start:end], *row[_PASSAGE + 1:])
        out.append(row)
    return out


def resolve_alert(conn: Connection, alert_id: str) -> str:
    """The full id of an alert given by id or unique prefix (at least 4 characters).

    Raises:
        StoreError: no alert, or several, match.
    """
    return resolve_id(conn, s.alerts.c.id, alert_id, "alert", min_prefix=4)


def count_new_alerts(conn: Connection, analysis_id: str | None = None) -> int:
    """How many alerts are new (undecided), of one analysis or of all."""
    return count_alerts(conn, analysis_id=analysis_id, status="new")


def get_setting(conn: Connection, key: str) -> str | None:
    """A workspace setting's value (None when never set)."""
    return conn.execute(select(s.workspace_settings.c.value).where(s.workspace_settings.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str | None) -> None:
    """Set a workspace setting, in the caller's write transaction (portable: update, else insert)."""
    table = s.workspace_settings
    stamp = now()
    done = conn.execute(table.update().where(table.c.key == key).values(value=value, updated_at=stamp)).rowcount
    if not done:
        conn.execute(table.insert().values(key=key, value=value, updated_at=stamp))

