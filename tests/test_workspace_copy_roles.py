"""Copying a workspace between backends (SQLite → PostgreSQL, PostgreSQL → SQLite, SQLite → SQLite)
losslessly, and viewer / analyst roles on a PostgreSQL workspace, through the command line."""
from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import workbench as wb
from conftest import SEED_TXT
from workbench.cli import main


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _fill(location: str, tmp_path) -> str:
    """A workspace with articles (one a near copy), entity corrections, an analysis with ratings,
    an edit undone, a source graded: every kind of row and log event."""
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_TXT.read_text(encoding="utf-8").replace("Minsk", "Minsk city", 1), encoding="utf-8")
    with wb.open_workspace(location, pipeline="builtin", actor="ana") as ws:
        ws.ingest(SEED_TXT, copy, progress=False)
        article = ws.articles.id[0]
        ws.add_mention(None, "Union State", "ORG", everywhere=True)
        ws.relabel_entity("Alexander Lukashenko", "PERSON")
        an = ws.new_analysis("Will Belarus join the ground war?", ["Joins", "Stays out", "Feints"])
        an.tag_quote(article, "Lukashenko", occurrence=1, ratings={"Joins": "C", "Stays out": "I"},
                     credibility="High")
        an.add_assumption("Minsk fears unrest", ratings={"Stays out": "CC", "Feints": "N"})
        an.rate("E1", "Feints", "II")
        an.update_evidence("E2", note="Minsk fears unrest in the army")
        an.undo()
        ws.grade_source(ws.sources.iloc[0]["name"], "B")
    # two more analysts rate beside ana (each keeps their own ratings and undo)
    with wb.open_workspace(location, actor="ben") as ws:
        mine = ws.analysis(an.id)
        mine.rate("E1", "Joins", "II")
        mine.rate("E2", "Stays out", "N")
        mine.rate("E2", "Feints", "I")
    with wb.open_workspace(location, actor="cy") as ws:
        mine = ws.analysis(an.id)
        mine.rate("E1", "Joins", "CC")
        mine.rate("E1", "Stays out", "C")
    return an.id


def _fingerprint(location: str, aid: str) -> dict:
    with wb.open_workspace(location) as ws:
        arts = ws.articles
        hashes = {a: ws.article(a).content_hash for a in arts.id}
        texts = {a: hashlib.sha256(ws.article(a).text.encode()).hexdigest() for a in arts.id}
        an = ws.analysis(aid)
        scores = an.score().hypotheses.round(9).to_dict()
        return {"articles": sorted(arts.id), "hashes": hashes, "texts": texts,
                "entities": ws.entities().sort_values(["article_id", "start"]).to_dict("records"),
                "matrix": an.matrix().to_dict(), "scores": scores, "analysts": an.analysts(),
                "mine": {who: an.matrix(who).to_dict() for who in an.analysts()},
                "disagreements": an.disagreements().cells.round(9).to_dict("records"),
                "history": ws.history(limit=10_000)[["actor", "action", "target_type"]].to_dict("records"),
                "corrections": len(ws.corrections)}


def _roundtrip(src: str, dest: str, tmp_path) -> None:
    aid = _fill(src, tmp_path)
    before = _fingerprint(src, aid)
    result = _cli("workspace", "copy", src, dest)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("copy: ")
    for end in (src, dest):
        checked = _cli("workspace", "check", end)
        assert checked.exit_code == 0 and "result: ok" in checked.output, checked.output
    assert _fingerprint(dest, aid) == before
    assert before["analysts"] == ["ana", "ben", "cy"]
    with wb.open_workspace(dest, actor="ana") as ws:  # the history came along: undo works on the copy
        an = ws.analysis(aid)
        assert an.undo() == "rate E1 against Feints: II"
        assert an.matrix("ana").loc["E1", "Feints"] == "NA"
        assert an.redo() == "rate E1 against Feints: II"
    with wb.open_workspace(dest, actor="ben") as ws:  # each analyst's own undo, the others' untouched
        an = ws.analysis(aid)
        assert an.undo() == "rate E2 against Feints: I"
        assert an.matrix("ben").loc["E2", "Feints"] == "NA"
        assert an.matrix("ana").to_dict() == before["mine"]["ana"] and an.matrix("cy").to_dict() == before["mine"]["cy"]
        assert an.redo() == "rate E2 against Feints: I"
    assert _fingerprint(dest, aid)["mine"] == before["mine"]
    assert _cli("workspace", "check", dest).exit_code == 0
    with wb.open_workspace(dest, pipeline="builtin") as ws:  # new rows get new numbers after the copied ones
        ws.add_mention(None, "Kremlin", "ORG", everywhere=True)
        ws.analysis(aid).add_assumption("after the copy")
    assert _cli("workspace", "check", dest).exit_code == 0


