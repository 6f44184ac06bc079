"""PARC ACH fidelity through a workspace (issue 9 items 6 and 8): an analysis imported from PARC
or from 0-based JSON exports in every format and comes back with equal scores; PARC scores our
export as we do; TYPE, relevance and undated items survive; W3C collections are well formed;
export errors are one line; older workspaces gain the evidence type column."""
import csv
import json
import math
import sqlite3

import pytest
from click.testing import CliRunner
from parc_files import HYPOTHESES, IS, WIS, parc_205_file, wis_as_parc_scores_it

import workbench as wb
from workbench.cli import main
from workbench.demo import build_demo

FORMATS = ("json", "achz", "w3c", "csv")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def parc_scores(an):
    table = an.score(linchpins=False).hypotheses
    return table["parc_inconsistency"].tolist(), table["parc_weighted_inconsistency"].tolist()


def export_everything(location, analysis_id, folder):
    """Export through the CLI in every format; each must succeed in silence but for its path."""
    paths = {}
    for fmt in FORMATS:
        paths[fmt] = folder / f"out.{fmt}"
        result = run("analysis", "export", "--workspace", location, "--analysis", analysis_id, "--format", fmt,
                     "-o", paths[fmt])
        assert result.exit_code == 0 and "Traceback" not in result.output, (fmt, result.output)
    return paths


def reimported(path, tmp_path, name):
    other = wb.open_workspace(tmp_path / f"{name}.sqlite", pipeline="builtin")
    try:
        an = other.import_analysis(path)
        return list(an.hypotheses["name"]), list(an.hypotheses["position"]), parc_scores(an), an.to_document()
    finally:
        other.close()


def test_parc_file_exports_in_every_format_and_comes_back_with_equal_scores(tmp_path):
    source = tmp_path / "cable.achz"
    source.write_bytes(parc_205_file())
    assert run("analysis", "import", source, "--workspace", tmp_path / "ws.sqlite").exit_code == 0
    ws = wb.open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    an = ws.analysis(ws.analyses["id"][0])
    # stored 1-based, as the workbench numbers hypotheses (H1, H2, H3), in the file's order
    assert list(an.hypotheses["position"]) == [1, 2, 3] and list(an.hypotheses["name"]) == HYPOTHESES
    plain, weighted = parc_scores(an)
    assert plain == IS and weighted == pytest.approx(WIS)
    analysis_id = an.id
    ws.close()

    paths = export_everything(tmp_path / "ws.sqlite", analysis_id, tmp_path)
    for fmt in ("json", "achz"):
        names, positions, (plain, weighted), doc = reimported(paths[fmt], tmp_path, fmt)
        assert names == HYPOTHESES and positions == [1, 2, 3], fmt
        assert plain == IS and weighted == pytest.approx(WIS), fmt
        assert [e["evidence_type"] for e in doc["evidence"]] == ["HUMINT", "OSINT", None, None], fmt
        assert [e["event_date"] for e in doc["evidence"]] == [None, "2023-10-01", None, "2023-10-01T11:30:00Z"]
        assert [e["relevance"] for e in doc["evidence"]] == ["Low", "High", "Low", "High"], fmt
    assert wis_as_parc_scores_it(paths["achz"].read_bytes()) == pytest.approx(WIS)   # and so PARC would score it
    rows = list(csv.reader(paths["csv"].open(encoding="utf-8")))
    assert len(rows) == 1 + 4 and all(name in rows[0] for name in HYPOTHESES)
    annotations = json.loads(paths["w3c"].read_text())
    assert annotations["total"] == 0 and "first" not in annotations   # no quotes: no (empty) page


def test_json_with_zero_based_positions_exports_and_comes_back(tmp_path):
    doc = {"schema": "workbench.analysis", "version": 1, "analysis": {"question": "Zero-based?"},
           "hypotheses": [{"id": "a", "name": "First", "position": 0}, {"id": "b", "name": "Second", "position": 1},
                          {"id": "c", "name": "Third", "position": 2}],
           "evidence": [{"id": "e1", "kind": "assumption", "note": "n1", "credibility": "High", "relevance": "High"},
                        {"id": "e2", "kind": "absence", "note": "n2", "credibility": "Low"}],
           "ratings": [{"evidence_id": "e1", "hypothesis_id": "a", "rating": "I"},
                       {"evidence_id": "e1", "hypothesis_id": "c", "rating": "II"},
                       {"evidence_id": "e2", "hypothesis_id": "b", "rating": "I"}]}
    # IS: a −1, b −1, c −2; WIS: a −2 (√2·√2), b −1/√2, c −4
    expected = ([-1.0, -1.0, -2.0], [-2.0, -1 / math.sqrt(2), -4.0])
    source = tmp_path / "zero.json"
    source.write_text(json.dumps(doc))
    assert run("analysis", "import", source, "--workspace", tmp_path / "ws.sqlite").exit_code == 0
    ws = wb.open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    an = ws.analysis(ws.analyses["id"][0])
    assert list(an.hypotheses["position"]) == [1, 2, 3]
    assert parc_scores(an)[0] == expected[0] and parc_scores(an)[1] == pytest.approx(expected[1])
    analysis_id = an.id
    ws.close()
    paths = export_everything(tmp_path / "ws.sqlite", analysis_id, tmp_path)
    for fmt in ("json", "achz"):
        names, positions, (plain, weighted), _ = reimported(paths[fmt], tmp_path, fmt)
        assert names == ["First", "Second", "Third"] and positions == [1, 2, 3]
        assert plain == expected[0] and weighted == pytest.approx(expected[1])


