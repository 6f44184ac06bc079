"""PostgreSQL servers: opening a workspace by URL, one writer at a time, errors in words.

The pieces of ``store`` that speak to PostgreSQL itself (psycopg 3). A workspace on a server
behaves as one in a SQLite file:

- one writer at a time: every write transaction takes the transaction-scoped advisory lock
  ``pg_advisory_xact_lock(WRITE_LOCK)`` before its first statement, the server's form of
  SQLite's ``BEGIN IMMEDIATE``. Under READ COMMITTED each later statement sees what the
  previous writer committed, so undo / redo rechecks, rating upserts and the audit log's
  order behave as on SQLite. The wait is bounded by ``lock_timeout`` (the busy wait);
- reads run in REPEATABLE READ: one consistent snapshot per ``Store.read`` block;
- the URL shown in messages never carries its password (``shown_url``); a password belongs
  in ``PGPASSWORD`` or ``~/.pgpass``, which psycopg reads itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from ..errors import StoreError, StoreIOError

__all__ = ["WRITE_LOCK", "driver_connection", "is_url", "parse_url", "shown_url", "postgres_engine", "postgres_problem",
           "foreign_tables", "writable_role"]

WRITE_LOCK = 0x776F726B62656E63
"""The advisory lock key every write transaction holds ("workbenc" in ASCII). Advisory locks
are per database, so workspaces on one server do not wait for each other."""
_DRIVER = "postgresql+psycopg"
# SQLSTATE classes and codes that mean something to the analyst (the rest are re-raised)
_CONNECTION_CLASS = "08"
_BUSY = {"55P03", "40P01", "57014"}  # lock_not_available, deadlock_detected, query_canceled
_READ_ONLY = "25006"
_DENIED = "42501"
_FULL = {"53100"}  # disk_full
_MEMORY = {"53200"}
_SHUTDOWN = {"57P01", "57P02", "57P03"}  # admin / crash shutdown, cannot connect now


def is_url(location: Any) -> bool:
    """Whether a workspace location is a database URL (``scheme://…``) rather than a file path."""
    return isinstance(location, str) and "://" in location


def parse_url(location: str) -> URL:
    """The SQLAlchemy URL of a workspace location; bare ``postgresql://`` uses psycopg 3.

    Raises:
        StoreError: not a URL SQLAlchemy can read, or a database other than PostgreSQL or SQLite.
    """
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number ("…@[::1/db")
        raise StoreError(f"{_mask(location)}: not a database URL (expected postgresql+psycopg://user@host/db)") \
            from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername != _DRIVER:
            url = url.set(drivername=_DRIVER)
        return url
    if backend == "sqlite":
        return url
    raise StoreError(f"{shown_url(url)}: a {backend} database is not supported "
                     "(a workspace is a SQLite file or a PostgreSQL database)")


def shown_url(url: URL | str) -> str:
    """The URL as shown to people and written anywhere: its password replaced by ``***``."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):  # unreadable (a port that is not a number): mask by hand
            return _mask(url)
    return url.render_as_string(hide_password=True)


def _mask(text: str) -> str:
    """Hide a ``user:password@`` part in text that is not a readable URL."""
    head, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    credentials, at, tail = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{head}://{user}{':***' if ':' in credentials else ''}{at}{tail}"


def postgres_engine(url: URL, busy_seconds: Any) -> Engine:
    """An engine on one PostgreSQL database whose write transactions hold the write lock.

    Args:
        url: the database's URL (``postgresql+psycopg``).
        busy_seconds: a callable giving how long a write waits for other writers.
    Returns:
        The engine. Nothing is connected yet.
    """
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10},
                           isolation_level="READ COMMITTED")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        dbapi_conn = conn.connection.dbapi_connection
        driver_error = engine.dialect.loaded_dbapi.Error
        statement = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT" and not options.get("workbench_write"):
            return   # one statement, no transaction (Store.read(snapshot=False)): nothing to set
        try:
            if options.get("workbench_write"):
                # the psycopg connection opens its transaction at this first statement
                dbapi_conn.execute(f"SET LOCAL lock_timeout = {max(1, int(busy_seconds() * 1000))}")
                statement = "SELECT pg_advisory_xact_lock(%s)"
                dbapi_conn.execute(statement, (WRITE_LOCK,))
            else:
                dbapi_conn.execute(statement)
        except driver_error as exc:  # as SQLAlchemy wraps its own statements' errors
            raise DBAPIError.instance(statement, None, exc, driver_error) from exc

    return engine


def postgres_problem(exc: BaseException, busy_seconds: float) -> str | None:
    """Say in words what a PostgreSQL error means for the analyst, or None for other errors
    (constraint violations, the workspace's own refusals, programming errors).

    Args:
        exc: the error (a SQLAlchemy ``DBAPIError`` or a psycopg error).
        busy_seconds: the write wait, for the "busy" message.
    Returns:
        One line without the URL (the caller names the workspace), or None.
    """
    orig = getattr(exc, "orig", exc)
    if not type(orig).__module__.startswith("psycopg"):
        return None  # not the driver's: and psycopg (slow to import) stays unloaded on SQLite
    import psycopg

    if not isinstance(orig, psycopg.Error):
        return None
    state = orig.sqlstate or ""
    first = _first_line(orig)
    if state in _BUSY:
        return (f"busy: other writers kept it busy for more than {busy_seconds:g} s; "
                "nothing was changed, try again")
    if state == _READ_ONLY:
        return "read-only (the server or this transaction takes no writes); nothing was changed"
    if state == _DENIED:
        return f"permission denied ({first}); nothing was changed"
    if state in _FULL:
        return "the server's disk is full; this change was not stored, and nothing stored before is lost"
    if state in _MEMORY:
        return "the server is out of memory; nothing was changed"
    if state in _SHUTDOWN or state.startswith(_CONNECTION_CLASS) or (
            isinstance(orig, psycopg.OperationalError) and not state):
        return _connection_problem(first)
    if state == "3D000":
        return f"no such database on the server ({first})"
    if state.startswith("28"):
        return f"the server refused the login ({first})"
    return None


def _connection_problem(message: str) -> str:
    """A failed or lost connection, said plainly (the driver's message can span lines)."""
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered or (
            "role" in lowered and "does not exist" in lowered):
        why = "the server refused the login"
    elif "database" in lowered and "does not exist" in lowered:
        why = "no such database on the server"
    elif "connection refused" in lowered or "no such file or directory" in lowered or "timeout" in lowered:
        why = "cannot reach the server (is it running, and are the host and port right?)"
    else:
        why = "the connection to the server failed"
    return f"{why} ({message})"


def _first_line(orig: BaseException) -> str:
    """The driver's message on one line (a connection error lists every address it tried)."""
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    for line in lines:
        if "FATAL:" in line:  # the server's own reason
            return line.split("FATAL:", 1)[1].strip()[:300]
    first = lines[0] if lines else type(orig).__name__
    return first.removeprefix("connection failed: ")[:300]


def foreign_tables(conn: Connection) -> list[str]:
    """Tables in the database's default schema that a workbench workspace never holds, when it
    holds no ``schema_migrations`` (another application's database); empty otherwise."""
    names = sorted(inspect(conn).get_table_names())
    if "schema_migrations" in names:
        return []
    return names


def writable_role(conn: Connection) -> bool:
    """Whether this login may write the workspace: it may append to the audit log (every change
    does) and the server takes writes (not a standby, not a read-only session)."""
    row = conn.exec_driver_sql(
        "SELECT has_table_privilege('audit_log', 'INSERT'), current_setting('transaction_read_only')").one()
    return bool(row[0]) and row[1] == "off"


@contextmanager
def driver_connection(url: URL) -> Iterator[Any]:
    """A plain driver (psycopg) connection to the server, outside any pool, closed after the block:
    for a reader that runs its own transaction (``workbench workspace check``).

    Args:
        url: the parsed URL (``parse_url``).
    Yields:
        The driver's connection.
    Raises:
        StoreIOError: the server cannot be reached (one line, the password never shown).
    """
    engine = create_engine(url, poolclass=NullPool)
    try:
        try:
            raw = engine.raw_connection()
        except DBAPIError as exc:
            raise StoreIOError(f"{shown_url(url)}: {postgres_problem(exc, 0) or exc.orig}") from None
        try:
            yield raw.driver_connection
        finally:
            raw.close()
    finally:
        engine.dispose()
