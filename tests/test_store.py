import sqlite3

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS
from workbench.errors import StoreError
from workbench.store import Store, audit, now


def _article(**over):
    row = dict(id="a" * 16, title="t", language="en", text="Some text.", content_hash="h" * 64,
               words=2, ingested_at=now())
    row.update(over)
    return row


def test_new_store_is_migrated_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "w.sqlite"
    store = Store(path)
    assert store.schema_version() == MIGRATIONS[-1].version
    with store.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()
    # reopening applies nothing twice
    again = Store(path)
    with again.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar() == len(MIGRATIONS)


def test_article_text_is_immutable(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    with store.transaction() as conn:
        conn.execute(insert(s.articles).values(**_article()))
    with pytest.raises(DatabaseError, match="immutable"):
        with store.transaction() as conn:
            conn.execute(update(s.articles).values(text="changed"))
    with store.transaction() as conn:  # other columns may change
        conn.execute(update(s.articles).values(title="new title"))
    with store.read() as conn:
        assert conn.execute(text("SELECT text, title FROM articles")).one() == ("Some text.", "new title")


def test_audit_log_is_append_only(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    with store.transaction() as conn:
        audit(conn, actor="me", action="x", target_type="t", target_id="1", after={"a": 1})
    for statement in ("UPDATE audit_log SET actor='you'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with store.transaction() as conn:
                conn.execute(text(statement))


def test_foreign_keys_are_enforced(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.mentions).values(article_id="nope", start=0, end=1, label="X", text="x",
                                                   canonical="x", origin="rule", fingerprint="f"))


def test_bad_reliability_grade_is_refused(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.sources).values(name="x", reliability="Z", created_at=now()))


def test_failed_transaction_leaves_nothing(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.articles).values(**_article()))
            conn.execute(insert(s.articles).values(**_article()))  # duplicate id
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 0


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "w.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01')")
    with pytest.raises(StoreError, match="newer than this workbench"):
        Store(path)


def test_directory_is_not_a_workspace(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_resolve_id_takes_the_id_or_one_unique_prefix(tmp_path):
    """One resolver for article and analysis ids: exact id first, then a unique prefix of at
    least ``min_prefix`` characters; "%" and "_" in a prefix are characters, not wildcards."""
    from workbench.store import resolve_id

    store = Store(tmp_path / "w.sqlite")
    with store.transaction() as conn:
        for ident in ("abcd1111", "abcd2222", "ab_x0000"):
            conn.execute(insert(s.articles).values(**_article(id=ident)))
    column = s.articles.c.id
    with store.read() as conn:
        assert resolve_id(conn, column, " abcd1111 ", "article") == "abcd1111"
        assert resolve_id(conn, column, "abcd1", "article") == "abcd1111"
        assert resolve_id(conn, column, "ab_", "article") == "ab_x0000"      # "_" is no wildcard
        with pytest.raises(StoreError, match=r"^article 'abcd': prefix matches more than one article$"):
            resolve_id(conn, column, "abcd", "article")
        with pytest.raises(StoreError, match=r"^article 'ab%1': not in this workspace$"):
            resolve_id(conn, column, "ab%1", "article")
        with pytest.raises(StoreError, match="not in this workspace"):
            resolve_id(conn, column, "abcd1", "article", min_prefix=6)     # too short to be a prefix
        with pytest.raises(StoreError, match="not in this workspace"):
            resolve_id(conn, column, "", "article")
    store.close()
