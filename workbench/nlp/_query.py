"""Search queries: parsed into the search forms of ``_stems`` (what the index holds), and the
words of a text that a query matches (for highlights).

Query syntax (``parse_query``): words (all must occur), ``"a phrase"``, ``word*`` for a
prefix, ``-word`` or ``-"a phrase"`` to exclude, and ``OR`` between two items. A query word
may be read several ways (its language is not known), so it becomes the set of every form it
may take (``query_forms``); one of them is always the form the index gives the same word.
"""
from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from ._morph import analyser
from ._stems import _CACHE, _CYRILLIC, _TAIL, _fold, _plain, search_form, words

__all__ = ["Term", "Phrase", "Query", "QueryError", "query_forms", "parse_query", "matching_words"]

_MAX_VARIANTS = 16  # a phrase whose words each have several forms: at most this many spellings


class QueryError(ValueError):
    """A query with nothing to search for (the message names the query)."""


@functools.lru_cache(maxsize=_CACHE)
def query_forms(word: str, languages: tuple[str, ...] = ("en", "ru", "uk")) -> frozenset[str]:
    """Every search form a query word may stand for (its language is not known).

    Args:
        word: one query word.
        languages: the languages searched (a language filter narrows them).
    Returns:
        The forms; the index's form of the same word in each of these languages is among them.
    """
    plain = _plain(word)
    forms = {search_form(word, lang) for lang in languages} or {search_form(word)}
    if _CYRILLIC.search(plain) and "uk" in languages:
        forms |= {_fold(p.normal_form) for p in analyser("uk").parse(plain)}  # every reading of the word
    return frozenset(f for f in forms if f)


# -- queries ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One query word: the forms it may take, or a prefix; ``literal`` is the word as typed
    when FTS5 should fold and stem it itself (a word without Cyrillic)."""

    forms: frozenset[str]
    prefix: bool = False
    literal: str | None = None

    def matches(self, form: str) -> bool:
        """Whether a word with this search form is this term."""
        if self.prefix:
            return any(form.startswith(f) for f in self.forms)
        return form in self.forms


@dataclass(frozen=True)
class Phrase:
    """Words that must occur together, in order (one word is a phrase of one)."""

    terms: tuple[Term, ...]

    def spellings(self, literal: bool = False) -> list[tuple[str, ...]]:
        """The phrase's spellings, one form per word (at most ``_MAX_VARIANTS``).

        Args:
            literal: a word's ``literal`` (where it has one) instead of its forms.
        """
        choices = [[t.literal] if literal and t.literal else sorted(t.forms) for t in self.terms]
        return list(itertools.islice(itertools.product(*choices), _MAX_VARIANTS))


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (a group is phrases joined by OR), no excluded phrase may."""

    groups: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = field(default=())

    def terms(self) -> list[Term]:
        """Every wanted term (what highlights mark)."""
        return [t for group in self.groups for phrase in group for t in phrase.terms]


_QUERY_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def _phrase(text: str, prefix: bool, languages: tuple[str, ...]) -> Phrase | None:
    found = [w for _, _, w in words(text)]
    if not found:
        return None
    terms = [Term(query_forms(w, languages), literal=None if _CYRILLIC.search(w) else w) for w in found]
    if prefix:
        terms[-1] = Term(frozenset({_fold(found[-1])}), prefix=True,
                         literal=None if _CYRILLIC.search(found[-1]) else found[-1])
    terms = [t for t in terms if t.forms]
    return Phrase(tuple(terms)) if terms else None


def parse_query(query: str, languages: tuple[str, ...] = ("en", "ru", "uk")) -> Query:
    """Read a search query (see the module docstring for its syntax).

    Args:
        query: what the analyst typed.
        languages: the languages searched (each word takes its forms in all of them).
    Returns:
        The parsed query.
    Raises:
        QueryError: nothing to search for (no word, or only excluded words).
    """
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    groups_ended = False
    join_next = False  # an OR joins the next item to the group of the wanted item before it
    for match in _QUERY_ITEM.finditer(query):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            join_next = bool(groups) and not groups_ended
            continue
        groups_ended = False
        if bare is not None:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            text = bare[1:] if negated else bare
            phrase = _phrase(text, text.endswith("*"), languages)
        else:
            phrase = _phrase(quoted, False, languages)
        if phrase is None:
            continue
        if negated:
            excluded.append(phrase)
            groups_ended = True
        elif join_next:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    if not groups:
        what = "only excluded words" if excluded else "no words"
        raise QueryError(f"query {query!r}: {what} to search for")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


@functools.cache
def _initials() -> dict[str, str]:
    """Folded first letter -> every Latin or Cyrillic letter that folds to it (é -> e, й -> и)."""
    out: dict[str, str] = {}
    for code in itertools.chain(range(0x30, 0x250), range(0x400, 0x500)):
        ch = chr(code)
        folded = _fold(ch)
        if len(folded) == 1 and ch.isalnum():
            out[folded] = out.get(folded, "") + ch
    return out


@functools.lru_cache(maxsize=256)
def _candidates(query: Query) -> re.Pattern[str]:
    """Words that may match a query: those whose first letter folds to a first letter of one of
    its forms (a stem or lemma keeps its word's first letter, the suppletive few aside). Checking
    only these keeps highlighting a long article cheap: most words are never normalised."""
    firsts = {form[0] for term in query.terms() for form in term.forms if form}
    initials = _initials()
    letters = "".join(sorted({ch for first in firsts for ch in initials.get(first, first) + first}))
    return re.compile(r"(?<![^\W_])[" + re.escape(letters) + r"]" + _TAIL, re.IGNORECASE)


def matching_words(query: Query, text: str, language: str = "und") -> list[tuple[int, int, int]]:
    """The words of a text that a query's wanted terms match (what a snippet highlights).

    Args:
        query: the parsed query.
        text: an article's text.
        language: its stored language.
    Returns:
        (start, end, index of the group matched) per matching word, in text order.
    """
    out = []
    terms = [(i, t) for i, group in enumerate(query.groups) for phrase in group for t in phrase.terms]
    for found in _candidates(query).finditer(text):
        form = search_form(found.group(), language)
        for group, term in terms:
            if term.matches(form):
                out.append((found.start(), found.end(), group))
                break
    return out
