"""Statement helpers every repository of the store uses: fresh ids and times, an id from a
prefix, the audit log, and bulk inserts and selects straight through the driver."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select

from . import schema as s
from ..errors import StoreError

__all__ = ["now", "new_id", "resolve_id", "audit", "audit_many", "bulk_insert", "bulk_select"]


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_id() -> str:
    """A fresh row id for an analysis, hypothesis or evidence item: 12 random hex digits."""
    return uuid.uuid4().hex[:12]


def resolve_id(conn: Connection, column: ColumnElement[str], ident: str, what: str, *, min_prefix: int = 1) -> str:
    """The id an analyst means: ``ident`` itself, else the one id it is a prefix of.

    Args:
        conn: an open connection.
        column: the id column to look in (e.g. ``schema.articles.c.id``).
        ident: an id or a unique prefix (surrounding spaces ignored).
        what: the row's kind for messages ("article", "analysis").
        min_prefix: the shortest prefix accepted.

    Returns:
        The full id.

    Raises:
        StoreError: one line: the prefix matches several ids, or nothing matches.
    """
    ident = str(ident).strip()
    if conn.execute(select(column).where(column == ident)).first():
        return ident
    if ident and len(ident) >= min_prefix:
        matches = conn.execute(select(column).where(column.startswith(ident, autoescape=True)).limit(2)).scalars().all()
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise StoreError(f"{what} {ident!r}: prefix matches more than one {what}")
    raise StoreError(f"{what} {ident!r}: not in this workspace")


def audit(conn: Connection, *, actor: str, action: str, target_type: str,
          target_id: str | None, before: Any = None, after: Any = None) -> None:
    """Append one event to the audit log inside the caller's transaction."""
    audit_many(conn, actor=actor, action=action, target_type=target_type, events=[(target_id, before, after)])


def audit_many(conn: Connection, *, actor: str, action: str, target_type: str,
               events: list[tuple[str | None, Any, Any]]) -> None:
    """Append several events (target id, before, after) in one statement."""
    if not events:
        return
    stamp = now()
    conn.execute(insert(s.audit_log), [
        {"at": stamp, "actor": actor, "action": action, "target_type": target_type, "target_id": target,
         "before": None if before is None else json.dumps(before, ensure_ascii=False, default=str),
         "after": None if after is None else json.dumps(after, ensure_ascii=False, default=str)}
        for target, before, after in events
    ])


def bulk_insert(conn: Connection, table: Any, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows given as tuples straight through the driver's executemany.

    SQLAlchemy's per-row parameter processing costs more than SQLite's insert itself for the
    tens of thousands of mention rows an ingest writes. The SQL stays portable: quoted names
    and the driver's own placeholder style (qmark for SQLite, format for PostgreSQL drivers).
    """
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(mark for _ in columns)})")
    conn.exec_driver_sql(sql, rows)


def bulk_select(conn: Connection, query: Any) -> list[tuple]:
    """Run a query without parameters straight through the driver's cursor: plain tuples.

    For listings of every row (``Workspace.articles`` at 100,000 articles), SQLAlchemy's result
    rows cost more than the read itself. Same transaction, same snapshot as ``conn``.
    """
    compiled = query.compile(dialect=conn.dialect)
    if compiled.params:
        raise ValueError("bulk_select takes a query without bound parameters")
    result = conn.exec_driver_sql(str(compiled))   # through the engine: its events still see it
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
