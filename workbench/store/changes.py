"""Recorded changes to an analysis, and undo / redo replayed from the audit log.

Every mutation of an analysis runs through a ``ChangeSet`` inside one write transaction: it
performs row inserts, upserts, updates and deletes and records each with its full before /
after row. The change is appended to the audit log as one event in the same transaction, so
the log replayed from the start always equals the tables (``workbench.check``).

Undo and redo act on the history of the actor who asks (an analyst's own changes; others'
changes stay). Before acting they recheck, under the write lock, that every row is still as
the change left it (undo) or found it (redo); a later change by someone else that touched
those rows, or rows hanging from them, makes the request fail with a message naming it.
``updated_at`` columns are bookkeeping: they are neither recorded as changes nor compared.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import schema as s
from ..errors import StoreError
from ._rows import audit, bulk_insert

__all__ = ["ChangeSet", "undo", "redo", "TABLES", "KEYS", "IGNORED", "apply_ops", "row_key", "same_row"]

TABLES: dict[str, Table] = {t.name: t for t in (s.analyses, s.hypotheses, s.evidence, s.ratings, s.indicators,
                                                 s.alerts)}
KEYS: dict[str, tuple[str, ...]] = {
    "indicators": ("id",), "alerts": ("id",),  # schema step 12: indicators, and the decisions on alerts
    "analyses": ("id",), "hypotheses": ("id",), "evidence": ("id",),
    "ratings": ("evidence_id", "hypothesis_id", "analyst"),   # each analyst's rating of a cell (schema step 8)
}
_UNREAD: Any = object()  # a row not read yet (None means "read: there is no row")
IGNORED = frozenset({"updated_at"})
"""Columns a change touches without recording them (timestamps of the latest edit)."""
# rows that hang from a row by a foreign key: (child table, its column naming the parent)
_CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "analyses": (("hypotheses", "analysis_id"), ("evidence", "analysis_id"), ("indicators", "analysis_id")),
    "indicators": (),
    "alerts": (),
    "hypotheses": (("ratings", "hypothesis_id"),),
    "evidence": (("ratings", "evidence_id"),),
    "ratings": (),
}
# other rows that may hold a row's unique values: a redone item's label, a hypothesis's name
_UNIQUE: dict[str, tuple[str, ...]] = {"evidence": ("analysis_id", "position"), "hypotheses": ("analysis_id", "name")}


def _where(table: Table, key: dict[str, Any]):  # noqa: ANN202
    return and_(*(table.c[k] == v for k, v in key.items()))


def row_key(table_name: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """The primary key of a recorded row, as a tuple (a rating recorded before schema step 8 has
    no analyst: None)."""
    return tuple(row.get(k) for k in KEYS[table_name])


def _key(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in KEYS[table.name]}


def same_row(current: dict[str, Any] | None, recorded: dict[str, Any] | None) -> bool:
    """Whether a row is as the log recorded it (None: no row), bookkeeping columns aside.

    Only the recorded columns are compared: a bulk insert records the row as given, without
    the columns left to their defaults.
    """
    if current is None or recorded is None:
        return current is None and recorded is None
    return all(current.get(k) == v for k, v in recorded.items() if k not in IGNORED)


def _table(table: Table | str) -> Table:
    """The table itself, given it or its name (callers above the store name tables, never hold them)."""
    return s.metadata.tables[table] if isinstance(table, str) else table


class ChangeSet:
    """Row operations on analysis tables, recorded for the audit log and undo.

    Args:
        conn: a connection inside the caller's write transaction.
        analysis_id: the analysis changed.
        label: what the analyst did, in words ("rate E3 against H2").
    """

    def __init__(self, conn: Connection, analysis_id: str, label: str) -> None:
        self.conn = conn
        self.analysis_id = analysis_id
        self.label = label
        self.ops: list[dict[str, Any]] = []

    def insert(self, table: Table | str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert one row; returns it as stored (one statement: its after-image comes back
        with ``RETURNING``). A value may be a scalar subquery, e.g. the next position."""
        table = _table(table)
        stored = dict(self.conn.execute(insert(table).values(**row).returning(*table.c)).mappings().one())
        self.ops.append({"table": table.name, "before": None, "after": stored})
        return stored

    def insert_rows(self, table: Table | str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert several rows with one multi-row statement, each recorded like ``insert``;
        returns them as stored, in the order given."""
        table = _table(table)
        if not rows:
            return []
        returned = self.conn.execute(insert(table).values(rows).returning(*table.c)).mappings().all()
        # RETURNING gives the rows in no promised order: record them in the caller's
        by_key = {row_key(table.name, dict(r)): dict(r) for r in returned}
        stored = [by_key[row_key(table.name, row)] for row in rows]
        self.ops.extend({"table": table.name, "before": None, "after": row} for row in stored)
        return stored

    def upsert(self, table: Table | str, row: dict[str, Any], *, before: Any = _UNREAD) -> bool:
        """Insert the row, or update the one with its key, in one statement (the dialect's
        ``INSERT … ON CONFLICT DO UPDATE``); returns whether anything changed.

        ``before``: the row as the caller read it under this transaction (None: no row), which
        spares reading it again; by default it is read here."""
        table = _table(table)
        key = _key(table, row)
        if before is _UNREAD:
            before = self._row(table, key)
        if before is not None and all(before.get(k) == v for k, v in row.items()):
            return False
        values = {k: v for k, v in row.items() if k not in key}
        statement = _dialect_insert(self.conn, table).values(**row)
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=values).returning(*table.c)
        after = dict(self.conn.execute(statement).mappings().one())
        self.ops.append({"table": table.name, "before": before, "after": after})
        return True

    def insert_many(self, table: Table | str, rows: list[dict[str, Any]]) -> None:
        """Insert many rows with one statement per set of columns, recorded like ``insert``.

        For bulk work (importing an analysis of thousands of items): no read-back per row, so
        each row should name every column whose stored value matters; the row as given is
        recorded as its after-image (a column left out takes its default on redo as well). The
        rows are kept as given: the caller hands them over and must not change them afterwards.
        """
        table = _table(table)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for keys, group in groups.items():
            bulk_insert(self.conn, table, keys, [tuple(row.values()) for row in group])
        name = table.name
        self.ops.extend([{"table": name, "before": None, "after": row} for row in rows])

    def update(self, table: Table | str, key: dict[str, Any], values: dict[str, Any]) -> bool:
        """Update the row with this key; returns whether anything changed (no event otherwise)."""
        table = _table(table)
        before = self._row(table, key)
        if before is None:
            return False
        if all(before.get(k) == v for k, v in values.items()):
            return False  # nothing changes: no event
        self.conn.execute(update(table).where(_where(table, key)).values(**values))
        self.ops.append({"table": table.name, "before": before, "after": self._row(table, key)})
        return True

    def delete(self, table: Table | str, key: dict[str, Any], *, before: Any = _UNREAD) -> bool:
        """Delete the row with this key, if there is one (``before``: see ``upsert``)."""
        table = _table(table)
        if before is _UNREAD:
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


def _dialect_insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT construct that knows ``on_conflict_do_update``."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise StoreError(f"upsert: the {conn.dialect.name} database is not supported")


def apply_ops(conn: Connection, ops: list[dict[str, Any]], *, inverse: bool) -> None:
    """Apply a change's recorded row operations (or their inverse) to the tables."""
    for op in (reversed(ops) if inverse else ops):
        table = TABLES[op["table"]]
        before, after = (op["after"], op["before"]) if inverse else (op["before"], op["after"])
        if before is None:          # the row comes into being
            conn.execute(insert(table).values(**after))
        elif after is None:         # the row goes
            conn.execute(delete(table).where(_where(table, _key(table, before))))
        else:
            conn.execute(update(table).where(_where(table, _key(table, before))).values(**after))


def _events(conn: Connection, analysis_id: str) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The analysis's change / undo / redo events in order: (id, actor, action, body)."""
    log = s.audit_log
    rows = conn.execute(
        select(log.c.id, log.c.actor, log.c.action, log.c.after)
        .where(log.c.target_type == "analysis", log.c.target_id == analysis_id,
               log.c.action.in_(("change", "undo", "redo")))
        .order_by(log.c.id)
    ).all()
    return [(event_id, actor, action, json.loads(after)) for event_id, actor, action, after in rows]


def _stacks(events: list[tuple[int, str, str, dict[str, Any]]],
            actor: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Replay the log into one actor's (done, undone) stacks of their own changes.

    An undo or redo names the change it acted on (whoever asked: older workspaces let anyone
    undo the newest change); a new change by the actor clears the actor's redo stack.
    """
    changes: dict[int, dict[str, Any]] = {}
    done: list[dict[str, Any]] = []
    undone: list[dict[str, Any]] = []
    for event_id, who, action, body in events:
        if action == "change":
            changes[event_id] = {"id": event_id, "actor": who, **body}
            if who == actor:
                done.append(changes[event_id])
                undone.clear()
            continue
        change = changes.get(body.get("change"))
        if change is None or change["actor"] != actor:
            continue
        source, target = (done, undone) if action == "undo" else (undone, done)
        if change in source:
            source.remove(change)
            target.append(change)
    return done, undone


def undo(conn: Connection, analysis_id: str, actor: str) -> str | None:
    """Undo the actor's newest change still in force; returns its label, or None if nothing to undo.

    Raises:
        StoreError: a later change by someone else depends on it (named in the message).
    """
    return _replay(conn, analysis_id, actor, undoing=True)


def redo(conn: Connection, analysis_id: str, actor: str) -> str | None:
    """Redo the actor's newest undone change; returns its label, or None if nothing to redo.

    Raises:
        StoreError: a later change by someone else conflicts with it (named in the message).
    """
    return _replay(conn, analysis_id, actor, undoing=False)


def _replay(conn: Connection, analysis_id: str, actor: str, *, undoing: bool) -> str | None:
    events = _events(conn, analysis_id)
    done, undone = _stacks(events, actor)
    stack = done if undoing else undone
    if not stack:
        return None
    change = stack[-1]
    verb = "undo" if undoing else "redo"
    _check_still_in_place(conn, events, change, verb, undoing=undoing)
    try:
        with conn.begin_nested():
            apply_ops(conn, change["ops"], inverse=undoing)
    except IntegrityError as exc:  # a row it needs was removed, or its place was taken
        detail = str(exc.orig).splitlines()[0]
        raise StoreError(f"cannot {verb} {change['label']!r}: later changes by others conflict with it "
                         f"({detail})") from None
    audit(conn, actor=actor, action=verb, target_type="analysis", target_id=analysis_id,
          after={"change": change["id"], "label": change["label"]})
    return change["label"]


def _check_still_in_place(conn: Connection, events: list[tuple[int, str, str, dict[str, Any]]],
                          change: dict[str, Any], verb: str, *, undoing: bool) -> None:
    """Refuse when the rows are no longer as the change left them (undo) or found them (redo),
    or when rows that hang from a row the undo would remove exist; name who changed them."""
    ops = change["ops"]
    expectations: dict[tuple[str, tuple[Any, ...]], dict[str, Any] | None] = {}
    for op in (reversed(ops) if undoing else ops):
        row = op["after"] or op["before"]
        ident = (op["table"], row_key(op["table"], row))
        expectations.setdefault(ident, op["after"] if undoing else op["before"])
    for (table_name, key), expected in expectations.items():
        table = TABLES[table_name]
        where = dict(zip(KEYS[table_name], key))
        found = conn.execute(select(table).where(_where(table, where))).mappings().first()
        if not same_row(dict(found) if found else None, expected):
            raise StoreError(_blocked(events, change, verb, {(table_name, key)}))
    for table_name, key in _rows_created(ops, undoing=undoing):
        columns = _UNIQUE.get(table_name)
        if not columns:
            continue
        table = TABLES[table_name]
        row = next(op["after"] or op["before"] for op in ops
                   if op["table"] == table_name and row_key(table_name, op["after"] or op["before"]) == key)
        taken = conn.execute(select(table).where(*(table.c[c] == row[c] for c in columns))).mappings().first()
        if taken is not None and row_key(table_name, dict(taken)) != key:
            raise StoreError(_blocked(events, change, verb, {(table_name, row_key(table_name, dict(taken)))}))
    removed = _rows_removed(ops, undoing=undoing)
    for table_name, key in removed:
        for child_name, column in _CHILDREN[table_name]:
            child = TABLES[child_name]
            rows = conn.execute(select(child).where(child.c[column] == key[0])).mappings().all()
            blockers = {(child_name, row_key(child_name, dict(r))) for r in rows} - removed
            if blockers:
                raise StoreError(_blocked(events, change, verb, blockers))


def _rows_created(ops: list[dict[str, Any]], *, undoing: bool) -> set[tuple[str, tuple[Any, ...]]]:
    """Rows that applying the change (or its inverse) brings into being."""
    return _rows_touched(ops, undoing=undoing, created=True)


def _rows_removed(ops: list[dict[str, Any]], *, undoing: bool) -> set[tuple[str, tuple[Any, ...]]]:
    """Rows that applying the change (or its inverse) deletes."""
    return _rows_touched(ops, undoing=undoing, created=False)


def _rows_touched(ops: list[dict[str, Any]], *, undoing: bool, created: bool) -> set[tuple[str, tuple[Any, ...]]]:
    rows = set()
    for op in ops:
        source, result = (op["after"], op["before"]) if undoing else (op["before"], op["after"])
        if (source is None) == created and (result is None) != created:
            rows.add((op["table"], row_key(op["table"], result if created else source)))
    return rows


def _blocked(events: list[tuple[int, str, str, dict[str, Any]]], change: dict[str, Any], verb: str,
             rows: set[tuple[str, tuple[Any, ...]]]) -> str:
    """The refusal message, naming the newest later change still in force that touched one of the rows."""
    reverted: dict[int, int] = {}
    for _, _, action, body in events:
        if action in ("undo", "redo") and body.get("change") is not None:
            reverted[body["change"]] = reverted.get(body["change"], 0) + (1 if action == "undo" else -1)
    for event_id, who, action, body in reversed(events):
        if event_id <= change["id"] or action != "change" or reverted.get(event_id, 0) > 0:
            continue
        for op in body["ops"]:
            row = op["after"] or op["before"]
            if (op["table"], row_key(op["table"], row)) in rows:
                return (f"cannot {verb} {change['label']!r}: a later change by {who} "
                        f"({body['label']!r}) depends on it; {who} can undo theirs first")
    return f"cannot {verb} {change['label']!r}: its rows were changed since by another change"
