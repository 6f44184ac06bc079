"""``workbench workspace check | copy``: the workspace file's health and consistent copies."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ._cli_errors import remember_workspace
from .check import check_workspace

__all__ = ["workspace"]


@click.group("workspace")
def workspace() -> None:
    """The workspace file: check it, copy it."""


@workspace.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), callback=remember_workspace)
def check(path: Path) -> None:
    """Check integrity, foreign keys, and that the audit log replayed equals the tables.

    Only reads. Exit status 1 when anything differs.
    """
    report = check_workspace(path)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@workspace.command("copy")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path), callback=remember_workspace)
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def copy(src: Path, dest: Path) -> None:
    """Copy a workspace to a new file, consistently, even while others write to it."""
    from .workspace import Workspace

    if not src.exists():
        raise click.ClickException(f"{src}: no such workspace")
    with Workspace(src) as ws:
        path = ws.save_copy(dest)
    click.echo(f"copy: {path}")
