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
   bit-parallel infix alignment over the folded text: first near the old offset, then in the
   whole text; first the quote with its prefix and suffix (the alignment of the whole places
   the quote's edges and picks the right one of several similar passages), then the quote
   alone. Where words were trimmed, the edges then move to the nearby word boundaries that
   score best.

Every candidate is scored like hypothes.is does: similarity of the matched text to the quote
(weight 50), of the text before it to the prefix (20) and after it to the suffix (20), and
closeness to the old offset (2, a tie-breaker). Verbatim matches are always taken; an
approximate one must keep at least half the quote and score ``MIN_SCORE``, else the quote is
orphaned (``find_quote`` returns None).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import edlib

from ._folding import fold, folded_text

__all__ = ["Anchor", "Match", "CONTEXT", "MIN_SCORE", "METHODS", "make_anchor", "find_quote", "occurrences"]

CONTEXT = 32        # characters of prefix and suffix kept around the quote
MAX_CONTEXT = 256   # context grows up to this while it does not yet single out a repeated quote
MIN_SCORE = 0.7     # an approximate match scoring less is no match (the quote is orphaned)
MIN_QUOTE = 0.5     # ... and so is one that keeps less than half of the quote
METHODS = ("exact", "fuzzy", "orphaned")
MAX_CANDIDATES = 200  # occurrences scored per stage: a very common phrase must not cost seconds
STRONG = 0.9        # an approximate match scoring this near the old offset ends the search there,
CONFIDENT_CONTEXT = 0.8  # and so does one keeping half the quote whose prefix and suffix match this well
_REACH = 8          # characters an approximate match's edges may move to a better word boundary

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
    folded, needle = folded_text(text), fold(quote).strip()
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
    best = query.best([query.from_raw(start, end) for start, end in _verbatim(text, exact)[:MAX_CANDIDATES]])
    if best is None or not best.perfect:
        best = _better(best, query.best(query.folded_occurrences()))
    if best is None or not best.perfect:
        best = _better(best, query.search())
    if best is None:
        return None
    if best.quote < 1.0 and best.context < 1.0:  # context intact on both sides: the edges are right
        best = query.refine(best)
    start, end = query.folded.span(best.start, best.end)
    method = "exact" if text[start:end] == exact else "fuzzy"
    if method == "fuzzy" and (best.quote < MIN_QUOTE or best.score < MIN_SCORE):
        return None
    return Match(start, end, method, round(best.score, 4))


@dataclass(frozen=True)
class _Scored:
    start: int      # offsets in the folded text
    end: int
    score: float
    quote: float
    context: float  # the worse of the prefix and suffix similarities
    perfect: bool   # quote, prefix and suffix all match (after folding)

    @property
    def confident(self) -> bool:
        """Good enough to stop looking: a high score, or a usable quote in its own context."""
        return self.score >= STRONG or (self.quote >= MIN_QUOTE and self.context >= CONFIDENT_CONTEXT)


def _better(a: _Scored | None, b: _Scored | None) -> _Scored | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.score > a.score else a


class _Query:
    """One quote being looked for in one text. Candidates are spans of the folded text, scored
    there (so typography never costs a point); the winner is mapped back to the original."""

    def __init__(self, text: str, exact: str, prefix: str, suffix: str, hint: int | None) -> None:
        self.folded = folded_text(text)
        self.quote = fold(exact).strip()
        self.prefix = fold(prefix)
        self.suffix = fold(suffix)
        self.hint = hint
        self.length = len(text)

    def from_raw(self, start: int, end: int) -> tuple[int, int]:
        """The folded span of original offsets ``start:end``."""
        origin = self.folded.origin
        return bisect_left(origin, start), bisect_left(origin, end)

    def folded_occurrences(self) -> list[tuple[int, int]]:
        """Occurrences of the quote in the folded text (typography, white space, case aside)."""
        text, quote = self.folded.text, self.quote
        spans, pos = [], text.find(quote)
        while pos != -1 and len(spans) < MAX_CANDIDATES:
            spans.append((pos, pos + len(quote)))
            pos = text.find(quote, pos + 1)
        return spans

    def best(self, spans: list[tuple[int, int]]) -> _Scored | None:
        """The best-scoring of these folded spans (None if there are none)."""
        best = None
        for start, end in spans:
            best = _better(best, self.score(start, end))
        return best

    def score(self, start: int, end: int) -> _Scored:
        """hypothes.is's weighted score of the candidate ``folded[start:end]``."""
        text = self.folded.text
        quote = 1.0 - _distance(text[start:end].strip(), self.quote) / len(self.quote)
        prefix = 1.0 - _distance(text[max(0, start - len(self.prefix)):start], self.prefix) / len(self.prefix) \
            if self.prefix else 1.0
        suffix = 1.0 - _distance(text[end:end + len(self.suffix)], self.suffix) / len(self.suffix) \
            if self.suffix else 1.0
        position = 1.0
        if self.hint is not None:
            position = 1.0 - min(1.0, abs(self.folded.origin[start] - self.hint) / max(1, self.length))
        score = (_W_QUOTE * quote + _W_PREFIX * prefix + _W_SUFFIX * suffix + _W_POS * position) / _W_TOTAL
        return _Scored(start, end, score, quote, min(prefix, suffix), quote == prefix == suffix == 1.0)

    def refine(self, found: _Scored) -> _Scored:
        """Move an approximate match's edges to the nearby word boundaries that score best.

        Where words were trimmed, an alignment may as well give a letter or two of the context
        to the quote as not; the context decides."""
        text = self.folded.text
        size = len(text)
        best = found
        ends = [p for p in range(max(found.start + 1, found.end - _REACH), min(size, found.end + _REACH) + 1)
                if p != found.end and (p == size or text[p] == " " or (text[p - 1].isalnum() and not text[p].isalnum()))]
        for end in ends:
            best = _better(best, self.score(found.start, end))
        starts = [p for p in range(max(0, best.start - _REACH), min(best.end - 1, best.start + _REACH) + 1)
                  if p != best.start and (p == 0 or text[p - 1] == " " or (not text[p - 1].isalnum() and text[p].isalnum()))]
        for start in starts:
            best = _better(best, self.score(start, best.end))
        return best

    def search(self) -> _Scored | None:
        """The best approximate match: near the old offset first (most edits keep a passage
        roughly in place, and a window is quicker to search), then in the whole text."""
        size = len(self.folded.text)
        best = None
        if self.hint is not None:
            near = bisect_left(self.folded.origin, self.hint)
            reach = 2 * (len(self.prefix) + len(self.quote) + len(self.suffix)) + 256
            window = (max(0, near - reach), min(size, near + reach))
            if window != (0, size):
                best = self._search_in(*window)
                if best is not None and best.confident:
                    return best
        return _better(best, self._search_in(0, size))

    def _search_in(self, lo: int, hi: int) -> _Scored | None:
        """The quote with its context first (the alignment of the whole places the quote and
        picks the right one of similar passages), else the quote alone."""
        best = None
        if self.prefix or self.suffix:
            whole = self.prefix + self.quote + self.suffix
            best = self.best(self._approximate(whole, len(self.prefix), len(self.prefix) + len(self.quote), lo, hi))
            if best is not None and best.confident:
                return best
        return _better(best, self.best(self._approximate(self.quote, 0, len(self.quote), lo, hi)))

    def _approximate(self, pattern: str, first: int, last: int, lo: int, hi: int) -> list[tuple[int, int]]:
        """Folded spans of the best approximate matches of ``pattern`` in ``folded[lo:hi]``
        (errors up to half its length); of each, the part aligned with ``pattern[first:last]``."""
        folded = self.folded.text
        target = self._reduced(pattern, folded[lo:hi])
        if target is None:
            return []
        found = edlib.align(pattern, target, mode="HW", task="locations", k=max(1, len(pattern) // 2))
        if found["editDistance"] < 0 or not found["locations"]:
            return []
        places = [(b, e + 1) for b, e in found["locations"][:MAX_CANDIDATES] if b is not None]
        if (first, last) != (0, len(pattern)) and places:
            # the path through the first best match only (a short global alignment)
            b, e = places[0]
            path = edlib.align(pattern, target[b:e], mode="NW", task="path")
            places = [_inner(b, path["cigar"], first, last)]
        spans: list[tuple[int, int]] = []
        for start, end in places:
            if start is None:
                continue
            start, end = start + lo, end + lo
            while start < end and folded[start] == " ":
                start += 1
            while end > start and folded[end - 1] == " ":
                end -= 1
            if start < end:
                spans.append((start, end))
        return list(dict.fromkeys(spans))

    def _reduced(self, pattern: str, target: str) -> str | None:
        """``target`` for edlib, whose alphabet is limited to 256 symbols: characters the
        pattern lacks can never match it, so they may all share one symbol."""
        if len(self.folded.alphabet | set(pattern)) <= 256:
            return target
        keep = set(pattern)
        if len(keep) > 255:
            return None  # a quote of more than 255 distinct characters: exact matching only
        filler = next(chr(c) for c in range(0x110000) if chr(c) not in keep)
        return re.sub(f"[^{''.join(re.escape(c) for c in sorted(keep))}]", filler, target)


def _inner(start: int, cigar: str, lo: int, hi: int) -> tuple[int | None, int]:
    """Where pattern characters ``lo:hi`` lie in the target, following an edlib alignment path
    (``=``/``X`` step both, ``I`` the pattern only, ``D`` the target only) that begins at target
    offset ``start``. Target-only characters at either edge stay outside: they are context."""
    q, t = 0, start
    begin: int | None = None
    end = start
    for count, op in _CIGAR.findall(cigar):
        n = int(count)
        if op == "D":  # target only
            t += n
            continue
        if begin is None and q <= lo < q + n:
            begin = t + (lo - q if op != "I" else 0)
        if q < hi <= q + n:
            end = t + (hi - q if op != "I" else 0)
        q += n
        if op != "I":
            t += n
    return (begin, end) if begin is not None and end > begin else (None, end)


_CIGAR = re.compile(r"(\d+)([=XID])")


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
        filler = next(chr(c) for c in range(0x110000) if chr(c) not in keep)
        a = "".join(c if c in keep else filler for c in a)
    return int(edlib.align(a, b, mode="NW", task="distance")["editDistance"])
