"""Rendering: the escaped HTML views (article, matrix, offline report, notebook export), the CSP and the bundled browser assets."""
from __future__ import annotations

from .article import base_css, css_class, highlight, highlight_passages, label_styles, legend, render_article

__all__ = ["highlight", "highlight_passages", "render_article", "label_styles", "base_css", "css_class", "legend"]
