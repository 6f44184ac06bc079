"""What every command group shares: opening the workspace and printing frames and JSON."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .. import analysis as maths  # a lazy package: csv_safe (and pandas) load when CSV is written
from ..errors import WorkbenchError
from ._options import chosen_analyst

__all__ = ["echo_json", "emit", "open_workspace", "records", "refused", "require"]


def require(workspace: Path | str) -> None:
    """Refuse a workspace file that does not exist (commands that only read never create one).

    Args:
        workspace: the workspace file (a URL names a server database: the server answers for it).
    """
    if isinstance(workspace, Path) and not workspace.exists():
        raise click.ClickException(f"{workspace}: no such workspace")


@contextmanager
def refused(*errors: type[BaseException]) -> Iterator[None]:
    """Turn ``errors`` raised in the block into a click error: ``Error: <their message>``, exit 1.

    Args:
        errors: the exception classes whose message is already meant for the analyst
            (default: ``WorkbenchError``).
    """
    caught = errors or (WorkbenchError,)
    try:
        yield
    except caught as exc:
        raise click.ClickException(str(exc)) from None


def open_workspace(path: Path | str, *, must_exist: bool = True, **options: Any) -> Any:
    """The ``Workspace`` at ``path``, its refusal as a one-line click error.

    Args:
        path: the workspace file or URL.
        must_exist: refuse a missing file instead of creating it.
        options: passed to ``Workspace`` (e.g. ``pipeline``); ``analyst`` defaults to the
            command's ``--analyst``.
    Returns:
        The open ``Workspace`` (a context manager).
    """
    # the workspace loads the store, ingest and the report: only a command that needs it pays
    from ..workspace import Workspace

    if must_exist:
        require(path)
    options.setdefault("analyst", chosen_analyst())  # --analyst / WORKBENCH_ANALYST; None: the OS user
    with refused():
        return Workspace(path, **options)


def records(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as dicts, missing values as ``None`` (JSON ``null``).

    Args:
        frame: a pandas DataFrame.
    Returns:
        One dict per row.
    """
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def echo_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON, non-ASCII kept, anything else as its text.

    Args:
        payload: what to print.
    """
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def emit(frame: Any, fmt: str, *, columns: list[str]) -> None:
    """Print ``frame``'s ``columns`` as a table, JSON or CSV.

    Args:
        frame: a pandas DataFrame.
        fmt: ``table``, ``json`` or ``csv``.
        columns: the columns to print, in order (those the frame lacks are left out).
    """
    frame = frame[[c for c in columns if c in frame.columns]]
    if fmt == "json":
        echo_json(records(frame))
    elif fmt == "csv":
        click.echo(maths.safe_csv(frame), nl=False)
    elif len(frame) == 0:
        click.echo("(none)")
    else:
        shown = frame.copy()
        for col in shown.columns:
            if shown[col].dtype == object or str(shown[col].dtype).startswith("str"):
                shown[col] = shown[col].map(lambda v: _clip(v))
        click.echo(shown.to_string(index=False))


def _clip(value: Any, width: int = 48) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value if len(value) <= width else value[: width - 1] + "…"
    return "" if value is None else value
