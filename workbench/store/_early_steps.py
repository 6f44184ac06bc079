"""Schema steps 1-8, released: the workspace of one analyst and then of several (articles,
analyses, entity corrections, evidence dependence, anchors, evidence types, unique labels, each
analyst's own ratings). ``migrations`` lists them; never edit a released step.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, inspect, text

from . import schema as s

__all__ = ["v1_core", "v2_analyses", "v3_entity_rules", "v4_dependence", "v5_anchor_methods", "v6_evidence_type", "v7_unique_evidence_labels", "v8_analyst_ratings"]


def v1_core(conn: Connection) -> None:
    for table in (s.sources, s.articles, s.article_bands, s.nlp_runs, s.audit_log):
        table.create(conn)
    # mentions as the first release shaped it (rule_id came with step 3)
    # an INTEGER PRIMARY KEY numbers itself on SQLite; PostgreSQL needs a sequence for that
    key = "INTEGER PRIMARY KEY" if conn.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    conn.execute(text(
        f'CREATE TABLE mentions (id {key}, article_id VARCHAR(16) NOT NULL '
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


def v2_analyses(conn: Connection) -> None:
    for table in (s.analyses, s.hypotheses):
        table.create(conn)
    # evidence as the second release shaped it (origins came with step 4, anchor methods with step 5)
    conn.execute(text(
        'CREATE TABLE evidence (id VARCHAR(16) NOT NULL, analysis_id VARCHAR(16) NOT NULL, '
        'kind VARCHAR(16) NOT NULL, article_id VARCHAR(16), start INTEGER, "end" INTEGER, exact TEXT, '
        'prefix TEXT, suffix TEXT, content_hash VARCHAR(64), note TEXT, analyst VARCHAR(200) NOT NULL, '
        'created_at VARCHAR(40) NOT NULL, updated_at VARCHAR(40) NOT NULL, event_date VARCHAR(40), '
        "report_date VARCHAR(40), credibility VARCHAR(6) DEFAULT 'Medium' NOT NULL, "
        "relevance VARCHAR(6) DEFAULT 'Medium' NOT NULL, info_credibility INTEGER, "
        "flags TEXT DEFAULT '[]' NOT NULL, position INTEGER DEFAULT '0' NOT NULL, PRIMARY KEY (id), "
        "CONSTRAINT ck_evidence_kind CHECK (kind IN ('quote','assumption','absence')), "
        "CONSTRAINT ck_evidence_credibility CHECK (credibility IN ('High','Medium','Low')), "
        "CONSTRAINT ck_evidence_relevance CHECK (relevance IN ('High','Medium','Low')), "
        "CONSTRAINT ck_evidence_info_cred CHECK (info_credibility IS NULL OR info_credibility BETWEEN 1 AND 6), "
        f"CONSTRAINT ck_evidence_quote_anchor CHECK ({_QUOTE_ANCHOR_V2}), "
        "FOREIGN KEY(analysis_id) REFERENCES analyses (id) ON DELETE CASCADE, "
        "FOREIGN KEY(article_id) REFERENCES articles (id))"
    ))
    conn.execute(text("CREATE INDEX ix_evidence_analysis ON evidence (analysis_id, position)"))
    conn.execute(text("CREATE INDEX ix_evidence_article ON evidence (article_id)"))
    # ratings as the second release shaped it (one per cell; the analyst joined the key with step 8)
    conn.execute(text(
        "CREATE TABLE ratings (evidence_id VARCHAR(16) NOT NULL, hypothesis_id VARCHAR(16) NOT NULL, "
        f"rating VARCHAR(2) NOT NULL, PRIMARY KEY (evidence_id, hypothesis_id), {_RATING_CHECK}, "
        "FOREIGN KEY(evidence_id) REFERENCES evidence (id) ON DELETE CASCADE, "
        "FOREIGN KEY(hypothesis_id) REFERENCES hypotheses (id) ON DELETE CASCADE)"
    ))


def v3_entity_rules(conn: Connection) -> None:
    s.entity_rules.create(conn)
    conn.execute(text("ALTER TABLE mentions ADD COLUMN rule_id INTEGER"))


def _add_columns(conn: Connection, table: str, columns: dict[str, str]) -> None:
    """Add the columns a table lacks (a workspace created after this step already has them)."""
    present = {c["name"] for c in inspect(conn).get_columns(table)}
    for name, ddl in columns.items():
        if name not in present:
            conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{name}" {ddl}'))


def v4_dependence(conn: Connection) -> None:
    _add_columns(conn, "analyses", {"settings": "TEXT", "confidence": "VARCHAR(10)", "confidence_note": "TEXT",
                                    "confidence_by": "VARCHAR(200)"})
    _add_columns(conn, "evidence", {"origin": "TEXT"})
    _add_columns(conn, "sources", {"graded": "INTEGER NOT NULL DEFAULT 0"})
    # a source counts as graded once the audit log shows an analyst grading it
    conn.execute(text("UPDATE sources SET graded = 1 WHERE CAST(id AS TEXT) IN (SELECT target_id FROM audit_log "
                      "WHERE target_type = 'source' AND action = 'grade')"))


_RATING_CHECK = "CONSTRAINT ck_ratings_rating CHECK (rating IN ('CC','C','N','I','II','NA'))"
_QUOTE_ANCHOR_V2 = "kind <> 'quote' OR (article_id IS NOT NULL AND start IS NOT NULL AND \"end\" > start)"
_QUOTE_ANCHOR_V5 = ("kind <> 'quote' OR anchor_method = 'orphaned' "
                    "OR (article_id IS NOT NULL AND start IS NOT NULL AND \"end\" > start)")
_ANCHOR_METHOD_V5 = "anchor_method IS NULL OR anchor_method IN ('exact','fuzzy','orphaned')"


def v5_anchor_methods(conn: Connection) -> None:
    """How each quote's anchor was found, and orphaned quotes without offsets.

    Written to be re-run safely: SQLite commits DDL as it goes, so a step cut short must be
    able to finish on the next open.
    """
    _add_columns(conn, "evidence", {"anchor_method": "VARCHAR(8)", "anchor_score": "FLOAT"})
    # every quote stored so far was anchored at its offsets or found verbatim
    conn.execute(text("UPDATE evidence SET anchor_method = 'exact', anchor_score = 1.0 "
                      "WHERE kind = 'quote' AND anchor_method IS NULL"))
    quote_anchor = f"CONSTRAINT ck_evidence_quote_anchor CHECK ({_QUOTE_ANCHOR_V5})"
    anchor_method = f"CONSTRAINT ck_evidence_anchor_method CHECK ({_ANCHOR_METHOD_V5})"
    if conn.dialect.name == "sqlite":
        old = f"CONSTRAINT ck_evidence_quote_anchor CHECK ({_QUOTE_ANCHOR_V2})"
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'evidence'")).scalar_one()
        if old in sql:
            _sqlite_rebuild(conn, "evidence", sql.replace(old, f"{quote_anchor}, {anchor_method}"))
    else:  # PostgreSQL alters constraints in place
        conn.execute(text("ALTER TABLE evidence DROP CONSTRAINT IF EXISTS ck_evidence_quote_anchor"))
        conn.execute(text("ALTER TABLE evidence DROP CONSTRAINT IF EXISTS ck_evidence_anchor_method"))
        conn.execute(text(f"ALTER TABLE evidence ADD {quote_anchor}"))
        conn.execute(text(f"ALTER TABLE evidence ADD {anchor_method}"))


def _sqlite_rebuild(conn: Connection, table: str, create_sql: str) -> None:
    """Recreate ``table`` from ``create_sql`` (its CREATE TABLE with changed constraints),
    keeping its rows, indexes, triggers and the rows of tables that refer to it.

    SQLite cannot alter a CHECK constraint, and foreign keys stay on inside a transaction, so
    dropping the old table would cascade: referring rows are set aside and put back.
    """
    quote = conn.dialect.identifier_preparer.quote
    extras = [sql for (sql,) in conn.execute(text(
        "SELECT sql FROM sqlite_master WHERE tbl_name = :t AND type IN ('index', 'trigger') AND sql IS NOT NULL"),
        {"t": table})]
    tables = [name for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
    children = [name for name in tables if name != table and any(
        row[2] == table for row in conn.execute(text(f"PRAGMA foreign_key_list({quote(name)})")))]
    scratch = f"{table}__rebuild"
    head = re.match(rf'\s*CREATE TABLE\s+("?){re.escape(table)}\1', create_sql)
    if head is None:
        raise RuntimeError(f"schema step: cannot read the definition of table {table}")
    conn.execute(text(f"DROP TABLE IF EXISTS {quote(scratch)}"))
    conn.execute(text(f"CREATE TABLE {quote(scratch)}{create_sql[head.end():]}"))
    conn.execute(text(f"INSERT INTO {quote(scratch)} SELECT * FROM {quote(table)}"))
    for child in children:
        conn.execute(text(f"CREATE TEMP TABLE {quote(child + '__keep')} AS SELECT * FROM {quote(child)}"))
        conn.execute(text(f"DELETE FROM {quote(child)}"))
    conn.execute(text(f"DROP TABLE {quote(table)}"))
    conn.execute(text(f"ALTER TABLE {quote(scratch)} RENAME TO {quote(table)}"))
    for sql in extras:
        conn.execute(text(sql))
    for child in children:
        conn.execute(text(f"INSERT INTO {quote(child)} SELECT * FROM temp.{quote(child + '__keep')}"))
        conn.execute(text(f"DROP TABLE temp.{quote(child + '__keep')}"))
    broken = conn.execute(text(f"PRAGMA foreign_key_check({quote(table)})")).first()
    if broken is not None:
        raise RuntimeError(f"schema step: rebuilding {table} broke a reference ({tuple(broken)})")


def v6_evidence_type(conn: Connection) -> None:
    _add_columns(conn, "evidence", {"evidence_type": "TEXT"})


def v7_unique_evidence_labels(conn: Connection) -> None:
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
    # the index keeps its name and becomes unique (dropped and made again: safe to re-run)
    conn.execute(text("DROP INDEX IF EXISTS ix_evidence_analysis"))
    conn.execute(text("CREATE UNIQUE INDEX ix_evidence_analysis ON evidence (analysis_id, position)"))


def v8_analyst_ratings(conn: Connection) -> None:
    """Each analyst's own rating of a cell: ``ratings`` gains ``analyst`` in its key.

    A rating on record gets the analyst who last set it according to the change log (undos and
    redos followed), else whoever created its analysis. The re-keying is recorded per analysis
    as one change by "workbench" (old rows out, keyed rows in), so the log still replays to the
    tables. Safe to re-run: a table that already has the column is left alone.
    """
    if "analyst" in {c["name"] for c in inspect(conn).get_columns("ratings")}:
        return
    setters = _rating_setters(conn)
    rows = conn.execute(text(
        "SELECT r.evidence_id, r.hypothesis_id, r.rating, e.analysis_id, a.created_by FROM ratings r "
        "JOIN evidence e ON e.id = r.evidence_id JOIN analyses a ON a.id = e.analysis_id "
        "ORDER BY e.analysis_id, r.evidence_id, r.hypothesis_id")).all()
    keyed = [{"evidence_id": e, "hypothesis_id": h, "analyst": setters.get((e, h)) or created_by, "rating": r}
             for e, h, r, _, created_by in rows]
    if conn.dialect.name == "sqlite":  # SQLite cannot change a primary key: a new table, the rows moved over
        conn.execute(text("ALTER TABLE ratings RENAME TO ratings__v7"))
        conn.execute(text(
            "CREATE TABLE ratings (evidence_id VARCHAR(16) NOT NULL, hypothesis_id VARCHAR(16) NOT NULL, "
            "analyst VARCHAR(200) NOT NULL, rating VARCHAR(2) NOT NULL, "
            f"PRIMARY KEY (evidence_id, hypothesis_id, analyst), {_RATING_CHECK}, "
            "FOREIGN KEY(evidence_id) REFERENCES evidence (id) ON DELETE CASCADE, "
            "FOREIGN KEY(hypothesis_id) REFERENCES hypotheses (id) ON DELETE CASCADE)"))
        if keyed:
            conn.execute(text("INSERT INTO ratings (evidence_id, hypothesis_id, analyst, rating) "
                              "VALUES (:evidence_id, :hypothesis_id, :analyst, :rating)"), keyed)
        conn.execute(text("DROP TABLE ratings__v7"))
    else:  # PostgreSQL alters the key in place
        conn.execute(text("ALTER TABLE ratings ADD COLUMN analyst VARCHAR(200)"))
        if keyed:
            conn.execute(text("UPDATE ratings SET analyst = :analyst "
                              "WHERE evidence_id = :evidence_id AND hypothesis_id = :hypothesis_id"), keyed)
        conn.execute(text("ALTER TABLE ratings ALTER COLUMN analyst SET NOT NULL"))
        conn.execute(text("ALTER TABLE ratings DROP CONSTRAINT ratings_pkey"))
        conn.execute(text("ALTER TABLE ratings ADD CONSTRAINT ratings_pkey PRIMARY KEY "
                          "(evidence_id, hypothesis_id, analyst)"))
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    by_analysis: dict[str, list[dict[str, Any]]] = {}
    for (e, h, r, aid, _), row in zip(rows, keyed):
        by_analysis.setdefault(aid, []).extend([
            {"table": "ratings", "before": {"evidence_id": e, "hypothesis_id": h, "rating": r}, "after": None},
            {"table": "ratings", "before": None, "after": row}])
    for aid, ops in by_analysis.items():
        conn.execute(s.audit_log.insert().values(
            at=stamp, actor="workbench", action="change", target_type="analysis", target_id=aid,
            after=json.dumps({"label": "give each rating its analyst", "ops": ops}, ensure_ascii=False)))


def _rating_setters(conn: Connection) -> dict[tuple[str, str], str]:
    """Who last set each rating (evidence id, hypothesis id) still in force, replaying the change
    log: a change sets (or removes) ratings, an undo takes its setting back, a redo puts it again."""
    history: dict[tuple[str, str], list[tuple[int, str | None]]] = {}
    changes: dict[int, list[tuple[tuple[str, str], str | None]]] = {}
    events = conn.execute(text(
        "SELECT id, actor, action, after FROM audit_log WHERE target_type = 'analysis' "
        "AND action IN ('change', 'undo', 'redo') ORDER BY id")).all()
    for event_id, actor, action, after in events:
        body = json.loads(after) if after else {}
        if action == "change":
            changes[event_id] = [((row["evidence_id"], row["hypothesis_id"]), actor if op["after"] is not None else None)
                                 for op in body.get("ops", []) if op.get("table") == "ratings"
                                 for row in [op["after"] or op["before"]]]
            for key, who in changes[event_id]:
                history.setdefault(key, []).append((event_id, who))
            continue
        change = body.get("change")
        for key, who in changes.get(change, []):
            if action == "undo":
                history[key] = [entry for entry in history.get(key, []) if entry[0] != change]
            else:
                history.setdefault(key, []).append((change, who))
    return {key: entries[-1][1] for key, entries in history.items() if entries and entries[-1][1]}
