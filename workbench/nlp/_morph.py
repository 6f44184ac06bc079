"""pymorphy3 analysers for Ukrainian and Russian, loaded once per process.

pymorphy3 (MIT) with ``pymorphy3-dicts-uk`` / ``pymorphy3-dicts-ru`` gives each word its
possible lemmas and grammatical tags (part of speech, case, number, gender, and the
``Name`` / ``Surn`` / ``Patr`` / ``Geox`` marks of proper names). Parses are cached per
word: news text repeats its vocabulary.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._dists import dist_versions

__all__ = ["analyser", "copy_case", "dictionary_version", "grammemes", "parses", "nominative", "pos_set"]

_LOCK = threading.Lock()
_MARKS = frozenset({"Name", "Surn", "Patr", "Geox", "Abbr", "Orgn"})
_ANALYSERS: dict[str, Any] = {}


def analyser(lang: str) -> Any:
    """The pymorphy3 MorphAnalyzer for ``lang`` ("uk" or "ru"), loaded on first use.

    Args:
        lang: "uk" or "ru".

    Returns:
        A ``pymorphy3.MorphAnalyzer``.
    """
    with _LOCK:
        morph = _ANALYSERS.get(lang)
        if morph is None:
            import pymorphy3

            morph = _ANALYSERS[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return morph


def dictionary_version(lang: str) -> str:
    """Which pymorphy3 and which dictionary the analyser of ``lang`` reads (what forms made
    from it depend on), without loading the dictionary.

    Args:
        lang: "uk" or "ru".

    Returns:
        e.g. "pymorphy3==2.0.6,pymorphy3_dicts_uk==2.4.1.1.1663094765"; a dictionary folder
        given by pymorphy3's environment variable adds its path and a hash of its meta.json.
    """
    import pymorphy3

    out = dist_versions(("pymorphy3", f"pymorphy3_dicts_{lang}"))
    override = os.environ.get(pymorphy3.MorphAnalyzer.DICT_PATH_ENV_VARIABLE)
    if override:  # pymorphy3 reads this folder instead of the installed package
        try:
            meta = hashlib.sha256((Path(override) / "meta.json").read_bytes()).hexdigest()[:16]
        except OSError:
            meta = "unreadable"
        out += f",path={override},meta={meta}"
    return out


@lru_cache(maxsize=200_000)
def parses(word: str, lang: str) -> tuple[Any, ...]:
    """All parses of a lower-cased word (cached).

    Args:
        word: the word, lower-cased.
        lang: "uk" or "ru".

    Returns:
        pymorphy3 Parse objects, most likely first.
    """
    return tuple(analyser(lang).parse(word))


def grammemes(p: Any) -> frozenset[str]:
    """A parse's grammemes (``"x" in tag`` raises for grammemes a language's tag set lacks).

    Args:
        p: a pymorphy3 Parse.

    Returns:
        Its grammemes, e.g. {"NOUN", "Surn", "masc", "gent"}.
    """
    return p.tag.grammemes


@lru_cache(maxsize=200_000)
def pos_set(word: str, lang: str) -> frozenset[str]:
    """Every part of speech (and proper-name mark) a lower-cased word can have.

    Args:
        word: the word, lower-cased.
        lang: "uk" or "ru".

    Returns:
        e.g. {"NOUN", "Surn"} or {"VERB"}; "UNKN" parts for words the dictionary lacks.
    """
    out = set()
    for p in parses(word, lang):
        tag = p.tag
        if tag.POS:
            out.add(tag.POS)
        out.update(tag.grammemes & _MARKS)
        if not p.is_known:
            out.add("UNKN")
    return frozenset(out)


def nominative(word: str, lang: str, *, prefer: tuple[str, ...] = (), gender: str | None = None) -> str:
    """The nominative singular of a word as it would head a name, in the word's own case.

    Args:
        word: the word as written (capitalisation is copied to the result).
        lang: "uk" or "ru".
        prefer: tag marks to prefer among parses (e.g. ("Surn", "Name")).
        gender: "masc" / "femn" to keep a person's surname in the right gender.

    Returns:
        The base form ("Зеленського" -> "Зеленський"), or ``word`` when no parse fits.
    """
    cands = list(parses(word.lower(), lang))
    if not cands:
        return word
    if gender == "femn" and word[-1:].lower() not in "аяіиоуеєюьыэїйё":
        return word  # a woman's surname ending in a consonant does not decline (Урсула фон дер Ляєн)
    def rank(p: Any) -> tuple[int, int, float]:
        gram = p.tag.grammemes
        return (-sum(m in gram for m in prefer), -(gender is not None and gender in gram), -p.score)
    low = word.lower()
    if not any(p.is_known for p in cands):  # a guessed word: keep its stem ("Шольцем" -> "Шольц")
        stem_first = [p for p in cands if low.startswith(p.normal_form)]
        cands = stem_first or cands
    best = sorted(cands, key=rank)[0]
    tag = best.tag
    gram = tag.grammemes
    if "nomn" in gram and "plur" not in gram:
        form = word.lower()
    else:
        wanted = {"nomn", "sing"} if "Pltm" not in gram else {"nomn"}
        if gender and tag.POS in ("ADJF", "NOUN") and "Fixd" not in gram and tag.gender and tag.gender != gender:
            wanted.add(gender)
        inflected = best.inflect(wanted) or best.inflect({"nomn"})
        form = inflected.word if inflected is not None else best.normal_form
    return copy_case(word, form)


def copy_case(model: str, word: str) -> str:
    """``word`` capitalised like ``model``: all capitals, or each hyphen-joined part's first
    letter (Ростове-на-Дону -> Ростов-на-Дону)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    parts = word.split("-")
    mparts = model.split("-")
    return "-".join(p[:1].upper() + p[1:] if m[:1].isupper() else p for p, m in zip(parts, mparts + [""] * len(parts)))
