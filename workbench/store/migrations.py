"""Numbered schema steps. A workspace records each step it has taken in schema_migrations.
Steps 1-8 live in ``_early_steps``; this module holds the later ones and the list.

Append new steps at the end; never edit a released one. Each runs in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Connection, text

from . import schema as s
from ._early_steps import (v1_core, v2_analyses, v3_entity_rules, v4_dependence, v5_anchor_methods, v6_evidence_type,
                           v7_unique_evidence_labels, v8_analyst_ratings)
from .search import rebuild_index


class Migration(NamedTuple):
    version: int
    description: str
    apply: Callable[[Connection], None]


_PG_GUARDS = """
CREATE OR REPLACE FUNCTION workbench_article_text_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.text IS DISTINCT FROM OLD.text OR NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
        RAISE EXCEPTION 'article text is immutable' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION workbench_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'P0001';
END $$;
DROP TRIGGER IF EXISTS articles_text_immutable ON articles;
CREATE TRIGGER articles_text_immutable BEFORE UPDATE OF text, content_hash ON articles
    FOR EACH ROW EXECUTE FUNCTION workbench_article_text_immutable();
DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION workbench_audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION workbench_audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION workbench_audit_log_append_only();
"""


def _v9_postgres_guards(conn: Connection) -> None:
    """PostgreSQL: the database enforces what SQLite's step-1 triggers enforce there.

    Article text and its hash never change; the audit log (the change log undo replays) is
    append-only: no UPDATE, DELETE or TRUNCATE. PL/pgSQL, replaced in place when re-run.
    Nothing to do on SQLite, whose triggers came with step 1.
    """
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(_PG_GUARDS)


# What ``Workspace.articles`` lists, in its order: SQLite can answer from this index alone
# instead of reading every article row (whose leading pages hold part of the text).
LISTING_COLUMNS = ("ingested_at", "id", "title", "source_id", "url", "published", "language", "words", "copy_of")
# The same, with each article's author (step 13): the list views show the byline.
LISTING_COLUMNS_13 = LISTING_COLUMNS + ("author",)


def _v10_article_listing(conn: Connection) -> None:
    """A covering index for listing articles (100,000 articles listed in under a second).

    SQLite only: PostgreSQL keeps long text out of line already, and its B-tree index rows
    have a size limit that a long title or URL could pass.
    """
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_articles_listing ON articles ({', '.join(LISTING_COLUMNS)})"))


def _v11_search_index(conn: Connection) -> None:
    """The full-text search index (``store.search``), built for the articles already stored.

    Safe to re-run: the index is emptied and built again. On PostgreSQL, the logins already
    granted reading or ingesting articles (``workbench workspace grant``) may do the same with
    the index, which every search reads and every ingest writes.
    """
    rebuild_index(conn)
    if conn.dialect.name == "postgresql":
        grants = conn.execute(text(
            "SELECT DISTINCT grantee, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'articles' AND privilege_type IN ('SELECT', 'INSERT') AND grantee <> current_user")).all()
        quote = conn.dialect.identifier_preparer.quote
        for grantee, privilege in grants:
            conn.execute(text(f"GRANT {privilege} ON article_search TO {quote(grantee)}"))


def _v12_indicators(conn: Connection) -> None:
    """Indicators, the alerts they raise on ingest, and workspace settings (the last report's time).

    Safe to re-run (tables made only when missing). On PostgreSQL, the logins already granted
    ingesting articles may record alerts, and those granted writing analyses may write
    indicators and decide alerts; readers of articles may read all three.
    """
    for table in (s.indicators, s.alerts, s.workspace_settings):
        table.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        quote = conn.dialect.identifier_preparer.quote
        grants = conn.execute(text(
            "SELECT DISTINCT grantee, table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name IN ('articles', 'analyses') AND privilege_type IN ('SELECT', 'INSERT') "
            "AND grantee <> current_user")).all()
        for grantee, table, privilege in grants:
            if privilege == "SELECT":
                rights = {"indicators": "SELECT", "alerts": "SELECT", "workspace_settings": "SELECT"}
            elif table == "articles":
                rights = {"alerts": "INSERT"}
            else:
                rights = {"indicators": "INSERT, UPDATE, DELETE", "alerts": "UPDATE",
                          "workspace_settings": "INSERT, UPDATE"}
            for name, what in rights.items():
                conn.execute(text(f"GRANT {what} ON {name} TO {quote(grantee)}"))


def _v13_listing_author(conn: Connection) -> None:
    """The listing's covering index rebuilt to hold each article's author (SQLite only, as step 10).

    Safe to re-run: the index is dropped and made again. Without the author in it, listing
    articles with their authors would read every article row again (its leading pages hold
    part of the text).
    """
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP INDEX IF EXISTS ix_articles_listing"))
        conn.execute(text(f"CREATE INDEX ix_articles_listing ON articles ({', '.join(LISTING_COLUMNS_13)})"))


def _v14_alert_passage_on_read(conn: Connection) -> None:
    """Alerts are recorded without a passage (found when read): their start and end may be NULL.

    Safe to re-run: nothing is done where the columns already allow NULL. SQLite cannot drop a
    NOT NULL, so the table is made again under the current schema and its rows copied (in this
    step's transaction; nothing references an alert's row).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text('ALTER TABLE alerts ALTER COLUMN start DROP NOT NULL, ALTER COLUMN "end" DROP NOT NULL'))
        return
    columns = conn.execute(text("PRAGMA table_info(alerts)")).all()  # (cid, name, type, notnull, default, pk)
    if not any(name == "start" and notnull for _, name, _, notnull, _, _ in columns):
        return
    names = ", ".join(f'"{column.name}"' for column in s.alerts.columns)
    conn.execute(text("ALTER TABLE alerts RENAME TO alerts_before_14"))
    for index in s.alerts.indexes:  # their names moved with the old table
        conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    s.alerts.create(conn)
    conn.execute(text(f"INSERT INTO alerts ({names}) SELECT {names} FROM alerts_before_14"))
    conn.execute(text("DROP TABLE alerts_before_14"))


MIGRATIONS: list[Migration] = [
    Migration(1, "sources, articles, mentions, nlp runs, audit log", v1_core),
    Migration(2, "analyses, hypotheses, evidence, ratings", v2_analyses),
    Migration(3, "analyst corrections to entities", v3_entity_rules),
    Migration(4, "evidence origins, scoring settings and confidence override", v4_dependence),
    Migration(5, "evidence anchors: how each was found (exact, fuzzy, orphaned) and its score", v5_anchor_methods),
    Migration(6, "evidence type (PARC ACH's TYPE: HUMINT, OSINT, ...)", v6_evidence_type),
    Migration(7, "one evidence label per item (unique position in an analysis)", v7_unique_evidence_labels),
    Migration(8, "each analyst's own ratings (the analyst joins the key of ratings)", v8_analyst_ratings),
    Migration(9, "PostgreSQL: article text immutable and audit log append-only (PL/pgSQL triggers)",
              _v9_postgres_guards),
    Migration(10, "a covering index for listing articles (SQLite)", _v10_article_listing),
    Migration(11, "full-text search index (SQLite FTS5, PostgreSQL tsvector), built for stored articles",
              _v11_search_index),
    Migration(12, "indicators, the alerts they raise on ingest, workspace settings", _v12_indicators),
    Migration(13, "the listing's covering index holds each article's author (SQLite)", _v13_listing_author),
    Migration(14, "alerts recorded without a passage (found when read): start and end may be NULL",
              _v14_alert_passage_on_read),
]
