"""No traceback reaches a command-line user: every error becomes one line naming the input.

``WorkbenchGroup`` is the click group class of ``workbench``: whatever a command raises
(a refusal, a busy / full / read-only / damaged workspace, an operating-system error, a bug)
is turned into ``Error: <input>: <problem>`` on stderr with a non-zero exit status. Set
``WORKBENCH_DEBUG=1`` to see the traceback instead.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from .._paths import os_problem
from ..errors import WorkbenchError
from ..store.postgres import is_url, postgres_problem, shown_url
from ..store.sqlite import BUSY_SECONDS, sqlite_problem

__all__ = ["WorkbenchGroup", "describe_error", "remember_workspace"]

_META_KEY = "workbench.workspace"


def remember_workspace(ctx: click.Context, _param: Any, value: Any) -> Any:
    """Click callback for workspace options: errors name this file when they have no better name."""
    if value is not None:
        ctx.meta[_META_KEY] = shown_url(value) if is_url(value) else value  # never a password
    return value


def describe_error(exc: BaseException, workspace: Any = None) -> str:
    """One line saying which input failed and why.

    Args:
        exc: the error.
        workspace: the workspace the command was working on, if known.
    Returns:
        ``"<input>: <problem>"`` on one line.
    """
    where = f"{workspace}: " if workspace is not None else ""
    if isinstance(exc, WorkbenchError):
        text = str(exc)
    elif isinstance(exc, (DBAPIError, sqlite3.Error)):
        problem = sqlite_problem(exc) or postgres_problem(exc, BUSY_SECONDS)
        orig = getattr(exc, "orig", exc)
        text = f"{where}{problem or f'the database refused the change ({orig})'}"
    elif isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else workspace
        text = f"{name}: {os_problem(exc)}" if name is not None else os_problem(exc)
    elif isinstance(exc, MemoryError):
        text = f"{where}out of memory"
    else:
        detail = str(exc).strip() or type(exc).__name__
        text = f"{where}{type(exc).__name__}: {detail} (set WORKBENCH_DEBUG=1 to see where)"
    return " ".join(text.split())


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing at exit cannot fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's stream): nothing to flush
        pass


def _one_line_usage(exc: click.UsageError) -> click.ClickException:
    """A usage error as one line (click prints usage and a hint on lines of their own)."""
    command = exc.ctx.command_path if exc.ctx is not None else "workbench"
    one = click.ClickException(f"{' '.join(exc.format_message().split())} (see: {command} --help)")
    one.exit_code = exc.exit_code
    return one


class WorkbenchGroup(click.Group):
    """A click group whose commands never show a traceback (see the module docstring)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `workbench … | head`: the reader has what it wanted; stop quietly
            _quiet_stdout()
            raise click.exceptions.Exit(141) from None  # what a shell reports for a tool stopped by SIGPIPE
        except Exception as exc:  # noqa: BLE001 - the point of this class
            if os.environ.get("WORKBENCH_DEBUG"):
                raise
            raise click.ClickException(describe_error(exc, ctx.meta.get(_META_KEY))) from None
