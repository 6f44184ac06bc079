"""The workspace database: one SQLite file (or a SQLAlchemy URL), migrated on open."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select

from . import _schema as s
from ._migrations import MIGRATIONS
from .errors import StoreError

__all__ = ["Store", "now"]


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A migrated workspace database.

    Args:
        location: a file path (SQLite, created if missing), ":memory:", or a SQLAlchemy URL
            such as ``postgresql+psycopg://user@host/db``.
    """

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        self.engine = _make_engine(self.location)
        self._migrate()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection inside one transaction; commit on success, roll back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection for reading."""
        with self.engine.connect() as conn:
            yield conn

    def schema_version(self) -> int:
        with self.read() as conn:
            return _current_version(conn)

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self) -> None:
        with self.transaction() as conn:
            if not self.engine.dialect.has_table(conn, "schema_migrations"):
                s.schema_migrations.create(conn)
        with self.read() as conn:
            current = _current_version(conn)
        latest = MIGRATIONS[-1].version
        if current > latest:
            raise StoreError(
                f"{self.location}: workspace schema version {current} is newer than this "
                f"workbench knows ({latest}); upgrade the workbench"
            )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction() as conn:
                migration.apply(conn)
                conn.execute(insert(s.schema_migrations).values(
                    version=migration.version, description=migration.description, applied_at=now()))


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


def _current_version(conn: Connection) -> int:
    from sqlalchemy import func

    return conn.execute(select(func.coalesce(func.max(s.schema_migrations.c.version), 0))).scalar_one()


def _make_engine(location: str) -> Engine:
    if "://" in location:
        return create_engine(location)
    if location != ":memory:":
        path = Path(location)
        if path.is_dir():
            raise StoreError(f"{location}: is a directory, not a workspace file")
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}")
    else:
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        if location != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    return engine
