"""``workbench workspace check | copy``: the workspace file's health and consistent copies."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check import check_workspace
from ._common import open_workspace
from ._errors import remember_workspace
from ._options import FILE

__all__ = ["workspace"]


@click.group("workspace")
def workspace() -> None:
    """The workspace file: check it, copy it."""


@workspace.command("check")
@click.argument("path", type=FILE, callback=remember_workspace)
def check(path: Path) -> None:
    """Check integrity, foreign keys, and that the audit log replayed equals the tables.

    Only reads. Exit status 1 when anything differs.
    """
    report = check_workspace(path)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@workspace.command("copy")
@click.argument("src", type=FILE, callback=remember_workspace)
@click.argument("dest", type=FILE)
def copy(src: Path, dest: Path) -> None:
    """Copy a workspace to a new file, consistently, even while others write to it."""
    with open_workspace(src) as ws:
        path = ws.save_copy(dest)
    click.echo(f"copy: {path}")
