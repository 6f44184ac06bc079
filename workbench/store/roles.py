"""Roles on a PostgreSQL workspace: a viewer reads, an analyst works on analyses.

``grant(url, role, kind)`` creates the role when it does not exist (a LOGIN role without a
password: the server's administrator sets one with psql's ``\\password``, or the server trusts
its own authentication; the workbench never stores a password) and grants it:

- viewer: connect, and SELECT on every workspace table;
- analyst: what a viewer has, and the writes an analyst makes: analyses, hypotheses,
  evidence and ratings (insert, update, delete); entity corrections and the mentions they add;
  grading sources; ingesting articles (insert only); appending to the audit log. No UPDATE of
  articles at all (their text is immutable anyway) and no UPDATE / DELETE / TRUNCATE of the audit
  log (the change log undo replays): the server refuses those before the guard triggers would.

Neither role can change the schema: nothing here grants CREATE, and ``CREATE`` on the public
schema is revoked from PUBLIC (PostgreSQL 15 does that for new databases; older ones did not).
Grants are not audited: they are the server's business, listed by ``\\dp`` in psql.

Tables a later migration adds: the grant also sets the workspace owner's *default privileges*
(``ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA public``), so every table and sequence the
owner creates afterwards, as an upgrade does when the owner opens the workspace with a newer
workbench, is readable by both kinds at once, and writable by an analyst (SELECT, INSERT,
UPDATE, DELETE on the table, USAGE and SELECT on its sequence). Nothing has to remember to
re-grant, and no role is locked out of a new table between the upgrade and the next grant.
Granting again gives a table ``privileges`` does not name those same rights, so a grant made
before or after an upgrade ends the same. A later table an analyst must not change says so in
the migration step that makes it (a guard trigger, as on the audit log) and here, in
``_ANALYST`` or ``_READ_ONLY``. The owner is the owner of ``schema_migrations``: upgrade as
that role (default privileges apply to the tables that role creates).
"""
from __future__ import annotations

from typing import Literal

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from ..errors import StoreError, StoreIOError
from .postgres import is_url, parse_url, postgres_problem, shown_url

__all__ = ["grant", "KINDS", "privileges"]

KINDS = ("viewer", "analyst")
# table -> privileges an analyst holds beyond SELECT
_ANALYST: dict[str, str] = {
    "analyses": "INSERT, UPDATE, DELETE",
    "hypotheses": "INSERT, UPDATE, DELETE",
    "evidence": "INSERT, UPDATE, DELETE",
    "ratings": "INSERT, UPDATE, DELETE",
    "entity_rules": "INSERT, UPDATE",
    "mentions": "INSERT, DELETE",
    "audit_log": "INSERT",
    "sources": "INSERT, UPDATE (reliability, graded, notes, domain)",
    "articles": "INSERT",
    "article_bands": "INSERT",
    "article_search": "INSERT",  # the search index, written with each new article
    "nlp_runs": "INSERT",
    "indicators": "INSERT, UPDATE, DELETE",   # an analysis's indicators (schema step 12)
    "alerts": "INSERT, UPDATE",               # raised on ingest, accepted or dismissed
    "workspace_settings": "INSERT, UPDATE",   # when the last report was written
}
_READ_ONLY = ("schema_migrations",)  # tables an analyst only reads, beyond _ANALYST's lists
_SEQUENCES = ("audit_log_id_seq", "entity_rules_id_seq", "mentions_id_seq", "sources_id_seq")
# what each kind gets on tables and sequences created after the grant (ALTER DEFAULT PRIVILEGES)
_FUTURE_TABLES = {"viewer": "SELECT", "analyst": "SELECT, INSERT, UPDATE, DELETE"}
_FUTURE_SEQUENCES = {"viewer": None, "analyst": "USAGE, SELECT"}


def privileges(kind: str) -> dict[str, str]:
    """What ``kind`` may do beyond reading, table by table (empty for a viewer).

    Args:
        kind: ``viewer`` or ``analyst``.
    Returns:
        Table name → privileges, as SQL.
    """
    return dict(_ANALYST) if kind == "analyst" else {}


