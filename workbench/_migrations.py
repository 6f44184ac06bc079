"""Numbered schema steps. A workspace records each step it has taken in schema_migrations.

Append new steps at the end; never edit a released one. Each runs in one transaction.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import Connection, text

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


def _v4_unique_evidence_labels(conn: Connection) -> None:
    """One evidence label (E1, E2…) per item: a unique (analysis, position) index.

    Two processes adding evidence at once could once give two items one position. Those that
    share a label with an earlier item move to the end of their analysis, as one audited
    change by "workbench" per analysis, so the audit log still replays to the tables.
    """
    rows = conn.execute(text("SELECT id, analysis_id, position FROM evidence "
                             "ORDER BY analysis_id, position, created_at, id")).all()
    top: dict[str, int] = {}
    seen: set[tuple[str, int]] = set()
    moves: dict[str, list[str]] = {}
    for eid, aid, position in rows:
        top[aid] = max(top.get(aid, 0), position)
        if (aid, position) in seen:
            moves.setdefault(aid, []).append(eid)
        seen.add((aid, position))
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for aid, ids in moves.items():
        ops = []
        for eid in ids:
            before = dict(conn.execute(text("SELECT * FROM evidence WHERE id = :id"), {"id": eid}).mappings().one())
            top[aid] += 1
            conn.execute(text("UPDATE evidence SET position = :p WHERE id = :id"), {"p": top[aid], "id": eid})
            ops.append({"table": "evidence", "before": before, "after": {**before, "position": top[aid]}})
        conn.execute(s.audit_log.insert().values(
            at=stamp, actor="workbench", action="change", target_type="analysis", target_id=aid,
            after=json.dumps({"label": "give evidence that shared a label its own", "ops": ops},
                             ensure_ascii=False, default=str)))
    conn.execute(text("DROP INDEX IF EXISTS ix_evidence_analysis"))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_evidence_position ON evidence (analysis_id, position)"))


MIGRATIONS: list[Migration] = [
    Migration(1, "sources, articles, mentions, nlp runs, audit log", _v1_core),
    Migration(2, "analyses, hypotheses, evidence, ratings", _v2_analyses),
    Migration(3, "analyst corrections to entities", _v3_entity_rules),
    Migration(4, "one evidence label per item (unique position in an analysis)", _v4_unique_evidence_labels),
]
