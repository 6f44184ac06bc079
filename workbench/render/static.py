"""The widgets' static views put together: what the Workbench shows where no kernel runs
(exported notebooks, viewers), and its placeholder before any analysis exists."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from .article import article_html, base_css
from .assets import asset

__all__ = ["workbench_static_html", "reader_static_html", "no_analysis_html", "underline_legend_html", "static_css"]

#: the stances of the underlines, in the legend's order, with their words
STANCE_WORDS = (("support", "supports"), ("refute", "refutes"), ("neutral", "neutral"), ("none", "not rated"))


def static_css() -> str:
    """The stylesheet of the static views: highlights, tables, the matrix, underlines, progress bars."""
    return "\n".join((base_css(), asset("table.css"), asset("matrix.css"), asset("static.css")))


def workbench_static_html(question: str | None, views: Sequence[str]) -> str:
    """The Workbench's four views in one static, escaped box, with their stylesheet.

    Args:
        question: the analysis's question (None: no analysis yet).
        views: the static HTML of the matrix, reader, entity and corpus views, in order
            (each already rendered by ``render``).

    Returns:
        A ``wb-static wb-workbench-static`` box.
    """
    parts = [f"<style>{static_css()}</style>"]
    if question is not None:
        parts.append(f"<h3>{escape(question)}</h3>")
    parts += views
    return f'<div class="wb-static wb-workbench-static">{"".join(parts)}</div>'


def no_analysis_html() -> str:
    """The Matrix tab's text before any analysis exists."""
    return "<p>No analysis yet: create one with <code>ws.new_analysis(question, hypotheses)</code>.</p>"


def reader_static_html(view: Mapping[str, Any] | None, underlines: Mapping[str, Any] | None = None) -> str:
    """The reader's static view: its article with the evidence underlined, and the legends.

    Args:
        view: a ``views.article_view`` (its ``passages`` underlined), or None: a line saying there is no article.
        underlines: what the underlines follow, for their legend: {"hypothesis": e.g. "H1 Belarus joins",
            "counts": {stance: passages}}; None (no analysis, or no passage): no legend.

    Returns:
        A ``wb-static wb-reader-static`` box with its stylesheet.
    """
    if view is None:
        return "<p>No article.</p>"
    legend = underline_legend_html(underlines) if underlines else ""
    return (f'<div class="wb-static wb-reader-static"><style>{asset("static.css")}</style>{legend}'
            f'{article_html(view)}</div>')


def underline_legend_html(underlines: Mapping[str, Any]) -> str:
    """The legend of the evidence underlines: which hypothesis they follow, and a sample of each stance.

    Args:
        underlines: {"hypothesis": its label and name, "counts": {stance: number of passages}}.

    Returns:
        A ``wb-ev-legend`` list (every stance shown, its count beside it).
    """
    counts = underlines.get("counts") or {}
    items = "".join(f'<li><span class="wb-ev wb-ev-{stance} wb-ev-sample">{escape(words)}</span> '
                    f'<span class="wb-count">{int(counts.get(stance, 0))}</span></li>' for stance, words in STANCE_WORDS)
    return (f'<ul class="wb-ev-legend" data-role="underline-legend"><li>Evidence underlined for '
            f'<strong>{escape(str(underlines.get("hypothesis", "")))}</strong>:</li>{items}</ul>')
