"""A script that starts Dask workers without the ``if __name__ == "__main__":`` guard gets one
line naming the problem and the fix, not multiprocessing's tracebacks (issue 12, item 7)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_TXT

pytestmark = pytest.mark.timeout(300)
ROOT = Path(__file__).resolve().parent.parent
GUARD = 'call it under `if __name__ == "__main__":` in the script, or use workers=1'


def _run(script: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=240,
                          cwd=script.parent)


def _script(tmp_path: Path, body: str) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(SEED_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    script = tmp_path / "ingest_script.py"
    script.write_text("import workbench as wb\n\n"
                      f"ws = wb.open_workspace({str(tmp_path / 'ws.sqlite')!r}, pipeline='builtin')\n"
                      + body, encoding="utf-8")
    return script


def test_script_without_the_guard_gets_one_line(tmp_path):
    script = _script(tmp_path, f"result = ws.ingest({str(tmp_path / 'in')!r}, workers=2, progress=False)\n"
                               "print('stored', len(result.added))\n")
    out = _run(script)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr + out.stdout, out.stderr[-3000:]
    assert out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        f"{script}, line 4: ingest(workers=2) starts worker processes that import the main script again: {GUARD}"]


def test_a_call_inside_an_unguarded_function_call_is_caught_too(tmp_path):
    script = _script(tmp_path, "def run():\n"
                               f"    return ws.ingest({str(tmp_path / 'in')!r}, workers=2, progress=False)\n\n"
                               "run()\n")
    out = _run(script)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        f"{script}, line 7: ingest(workers=2) starts worker processes that import the main script again: {GUARD}"]


def test_the_same_script_with_the_guard_runs(tmp_path):
    script = _script(tmp_path, "if __name__ == '__main__':\n"
                               f"    result = ws.ingest({str(tmp_path / 'in')!r}, workers=2, progress=False)\n"
                               "    print('stored', len(result.added), 'failed', len(result.failed))\n")
    out = _run(script)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "stored 1 failed 0"


def test_the_cli_run_from_an_unguarded_script_says_error_in_one_line(tmp_path):
    """The CLI's entry points are guarded; a script that runs the CLI unguarded gets its usual line."""
    script = _script(tmp_path, "from workbench.cli import main\n\n"
                               f"main(['ingest', '--workspace', {str(tmp_path / 'cli.sqlite')!r}, '--workers', '2', "
                               f"{str(tmp_path / 'in')!r}])\n")
    out = _run(script)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        f"Error: {script}, line 6: ingest(workers=2) starts worker processes that import the main script again: "
        f"{GUARD}"]


def test_except_exception_catches_it(tmp_path):
    """A notebook or a caller's ``except Exception`` sees an ordinary workbench error."""
    from workbench.ingest._parallel import MainGuardError, SchedulerError

    err = MainGuardError("x.py, line 3: ingest(workers=2) starts worker processes")
    assert isinstance(err, SchedulerError) and isinstance(err, SystemExit) and err.code == str(err)
    try:
        raise err
    except Exception as caught:  # noqa: BLE001 - the point: a plain Exception handler sees it
        assert caught is err
