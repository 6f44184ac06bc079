"""Tables as escaped HTML: the ``table_view`` dicts of ``views.py`` (entities, sources, corpus,
sensitivity) for the report and the widgets' static views."""
from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["table_html", "static_table_html"]


def _cell(value: Any) -> str:
    """One cell's content: text or a number, or a link within the page ({"text", "href"})."""
    if isinstance(value, Mapping):
        return f'<a href="{escape(str(value["href"]))}">{escape(str(value["text"]))}</a>'
    return escape(str(value))


def table_html(view: Mapping[str, Any]) -> str:
    """A ``table_view`` as a table (its caption and "more" lines are left to the caller).

    Args:
        view: {"columns", "rows", "sortable", "row_headers"}.

    Returns:
        ``<table class="wb-table …">`` with every heading and cell escaped.
    """
    head = "".join(f"<th>{escape(str(c))}</th>" for c in view["columns"])
    rows = []
    for row in view["rows"]:
        cells = [f"<td>{_cell(v)}</td>" for v in row]
        if view.get("row_headers") and row:
            cells[0] = f'<th scope="row">{_cell(row[0])}</th>'
        rows.append(f"<tr>{''.join(cells)}</tr>")
    kind = "wb-table wb-sortable" if view.get("sortable") else "wb-table"
    return f'<table class="{kind}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def static_table_html(view: Mapping[str, Any], name: str) -> str:
    """A widget's static view of a table: caption, table and "more" line in a ``wb-static`` box.

    Args:
        view: a ``table_view``.
        name: the widget's short name (the box's class is ``wb-<name>-static``).
    """
    caption = f"<p>{escape(view['caption'])}</p>" if view.get("caption") else ""
    more = f"<p>{escape(view['more'])}</p>" if view.get("more") else ""
    return f'<div class="wb-static wb-{escape(name)}-static">{caption}{table_html(view)}{more}</div>'
