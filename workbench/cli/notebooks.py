"""``workbench templates | new | run | export-notebook``: templates and offline notebook exports."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..templates import collect_parameters, describe_parameters, instantiate, template_path, templates
from ._common import refused
from ._options import FILE, output_option, parameter_option, progress_option, show_progress

__all__ = ["export_notebook_command", "new", "run", "list_templates"]


@click.command("templates")
@click.argument("template", required=False)
def list_templates(template: str | None) -> None:
    """List the templates and each one's parameters (or only TEMPLATE's), with their meaning."""
    with refused():
        names = [template] if template else list(templates())
        paths = {name: template_path(name) for name in names}
    for number, (name, path) in enumerate(paths.items()):
        if number:
            click.echo("")
        click.echo(f"{name}: {_title(path)}")
        for param in describe_parameters(path):
            default = json.dumps(param.default, ensure_ascii=False)
            click.echo(f"  -p {param.name:<13} {param.meaning or ''}")
            click.echo(f"     {'':<13} default: {default if len(default) <= 60 else default[:59] + '…'}")
    click.echo("\nStart one with: workbench new TEMPLATE -o FILE.ipynb -p NAME VALUE …  (VALUE is JSON or text;"
               " repeat -p NAME for a list)")


def _title(path: Path) -> str:
    import nbformat

    meta = nbformat.read(path, as_version=4).metadata.get("workbench", {})
    return str(meta.get("title", path.stem))


@click.command("new")
@click.argument("template")
@output_option
@parameter_option
def new(template: str, output: Path, parameters: tuple[tuple[str, str], ...]) -> None:
    """Start a notebook from a template (ach, entity-survey, source-review).

    `workbench templates` lists each template's parameters and what they mean. Relative paths
    resolve against the folder you run this in.
    """
    with refused():
        path = instantiate(template, output, collect_parameters(parameters))
    click.echo(f"notebook: {path}")


@click.command("run")
@click.argument("notebook", type=FILE)
@parameter_option
@click.option("--html", "html", required=True, type=FILE,
              help="Where to write the offline HTML.")
@click.option("--output", "output", type=FILE, default=None,
              help="Where to write the executed notebook (default: beside the HTML).")
@progress_option
def run(notebook: Path, parameters: tuple[tuple[str, str], ...], html: Path, output: Path | None,
        progress: bool | None) -> None:
    """Execute a notebook headless and export it as one offline HTML file."""
    from ..notebook_run import run_notebook

    with refused():
        path = run_notebook(notebook, parameters=collect_parameters(parameters), html=html, output=output,
                            progress=show_progress(progress))
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