def test_copy_sqlite_to_postgresql(tmp_path, pg_url):
    _roundtrip(str(tmp_path / "ws.sqlite"), pg_url, tmp_path)


def test_copy_postgresql_to_sqlite(tmp_path, pg_url):
    _roundtrip(pg_url, str(tmp_path / "copy.sqlite"), tmp_path)


def test_copy_sqlite_to_sqlite(tmp_path):
    _roundtrip(str(tmp_path / "ws.sqlite"), str(tmp_path / "copy.sqlite"), tmp_path)


def test_copy_postgresql_to_postgresql(pg_cluster, pg_url, tmp_path):
    _roundtrip(pg_url, pg_cluster.new_database(), tmp_path)


def test_a_refused_copy_leaves_the_destination_untouched(tmp_path, pg_url, pg_cluster):
    source = str(tmp_path / "ws.sqlite")
    _fill(source, tmp_path)
    other = str(tmp_path / "other.sqlite")
    with wb.open_workspace(other, pipeline="builtin") as ws:
        ws.ingest(SEED_TXT, progress=False)
    assert _cli("workspace", "copy", source, pg_url).exit_code == 0   # now holds a workspace
    with wb.open_workspace(pg_url) as ws:
        events = len(ws.history(limit=10_000))
    result = _cli("workspace", "copy", other, pg_url)
    assert result.exit_code == 1 and "not empty" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    with wb.open_workspace(pg_url) as ws:
        assert len(ws.history(limit=10_000)) == events and len(ws.articles) == 2
    name = pg_cluster.new_database().rsplit("/", 1)[1]
    pg_cluster.sql("CREATE TABLE invoices (id int)", database=name)
    result = _cli("workspace", "copy", source, pg_cluster.url(name))
    assert result.exit_code == 1 and "another application's database (invoices)" in result.output
    before = (tmp_path / "other.sqlite").read_bytes()
    result = _cli("workspace", "copy", pg_url, other)
    assert result.exit_code == 1 and "refusing to overwrite it" in result.output
    assert (tmp_path / "other.sqlite").read_bytes() == before


# -- roles ------------------------------------------------------------------------------------------
@pytest.fixture
def team(pg_cluster, pg_url, tmp_path):
    """A workspace on the server with two login roles granted: vera (viewer) and alex (analyst)."""
    aid = _fill(pg_url, tmp_path)
    name = pg_url.rsplit("/", 1)[1]
    roles = [f"vera_{name}", f"alex_{name}"]
    pg_cluster.sql(f'CREATE ROLE "{roles[0]}" LOGIN')  # alex is created by the grant itself
    for role, kind in zip(roles, ("--viewer", "--analyst")):
        result = _cli("workspace", "grant", pg_url, role, kind)
        assert result.exit_code == 0, result.output
    yield aid, pg_cluster.url(name, user=roles[0]), pg_cluster.url(name, user=roles[1])
    for role in roles:
        pg_cluster.sql(f'DROP OWNED BY "{role}" CASCADE', database=name)
        pg_cluster.sql(f'DROP ROLE "{role}"')


