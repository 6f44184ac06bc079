"""What an analyst types on the command line: an analysis by prefix, question fragment or
``latest``; sources listed and graded (issue 15, items 5 and 6). Real workspace files."""
import json

import pytest
from click.testing import CliRunner

import workbench as wb
from workbench.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def two_analyses(workspace_location, seed_dir):
    path = workspace_location  # a SQLite file or a throwaway PostgreSQL database
    with wb.open_workspace(path, pipeline="builtin") as ws:
        ws.ingest(seed_dir, progress=False)
        first = ws.new_analysis("Will Belarus mobilise its reserves?", ["Yes", "No"])
        second = ws.new_analysis("Will Minsk host more Russian troops?", ["Yes", "No"])
    return path, first.id, second.id


def test_analysis_by_latest_prefix_and_question_fragment(two_analyses):
    path, first, second = two_analyses
    for choice, expected in (("latest", second), (first[:4], first), ("mobilise", first),
                             ("MINSK HOST", second), (second, second)):
        result = run("analysis", "score", "--workspace", path, "--analysis", choice, "--format", "json")
        assert result.exit_code == 0, (choice, result.output)
        assert json.loads(result.output)["analysis"] == expected, choice


def test_ambiguous_or_unknown_analysis_is_one_line(two_analyses):
    path, _, _ = two_analyses
    for choice, words in (("Will", "more than one"), ("no such words", "not in this workspace")):
        result = run("analysis", "score", "--workspace", path, "--analysis", choice)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and repr(choice) in lines[0], result.output


def test_sources_listed_with_grade_and_counts_then_graded(tmp_path, seed_dir):
    path = tmp_path / "w.sqlite"
    assert run("demo", "--out", tmp_path / "demo").exit_code == 0
    path = tmp_path / "demo" / "workspace.sqlite"
    listed = json.loads(run("sources", "--workspace", path, "--format", "json").output)
    outlet = next(s for s in listed if s["name"] == "Insight News Media")
    assert outlet["reliability"] == "F" and outlet["articles"] >= 1 and outlet["evidence"] == 10
    graded = run("sources", "grade", "--workspace", path, "Insight News Media", "C", "--note", "partisan, accurate")
    assert graded.exit_code == 0, graded.output
    assert "Insight News Media" in graded.output and "C" in graded.output
    again = json.loads(run("sources", "--workspace", path, "--format", "json").output)
    assert next(s for s in again if s["name"] == "Insight News Media")["reliability"] == "C"
    with wb.open_workspace(path) as ws:
        last = ws.history(1).iloc[0]
    assert last["action"] == "grade" and last["target_type"] == "source"
    assert json.loads(last["after"])["reliability"] == "C" and json.loads(last["after"])["notes"] == "partisan, accurate"
    table = run("sources", "--workspace", path)
    assert "Insight News Media" in table.output and "evidence" in table.output


def test_sources_grade_refuses_bad_grade_and_unknown_source(tmp_path):
    assert run("demo", "--out", tmp_path / "demo").exit_code == 0
    path = tmp_path / "demo" / "workspace.sqlite"
    for args, words in ((("Insight News Media", "Z"), "'Z'"), (("No Such Outlet", "B"), "No Such Outlet")):
        result = run("sources", "grade", "--workspace", path, *args)
        assert result.exit_code != 0
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.output, result.output
