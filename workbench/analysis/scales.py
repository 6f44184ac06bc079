"""The grading scales of ACH: ratings, weights, Admiralty grades, and what each is worth.

Every number the engines use lives here, so a reviewer can check them in one place.

Ratings (Heuer's ACH): ``CC`` very consistent, ``C`` consistent, ``N`` neutral, ``I``
inconsistent, ``II`` very inconsistent, ``NA`` not applicable. Analysts in simple mode say
supports / refutes / neutral (``C`` / ``I`` / ``N``); some tools write ``++ + - --``.

Weights (PARC ACH): credibility and relevance are High / Medium / Low, worth √2, 1, 1/√2.

Admiralty / NATO grades: source reliability A (completely reliable) … E (unreliable),
F (cannot be judged); information credibility 1 (confirmed) … 5 (improbable),
6 (cannot be judged). 6 is *not* the most credible grade, and F is not the least reliable:
both mean "no basis to judge", so they discount an item half-way.
"""
from __future__ import annotations

import math
from typing import Any

__all__ = [
    "RATINGS",
    "RATING_NAMES",
    "RATING_STANCES",
    "RATING_KEYS",
    "RATING_CYCLE",
    "normalise_rating",
    "WEIGHT_LEVELS",
    "WEIGHT_VALUES",
    "normalise_weight",
    "RELIABILITY_GRADES",
    "RELIABILITY_ORDER",
    "RELIABILITY_FACTORS",
    "normalise_reliability",
    "INFO_CREDIBILITY_GRADES",
    "INFO_CREDIBILITY_FACTORS",
    "normalise_info_credibility",
    "PARC_VALUES",
    "OPEN_SYNTHESIS_VOTES",
    "BAYES_LIKELIHOODS",
    "UNGRADED_RULES",
    "DEFAULT_UNGRADED",
    "normalise_ungraded",
    "vocabulary",
    "RATING_COLOURS",
    "STANCE_COLOURS",
]

#: Canonical ratings, ordered from most inconsistent to most consistent, then NA.
#: The position in this tuple is the rating's internal code (II=0 … CC=4, NA=5).
RATINGS: tuple[str, ...] = ("II", "I", "N", "C", "CC", "NA")

RATING_NAMES: dict[str, str] = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}

#: What each rating says of a hypothesis in the simple mode, and how the reader underlines it.
RATING_STANCES: dict[str, str] = {"CC": "support", "C": "support", "N": "neutral", "I": "refute", "II": "refute",
                                  "NA": "none"}

#: The keyboard of the reader and the matrix: s supports, S strongly, r refutes, R strongly, n neutral, a n/a.
RATING_KEYS: dict[str, str] = {"s": "C", "S": "CC", "r": "I", "R": "II", "n": "N", "a": "NA"}

#: The order a click steps a matrix cell through (from unrated, the common answers first).
RATING_CYCLE: tuple[str, ...] = ("NA", "C", "CC", "N", "I", "II")

# Accepted spellings (compared after stripping and upper-casing).
_RATING_ALIASES: dict[str, str] = {
    "CC": "CC", "C C": "CC", "++": "CC", "VERY CONSISTENT": "CC",
    "C": "C", "+": "C", "SUPPORTS": "C", "SUPPORT": "C", "CONSISTENT": "C",
    "N": "N", "NEUTRAL": "N",
    "I": "I", "-": "I", "REFUTES": "I", "REFUTE": "I", "INCONSISTENT": "I",
    "II": "II", "I I": "II", "--": "II", "VERY INCONSISTENT": "II",
    "NA": "NA", "N/A": "NA", "NOT APPLICABLE": "NA",
}

#: PARC ACH cell values: only inconsistency counts (Heuer: evidence refutes, it cannot prove).
PARC_VALUES: dict[str, float] = {"II": -2.0, "I": -1.0, "N": 0.0, "C": 0.0, "CC": 0.0, "NA": 0.0}

#: Open Synthesis votes on its 1–5 scale; N/A is stored as 0 there but *counted as neutral (3)*,
#: which is the value used here.
OPEN_SYNTHESIS_VOTES: dict[str, float] = {"II": 1.0, "I": 2.0, "N": 3.0, "C": 4.0, "CC": 5.0, "NA": 3.0}

#: P(evidence | hypothesis) for each rating, the published map (++ .95, + .80, N .50, − .20,
#: −− .05). NA means the item says nothing about that hypothesis: the neutral 0.5.
BAYES_LIKELIHOODS: dict[str, float] = {"CC": 0.95, "C": 0.80, "N": 0.50, "I": 0.20, "II": 0.05, "NA": 0.50}

#: The colour of each rating in the charts (green = consistent, red = inconsistent), plus unrated.
#: The browser side keeps its own palette in CSS; no Python or JS spells a rating colour elsewhere.
RATING_COLOURS: dict[str, str] = {
    "II": "#b71c1c", "I": "#ef9a9a", "N": "#e0e0e0", "C": "#a5d6a7", "CC": "#1b5e20", "NA": "#ffffff",
    "unrated": "#f5f5f5",
}
#: The colour of each stance (``RATING_STANCES``) in the charts: supports, refutes, neutral.
STANCE_COLOURS: dict[str, str] = {"support": "#2e7d32", "refute": "#c62828", "neutral": "#9e9e9e"}

WEIGHT_LEVELS: tuple[str, ...] = ("Low", "Medium", "High")
WEIGHT_VALUES: dict[str, float] = {"Low": 1 / math.sqrt(2), "Medium": 1.0, "High": math.sqrt(2)}