def test_a_viewer_reads_and_cannot_write(team, tmp_path):
    aid, viewer, _ = team
    with wb.open_workspace(viewer, actor="vera") as ws:
        an = ws.analysis(aid)
        assert len(an.evidence) == 2 and an.score() is not None
        ws.report(tmp_path / "viewer-report.html")
        with pytest.raises(wb.errors.StoreIOError, match=r"permission denied .*nothing was changed"):
            an.rate("E1", "Joins", "II")
    result = _cli("analysis", "confidence", "-w", viewer, "-a", aid, "low", "--note", "thin sourcing")
    assert result.exit_code == 1 and "permission denied" in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    result = _cli("ingest", "--workspace", viewer, str(tmp_path / "copy.txt"))
    assert result.exit_code == 1 and "read-only for this login" in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    checked = _cli("workspace", "check", viewer)
    assert checked.exit_code == 0, checked.output


def test_an_analyst_edits_analyses_but_cannot_rewrite_text_or_the_log(team, tmp_path):
    aid, _, analyst = team
    with wb.open_workspace(analyst, actor="alex") as ws:
        an = ws.analysis(aid)
        an.rate("E1", "Joins", "CC")
        an.add_assumption("Minsk waits for Moscow", ratings={"Feints": "C"})
        assert an.undo() == "assume 'Minsk waits for Moscow'"
        article = ws.articles.id[0]
        ws.add_mention(article, "Kremlin", "ORG", start=ws.article(article).text.index("Kremlin"))
        for statement in ("UPDATE articles SET text = 'forged'", "UPDATE audit_log SET actor = 'nobody'",
                          "DELETE FROM audit_log", "CREATE TABLE notes (x int)", "DROP TABLE ratings"):
            with pytest.raises(wb.errors.StoreIOError, match="permission denied") as caught:
                with ws.store.transaction() as conn:
                    conn.execute(text(statement))
            assert "\n" not in str(caught.value)
    result = _cli("analysis", "confidence", "-w", analyst, "-a", aid, "low", "--note", "thin sourcing")
    assert result.exit_code == 0, result.output
    later = tmp_path / "later.txt"
    later.write_text("Belarus and Russia held joint exercises near Brest on Friday, officials said.", encoding="utf-8")
    result = _cli("ingest", "--workspace", analyst, str(later))  # an analyst may add articles
    assert result.exit_code == 0, result.output
    assert _cli("workspace", "check", analyst).exit_code == 0


def test_grant_refusals_are_one_line(pg_url, tmp_path):
    result = _cli("workspace", "grant", pg_url, "someone", "--viewer")
    assert result.exit_code == 1 and "not a workbench workspace" in result.output
    result = _cli("workspace", "grant", str(tmp_path / "ws.sqlite"), "someone", "--viewer")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    result = _cli("workspace", "grant", pg_url, "someone")
    assert result.exit_code != 0 and "--viewer or --analyst" in result.output


def test_every_command_takes_a_url_where_it_takes_a_path(pg_url, tmp_path):
    """``--workspace postgresql+psycopg://…`` on ingest, listings, scoring and the report."""
    assert _cli("ingest", "--workspace", pg_url, str(SEED_TXT)).exit_code == 0
    listed = _cli("articles", "--workspace", pg_url, "--format", "json")
    assert listed.exit_code == 0 and '"language": "en"' in listed.output
    entities = _cli("entities", "--workspace", pg_url, "--format", "csv")
    assert entities.exit_code == 0 and "Lukashenko" in entities.output
    with wb.open_workspace(pg_url, actor="ana") as ws:
        aid = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"]).id
        ws.analysis(aid).add_assumption("Minsk fears unrest", ratings={"Joins": "I", "Stays out": "C"})
    scored = _cli("analysis", "score", "--workspace", pg_url, "--analysis", aid, "--format", "json")
    assert scored.exit_code == 0 and '"bayes"' in scored.output
    report = _cli("report", "--workspace", pg_url, "-o", str(tmp_path / "report.html"))
    assert report.exit_code == 0 and "Minsk fears unrest" in (tmp_path / "report.html").read_text(encoding="utf-8")
