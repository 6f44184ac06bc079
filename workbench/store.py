"""The workspace database: one SQLite file (or a SQLAlchemy URL), migrated on open.

Concurrency: several processes may write one workspace at once. Every write transaction
starts with ``BEGIN IMMEDIATE`` (pysqlite's own transaction handling is off), so it holds the
write lock before its first read and what it reads cannot change under it; a busy database is
waited for, with a bounded retry, and never reported as "locked". Reads run in a deferred
transaction: one consistent snapshot each.

The file: it is opened only if it is a workbench workspace or does not exist yet (a new one
is built beside it and linked into place, so no half-made file is ever seen); paths are
passed to SQLite as paths, never parsed as URLs; the write-ahead log is folded back into the
file half a second after each burst of writes (so after each batch) and when the workspace
closes (also at interpreter and kernel exit), so the ``.sqlite`` alone is complete whenever
no one is writing.
"""
from __future__ import annotations

import atexit
import json
import os
import random
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, delete, event, false, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool, StaticPool

from . import _schema as s
from ._migrations import MIGRATIONS
from ._paths import (
    SIDECARS,
    SQLITE_MAGIC,
    absolute,
    check_output,
    os_problem,
    register_workspace,
    unregister_workspace,
)
from .errors import StoreError, StoreIOError

__all__ = ["Store", "now", "audit", "audit_many", "bulk_insert", "BUSY_SECONDS", "sqlite_problem", "identify",
           "connect_sqlite"]

BUSY_SECONDS = float(os.environ.get("WORKBENCH_BUSY_SECONDS", "60"))
"""How long a write waits for another process's write transaction before giving up."""
_BUSY_SLICE_MS = 250  # SQLite's own busy handler waits this long per attempt; we retry around it
CHECKPOINT_DELAY = 0.5
"""Seconds after a write before its log is folded into the file (a checkpoint costs two fsyncs:
~10 ms here, against ~0.1 ms for a commit, so it runs off the edit's path, once per burst)."""
_LIVE: "weakref.WeakSet[Store]" = weakref.WeakSet()


