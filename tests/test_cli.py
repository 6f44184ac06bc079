"""The command line, through click's CliRunner, on real workspaces: a SQLite file and, with
``--workspace postgresql+psycopg://…``, a PostgreSQL database (``workspace_location``)."""
import csv
import io
import json

from click.testing import CliRunner

from workbench.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


# SQLite only: the demo writes its workspace as a file in --out
def test_demo_builds_workspace_and_report(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "workspace.sqlite").is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Putin – Lukashenko talks in Minsk" in html
    assert 'class="wb-ent' in html
    again = run("demo", "--out", out)  # idempotent
    assert again.exit_code == 0 and "already present" in again.output


def test_ingest_articles_entities_report(tmp_path, seed_dir, workspace_location):
    ws = workspace_location
    result = run("ingest", "--workspace", ws, seed_dir)
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output

    table = run("articles", "--workspace", ws)
    assert "Putin – Lukashenko" in table.output

    records = json.loads(run("articles", "--workspace", ws, "--format", "json").output)
    assert len(records) == 1
    assert set(records[0]) >= {"id", "title", "source", "url", "published", "language", "words", "copy_of"}
    assert records[0]["source"] == "Insight News Media" and records[0]["copy_of"] is None
    assert records[0]["words"] > 1000

    rows = list(csv.DictReader(io.StringIO(run("articles", "--workspace", ws, "--format", "csv").output)))
    assert rows[0]["id"] == records[0]["id"]

    ents = json.loads(run("entities", "--workspace", ws, "--format", "json").output)
    assert ents and set(ents[0]) >= {"article_id", "start", "end", "label", "text", "canonical"}
    other = tmp_path / "other.txt"
    other.write_text("NATO met in Brussels on Monday. Jens Stoltenberg spoke about Ukraine.\n", encoding="utf-8")
    assert run("ingest", "--workspace", ws, other).exit_code == 0
    ents = json.loads(run("entities", "--workspace", ws, "--format", "json").output)
    one = json.loads(run("entities", "--workspace", ws, "--article", records[0]["id"][:8], "--format", "json").output)
    assert len({e["article_id"] for e in ents}) == 2          # both articles have entities
    assert one and {e["article_id"] for e in one} == {records[0]["id"]}
    assert len(one) < len(ents)                               # the filter keeps one article's mentions only
    assert "PERSON" in run("entities", "--workspace", ws).output

    report = tmp_path / "r.html"
    assert run("report", "--workspace", ws, "-o", report).exit_code == 0
    assert "<mark" in report.read_text(encoding="utf-8")


def test_failed_sources_give_one_line_each_and_nonzero_exit(tmp_path, seed_dir, workspace_location):
    ws = workspace_location
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = CliRunner().invoke(main, ["ingest", "--workspace", str(ws), str(seed_dir), str(empty),
                                       str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert failures == [f"failed: {empty}: empty file", f"failed: {tmp_path / 'missing.txt'}: no such file or directory"]
    records = json.loads(run("articles", "--workspace", ws, "--format", "json").output)
    assert len(records) == 1  # the good source stayed stored


def test_unknown_article_and_missing_workspace(tmp_path, seed_dir, workspace_location):
    ws = workspace_location
    run("ingest", "--workspace", ws, seed_dir)
    bad = CliRunner().invoke(main, ["entities", "--workspace", str(ws), "--article", "zzzzzz"])
    assert bad.exit_code == 1 and "not in this workspace" in bad.output
    nowhere = f"{ws}_nope" if "://" in ws else str(tmp_path / "nope.sqlite")  # no such file / database
    missing = CliRunner().invoke(main, ["articles", "--workspace", nowhere])
    expected = "no such database on the server" if "://" in ws else "no such workspace"
    assert missing.exit_code == 1 and expected in missing.output and nowhere in missing.output, missing.output
    assert len(missing.output.strip().splitlines()) == 1


# SQLite only: a file that is not a database (a server's refusals are in test_store_postgres)
def test_not_a_database(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(main, ["articles", "--workspace", str(junk)])
    assert result.exit_code == 1
    assert "not a database" in result.output
    assert junk.read_bytes() == b"this is not sqlite" * 100  # nothing overwritten


def test_claims_command(tmp_path, seed_dir, workspace_location):
    ws = workspace_location
    run("ingest", "--workspace", ws, seed_dir)
    records = json.loads(run("claims", "--workspace", ws, "--format", "json").output)
    podoliak = [r for r in records if r["speaker"] == "Mykhailo Podoliak"]
    assert podoliak and podoliak[0]["quote"].startswith("The agenda is banal")
    assert "Dmitry Peskov" in run("claims", "--workspace", ws).output
