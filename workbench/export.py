"""Offline HTML export of notebooks: every workbench widget shows, nothing is fetched.

nbconvert's own HTML loads require.js, MathJax and the widget manager from CDNs, and renders
no widgets at all without them. This exporter keeps each widget's static HTML representation
(every workbench widget carries one), drops the widget state and every external script or
stylesheet, and adds a Content-Security-Policy that forbids any request.
Usable from the CLI (``workbench export-notebook``) and as ``jupyter nbconvert --to workbench``.
"""
from __future__ import annotations

import copy
import re
from html import escape
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter

from ._paths import atomic_write

__all__ = ["WorkbenchHTMLExporter", "export_notebook", "NOTEBOOK_CSP"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOK_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                "script-src 'none'; base-uri 'none'; form-action 'none'")
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=[\"'](?:https?:)?//[^\"']*[\"'][^>]*>", re.I)


class WorkbenchHTMLExporter(HTMLExporter):
    """HTML with static widget views, zero external requests and a strict CSP."""

    export_from_notebook = "HTML (workbench, offline)"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "lab")
        super().__init__(**kwargs)

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, dict]:
        nb = copy.deepcopy(nb)
        nb.metadata.pop("widgets", None)  # no state: nbconvert then adds no widget manager
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data or WIDGET_VIEW not in data:
                    continue
                data.pop(WIDGET_VIEW)
                if "text/html" not in data:
                    shown = escape(str(data.get("text/plain", "")))
                    data["text/html"] = (f'<div class="wb-static-missing">Interactive widget (live in JupyterLab): '
                                         f"<code>{shown}</code></div>")
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return offline_html(html), resources


def offline_html(html: str) -> str:
    """Remove scripts and external stylesheets and add the CSP meta tag."""
    html = _SCRIPT.sub("", html)  # the page reads without them, and the CSP would block them anyway
    html = _EXTERNAL_LINK.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{NOTEBOOK_CSP}">'
    html = re.sub(r"<head>", "<head>" + meta, html, count=1, flags=re.I)
    return html


def export_notebook(notebook: str | Path, output: str | Path) -> Path:
    """Export a notebook file to one offline HTML file.

    Raises:
        ValueError: the file is not a readable notebook.
    """
    import nbformat

    source = Path(notebook)
    try:
        nb = nbformat.read(source, as_version=4)
    except FileNotFoundError:
        raise ValueError(f"{source}: no such notebook") from None
    except Exception as exc:  # nbformat raises assorted JSON / validation errors
        raise ValueError(f"{source}: not a notebook ({type(exc).__name__}: {exc})") from None
    html, _ = WorkbenchHTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": source.stem}})
    return atomic_write(output, html)
