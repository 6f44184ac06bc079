"""Offline HTML export of notebooks: every workbench widget shows, nothing is fetched or run.

nbconvert's own HTML loads require.js, MathJax and the widget manager from CDNs, and renders
no widgets at all without them. This exporter keeps each widget's static HTML representation
(every workbench widget carries one), drops the widget state and every external script or
stylesheet, and puts the report's strict Content-Security-Policy (no request, no script) at
the top of the page.

A notebook can carry hostile HTML of its own (in markdown cells and outputs). nbconvert's
``sanitize_html`` switch runs all of it through the ``clean_html`` filter; here that filter is
nh3 (the maintained Rust ammonia sanitiser) with an allow-list: formatting, tables, links and
inline images stay; scripts, event handlers, frames, forms, ``<meta>`` (a refresh would send
the reader away), ``<base>``, ``<link>``, ``<style>``, SVG, every remote ``src`` and every
inline style property that could name a URL go. Output types outside the allow-list
(JavaScript, Mermaid, widget state) are dropped before rendering. The workbench's own static
views lose their ``<style>`` blocks with the rest, so the page carries that CSS once, from the
package, in its ``<head>``.
Widgets without a static view of their own are drawn from the notebook's saved widget state where
they are plain enough: boxes, labels and progress bars, so a tqdm bar shows as it ended ("100%
3/3"), not as its text form froze when it was first shown ("0%").
Usable from the CLI (``workbench export-notebook``) and as ``jupyter nbconvert --to workbench``.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from html import escape, unescape
from pathlib import Path
from typing import Any

import nh3
from nbconvert.exporters import HTMLExporter

from .._paths import atomic_write
from .article import label_styles
from .assets import content_security_policy
from .static import static_css

__all__ = ["WorkbenchHTMLExporter", "export_notebook", "clean_html", "workbench_css", "widget_html", "NOTEBOOK_CSP"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_BOXES = frozenset({"HBoxModel", "VBoxModel", "BoxModel", "GridBoxModel"})
_PROGRESS = frozenset({"FloatProgressModel", "IntProgressModel"})
_TEXTS = frozenset({"LabelModel", "HTMLModel", "HTMLMathModel"})
NOTEBOOK_CSP = content_security_policy(None)
"""The report's policy with no script allowed: nothing loads, nothing runs."""
# Output types rendered; the HTML ones pass through ``clean_html``, the others are escaped or
# shown as images. (JavaScript, Mermaid and widget state are left out.)
SHOWN_OUTPUTS = frozenset({"text/html", "text/markdown", "text/latex", "text/plain",
                           "image/png", "image/jpeg", "image/svg+xml"})
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=[\"'](?:https?:)?//[^\"']*[\"'][^>]*>", re.I)

_TAGS = frozenset(nh3.ALLOWED_TAGS | {"caption", "tfoot", "section", "main", "label"})
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "style", "role"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "summary"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "details": {"open"}, "time": {"datetime"}, "data": {"value"}, "abbr": {"title"},
    "q": {"cite"}, "blockquote": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
}
# Inline style properties kept: layout and colour, none that takes a url().
_STYLE_PROPERTIES = frozenset({
    "color", "background-color", "text-align", "vertical-align", "font-weight", "font-style", "font-size",
    "font-family", "text-decoration", "white-space", "width", "min-width", "max-width", "height", "min-height",
    "max-height", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "padding",
    "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top", "border-right",
    "border-bottom", "border-left", "border-color", "border-width", "border-style", "border-collapse",
    "border-radius", "display", "overflow", "line-height", "opacity", "text-transform", "letter-spacing",
    "word-break", "overflow-wrap", "text-overflow", "list-style-type",
})
_STYLE_URL = re.compile(r"url\s*\(|image-set|image\s*\(|@import|expression|\\", re.I)
_DATA_LABEL = re.compile(r'\bdata-label="([^"<>]*)"')


def _keep_url(tag: str, attribute: str, value: str) -> str | None:
    """Images only from inline ``data:image/…``; links never to ``data:`` (other schemes
    than http(s) and mailto are already gone); no inline style that names a URL at all,
    even in a property that could not load it (or hides one behind a CSS escape)."""
    if attribute == "style" and _STYLE_URL.search(value):
        return None
    if attribute == "src":
        return value if value.strip().lower().startswith("data:image/") else None
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


def clean_html(html: str | bytes) -> str:
    """Sanitise HTML from a notebook with an allow-list (nh3 / ammonia).

    Args:
        html: a markdown cell rendered to HTML, an HTML output, or code highlighted by
            Pygments (nbconvert calls this as its ``clean_html`` filter).

    Returns:
        The HTML with only allowed tags, attributes, URL schemes and inline style properties.
        ``<script>`` and ``<style>`` go with their content, other refused tags leave their text.
    """
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html)
    return nh3.clean(text, tags=set(_TAGS), attributes=_ATTRIBUTES, attribute_filter=_keep_url,
                     generic_attribute_prefixes={"data-"}, url_schemes={"http", "https", "mailto", "data"},
                     link_rel="noopener noreferrer", filter_style_properties=set(_STYLE_PROPERTIES),
                     strip_comments=True)