def grant(location: str, role: str, kind: Literal["viewer", "analyst"]) -> list[str]:
    """Create ``role`` if needed and grant it ``kind``'s rights on the workspace at ``location``.

    Args:
        location: the workspace's URL, as a user who may create roles and grant on its tables
            (the database's owner or a superuser).
        role: the role (a person's login, or a group that logins join).
        kind: ``viewer`` or ``analyst``.
    Returns:
        The statements run, in order (for the command to print).
    Raises:
        StoreError: not a PostgreSQL workspace, a bad role name or kind, the workspace's owner
            or a superuser as ``role``.
        StoreIOError: the server refused (no right to create roles or grant) or cannot be reached.
    """
    if kind not in KINDS:
        raise StoreError(f"{kind!r}: not a role kind (viewer or analyst)")
    if not role or len(role) > 63 or "\x00" in role:
        raise StoreError(f"{role!r}: not a role name (1-63 characters)")
    if not is_url(location):
        raise StoreError(f"{location}: roles are for a PostgreSQL workspace (postgresql+psycopg://user@host/db); "
                         "a SQLite file has its file permissions")
    url = parse_url(location)
    shown = shown_url(url)
    if url.get_backend_name() != "postgresql":
        raise StoreError(f"{shown}: roles are for a PostgreSQL workspace; a SQLite file has its file permissions")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT to_regclass('schema_migrations')")).scalar() is None:
                raise StoreError(f"{shown}: not a workbench workspace (open or copy a workspace there first)")
            statements = _statements(conn, role, kind)
            for statement in statements:
                conn.execute(text(statement))
        return statements
    except DBAPIError as exc:
        problem = postgres_problem(exc, 0) or " ".join(str(exc.orig).split())
        raise StoreIOError(f"{shown}: cannot grant {kind} to {role}: {problem}") from None
    finally:
        engine.dispose()


def _statements(conn: Connection, role: str, kind: str) -> list[str]:
    quote = conn.dialect.identifier_preparer.quote_identifier
    who = quote(role)
    database = quote(conn.execute(text("SELECT current_database()")).scalar_one())
    owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                              "AND tablename = 'schema_migrations'")).scalar_one()
    found = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if role == owner or (found is not None and found[0]):
        # revoking "all" below would strip the owner of its own tables
        raise StoreError(f"{role}: the workspace's owner or a superuser already holds every right; "
                         "grant a role of its own")
    exists = found is not None
    tables = [name for (name,) in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))]
    out = [] if exists else [f"CREATE ROLE {who} LOGIN"]
    out += [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {who}",
        f"GRANT USAGE ON SCHEMA public TO {who}",
        # a role granted again (viewer → analyst or back) gets exactly the new kind's rights
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {who}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {who}",
    ]
    for table, rights in privileges(kind).items():
        if table in tables:
            out.append(f"GRANT {rights} ON {quote(table)} TO {who}")
    if kind == "analyst":
        # a table a later step added that neither list names: what the default privileges gave it
        later = [t for t in tables if t not in _ANALYST and t not in _READ_ONLY]
        out += [f"GRANT {_FUTURE_TABLES[kind]} ON {quote(t)} TO {who}" for t in later]
        sequences = {name for (name,) in conn.execute(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))}
        out += [f"GRANT USAGE ON SEQUENCE {quote(name)} TO {who}" for name in _SEQUENCES if name in sequences]
        out += [f"GRANT {_FUTURE_SEQUENCES[kind]} ON SEQUENCE {quote(name)} TO {who}"
                for name in sorted(sequences - set(_SEQUENCES))]
    # tables and sequences the owner creates later (a migration step) come with the kind's rights
    future = f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public"
    out += [f"{future} REVOKE ALL ON TABLES FROM {who}", f"{future} REVOKE ALL ON SEQUENCES FROM {who}",
            f"{future} GRANT {_FUTURE_TABLES[kind]} ON TABLES TO {who}"]
    if _FUTURE_SEQUENCES[kind]:
        out.append(f"{future} GRANT {_FUTURE_SEQUENCES[kind]} ON SEQUENCES TO {who}")
    return out
