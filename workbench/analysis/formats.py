"""Scores as text: the one spelling of a score and of a probability range, for every output
(the widgets' and the report's views, the CLI, the charts, the scores tables).

A leaf like the rest of ``analysis``: the render side and the CLI import it from here.
"""
from __future__ import annotations

__all__ = ["format_score", "format_range"]


def format_score(value: float | None, kind: str = "number", decimals: int | None = None) -> str:
    """A score as shown everywhere: a probability as a whole percent, any other score to two decimals.

    Args:
        value: the score (None = not scored).
        kind: "percent" (a probability, 0–1) or "number".
        decimals: digits after the point (default: 0 for a percent, 2 for a number).

    Returns:
        e.g. "63%" or "-1.41"; "" for None.
    """
    if value is None:
        return ""
    if kind == "percent":
        return f"{100 * value:.{0 if decimals is None else decimals}f}%"
    return f"{value:.{2 if decimals is None else decimals}f}"


def format_range(low: float, high: float, *, collapse: bool = False) -> str:
    """A probability range as whole percents, e.g. "12–40%".

    Args:
        low, high: the ends (probabilities, 0–1).
        collapse: one number when both ends round alike ("45%"); by default both ends are shown.

    Returns:
        The range as text.
    """
    a, b = f"{100 * low:.0f}", f"{100 * high:.0f}"
    return f"{a}%" if collapse and a == b else f"{a}–{b}%"
