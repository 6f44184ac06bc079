"""Reusable analysis notebooks: list the templates, describe their parameters and instantiate
one with parameters (``notebook_run`` runs one headless and exports it).

A template's ``parameters`` cell is its contract: each assignment is a parameter, its default
tells its type, and the comment on its line says what it means. The notebook's metadata
(``workbench.paths``) names the parameters that hold paths: those given on the command line
resolve against the caller's folder, not the notebook's.
"""
from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._json import JSONLimitError, load_json
from ._paths import atomic_write, bundled
from .errors import WorkbenchError

__all__ = ["Parameter", "templates", "template_path", "template_parameters", "describe_parameters", "instantiate",
           "parse_value", "check_parameters", "collect_parameters"]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a template: its name, default value, meaning, whether it holds paths and
    whether those must exist already (inputs, as opposed to files the notebook writes)."""

    name: str
    default: Any
    meaning: str
    path: bool = False
    must_exist: bool = False
    text_items: bool = False


def templates() -> dict[str, Path]:
    """Template name -> notebook path (``notebooks/templates/*.ipynb``)."""
    return {p.stem: p for p in sorted((bundled("notebooks") / "templates").glob("*.ipynb"))}


def template_path(name: str) -> Path:
    """The notebook of template ``name``.

    Raises:
        WorkbenchError: no such template (the message lists those there are).
    """
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


def collect_parameters(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs as a dict; a name given twice or more collects its values in a list
    (``-p sources a.pdf -p sources notes/``).

    Args:
        pairs: (name, text) in the order typed.
    Returns:
        Name -> value (JSON-parsed where it parses).
    """
    values: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for name, _ in pairs:
        counts[name] = counts.get(name, 0) + 1
    for name, text in pairs:
        value = parse_value(text)
        if counts[name] == 1:
            values[name] = value
        else:
            values.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return values


def _parameters_cell(notebook: Path) -> tuple[str, dict[str, Any]]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell.source, dict(nb.metadata.get("workbench", {}))
    return "", dict(nb.metadata.get("workbench", {}))


def describe_parameters(notebook: Path) -> list[Parameter]:
    """The parameters of a notebook's ``parameters`` cell, in order.

    Args:
        notebook: the template (or any papermill notebook).
    Returns:
        One ``Parameter`` per assignment; its meaning is the comment on the assignment's first line.
    """
    source, meta = _parameters_cell(notebook)
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments.setdefault(token.start[0], token.string.lstrip("#").strip())
    except (tokenize.TokenError, SyntaxError):
        pass
    paths, inputs, texts = (set(meta.get(key, [])) for key in ("paths", "inputs", "text_lists"))
    found = []
    for node in ast.parse(source).body if source else []:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                default = ast.literal_eval(node.value)
            except ValueError:
                default = None
            name = node.targets[0].id
            found.append(Parameter(name, default, comments.get(node.lineno, ""), name in paths | inputs,
                                   name in inputs, name in texts | inputs))
    return found


def template_parameters(notebook: Path) -> dict[str, Any]:
    """The names and default values assigned in the notebook's ``parameters`` cell."""
    return {p.name: p.default for p in describe_parameters(notebook)}


def check_parameters(notebook: Path, parameters: dict[str, Any], *, base: Path | None = None) -> dict[str, Any]:
    """Check ``parameters`` against the notebook's parameters cell and make them what it expects.

    Args:
        notebook: the notebook whose ``parameters`` cell is the contract.
        parameters: name -> value as given.
        base: the folder relative paths are resolved against (the caller's; default: the current
            folder). Paths that do not exist are refused, URLs are kept as they are.
    Returns:
        The parameters, each of its default's type (a lone text where a list is expected becomes a
        one-item list of paths; a number where text is expected becomes text).
    Raises:
        WorkbenchError: one line naming the parameter and the problem.
    """
    known = {p.name: p for p in describe_parameters(notebook)}
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if name not in known:
            raise WorkbenchError(f"parameter {name!r}: {notebook.name} has no such parameter "
                                 f"(it has: {', '.join(known) or 'none'})")
        checked[name] = _checked(known[name], value, base or Path.cwd())
    return checked


def _checked(param: Parameter, value: Any, base: Path) -> Any:
    default, name = param.default, param.name
    if isinstance(default, str) or default is None:
        if isinstance(value, (list, dict)):
            raise WorkbenchError(f"parameter {name!r}: expected text, got a JSON {type(value).__name__}")
        value = "" if value is None else str(value) if not isinstance(value, str) else value
        return _resolved(param, value, base) if param.path and value else value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise WorkbenchError(f"parameter {name!r}: expected true or false, got {value!r}")
        return value
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WorkbenchError(f"parameter {name!r}: expected a number, got {value!r}")
        return value
    if isinstance(default, list):
        if isinstance(value, str) and param.path:
            value = [value]
        if not isinstance(value, list):
            example = '\'["…", "…"]\''
            raise WorkbenchError(f"parameter {name!r}: expected a JSON list such as {example}, got {value!r}")
        kinds = {str} if param.text_items else {type(item) for item in default}
        for item in value:
            if kinds and type(item) not in kinds:
                raise WorkbenchError(f"parameter {name!r}: item {item!r} is not a "
                                     f"{' or '.join(sorted(k.__name__ for k in kinds))}")
            if param.path and not isinstance(item, str):
                raise WorkbenchError(f"parameter {name!r}: item {item!r} is not a path or URL")
        return [_resolved(param, item, base) for item in value] if param.path else value
    if isinstance(default, dict) and not isinstance(value, dict):
        raise WorkbenchError(f"parameter {name!r}: expected a JSON object such as '{{\"…\": \"…\"}}', got {value!r}")
    return value


def _resolved(param: Parameter, value: str, base: Path) -> str:
    """A path parameter made absolute against ``base``; a URL is kept as it is."""
    if "://" in value:
        return value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else (base / path).resolve()
    if param.must_exist and not path.exists():
        raise WorkbenchError(f"parameter {param.name!r}: {value}: no such file or folder (relative paths start "
                             f"from {base})")
    return str(path)


def instantiate(template: str, output: str | Path, parameters: dict[str, Any] | None = None, *,
                base: Path | None = None) -> Path:
    """Copy a template to ``output`` with ``parameters`` injected (papermill's parameters cell).

    Args:
        template: the template's name (``ach``, ``entity-survey``, ``source-review``).
        output: the new notebook's path.
        parameters: name -> value; checked and made the template's types (``check_parameters``).
        base: the folder relative path parameters resolve against (default: the current folder).
    Returns:
        The new notebook's path.
    Raises:
        WorkbenchError: an unknown template or parameter, or a value of the wrong kind (one line).
    """
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    source = template_path(template)
    parameters = check_parameters(source, parameters or {}, base=base)
    nb = load_notebook_node(str(source))
    if parameters:
        nb = parameterize_notebook(nb, parameters)
    return atomic_write(output, nbformat.writes(nb))