def now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A migrated workspace database.

    Args:
        location: a file path (SQLite, created if missing), ":memory:", or a SQLAlchemy URL
            string such as ``postgresql+psycopg://user@host/db``. A path is always a path: a
            name such as ``what?mode=ro.sqlite`` names that file.
        busy_seconds: how long a write waits for other writers (default ``BUSY_SECONDS``).
    Raises:
        StoreError: the file is not a workbench workspace (an empty file, another
            application's database, not a database) or its schema is newer than this code.
        StoreIOError: the file cannot be created, read or is damaged.
    """

    def __init__(self, location: str | os.PathLike[str], *, busy_seconds: float | None = None) -> None:
        self.location = os.fspath(location)
        self.busy_seconds = BUSY_SECONDS if busy_seconds is None else busy_seconds
        self.path: Path | None = None
        self._closed = False
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()
        is_url = isinstance(location, str) and "://" in location
        if is_url:
            self.engine = create_engine(location)
        elif self.location == ":memory:":
            self.engine = _sqlite_engine(":memory:", self)
        else:
            self.path = absolute(location)
            if not identify(self.path, self.location):
                self._create()
            self.engine = _sqlite_engine(str(self.path), self)
            register_workspace(self.path)
        _LIVE.add(self)
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection inside one write transaction; commit on success, roll back on error.

        On SQLite the transaction holds the write lock from its start (``BEGIN IMMEDIATE``), so
        reads inside it see the latest data and no other writer can change it before commit.
        """
        with self._errors(), self.engine.connect() as conn:
            conn.execution_options(workbench_write=True)
            with conn.begin():
                yield conn
        self._checkpoint_soon()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection for reading: one consistent snapshot until the block ends."""
        with self._errors(), self.engine.connect() as conn:
            yield conn

    def require_writable(self) -> None:
        """Fail now, with one line, if nothing can be written (a read-only file, a full or busy disk).

        Raises:
            StoreIOError: the workspace cannot take a write transaction.
        """
        with self.transaction() as conn:
            # BEGIN IMMEDIATE succeeds on a read-only file; a statement that would write does not
            conn.execute(delete(s.schema_migrations).where(false()))

    def schema_version(self) -> int:
        with self.read() as conn:
            return _current_version(conn)

    # -- the file -------------------------------------------------------------------------
    def checkpoint(self, *, truncate: bool = True) -> None:
        """Fold the write-ahead log into the database file (the ``.sqlite`` alone is then complete).

        Args:
            truncate: also empty the log file, waiting briefly for other writers (at close);
                otherwise copy what no reader still needs without waiting for anyone.
        Never raises: a checkpoint that cannot run (a full disk, a reader) leaves the data safe
        in the log, where the next opening finds it.
        """
        if self.path is None or self._closed:
            return
        try:
            raw = self.engine.raw_connection()
            try:
                mode = "TRUNCATE" if truncate else "PASSIVE"
                raw.driver_connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
            finally:
                raw.close()
        except Exception:  # noqa: BLE001 - see docstring
            pass

    def _checkpoint_soon(self) -> None:
        """After a write: checkpoint ``CHECKPOINT_DELAY`` s later, off the caller's path (one
        pending checkpoint at a time, so a long burst of writes is folded in as it goes)."""
        if self.path is None or self._closed:
            return
        with self._timer_lock:
            if self._timer is not None and self._timer.is_alive():
                return
            self._timer = threading.Timer(CHECKPOINT_DELAY, self.checkpoint, kwargs={"truncate": False})
            self._timer.daemon = True
            self._timer.start()

    def save_copy(self, dest: str | os.PathLike[str]) -> Path:
        """Write a consistent copy of the workspace to a new file, while others may write.

        Uses SQLite's online backup in one step: a single snapshot, whole or nothing.

        Args:
            dest: the new file; it must not exist.
        Returns:
            The copy's path as given.
        Raises:
            StoreError: not a file workspace, or ``dest`` exists or is refused as an output.
            StoreIOError: the copy could not be written (nothing is left behind).
        """
        if self.path is None:
            raise StoreError(f"{self.location}: only a workspace file can be copied")
        target = Path(dest)
        absolute_target = check_output(dest)
        if absolute_target.exists() or absolute_target.is_symlink():
            raise StoreError(f"{dest}: already exists; choose a new name for the copy")
        tmp: str | None = None
        try:
            absolute_target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=absolute_target.parent)
            os.close(fd)
            raw = self.engine.raw_connection()
            try:
                copy = sqlite3.connect(tmp, isolation_level=None)
                try:
                    with self._errors():
                        raw.driver_connection.backup(copy)
                    copy.execute("PRAGMA journal_mode=DELETE").fetchall()  # one self-contained file
                finally:
                    copy.close()
            finally:
                raw.close()
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            _link_into_place(tmp, absolute_target)
        except OSError as exc:
            raise StoreIOError(f"{dest}: cannot write the copy ({os_problem(exc)})") from None
        except sqlite3.Error as exc:
            raise StoreIOError(f"{dest}: cannot write the copy ({sqlite_problem(exc, self.busy_seconds) or exc})") from None
        finally:
            if tmp is not None:
                _remove_quietly(tmp)
        return target

    def close(self) -> None:
        """Checkpoint (the ``.sqlite`` alone is then complete) and release the file."""
        if self._closed:
            return
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
        self.checkpoint()
        self._closed = True
        self.engine.dispose()
        if self.path is not None:
            unregister_workspace(self.path)

    # -- internals ------------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the database's busy / full / read-only / damaged conditions into one-line errors."""
        try:
            yield
        except (DBAPIError, sqlite3.Error) as exc:
            problem = sqlite_problem(exc, self.busy_seconds)
            if problem is None:
                raise
            raise StoreIOError(f"{self.location}: {problem}") from exc

    def _create(self) -> None:
        """Build a new workspace in a temporary file beside the target, then link it into place."""
        assert self.path is not None
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".new", dir=self.path.parent)
            os.close(fd)
            self.engine = _sqlite_engine(tmp, self)
            try:
                with self._errors():
                    self._migrate()
            finally:
                self.checkpoint()
                self.engine.dispose()
            _link_into_place(tmp, self.path)
        except FileExistsError:
            pass  # another process created it meanwhile: open theirs
        except OSError as exc:
            raise StoreIOError(f"{self.location}: cannot create the workspace ({os_problem(exc)})") from None
        finally:
            if tmp is not None:
                _remove_quietly(tmp)

    def _migrate(self) -> None:
        latest = MIGRATIONS[-1].version
        with self.read() as conn:
            current = _current_version(conn) if self.engine.dialect.has_table(conn, "schema_migrations") else 0
        if current > latest:
            raise StoreError(
                f"{self.location}: workspace schema version {current} is newer than this "
                f"workbench knows ({latest}); upgrade the workbench"
            )
        while current < latest:
            with self.transaction() as conn:  # one step per transaction, rechecked under the lock
                if not self.engine.dialect.has_table(conn, "schema_migrations"):
                    s.schema_migrations.create(conn)
                current = _current_version(conn)
                pending = [m for m in MIGRATIONS if m.version > current]
                if not pending:
                    break
                migration = pending[0]
                migration.apply(conn)
                conn.execute(insert(s.schema_migrations).values(
                    version=migration.version, description=migration.description, applied_at=now()))
                current = migration.version


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
    return conn.execute(select(func.coalesce(func.max(s.schema_migrations.c.version), 0))).scalar_one()


