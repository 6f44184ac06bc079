"""Nothing stores a password (issue 12): a workspace opened with a URL that holds one, worked on,
copied and exported through every path, leaves the password in no table, file or message."""
from __future__ import annotations

import gzip
import sqlite3

from click.testing import CliRunner
from sqlalchemy import inspect, text

import workbench as wb
from conftest import SEED_TXT, raw_engine
from workbench.cli import main

SECRET = "secret"


def _cli(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def _tables_text(location: str) -> str:
    """Every row of every table of a workspace, as text."""
    engine = raw_engine(location)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            assert "ratings" in names and "audit_log" in names
            return "\n".join(repr(row) for name in names for row in conn.execute(text(f'SELECT * FROM "{name}"')))
    finally:
        engine.dispose()


def test_a_password_in_the_url_is_never_stored_or_exported(pg_cluster, pg_url, tmp_path):
    name = pg_url.rsplit("/", 1)[1]
    user = f"owner_{name}"
    pg_cluster.sql(f"CREATE ROLE \"{user}\" LOGIN CREATEROLE PASSWORD '{SECRET}'")
    pg_cluster.sql(f'ALTER DATABASE "{name}" OWNER TO "{user}"')
    url = pg_cluster.url(name, user=user, password=SECRET)
    assert f":{SECRET}@" in url
    outputs = [_cli("ingest", "--workspace", url, SEED_TXT)]
    with wb.open_workspace(url, analyst="ana", pipeline="builtin") as ws:
        assert SECRET not in ws.location and SECRET not in repr(ws)
        an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
        an.tag_quote(ws.articles.id[0], "Lukashenko", occurrence=1, ratings={"Joins": "C", "Stays out": "I"})
        an.add_assumption("Minsk fears unrest", ratings={"Stays out": "CC"})
        ws.relabel_entity("Alexander Lukashenko", "PERSON")
        aid = an.id
    with wb.open_workspace(url, analyst="ben") as ws:
        ws.analysis(aid).rate("E1", "Joins", "II")
    files = {}
    for fmt in ("json", "achz", "w3c", "csv"):
        files[fmt] = tmp_path / f"analysis.{fmt}"
        outputs.append(_cli("analysis", "export", "-w", url, "-a", aid, "--format", fmt, "-o", files[fmt]))
    files["achz-ben"] = tmp_path / "ben.achz"
    outputs.append(_cli("analysis", "export", "-w", url, "-a", aid, "--format", "achz", "-o", files["achz-ben"],
                        "--analyst", "ben"))
    files["report"] = tmp_path / "report.html"
    outputs.append(_cli("report", "--workspace", url, "-o", files["report"]))
    copy_file = tmp_path / "copy.sqlite"
    copy_db = pg_cluster.new_database()
    outputs += [_cli("workspace", "copy", url, copy_file), _cli("workspace", "copy", url, copy_db),
                _cli("workspace", "check", url), _cli("analysis", "score", "-w", url, "-a", aid, "--format", "json"),
                _cli("workspace", "grant", url, f"vera_{name}", "--viewer")]
    outputs.append(CliRunner().invoke(main, ["workspace", "copy", url, copy_db]).output)  # a refusal names the URL

    assert all(SECRET not in out for out in outputs), [out for out in outputs if SECRET in out]
    assert any(f"{user}:***@" in out for out in outputs)  # the URL is shown, masked
    for location in (url, copy_db, str(copy_file)):
        assert SECRET not in _tables_text(location), location
    for path in [copy_file, *copy_file.parent.glob("copy.sqlite*")]:   # the file's bytes too, any journal
        assert SECRET.encode() not in path.read_bytes(), path
    with sqlite3.connect(copy_file) as db:
        assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 4
    for kind, path in files.items():
        data = path.read_bytes()
        shown = gzip.decompress(data).decode("utf-16") if kind.startswith("achz") else data.decode("utf-8")
        assert SECRET not in shown and len(shown) > 200, kind
    pg_cluster.sql(f'DROP OWNED BY "vera_{name}" CASCADE', database=name)
    pg_cluster.sql(f'DROP ROLE "vera_{name}"')
    pg_cluster.drop_database(copy_db)
    pg_cluster.drop_database(pg_url)
    pg_cluster.sql(f'DROP ROLE "{user}"')
