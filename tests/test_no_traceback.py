"""No traceback reaches a command-line user: every command turns every error into one line that
names the input and the problem, and exits non-zero."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_TXT

from workbench.cli import main


def _commands(ws: Path, out: Path) -> list[list[str]]:
    """Every command that takes a workspace, aimed at ``ws``."""
    return [
        ["ingest", "-w", ws, SEED_TXT],
        ["articles", "-w", ws],
        ["entities", "-w", ws],
        ["claims", "-w", ws],
        ["search", "-w", ws, "missile"],
        ["report", "-w", ws, "-o", out / "r.html"],
        ["analysis", "list", "-w", ws],
        ["analysis", "score", "-w", ws, "-a", "abc"],
        ["analysis", "export", "-w", ws, "-a", "abc", "--format", "json", "-o", out / "a.json"],
        ["analysis", "import", out / "missing.json", "-w", ws],
        ["workspace", "check", ws],
        ["workspace", "copy", ws, out / "copy.sqlite"],
    ]


def _bad_workspaces(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, what the one line must say)."""
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"\x00\x01not sqlite at all" * 100)
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE invoices (n INTEGER)")
    db.commit()
    db.close()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    return {"not a database": (garbage, "not a database"),
            "another application's": (other, "another application's SQLite database"),
            "empty": (empty, "empty file"),
            "directory": (folder, "directory")}


def _assert_one_line(result, *phrases: str) -> None:
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


@pytest.mark.parametrize("kind", ["not a database", "another application's", "empty", "directory"])
def test_every_command_on_a_file_that_is_not_a_workspace(tmp_path, kind):
    path, phrase = _bad_workspaces(tmp_path)[kind]
    out = tmp_path / "out"
    for args in _commands(path, out):
        result = CliRunner().invoke(main, [str(a) for a in args])
        _assert_one_line(result, str(path), phrase)


def test_every_command_on_a_missing_workspace(tmp_path):
    missing = tmp_path / "missing.sqlite"
    for args in _commands(missing, tmp_path):
        if args[0] == "ingest" or args[:2] == ["analysis", "import"]:
            continue  # these create a new workspace
        result = CliRunner().invoke(main, [str(a) for a in args])
        _assert_one_line(result, str(missing))
    assert not missing.exists()


def test_an_unexpected_error_is_one_line_naming_the_workspace(tmp_path, monkeypatch):
    from workbench import workspace as module

    ws = tmp_path / "ws.sqlite"
    assert CliRunner().invoke(main, ["ingest", "-w", str(ws), str(SEED_TXT)]).exit_code == 0

    def broken(self):  # noqa: ANN001, ANN202 - a bug somewhere below the command
        raise KeyError("title")

    monkeypatch.setattr(module.Workspace, "articles", property(broken))
    result = CliRunner().invoke(main, ["articles", "-w", str(ws)])
    _assert_one_line(result, str(ws), "KeyError")


def test_notebook_commands_name_their_input(tmp_path):
    missing = tmp_path / "missing.ipynb"
    for args in (["run", missing, "--html", tmp_path / "x.html"], ["export-notebook", missing, "-o", tmp_path / "x.html"],
                 ["new", "no-such-template", "-o", tmp_path / "n.ipynb"]):
        result = CliRunner().invoke(main, [str(a) for a in args])
        _assert_one_line(result)
        assert str(args[1]) in result.output


def test_busy_workspace_is_waited_for_then_one_line(tmp_path):
    """A writer that never lets go: after the bounded wait the command says "busy", not "locked"."""
    ws = tmp_path / "ws.sqlite"
    assert CliRunner().invoke(main, ["ingest", "-w", str(ws), str(SEED_TXT)]).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, time\n"
         f"db = sqlite3.connect({str(ws)!r}, isolation_level=None)\n"
         "db.execute('BEGIN IMMEDIATE')\nprint('held', flush=True)\ntime.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        fresh = tmp_path / "fresh.txt"
        fresh.write_text("Minsk, 20 December. Officials said no mobilisation order had been issued in Belarus.")
        env = {**os.environ, "WORKBENCH_BUSY_SECONDS": "2",
               "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent),
                                              os.environ.get("PYTHONPATH", "")])}
        out = subprocess.run([sys.executable, "-m", "workbench.cli", "ingest", "-w", str(ws), str(fresh)],
                             capture_output=True, text=True, env=env, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode != 0 and "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(ws) in lines[0] and "busy" in lines[0] and "locked" not in lines[0], out.stderr
