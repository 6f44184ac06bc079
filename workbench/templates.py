"""Reusable analysis notebooks: list the templates and instantiate one with parameters
(``notebook_run`` runs one headless and exports it)."""
from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from ._json import JSONLimitError, load_json
from ._paths import atomic_write, bundled
from .errors import WorkbenchError

__all__ = ["templates", "template_path", "template_parameters", "instantiate", "parse_value", "check_parameters"]


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


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
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
    check_parameters(source, parameters)
    nb = load_notebook_node(str(source))
    if parameters:
        nb = parameterize_notebook(nb, parameters)
    return atomic_write(output, nbformat.writes(nb))
