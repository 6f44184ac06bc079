"""An analysis out of one workspace and into another: JSON (lossless), PARC .achz, W3C, CSV,
through the CLI exactly as scripts call it; bad files refused with nothing written.

Every test runs on a SQLite file and on a PostgreSQL database (``workspace_location``)."""
import gzip
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from workbench.cli import main
from workbench.demo import DEMO_QUESTION, build_demo
from workbench.errors import StoreError


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def ws(any_ws):
    """The workspace under test, on each backend."""
    return any_ws


@pytest.fixture
def demo(ws):
    _, an = build_demo(ws, progress=False)
    return ws, an


def _counts(ws):
    with ws.store.read() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("analyses", "hypotheses", "evidence", "ratings")}


def test_json_round_trip_is_lossless(demo, tmp_path):
    import workbench as wb

    ws, an = demo
    an.rate("E2", "H2", "CC")
    an.update_evidence("E3", flags=["deception"], note="changed")
    exported = run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "json",
                   "-o", tmp_path / "a.json")
    assert exported.exit_code == 0, exported.output
    other = wb.open_workspace(tmp_path / "other.sqlite")
    other.ingest(wb.demo_sources(), progress=False)  # the same articles: quotes anchor to them
    other.close()
    imported = run("analysis", "import", tmp_path / "a.json", "--workspace", tmp_path / "other.sqlite")
    assert imported.exit_code == 0, imported.output
    again = wb.open_workspace(tmp_path / "other.sqlite").analysis(an.id)
    assert again.to_document() == json.loads((tmp_path / "a.json").read_text())
    assert again.to_document() == an.to_document()


def test_achz_round_trip_and_parc_layout(demo, tmp_path):
    import workbench as wb
    from workbench.analysis import read_achz

    ws, an = demo
    out = tmp_path / "a.achz"
    assert run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "achz", "-o", out).exit_code == 0
    raw = gzip.decompress(out.read_bytes())
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 with a byte-order mark
    xml = raw.decode("utf-16")
    for tag in ("PROJECT-TITLE", "MATRIX", "HYPOTHESIS", "EVIDENCE", "CREDIBILITY", "VALUES"):
        assert f"<{tag}" in xml, tag
    doc = read_achz(out.read_bytes())
    assert [h["name"] for h in doc["hypotheses"]] == list(an.hypotheses["name"])
    fresh = wb.open_workspace(tmp_path / "fresh.sqlite")
    fresh.ingest(wb.demo_sources(), progress=False)
    imported = fresh.import_analysis(out)
    assert imported.question == DEMO_QUESTION
    assert imported.evidence[list(an.hypotheses["name"])].equals(an.evidence[list(an.hypotheses["name"])])


def test_w3c_annotations(demo, tmp_path):
    ws, an = demo
    out = tmp_path / "a.jsonld"
    assert run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "w3c", "-o", out).exit_code == 0
    data = json.loads(out.read_text())
    text = json.dumps(data)
    assert "http://www.w3.org/ns/anno.jsonld" in text and "TextQuoteSelector" in text
    assert "the armed forces of Belarus did not directly engage" in text


def test_list_and_score_json(demo):
    ws, an = demo
    listed = json.loads(run("analysis", "list", "--workspace", ws.location, "--format", "json").output)
    assert listed[0]["id"] == an.id and listed[0]["evidence"] == 11
    scored = json.loads(run("analysis", "score", "--workspace", ws.location, "--analysis", an.id, "--format", "json").output)
    names = list(an.hypotheses["name"])
    for engine in ("parc", "parc_weighted", "open_synthesis", "bayes"):
        assert set(scored["engines"][engine]["scores"]) == set(names)
        assert set(scored["engines"][engine]["diagnosticity"]) == {f"E{i}" for i in range(1, 12)}
        assert "linchpins" in scored["engines"][engine]
    table = run("analysis", "score", "--workspace", ws.location, "--analysis", an.id)
    assert table.exit_code == 0 and "Bayesian posterior" in table.output


