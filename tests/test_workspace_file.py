"""The workspace file itself: never overwritten by an output, never taken over from another
application, named exactly, complete without its -wal file, copied consistently, and kept
whole through a full disk, a read-only file or filesystem, and corrupted pages."""
from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_TXT

import workbench as wb
from workbench.cli import main
from workbench.errors import StoreError, WorkbenchError


def cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line_error(result, *phrases: str) -> str:
    """The command failed with one line naming the problem, and no traceback."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "ws.sqlite"
    with wb.open_workspace(path, pipeline="builtin") as ws:
        ws.ingest(SEED_TXT, progress=False)
        an = ws.new_analysis("Will Belarus join the ground war?", ["Joins", "Stays out"])
        an.add_assumption("Minsk fears unrest", ratings={"Joins": "I"})
    return path, an.id


def _digest(path: Path) -> bytes:
    return path.read_bytes()


# -- outputs never overwrite a workspace ------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_report_onto_the_workspace_is_refused(filled, suffix):
    path, _ = filled
    before = _digest(path)
    target = Path(str(path) + suffix)
    _one_line_error(cli("report", "-w", path, "-o", target), str(target), "workspace")
    assert _digest(path) == before
    with wb.open_workspace(path) as ws:
        assert len(ws.articles) == 1


def test_export_onto_the_workspace_is_refused(filled):
    path, aid = filled
    before = _digest(path)
    _one_line_error(cli("analysis", "export", "-w", path, "-a", aid, "--format", "csv", "-o", path),
                    str(path), "workspace")
    assert _digest(path) == before


def test_api_outputs_onto_an_open_workspace_are_refused(filled, tmp_path):
    path, aid = filled
    with wb.open_workspace(path) as ws:
        link = tmp_path / "alias.sqlite"
        link.symlink_to(path)
        for target in (path, link, Path(str(path) + "-wal")):
            with pytest.raises(WorkbenchError, match="workspace"):
                ws.report(target)
            with pytest.raises(WorkbenchError, match="workspace"):
                ws.analysis(aid).export(target, "json")
        assert len(ws.articles) == 1


def test_notebook_outputs_onto_a_workspace_are_refused(filled, tmp_path):
    path, _ = filled
    before = _digest(path)
    notebook = tmp_path / "n.ipynb"
    assert cli("new", "ach", "-o", notebook).exit_code == 0
    _one_line_error(cli("run", notebook, "--html", tmp_path / "n.html", "--output", path), str(path))
    _one_line_error(cli("export-notebook", notebook, "-o", path), str(path))
    _one_line_error(cli("new", "ach", "-o", path), str(path))
    assert _digest(path) == before


def test_another_sqlite_database_is_not_an_output(filled, tmp_path):
    path, aid = filled
    other = tmp_path / "contacts.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    db.close()
    _one_line_error(cli("report", "-w", path, "-o", other), str(other), "database")
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [("contacts",)]


# -- only workspaces open as workspaces ---------------------------------------------------------
def test_zero_byte_file_is_refused(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file"):
        wb.open_workspace(empty)
    assert empty.stat().st_size == 0
    _one_line_error(cli("ingest", "-w", empty, SEED_TXT), str(empty), "empty file")
    assert empty.stat().st_size == 0


def test_another_applications_database_is_refused_and_left_alone(tmp_path):
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO users (name) VALUES ('ann')")
    db.close()
    before = _digest(other)
    with pytest.raises(StoreError, match="another application's SQLite database") as err:
        wb.open_workspace(other)
    assert "users" in str(err.value)
    _one_line_error(cli("articles", "-w", other), str(other), "another application's SQLite database")
    assert _digest(other) == before
    assert not Path(str(other) + "-wal").exists()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("shopping: milk, eggs\n")
    with pytest.raises(StoreError, match="not a database"):
        wb.open_workspace(notes)
    _one_line_error(cli("analysis", "list", "-w", notes), str(notes), "not a database")
    assert notes.read_text() == "shopping: milk, eggs\n"


@pytest.mark.parametrize("name", ["what?mode=ro.sqlite", "100%25.sqlite", "a#b.sqlite", "file:x.sqlite"])
def test_paths_are_paths_not_urls(tmp_path, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with wb.open_workspace(tmp_path / name) as ws:
        ws.new_analysis("q", ["a", "b"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    result = cli("analysis", "list", "-w", name)  # relative, through the CLI
    assert result.exit_code == 0 and "q" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# -- the .sqlite alone is complete --------------------------------------------------------------
def _alone(path: Path, tmp_path: Path) -> Path:
    """Copy only the .sqlite (not its -wal / -shm), as a user sharing "one file" does."""
    copy = tmp_path / "copied" / path.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, copy)
    return copy


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_file_is_complete_after_the_interpreter_exits(tmp_path):
    path = tmp_path / "ws.sqlite"
    script = (f"import workbench as wb; ws = wb.open_workspace({str(path)!r}); "
              "an = ws.new_analysis('q', ['a', 'b']); [an.add_assumption(f'x{i}') for i in range(20)]")
    subprocess.run([sys.executable, "-c", script], check=True, env=_env(), timeout=120)
    assert _count(_alone(path, tmp_path), "evidence") == 20


def test_file_is_complete_after_each_batch_while_held_open(tmp_path):
    path = tmp_path / "ws.sqlite"
    script = (f"import sys, time, workbench as wb; ws = wb.open_workspace({str(path)!r}, pipeline='builtin'); "
              f"ws.ingest({str(SEED_TXT)!r}, progress=False); an = ws.new_analysis('q', ['a', 'b']); "
              "an.add_assumption('held'); print('done', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "done"
        deadline = time.monotonic() + 10  # the log is folded in half a second after the writes
        while True:
            copy = _alone(path, tmp_path)
            try:
                complete = _count(copy, "articles") == 1 and _count(copy, "evidence") == 1
            except sqlite3.Error:
                complete = False  # the copy has no tables yet: still in the log
            if complete or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert complete
    finally:
        proc.kill()
        proc.wait()


def test_file_is_complete_after_a_kernel_session(tmp_path):
    from jupyter_client.manager import start_new_kernel

    path = tmp_path / "ws.sqlite"
    km, kc = start_new_kernel(kernel_name="python3", env=_env())
    try:
        code = (f"import workbench as wb\nws = wb.open_workspace({str(path)!r})\n"
                "an = ws.new_analysis('q', ['a', 'b'])\nfor i in range(5): an.add_assumption(f'x{i}')\n")
        reply = kc.execute_interactive(code, timeout=120)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert _count(_alone(path, tmp_path), "evidence") == 5


def test_close_leaves_no_wal_behind(filled):
    path, _ = filled
    ws = wb.open_workspace(path)
    ws.analysis(ws.analyses["id"][0]).add_assumption("late")
    ws.close()
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0


# -- consistent copies ---------------------------------------------------------------------------
def test_save_copy_while_another_process_writes(filled, tmp_path):
    path, aid = filled
    script = (f"import workbench as wb; ws = wb.open_workspace({str(path)!r}, actor='writer'); "
              f"an = ws.analysis({aid!r}); print('go', flush=True)\n"
              "for i in range(300): an.add_assumption(f'w{i}')")
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    copies = []
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "go"
        with wb.open_workspace(path) as ws:
            for i in range(4):
                copies.append(ws.save_copy(tmp_path / f"copy{i}.sqlite"))
                time.sleep(0.05)
        result = cli("workspace", "copy", path, tmp_path / "cli-copy.sqlite")
        assert result.exit_code == 0, result.output
        copies.append(tmp_path / "cli-copy.sqlite")
    finally:
        writer.wait(timeout=120)
    for copy in copies:
        assert cli("workspace", "check", copy).exit_code == 0
        assert not Path(str(copy) + "-wal").exists()
        assert 1 <= _count(copy, "evidence") <= 301
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_copy_refuses_to_overwrite(filled, tmp_path):
    path, _ = filled
    _one_line_error(cli("workspace", "copy", path, path), str(path))
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    _one_line_error(cli("workspace", "copy", path, existing), str(existing), "exists")
    assert existing.read_text() == "keep me"


# -- check ----------------------------------------------------------------------------------------
def test_check_reports_integrity_foreign_keys_and_log(filled):
    path, _ = filled
    result = cli("workspace", "check", path)
    assert result.exit_code == 0, result.output
    for word in ("integrity", "foreign keys", "log"):
        assert word in result.output


def test_check_finds_rows_the_log_does_not_know(filled):
    path, aid = filled
    with sqlite3.connect(path) as db:  # a write behind the workbench's back
        db.execute("UPDATE evidence SET credibility = 'High'")
        db.execute("INSERT INTO hypotheses (id, analysis_id, name, position, is_other) "
                   "VALUES ('ghost', ?, 'Ghost', 9, 0)", (aid,))
    db.close()
    result = cli("workspace", "check", path)
    assert result.exit_code != 0
    assert "ghost" in result.output and "credibility" in result.output


# -- damaged files and failing disks -------------------------------------------------------------
def _corrupt(path: Path) -> None:
    """Overwrite the pages after the first with garbage (the header stays: still a SQLite file)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        for offset in range(page, size, page):
            handle.seek(offset + 8)
            handle.write(os.urandom(page - 16))


