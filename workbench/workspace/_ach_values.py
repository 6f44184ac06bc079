"""What an analyst may type into an analysis: ratings, weights, flags, grades, names, quotes.

Each check turns a bad value into a one-line ``StoreError`` naming the input and the problem.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._anchor import occurrences
from .._folding import fold
from ..analysis import scales
from ..errors import StoreError

__all__ = ["RATINGS", "WEIGHTS", "FLAGS", "KINDS", "INFO_CREDIBILITY", "normalise_rating"]

# The scales' one home is analysis.scales; these are its names in display order.
RATINGS = tuple(scales.RATING_NAMES)                    # CC, C, N, I, II, NA
WEIGHTS = tuple(reversed(scales.WEIGHT_LEVELS))         # High, Medium, Low
INFO_CREDIBILITY = scales.INFO_CREDIBILITY_GRADES       # 1 confirmed … 6 cannot be judged
FLAGS = ("deception", "key_assumption")
KINDS = ("quote", "assumption", "absence")


def normalise_rating(value: Any, *, where: str = "rating") -> str:
    """Map CC/C/N/I/II/NA and the simple mode (supports/refutes/neutral, ++/+/-/--) to a rating.

    Raises:
        StoreError: a value outside the scale, naming where it was found.
    """
    try:
        rating = scales.normalise_rating(value)
    except ValueError:
        rating = None
    if rating is None:
        raise StoreError(f"{where}: {value!r} is not a rating (use {', '.join(RATINGS)} or supports/refutes/neutral)")
    return rating


def _flags(values: Iterable[str]) -> list[str]:
    flags = sorted(set(values))
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise StoreError(f"flags {unknown}: unknown (use {', '.join(FLAGS)})")
    return flags


def _weight(value: Any, what: str) -> str:
    text = str(value).strip().capitalize()
    if text not in WEIGHTS:
        raise StoreError(f"{what}: {value!r} must be {', '.join(WEIGHTS[:-1])} or {WEIGHTS[-1]}")
    return text


def _info_credibility(value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in INFO_CREDIBILITY or str(value).strip() not in (str(number),):
        raise StoreError(f"information credibility {value!r}: must be 1-6 (1 confirmed … 5 improbable, 6 cannot be judged)")
    return number


def _pick_occurrence(text: str, quote: str, where: str, *, prefix: str | None, suffix: str | None,
                     occurrence: int | None) -> tuple[int, int]:
    """The one occurrence of ``quote`` in ``text`` the options single out, as offsets.

    Raises:
        StoreError: not found, or ambiguous (naming the count and how to choose).
    """
    if not str(quote or "").strip():
        raise StoreError("quote: must not be empty")
    found = occurrences(text, quote)
    short = f"{quote[:60]!r}"
    if not found:
        raise StoreError(f"quote {short}: not found in {where}")
    if prefix or suffix:
        # compared folded, so a straight apostrophe in the option matches a curly one in the text
        before, after = fold(prefix or "").strip(), fold(suffix or "").strip()
        found = [(start, end) for start, end in found
                 if fold(text[max(0, start - 4 * len(before) - 8):start]).rstrip().endswith(before)
                 and fold(text[end:end + 4 * len(after) + 8]).lstrip().startswith(after)]
        if not found:
            raise StoreError(f"quote {short}: no occurrence in {where} has the given prefix/suffix")
    if occurrence is not None:  # counted among those with the given prefix/suffix, if any
        if isinstance(occurrence, bool) or not isinstance(occurrence, int) or not 1 <= occurrence <= len(found):
            raise StoreError(f"quote {short}: occurrence={occurrence!r} is not between 1 and {len(found)} "
                             f"(it occurs {len(found)} time{'s' if len(found) > 1 else ''} in {where})")
        found = [found[occurrence - 1]]
    if len(found) > 1:
        raise StoreError(f"quote {short}: occurs {len(found)} times in {where}; say which with "
                         f"occurrence=1..{len(found)} or prefix=/suffix= (the words just before/after it)")
    return found[0]


def _clean_name(value: Any, what: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise StoreError(f"{what}: must not be empty")
    if len(text) > 2000:
        raise StoreError(f"{what}: longer than 2,000 characters")
    return text