@pytest.mark.parametrize("name,data,expect", [
    ("not-gzip.achz", b"PK\x03\x04 this is a zip", "neither an analysis JSON document nor a gzip"),
    ("not-utf16.achz", gzip.compress(b"<PROJECT></PROJECT>"), "UTF-16"),
    ("not-xml.achz", gzip.compress("this is not xml at all".encode("utf-16")), "XML"),
    ("no-matrix.achz", gzip.compress("<PROJECT><PROJECT-TITLE>x</PROJECT-TITLE></PROJECT>".encode("utf-16")), "MATRIX"),
    ("newer.json", json.dumps({"schema": "workbench.analysis", "version": 99, "analysis": {"question": "q"},
                               "hypotheses": [], "evidence": [], "ratings": []}).encode(), "newer"),
    ("bad-rating.json", json.dumps({"schema": "workbench.analysis", "version": 1, "analysis": {"question": "q"},
                                    "hypotheses": [{"id": "h1", "name": "A"}],
                                    "evidence": [{"id": "e1", "kind": "assumption", "note": "n"}],
                                    "ratings": [{"evidence_id": "e1", "hypothesis_id": "h1", "rating": "Z"}]}).encode(), "rating"),
])
def test_bad_analysis_files_are_refused_and_nothing_is_written(demo, tmp_path, name, data, expect):
    ws, _ = demo
    before = _counts(ws)
    path = tmp_path / name
    path.write_bytes(data)
    result = run("analysis", "import", path, "--workspace", ws.location)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: ") and str(path) in message and expect.lower() in message.lower(), message
    assert _counts(ws) == before


def test_a_quote_that_no_longer_matches_is_kept_as_an_orphan(demo, tmp_path):
    ws, an = demo
    doc = an.to_document()
    doc["analysis"]["id"] = "another-id"
    doc["evidence"][0]["exact"] = "words that were never in the article at all"
    doc["evidence"][0]["end"] = doc["evidence"][0]["start"] + len(doc["evidence"][0]["exact"])
    before = _counts(ws)
    imported = ws.import_analysis(doc)  # the import goes through: one orphan, the rest anchored
    after = _counts(ws)
    assert after["evidence"] - before["evidence"] == len(doc["evidence"])
    assert after["ratings"] - before["ratings"] == sum(r["rating"] != "NA" for r in doc["ratings"])
    orphans = imported.orphans
    assert list(orphans["label"]) == ["E1"]
    assert orphans["start"].isna().all() and orphans["exact"].iloc[0] == "words that were never in the article at all"


def test_a_shifted_quote_is_found_again_by_its_selector(demo, tmp_path):
    ws, an = demo
    doc = an.to_document()
    doc["analysis"]["id"] = "shifted"
    item = doc["evidence"][0]
    item["start"] += 5
    item["end"] += 5  # offsets off; exact + prefix + suffix still find it
    imported = ws.import_analysis(doc)
    first = imported.evidence.iloc[0]
    assert ws.article(first["article_id"]).text[first["start"]:first["end"]] == item["exact"]


def test_importing_the_same_analysis_twice_is_refused(demo, tmp_path):
    ws, an = demo
    with pytest.raises(StoreError, match="already in this workspace"):
        ws.import_analysis(an.to_document())


def test_csv_of_the_matrix(demo, tmp_path):
    import csv

    ws, an = demo
    out = tmp_path / "m.csv"
    assert run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "csv", "-o", out).exit_code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    header = rows[0]
    for name in an.hypotheses["name"]:
        assert name in header
    assert len(rows) == 1 + 11


def test_a_document_is_built_from_one_read_of_the_analysis(demo):
    """The export joins evidence, articles, outlets and ratings once (the state's two
    statements), not again beside a second snapshot for the groups."""
    from test_widget_messages import Statements

    ws, an = demo
    with Statements(ws.store.engine) as counted:
        doc = an.to_document()
    assert len(counted.seen) <= 2, counted.seen
    assert len(doc["evidence"]) == len(an.evidence) and doc["ratings"]


def test_a_document_keeps_the_stored_grade_and_the_items_own_report_date(demo):
    """The views show an ungraded outlet as ungraded and the article's date where the item has
    none; the document keeps what is stored (the outlet's placeholder grade, no report date)."""
    ws, an = demo
    item = an.evidence.dropna(subset=["article_id"]).iloc[0]
    an.update_evidence(item["id"], report_date="2020-01-02")
    with ws.store.read() as conn:
        stored = dict(conn.execute(text(
            "SELECT e.id, s.reliability FROM evidence e JOIN articles a ON a.id = e.article_id "
            "JOIN sources s ON s.id = a.source_id WHERE e.analysis_id = :a"), {"a": an.id}).all())
    doc = {e["id"]: e for e in an.to_document()["evidence"]}
    table = an.evidence.set_index("id")
    assert stored and all(doc[eid]["reliability"] == grade for eid, grade in stored.items())
    assert doc[item["id"]]["report_date"] == "2020-01-02"
    others = [eid for eid in stored if eid != item["id"] and table.loc[eid, "report_date"] is not None]
    assert others and all(doc[eid]["report_date"] is None for eid in others)


# -- several analysts --------------------------------------------------------------------------
def _team_facts(an) -> dict:
    """What a team's analysis is: who rated, each one's matrix and scores, the team's, the splits."""
    views = [*an.analysts(), "team"]
    found = an.disagreements()
    return {"analysts": an.analysts(),
            "matrices": {v: an.matrix(v).to_dict() for v in views},
            "scores": {v: an.score(v).hypotheses.round(9).to_dict() for v in views},
            "cells": found.cells.round(9).to_dict("records"),
            "leaders": found.leaders.round(9).to_dict("records")}


