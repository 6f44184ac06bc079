"""The anywidget classes (Python side); their ES modules and CSS live in the top-level ``widgets/`` folder."""
from __future__ import annotations

__all__: list[str] = []
