"""Listing articles reads a covering index, not the article rows (issue 12: 100,000 articles
reopen in about a second). Checked on the query ``Workspace.articles`` really sends.

SQLite only: the covering index and EXPLAIN QUERY PLAN are SQLite's (the migration step makes no
such index on PostgreSQL, whose B-tree entries have a size limit a long title or URL could pass)."""
from __future__ import annotations

from sqlalchemy import create_engine, event, insert, text

from workbench import open_workspace
from workbench.store import Store, now
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS


def _plan_of_listing(ws) -> str:
    """EXPLAIN QUERY PLAN of the statement ``ws.articles`` executes."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        if "FROM articles" in statement:
            seen.append((statement, parameters))

    event.listen(ws.store.engine, "before_cursor_execute", capture)
    try:
        frame = ws.articles
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", capture)
    statement, parameters = seen[-1]
    raw = ws.store.engine.raw_connection()
    try:
        rows = raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    finally:
        raw.close()
    assert len(frame) == 2
    return " | ".join(str(row[-1]) for row in rows)


def test_listing_uses_a_covering_index_and_an_old_workspace_gets_it(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    listing = next(m for m in MIGRATIONS if "listing articles" in m.description)
    with engine.begin() as conn:  # a workspace with every step before this one (whatever its number)
        s.schema_migrations.create(conn)
        for step in [m for m in MIGRATIONS if m.version < listing.version]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old",
                                                            applied_at=now()))
        for i in range(2):
            conn.execute(insert(s.articles).values(id=f"{i}" * 16, language="en", text="Old text. " * 400,
                                                   content_hash=f"h{i}", words=800, ingested_at=now()))
        indexes = {row[1] for row in conn.execute(text("PRAGMA index_list(articles)"))}
    engine.dispose()
    assert "ix_articles_listing" not in indexes

    Store(path).close()  # opening upgrades
    ws = open_workspace(path)
    plan = _plan_of_listing(ws)
    assert "COVERING INDEX ix_articles_listing" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # already in order: no sort
    ws.close()


def test_a_new_workspace_lists_from_the_index(tmp_path, seed_dir):
    ws = open_workspace(tmp_path / "new.sqlite", pipeline="builtin")
    ws.ingest(seed_dir, progress=False)
    other = tmp_path / "other.txt"
    other.write_text("NATO ministers met in Brussels on Tuesday to discuss air defence for Ukraine.\n")
    ws.ingest(other, progress=False)
    assert "COVERING INDEX ix_articles_listing" in _plan_of_listing(ws)
    ws.close()
