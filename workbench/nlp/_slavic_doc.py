"""A Ukrainian or Russian text as tokens with morphology, and its candidate name chunks.

A chunk is a run of capitalised words, cut wherever pymorphy3 sees a verb, conjunction or
preposition (so "Херсон і Миколаїв" is two names and "Служба безпеки України затримала"
stops before the verb), and before a first name that follows a place or an organisation
("мер Одеси Геннадій Труханов"). A chunk headed by an organisation noun keeps its
lower-case genitive tail ("Служба безпеки України").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ._morph import parses, pos_set
from ._slavic_places import Places, norm_apostrophe
from ._slavic_rules import nationality
from ._slavic_words import (ADMIN, BREAK_POS, FAC_NOUNS, FUNCTION_POS, NAME_PARTICLES, ORG_HEADS, PLACE_NAMED,
                            SENT_END, TOKEN, admin_forms)

__all__ = ["SlavicDoc", "Token", "chunks", "is_nationality", "tokenize"]


@dataclass
class Token:
    """One word or punctuation mark.

    Attributes:
        text: as written.
        start, end: offsets into the text.
        low: lower-cased, one apostrophe.
    """

    text: str
    start: int
    end: int
    low: str

    @property
    def cap(self) -> bool:
        """Starts with an upper-case letter."""
        return self.text[0].isupper()

    @property
    def word(self) -> bool:
        """A word (not punctuation)."""
        return self.text[0].isalnum()

    @property
    def acronym(self) -> bool:
        """All capitals, two letters or more ("СБУ", "НАТО", "ISW")."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    @property
    def latin(self) -> bool:
        """Written in Latin letters."""
        return "a" <= self.low[0] <= "z"


def tokenize(text: str) -> list[Token]:
    """Words (with inner hyphens and apostrophes) and punctuation marks.

    Args:
        text: the article text.

    Returns:
        Tokens in order.
    """
    return [Token(m.group(), m.start(), m.end(), norm_apostrophe(m.group().lower())) for m in TOKEN.finditer(text)]