def identify(path: Path, shown: str) -> bool:
    """Whether ``path`` is an existing workbench workspace (False: it does not exist yet).

    Raises:
        StoreError: a directory, an empty file, a file that is not a database, or another
            application's SQLite database. Nothing is written to it.
    """
    if not path.exists():
        return False
    if path.is_dir():
        raise StoreError(f"{shown}: is a directory, not a workspace file")
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


def _sqlite_engine(filename: str, store: Store) -> Engine:
    """An engine over one SQLite file, opened by path (never as a URL), with our own BEGINs."""
    memory = filename == ":memory:"

    def connect() -> sqlite3.Connection:
        # isolation_level=None: pysqlite issues no BEGIN of its own; the "begin" event does.
        return connect_sqlite(filename, timeout=_BUSY_SLICE_MS / 1000)

    engine = create_engine("sqlite://", creator=connect,
                           poolclass=StaticPool if memory else QueuePool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        _with_retry(lambda: _set_pragmas(dbapi_conn, memory or _read_only_media(filename)), store.busy_seconds)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        dbapi_conn = conn.connection.dbapi_connection
        if conn.get_execution_options().get("workbench_write"):
            _with_retry(lambda: dbapi_conn.execute("BEGIN IMMEDIATE"), store.busy_seconds)
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


def _with_retry(action: Any, seconds: float) -> Any:
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


def _link_into_place(tmp: str, target: Path) -> None:
    """Give the finished file ``tmp`` the name ``target`` unless that name exists.

    Raises:
        FileExistsError: ``target`` exists (it is left alone).
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)


def _remove_quietly(path: str) -> None:
    for name in (path, *(path + suffix for suffix in SIDECARS)):
        try:
            os.unlink(name)
        except OSError:
            pass


@atexit.register
def _close_all() -> None:
    """At interpreter (and kernel) exit, checkpoint and close every open workspace."""
    for store in list(_LIVE):
        try:
            store.close()
        except Exception:  # noqa: BLE001 - exiting anyway; the data is safe in the log
            pass
