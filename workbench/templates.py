"""Reusable analysis notebooks: list the templates, instantiate one with parameters, run one
headless (papermill) and export it as offline HTML."""
from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from ._json import JSONLimitError, load_json
from ._paths import atomic_write, bundled, check_output
from .errors import WorkbenchError

__all__ = ["templates", "template_path", "template_parameters", "instantiate", "run_notebook", "parse_value"]


def templates() -> dict[str, Path]:
    """Template name -> notebook path (``notebooks/templates/*.ipynb``)."""
    return {p.stem: p for p in sorted((bundled("notebooks") / "templates").glob("*.ipynb"))}


def template_path(name: str) -> Path:
    found = templates()
    if name not in found:
        raise WorkbenchError(f"template {name!r}: unknown (available: {', '.join(found)})")
    return found[name]


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: JSON when it parses (numbers, lists, objects, true/false), else the text."""
    try:
        return load_json(text)
    except (json.JSONDecodeError, JSONLimitError):  # not JSON, or JSON too deep / too long to be meant
        return text


def template_parameters(notebook: Path) -> dict[str, Any]:
    """The names and default values assigned in the notebook's ``parameters`` cell."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            values: dict[str, Any] = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[node.targets[0].id] = None
            return values
    return {}


def _check(notebook: Path, parameters: dict[str, Any]) -> None:
    known = template_parameters(notebook)
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        raise WorkbenchError(f"parameter {unknown[0]!r}: {notebook.name} has no such parameter "
                             f"(it has: {', '.join(known) or 'none'})")


def instantiate(template: str, output: str | Path, parameters: dict[str, Any] | None = None) -> Path:
    """Copy a template to ``output`` with ``parameters`` injected (papermill's parameters cell).

    Returns:
        The new notebook's path.
    """
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    source = template_path(template)
    parameters = parameters or {}
    _check(source, parameters)
    nb = load_notebook_node(str(source))
    if parameters:
        nb = parameterize_notebook(nb, parameters)
    return atomic_write(output, nbformat.writes(nb))


def run_notebook(notebook: str | Path, *, parameters: dict[str, Any] | None = None, html: str | Path | None = None,
                 output: str | Path | None = None, progress: bool = True, timeout: int = 900) -> Path:
    """Execute a notebook headless with papermill, then export it as offline HTML.

    Args:
        notebook: the notebook (a template instance or any notebook).
        parameters: injected into its ``parameters`` cell.
        html: where to write the offline HTML (default: beside the executed notebook).
        output: where to write the executed notebook (default: ``<html stem>.ipynb`` beside the HTML).
        progress: show papermill's progress bar.
        timeout: seconds allowed per cell.
    Returns:
        The HTML path.
    Raises:
        WorkbenchError: unknown notebook or parameter, or a cell failed (the executed notebook,
            with the error in it, is still written and exported).
    """
    import papermill as pm

    from .export import export_notebook

    source = Path(notebook)
    if not source.is_file():
        raise WorkbenchError(f"{source}: no such notebook")
    parameters = parameters or {}
    if parameters:
        _check(source, parameters)
    html_path = Path(html) if html else source.with_suffix(".html")
    executed = Path(output) if output else html_path.with_suffix(".ipynb")
    if executed.resolve() == source.resolve():
        executed = executed.with_name(executed.stem + ".run.ipynb")
    for target in (html_path, executed):  # never onto a workspace, before any work
        check_output(target)
    executed.parent.mkdir(parents=True, exist_ok=True)
    failure = None
    try:
        pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                            cwd=str(source.parent.resolve()), progress_bar=progress, execution_timeout=timeout,
                            report_mode=False)
    except pm.PapermillExecutionError as exc:
        failure = f"{source}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}"
    export_notebook(executed, html_path)
    if failure:
        raise WorkbenchError(failure + f" (executed notebook: {executed})")
    return html_path