def test_each_analysts_ratings_survive_a_json_export_and_import(any_team, tmp_path):
    import workbench as wb

    location, aid = any_team
    with wb.open_workspace(location) as ws:
        before = _team_facts(ws.analysis(aid))
    out = tmp_path / "team.json"
    result = run("analysis", "export", "-w", location, "-a", aid, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"json: {out} (each analyst's ratings (ana, ben, cy) and their consensus)"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == 2
    # the conftest votes: ana rated 4 cells, ben 3, cy 2; E1 Joins C / I / I
    by = {}
    for rating in doc["analyst_ratings"]:
        by.setdefault(rating["analyst"], []).append(rating["rating"])
    assert {who: len(ratings) for who, ratings in by.items()} == {"ana": 4, "ben": 3, "cy": 2}
    assert sorted(r["rating"] for r in doc["ratings"]) == ["C", "I", "N", "N"]  # the consensus, as before
    other = tmp_path / "other.sqlite"
    imported = run("analysis", "import", out, "-w", other, "--analyst", "zoe")  # zoe imports: the raters stay
    assert imported.exit_code == 0, imported.output
    with wb.open_workspace(other, analyst="zoe") as ws:
        again = ws.analysis(aid)
        assert _team_facts(again) == before
        assert again.to_document() == doc
        assert again.undo().startswith("import analysis")  # the import is one change, zoe's to undo
        assert len(ws.analyses) == 0


def test_achz_exports_the_consensus_or_one_analysts_matrix(any_team, tmp_path):
    import workbench as wb
    from workbench.analysis import read_achz

    location, aid = any_team
    team_file, cy_file = tmp_path / "team.achz", tmp_path / "cy.achz"
    result = run("analysis", "export", "-w", location, "-a", aid, "--format", "achz", "-o", team_file)
    assert result.output.strip() == f"achz: {team_file} (the team's consensus of ana, ben, cy)"
    result = run("analysis", "export", "-w", location, "-a", aid, "--format", "achz", "-o", cy_file,
                 "--analyst", "cy")
    assert result.exit_code == 0 and result.output.strip() == f"achz: {cy_file} (cy's ratings)", result.output
    ids = {}
    with wb.open_workspace(location) as ws:
        an = ws.analysis(aid)
        ids = {**dict(zip(an.hypotheses["id"], an.hypotheses["name"])),
               **dict(zip(an.evidence["id"], an.evidence["label"]))}

    def cells(doc):
        return {(ids[r["evidence_id"]], ids[r["hypothesis_id"]]): r["rating"] for r in doc["ratings"]
                if r["rating"] != "NA"}
    # consensus: E1 Joins C, I, I → N; E1 Stays out II, II, N → I; E2 Joins N, N → N; E2 Stays out C alone
    team = read_achz(team_file.read_bytes())
    assert cells(team) == {("E1", "Joins"): "N", ("E1", "Stays out"): "I", ("E2", "Joins"): "N",
                           ("E2", "Stays out"): "C"}
    assert team["analyst_ratings"] == []
    cy = read_achz(cy_file.read_bytes())   # cy rated E1 only: Joins I, Stays out N
    assert cells(cy) == {("E1", "Joins"): "I", ("E1", "Stays out"): "N"}
    assert {r["analyst"] for r in cy["analyst_ratings"]} == {"cy"}
    with wb.open_workspace(tmp_path / "fresh.sqlite", analyst="zoe") as ws:  # cy's matrix comes back as cy's
        back = ws.import_analysis(cy_file)
        assert back.analysts() == ["cy"] and back.matrix("cy").loc["E1", ["Joins", "Stays out"]].tolist() == ["I", "N"]
    wrong = run("analysis", "export", "-w", location, "-a", aid, "--format", "achz", "-o", tmp_path / "z.achz",
                "--analyst", "zed")
    assert wrong.exit_code == 1 and wrong.output.strip() == (
        f"Error: analyst 'zed': has rated nothing in analysis {aid} (rated by: ana, ben, cy)")
    assert not (tmp_path / "z.achz").exists()


def test_a_document_whose_ratings_are_not_the_analysts_consensus_is_refused(any_team, tmp_path):
    import workbench as wb

    location, aid = any_team
    with wb.open_workspace(location) as ws:
        doc = ws.analysis(aid).to_document()
    doc["analysis"]["id"] = "edited"
    doc["ratings"][0]["rating"] = "CC"   # edited by hand: no longer what the analysts' ratings give
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("analysis", "import", path, "-w", tmp_path / "other.sqlite")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "is CC but the consensus of analyst_ratings is" in result.output and str(path) in result.output
