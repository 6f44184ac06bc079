"""Copying a workspace between backends: SQLite file ⇄ PostgreSQL database, losslessly.

A copy keeps every row as it is: article ids and texts (so their hashes), sources and
grades, mentions, analyses, ratings, entity corrections, and the audit log with its event
ids, so undo / redo replay on the copy exactly as on the original and ``workbench workspace
check`` passes on both ends.

The source is read in one snapshot while others may write. The destination is built in one
write transaction (schema steps, then rows), so it is whole or absent:

- a file: built under a temporary name beside it and linked into place; an existing file is
  refused (SQLite → SQLite uses SQLite's online backup, ``Store.save_copy``);
- a PostgreSQL database: it must exist and hold no workspace data (an empty database, or an
  empty workspace); anything else is refused before a single write, and a failed copy rolls
  back to what was there.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, func, insert, inspect, select, text, update

from . import schema as s
from ._rows import bulk_insert, now
from ._store import Store
from .migrations import MIGRATIONS
from .search import rebuild_index
from .postgres import is_url, parse_url, postgres_engine, postgres_problem, shown_url
from .sqlite import sqlite_engine, sqlite_problem
from .._paths import check_output, os_problem, staged_file
from ..errors import StoreError, StoreIOError

__all__ = ["copy_workspace", "COPIED_TABLES"]

COPIED_TABLES: tuple[Table, ...] = (
    s.sources, s.articles, s.article_bands, s.mentions, s.nlp_runs, s.audit_log,
    s.analyses, s.hypotheses, s.evidence, s.ratings, s.entity_rules, s.indicators, s.alerts,
    s.workspace_settings,
)
"""Every workspace table but ``schema_migrations``, parents before the rows that refer to them."""
_SERIAL = ("sources", "mentions", "audit_log", "entity_rules")  # numbered by the database
_BATCH = 2000


def copy_workspace(src: Store, dest: str | os.PathLike[str]) -> Path | str:
    """Copy the workspace ``src`` to ``dest``, a new file or an empty PostgreSQL database.

    Args:
        src: the open workspace to copy (others may write to it meanwhile).
        dest: a file path that does not exist, or a ``postgresql+psycopg://`` URL.
    Returns:
        The copy's path as given, or the database's URL without its password.
    Raises:
        StoreError: the destination is refused (it exists, holds data, is another
            application's); nothing was written to it.
        StoreIOError: the copy could not be written (nothing is left behind).
    """
    if is_url(dest):
        url = parse_url(str(dest))
        if url.get_backend_name() != "postgresql":
            raise StoreError(f"{shown_url(url)}: copy to a SQLite file by its path, not a sqlite:// URL")
        _copy_to_server(src, url)
        return shown_url(url)
    if src.dialect == "sqlite" and src.path is not None:
        return src.save_copy(dest)
    _copy_to_file(src, dest)
    return Path(dest)


def _copy_to_server(src: Store, url: Any) -> None:
    shown = shown_url(url)
    try:
        _write_into(postgres_engine(url, lambda: src.busy_seconds), src,
                    check=lambda conn: _refuse_unless_empty(conn, shown))
    except Exception as exc:  # noqa: BLE001 - the driver's errors, as one line naming the destination
        problem = postgres_problem(exc, src.busy_seconds)
        if problem is None:
            raise
        raise StoreIOError(f"{shown}: {problem}") from None


def _copy_to_file(src: Store, dest: str | os.PathLike[str]) -> None:
    shown = os.fspath(dest)
    target = check_output(dest)
    if target.exists() or target.is_symlink():
        raise StoreError(f"{shown}: already exists; choose a new name for the copy")
    try:
        with staged_file(target, overwrite=False, suffix=".new") as tmp:
            _write_into(sqlite_engine(tmp, lambda: src.busy_seconds), src)
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=DELETE").fetchall()  # one self-contained file
            finally:
                db.close()
    except FileExistsError:
        raise StoreError(f"{shown}: already exists; choose a new name for the copy") from None
    except OSError as exc:
        raise StoreIOError(f"{shown}: cannot write the copy ({os_problem(exc)})") from None
    except sqlite3.Error as exc:
        raise StoreIOError(f"{shown}: cannot write the copy ({sqlite_problem(exc) or exc})") from None


def _write_into(engine: Any, src: Store, *, check: Callable[[Connection], None] | None = None) -> None:
    """Build the copy of ``src`` through ``engine`` in one write transaction, then release it;
    ``check`` runs first, inside the transaction (a refusal writes nothing)."""
    try:
        with engine.connect() as conn:
            conn.execution_options(workbench_write=True)
            with conn.begin():
                if check is not None:
                    check(conn)
                _build(conn, src)
    finally:
        engine.dispose()


def _refuse_unless_empty(conn: Connection, shown: str) -> None:
    """Refuse a database that holds anything but an empty workspace (read only: nothing written)."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return
    if "schema_migrations" not in tables:
        listed = ", ".join(sorted(tables)[:8])
        raise StoreError(f"{shown}: another application's database ({listed}); nothing was copied into it")
    held = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in COPIED_TABLES if t.name in tables}
    held = {name: count for name, count in held.items() if count}
    if held:
        listed = ", ".join(f"{count} {name}" for name, count in held.items())
        raise StoreError(f"{shown}: not empty ({listed}); copy into a new, empty database. "
                         "Nothing was changed")


def _build(conn: Connection, src: Store) -> None:
    """Bring the destination's schema to the latest step and copy every row, in the caller's
    transaction."""
    _migrate_in(conn)
    with src.read() as source:
        for table in COPIED_TABLES:
            _copy_rows(source, conn, table)
    rebuild_index(conn)  # the search index is derived from the articles: built anew, in the backend's own form
    if conn.dialect.name == "postgresql":
        for name in _SERIAL:  # the next number the database gives follows the copied ones
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name} "
                              "HAVING max(id) IS NOT NULL"))


def _migrate_in(conn: Connection) -> None:
    if not conn.dialect.has_table(conn, "schema_migrations"):
        s.schema_migrations.create(conn)
    current = conn.execute(select(func.coalesce(func.max(s.schema_migrations.c.version), 0))).scalar_one()
    for migration in MIGRATIONS:
        if migration.version > current:
            migration.apply(conn)
            conn.execute(insert(s.schema_migrations).values(
                version=migration.version, description=migration.description, applied_at=now()))


def _copy_rows(source: Connection, dest: Connection, table: Table) -> None:
    """Stream one table's rows across in batches. An article naming the one it copies gets that
    link once every article is in (the original may come later in the stream)."""
    columns = tuple(c.name for c in table.columns)
    links: list[tuple[str, str]] = []
    result = source.execution_options(stream_results=True).execute(select(table).order_by(*table.primary_key))
    at = columns.index("copy_of") if table is s.articles else None
    for batch in result.partitions(_BATCH):
        rows = [tuple(row) for row in batch]
        if at is not None:
            links += [(row[0], row[at]) for row in rows if row[at] is not None]
            rows = [row[:at] + (None,) + row[at + 1:] for row in rows]
        bulk_insert(dest, table, columns, rows)
    for article_id, original in links:
        dest.execute(update(s.articles).where(s.articles.c.id == article_id).values(copy_of=original))
