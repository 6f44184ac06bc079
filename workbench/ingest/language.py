"""Small, dependency-free language identification for the languages analysts meet most.

Script first (Cyrillic vs Latin), then, for Cyrillic, letters that tell the three East Slavic
languages apart (ў is Belarusian only; ї є ґ Ukrainian only; ъ Russian only; і is Ukrainian and
Belarusian, ы э ё Russian and Belarusian, so і *beside* ы/э/ё is Belarusian), then stop-word
hits. Returns an ISO 639-1 code or "und" when the text gives too little to go on.
"""
from __future__ import annotations

import re

from .text import words

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it was on with as by at from this be are have has not but which".split()),
    "de": frozenset("der die das und ist nicht mit den von zu sich des auf für im dem ein eine auch".split()),
    "fr": frozenset("le la les et des est une du dans pour que qui pas sur au avec il elle sont".split()),
    "es": frozenset("el la los las y de que en un una es por con para del se no su al".split()),
    "it": frozenset("il di che la per non una sono del della gli le nel è anche con".split()),
    "pl": frozenset("i w nie na się z jest że do to jak ale od po przez dla tak".split()),
    "ru": frozenset("и в не на что с как по это он она но из за от для был то его к же".split()),
    "uk": frozenset("і в не на що з як та це він вона але із за від для був до його як є".split()),
    "be": frozenset("і ў у не на што з як гэта ён яна але за ад для быў да яго ёсць па ці таксама".split()),
}
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_UK_ONLY = re.compile("[їєґЇЄҐ]")
_BE_ONLY = re.compile("[ўЎ]")
_RU_ONLY = re.compile("[ъЪ]")
_I = re.compile("[іІ]")           # Ukrainian and Belarusian
_YERY = re.compile("[ыэёЫЭЁ]")     # Russian and Belarusian


def detect_language(text: str) -> str:
    """Guess the language of ``text``.

    Args:
        text: article text (the first 20,000 characters are read).
    Returns:
        "en", "ru", "uk", "be", "de", "fr", "es", "it", "pl" or "und".
    """
    sample = text[:20000]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic + latin < 20:
        return "und"
    tokens = words(sample)
    if cyrillic > latin:
        return _east_slavic(sample, tokens)
    scores = {lang: _hits(tokens, lang) for lang in ("en", "de", "fr", "es", "it", "pl")}
    best = max(scores, key=scores.get)
    if scores[best] < max(2, 0.05 * len(tokens)):
        return "und"
    return best


def _east_slavic(sample: str, tokens: list[str]) -> str:
    """Russian, Ukrainian or Belarusian, for Cyrillic text.

    і and ы/э/ё together are Belarusian; as many of one as of the other count for it, and the
    excess for Ukrainian (і) or Russian (ы э ё): a Ukrainian article quoting a Russian phrase,
    or a Russian one quoting a Ukrainian name, stays what it is. Ties go to Russian.
    """
    i, yery = len(_I.findall(sample)), len(_YERY.findall(sample))
    scores = {
        "ru": 3 * len(_RU_ONLY.findall(sample)) + max(yery - i, 0) + 2 * _hits(tokens, "ru"),
        "uk": 3 * len(_UK_ONLY.findall(sample)) + max(i - yery, 0) + 2 * _hits(tokens, "uk"),
        "be": 3 * len(_BE_ONLY.findall(sample)) + 2 * min(i, yery) + 2 * _hits(tokens, "be"),
    }
    return max(("ru", "uk", "be"), key=lambda lang: scores[lang])


def _hits(tokens: list[str], lang: str) -> int:
    stop = _STOPWORDS[lang]
    return sum(1 for token in tokens if token in stop)
