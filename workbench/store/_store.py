"""The workspace database: one SQLite file or a PostgreSQL database (by URL), migrated on open.

The backend follows the location: a path is a SQLite file (``sqlite``), a
``postgresql+psycopg://`` URL a server database (``postgres``: an advisory lock stands for
``BEGIN IMMEDIATE`` below, and the file's WAL, checkpoints and backup do not apply).

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
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, delete, false, func, insert, select
from sqlalchemy.exc import DBAPIError

from . import schema as s
from ._rows import now
from .migrations import MIGRATIONS
from .._paths import absolute, check_output, os_problem, register_workspace, staged_file, unregister_workspace
from .sqlite import BUSY_SECONDS, identify, sqlite_engine, sqlite_problem
from .postgres import (
    foreign_tables,
    is_url,
    parse_url,
    postgres_engine,
    postgres_problem,
    shown_url,
    writable_role,
)
from ..errors import StoreError, StoreIOError

__all__ = ["Store", "BUSY_SECONDS", "CHECKPOINT_DELAY"]

CHECKPOINT_DELAY = 0.5
"""Seconds after a write before its log is folded into the file (a checkpoint costs two fsyncs:
~10 ms here, against ~0.1 ms for a commit, so it runs off the edit's path, once per burst)."""
_LIVE: "weakref.WeakSet[Store]" = weakref.WeakSet()


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
        self._closing = False  # set at close: no new background checkpoint is scheduled
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()
        if is_url(location):
            url = parse_url(self.location)
            self.location = shown_url(url)  # shown in messages and reports: never the password
            if url.get_backend_name() == "postgresql":
                self.engine = postgres_engine(url, lambda: self.busy_seconds)
            else:
                self.engine = create_engine(url)
        elif self.location == ":memory:":
            self.engine = sqlite_engine(":memory:", lambda: self.busy_seconds)
        else:
            self.path = absolute(location)
            if not identify(self.path, self.location):
                self._create()
            self.engine = sqlite_engine(str(self.path), lambda: self.busy_seconds)
            register_workspace(self.path)
        _LIVE.add(self)
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    @property
    def dialect(self) -> str:
        """The database behind the workspace: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection inside one write transaction; commit on success, roll back on error.

        The transaction holds the write lock from its start (SQLite: ``BEGIN IMMEDIATE``;
        PostgreSQL: the workspace's advisory lock), so reads inside it see the latest data and
        no other writer can change it before commit.
        """
        with self._errors(), self.engine.connect() as conn:
            conn.execution_options(workbench_write=True)
            with conn.begin():
                yield conn
        self._checkpoint_soon()

    @contextmanager
    def read(self, *, snapshot: bool = True) -> Iterator[Connection]:
        """Yield a connection for reading: one consistent snapshot until the block ends.

        Args:
            snapshot: False for a block of ONE statement, which needs no snapshot around it: on
                PostgreSQL it then runs in autocommit, one round trip instead of four (BEGIN,
                SET TRANSACTION, the statement, ROLLBACK); an open widget's poll of the change
                feed reads this way every second.
        """
        with self._errors(), self.engine.connect() as conn:
            if not snapshot and self.dialect == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    def require_writable(self) -> None:
        """Fail now, with one line, if nothing can be written (a read-only file, a full or busy disk).

        Raises:
            StoreIOError: the workspace cannot take a write transaction.
        """
        with self.transaction() as conn:
            if self.dialect == "postgresql":
                # whoever may append to the audit log may write; a viewer role or a standby may not
                if not writable_role(conn):
                    raise StoreIOError(f"{self.location}: read-only for this login (a viewer, or a read-only "
                                       "server); nothing was changed")
                return
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
            if self._closing:
                return
            if self._timer is not None and self._timer.is_alive():
                return
            self._timer = threading.Timer(CHECKPOINT_DELAY, self.checkpoint, kwargs={"truncate": False})
            self._timer.daemon = True
            self._timer.start()

    def _stop_checkpoints(self) -> None:
        """Cancel the pending background checkpoint and wait for one already running.

        Called before the engine is disposed (at close, and before a new workspace's staging
        file is put in place): a checkpoint still running would keep its connection past the
        disposal, or open a new one on the disposed engine. On a staging file that connection
        then holds the file's deleted -wal and -shm, and SQLite shares one -shm per file in a
        process, so the workspace would run on a deleted index while other processes use the
        real one: two logs for one file, the cause of "database disk image is malformed".
        """
        with self._timer_lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            if timer is not threading.current_thread():
                timer.join()

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
        try:
            with staged_file(absolute_target, overwrite=False) as tmp:
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
        except OSError as exc:
            raise StoreIOError(f"{dest}: cannot write the copy ({os_problem(exc)})") from None
        except sqlite3.Error as exc:
            raise StoreIOError(f"{dest}: cannot write the copy ({sqlite_problem(exc, self.busy_seconds) or exc})") from None
        return target

    def close(self) -> None:
        """Checkpoint (the ``.sqlite`` alone is then complete) and release the file."""
        if self._closed:
            return
        with self._timer_lock:
            self._closing = True
        self._stop_checkpoints()
        try:
            self.checkpoint()
        finally:  # a failed checkpoint (a full disk) leaves the data safe in the log: let go of the file anyway
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
            problem = (postgres_problem(exc, self.busy_seconds) if self.dialect == "postgresql"
                       else sqlite_problem(exc, self.busy_seconds))
            if problem is None:
                raise
            raise StoreIOError(f"{self.location}: {problem}") from exc

    def _create(self) -> None:
        """Build a new workspace in a temporary file beside the target, then link it into place."""
        assert self.path is not None
        try:
            with staged_file(self.path, overwrite=False, suffix=".new") as tmp:
                self.engine = sqlite_engine(tmp, lambda: self.busy_seconds)
                try:
                    with self._errors():
                        self._migrate()
                finally:
                    self._stop_checkpoints()  # none may outlive this engine: its file is renamed next
                    self.checkpoint()
                    self.engine.dispose()
        except FileExistsError:
            pass  # another process created it meanwhile: open theirs
        except OSError as exc:
            raise StoreIOError(f"{self.location}: cannot create the workspace ({os_problem(exc)})") from None

    def _migrate(self) -> None:
        latest = MIGRATIONS[-1].version
        with self.read() as conn:
            current = _current_version(conn) if self.engine.dialect.has_table(conn, "schema_migrations") else 0
            foreign = foreign_tables(conn) if current == 0 and self.dialect == "postgresql" else []
        if foreign:
            listed = ", ".join(foreign[:8]) + (", …" if len(foreign) > 8 else "")
            raise StoreError(f"{self.location}: another application's database ({listed}), not a workbench "
                             "workspace; nothing was written to it")
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


def _current_version(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(s.schema_migrations.c.version), 0))).scalar_one()


@atexit.register
def _close_all() -> None:
    """At interpreter (and kernel) exit, checkpoint and close every open workspace."""
    for store in list(_LIVE):
        try:
            store.close()
        except Exception:  # noqa: BLE001 - exiting anyway; the data is safe in the log
            pass
