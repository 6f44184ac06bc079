"""What changed since a cursor: the change log read as a feed, so open widgets in other
notebooks (other processes, other machines on a server) can follow each other.

Every change worth seeing is appended to ``audit_log`` in the transaction that makes it, and
the log's ids grow in commit order (one writer at a time on both backends: SQLite's write lock,
PostgreSQL's advisory write lock). A cursor is therefore just the id of the newest event seen:
"anything new?" is one indexed statement (``id > cursor``), whatever the log's length.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from . import schema as s

__all__ = ["Change", "latest_change", "changes_since", "recent_events", "FEED_LIMIT"]

FEED_LIMIT = 500
"""The most events ``changes_since`` returns at once (a caller seeing this many re-reads everything)."""


@dataclass(frozen=True)
class Change:
    """One event of the change log, without its before / after images.

    Attributes:
        id: the event's id (the cursor after it).
        at: when (ISO time).
        actor: who.
        action: "change", "undo", "redo", "grade", "entity-merge", …
        target_type: "analysis", "source", "entity_rule", "evidence", …
        target_id: the id of what changed (None for some events).
    """

    id: int
    at: str
    actor: str
    action: str
    target_type: str
    target_id: str | None


def latest_change(conn: Connection) -> int:
    """The id of the newest event in the change log (0 when the log is empty).

    Args:
        conn: a workspace connection.
    Returns:
        A cursor for ``changes_since``.
    """
    return int(conn.execute(select(func.max(s.audit_log.c.id))).scalar() or 0)


def changes_since(conn: Connection, cursor: int, *, limit: int = FEED_LIMIT) -> list[Change]:
    """The events logged after ``cursor``, oldest first, at most ``limit`` of them (one statement).

    Args:
        conn: a workspace connection.
        cursor: an event id (``latest_change`` or the last event seen).
        limit: the most events returned.
    Returns:
        The events; empty when nothing changed.
    """
    log = s.audit_log
    rows = conn.execute(select(log.c.id, log.c.at, log.c.actor, log.c.action, log.c.target_type, log.c.target_id)
                        .where(log.c.id > int(cursor)).order_by(log.c.id).limit(int(limit))).all()
    return [Change(int(i), str(at), str(actor), str(action), str(kind), target)
            for i, at, actor, action, kind, target in rows]


def recent_events(conn: Connection, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The newest events of the change log, with their before / after images, newest first.

    Args:
        conn: a workspace connection.
        limit: the most events returned.
    Returns:
        (the log's column names, one tuple per event).
    """
    log = s.audit_log
    rows = conn.execute(select(log).order_by(log.c.id.desc()).limit(limit)).all()
    return [c.name for c in log.columns], [tuple(r) for r in rows]
