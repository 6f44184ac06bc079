"""Evidence anchors: character offsets plus a W3C TextQuoteSelector (exact, prefix, suffix),
found again, exactly or approximately, in a text that may have been edited.

Offsets are fast and exact while the article text is unchanged (it is immutable in a
workspace); the quote selector lets an anchor be found again in a re-imported, re-extracted
or re-published copy of the article, where words, punctuation and offsets may have changed.

Finding a quote again follows the design of hypothes.is's quote matching (read, not copied):

1. verbatim occurrences of the quote first;
2. then occurrences in a *folded* text, where typographic variants that editors and CMSs
   change freely are made equal (curly and straight quotes and apostrophes, dashes, runs of
   white space and line breaks, letter case);
3. then approximate matches, edit distance up to half the quote's length, found by edlib's
   bit-parallel infix alignment over the folded text, for the quote alone and for the quote
   with its prefix and suffix (which finds the right one of several similar passages).

Every candidate is scored like hypothes.is does: similarity of the matched text to the quote
(weight 50), of the text before it to the prefix (20) and after it to the suffix (20), and
closeness to the old offset (2, a tie-breaker). Verbatim matches are always taken; an
approximate one must keep at least half the quote and score ``MIN_SCORE``, else the quote is
orphaned (``find_quote`` returns None).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import edlib

__all__ = ["Anchor", "Match", "CONTEXT", "MIN_SCORE", "METHODS", "make_anchor", "find_quote",
           "occurrences", "fold"]

CONTEXT = 32        # characters of prefix and suffix kept around the quote
MAX_CONTEXT = 256   # context grows up to this while it does not yet single out a repeated quote
MIN_SCORE = 0.7     # an approximate match scoring less is no match (the quote is orphaned)
MIN_QUOTE = 0.5     # ... and so is one that keeps less than half of the quote
METHODS = ("exact", "fuzzy", "orphaned")
MAX_CANDIDATES = 200  # occurrences scored per stage: a very common phrase must not cost seconds

# Weights of hypothes.is's match score: quote, prefix, suffix, position.
_W_QUOTE, _W_PREFIX, _W_SUFFIX, _W_POS = 50.0, 20.0, 20.0, 2.0
_W_TOTAL = _W_QUOTE + _W_PREFIX + _W_SUFFIX + _W_POS


@dataclass(frozen=True)
class Anchor:
    """A quote's offsets and selector in one text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Match:
    """Where a quote was found: offsets, how (exact | fuzzy) and the match score (0-1).

    A fuzzy match scoring 1.0 differs from the quote only in typography, white space or case.
    """

    start: int
    end: int
    method: str
    score: float


# -- folding: one character class per typographic variant ------------------------------------
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
class _Folded:
    text: str
    origin: list[int]  # origin[i]: index in the original text of folded character i; one past the end last
    alphabet: frozenset[str]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded characters ``start:end``."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> str:
    """``text`` with typographic variants made equal: quotes, apostrophes and dashes in their
    ASCII form, every run of white space one space, lower case."""
    return _fold_text(text)[0]


@lru_cache(maxsize=256)
def _fold(text: str) -> _Folded:
    """A whole text folded, with the way back to its offsets (cached: texts are searched often)."""
    folded, origin = _fold_text(text)
    return _Folded(folded, origin, frozenset(folded))


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


