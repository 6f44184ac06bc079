"""The click options and parameter types that several commands share, each defined once."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ._errors import remember_workspace

__all__ = ["FILE", "LOCATION", "WorkspaceLocation", "analysis_option", "article_option", "dependence_option", "format_option", "output_option",
           "parameter_option", "pipeline_option", "ungraded_option", "workspace_option"]

Decorator = Callable[[Any], Any]

FILE = click.Path(dir_okay=False, path_type=Path)


class WorkspaceLocation(click.ParamType):
    """A workspace: a SQLite file (a ``Path``) or a database URL such as
    ``postgresql+psycopg://user@host/db`` (kept as text: a path would fold its ``//``)."""

    name = "workspace"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, str) and "://" in value:
            return value
        return FILE.convert(value, param, ctx)


LOCATION = WorkspaceLocation()

workspace_option: Decorator = click.option(
    "--workspace", "-w", "workspace", required=True, type=LOCATION, callback=remember_workspace,
    help="The workspace: a SQLite file, or a PostgreSQL URL (postgresql+psycopg://user@host:port/db).")
analysis_option: Decorator = click.option(
    "--analysis", "-a", "analysis_id", required=True, help="Analysis id (or unique prefix).")
article_option: Decorator = click.option(
    "--article", "article_id", default=None, help="Only this article (id or unique prefix).")
pipeline_option: Decorator = click.option(
    "--pipeline", default=None, envvar="WORKBENCH_PIPELINE", show_envvar=True,
    help="Entity pipeline: auto (default), builtin, a spaCy package name or a path.")
output_option: Decorator = click.option("-o", "--output", "output", required=True, type=FILE)
parameter_option: Decorator = click.option(
    "-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="NAME VALUE",
    help="A parameter for the notebook's parameters cell (VALUE is JSON or text).")


def format_option(*choices: str, default: str | None = "table") -> Decorator:
    """``--format`` (into ``fmt``) among ``choices``.

    Args:
        choices: the formats the command writes.
        default: the format when none is given; ``None`` makes the option required.
    Returns:
        The click option decorator.
    """
    if default is None:
        return click.option("--format", "fmt", type=click.Choice(list(choices)), required=True)
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True)


def dependence_option(help_text: str) -> Decorator:
    """``--dependence`` for Bayes scoring (one-per-origin, independent or a number between).

    Args:
        help_text: the help line, which says whether the value is kept or used once.
    Returns:
        The click option decorator.
    """
    return click.option("--dependence", default=None, help=help_text)


def ungraded_option(help_text: str | None = None) -> Decorator:
    """``--ungraded-sources`` (into ``ungraded``): what an ungraded source is worth to Bayes.

    Args:
        help_text: the help line, if any.
    Returns:
        The click option decorator.
    """
    return click.option("--ungraded-sources", "ungraded", type=click.Choice(["as-published", "cannot-be-judged"]),
                        default=None, help=help_text)