def workbench_css(labels: set[str] | frozenset[str] = frozenset()) -> str:
    """The CSS the workbench's static views carry (highlights, tables, matrix), once.

    Args:
        labels: entity labels beyond the built-in ones (an analyst's own), for their colours.

    Returns:
        A stylesheet from the package (never from the notebook).
    """
    return "\n".join((static_css(), label_styles(labels)))


class WorkbenchHTMLExporter(HTMLExporter):
    """HTML with static widget views, sanitised content, zero requests and a strict CSP."""

    export_from_notebook = "HTML (workbench, offline)"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "lab")
        super().__init__(**kwargs)
        self.sanitize_html = True  # always: markdown cells and HTML outputs go through clean_html

    def default_filters(self) -> Iterator[tuple[str, Any]]:
        """nbconvert's filters, with ``clean_html`` replaced by the nh3 allow-list."""
        yield from super().default_filters()
        yield ("clean_html", clean_html)

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, dict]:
        nb = copy.deepcopy(nb)
        saved = (nb.metadata.pop("widgets", None) or {}).get(WIDGET_STATE) or {}  # gone: no widget manager added
        states = saved.get("state") or {}
        labels: set[str] = set()
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data:
                    continue
                if WIDGET_VIEW in data and "text/html" not in data:
                    drawn = widget_html(str((data[WIDGET_VIEW] or {}).get("model_id", "")), states)
                    if drawn is not None:
                        data["text/html"] = f'<div class="wb-static wb-widget-static">{drawn}</div>'
                    else:
                        shown = escape(str(data.get("text/plain", "")))
                        data["text/html"] = (f'<div class="wb-static-missing">Interactive widget (live in JupyterLab): '
                                             f"<code>{shown}</code></div>")
                for mime in [m for m in data if m not in SHOWN_OUTPUTS]:
                    data.pop(mime)
                if isinstance(data.get("text/html"), (str, list)):
                    html_text = "".join(data["text/html"])
                    labels.update(unescape(m) for m in _DATA_LABEL.findall(html_text))
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return offline_html(html, css=workbench_css(labels)), resources


def widget_html(model_id: str, states: dict[str, Any], depth: int = 0) -> str | None:
    """A widget drawn from the notebook's saved widget state, as it last was.

    Args:
        model_id: the widget's model id (from its output's widget view).
        states: the notebook's saved state: model id → {"model_name", "state"}.
        depth: how deep in boxes this widget is (a cycle or an absurd nesting stops at 20).

    Returns:
        HTML (labels escaped; an HTML widget's value is markup, sanitised later with every
        output) for boxes, labels, HTML and progress bars; None for any other widget, or one
        whose state was not saved.
    """
    entry = states.get(model_id)
    if not isinstance(entry, dict) or depth > 20:
        return None
    name, state = entry.get("model_name"), entry.get("state") or {}
    description = state.get("description") or ""
    label = f'<span class="wb-widget-label">{escape(str(description))}</span>' if description else ""
    if name in _BOXES:
        children = [widget_html(str(child).removeprefix("IPY_MODEL_"), states, depth + 1)
                    for child in state.get("children") or []]
        drawn = [child for child in children if child is not None]
        if not drawn:
            return None
        kind = "wb-vbox" if name == "VBoxModel" else "wb-hbox"
        return f'<div class="{kind}">{"".join(drawn)}</div>'
    if name in _PROGRESS:
        try:
            low, high, value = (float(state.get(k, d)) for k, d in (("min", 0), ("max", 100), ("value", 0)))
        except (TypeError, ValueError):
            return None
        share = 0.0 if high <= low else min(1.0, max(0.0, (value - low) / (high - low)))
        style = escape(str(state.get("bar_style") or "info"))
        return (f'{label}<span class="wb-progress wb-progress-{style}" title="{share:.0%}" data-value="{share * 100:.1f}">'
                f'<span class="wb-progress-bar" style="width: {share * 100:.1f}%"></span></span>')
    if name in _TEXTS:
        value = str(state.get("value") or "")
        shown = escape(value) if name == "LabelModel" else value  # HTML widgets hold markup: clean_html takes it
        return f'{label}<span class="wb-widget-text">{shown}</span>'
    return None


def offline_html(html: str, *, css: str = "") -> str:
    """Remove the template's scripts and external stylesheets; put the CSP first in <head>
    and ``css`` (the package's own) last."""
    html = _SCRIPT.sub("", html)  # the page reads without them, and the CSP would block them anyway
    html = _EXTERNAL_LINK.sub("", html)
    meta = (f'<meta http-equiv="Content-Security-Policy" content="{NOTEBOOK_CSP}">'
            '<meta name="referrer" content="no-referrer">')
    html = re.sub(r"<head>", lambda _: "<head>" + meta, html, count=1, flags=re.I)
    if css:
        html = re.sub(r"</head>", lambda _: f'<style class="wb-export-css">{css}</style></head>', html, count=1,
                      flags=re.I)
    return html


def export_notebook(notebook: str | Path, output: str | Path) -> Path:
    """Export a notebook file to one offline HTML file.

    Args:
        notebook: the .ipynb file.
        output: the HTML file to write (atomically).

    Returns:
        The path written.

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