# -- making anchors ---------------------------------------------------------------------------
def make_anchor(text: str, start: int, end: int, *, name: str = "quote") -> Anchor:
    """Anchor ``text[start:end]``.

    The prefix and suffix are ``CONTEXT`` characters long, longer (up to ``MAX_CONTEXT``) when
    the quote occurs more than once and a shorter context would not tell its occurrence apart.

    Args:
        text: the article text.
        start, end: character offsets (end exclusive).
        name: how errors refer to the quote.
    Returns:
        The anchor.
    Raises:
        ValueError: offsets outside the text, empty or whitespace-only span.
    """
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"{name}: span {start}-{end} is outside the article (0-{len(text)})")
    exact = text[start:end]
    if not exact.strip():
        raise ValueError(f"{name}: span {start}-{end} holds only white space")
    size = CONTEXT
    while True:
        prefix, suffix = text[max(0, start - size):start], text[end:end + size]
        unique = text.count(prefix + exact + suffix) <= 1
        if unique or size >= MAX_CONTEXT or (start - size <= 0 and end + size >= len(text)):
            return Anchor(start, end, exact, prefix, suffix)
        size *= 2


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` occurs in ``text``, verbatim or differing only in typography,
    white space or case (see ``fold``), in text order, as original ``(start, end)`` offsets."""
    spans = _verbatim(text, quote)
    if spans:
        return spans
    folded, needle = _fold(text), fold(quote).strip()
    if not needle:
        return []
    out, pos = [], folded.text.find(needle)
    while pos != -1:
        out.append(folded.span(pos, pos + len(needle)))
        pos = folded.text.find(needle, pos + 1)
    return out


def _verbatim(text: str, quote: str) -> list[tuple[int, int]]:
    out, pos = [], text.find(quote) if quote else -1
    while pos != -1:
        out.append((pos, pos + len(quote)))
        pos = text.find(quote, pos + 1)
    return out


# -- finding anchors again --------------------------------------------------------------------
def find_quote(text: str, exact: str, prefix: str = "", suffix: str = "",
               hint: int | None = None) -> Match | None:
    """Find a quote in ``text``: at its old offset if it still holds, else the best-scoring
    exact or approximate match (see the module's docstring).

    Args:
        text: the text to search (an article, perhaps an edited copy of the quoted one).
        exact: the quoted words.
        prefix, suffix: the text seen just before and after the quote when it was tagged.
        hint: the quote's old start offset, if known.
    Returns:
        The match, or None when the quote is orphaned (not found well enough).
    """
    if not exact or not exact.strip() or not text:
        return None
    if hint is not None and 0 <= hint and text.startswith(exact, hint) \
            and text.endswith(prefix, 0, hint) and text.startswith(suffix, hint + len(exact)):
        return Match(hint, hint + len(exact), "exact", 1.0)
    query = _Query(text, exact, prefix, suffix, hint)
    if not query.quote:
        return None
    best = query.best(_verbatim(text, exact))
    if best is None or not best.perfect:
        folded = query.folded
        spans, pos = [], folded.text.find(query.quote)
        while pos != -1 and len(spans) < MAX_CANDIDATES:
            spans.append(folded.span(pos, pos + len(query.quote)))
            pos = folded.text.find(query.quote, pos + 1)
        best = _better(best, query.best(spans))
        if best is None:  # nothing even after folding: approximate search for the quote alone
            best = query.best(query.approximate(query.quote, 0, len(query.quote)))
        if (best is None or not best.perfect) and (query.prefix or query.suffix):
            # the quote together with its context: finds the right one of several similar passages
            whole = query.prefix + query.quote + query.suffix
            best = _better(best, query.best(query.approximate(whole, len(query.prefix),
                                                              len(query.prefix) + len(query.quote))))
    if best is None:
        return None
    method = "exact" if text[best.start:best.end] == exact else "fuzzy"
    if method == "fuzzy" and (best.quote < MIN_QUOTE or best.score < MIN_SCORE):
        return None
    return Match(best.start, best.end, method, round(best.score, 4))


@dataclass(frozen=True)
class _Scored:
    start: int
    end: int
    score: float
    quote: float
    perfect: bool  # quote, prefix and suffix all match (after folding)


def _better(a: _Scored | None, b: _Scored | None) -> _Scored | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.score > a.score else a


class _Query:
    """One quote being looked for in one text: folded forms and the scoring of candidates."""

    def __init__(self, text: str, exact: str, prefix: str, suffix: str, hint: int | None) -> None:
        self.text = text
        self.folded = _fold(text)
        self.quote = fold(exact).strip()
        self.prefix = fold(prefix).lstrip()
        self.suffix = fold(suffix).rstrip()
        self.hint = hint

    def best(self, spans: list[tuple[int, int]]) -> _Scored | None:
        """The best-scoring of these original-text spans (None if there are none)."""
        best = None
        for start, end in spans[:MAX_CANDIDATES]:
            best = _better(best, self.score(start, end))
        return best

    def score(self, start: int, end: int) -> _Scored:
        """hypothes.is's weighted score of the candidate ``text[start:end]``."""
        text = self.text
        quote = 1.0 - _distance(fold(text[start:end]).strip(), self.quote) / len(self.quote)
        if self.prefix:
            # fold a little more than needed: folding can only shorten the text
            before = fold(text[max(0, start - 2 * len(self.prefix) - 8):start])[-len(self.prefix):]
            prefix = 1.0 - _distance(before, self.prefix) / len(self.prefix)
        else:
            prefix = 1.0
        if self.suffix:
            after = fold(text[end:end + 2 * len(self.suffix) + 8])[:len(self.suffix)]
            suffix = 1.0 - _distance(after, self.suffix) / len(self.suffix)
        else:
            suffix = 1.0
        position = 1.0 if self.hint is None else 1.0 - min(1.0, abs(start - self.hint) / max(1, len(text)))
        score = (_W_QUOTE * quote + _W_PREFIX * prefix + _W_SUFFIX * suffix + _W_POS * position) / _W_TOTAL
        return _Scored(start, end, score, quote, quote == prefix == suffix == 1.0)

    def approximate(self, pattern: str, lo: int, hi: int) -> list[tuple[int, int]]:
        """Original spans of the best approximate matches of ``pattern`` (errors up to half its
        length); of each, the part matching ``pattern[lo:hi]`` (the quote within its context)."""
        folded = self.folded.text
        target = self._reduced(pattern)
        if target is None:
            return []
        found = edlib.align(pattern, target, mode="HW", task="locations", k=max(1, len(pattern) // 2))
        if found["editDistance"] < 0:
            return []
        spans: list[tuple[int, int]] = []
        for start, last in found["locations"][:MAX_CANDIDATES]:
            if start is None:
                continue
            if (lo, hi) != (0, len(pattern)):
                # the quote's part of the matched window: align the quote inside it
                window = target[start:last + 1]
                inner = edlib.align(pattern[lo:hi], window, mode="HW", task="locations",
                                    k=max(1, (hi - lo) // 2))
                if inner["editDistance"] < 0 or not inner["locations"] or inner["locations"][0][0] is None:
                    continue
                start, last = start + inner["locations"][0][0], start + inner["locations"][0][1]
            while start <= last and folded[start] == " ":
                start += 1
            while last >= start and folded[last] == " ":
                last -= 1
            if start <= last:
                spans.append(self.folded.span(start, last + 1))
        return list(dict.fromkeys(spans))

    def _reduced(self, pattern: str) -> str | None:
        """The folded text for edlib, whose alphabet is limited to 256 symbols: characters the
        pattern lacks can never match it, so they may all share one symbol."""
        text = self.folded.text
        if len(self.folded.alphabet | set(pattern)) <= 256:
            return text
        keep = set(pattern)
        if len(keep) > 255:
            return None  # a quote of more than 255 distinct characters: exact matching only
        filler = next(c for c in ("\x00", "\x01", "\x02") if c not in keep)
        return re.sub(f"[^{''.join(re.escape(c) for c in sorted(keep))}]", filler, text)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (edlib; equal strings and empty ones without a call)."""
    if a == b:
        return 0
    if not a or not b:
        return max(len(a), len(b))
    if len(set(a) | set(b)) > 256:  # rare scripts mix: characters not in ``b`` share one symbol
        keep = set(b)
        if len(keep) > 255:  # no room even so: count differing positions instead
            return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
        a = "".join(c if c in keep else "\x00" for c in a)
    return int(edlib.align(a, b, mode="NW", task="distance")["editDistance"])
