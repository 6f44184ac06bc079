"""Rendering: plain dicts in (``views`` builds them from frames and scores), escaped HTML out — article, matrix, tables, offline report, notebook export — plus the CSP and the bundled browser assets."""
from __future__ import annotations

from .article import base_css, css_class, highlight, highlight_passages, label_styles, legend, render_article

__all__ = ["highlight", "highlight_passages", "render_article", "label_styles", "base_css", "css_class", "legend"]