def test_a_workspace_holding_two_hypotheses_at_one_position_still_exports(tmp_path):
    # what importing a 0-based file left behind before the fix: positions 1, 1, 2
    source = tmp_path / "cable.achz"
    source.write_bytes(parc_205_file())
    ws = wb.open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    an = ws.import_analysis(source)
    analysis_id = an.id
    ws.close()
    with sqlite3.connect(tmp_path / "ws.sqlite") as conn:
        conn.execute("UPDATE hypotheses SET position = position - 1 WHERE position > 1")
        assert [p for (p,) in conn.execute("SELECT position FROM hypotheses ORDER BY position")] == [1, 1, 2]
    paths = export_everything(tmp_path / "ws.sqlite", analysis_id, tmp_path)
    names, positions, (plain, _), _ = reimported(paths["json"], tmp_path, "again")
    assert sorted(names) == sorted(HYPOTHESES) and positions == [1, 2, 3]
    assert sorted(plain) == sorted(IS)


@pytest.fixture
def demo(ws):
    _, an = build_demo(ws, progress=False)
    return ws, an


def test_parc_scores_the_demo_export_as_the_workbench_does(demo, tmp_path):
    """H3 "Belarus steps back": I on E2, E3, E10 (Medium × Medium = 1 each), II on E6 (1) and on
    E7, whose credibility and relevance are both High (√2 · √2 = 2): WIS = −1 −1 −1 −2 −2·2 = −9.
    Read without its relevance, E7 weighs √2 and PARC would show −7.83."""
    ws, an = demo
    out = tmp_path / "demo.achz"
    assert run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "achz",
               "-o", out).exit_code == 0
    parc = wis_as_parc_scores_it(out.read_bytes())
    assert parc[2] == pytest.approx(-9.0)
    assert parc == pytest.approx(parc_scores(an)[1])


def test_w3c_collection_has_creator_and_its_page_is_part_of_it(demo, tmp_path):
    ws, an = demo
    out = tmp_path / "demo.jsonld"
    assert run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "w3c",
               "-o", out).exit_code == 0
    data = json.loads(out.read_text())
    assert data["creator"] == {"type": "Person", "name": ws.actor}
    page = data["first"]
    assert page["partOf"] == data["id"] and data["last"] == page["id"]
    assert data["total"] == len(page["items"]) == 10   # the demo's ten quotes; its assumption is no annotation


def test_w3c_of_an_analysis_without_quotes_has_no_empty_page(ws):
    an = ws.new_analysis("Only assumptions?", ["Yes", "No"])
    an.add_assumption("Nobody quoted anything", ratings={"Yes": "C", "No": "I"})
    data = an.to_document()
    from workbench.analysis import to_web_annotations

    annotations = to_web_annotations(data)
    assert annotations["total"] == 0
    assert "first" not in annotations and "last" not in annotations
    assert annotations["creator"] == {"type": "Person", "name": ws.actor}


def test_export_to_a_place_that_cannot_be_written_is_one_line(demo, tmp_path):
    ws, an = demo
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("analysis", "export", "--workspace", ws.location, "--analysis", an.id, "--format", "json",
                 "-o", blocker / "out.json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(blocker) in lines[0]


def test_workspace_from_before_the_evidence_type_gains_it(tmp_path):
    from sqlalchemy import create_engine, insert

    from workbench.store import schema as s
    from workbench.store.migrations import MIGRATIONS
    from workbench.store import Store, now

    path = tmp_path / "old.sqlite"
    step = next(m for m in MIGRATIONS if "evidence type" in m.description)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a workspace as the steps before this one left it
        s.schema_migrations.create(conn)
        for migration in MIGRATIONS:
            if migration.version < step.version:
                migration.apply(conn)
                conn.execute(insert(s.schema_migrations).values(version=migration.version, description="old",
                                                                 applied_at=now()))
        assert "evidence_type" not in {c[1] for c in conn.exec_driver_sql("PRAGMA table_info(evidence)")}
        conn.exec_driver_sql("INSERT INTO analyses (id, question, created_by, created_at, updated_at) "
                             "VALUES ('an1', 'Old?', 'ana', 't', 't')")
        conn.exec_driver_sql("INSERT INTO evidence (id, analysis_id, kind, note, analyst, created_at, updated_at) "
                             "VALUES ('e1', 'an1', 'assumption', 'kept', 'ana', 't', 't')")
    engine.dispose()
    store = Store(path)
    assert store.schema_version() == MIGRATIONS[-1].version
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT note, evidence_type FROM evidence").all() == [("kept", None)]
    store.close()
