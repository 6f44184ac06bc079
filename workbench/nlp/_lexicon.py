"""The compiled gazetteer: ``data/lexicon.tsv`` as fast lookup tables.

``scripts/build_gazetteer.py`` writes the file already laid out as the tables used at
run time (phrases pre-tokenised with spaCy's English tokenizer, grouped by lower-cased
first token and length), one line per first token. Loading maps each first token to its
line's raw text (one split of the file, no parse: the file holds every populated place of
Ukraine, Russia and Belarus, and a text meets a few hundred of them); a line becomes its
length groups the first time a text holds its first token, and an entry becomes a Phrase
the first time it matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from operator import methodcaller
from pathlib import Path
from typing import NamedTuple

from ._words import SERVICE  # armed services written before a rank ("Army Lt. Gen.", "Air Force Gen.")

__all__ = ["AMBIG", "CTX", "CORE", "SHARED", "DATA_DIR", "LEXICON_PATH", "Lexicon", "Phrase", "load_lexicon"]

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_PATH = DATA_DIR / "lexicon.tsv"
FORMAT = 4
_MAGIC = "#workbench-lexicon"
_GROUP_SEP, _FIELD_SEP = "\x1e", "\x1f"

AMBIG = 1
"""Flag: the phrase is also a common word or name; weaker evidence."""
CTX = 2
"""Flag: accept only near a cue word (e.g. a weapon name that is also a word)."""
CORE = 4
"""Flag: curated entry or country/continent name (beats document-level guesses)."""
SHARED = 8
"""Flag: a place name several settlements bear (Novoselivka); still a place, not one place."""


def _dotted(title: tuple[str, ...]) -> tuple[str, ...]:
    """A title's tokens with each dot joined to the word before it: ("lt", ".") -> ("lt.",)."""
    out: list[str] = []
    for t in title:
        if t == "." and out:
            out[-1] += "."
        else:
            out.append(t)
    return tuple(out)


class Phrase(NamedTuple):
    """One gazetteer entry.

    Attributes:
        lower: lower-cased token tuple.
        caps: indexes of tokens that must start with an upper-case letter in text.
        label: entity label.
        canonical: canonical name.
        flags: AMBIG / CTX / CORE bits.
    """

    lower: tuple[str, ...]
    caps: tuple[int, ...]
    label: str
    canonical: str
    flags: int


Group = list  # [length, {lower joined tokens: Phrase | raw "label<TAB>flags<TAB>caps<TAB>canonical"}]


