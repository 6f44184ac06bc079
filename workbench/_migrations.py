"""Numbered schema steps. A workspace records each step it has taken in schema_migrations.

Append new steps at the end; never edit a released one. Each runs in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Connection, inspect, text

from . import _schema as s


class Migration(NamedTuple):
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_core(conn: Connection) -> None:
    for table in (s.sources, s.articles, s.article_bands, s.nlp_runs, s.audit_log):
        table.create(conn)
    # mentions as the first release shaped it (rule_id came with step 3)
    conn.execute(text(
        'CREATE TABLE mentions (id INTEGER PRIMARY KEY, article_id VARCHAR(16) NOT NULL '
        'REFERENCES articles (id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL, '
        'label VARCHAR(40) NOT NULL, text TEXT NOT NULL, canonical TEXT NOT NULL, origin VARCHAR(16) NOT NULL, '
        'fingerprint VARCHAR(40) NOT NULL, CONSTRAINT ck_mentions_span CHECK ("end" > start AND start >= 0))'
    ))
    conn.execute(text("CREATE INDEX ix_mentions_article ON mentions (article_id, start)"))
    conn.execute(text("CREATE INDEX ix_mentions_canonical ON mentions (canonical)"))
    if conn.dialect.name == "sqlite":
        # Evidence anchors depend on article text never changing, and the audit log is
        # append-only; the database itself enforces both.
        conn.execute(text(
            "CREATE TRIGGER articles_text_immutable BEFORE UPDATE OF text, content_hash ON articles "
            "BEGIN SELECT RAISE(ABORT, 'article text is immutable'); END"
        ))
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        ))
        conn.execute(text(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        ))


def _v2_analyses(conn: Connection) -> None:
    for table in (s.analyses, s.hypotheses, s.evidence, s.ratings):
        table.create(conn)


def _v3_entity_rules(conn: Connection) -> None:
    s.entity_rules.create(conn)
    conn.execute(text("ALTER TABLE mentions ADD COLUMN rule_id INTEGER"))


def _add_columns(conn: Connection, table: str, columns: dict[str, str]) -> None:
    """Add the columns a table lacks (a workspace created after this step already has them)."""
    present = {c["name"] for c in inspect(conn).get_columns(table)}
    for name, ddl in columns.items():
        if name not in present:
            conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{name}" {ddl}'))


def _v4_dependence(conn: Connection) -> None:
    _add_columns(conn, "analyses", {"settings": "TEXT", "confidence": "VARCHAR(10)", "confidence_note": "TEXT",
                                    "confidence_by": "VARCHAR(200)"})
    _add_columns(conn, "evidence", {"origin": "TEXT"})
    _add_columns(conn, "sources", {"graded": "INTEGER NOT NULL DEFAULT 0"})
    # a source counts as graded once the audit log shows an analyst grading it
    conn.execute(text("UPDATE sources SET graded = 1 WHERE CAST(id AS TEXT) IN (SELECT target_id FROM audit_log "
                      "WHERE target_type = 'source' AND action = 'grade')"))


MIGRATIONS: list[Migration] = [
    Migration(1, "sources, articles, mentions, nlp runs, audit log", _v1_core),
    Migration(2, "analyses, hypotheses, evidence, ratings", _v2_analyses),
    Migration(3, "analyst corrections to entities", _v3_entity_rules),
    Migration(4, "evidence origins, scoring settings and confidence override", _v4_dependence),
]