def test_corrupted_pages_give_one_line(filled, tmp_path):
    path, aid = filled
    _corrupt(path)
    for args in (["articles", "-w", path], ["analysis", "list", "-w", path],
                 ["analysis", "score", "-w", path, "-a", aid], ["report", "-w", path, "-o", tmp_path / "r.html"]):
        line = _one_line_error(cli(*args), str(path))
        assert "damaged" in line or "not a workbench workspace" in line, line
    result = cli("workspace", "check", path)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "integrity" in result.output


def _as_user_without_overrides(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    caps = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", "--bounding-set", caps, "--inh-caps", caps, *command]


def test_read_only_file_gives_one_line_and_keeps_data(filled, tmp_path):
    path, aid = filled
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("Minsk, 20 December. Officials in Belarus said on Tuesday that no mobilisation order "
                     "had been issued, and that joint exercises with Russia would continue into the new year.")
    path.chmod(0o444)
    try:
        command = _as_user_without_overrides(
            [sys.executable, "-m", "workbench.cli", "ingest", "-w", str(path), str(fresh)])
        out = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=120)
        assert out.returncode != 0
        assert "Traceback" not in out.stderr
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and str(path) in lines[0] and "read-only" in lines[0], out.stderr
    finally:
        path.chmod(0o644)
    assert cli("workspace", "check", path).exit_code == 0
    assert _count(path, "evidence") == 1


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)


