"""Case forms of Ukrainian and Russian place names by pymorphy3's dictionaries.

The package ships place names in the nominative only: their case forms would be data derived
from the dictionaries (Ukrainian: VESUM, CC BY-NC-SA 4.0; Russian: OpenCorpora, CC BY-SA 3.0).
They are made on the user's machine, with the dictionary installed there, by this module
(``_slavic_places`` caches the result per user); ``scripts/build_slavic_places.py`` uses the
same code to check a build.

A name is declined in the singular cases; a multi-word name word by word in agreement, a
hyphenated one part by part.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["CASES", "decline_word", "forms", "norm"]

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def norm(word: str) -> str:
    """One apostrophe for Ukrainian (the codifier mixes ’, ʼ and ').

    Args:
        word: a name as a source writes it.

    Returns:
        The name with "'" for every apostrophe, stripped.
    """
    return word.replace("’", "'").replace("ʼ", "'").strip()


def decline_word(morph: Any, word: str) -> dict[str, set[str]] | None:
    """Case -> forms of one word read as a singular nominative, or None if it cannot be.

    Every form of the lexeme with the same gender and number counts (Ukrainian has two
    locatives for adjectives: "Чорному морі" and "Чорнім морі").

    Args:
        morph: a ``pymorphy3.MorphAnalyzer``.
        word: the word, lower-cased.

    Returns:
        e.g. {"nomn": {"київ"}, "gent": {"києва"}, "loct": {"києві"}, ...}, or None.
    """
    parses = [p for p in morph.parse(word) if "nomn" in p.tag.grammemes and "plur" not in p.tag.grammemes]
    if not parses:
        parses = [p for p in morph.parse(word) if "nomn" in p.tag.grammemes]
    if not parses:
        return None
    p = parses[0]
    gram = p.tag.grammemes
    keep = {g for g in ("masc", "femn", "neut", "sing", "plur") if g in gram}
    out: dict[str, set[str]] = {}
    for f in p.lexeme:
        fg = f.tag.grammemes
        case = next((c for c in CASES if c in fg), None)
        number_ok = ("plur" in fg) == ("plur" in gram)  # a singular name keeps singular forms
        if case and number_ok and (
                p.tag.POS != "ADJF" or all(g in fg for g in keep if g in ("masc", "femn", "neut"))):
            out.setdefault(case, set()).add(f.word)
    return out or None


def forms(morph: Any, name: str) -> set[str]:
    """Lower-case case forms of a (possibly multi-word, hyphenated) place name.

    Args:
        morph: a ``pymorphy3.MorphAnalyzer`` of the name's language.
        name: the nominative.

    Returns:
        The lower-cased nominative and its singular case forms, words joined by one space.
    """
    name = norm(name)
    words = name.lower().split()
    per_word: list[dict[str, set[str]]] = []
    for w in words:
        if "-" in w and not any(ch.isdigit() for ch in w):  # Кам'янка-Дніпровська: decline each part
            parts = [decline_word(morph, x) or {} for x in w.split("-")]
            per_word.append({c: {"-".join(sorted(p.get(c, {x}))[0] for p, x in zip(parts, w.split("-")))} for c in CASES})
        elif len(words) > 1 and w == words[0] and w.endswith(("ів", "їв")) and w[:-2] and not decline_word(morph, w):
            # a possessive adjective the dictionary reads as a plural noun (Часів Яр -> Часового Яру)
            stem = w[:-2] + ("ов" if w.endswith("ів") else "єв")
            per_word.append({"nomn": {w}, "gent": {stem + "ого"}, "datv": {stem + "ому"}, "accs": {w},
                             "ablt": {stem + "им"}, "loct": {stem + "ому", stem + "ім"}})
        else:
            per_word.append(decline_word(morph, w) or {})
    out = {name.lower()}
    for case in CASES:
        options = [sorted(d.get(case, {w})) for d, w in zip(per_word, words)]
        if len(words) > 1:  # Ukrainian mixes the two locatives and datives inside one name
            if case in ("datv", "loct"):
                options = [sorted(d.get("datv", set()) | d.get("loct", set()) or {w}) for d, w in zip(per_word, words)]
        for combo in itertools.product(*options):
            out.add(" ".join(combo))
    return out
