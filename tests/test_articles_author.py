"""The author in the list views (issue 13, item 5): ``ws.articles`` has an ``author`` column (on
both backends), read from the listing's covering index on SQLite (migration step 13 rebuilds it
for older workspaces); ``workbench articles`` shows it, the corpus browser's list and static
table too, and the report's article headings name it, wherever an article has an author."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, insert, text

import workbench as wb
from workbench.cli import main
from workbench.store import Store, now
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS

from test_articles_listing import _plan_of_listing

BYLINED = {"title": "Border build-up", "author": "Jane <b>Analyst</b>", "outlet": "Example Wire",
           "text": "Satellite images show Belarusian units near the border with Ukraine. Analysts doubt it."}
UNSIGNED = {"title": "Minsk talks", "outlet": "Example Wire",
            "text": "Russian President Vladimir Putin met Alexander Lukashenko in Minsk on Monday."}


def _ingest(ws, tmp_path: Path, *records: dict) -> list[str]:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return ws.ingest(path, progress=False).added


def test_articles_list_their_author_on_both_backends(workspace_location, tmp_path):
    with wb.open_workspace(workspace_location, pipeline="builtin") as ws:
        bylined, unsigned = _ingest(ws, tmp_path, BYLINED, UNSIGNED)
        frame = ws.articles
        assert dict(zip(frame["id"], frame["author"])) == {bylined: "Jane <b>Analyst</b>", unsigned: None}
        assert list(frame.columns[:8]) == ["id", "title", "source", "reliability", "url", "published", "language",
                                           "author"]
        rows = {r["id"]: r for r in wb.CorpusBrowser(ws, live=False).rows}
        assert rows[bylined]["author"] == "Jane <b>Analyst</b>" and rows[unsigned]["author"] is None


def test_the_cli_lists_the_author_where_one_exists(tmp_path):
    location = tmp_path / "ws.sqlite"
    with wb.open_workspace(location, pipeline="builtin") as ws:
        _ingest(ws, tmp_path, UNSIGNED)
    table = CliRunner().invoke(main, ["articles", "--workspace", str(location)], catch_exceptions=False)
    assert table.exit_code == 0 and "author" not in table.output.splitlines()[0]   # nobody signed: no column
    records = json.loads(CliRunner().invoke(main, ["articles", "--workspace", str(location), "--format", "json"]).output)
    assert [r["author"] for r in records] == [None]   # JSON keeps its keys either way
    with wb.open_workspace(location, pipeline="builtin") as ws:
        (tmp_path / "more").mkdir()
        _ingest(ws, tmp_path / "more", BYLINED)
    table = CliRunner().invoke(main, ["articles", "--workspace", str(location)], catch_exceptions=False)
    header, *lines = table.output.splitlines()
    assert header.split()[:4] == ["id", "title", "source", "author"]
    assert any("Jane <b>Analyst</b>" in line for line in lines)
    csv_out = CliRunner().invoke(main, ["articles", "--workspace", str(location), "--format", "csv"]).output
    assert next(csv.reader(io.StringIO(csv_out)))[:4] == ["id", "title", "source", "author"]


def test_the_browser_static_table_and_the_report_show_the_author_escaped(tmp_path):
    with wb.open_workspace(tmp_path / "ws.sqlite", pipeline="builtin") as ws:
        _ingest(ws, tmp_path, BYLINED, UNSIGNED)
        html = wb.CorpusBrowser(ws, live=False).static_html()
        assert "<th>Author</th>" in html or ">Author<" in html
        assert "Jane &lt;b&gt;Analyst&lt;/b&gt;" in html and "<b>Analyst" not in html
        report = ws.report(tmp_path / "report.html").read_text(encoding="utf-8")
        assert "by Jane &lt;b&gt;Analyst&lt;/b&gt;" in report and "<b>Analyst" not in report
    with wb.open_workspace(tmp_path / "unsigned.sqlite", pipeline="builtin") as ws:
        (tmp_path / "u").mkdir()
        _ingest(ws, tmp_path / "u", UNSIGNED)
        assert ">Author<" not in wb.CorpusBrowser(ws, live=False).static_html()


def test_a_v12_workspace_gets_the_author_into_the_listing_index(tmp_path):
    path = tmp_path / "v12.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:   # a workspace as release 12 wrote it
        s.schema_migrations.create(conn)
        for step in [m for m in MIGRATIONS if m.version <= 12]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
        for i, author in enumerate(("J. Analyst", None)):
            conn.execute(insert(s.articles).values(id=f"{i}" * 16, language="en", text="Old text. " * 400,
                                                   content_hash=f"h{i}", words=800, ingested_at=now(), author=author))
        before = [row[2] for row in conn.execute(text("PRAGMA index_info(ix_articles_listing)"))]
    engine.dispose()
    assert "author" not in before

    Store(path).close()   # opening upgrades
    ws = wb.open_workspace(path)
    raw = ws.store.engine.raw_connection()
    try:
        after = [row[2] for row in raw.cursor().execute("PRAGMA index_info(ix_articles_listing)").fetchall()]
        versions = [row[0] for row in raw.cursor().execute("SELECT version FROM schema_migrations ORDER BY version")]
    finally:
        raw.close()
    assert after[-1] == "author" and after[:-1] == before
    assert versions[-1] == MIGRATIONS[-1].version >= 13
    plan = _plan_of_listing(ws)
    assert "COVERING INDEX ix_articles_listing" in plan, plan   # author read from the index, not the rows
    assert "TEMP B-TREE" not in plan, plan
    assert dict(zip(ws.articles["id"], ws.articles["author"])) == {"0" * 16: "J. Analyst", "1" * 16: None}
    ws.close()
