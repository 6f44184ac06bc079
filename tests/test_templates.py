"""Templates: instantiate with parameters, run headless with papermill, export offline HTML."""
import json
import re
import subprocess
import sys

import nbformat
import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.templates import describe_parameters, template_parameters, templates

TEMPLATES = ["ach", "entity-survey", "source-review"]


def test_the_three_templates_exist_with_parameters_cells():
    found = templates()
    assert set(TEMPLATES) <= set(found)
    for name in TEMPLATES:
        params = template_parameters(found[name])
        assert "workspace" in params and "sources" in params, name


def test_new_injects_parameters_and_refuses_unknown_ones(tmp_path):
    out = tmp_path / "my.ipynb"
    result = CliRunner().invoke(main, ["new", "ach", "-o", str(out), "-p", "question", "Will Minsk mobilise?",
                                       "-p", "hypotheses", '["Yes", "No"]'])
    assert result.exit_code == 0, result.output
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "Will Minsk mobilise?" in injected[0].source and '["Yes", "No"]' in injected[0].source
    bad = CliRunner().invoke(main, ["new", "ach", "-o", str(tmp_path / "x.ipynb"), "-p", "questoin", "typo"])
    assert bad.exit_code == 1 and "parameter 'questoin'" in bad.output and "question" in bad.output
    unknown = CliRunner().invoke(main, ["new", "nope", "-o", str(tmp_path / "y.ipynb")])
    assert unknown.exit_code == 1 and "available: ach" in unknown.output


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_runs_headless_on_the_seed_corpus(tmp_path, name):
    nb = tmp_path / f"{name}.ipynb"
    assert CliRunner().invoke(main, ["new", name, "-o", str(nb)]).exit_code == 0
    html = tmp_path / f"{name}.html"
    # a real subprocess, as an analyst would run it (papermill starts its own kernel)
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "run", str(nb), "--html", str(html)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    executed = nbformat.read(tmp_path / f"{name}.run.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    page = html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "<script" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", page)
    if name == "ach":  # no question: the bundled demo, with its chart drawn as a chart
        assert "wb-matrix-static" in page and "ach-report.html" in page and "data:image/png;base64" in page
        assert "&lt;Figure size" not in page and "Lukashenko" in page
        assert (tmp_path / "ach-report.html").exists()
    if name == "entity-survey":
        assert "Vladimir Putin" in page and "data:image/png;base64" in page
    if name == "source-review":
        assert "Insight News Media" in page and "data:image/png;base64" in page
        assert "Ukrainian outlet; partisan framing" in page  # the grade and note were recorded


def test_run_reports_a_failing_cell_and_still_exports(tmp_path):
    nb = tmp_path / "broken.ipynb"
    cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), nb)
    result = CliRunner().invoke(main, ["run", str(nb), "--html", str(tmp_path / "broken.html")])
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.output
    assert (tmp_path / "broken.html").exists()


def test_nbconvert_knows_the_exporter(tmp_path):
    nb = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Plain <notebook>")]), nb)
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "workbench", str(nb)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "cdnjs" not in page and "<script" not in page


def test_templates_command_lists_every_parameter_with_its_meaning():
    result = CliRunner().invoke(main, ["templates"])
    assert result.exit_code == 0, result.output
    blocks = {block.split(":", 1)[0]: block for block in result.output.split("\n\n")}
    for name in TEMPLATES:
        for param in describe_parameters(templates()[name]):
            line = next(li for li in blocks[name].splitlines() if li.strip().startswith(f"-p {param.name} "))
            assert param.meaning and param.meaning in line, (name, param.name)
    one = CliRunner().invoke(main, ["templates", "ach"])
    assert "question" in one.output and "entity-survey" not in one.output


def test_bad_parameters_are_refused_in_one_line_naming_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = [(["ach", "-p", "hypotheses", "Yes, No"], "parameter 'hypotheses'"),
             (["ach", "-p", "hypotheses", "[1, 2]"], "parameter 'hypotheses'"),
             (["ach", "-p", "sources", "no-such-folder"], "parameter 'sources'"),
             (["ach", "-p", "question", '["a list"]'], "parameter 'question'"),
             (["entity-survey", "-p", "top", "many"], "parameter 'top'")]
    for args, words in cases:
        result = CliRunner().invoke(main, ["new", args[0], "-o", "x.ipynb", *args[1:]])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1 and words in lines[0], (args, result.output)
        assert not (tmp_path / "x.ipynb").exists()


def test_paths_resolve_against_the_callers_folder(tmp_path, monkeypatch):
    (tmp_path / "caller" / "articles").mkdir(parents=True)
    (tmp_path / "caller" / "more.txt").write_text("Text.", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "caller")
    result = CliRunner().invoke(main, ["new", "ach", "-o", "../notebooks/q.ipynb", "-p", "question", "Q?",
                                       "-p", "sources", "articles", "-p", "sources", "more.txt",
                                       "-p", "workspace", "team.sqlite", "-p", "sources", "https://example.org/a"])
    assert result.exit_code == 0, result.output
    nb = nbformat.read(tmp_path / "notebooks" / "q.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    for path in ("articles", "more.txt", "team.sqlite"):  # papermill writes Python literals, double-quoted
        assert json.dumps(str(tmp_path / "caller" / path)) in injected.source, path
    assert '"https://example.org/a"' in injected.source


@pytest.mark.slow
def test_a_new_question_runs_headless_with_only_what_was_given(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ferry.txt").write_text(
        "Harbour authority reopens the ferry line\n\nThe harbour authority in Tallinn said on Monday that the "
        "ferry line to Helsinki will reopen in May after repairs to the pier. Officials expect more passengers "
        "than last year.", encoding="utf-8")
    (folder / "strike.txt").write_text(
        "Dock workers vote on strike\n\nDock workers in Helsinki will vote next week on a strike over pay, "
        "their union said. The port operator declined to comment.", encoding="utf-8")
    made = subprocess.run([sys.executable, "-m", "workbench.cli", "new", "ach", "-o", "work/ferry.ipynb",
                           "-p", "question", "Will the Tallinn-Helsinki ferry run in May?",
                           "-p", "hypotheses", '["It runs in May", "It is delayed"]', "-p", "sources", "articles",
                           "-p", "pipeline", "builtin",
                           "-p", "evidence", '[{"quote": "will reopen in May after repairs to the pier", '
                                             '"ratings": {"H1": "C", "H2": "I"}}]'],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert made.returncode == 0, made.stderr
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "run", "work/ferry.ipynb", "--html", "work/ferry.html"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "without encryption" not in run.stderr
    page = (tmp_path / "work" / "ferry.html").read_text(encoding="utf-8")
    report = (tmp_path / "work" / "ach-report.html").read_text(encoding="utf-8")
    for text in (page, report):
        assert "Tallinn-Helsinki ferry" in text
        for demo_word in ("Belarus", "Lukashenko", "Insight News Media"):
            assert demo_word not in text, demo_word
    assert "data:image/png;base64" in page and "&lt;Figure size" not in page
    import workbench as wb
    with wb.open_workspace(tmp_path / "work" / "ach.sqlite") as ws:
        assert len(ws.articles) == 2 and len(ws.analyses) == 1
        an = ws.analysis("latest")
        assert list(an.hypotheses["name"]) == ["It runs in May", "It is delayed"]
        assert list(an.evidence["exact"]) == ["will reopen in May after repairs to the pier"]