needs_root = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None,
                                reason="mounting a small tmpfs needs root")


@needs_root
def test_read_only_filesystem_gives_one_line(filled, tmp_path):
    path, _ = filled
    mount = tmp_path / "ro"
    _mount_tmpfs(mount, "8m")
    try:
        shutil.copyfile(path, mount / "ws.sqlite")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        result = cli("ingest", "-w", mount / "ws.sqlite", SEED_TXT)
        _one_line_error(result, str(mount / "ws.sqlite"), "read-only")
        result = cli("report", "-w", mount / "ws.sqlite", "-o", mount / "r.html")
        _one_line_error(result, str(mount / "r.html"), "read-only")
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@needs_root
def test_full_disk_gives_one_line_and_loses_nothing(tmp_path):
    mount = tmp_path / "small"
    _mount_tmpfs(mount, "2m")
    try:
        path = mount / "ws.sqlite"
        with wb.open_workspace(path, actor="ann") as ws:
            an = ws.new_analysis("q", ["a", "b"])
            stored = 0
            with pytest.raises(StoreError, match="disk is full|no space left") as err:
                for i in range(100_000):
                    an.add_assumption(f"{i} " + "padding " * 240)
                    stored += 1
            assert "\n" not in str(err.value) and str(path) in str(err.value)
        # what was acknowledged is there; the check passes
        assert _count(path, "evidence") == stored
        assert cli("workspace", "check", path).exit_code == 0
        # outputs on the full disk: one line, no partial or .tmp files left
        filler = mount / "filler"
        with open(filler, "wb") as handle:
            try:
                while True:
                    handle.write(b"x" * 65536)
                    handle.flush()
            except OSError:
                pass
        for args in (["report", "-w", path, "-o", mount / "r.html"],
                     ["analysis", "export", "-w", path, "-a", an.id, "--format", "json", "-o", mount / "a.json"],
                     ["workspace", "copy", path, mount / "copy.sqlite"]):
            _one_line_error(cli(*args), "no space left")
        fresh = tmp_path / "fresh.txt"  # outside the full disk
        fresh.write_text(" ".join(f"Minsk said on day {i} that no order to mobilise had been issued." for i in range(300)))
        result = cli("ingest", "-w", path, fresh)
        assert result.exit_code != 0 and "Traceback" not in result.output
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1 and str(path) in errors[0] and "disk is full" in errors[0], result.output
        assert "failed:" not in result.output
        leftovers = sorted(p.name for p in mount.iterdir())
        assert set(leftovers) <= {"ws.sqlite", "ws.sqlite-wal", "ws.sqlite-shm", "filler"}, leftovers
        filler.unlink()
        assert _count(path, "evidence") == stored
        assert cli("workspace", "check", path).exit_code == 0
    finally:
        # the errors above keep their tracebacks (pytest.raises, CliRunner), and through them the
        # failed transactions' connections, until the collector frees the cycles: free them now
        gc.collect()
        subprocess.run(["umount", str(mount)], check=True)
