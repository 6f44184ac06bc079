"""What only a PostgreSQL workspace has: a URL (and its password), a server that can be down, a
database that may belong to another application, and a write lock taken at each write's start."""
import threading
import time

import pytest
from sqlalchemy import text

import workbench as wb
from workbench.errors import StoreError, StoreIOError
from workbench.store import Store
from workbench.store.migrations import MIGRATIONS
from workbench.store.postgres import WRITE_LOCK, shown_url


def test_a_fresh_database_becomes_a_workspace_at_the_latest_version(pg_url):
    store = Store(pg_url)
    assert store.dialect == "postgresql"
    assert store.schema_version() == MIGRATIONS[-1].version
    with store.read() as conn:
        triggers = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
    assert {"articles_text_immutable", "audit_log_no_update", "audit_log_no_delete"} <= triggers
    store.close()


def test_bare_postgresql_scheme_uses_psycopg(pg_url):
    store = Store(pg_url.replace("postgresql+psycopg://", "postgresql://"))
    assert store.engine.dialect.driver == "psycopg"
    store.close()


def test_another_applications_database_is_refused_untouched(pg_cluster, pg_url):
    name = pg_url.rsplit("/", 1)[1]
    pg_cluster.sql("CREATE TABLE invoices (id int)", database=name)
    with pytest.raises(StoreError, match=r"another application's database \(invoices\)"):
        Store(pg_url)
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname=name) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    assert tables == ["invoices"]


def test_server_down_missing_database_and_bad_login_are_one_line_without_the_password(pg_cluster):
    cases = {
        f"postgresql+psycopg://postgres:hunter2@127.0.0.1:{pg_cluster.port}/no_such_db": "no such database",
        f"postgresql+psycopg://nobody:hunter2@127.0.0.1:{pg_cluster.port}/postgres": "refused the login",
        "postgresql+psycopg://ana:hunter2@127.0.0.1:1/ws": "cannot reach the server",
    }
    for url, words in cases.items():
        with pytest.raises(StoreIOError) as caught:
            wb.open_workspace(url)
        message = str(caught.value)
        assert words in message and "\n" not in message
        assert "hunter2" not in message and message.startswith(shown_url(url))


def test_unsupported_database_is_refused():
    with pytest.raises(StoreError, match="mysql database is not supported"):
        Store("mysql://root:pw@127.0.0.1/ws")


def test_a_write_transaction_holds_the_lock_from_its_first_read(pg_url):
    """The advisory lock is the server's BEGIN IMMEDIATE: before the transaction writes anything,
    other writers already wait; a read takes no lock."""
    import psycopg

    store = Store(pg_url)
    other = psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True)
    try:
        with store.transaction() as conn:
            conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
            assert other.execute("SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)).fetchone()[0] is False
        assert other.execute("SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)).fetchone()[0] is True
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
        with store.read() as conn:
            conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
            assert other.execute("SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)).fetchone()[0] is True
            other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
    finally:
        other.close()
        store.close()


def test_a_writer_waits_for_another_and_gives_up_in_one_line_after_the_busy_wait(pg_url):
    import psycopg

    Store(pg_url).close()
    holder = psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"))
    holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
    store = Store(pg_url, busy_seconds=1.0)
    try:
        began = time.monotonic()
        with pytest.raises(StoreIOError, match=r"busy: other writers kept it busy for more than 1 s"):
            with store.transaction() as conn:
                conn.execute(text("INSERT INTO sources (name, created_at) VALUES ('x', 'now')"))
        assert time.monotonic() - began >= 0.9
        released = threading.Timer(0.5, holder.rollback)
        released.start()
        store.busy_seconds = 10
        with store.transaction() as conn:  # waits for the holder, then writes
            conn.execute(text("INSERT INTO sources (name, created_at) VALUES ('x', 'now')"))
        released.join()
    finally:
        holder.close()
        store.close()
    with Store(pg_url).read() as conn:
        assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == 1


def test_workspace_location_never_carries_the_password(pg_cluster, pg_url, tmp_path):
    """A URL with a password: the workspace, its report and its audit log never hold it."""
    name = pg_url.rsplit("/", 1)[1]
    pg_cluster.sql("CREATE ROLE ana LOGIN PASSWORD 'hunter2' SUPERUSER")
    try:
        url = pg_cluster.url(name, user="ana", password="hunter2")
        with wb.open_workspace(url, pipeline="builtin") as ws:
            assert "hunter2" not in ws.location and "***" in ws.location
            ws.ingest(__import__("conftest").SEED_TXT, progress=False)
            an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
            an.add_assumption("Minsk fears unrest", ratings={"Joins": "I"})
            report = ws.report(tmp_path / "report.html")
            dump = ws.history(limit=1000).to_csv()
            with ws.store.read() as conn:
                every_table = " ".join(str(row) for table in ("audit_log", "analyses", "sources", "articles")
                                       for row in conn.execute(text(f"SELECT * FROM {table}")))
        assert "hunter2" not in report.read_text(encoding="utf-8")
        assert "hunter2" not in dump and "hunter2" not in every_table
    finally:
        pg_cluster.sql("DROP OWNED BY ana CASCADE", database=name)
        pg_cluster.sql("DROP ROLE ana")
