"""Folding text for matching: typographic variants that editors and CMSs change freely made
equal (curly and straight quotes and apostrophes, dashes, every kind of white space and runs
of it, zero-width characters, letter case), with a map back to the original offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Folded", "fold", "folded_text"]

_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_FOLD_TABLE = str.maketrans({
    **{c: " " for c in map(chr, range(0x3001)) if c.isspace()},
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
})
# Runs of spaces collapse to one; zero-width characters disappear (after the table made every
# kind of white space a plain space).
_GAP = re.compile(f"[ {_ZERO_WIDTH}]{{2,}}|[{_ZERO_WIDTH}]")


@dataclass(frozen=True)
class Folded:
    """A folded text and the way back to the original's offsets."""

    text: str
    origin: list[int]  # origin[i]: index in the original text of folded character i; one past the end last
    alphabet: frozenset[str]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded characters ``start:end``."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> str:
    """``text`` with typographic variants made equal: quotes, apostrophes and dashes in their
    ASCII form, every run of white space one space, lower case."""
    folded = text.translate(_FOLD_TABLE)
    lower = folded.lower()
    return _GAP.sub(_gap, lower if len(lower) == len(folded) else folded)


def _gap(run: re.Match[str]) -> str:
    return " " if " " in run.group() else ""


@lru_cache(maxsize=256)
def folded_text(text: str) -> Folded:
    """A whole text folded, with the way back to its offsets (cached: texts are searched often)."""
    folded, origin = _fold_text(text)
    return Folded(folded, origin, frozenset(folded))


def _fold_text(text: str) -> tuple[str, list[int]]:
    folded = text.translate(_FOLD_TABLE)
    lower = folded.lower()
    if len(lower) == len(folded):  # a few letters lower-case to two characters; keep case then
        folded = lower
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for gap in _GAP.finditer(folded):
        parts.append(folded[last:gap.start()])
        origin.extend(range(last, gap.start()))
        run = gap.group()
        if " " in run:
            parts.append(" ")
            origin.append(gap.start() + run.index(" "))
        last = gap.end()
    parts.append(folded[last:])
    origin.extend(range(last, len(folded)))
    origin.append(len(folded))
    return "".join(parts), origin
