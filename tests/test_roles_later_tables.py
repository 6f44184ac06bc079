"""Viewer and analyst rights on a PostgreSQL workspace hold for tables a later upgrade adds
(``ALTER DEFAULT PRIVILEGES`` for the owner, set by ``workspace grant``), and ``workspace grant``
refuses bad input in one line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import workbench as wb
from conftest import raw_engine
from workbench.cli import main
from workbench.store import _store
from workbench.store.migrations import MIGRATIONS, Migration


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _margin_notes(conn) -> None:
    """A later schema step, as one would be written: a new table numbered by a sequence."""
    conn.execute(text("CREATE TABLE margin_notes (id SERIAL PRIMARY KEY, analysis_id VARCHAR(16) NOT NULL "
                      "REFERENCES analyses (id), body TEXT NOT NULL)"))


@pytest.fixture
def server(pg_cluster, pg_url):
    """A workspace owned by a login that is not a superuser (as on a team's server), with an
    analysis; yields (owner's URL, viewer's URL, analyst's URL, analysis id)."""
    name = pg_url.rsplit("/", 1)[1]
    owner, viewer, analyst = (f"{who}_{name}" for who in ("own", "vera", "alex"))
    pg_cluster.sql(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    pg_cluster.sql(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')  # PostgreSQL 15: may create in public
    owner_url = pg_cluster.url(name, user=owner)
    with wb.open_workspace(owner_url, analyst="olga") as ws:
        aid = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"]).id
    for role, flag in ((viewer, "--viewer"), (analyst, "--analyst")):
        result = _cli("workspace", "grant", owner_url, role, flag)
        assert result.exit_code == 0, result.output
        assert "ALTER DEFAULT PRIVILEGES" in result.output
    yield owner_url, pg_cluster.url(name, user=viewer), pg_cluster.url(name, user=analyst), aid
    for role in (viewer, analyst, owner):
        pg_cluster.sql(f'DROP OWNED BY "{role}" CASCADE', database=name)
    pg_cluster.drop_database(pg_url)
    for role in (viewer, analyst, owner):
        pg_cluster.sql(f'DROP ROLE "{role}"')


def _run(url: str, statement: str, **params):
    """One statement as that login, in its own transaction; the rows it returns."""
    engine = raw_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def _refused(url: str, statement: str, **params) -> str:
    with pytest.raises(DBAPIError) as caught:
        _run(url, statement, **params)
    return str(caught.value.orig)


def test_a_table_added_by_a_later_upgrade_follows_the_roles(server, monkeypatch):
    owner, viewer, analyst, aid = server
    later = Migration(MIGRATIONS[-1].version + 1, "margin notes (a step added after the grants)", _margin_notes)
    monkeypatch.setattr(_store, "MIGRATIONS", [*MIGRATIONS, later])
    wb.open_workspace(owner).close()            # the owner opens it with a newer workbench: the upgrade runs
    assert _run(owner, "SELECT tableowner FROM pg_tables WHERE tablename = 'margin_notes'")[0][0] == \
        owner.split("://")[1].split("@")[0]
    _run(owner, "INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'the owner wrote')", a=aid)

    # the analyst reads, adds (through the new sequence), changes and removes rows of the new table
    assert _run(analyst, "SELECT body FROM margin_notes") == [("the owner wrote",)]
    (new_id,) = _run(analyst, "INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'mine') RETURNING id",
                     a=aid)[0]
    _run(analyst, "UPDATE margin_notes SET body = 'mine, edited' WHERE id = :i", i=new_id)
    _run(analyst, "DELETE FROM margin_notes WHERE body = 'the owner wrote'")
    assert "must be owner" in _refused(analyst, "DROP TABLE margin_notes")
    assert "permission denied" in _refused(analyst, "TRUNCATE margin_notes")
    # ... and still not the protected tables (the defaults widen nothing that exists)
    assert "permission denied" in _refused(analyst, "UPDATE articles SET title = 'forged'")
    assert "permission denied" in _refused(analyst, "DELETE FROM audit_log")

    # the viewer reads the new table and writes nothing to it
    assert _run(viewer, "SELECT body FROM margin_notes") == [("mine, edited",)]
    for statement in ("INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'viewer')",
                      "UPDATE margin_notes SET body = 'viewer'", "DELETE FROM margin_notes"):
        assert "permission denied" in _refused(viewer, statement, a=aid), statement
    assert "permission denied" in _refused(viewer, "SELECT nextval('margin_notes_id_seq')")

    # granting again after the upgrade ends where the defaults did: the analyst keeps the new table
    analyst_role = analyst.split("://")[1].split("@")[0]
    assert _cli("workspace", "grant", owner, analyst_role, "--analyst").exit_code == 0
    _run(analyst, "INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'after the regrant')", a=aid)
    # and a viewer turned analyst, then back, holds exactly the kind granted last
    viewer_role = viewer.split("://")[1].split("@")[0]
    assert _cli("workspace", "grant", owner, viewer_role, "--analyst").exit_code == 0
    _run(viewer, "INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'vera as analyst')", a=aid)
    assert _cli("workspace", "grant", owner, viewer_role, "--viewer").exit_code == 0
    assert "permission denied" in _refused(viewer, "INSERT INTO margin_notes (analysis_id, body) VALUES (:a, 'x')",
                                           a=aid)


def test_a_table_made_after_the_grant_by_hand_is_covered_too(server):
    """Not only the workbench's runner: any table the owner creates in the schema."""
    owner, viewer, analyst, _ = server
    _run(owner, "CREATE TABLE tags (id SERIAL PRIMARY KEY, name TEXT)")
    _run(analyst, "INSERT INTO tags (name) VALUES ('belarus')")
    assert _run(viewer, "SELECT name FROM tags") == [("belarus",)]
    assert "permission denied" in _refused(viewer, "INSERT INTO tags (name) VALUES ('x')")


@pytest.mark.parametrize("args,expect", [
    (["postgresql+psycopg://nobody@127.0.0.1:1/team", "someone", "--viewer"], "cannot reach the server"),
    (["postgresql+psycopg://nobody@[::1/team", "someone", "--viewer"], "postgresql+psycopg://nobody@[::1/team"),
    (["nosuchdb://host/team", "someone", "--analyst"], "not supported"),
    (["{sqlite}", "someone", "--viewer"], "roles are for a PostgreSQL workspace"),
    (["{pg}", "someone", "--admin"], "No such option '--admin'"),
    (["{pg}", "someone"], "--viewer or --analyst"),
    (["{pg}", "someone", "--viewer", "--analyst"], "not both"),
    (["{pg}", "", "--viewer"], "not a role name"),
    (["{pg}", "postgres", "--viewer"], "already holds every right"),
])
def test_grant_refusals_are_one_line(pg_url, tmp_path, args, expect):
    sqlite = tmp_path / "ws.sqlite"
    wb.open_workspace(sqlite).close()
    wb.open_workspace(pg_url).close()
    args = [a.format(sqlite=sqlite, pg=pg_url) for a in args]
    result = _cli("workspace", "grant", *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith("Error: ") and expect in result.output, result.output
    roles = _run(pg_url, "SELECT count(*) FROM pg_roles WHERE rolname = 'someone'")
    assert roles == [(0,)]  # nothing was created
