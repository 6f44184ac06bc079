"""The store on both backends: a SQLite file and a PostgreSQL database (``workspace_location``)."""
import sqlite3

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from conftest import raw_engine
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS
from workbench.errors import StoreError
from workbench.store import Store, audit, now


def _article(**over):
    row = dict(id="a" * 16, title="t", language="en", text="Some text.", content_hash="h" * 64,
               words=2, ingested_at=now())
    row.update(over)
    return row


@pytest.fixture
def store(workspace_location):
    opened = Store(workspace_location)
    yield opened
    opened.close()


def test_new_store_is_migrated_once(workspace_location):
    store = Store(workspace_location)
    assert store.schema_version() == MIGRATIONS[-1].version
    store.close()
    # reopening applies nothing twice
    again = Store(workspace_location)
    with again.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar() == len(MIGRATIONS)
    again.close()


def test_sqlite_only_new_file_has_wal_and_foreign_keys(tmp_path):
    """SQLite only: the write-ahead log and the foreign-key pragma are settings of a SQLite file
    (PostgreSQL always enforces foreign keys; see test_foreign_keys_are_enforced)."""
    store = Store(tmp_path / "w.sqlite")
    with store.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_article_text_is_immutable(store):
    with store.transaction() as conn:
        conn.execute(insert(s.articles).values(**_article()))
    with pytest.raises(DatabaseError, match="immutable"):
        with store.transaction() as conn:
            conn.execute(update(s.articles).values(text="changed"))
    with pytest.raises(DatabaseError, match="immutable"):
        with store.transaction() as conn:
            conn.execute(update(s.articles).values(content_hash="x" * 64))
    with store.transaction() as conn:  # other columns may change
        conn.execute(update(s.articles).values(title="new title"))
    with store.read() as conn:
        assert conn.execute(text("SELECT text, title FROM articles")).one() == ("Some text.", "new title")


def test_audit_log_is_append_only(store):
    with store.transaction() as conn:
        audit(conn, actor="me", action="x", target_type="t", target_id="1", after={"a": 1})
    statements = ["UPDATE audit_log SET actor='you'", "DELETE FROM audit_log"]
    if store.dialect == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            with store.transaction() as conn:
                conn.execute(text(statement))
    with store.read() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalars().all() == ["me"]


def test_guards_hold_behind_the_api(store, workspace_location):
    """A plain connection, without the workbench's code, is refused too: the database enforces it."""
    with store.transaction() as conn:
        conn.execute(insert(s.articles).values(**_article()))
        audit(conn, actor="me", action="x", target_type="t", target_id="1")
    engine = raw_engine(workspace_location)
    try:
        for statement, words in (("UPDATE articles SET text = 'forged'", "immutable"),
                                 ("DELETE FROM audit_log", "append-only")):
            with pytest.raises(DatabaseError, match=words):
                with engine.begin() as conn:
                    conn.execute(text(statement))
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.mentions).values(article_id="nope", start=0, end=1, label="X", text="x",
                                                   canonical="x", origin="rule", fingerprint="f"))


def test_bad_reliability_grade_is_refused(store):
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.sources).values(name="x", reliability="Z", created_at=now()))


def test_failed_transaction_leaves_nothing(store):
    with pytest.raises(IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(s.articles).values(**_article()))
            conn.execute(insert(s.articles).values(**_article()))  # duplicate id
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 0


def test_newer_schema_is_refused(workspace_location):
    Store(workspace_location).close()
    engine = raw_engine(workspace_location)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01')"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this workbench"):
        Store(workspace_location)


def test_sqlite_only_directory_is_not_a_workspace(tmp_path):
    """SQLite only: a workspace path naming a directory (a server database has no path)."""
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_sqlite_only_newer_schema_written_by_plain_sqlite(tmp_path):
    """SQLite only: the file edited by the sqlite3 module itself, as a newer workbench would."""
    path = tmp_path / "w.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01')")
    with pytest.raises(StoreError, match="newer than this workbench"):
        Store(path)


def test_a_read_sees_one_snapshot_while_another_writer_commits(workspace_location):
    reader, writer = Store(workspace_location), Store(workspace_location)
    try:
        with reader.read() as conn:
            before = conn.execute(text("SELECT count(*) FROM sources")).scalar()
            with writer.transaction() as other:
                other.execute(insert(s.sources).values(name="Wire", created_at=now()))
            assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == before
        with reader.read() as conn:  # the next read sees the commit
            assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == before + 1
    finally:
        reader.close()
        writer.close()


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


def test_a_new_workspace_is_not_touched_by_a_checkpoint_due_after_its_creation(tmp_path, monkeypatch):
    """Creating a workspace schedules checkpoints (one per schema step); one due after the file
    was moved into place once made the next opening fail with "disk I/O error" (12 of 20 times
    with no delay; now and then at the real 0.5 s, when the schema steps took about that long)."""
    import workbench.store._store as store_module

    monkeypatch.setattr(store_module, "CHECKPOINT_DELAY", 0.0)
    for i in range(10):
        path = tmp_path / f"w{i}.sqlite"
        first = Store(path)
        second = Store(path)
        with second.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 0
        first.close()
        second.close()


def test_a_close_whose_checkpoint_fails_still_releases_the_file(tmp_path, monkeypatch):
    """On a full disk the last checkpoint can fail; the workspace must still let go of its file
    (a held handle kept a full disk's mount busy after the CLI had reported the error), and
    say why in the error it raises."""
    import os

    from workbench.errors import StoreIOError

    path = tmp_path / "ws.sqlite"
    store = Store(path)
    with store.transaction() as conn:
        audit(conn, actor="ann", action="test", target_type="t", target_id=None)

    def full(*args, **kwargs):
        raise StoreIOError(f"{path}: the disk is full")

    monkeypatch.setattr(store, "checkpoint", full)

    def held() -> list[str]:
        out = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(tmp_path)):
                out.append(target)
        return out

    assert held()  # open while in use
    with pytest.raises(StoreIOError, match="disk is full"):
        store.close()
    assert held() == []
    store.close()  # closed: a second close does nothing
