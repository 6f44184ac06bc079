"""In-article canonical names.

"Putin", "President Putin" and "Russian President Vladimir Putin" all become
"Vladimir Putin" (the fullest name seen in the article); "ISW" and "Institute for
the Study of War" become one name when the article defines the acronym or the
curated lexicon knows it; "U.S." becomes "United States".
"""

from __future__ import annotations

import re
from typing import Callable

_POSSESSIVE = re.compile(r"\s*['’]s?$")
_SPACES = re.compile(r"\s+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.-]{1,9}$")
_NAMED = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "MILITARY_UNIT", "WEAPON"})
_LOWER_WORDS = frozenset({"of", "for", "the", "and", "on", "in", "to", "de", "&", "a"})


def normalise(text: str) -> str:
    """Collapse whitespace, unify apostrophes, drop a trailing possessive.

    Args:
        text: a surface form.

    Returns:
        The cleaned form.
    """
    t = text.strip()
    if "  " in t or "\n" in t or "\t" in t or "\xa0" in t:
        t = _SPACES.sub(" ", t)
    if "’" in t:
        t = t.replace("’", "'")
    if len(t) > 3 and t.endswith(("'s", "'")):
        t = _POSSESSIVE.sub("", t).strip()
    return t


def strip_the(text: str) -> str:
    """Drop a leading article ("the Kremlin" -> "Kremlin").

    Args:
        text: a name.

    Returns:
        The name without a leading "the".
    """
    return text[4:] if text[:4].lower() == "the " and len(text) > 4 else text


def initials(name: str) -> str:
    """Initials of the significant words of ``name`` ("Institute for the Study of War" -> "ISW").

    Args:
        name: a multi-word name.

    Returns:
        Upper-case initials.
    """
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w.lower() not in _LOWER_WORDS).upper()


def canonicalise(
    text: str,
    mentions: list[dict],
    hints: list[str | None],
    lookup: Callable[[str], tuple[str, str] | None],
    strip_title: Callable[[str], str],
) -> list[str]:
    """Compute the canonical name of every mention of one article.

    Args:
        text: the article text (used to find "Long Name (ACR)" definitions).
        mentions: dicts with start, end, label, text; sorted by start.
        hints: per mention, a canonical name from the gazetteer (for PERSON: a lemmatised
            form from the Russian path), or None.
        lookup: surface -> (label, canonical name) from the curated lexicon, or None.
        strip_title: removes leading titles/ranks from a person name.

    Returns:
        One canonical string per mention.
    """
    names: list[str] = []
    for m, hint in zip(mentions, hints):
        label = m["label"]
        if hint and label != "PERSON":
            names.append(hint)
            continue
        base = normalise(hint or m["text"])  # a PERSON hint is a lemmatised form (Russian path)
        if label == "PERSON":
            names.append(strip_title(base) if " " in base else base)  # people are not in the lexicon
            continue
        if label in _NAMED:
            base = strip_the(base)
        hit = lookup(base)
        names.append(hit[1] if hit and _compatible(hit[0], label) else base)

    # --- persons: short forms resolve to the fullest name with the same surname --------
    persons = [(i, tuple(names[i].split())) for i, m in enumerate(mentions) if m["label"] == "PERSON"]
    by_last: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for i, toks in persons:
        if len(toks) > 1:
            by_last.setdefault(toks[-1], []).append((i, toks))
    for i, toks in persons:
        best: tuple[str, ...] | None = None
        best_pos = -1
        for j, other in by_last.get(toks[-1], ()):
            if len(other) <= len(toks) or not _is_short_form(toks, other):
                continue
            if best is None or len(other) > len(best) or (
                len(other) == len(best) and other != best and _closer(j, best_pos, i)
            ):
                best, best_pos = other, j
        if best is not None:
            names[i] = " ".join(best)

    # --- organisations: acronyms <-> long names ---------------------------------------
    orgs = [i for i, m in enumerate(mentions) if m["label"] in ("ORG", "MILITARY_UNIT")]
    long_by_acr: dict[str, str] = {}
    for i in orgs:
        n = names[i]
        if " " in n:
            long_by_acr.setdefault(initials(n), n)
    # explicit definitions "Long Name (ACR)" / "ACR (Long Name)"
    for a, b in zip(orgs, orgs[1:]):
        gap = text[mentions[a]["end"]:mentions[b]["start"]]
        if gap.strip() in ("(", ", or", "or") or gap in (" (", "("):
            la, lb = names[a], names[b]
            if _ACRONYM.match(lb) and " " in la:
                long_by_acr[lb] = la
            elif _ACRONYM.match(la) and " " in lb:
                long_by_acr[la] = lb
    for i in orgs:
        n = names[i]
        if _ACRONYM.match(n) and n in long_by_acr:
            long_name = long_by_acr[n]
            hit = lookup(long_name)
            names[i] = hit[1] if hit and hit[0] == "ORG" else long_name
    for i in orgs:  # a long name whose acronym is curated ("ISW") takes the curated canonical
        n = names[i]
        if " " in n:
            hit = lookup(initials(n))
            if hit and hit[0] == "ORG" and initials(hit[1]) == initials(n) and " " in hit[1]:
                names[i] = hit[1]
    return names


def _compatible(a: str, b: str) -> bool:
    """Whether a curated label and a mention label may share a canonical name."""
    places = ("GPE", "LOC", "FAC")
    return a == b or (a in places and b in places) or (a == "ORG" and b == "MILITARY_UNIT")


def _is_short_form(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` names the same person as ``full`` (suffix, or first+last)."""
    if full[-len(short):] == short:
        return True
    if len(short) == 2 and short[0] == full[0] and short[-1] == full[-1]:
        return True
    return False


def _closer(j: int, best_pos: int, i: int) -> bool:
    """Prefer the full-name mention nearest before ``i``."""
    if j <= i and (best_pos > i or j > best_pos):
        return True
    return False
