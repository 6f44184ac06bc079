"""A matplotlib Figure whose every text is drawn as typed: no mathtext, no TeX.

Hypotheses, quotes and notes are the analyst's (or an article's) words. Parsed as mathtext,
"$5 and $10" would draw as maths and "$\\frac{" or "\\unknowncommand" would stop the whole
report with a parse error. Text objects decide at draw time, and matplotlib makes some (tick
labels) only while drawing, so the figure switches parsing off for all of them then.
"""
from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["LiteralFigure", "literal"]

_PLAIN = {"text.parse_math": False, "text.usetex": False}


def literal(figure: Figure) -> Figure:
    """Mark every text of ``figure`` to be drawn literally.

    Args:
        figure: any Figure.

    Returns:
        The same figure.
    """
    for text in figure.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
    return figure


class LiteralFigure(Figure):
    """A Figure that draws all its text literally, including texts added after it was built
    and tick labels matplotlib creates while drawing."""

    def _repr_png_(self) -> bytes:
        """The chart as PNG, so Jupyter shows a chart (not ``<Figure size …>``) without pyplot."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()

    def draw(self, renderer: Any) -> None:
        """Draw with math parsing off (Text reads the default when it is created)."""
        with matplotlib.rc_context(_PLAIN):
            literal(self)
            super().draw(renderer)
