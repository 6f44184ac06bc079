"""Templates: instantiate with parameters, run headless with papermill, export offline HTML."""
import re
import subprocess
import sys

import nbformat
import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.templates import template_parameters, templates

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
    if name == "ach":
        assert "wb-matrix-static" in page and "ach-report.html" in page
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
