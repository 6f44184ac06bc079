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


def _v4_evidence_type(conn: Connection) -> None:
    # Step 2 creates the evidence table from the current schema, so a workspace made by this
    # release already has the column; one made before gains it here.
    if "evidence_type" not in {column["name"] for column in inspect(conn).get_columns("evidence")}:
        conn.execute(text("ALTER TABLE evidence ADD COLUMN evidence_type TEXT"))


MIGRATIONS: list[Migration] = [
    Migration(1, "sources, articles, mentions, nlp runs, audit log", _v1_core),
    Migration(2, "analyses, hypotheses, evidence, ratings", _v2_analyses),
    Migration(3, "analyst corrections to entities", _v3_entity_rules),
    Migration(4, "evidence type (PARC ACH's TYPE: HUMINT, OSINT, ...)", _v4_evidence_type),
]