@dataclass
class Lexicon:
    """Lookup tables used by the rule tagger.

    Attributes:
        phrases: lower first token -> groups [length, {lower joined tokens: entry}], longest
            first; the raw line text until ``groups`` parses it (test membership with ``in``,
            read through ``groups``).
        seconds: lower first token -> lower second tokens of its multi-token entries, filled
            by ``groups`` when it parses the token's line.
        low_first: first tokens of entries that may start in lower case ("ballistic missiles").
        titles: lower first token -> title token tuples, longest first.
        first_names: given names (original case).
        surnames: frequent surnames (original case).
        digest: sha256 of the compiled file (part of pipeline fingerprints).
        sources_sha256: hash of the sources the file was compiled from.
    """

    phrases: dict[str, str | list[Group]]
    seconds: dict[str, frozenset[str]]
    low_first: frozenset[str]
    titles: dict[str, list[tuple[str, ...]]]
    first_names: frozenset[str]
    surnames: frozenset[str]
    digest: str
    sources_sha256: str

    def groups(self, first: str) -> list[Group] | None:
        """The length groups of entries whose first token is ``first``, parsed on first use.

        Args:
            first: a lower-cased token.

        Returns:
            [[length, {lower joined tokens: entry}], ...] longest first, or None.
        """
        v = self.phrases.get(first)
        if v is None or v.__class__ is list:
            return v  # type: ignore[return-value]
        groups: list[Group] = []
        seconds: set[str] = set()
        for raw in v.split(_GROUP_SEP):  # type: ignore[union-attr]
            parts = raw.split(_FIELD_SEP)
            length = int(parts[0])
            keys = parts[1::2]
            groups.append([length, dict(zip(keys, parts[2::2]))])
            if length > 1:
                seconds.update(k.split(" ", 2)[1] for k in keys)
        if seconds:
            self.seconds[first] = frozenset(seconds)
        self.phrases[first] = groups  # set after seconds: a reader that sees the list sees both
        return groups

    def entry(self, table: dict, key: str) -> Phrase | None:
        """Entry ``key`` of one length group, materialised on first use.

        Args:
            table: a group's dict.
            key: lower-cased tokens joined by single spaces.

        Returns:
            The Phrase or None.
        """
        v = table.get(key)
        if v is None or isinstance(v, Phrase):
            return v
        label, flags, caps, canonical = v.split("\t", 3)
        ph = Phrase(tuple(key.split(" ")), tuple(map(int, caps.split(","))) if caps else (), label, canonical,
                    int(flags))
        table[key] = ph
        return ph

    def lookup(self, text: str) -> Phrase | None:
        """Find the entry whose surface equals ``text`` (case-insensitive, whitespace-normalised).

        Args:
            text: a surface string, e.g. a model's entity text. Tokens must be separated
                as the tokenizer separates them ("al - Qaeda" for "al-Qaeda").

        Returns:
            The entry or None.
        """
        key = " ".join(text.lower().split())
        if not key:
            return None
        k = key.count(" ") + 1
        for length, table in self.groups(key.split(" ", 1)[0]) or ():
            if length == k:
                return self.entry(table, key)
        return None

    def skip_titles(self, words: list[str], start: int, end: int) -> int:
        """Advance ``start`` past leading articles, nationalities and titles/ranks inside
        ``words[start:end]``, always leaving at least one word ("Russian President Vladimir
        Putin" -> the index of "Vladimir"; "U.S. Army Lt. Gen. Paul Drey" -> "Paul").

        Args:
            words: the tokens, as written; tokenizer tokens ("Lt", ".") or white-space
                separated words ("Lt.") alike.
            start, end: the span to look at.
        Returns:
            The index of the first word that is not an article, nationality, service name
            or title, or a country or body in front of a title ("U.S.", "UN", "Pentagon").
        """
        moved = True
        while moved and start < end - 1:
            moved = False
            word = words[start].lower()
            if word in ("the", "a", "an"):
                start += 1
                moved = True
                continue
            phrase = self.single(word)
            if phrase is not None and phrase.label == "NORP" and (
                    self.title_len(words, start + 1, end) or words[start + 1].lower() in SERVICE):
                start += 1  # "Russian President", "Iraqi Army General"; not the given name "Dane"
                moved = True
                continue
            service = word in SERVICE
            body = phrase is not None and phrase.label in ("GPE", "ORG")
            if (service or body) and (self.title_len(words, start + 1, end) or (
                    start + 2 < end and words[start + 1].lower() in SERVICE)):
                start += 1  # "Army Lt. Gen.", "Air Force Gen.", "U.S. Secretary of State", "UN envoy"
                moved = True
                continue
            k = self.title_len(words, start, end)
            if k:
                start += k
                moved = True
        return start

    def title_len(self, words: list[str], start: int, end: int) -> int:
        """Number of words of the title starting at ``start`` (0 for none), leaving a word after it.

        A title's dots are tokens of their own ("lt . gen ."); written words may carry them
        ("Lt. Gen."), so both forms are tried.
        """
        if start >= end - 1:
            return 0
        word = words[start].lower()
        cands = self.titles.get(word) or (self.titles.get(word[:-1]) if word.endswith(".") else None)
        for title in cands or ():
            for form in (title, _dotted(title)):
                k = len(form)
                if start + k < end and tuple(x.lower() for x in words[start:start + k]) == form:
                    return k
        return 0

    def single(self, lower: str) -> Phrase | None:
        """The one-token entry for a lower-cased word, if any.

        Args:
            lower: a lower-cased token.

        Returns:
            The entry or None.
        """
        groups = self.groups(lower)
        if groups and groups[-1][0] == 1:
            return self.entry(groups[-1][1], lower)
        return None

    def __len__(self) -> int:
        return sum(len(t) for first in list(self.phrases) for _, t in self.groups(first) or ())


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load the compiled lexicon (cached per process).

    Args:
        path: the compiled file (``scripts/build_gazetteer.py`` writes it).

    Returns:
        The Lexicon.

    Raises:
        ValueError: the file is not a compiled lexicon of this format.
    """
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    head, _, body = text.partition("\n")
    magic, _, rest = head.partition("\t")
    version, _, meta = rest.partition("\t")
    if magic != _MAGIC or version != str(FORMAT):
        raise ValueError(f"{path}: not a compiled lexicon of format {FORMAT}; run scripts/build_gazetteer.py")
    data = json.loads(meta)
    titles: dict[str, list[tuple[str, ...]]] = {}
    for t in data["titles"]:
        parts = tuple(t.split(" "))
        titles.setdefault(parts[0], []).append(parts)
    for v in titles.values():
        v.sort(key=lambda p: -len(p))
    # one C-level pass: "first<TAB>line" -> {first: raw line}; lines are parsed on demand
    phrases: dict[str, str | list[Group]] = dict(map(methodcaller("split", "\t", 1), body.rstrip("\n").split("\n")))
    return Lexicon(
        phrases=phrases,
        seconds={},
        low_first=frozenset(data["low_first"]),
        titles=titles,
        first_names=frozenset(data.get("first_names", ())),
        surnames=frozenset(data.get("surnames", ())),
        digest=hashlib.sha256(raw).hexdigest(),
        sources_sha256=data["sources_sha256"],
    )
