"""Analytic confidence (ICD 203), stated apart from likelihood: low, moderate or high.

Likelihood says how probable a hypothesis is; confidence says how much the judgment can be
trusted: how many independent origins it rests on, how good they are, whether the methods
agree and whether one item holds it up. The level starts at *high* and each finding below
can only lower it (the lowest cap wins); every finding is listed as a reason.

=========================================================  ============
finding                                                    caps at
=========================================================  ============
no independent origin, or only one, supports the leader    low
the scoring engines disagree on the leader                 low
every supporting origin is graded E (unreliable)           low
two independent origins support the leader                 moderate
fewer than three origins support it and none is graded
A, B or C                                                  low
no supporting origin is graded A, B or C                   moderate
removing one item changes the leader (a linchpin)          moderate
the leader changes between "one per origin" and
"independent" (it rests on the independence assumption)    moderate
=========================================================  ============

An analyst may override the level with a note; the derived level and its reasons are kept.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CONFIDENCE_LEVELS", "Confidence", "assess_confidence", "normalise_confidence", "stated_level"]

CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "moderate", "high")
_GOOD_GRADES = frozenset("ABC")


def normalise_confidence(value: Any) -> str:
    """``"low"``, ``"moderate"`` or ``"high"`` (any case; "medium" means moderate).

    Raises:
        ValueError: any other value.
    """
    key = str(value or "").strip().lower()
    key = {"medium": "moderate", "mod": "moderate"}.get(key, key)
    if key not in CONFIDENCE_LEVELS:
        raise ValueError(f"confidence {value!r} is not low, moderate or high")
    return key


@dataclass(frozen=True)
class Confidence:
    """Analytic confidence in the leading hypothesis.

    Attributes:
        level: the stated level (the analyst's override when there is one).
        derived: the level the rules give.
        reasons: one sentence per finding, lowering ones first.
        override_note: the analyst's note when the level was overridden, else None.
        overridden_by: who overrode it.
    """

    level: str
    derived: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    override_note: str | None = None
    overridden_by: str | None = None

    @property
    def overridden(self) -> bool:
        return self.override_note is not None

    def sentence(self) -> str:
        """One line, e.g. "Confidence: low — only one independent origin …"."""
        return f"Confidence: {stated_level(self.to_dict())}" + (" — " + "; ".join(self.reasons) if self.reasons else "")

    def with_override(self, level: str | None, note: str | None, analyst: str | None = None) -> Confidence:
        """A copy with an analyst's override (None level = no override)."""
        if level is None:
            return self
        return Confidence(normalise_confidence(level), self.derived, self.reasons, note or "", analyst)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "derived": self.derived, "reasons": list(self.reasons),
                "override": None if not self.overridden else {"note": self.override_note, "by": self.overridden_by}}


def stated_level(payload: Mapping[str, Any]) -> str:
    """The level as stated, from ``Confidence.to_dict()``: "low", or with an analyst's override
    "moderate (set by ana: imagery held offline; the rules give low)"."""
    override = payload.get("override")
    if not override:
        return payload["level"]
    return (f"{payload['level']} (set by {override.get('by') or 'an analyst'}: {override['note']}; "
            f"the rules give {payload['derived']})")


def _lower(current: str, cap: str) -> str:
    return CONFIDENCE_LEVELS[min(CONFIDENCE_LEVELS.index(current), CONFIDENCE_LEVELS.index(cap))]


def assess_confidence(*, leader: str, supporting_origins: int, origin_grades: Sequence[str | None],
                      engines_agree: bool, linchpins: Mapping[str, Sequence[str]] | None,
                      assumption_changes_leader: bool) -> Confidence:
    """Derive the confidence level and its reasons.

    Args:
        leader: the leading hypothesis (for the wording).
        supporting_origins: independent origins whose evidence favours the leader (the fewest
            under any engine).
        origin_grades: best source-reliability grade (A–F, None = ungraded) of each
            supporting origin.
        engines_agree: some hypothesis leads under every engine.
        linchpins: engine → items whose removal changes the leader (None = not computed).
        assumption_changes_leader: the Bayesian leader differs between one observation per
            origin and every item independent.

    Returns:
        ``Confidence``.
    """
    level = "high"
    lowering: list[str] = []
    standing: list[str] = []
    n = supporting_origins
    if n <= 1:
        level = _lower(level, "low")
        lowering.append("no independent origin supports the leader" if n == 0 else
                        f"'{leader}' rests on a single origin")
    elif n == 2:
        level = _lower(level, "moderate")
        lowering.append("only two independent origins support the leader")
    else:
        standing.append(f"{n} independent origins support the leader")
    if not engines_agree:
        level = _lower(level, "low")
        lowering.append("the scoring engines disagree on the leader")
    else:
        standing.append("every engine ranks the leader first")
    grades = [g for g in origin_grades]
    if grades and all(g == "E" for g in grades):
        level = _lower(level, "low")
        lowering.append("every supporting origin is graded E (unreliable)")
    elif grades and not any(g in _GOOD_GRADES for g in grades):
        level = _lower(level, "low" if n < 3 else "moderate")
        shown = ", ".join(sorted({g or "ungraded" for g in grades}))
        lowering.append(f"no supporting origin is graded A–C (grades: {shown})")
    elif grades:
        good = sum(g in _GOOD_GRADES for g in grades)
        standing.append(f"{good} of {len(grades)} supporting origins graded A–C")
    if linchpins is None:
        standing.append("linchpins not computed")
    else:
        held = sorted({item for items in linchpins.values() for item in items})
        if held:
            level = _lower(level, "moderate")
            shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
            lowering.append(f"removing one item changes the leader ({shown})")
        else:
            standing.append("no single item changes the leader")
    if assumption_changes_leader:
        level = _lower(level, "moderate")
        lowering.append("the Bayesian leader changes when every item is counted as independent")
    return Confidence(level, level, tuple(lowering + standing))
