"""Showing things in Jupyter."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .._paths import bundled
from .article import render_article

__all__ = ["show", "demo_sources"]


def show(article: Any, *, labels: list[str] | None = None) -> Any:
    """Display an article with its entities highlighted (escaped HTML).

    Args:
        article: an ``Article`` (from ``ws.article(id)``).
        labels: only highlight these labels (default: all).
    Returns:
        An ``IPython.display.HTML`` object (displayed when it is a cell's last value).
    """
    from IPython.display import HTML

    spans = [m for m in article.mentions if labels is None or m["label"] in labels]
    return HTML(render_article(article.to_dict(), spans))


def demo_sources() -> Path:
    """The bundled demo corpus folder (the seed article and its metadata)."""
    return bundled("seeds")
