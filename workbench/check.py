"""``workbench workspace check``: is the workspace sound, and does the audit log equal the tables?

Three sections, each a list of problems (empty when all is well):

- integrity: SQLite's ``PRAGMA integrity_check`` (damaged pages, broken indexes); on
  PostgreSQL, that the workspace's guard triggers are in place;
- foreign keys: rows pointing at rows that do not exist;
- log versus tables: the audit log replayed from the start must give the tables as they
  are: analyses, hypotheses, evidence and ratings row by row (``updated_at`` aside), the
  articles ingested, the sources with their grades, the entity corrections and whether each is
  in force; and no evidence or hypothesis label is used twice in an analysis.

The check only reads: it opens the file with plain SQLite (no migration, no pragma that
writes), or the database in a read-only REPEATABLE READ transaction, so it sees one
consistent state while others write.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .store.changes import IGNORED, row_key
from ._paths import absolute
from .errors import StoreError, StoreIOError
from .store.postgres import driver_connection, is_url, parse_url, shown_url
from .store.schema import metadata
from .store.sqlite import connect_sqlite, identify, sqlite_problem

__all__ = ["CheckReport", "check_workspace"]

_ANALYSIS_TABLES = ("analyses", "hypotheses", "evidence", "ratings", "indicators")
# alerts are raised by ingest (not by a logged change); the log holds only the decisions on them
_UNREPLAYED = frozenset({"alerts"})
_SHOWN = 20  # differences listed per section before "… and N more"


@dataclass
class CheckReport:
    """What ``check_workspace`` found. ``ok`` is True when every section is empty."""

    path: str
    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.log)

    def lines(self) -> list[str]:
        """The report as printed by the command line."""
        out = [f"workspace: {self.path}"]
        for name, problems in (("integrity", self.integrity), ("foreign keys", self.foreign_keys),
                               ("log versus tables", self.log)):
            if not problems:
                out.append(f"{name}: ok")
                continue
            out.append(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            out += [f"  {p}" for p in problems[:_SHOWN]]
            if len(problems) > _SHOWN:
                out.append(f"  … and {len(problems) - _SHOWN} more")
        if self.counts:
            out.append("rows: " + ", ".join(f"{k} {v}" for k, v in self.counts.items()))
        out.append("result: ok" if self.ok else "result: PROBLEMS FOUND")
        return out


def check_workspace(path: str | os.PathLike[str]) -> CheckReport:
    """Check a workspace (a file, or a PostgreSQL database by URL) without writing to it.

    Args:
        path: the workspace file or URL.
    Returns:
        A CheckReport.
    Raises:
        StoreError: the file does not exist or is not a workbench workspace.
        StoreIOError: the server cannot be reached.
    """
    if is_url(path):
        return _check_server(str(path))
    shown = os.fspath(path)
    target = absolute(path)
    if not target.exists():
        raise StoreError(f"{shown}: no such workspace")
    report = CheckReport(shown)
    try:
        identify(target, shown)
    except StoreIOError as exc:  # damaged where it says what it is: the integrity check lists how
        report.integrity.append(str(exc).removeprefix(f"{shown}: "))
    try:
        db = connect_sqlite(str(target), timeout=60)
    except sqlite3.Error as exc:
        report.integrity.append(sqlite_problem(exc) or str(exc))
        return report
    try:
        db.execute("BEGIN")  # one snapshot for every section
        report.integrity += _integrity(db)
        if report.integrity:
            report.log.append("not compared: the file is damaged")
            return report
        report.foreign_keys = _foreign_keys(db)
        report.log, report.counts = _log_versus_tables(db)
    except sqlite3.Error as exc:
        report.integrity.append(sqlite_problem(exc) or str(exc))
    finally:
        db.close()
    return report


def _check_server(location: str) -> CheckReport:
    """The same sections on a PostgreSQL database, read in one REPEATABLE READ snapshot.

    Integrity: the server keeps its pages sound itself; what a workspace adds is its guards, so
    the section lists a missing trigger. Foreign keys: checked by query (the server enforces
    them, unless someone turned triggers off), so the section means the same on both backends.
    """
    url = parse_url(location)
    shown = shown_url(url)
    report = CheckReport(shown)
    with driver_connection(url) as db:
        db.autocommit = True  # the transaction is ours to begin, read-only, in one snapshot
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        if db.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
            raise StoreError(f"{shown}: not a workbench workspace (no schema_migrations table)")
        triggers = {name for (name,) in db.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        report.integrity = [f"trigger {name} is missing: {what} is not enforced"
                            for name, what in _PG_GUARDS.items() if name not in triggers]
        report.foreign_keys = _foreign_keys_by_query(db)
        report.log, report.counts = _log_versus_tables(db)
        db.execute("ROLLBACK")
    return report


_PG_GUARDS = {"articles_text_immutable": "article text immutability",
              "audit_log_no_update": "the append-only audit log", "audit_log_no_delete": "the append-only audit log"}


def _foreign_keys_by_query(db: Any) -> list[str]:
    """Rows whose foreign keys name no row, found by query for every foreign key of the schema."""
    problems = []
    for table in metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            (column,), (target,) = fk.column_keys, [e.column for e in fk.elements]
            parent = target.table.name
            rows = db.execute(
                f'SELECT c."{column}" FROM "{table.name}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent}" p WHERE p."{target.name}" = c."{column}") LIMIT {_SHOWN + 1}').fetchall()
            problems += [f"{table.name} row with {column} {value}: refers to a {parent} row that does not exist"
                         for (value,) in rows]
    return problems


def _integrity(db: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in db.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _foreign_keys(db: sqlite3.Connection) -> list[str]:
    return [f"{table} row {rowid}: refers to a {parent} row that does not exist"
            for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check")]


def _rows(db: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cursor = db.execute(f'SELECT * FROM "{table}"')
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _log_versus_tables(db: sqlite3.Connection) -> tuple[list[str], dict[str, int]]:
    problems: list[str] = []
    events = [(i, actor, action, target_type, target, json.loads(before) if before else None,
               json.loads(after) if after else None)
              for i, actor, action, target_type, target, before, after in db.execute(
                  "SELECT id, actor, action, target_type, target_id, before, after FROM audit_log ORDER BY id")]
    problems += _analyses(db, events)
    problems += _labels(db)
    problems += _articles(db, events)
    problems += _sources(db, events)
    problems += _corrections(db, events)
    counts = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
              for table in ("articles", "sources", "entity_rules", *_ANALYSIS_TABLES, "audit_log")}
    return problems, counts


def _analyses(db: sqlite3.Connection, events: list[tuple]) -> list[str]:
    """Replay change / undo / redo events and compare with the four analysis tables."""
    problems: list[str] = []
    state: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {t: {} for t in _ANALYSIS_TABLES}
    changes: dict[int, list[dict[str, Any]]] = {}
    for event_id, actor, action, target_type, _target, _before, body in events:
        if target_type != "analysis" or action not in ("change", "undo", "redo"):
            continue
        if action == "change":
            changes[event_id] = body["ops"]
            ops, inverse = body["ops"], False
        else:
            ops, inverse = changes.get(body.get("change"), []), action == "undo"
            if body.get("change") not in changes:
                problems.append(f"audit event {event_id} ({action} by {actor}): names no recorded change")
        for op in (reversed(ops) if inverse else ops):
            if op["table"] in _UNREPLAYED:
                continue
            was, becomes = (op["after"], op["before"]) if inverse else (op["before"], op["after"])
            table = state[op["table"]]
            key = row_key(op["table"], was or becomes)
            if not _consistent(table.get(key), was):
                problems.append(f"audit event {event_id} ({action} by {actor}): {op['table']} {_name(key)} "
                                f"was not as the event expects")
            if becomes is None:
                table.pop(key, None)
            else:
                table[key] = becomes
    for name in _ANALYSIS_TABLES:
        stored = {row_key(name, row): row for row in _rows(db, name)}
        replayed = state[name]
        for key in sorted(stored.keys() - replayed.keys(), key=str):
            problems.append(f"{name} {_name(key)}: in the table, not in the log")
        for key in sorted(replayed.keys() - stored.keys(), key=str):
            problems.append(f"{name} {_name(key)}: in the log, not in the table")
        for key in sorted(stored.keys() & replayed.keys(), key=str):
            table_row, log_row = stored[key], replayed[key]
            for column, value in log_row.items():
                if column in IGNORED or column not in table_row:
                    continue
                if table_row[column] != value:
                    problems.append(f"{name} {_name(key)}: {column} is {table_row[column]!r} in the table, "
                                    f"{value!r} in the log")
    return problems


def _labels(db: sqlite3.Connection) -> list[str]:
    problems = []
    for table, letter in (("evidence", "E"), ("hypotheses", "H")):
        for analysis, position, count in db.execute(
                f'SELECT analysis_id, position, count(*) FROM "{table}" GROUP BY analysis_id, position '
                "HAVING count(*) > 1"):
            problems.append(f"analysis {analysis}: label {letter}{position} is used by {count} {table} rows")
    return problems


def _articles(db: sqlite3.Connection, events: list[tuple]) -> list[str]:
    logged = {target for _, _, action, kind, target, _, _ in events if kind == "article" and action == "ingest"}
    stored = {row[0] for row in db.execute("SELECT id FROM articles")}
    return ([f"article {a}: in the table, not in the log" for a in sorted(stored - logged)]
            + [f"article {a}: in the log, not in the table" for a in sorted(logged - stored)])


def _sources(db: sqlite3.Connection, events: list[tuple]) -> list[str]:
    logged: dict[str, str] = {}
    for _, _, action, kind, target, _, after in events:
        if kind != "source":
            continue
        if action == "create":
            logged[target] = (after or {}).get("reliability", "F")
        elif action == "grade" and target in logged and after and "reliability" in after:
            logged[target] = after["reliability"]
    stored = {str(i): grade for i, grade in db.execute("SELECT id, reliability FROM sources")}
    problems = [f"source {i}: in the table, not in the log" for i in sorted(stored.keys() - logged.keys())]
    problems += [f"source {i}: in the log, not in the table" for i in sorted(logged.keys() - stored.keys())]
    problems += [f"source {i}: reliability is {stored[i]!r} in the table, {logged[i]!r} in the log"
                 for i in sorted(stored.keys() & logged.keys()) if stored[i] != logged[i]]
    return problems


def _corrections(db: sqlite3.Connection, events: list[tuple]) -> list[str]:
    logged: dict[str, tuple[str, dict[str, Any], int]] = {}
    for _, _, action, kind, target, _, after in events:
        if kind != "entity_rule":
            continue
        if action.startswith("entity-"):
            logged[target] = (action[len("entity-"):], after or {}, 1)
        elif action == "undo-correction" and target in logged:
            logged[target] = (*logged[target][:2], 0)
    stored = {str(i): (a, json.loads(p), int(act)) for i, a, p, act in
              db.execute("SELECT id, action, params, active FROM entity_rules")}
    problems = [f"correction {i}: in the table, not in the log" for i in sorted(stored.keys() - logged.keys())]
    problems += [f"correction {i}: in the log, not in the table" for i in sorted(logged.keys() - stored.keys())]
    problems += [f"correction {i}: the table and the log differ" for i in sorted(stored.keys() & logged.keys())
                 if stored[i] != logged[i]]
    return problems


def _consistent(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two recorded images of one row agree on the columns both hold (a bulk insert records
    only the columns it gave), bookkeeping columns aside."""
    if a is None or b is None:
        return a is None and b is None
    return all(a[k] == b[k] for k in a.keys() & b.keys() if k not in IGNORED)


def _name(key: tuple[Any, ...]) -> str:
    return "/".join(str(part) for part in key)

