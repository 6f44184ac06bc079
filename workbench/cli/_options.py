"""The click options and parameter types that several commands share, each defined once."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ._errors import remember_workspace

__all__ = ["FILE", "LOCATION", "WorkspaceLocation", "analysis_option", "analyst_option", "article_option",
           "chosen_analyst", "dependence_option", "format_option", "output_option", "parameter_option",
           "pipeline_option", "progress_option", "show_progress", "ungraded_option", "workspace_choice", "workspace_option"]

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



def workspace_choice(*, required: bool = True) -> Decorator:
    """``--workspace`` / ``-w``: a SQLite file or a PostgreSQL URL, remembered for error messages.

    Args:
        required: refuse a command without it (a group that only sometimes needs it passes False).
    Returns:
        The click option decorator.
    """
    return click.option(
        "--workspace", "-w", "workspace", required=required, type=LOCATION, callback=remember_workspace,
        help="The workspace: a SQLite file, or a PostgreSQL URL (postgresql+psycopg://user@host:port/db).")


workspace_option: Decorator = workspace_choice()
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


def progress_option(command: Any) -> Any:
    """``--progress/--quiet`` (into ``progress``): progress bars on stderr; the default shows them
    only when stderr is a terminal, so logs and pipes stay clean. Read it with ``show_progress``."""
    return click.option("--progress/--quiet", "progress", default=None,
                        help="Show progress bars, or none (default: only on a terminal).")(command)


def show_progress(choice: bool | None) -> bool:
    """Whether to draw progress bars: the user's ``--progress`` / ``--quiet``, else whether stderr
    is a terminal.

    Args:
        choice: the ``progress`` value of ``progress_option`` (None: not given).
    Returns:
        True to draw them.
    """
    if choice is not None:
        return choice
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


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


_ANALYST = "workbench.analyst"
_ANALYST_GIVEN = "workbench.analyst_given"


def _remember_analyst(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty", ctx=ctx, param=param)
    ctx.meta[_ANALYST] = " ".join(value.split()) if value else None
    ctx.meta[_ANALYST_GIVEN] = value is not None and ctx.get_parameter_source(param.name) == ParameterSource.COMMANDLINE
    return value


def analyst_option(command: click.Command) -> click.Command:
    """Give ``command`` the ``--analyst NAME`` option (env ``WORKBENCH_ANALYST``): who acts.

    Every command gets it (``cli.main`` adds it to each), so the workspace a command opens
    acts as that analyst; read it back with ``chosen_analyst``.

    Args:
        command: a click command.
    Returns:
        The same command.
    """
    command.params.append(click.Option(
        ["--analyst"], default=None, envvar="WORKBENCH_ANALYST", show_envvar=True, expose_value=False,
        is_eager=True, callback=_remember_analyst,
        help="Who acts: whose ratings are written and undone (default: the operating-system user)."))
    return command


def chosen_analyst(*, given_only: bool = False) -> str | None:
    """The ``--analyst`` of the running command (or ``WORKBENCH_ANALYST``), None when neither.

    Args:
        given_only: only a name typed on the command line (not one from the environment).
    Returns:
        The analyst's name, or None.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None or (given_only and not ctx.meta.get(_ANALYST_GIVEN)):
        return None
    return ctx.meta.get(_ANALYST)
