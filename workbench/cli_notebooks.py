"""``workbench new | run | export-notebook``: templates and offline notebook exports."""
from __future__ import annotations

from pathlib import Path

import click

from .errors import WorkbenchError
from .templates import instantiate, parse_value

parameter_option = click.option("-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="NAME VALUE",
                                help="A parameter for the notebook's parameters cell (VALUE is JSON or text).")


def _parameters(pairs: tuple[tuple[str, str], ...]) -> dict:
    return {name: parse_value(value) for name, value in pairs}


@click.command("new")
@click.argument("template")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@parameter_option
def new(template: str, output: Path, parameters: tuple[tuple[str, str], ...]) -> None:
    """Start a notebook from a template (ach, entity-survey, source-review)."""
    try:
        path = instantiate(template, output, _parameters(parameters))
    except WorkbenchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"notebook: {path}")


@click.command("run")
@click.argument("notebook", type=click.Path(dir_okay=False, path_type=Path))
@parameter_option
@click.option("--html", "html", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the offline HTML.")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the executed notebook (default: beside the HTML).")
def run(notebook: Path, parameters: tuple[tuple[str, str], ...], html: Path, output: Path | None) -> None:
    """Execute a notebook headless and export it as one offline HTML file."""
    from .notebook_run import run_notebook

    try:
        path = run_notebook(notebook, parameters=_parameters(parameters), html=html, output=output)
    except WorkbenchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"html: {path}")


@click.command("export-notebook")
@click.argument("notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_notebook_command(notebook: Path, output: Path) -> None:
    """Export a notebook as one offline HTML file in which every workbench widget shows."""
    from .export import export_notebook

    try:
        path = export_notebook(notebook, output)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"html: {path}")
