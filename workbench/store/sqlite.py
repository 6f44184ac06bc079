"""SQLite files: telling a workspace from other files, opening by path, busy waits, errors in words.

The pieces of ``store`` that speak to SQLite itself: a file is identified before anything
is written to it (a workspace, or the reason it is not one), opened by its path (never
parsed as a URL; immutable on a read-only filesystem), its busy conditions retried within a
bound, and its error codes turned into sentences for the analyst.
"""
from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool, StaticPool

from .._paths import SIDECARS, SQLITE_MAGIC, absolute, open_workspaces, os_problem
from ..errors import StoreError, StoreIOError

__all__ = ["BUSY_SECONDS", "sqlite_problem", "identify", "connect_sqlite", "sqlite_engine", "with_retry"]

BUSY_SECONDS = float(os.environ.get("WORKBENCH_BUSY_SECONDS", "60"))
"""How long a write waits for another process's write transaction before giving up."""
_BUSY_SLICE_MS = 250  # SQLite's own busy handler waits this long per attempt; we retry around it


def sqlite_problem(exc: BaseException, busy_seconds: float = BUSY_SECONDS) -> str | None:
    """Say in words what a database error means for the analyst, or None for other errors
    (constraint violations, programming errors), which the caller handles or re-raises."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    message = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (f"busy: other processes kept it busy for more than {busy_seconds:g} s; "
                "nothing was changed, try again")
    if primary == sqlite3.SQLITE_FULL:
        return "disk is full (no space left on device); this change was not stored, and nothing stored before is lost"
    if primary == sqlite3.SQLITE_READONLY:
        return "read-only (the file or its folder cannot be written); nothing was changed"
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return f"damaged ({message}); restore it from a copy (`workbench workspace check` lists the damage)"
    if primary == sqlite3.SQLITE_IOERR:
        return f"input/output error ({message}); nothing was changed"
    if primary == sqlite3.SQLITE_CANTOPEN:
        return f"cannot open ({message})"
    if primary == sqlite3.SQLITE_NOMEM:
        return "out of memory; nothing was changed"
    if primary == sqlite3.SQLITE_PERM:
        return f"permission denied ({message})"
    return None


def identify(path: Path, shown: str) -> bool:
    """Whether ``path`` is an existing workbench workspace (False: it does not exist yet).

    A workspace this process already has open is not read again: reading its header with
    ``open()`` and ``close()`` would drop every POSIX lock the process holds on the file (closing
    any descriptor of a file does), and another process's last close would then delete the
    write-ahead log under this one's connections.

    Raises:
        StoreError: a directory, an empty file, a file that is not a database, or another
            application's SQLite database. Nothing is written to it.
    """
    if not path.exists():
        return False
    if path.is_dir():
        raise StoreError(f"{shown}: is a directory, not a workspace file")
    if absolute(path) in open_workspaces():
        return True  # identified when first opened; see above for why it is not read again
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreIOError(f"{shown}: cannot read ({os_problem(exc)})") from None
    if size == 0:
        wal = Path(f"{path}{SIDECARS[0]}")
        if wal.exists() and wal.stat().st_size > 0:
            return True  # its content is still in the write-ahead log: SQLite recovers it
        raise StoreError(f"{shown}: an empty file, not a workspace (remove it, or name a new file, "
                         "to start a workspace there)")
    if header != SQLITE_MAGIC:
        raise StoreError(f"{shown}: not a database (so not a workbench workspace); nothing was written to it")
    try:
        db = connect_sqlite(str(path), timeout=BUSY_SECONDS)
        try:
            tables = sorted(name for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            columns = {row[1] for row in db.execute("PRAGMA table_info(schema_migrations)")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        problem = sqlite_problem(exc) or str(exc)
        raise StoreIOError(f"{shown}: {problem}") from None
    if {"version", "description", "applied_at"} <= columns:
        return True
    listed = ", ".join(tables[:8]) + (", …" if len(tables) > 8 else "") if tables else "no tables"
    raise StoreError(f"{shown}: another application's SQLite database ({listed}), not a workbench workspace; "
                     "nothing was written to it")


def sqlite_engine(filename: str, busy_seconds: Any) -> Engine:
    """An engine over one SQLite file, opened by path (never as a URL), with our own BEGINs.

    Args:
        filename: the file's absolute path, or ":memory:".
        busy_seconds: a callable giving how long writes wait for other writers.
    """
    memory = filename == ":memory:"

    def connect() -> sqlite3.Connection:
        # isolation_level=None: pysqlite issues no BEGIN of its own; the "begin" event does.
        return connect_sqlite(filename, timeout=_BUSY_SLICE_MS / 1000)

    engine = create_engine("sqlite://", creator=connect,
                           poolclass=StaticPool if memory else QueuePool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        with_retry(lambda: _set_pragmas(dbapi_conn, memory or _read_only_media(filename)), busy_seconds())

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        dbapi_conn = conn.connection.dbapi_connection
        if conn.get_execution_options().get("workbench_write"):
            with_retry(lambda: dbapi_conn.execute("BEGIN IMMEDIATE"), busy_seconds())
        else:
            dbapi_conn.execute("BEGIN")

    return engine


def connect_sqlite(filename: str, *, timeout: float) -> sqlite3.Connection:
    """Open a SQLite file by its path (never parsed as a URL), in autocommit mode.

    On a read-only filesystem a WAL workspace without its -wal file is opened as immutable:
    SQLite could not create the -shm file it needs, and no one can change the file there.
    """
    if filename != ":memory:" and _read_only_media(filename):
        uri = f"file:{quote(filename)}?immutable=1"  # built with escaping: the path stays a path
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout)
    return sqlite3.connect(filename, isolation_level=None, check_same_thread=False, timeout=timeout)


def _read_only_media(filename: str) -> bool:
    if filename == ":memory:" or os.path.exists(f"{filename}{SIDECARS[0]}"):
        return False
    try:
        return bool(os.statvfs(os.path.dirname(filename) or ".").f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): SQLite says what it can
        return False


def _set_pragmas(dbapi_conn: sqlite3.Connection, fixed: bool) -> None:
    """Per-connection settings; ``fixed``: an in-memory or immutable database (no WAL to set up)."""
    dbapi_conn.execute(f"PRAGMA busy_timeout={_BUSY_SLICE_MS}")
    dbapi_conn.execute("PRAGMA foreign_keys=ON")
    if not fixed:
        mode = dbapi_conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            dbapi_conn.execute("PRAGMA journal_mode=WAL").fetchall()
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def with_retry(action: Any, seconds: float) -> Any:
    """Run ``action``, retrying while the database is busy, for at most ``seconds``.

    SQLite's busy handler already waits ``_BUSY_SLICE_MS`` per attempt; between attempts we
    sleep a short random time so that waiting processes do not wake in lockstep.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
            if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() >= deadline:
                raise
            time.sleep(random.uniform(0.001, 0.02))
