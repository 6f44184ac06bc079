"""Overlap resolution: choose non-overlapping spans from rule and model candidates."""

from __future__ import annotations

from typing import NamedTuple

from ._tagger import STRONG, Cand

MODEL_PRIO = 2
"""Priority of a trained model's entity: above heuristics, below curated rules on ties."""

# Labels with which a curated rule overrules any overlapping model span.
FIX_ALWAYS = frozenset({"WEAPON"})


class Picked(NamedTuple):
    """A chosen span over tokens ``[start, end)``."""

    start: int
    end: int
    label: str
    origin: str  # "rule" | "model"
    canonical: str | None


def _greedy(cands: list[tuple[Cand, str]], n: int, taken: bytearray, out: list[Picked]) -> None:
    cands.sort(key=lambda c: (c[0].start - c[0].end, -c[0].prio, c[0].start))
    for c, origin in cands:
        s, e = c.start, c.end
        if s >= e or e > n or any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append(Picked(s, e, c.label, origin, c.canonical))


def resolve(rules: list[Cand], n: int, model: list[Cand] | None = None) -> list[Picked]:
    """Pick non-overlapping spans, longest first, priority breaking ties.

    With ``model`` given (hybrid mode), a strong rule knocks out a model span with a
    different label when it covers the model span, overlaps it partially, or is a
    weapon; so curated lists fix the stock model's domain mistakes ("S-400" as ORG,
    "Belarus" as PERSON). A model span strictly containing a strong rule span is
    kept (the model saw a longer name: "Joint Forces of the Armed Forces of Ukraine").

    Args:
        rules: rule candidates.
        n: number of tokens in the document.
        model: the trained model's entities as candidates, or None.

    Returns:
        Chosen spans sorted by start.
    """
    taken = bytearray(n)
    out: list[Picked] = []
    pool: list[tuple[Cand, str]] = [(c, "rule") for c in rules]
    if model:
        strong = [c for c in rules if c.prio >= STRONG]
        for m in model:
            beaten = False
            for r in strong:
                if r.start < m.end and m.start < r.end and r.label != m.label:
                    inside = m.start <= r.start and r.end <= m.end and (r.end - r.start) < (m.end - m.start)
                    if r.label in FIX_ALWAYS or not inside:
                        beaten = True
                        break
            if not beaten:
                pool.append((m, "model"))
    _greedy(pool, n, taken, out)
    out.sort()
    return out


def free_ranges(picked: list[Picked], n: int) -> bytearray:
    """Token occupancy of ``picked``.

    Args:
        picked: chosen spans.
        n: number of tokens.

    Returns:
        A bytearray with 1 where a token is inside a chosen span.
    """
    taken = bytearray(n)
    for p in picked:
        taken[p.start:p.end] = b"\x01" * (p.end - p.start)
    return taken
