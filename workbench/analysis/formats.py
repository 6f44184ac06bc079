"""Scores as text: the one spelling of a score and of a probability range, for every output
(the widgets' and the report's views, the CLI, the charts, the scores tables).

A leaf like the rest of ``analysis``: the render side and the CLI import it from here.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._engine import ENGINE_LABELS

__all__ = ["format_score", "format_range", "engine_name", "leaders_sentence"]


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


def engine_name(key: str) -> str:
    """An engine as people read it ("bayes" -> "Bayesian posterior"); an unknown key as given.

    Args:
        key: the engine's key (``ENGINE_NAMES``).

    Returns:
        The engine's name from ``ENGINE_LABELS``, the one vocabulary of engine names.
    """
    return ENGINE_LABELS.get(key, key)


def _listed(words: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _first(names: Sequence[str], plural: bool) -> str:
    """What an engine (or several) ranks first: one leader, or a tie said as a tie."""
    verb = "rank" if plural else "ranks"
    if len(names) == 1:
        return f"{verb} {names[0]} first"
    return f"{verb} {_listed(names)} level first"


def leaders_sentence(leaders: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """Who leads under each engine, in words, from each engine's actual leaders.

    Args:
        leaders: engine key -> its leading hypotheses (several when tied), engines in display order.

    Returns:
        {"agree": every engine has the same leader(s), "text": the sentence}: "Every engine ranks
        first: X.", "Every engine ranks X and Y level first." or "The engines differ: A ranks X
        first; B and C rank X and Y level first."
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for engine, names in leaders.items():
        groups.setdefault(tuple(names), []).append(engine_name(engine))
    if len(groups) == 1:
        (names,) = groups
        if not names:
            return {"agree": True, "text": "No engine ranks a hypothesis first."}
        if len(names) == 1:
            return {"agree": True, "text": f"Every engine ranks first: {names[0]}."}
        return {"agree": True, "text": f"Every engine {_first(names, False)}."}
    parts = [f"{_listed(engines)} {_first(names, len(engines) > 1) if names else 'rank nothing first' if len(engines) > 1 else 'ranks nothing first'}"
             for names, engines in groups.items()]
    return {"agree": False, "text": "The engines differ: " + "; ".join(parts) + "."}