class SlavicDoc:
    """One article under analysis (tokens, morphology, the spans taken so far)."""

    def __init__(self, text: str, lang: str, places: Places, lookup: Callable[[str], tuple[str, str] | None]):
        self.text = text
        self.lang = lang
        self.places = places
        self.lookup = lookup
        self.toks = tokenize(text)
        self.taken = [False] * len(self.toks)
        self.by_start = {t.start: i for i, t in enumerate(self.toks)}

    def pos(self, i: int) -> frozenset[str]:
        return pos_set(self.toks[i].low, self.lang)

    def sent_start(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and self.toks[j].text in "«\"„“(":
            j -= 1
        return j < 0 or self.toks[j].text in SENT_END or "\n" in self.text[self.toks[j].end:self.toks[i].start]

    def lemmas(self, i: int) -> set[str]:
        return {p.normal_form for p in parses(self.toks[i].low, self.lang)} | {self.toks[i].low}

    def is_name_word(self, i: int) -> bool:
        """A capitalised word pymorphy3 knows as a first name (or one it files only as a town)."""
        t = self.toks[i]
        return t.cap and not t.acronym and ("Name" in self.pos(i) or bool(self.lemmas(i) & PLACE_NAMED))

    def person_word(self, i: int) -> bool:
        """A word pymorphy3 knows as a first name, surname or patronymic."""
        return not self.toks[i].acronym and (bool(self.pos(i) & {"Name", "Surn", "Patr"}) or self.is_name_word(i))

    def breaks(self, i: int) -> bool:
        """Whether token ``i`` can never be inside a capitalised name."""
        t = self.toks[i]
        if not t.word:
            return True
        pos = self.pos(i)
        if pos & {"Name", "Surn", "Patr", "Geox", "Abbr", "UNKN"} or t.acronym or t.latin:
            return False
        if self.places.lookup([t.text]) is not None:
            return False
        return pos <= BREAK_POS or (bool(pos & {"VERB", "CONJ", "PREP"}) and "NOUN" not in pos)


def chunks(doc: SlavicDoc) -> list[tuple[int, int]]:
    """Token ranges [i, j) of candidate names (capitalised runs, cut as the module says)."""
    toks, out, i, n = doc.toks, [], 0, len(doc.toks)
    while i < n:
        t = toks[i]
        if doc.taken[i] or not t.word or not t.cap or t.low in ADMIN or is_nationality(doc, i) \
                or (doc.breaks(i) and not doc.lemmas(i) & ORG_HEADS) \
                or (doc.sent_start(i) and doc.pos(i) & FUNCTION_POS):
            i += 1  # names start with a capital, never on a preposition, verb or nationality word
            continue
        j = i + 1
        org = bool(doc.lemmas(i) & ORG_HEADS)
        lower_run = 0
        while j < n and not doc.taken[j]:
            u = toks[j]
            if not u.word or doc.text[toks[j - 1].end:u.start].strip():
                break  # punctuation, or something between the words
            if u.low in admin_forms(doc.lang) and "ADJF" in doc.pos(j - 1):
                break  # "Луганської | ОВА", "Донецької | області"
            if not u.cap and doc.places.lookup([t.text for t in toks[i:j + 1]]) is not None:
                j += 1  # "Чорному морі", "Азовського моря"
                continue
            if not u.cap and u.low in FAC_NOUNS and "ADJF" in doc.pos(j - 1):
                j += 1  # "Кримський міст"
                break
            if u.low in NAME_PARTICLES and doc.is_name_word(i):
                k = j
                while k < n and toks[k].low in NAME_PARTICLES:
                    k += 1
                if k < n and toks[k].cap and k - j <= 2:
                    j = k  # "Урсула фон дер Ляєн"
                    continue
                break
            if u.cap:
                if doc.breaks(j) and not org:
                    break
                if doc.is_name_word(j) and not all(doc.person_word(k) for k in range(i, j)):
                    break  # "Одеси | Геннадій Труханов", "НАТО | Марком Рютте"
                if doc.person_word(j - 1) and all(doc.person_word(k) for k in range(i, j)) and not doc.person_word(j) \
                        and doc.places.lookup([u.text]):
                    break  # "Зеленський | Києві"
                lower_run = 0
                org = org or bool(doc.lemmas(j) & ORG_HEADS)
                j += 1
                continue
            # a lower-case word continues only an organisation's name, as a genitive or its head
            lem = doc.lemmas(j)
            if lem & ORG_HEADS and all(("ADJF" in doc.pos(k)) for k in range(i, j)):
                org = True
            elif not org and all("ADJF" in doc.pos(k) for k in range(i, j + 1)) and _head_ahead(doc, j):
                pass  # "Державної | прикордонної служби": adjectives up to an organisation head
            elif not org or lower_run >= 3 or not _genitive_tail(doc, j):
                break
            lower_run += 1
            j += 1
        while j > i + 1 and not toks[j - 1].cap and not org and toks[j - 1].low not in FAC_NOUNS \
                and doc.places.lookup([t.text for t in toks[i:j]]) is None:
            j -= 1  # only an organisation's name, a facility or a known place ends in lower case
        out.append((i, j))
        i = j
    return out


def is_nationality(doc: SlavicDoc, i: int) -> bool:
    """A nationality word that is not also a place ("білоруські" yes, "Білорусі" no)."""
    t = doc.toks[i]
    return not t.latin and nationality(t.text, doc.lang) and doc.places.lookup([t.text]) is None


def _head_ahead(doc: SlavicDoc, j: int) -> bool:
    """Whether lower-case adjectives from ``j`` lead (within three words) to an organisation head."""
    for k in range(j, min(j + 3, len(doc.toks))):
        if doc.toks[k].cap or not doc.toks[k].word:
            return False
        if doc.lemmas(k) & ORG_HEADS and "NOUN" in doc.pos(k):
            return True
        if "ADJF" not in doc.pos(k):
            return False
    return False


def _genitive_tail(doc: SlavicDoc, j: int) -> bool:
    """A lower-case noun or adjective that can be genitive (the tail of "Служба безпеки ...")."""
    return any(p.tag.POS in ("NOUN", "ADJF") and "gent" in p.tag.grammemes for p in parses(doc.toks[j].low, doc.lang))
