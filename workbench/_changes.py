"""Recorded changes to an analysis, and undo / redo replayed from the audit log.

Every mutation of an analysis runs through a ``ChangeSet``: it performs row inserts,
updates and deletes and records each with its full before/after row. The change is
appended to the audit log as one event; undo applies the inverse, redo applies it again,
and both are audit events themselves, so the history survives restarts.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, select, update

from . import _schema as s
from .store import audit, bulk_insert

TABLES: dict[str, Table] = {t.name: t for t in (s.analyses, s.hypotheses, s.evidence, s.ratings)}
KEYS: dict[str, tuple[str, ...]] = {
    "analyses": ("id",), "hypotheses": ("id",), "evidence": ("id",), "ratings": ("evidence_id", "hypothesis_id"),
}


def _where(table: Table, key: dict[str, Any]):  # noqa: ANN202
    return and_(*(table.c[k] == v for k, v in key.items()))


def _key(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in KEYS[table.name]}


class ChangeSet:
    """Row operations on analysis tables, recorded for the audit log and undo.

    Args:
        conn: a connection inside the caller's transaction.
        analysis_id: the analysis changed.
        label: what the analyst did, in words ("rate E3 against H2").
    """

    def __init__(self, conn: Connection, analysis_id: str, label: str) -> None:
        self.conn = conn
        self.analysis_id = analysis_id
        self.label = label
        self.ops: list[dict[str, Any]] = []

    def insert(self, table: Table, row: dict[str, Any]) -> None:
        self.conn.execute(insert(table).values(**row))
        self.ops.append({"table": table.name, "before": None, "after": self._row(table, _key(table, row))})

    def insert_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert many rows with one statement per set of columns, recorded like ``insert``.

        For bulk work (importing an analysis of thousands of items): no read-back per row, so
        each row should name every column whose stored value matters; the row as given is
        recorded as its after-image (a column left out takes its default on redo as well). The
        rows are kept as given: the caller hands them over and must not change them afterwards.
        """
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for keys, group in groups.items():
            bulk_insert(self.conn, table, keys, [tuple(row.values()) for row in group])
        name = table.name
        self.ops.extend([{"table": name, "before": None, "after": row} for row in rows])

    def update(self, table: Table, key: dict[str, Any], values: dict[str, Any]) -> bool:
        before = self._row(table, key)
        if before is None:
            return False
        if all(before.get(k) == v for k, v in values.items()):
            return False  # nothing changes: no event
        self.conn.execute(update(table).where(_where(table, key)).values(**values))
        self.ops.append({"table": table.name, "before": before, "after": self._row(table, key)})
        return True

    def delete(self, table: Table, key: dict[str, Any]) -> bool:
        before = self._row(table, key)
        if before is None:
            return False
        self.conn.execute(delete(table).where(_where(table, key)))
        self.ops.append({"table": table.name, "before": before, "after": None})
        return True

    def commit(self, actor: str) -> int | None:
        """Append the change to the audit log; returns nothing when no row changed."""
        if not self.ops:
            return None
        audit(self.conn, actor=actor, action="change", target_type="analysis", target_id=self.analysis_id,
              after={"label": self.label, "ops": self.ops})
        return len(self.ops)

    def _row(self, table: Table, key: dict[str, Any]) -> dict[str, Any] | None:
        found = self.conn.execute(select(table).where(_where(table, key))).mappings().first()
        return dict(found) if found else None


def _apply(conn: Connection, ops: list[dict[str, Any]], *, inverse: bool) -> None:
    for op in (reversed(ops) if inverse else ops):
        table = TABLES[op["table"]]
        before, after = (op["after"], op["before"]) if inverse else (op["before"], op["after"])
        if before is None:          # the row comes into being
            conn.execute(insert(table).values(**after))
        elif after is None:         # the row goes
            conn.execute(delete(table).where(_where(table, _key(table, before))))
        else:
            conn.execute(update(table).where(_where(table, _key(table, before))).values(**after))


def _stacks(conn: Connection, analysis_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Replay the analysis's change / undo / redo events into (done, undone) stacks."""
    log = s.audit_log
    rows = conn.execute(
        select(log.c.id, log.c.action, log.c.after)
        .where(log.c.target_type == "analysis", log.c.target_id == analysis_id,
               log.c.action.in_(("change", "undo", "redo")))
        .order_by(log.c.id)
    ).all()
    done: list[dict[str, Any]] = []
    undone: list[dict[str, Any]] = []
    for event_id, action, after in rows:
        body = json.loads(after)
        if action == "change":
            done.append({"id": event_id, **body})
            undone.clear()
        elif action == "undo" and done:
            undone.append(done.pop())
        elif action == "redo" and undone:
            done.append(undone.pop())
    return done, undone


def undo(conn: Connection, analysis_id: str, actor: str) -> str | None:
    """Undo the newest change still in force; returns its label, or None if nothing to undo."""
    return _replay(conn, analysis_id, actor, undoing=True)


def redo(conn: Connection, analysis_id: str, actor: str) -> str | None:
    """Redo the newest undone change; returns its label, or None if nothing to redo."""
    return _replay(conn, analysis_id, actor, undoing=False)


def _replay(conn: Connection, analysis_id: str, actor: str, *, undoing: bool) -> str | None:
    done, undone = _stacks(conn, analysis_id)
    stack = done if undoing else undone
    if not stack:
        return None
    change = stack[-1]
    _apply(conn, change["ops"], inverse=undoing)
    audit(conn, actor=actor, action="undo" if undoing else "redo", target_type="analysis", target_id=analysis_id,
          after={"change": change["id"], "label": change["label"]})
    return change["label"]
