"""``workbench workspace check | copy | grant``: a workspace's health, consistent copies
between SQLite files and PostgreSQL databases, and roles on a server."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check import check_workspace
from ._common import open_workspace, refused
from ._errors import remember_workspace
from ._options import LOCATION
from ..store.postgres import shown_url
from ..store.roles import grant as grant_role

__all__ = ["workspace"]


@click.group("workspace")
def workspace() -> None:
    """The workspace: check it, copy it (file or PostgreSQL), grant roles on a server."""


@workspace.command("check")
@click.argument("path", type=LOCATION, callback=remember_workspace)
def check(path: Path | str) -> None:
    """Check integrity, foreign keys, and that the audit log replayed equals the tables.

    PATH is a workspace file or a PostgreSQL URL. Only reads. Exit status 1 when anything differs.
    """
    with refused():
        report = check_workspace(path)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@workspace.command("copy")
@click.argument("src", type=LOCATION, callback=remember_workspace)
@click.argument("dest", type=LOCATION)
def copy(src: Path | str, dest: Path | str) -> None:
    """Copy a workspace, consistently, even while others write to it.

    SRC and DEST are each a workspace file or a PostgreSQL URL
    (postgresql+psycopg://user@host:port/db): SQLite → SQLite, SQLite → PostgreSQL,
    PostgreSQL → SQLite. A DEST file must not exist; a DEST database must exist and be empty.
    """
    with open_workspace(src) as ws, refused():
        where = ws.save_copy(dest)
    click.echo(f"copy: {where}")


@workspace.command("grant")
@click.argument("url", callback=remember_workspace)
@click.argument("role")
@click.option("--viewer", is_flag=True, help="Read only.")
@click.option("--analyst", is_flag=True,
              help="Add and change analyses, ratings, corrections; append to the change log.")
def grant(url: str, role: str, viewer: bool, analyst: bool) -> None:
    """Create ROLE on the PostgreSQL workspace at URL (if missing) and grant it viewer or analyst rights.

    Run it as the database's owner or a superuser. The rights cover tables a later upgrade
    adds too. A new role can log in once the server's administrator gives it a password
    (psql: \\password ROLE); no password is stored here.
    """
    if viewer == analyst:
        raise click.UsageError("say which rights: --viewer or --analyst" if not viewer else
                               "give one of --viewer or --analyst, not both")
    kind = "viewer" if viewer else "analyst"
    with refused():
        statements = grant_role(url, role, kind)  # type: ignore[arg-type]
    for statement in statements:
        click.echo(f"  {statement}")
    click.echo(f"granted: {role} is {'an' if kind == 'analyst' else 'a'} {kind} of {shown_url(url)}")
