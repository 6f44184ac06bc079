"""A rule candidate and the priorities that rank overlapping candidates."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Cand", "STRONG", "MEDIUM", "WEAK"]

# Priorities used when candidates overlap (higher wins on equal length).
STRONG, MEDIUM, WEAK = 3, 2, 1


class Cand(NamedTuple):
    """A candidate entity over tokens ``[start, end)``."""

    start: int
    end: int
    label: str
    prio: int
    canonical: str | None
