"""The workspace file stays one file with one write-ahead log, whatever the timing.

Two ways the workbench itself once broke SQLite's guarantees (the cause of a "database disk
image is malformed" and a "disk I/O error" seen under heavy machine load):

- a background checkpoint (``CHECKPOINT_DELAY`` after a write) that fired while a new
  workspace was still being built under its staging name kept a connection open on that
  file after it was linked into place and its staging name, -wal and -shm were unlinked.
  SQLite shares one -shm per inode in a process, so the workspace then ran on a deleted
  -shm while other processes used the real one: two write-ahead logs for one file.
- opening a workspace the process already had open read its header with ``open()`` /
  ``close()``, and closing any descriptor of a file drops every POSIX lock the process holds
  on it: another process's last close then deleted the write-ahead log under the first.

SQLite only: both are about the file, its -wal and -shm (PostgreSQL has none).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.store import Store
from workbench.store import _store

PROC_FD = Path("/proc/self/fd")
linux_only = pytest.mark.skipif(not PROC_FD.is_dir(), reason="lists open files through /proc (Linux)")


def _open_files(folder: Path) -> list[str]:
    """The files in ``folder`` this process holds a descriptor on (deleted ones included)."""
    found = []
    for fd in os.listdir(PROC_FD):
        try:
            target = os.readlink(PROC_FD / fd)
        except OSError:  # the descriptor listing itself, closed meanwhile
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return sorted(found)


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


def _insert(store: Store, name: str) -> None:
    with store.transaction() as conn:
        conn.execute(text("INSERT INTO sources (name, reliability, created_at) VALUES (:n, 'A', 'x')"), {"n": name})


def _names_seen_by_another_process(path: Path) -> list[str]:
    script = ("import sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1])\n"
              "print(db.execute('PRAGMA integrity_check').fetchone()[0])\n"
              "print(','.join(n for (n,) in db.execute('SELECT name FROM sources ORDER BY name')))\n")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True,
                         env=_env()).stdout.splitlines()
    assert out[0] == "ok"
    return out[1].split(",") if len(out) > 1 and out[1] else []


@linux_only
def test_a_checkpoint_due_while_a_workspace_is_built_keeps_nothing_open_on_the_staging_file(tmp_path, monkeypatch):
    """The background checkpoint comes due during the migration (a loaded machine makes the
    migration outlast CHECKPOINT_DELAY; a delay of 0 makes it certain): once the workspace is in
    place, no connection is left on the staging file, and writes from here and from another
    process land in the one log everyone reads."""
    monkeypatch.setattr(_store, "CHECKPOINT_DELAY", 0.0)
    stores = []
    try:
        for i in range(5):  # the checkpoint's thread races the build: several tries, each must be clean
            folder = tmp_path / f"w{i}"
            store = Store(folder / "ws.sqlite")
            stores.append(store)
            staging = [name for name in _open_files(folder) if ".new" in name]
            assert staging == [], f"try {i}: still open on the staging file: {staging}"
            assert sorted(p.name for p in folder.iterdir() if ".new" in p.name) == []
        store = stores[-1]
        path = store.path
        _insert(store, "here")
        script = ("import sys\nfrom sqlalchemy import text\nfrom workbench.store import Store\n"
                  "s = Store(sys.argv[1])\n"
                  "with s.transaction() as c:\n"
                  "    c.execute(text(\"INSERT INTO sources (name, reliability, created_at) VALUES ('there','A','x')\"))\n"
                  "s.close()\n")
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=_env())
        _insert(store, "later")
        with store.read() as conn:
            assert [n for (n,) in conn.execute(text("SELECT name FROM sources ORDER BY name"))] == \
                ["here", "later", "there"]
        assert _names_seen_by_another_process(path) == ["here", "later", "there"]
    finally:
        for store in stores:
            store.close()


@linux_only
def test_closing_a_workspace_while_its_checkpoint_runs_leaves_no_connection_open(tmp_path, monkeypatch):
    """close() waits for a background checkpoint already running instead of disposing the
    engine under it (the checkpoint's connection would outlive the close)."""
    path = tmp_path / "ws.sqlite"
    Store(path).close()
    monkeypatch.setattr(_store, "CHECKPOINT_DELAY", 0.0)
    for i in range(20):
        store = Store(path)
        _insert(store, f"n{i}")
        store.close()  # the checkpoint the insert scheduled is due now: it races this close
        assert _open_files(tmp_path) == [], f"try {i}"
    assert len(_names_seen_by_another_process(path)) == 20


def test_opening_a_workspace_twice_in_one_process_keeps_its_locks(tmp_path):
    """A second opening of a workspace this process has open must not drop the process's locks
    on the file: another process's close would then take the file as unused and delete the
    write-ahead log and its index under the first opening, whose next commit nobody else sees."""
    path = tmp_path / "ws.sqlite"
    Store(path).close()
    first = Store(path)
    second = None
    try:
        _insert(first, "one")
        second = Store(path)
        # another process opens the workspace and closes it: its last connection
        subprocess.run([sys.executable, "-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n"
                        "db.execute('SELECT count(*) FROM sources').fetchall()\ndb.close()\n", str(path)],
                       check=True, env=_env())
        assert Path(f"{path}-wal").exists(), "the write-ahead log was deleted while this process had it open"
        _insert(first, "two")
        assert _names_seen_by_another_process(path) == ["one", "two"]
    finally:
        if second is not None:
            second.close()
        first.close()
