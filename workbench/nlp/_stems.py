"""Words to their search forms: the one normaliser that both the search index and queries use.

A word's *search form* folds case and diacritics and removes inflection, so that an inflected
word finds its other forms:

- Latin script: the Porter stemmer ("strikes", "striking" -> "strike"), the one SQLite's FTS5
  runs itself (``porter`` tokenizer): the index hands it Latin words as they are;
- Russian (Cyrillic in an article stored as ``ru``, or a word with ы э ъ ё): the Snowball
  Russian stemmer ("Москве", "Москвы" -> "москв");
- Ukrainian (Cyrillic in a ``uk`` article, or a word with і ї є ґ): the lemma from
  ``pymorphy3`` with its Ukrainian dictionary ("Києві" -> "київ"). Snowball has no Ukrainian
  stemmer, and a stem cannot undo the і/е alternation of Київ / Києві.

Chosen by a small test of inflected forms (``tests/test_search_stems.py``): on 20 groups of
Russian forms the Snowball stemmer joined 19 and pymorphy3's lemmas 18, at a fraction of the
cost (pymorphy3 took 130-280 µs a word here), and it needs no dictionary for names it has
never seen (Шойгу). For Ukrainian, pymorphy3 joins 17 of 18 groups (the one left apart,
Київщина, is another word).

On SQLite the index is given the article's text with each Cyrillic word replaced by its search
form (``index_text``): FTS5 folds and Porter-stems the rest in C, which keeps ingest fast. On
PostgreSQL it is given every word's search form (``shadow``), the same forms. A query word
may be read several ways (its language is not known), so it becomes the set of every form it
may take (``query_forms``); one of them is always the form the index gives the same word.
Highlights are found by the same function on the article's own text (``matching_words``), so
they fall on the article's words.

Changing what a word's form is changes the index: such a change comes with a schema step that
calls ``store.search.rebuild_index`` (SQLite's contentless index can only forget an article
when told the words it indexed).

Queries are parsed by ``_query`` into the same forms.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from ._morph import analyser

__all__ = ["TextForms", "words", "search_form", "shadow", "index_text", "text_forms"]


# A word: letters and digits, with combining marks (stress accents) and inner apostrophes
# (Ukrainian м'ясо, English don't) kept inside it.
_TAIL = r"[^\W_]*(?:(?:[\u0300-\u036f]+|['’ʼ](?=[^\W_]))[^\W_]*)*"  # no alternation per letter: fast
_WORD = re.compile(r"[^\W_]" + _TAIL)
_WORD_SPLIT = re.compile("(" + _WORD.pattern + ")")  # split: the text between words, each word, in turn
_NOT_ALNUM = re.compile(r"[\W_]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-z]")
_UK_LETTERS = re.compile("[іїєґ]")
_RU_LETTERS = re.compile("[ыэъё]")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_CACHE = 500_000


def words(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` with their character offsets.

    Args:
        text: any text.
    Returns:
        (start, end, word) for each word, in order.
    """
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _fold(text: str) -> str:
    """Lower case, without diacritics, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFC", bare).casefold())


def _plain(word: str) -> str:
    """Lower case with stress marks dropped but letters such as й kept (for the analysers)."""
    composed = unicodedata.normalize("NFC", word)
    return "".join(ch for ch in composed if not unicodedata.combining(ch)).casefold().replace("’", "'").replace("ʼ", "'")


@functools.cache
def _stemmer(name: str):  # noqa: ANN202 - PyStemmer has no type hints
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer(name, 0)  # our own cache below: the stemmer's would be a second copy


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _uk_lemma(word: str) -> str:
    """The lemma of a Ukrainian word: among the likeliest readings, one that is not a person's
    name (Києві is the city's locative before the dative of the name Кий), then the lemma
    sharing the longest beginning with the word (танки: танк, not танок)."""
    parses = analyser("uk").parse(word)  # the Ukrainian path's analyser: one dictionary per process
    if not parses:
        return word
    top = parses[0].score
    best = [p for p in parses if p.score >= top - 1e-9]
    common = [p for p in best if not (_NAME_TAGS & p.tag.grammemes)] or best
    return max(common, key=lambda p: _common_prefix(p.normal_form, word)).normal_form


def _cyrillic_language(word: str, language: str) -> str:
    if language in ("ru", "uk"):
        return language
    if _UK_LETTERS.search(word):
        return "uk"
    return "ru"


# word -> search form, per language: the index's hot path (a dict is cheaper than lru_cache's call)
_FORMS: dict[str, dict[str, str]] = {}


def search_form(word: str, language: str = "und") -> str:
    """The form the index stores for one word.

    Args:
        word: one word as ``words`` finds it.
        language: the article's stored language (decides Russian or Ukrainian for Cyrillic).
    Returns:
        Letters and digits, lower case, without diacritics ("" never: a word keeps at least its fold).
    """
    cache = _FORMS.setdefault(language, {})
    form = cache.get(word)
    if form is None:
        if len(cache) >= _CACHE:  # a bounded cache: a huge vocabulary starts it again
            cache.clear()
        form = cache[word] = _search_form(word, language)
    return form


def _search_form(word: str, language: str) -> str:
    plain = _plain(word)
    if _CYRILLIC.search(plain):
        if _cyrillic_language(plain, language) == "uk":
            form = _uk_lemma(plain)
        else:
            form = _stemmer("russian").stemWord(plain)
    elif _LATIN.search(_fold(plain)):
        form = _stemmer("porter").stemWord(_fold(plain))
    else:
        form = plain
    return _fold(form) or _fold(plain) or plain


def shadow(text: str, language: str = "und") -> str:
    """The text the index holds for ``text``: each word's search form, in order, space-separated.

    Args:
        text: an article's text or title (None-safe callers pass "").
        language: the article's stored language.
    Returns:
        The shadow text (empty for a text without words).
    """
    cache = _FORMS.setdefault(language, {})
    get = cache.get
    return " ".join([get(word) or search_form(word, language) for word in _WORD.findall(text)])


def index_text(text: str, language: str = "und") -> str:
    """What SQLite's index is given for ``text``: the text with each Cyrillic word replaced by its
    search form; other words stay as they are for FTS5's own folding and Porter stemmer.

    Args:
        text: an article's text or title.
        language: the article's stored language.
    Returns:
        The text to index (``text`` itself when it holds no Cyrillic).
    """
    if not _CYRILLIC.search(text):
        return text
    return _WORD.sub(lambda m: search_form(m.group(), language) if _CYRILLIC.search(m.group()) else m.group(), text)


@dataclass(frozen=True, eq=False)
class TextForms:
    """One pass over a text (``text_forms``): its words and their search forms, with what lies
    between them (an alert's passage is found on these).

    Attributes:
        text: the text.
        parts: ``text`` cut at its words: between-words text, word, between-words text, ... (odd
            indexes are the words; ``"".join(parts) == text``).
        forms: each word's search form, in order (``shadow(text).split()``).
    """

    text: str
    parts: list[str]
    forms: list[str]

    @property
    def words(self) -> list[str]:
        """The words, in order (as ``words`` finds them)."""
        return self.parts[1::2]


def text_forms(text: str, language: str = "und") -> TextForms:
    """Split a text into words once, with each word's search form (``shadow``).

    Args:
        text: an article's text or title.
        language: the article's stored language.
    Returns:
        The text's ``TextForms``.
    """
    parts = _WORD_SPLIT.split(text)
    found = parts[1::2]
    forms = list(map(_FORMS.setdefault(language, {}).get, found))  # the cache in C; the few new words below
    if None in forms:
        forms = [form or search_form(word, language) for word, form in zip(found, forms)]
    return TextForms(text, parts, forms)
