"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, 127.0.0.1 only.

``Cluster.start()`` runs ``initdb`` as an unprivileged user (as root: the ``postgres`` system
user through ``su``; otherwise the current user), with trust authentication, a socket
directory inside the cluster's folder and a free TCP port on 127.0.0.1, then ``pg_ctl -w
start``. ``stop()`` stops the server and deletes the folder. ``new_database()`` gives each
test a database of its own, ``drop_database()`` removes it.

Missing binaries are an error, not a skip: ``make test`` installs Debian's ``postgresql``.
"""
from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

__all__ = ["Cluster", "find_bin_dir", "MISSING"]

MISSING = ("PostgreSQL server binaries (initdb, pg_ctl) are missing: run `make test` (it installs Debian's "
           "postgresql package when run as root) or `apt-get install postgresql`")


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                         if Path(p).parent.name.isdigit() else 0, reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK) and os.access(os.path.join(folder, "pg_ctl"), os.X_OK):
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).resolve().parent
    return None


def _scratch() -> str | None:
    """Where the cluster's files go: memory (/dev/shm) when it has room, else the temp folder.

    A database is some 300 files; on a disk mounted with online discard, deleting a session's
    worth of them took a minute here, and on tmpfs nothing touches the disk at all.
    """
    try:
        stats = os.statvfs("/dev/shm")
        if os.access("/dev/shm", os.W_OK) and stats.f_bavail * stats.f_frsize >= 2 << 30:
            return "/dev/shm"
    except OSError:
        pass
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary folder, superuser ``postgres``, trust authentication."""

    def __init__(self) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise RuntimeError(MISSING)
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="workbench-pg-", dir=_scratch()))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.host = "127.0.0.1"
        self.superuser = "postgres"

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "Cluster":
        if self.as_root:
            shutil.chown(self.root, user="postgres", group="postgres")
        self.root.chmod(0o700)
        self._run([str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.superuser,
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        options = (f"-p {self.port} -k {self.root} -c listen_addresses={self.host} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options,
                   "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"])
        return self

    def stop(self) -> None:
        try:
            self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        except RuntimeError:
            pass  # already down: still remove its folder
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases and roles -----------------------------------------------------------------
    def url(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        """A ``postgresql+psycopg`` URL for a database of this cluster."""
        who = user or self.superuser
        secret = f":{password}" if password else ""
        return f"postgresql+psycopg://{who}{secret}@{self.host}:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE may not run in one)."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.superuser, dbname=database,
                             autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self) -> str:
        """Create an empty database; return its URL."""
        name = f"ws_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``new_database``, closing what is still connected to it."""
        self.sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    # -- internals -------------------------------------------------------------------------
    def _run(self, command: list[str]) -> None:
        if self.as_root:  # initdb refuses root: run the server binaries as the postgres user
            command = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command[:1])} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-1500:]} {tail}")
