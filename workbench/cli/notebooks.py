"""``workbench new | run | export-notebook``: templates and offline notebook exports."""
from __future__ import annotations

from pathlib import Path

import click

from ..templates import instantiate, parse_value
from ._common import refused
from ._options import FILE, output_option, parameter_option

__all__ = ["export_notebook_command", "new", "run"]


def _parameters(pairs: tuple[tuple[str, str], ...]) -> dict:
    return {name: parse_value(value) for name, value in pairs}


@click.command("new")
@click.argument("template")
@output_option
@parameter_option
def new(template: str, output: Path, parameters: tuple[tuple[str, str], ...]) -> None:
    """Start a notebook from a template (ach, entity-survey, source-review)."""
    with refused():
        path = instantiate(template, output, _parameters(parameters))
    click.echo(f"notebook: {path}")


@click.command("run")
@click.argument("notebook", type=FILE)
@parameter_option
@click.option("--html", "html", required=True, type=FILE,
              help="Where to write the offline HTML.")
@click.option("--output", "output", type=FILE, default=None,
              help="Where to write the executed notebook (default: beside the HTML).")
def run(notebook: Path, parameters: tuple[tuple[str, str], ...], html: Path, output: Path | None) -> None:
    """Execute a notebook headless and export it as one offline HTML file."""
    from ..notebook_run import run_notebook

    with refused():
        path = run_notebook(notebook, parameters=_parameters(parameters), html=html, output=output)
    click.echo(f"html: {path}")


@click.command("export-notebook")
@click.argument("notebook", type=FILE)
@output_option
def export_notebook_command(notebook: Path, output: Path) -> None:
    """Export a notebook as one offline HTML file in which every workbench widget shows."""
    from ..render.notebook_export import export_notebook

    with refused(ValueError):
        path = export_notebook(notebook, output)
    click.echo(f"html: {path}")
