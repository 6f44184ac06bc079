"""``workbench sources``: the outlets with their Admiralty grades, and ``sources grade`` to set one."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import emit, open_workspace, refused
from ._options import format_option, workspace_choice, workspace_option

__all__ = ["sources"]


@click.group(invoke_without_command=True)
@click.pass_context
@workspace_choice(required=False)
@format_option("table", "json", "csv")
def sources(ctx: click.Context, workspace: Path | str | None, fmt: str) -> None:
    """List sources with their reliability grade (A–F), article and evidence counts.

    ``workbench sources grade`` grades one; the grade is audited and the scoring engines use it.
    """
    if ctx.invoked_subcommand is not None:
        return
    if workspace is None:
        raise click.UsageError("Missing option '--workspace' / '-w'.")
    with open_workspace(workspace) as ws:
        frame = ws.sources
    if fmt == "table":  # an ungraded source's F is a placeholder, not a judgement
        frame["graded"] = frame["graded"].map({True: "yes", False: "no"})
    emit(frame, fmt, columns=["name", "reliability", "graded", "articles", "evidence", "domain", "notes"])


@sources.command("grade")
@workspace_option
@click.argument("name")
@click.argument("grade")
@click.option("--note", "note", default=None, help="Why this grade (kept with the source and in the audit log).")
def grade(workspace: Path | str, name: str, grade: str, note: str | None) -> None:
    """Grade source NAME's reliability GRADE: A completely reliable, B usually reliable,
    C fairly reliable, D not usually reliable, E unreliable, F reliability cannot be judged."""
    with open_workspace(workspace) as ws:
        with refused():
            ws.grade_source(name, grade, notes=note)
        row = ws.sources.set_index("name").loc[name]
    click.echo(f"source: {name}  reliability: {row['reliability']}  articles: {row['articles']}  "
               f"evidence: {row['evidence']}")