RELIABILITY_GRADES: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
#: The reliability grades in order, A first: a grade's position is its code in compiled matrices.
RELIABILITY_ORDER: tuple[str, ...] = tuple(RELIABILITY_GRADES)
INFO_CREDIBILITY_GRADES: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

#: How much of an item's evidential strength survives its source's reliability grade (Bayes view).
#: An ungraded item keeps full strength: grading is optional, and an analysis without grades
#: must reproduce the published likelihood map exactly.
RELIABILITY_FACTORS: dict[str | None, float] = {
    "A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.5, None: 1.0,
}
#: The same for the information-credibility grade.
INFO_CREDIBILITY_FACTORS: dict[int | None, float] = {
    1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.5, None: 1.0,
}


#: What an item whose source has no reliability grade is worth in the Bayesian view. The
#: default keeps the published rating→likelihood map (C = .80); "cannot-be-judged" treats an
#: ungraded source like grade F (factor .5: C counts as .667). The report states the rule used.
UNGRADED_RULES: dict[str, float] = {"as-published": 1.0, "cannot-be-judged": RELIABILITY_FACTORS["F"]}
DEFAULT_UNGRADED = "as-published"


def normalise_ungraded(value: Any) -> str:
    """The rule for ungraded sources: ``"as-published"`` (default) or ``"cannot-be-judged"``.

    Raises:
        ValueError: any other value.
    """
    if _is_missing(value):
        return DEFAULT_UNGRADED
    key = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    if key not in UNGRADED_RULES:
        raise ValueError(f"ungraded-source rule {value!r} is not one of {', '.join(UNGRADED_RULES)}")
    return key


def _is_missing(value: Any) -> bool:
    """True for None and float NaN / pandas NA (anything not equal to itself)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas.NA raises on bool()
        return True


def normalise_rating(value: Any) -> str | None:
    """The canonical rating for an analyst's spelling of it.

    Args:
        value: a rating such as ``"C"``, ``"c c"``, ``"supports"``, ``"--"``; None / NaN
            mean "not rated".

    Returns:
        One of ``RATINGS``, or None when the value is missing.

    Raises:
        ValueError: the value is not a rating.
    """
    if _is_missing(value):
        return None
    rating = _RATING_ALIASES.get(" ".join(value.split()).upper()) if isinstance(value, str) else None
    if rating is None:
        raise ValueError(f"rating {value!r} is not one of CC, C, N, I, II, NA "
                         f"(or supports / refutes / neutral, ++ + - --)")
    return rating


def normalise_weight(value: Any) -> str:
    """The canonical weight level (``High`` / ``Medium`` / ``Low``); missing means Medium.

    Args:
        value: a level in any case, or None / NaN.

    Returns:
        ``"High"``, ``"Medium"`` or ``"Low"``.

    Raises:
        ValueError: any other value.
    """
    if _is_missing(value):
        return "Medium"
    if isinstance(value, str):
        level = value.strip().capitalize()
        if level in WEIGHT_VALUES:
            return level
    raise ValueError(f"weight {value!r} is not High, Medium or Low")


def normalise_reliability(value: Any) -> str | None:
    """The canonical source-reliability grade ``A``–``F``, or None when ungraded.

    Raises:
        ValueError: any other value.
    """
    if _is_missing(value):
        return None
    if isinstance(value, str) and value.strip().upper() in RELIABILITY_GRADES:
        return value.strip().upper()
    raise ValueError(f"source reliability {value!r} is not an Admiralty grade A-F")


def normalise_info_credibility(value: Any) -> int | None:
    """The information-credibility grade 1–6 as an int, or None when ungraded.

    Raises:
        ValueError: any other value (6 is a valid grade: it means "cannot be judged").
    """
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"information credibility {value!r} is not a grade 1-6")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if number.is_integer() and 1 <= number <= 6:
        return int(number)
    raise ValueError(f"information credibility {value!r} is not a grade 1-6")


def vocabulary() -> dict[str, Any]:
    """The scales as plain JSON-able data, for the browser side of the widgets (which spells none).

    Returns:
        {"ratings": [{code, name, stance}] in display order (CC … II, NA), "none": the code of
        "not applicable", "keys": key → rating, "key_help": the keys in words, "cycle": the
        click order, "weights": [High, Medium, Low], "default_weight", "weight_keys": key →
        weight, "info_credibility": [{grade, name}], "reliability": [{grade, name}]}.
    """
    words = {"C": "supports", "CC": "strongly", "I": "refutes", "II": "strongly", "N": "neutral", "NA": "n/a"}
    return {
        "ratings": [{"code": code, "name": name, "stance": RATING_STANCES[code]} for code, name in RATING_NAMES.items()],
        "none": "NA",
        "keys": dict(RATING_KEYS),
        "key_help": " · ".join(f"{key} {words[code]}" for key, code in RATING_KEYS.items()),
        "cycle": list(RATING_CYCLE),
        "weights": list(reversed(WEIGHT_LEVELS)),
        "default_weight": "Medium",
        "weight_keys": {level[0].lower(): level for level in reversed(WEIGHT_LEVELS)},
        "info_credibility": [{"grade": grade, "name": name} for grade, name in INFO_CREDIBILITY_GRADES.items()],
        "reliability": [{"grade": grade, "name": name} for grade, name in RELIABILITY_GRADES.items()],
    }
