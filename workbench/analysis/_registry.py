"""All scoring engines, built once per evidence matrix."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._engine import ENGINE_NAMES, EngineParts
from ._matrix import EvidenceMatrix
from .bayes import bayes_parts
from .open_synthesis import open_synthesis_parts
from .parc import parc_parts

__all__ = ["engine_parts"]


def engine_parts(matrix: EvidenceMatrix, priors: Mapping[str, float] | None = None, *,
                 dependence: float | str | None = None, ungraded: str | None = None,
                 engines: Sequence[str] | None = None) -> dict[str, EngineParts]:
    """Every engine applied to the counting units of ``matrix``, keyed in ``ENGINE_NAMES`` order.

    The parts are built on ``matrix.units[0]`` (identical syndicated copies collapsed), so their
    totals are the engines' scores; map unit rows back to items with ``matrix.units[1]``.

    Args:
        matrix: compiled evidence.
        priors: Bayes priors per hypothesis (default uniform).
        dependence: Bayes weight of further items of one origin (see ``dependence``).
        ungraded: Bayes rule for ungraded sources (see ``scales.UNGRADED_RULES``).
        engines: only these engines (default: all).

    Returns:
        {"parc": …, "parc_weighted": …, "open_synthesis": …, "bayes": …}
    """
    matrix = matrix.units[0]
    builders = {
        "parc": lambda: parc_parts(matrix, weighted=False),
        "parc_weighted": lambda: parc_parts(matrix, weighted=True),
        "open_synthesis": lambda: open_synthesis_parts(matrix),
        "bayes": lambda: bayes_parts(matrix, priors, dependence=dependence, ungraded=ungraded),
    }
    return {name: builders[name]() for name in ENGINE_NAMES if engines is None or name in engines}
