"""ICD 203 expressions of likelihood: the words an analytic product must use for a probability.

=====================  ===========
words                  probability
=====================  ===========
almost no chance       1–5 %
very unlikely          5–20 %
unlikely               20–45 %
roughly even chance    45–55 %
likely                 55–80 %
very likely            80–95 %
almost certain         95–99 %
=====================  ===========

ICD 203 never says 0 % or 100 %, so probabilities are clamped to 1–99 % before wording.
Where two bands meet, the boundary goes to the band nearer to even chance (5 % is "very
unlikely", 95 % "very likely"), which keeps p and 1 − p mirror images. Likelihood is not
confidence: the standard asks for confidence to be stated separately.
"""
from __future__ import annotations

import math

from .formats import format_range

__all__ = ["ICD203_BANDS", "clamp_probability", "likelihood_band", "likelihood_words", "range_words",
           "percent_range"]

#: (words, lower, upper) from least to most likely.
ICD203_BANDS: tuple[tuple[str, float, float], ...] = (
    ("almost no chance", 0.01, 0.05),
    ("very unlikely", 0.05, 0.20),
    ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55),
    ("likely", 0.55, 0.80),
    ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99),
)


def clamp_probability(probability: float) -> float:
    """The probability limited to ICD 203's 1–99 %.

    Raises:
        ValueError: not a number in [0, 1].
    """
    if not isinstance(probability, (int, float)) or math.isnan(probability) or not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability {probability!r} is not a number between 0 and 1")
    return min(max(float(probability), 0.01), 0.99)


def likelihood_band(probability: float) -> tuple[str, float, float]:
    """The ICD 203 band of a probability.

    Args:
        probability: a number in [0, 1].

    Returns:
        (words, lower, upper) of the band.
    """
    # Rounded so that float noise (0.19999999999999998 vs 0.2) cannot flip a band at its edge.
    p = round(clamp_probability(probability), 9)
    for words, lower, upper in ICD203_BANDS:
        below_even = upper <= 0.45
        above_even = lower >= 0.55
        if below_even and lower <= p < upper:
            return words, lower, upper
        if above_even and lower < p <= upper:
            return words, lower, upper
        if not below_even and not above_even and lower <= p <= upper:
            return words, lower, upper
    raise AssertionError(f"no ICD 203 band for {p}")  # unreachable: the bands tile 1–99 %


def likelihood_words(probability: float) -> str:
    """The ICD 203 words for a probability, e.g. ``likelihood_words(0.7) == "likely"``."""
    return likelihood_band(probability)[0]


def range_words(low: float, high: float) -> str:
    """The ICD 203 words for a range of probabilities: one band, or "unlikely to likely"."""
    first, last = likelihood_words(min(low, high)), likelihood_words(max(low, high))
    return first if first == last else f"{first} to {last}"


def percent_range(low: float, high: float) -> str:
    """A probability range as whole percents, e.g. "45–80%" (one number when they round alike)."""
    return format_range(min(low, high), max(low, high), collapse=True)
