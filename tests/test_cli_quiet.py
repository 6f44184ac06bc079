"""A quiet, copy-pasteable command line (issue 15, item 5): progress bars only on a terminal
unless ``--progress`` / ``--quiet`` says otherwise; no kernel transport warning."""
import subprocess
import sys

from click.testing import CliRunner

from workbench.cli import main


def test_demo_draws_no_bar_into_a_pipe_unless_asked(tmp_path):
    quiet = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "a"), "--pipeline", "builtin"])
    assert quiet.exit_code == 0, quiet.output
    assert "%|" not in quiet.output and "it/s" not in quiet.output
    loud = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "b"), "--pipeline", "builtin", "--progress"])
    assert loud.exit_code == 0 and "%|" in loud.output
    hushed = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "c"), "--pipeline", "builtin", "--quiet"])
    assert hushed.exit_code == 0 and "%|" not in hushed.output and "report:" in hushed.output


def test_ingest_draws_no_bar_into_a_pipe_unless_asked(tmp_path, seed_dir):
    quiet = CliRunner().invoke(main, ["ingest", "-w", str(tmp_path / "a.sqlite"), "--pipeline", "builtin", str(seed_dir)])
    assert quiet.exit_code == 0 and "%|" not in quiet.output and "1 added" in quiet.output, quiet.output
    loud = CliRunner().invoke(main, ["ingest", "-w", str(tmp_path / "b.sqlite"), "--pipeline", "builtin", "--progress",
                                     str(seed_dir)])
    assert loud.exit_code == 0 and "%|" in loud.output


def test_run_prints_no_bar_and_no_kernel_warning_into_a_pipe(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "n.ipynb")
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "run", "n.ipynb", "--html", "n.html"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "without encryption" not in run.stderr and "Executing" not in run.stderr, run.stderr
    assert run.stdout.strip() == "html: n.html"
    assert "42" in (tmp_path / "n.html").read_text(encoding="utf-8")


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    demo = subprocess.run([sys.executable, "-m", "workbench.cli", "demo", "--out", "d", "--pipeline", "builtin"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    # a long listing cut short by `head`: the reader has what it wanted, so no error is printed
    piped = subprocess.run(f'"{sys.executable}" -m workbench.cli analysis score -w d/workspace.sqlite -a latest '
                           f'| head -1', shell=True, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert piped.stdout.strip() == "Will Belarus's armed forces join the ground war against Ukraine?"
    assert piped.stderr == "", piped.stderr
