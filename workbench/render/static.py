"""The widgets' static views put together: what the Workbench shows where no kernel runs
(exported notebooks, viewers), and its placeholder before any analysis exists."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from .article import article_html, base_css
from .assets import asset

__all__ = ["workbench_static_html", "reader_static_html", "no_analysis_html"]


def workbench_static_html(question: str | None, views: Sequence[str]) -> str:
    """The Workbench's four views in one static, escaped box, with their stylesheet.

    Args:
        question: the analysis's question (None: no analysis yet).
        views: the static HTML of the matrix, reader, entity and corpus views, in order
            (each already rendered by ``render``).

    Returns:
        A ``wb-static wb-workbench-static`` box.
    """
    parts = [f"<style>{base_css()}\n{asset('table.css')}\n{asset('matrix.css')}</style>"]
    if question is not None:
        parts.append(f"<h3>{escape(question)}</h3>")
    parts += views
    return f'<div class="wb-static wb-workbench-static">{"".join(parts)}</div>'


def no_analysis_html() -> str:
    """The Matrix tab's text before any analysis exists."""
    return "<p>No analysis yet: create one with <code>ws.new_analysis(question, hypotheses)</code>.</p>"


def reader_static_html(view: Mapping[str, Any] | None) -> str:
    """The reader's static view: its article (a ``views.article_view``), or a line saying there is none."""
    if view is None:
        return "<p>No article.</p>"
    return f'<div class="wb-static wb-reader-static">{article_html(view)}</div>'
