"""Person rules: titled names, given names, initials, speech verbs, and what English news writes
after a full name and after no other kind of name.

"X Y was arrested", "X Y was born", "X Y died", "X Y resigned" (events that happen to people),
and the age in commas: "X Y, 45, was ...". These are used only for runs of two or more
name-shaped words (a lone word before "died" may be a company, a lone word before "was born" a
project), ranked below every list. ``PersonRules`` holds the rule tagger's person methods.
"""

from __future__ import annotations

import re

from ._cand import MEDIUM, STRONG, WEAK, Cand
from ._lexicon import Lexicon
from ._context import CONTEXT, HEADS, SUBJECT_STOP, SUBJECT_VERBS, surname_shaped
from ._sentences import sentence_initial
from ._words import (ACRONYM_STOP, ORG_HEADS, PARTICLES, PERSON_VERBS, SERVICE, SPEECH_VERBS, SUBJECT_NOUNS,
                     SUFFIXES)

__all__ = ["PERSON_EVENT_VERBS", "PERSON_PASSIVES", "ROLE_PREPS", "person_event", "PersonRules"]

_ACR = re.compile(r"^[A-Z][A-Z&]{1,5}$")
_OPEN_Q = frozenset({'"', "“", "‘", "'"})
_CLOSE_Q = frozenset({'"', "”", "’", "'"})
# Prepositions that govern a place before a role ("in Texas Governor X" is a place and a person).
ROLE_PREPS = frozenset("in from to at of near for by with on into across".split())
_LONGEST_TITLE = 5  # tokens of the longest title ("command sgt . maj .")


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Verbs whose subject is a person ("X Y died").
PERSON_EVENT_VERBS = _words("died resigned married retired testified pleaded defected divorced graduated "
                            "studied starred sang")
# Participles after "was" / "has been" whose subject is a person ("X Y was arrested").
PERSON_PASSIVES = _words("born killed appointed elected arrested sentenced executed assassinated jailed "
                         "detained convicted charged awarded knighted wounded injured imprisoned kidnapped "
                         "abducted murdered shot stabbed buried ordained baptised baptized nominated "
                         "sworn dismissed fired indicted extradited acquitted pardoned")
_AUX = _words("was is has had been")


def person_event(words: list[str], end: int, n: int) -> bool:
    """Whether the words after a name ending at ``end`` say it names a person.

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        True for a person's event verb, "was" / "has been" + a person's participle, or ", 45,".
    """
    if end >= n:
        return False
    w = words[end]
    if w in PERSON_EVENT_VERBS:
        return True
    if w in _AUX:
        k = end + 1
        if k < n and words[k] == "been":
            k += 1
        return k < n and words[k] in PERSON_PASSIVES
    if w == "," and end + 2 < n and words[end + 2] in (",", ")") and words[end + 1].isdigit():
        return 16 <= int(words[end + 1]) <= 110
    return False


class PersonRules:
    """The person rules as methods of the rule tagger (which supplies ``titles``,
    ``first_names``, ``surnames``, ``phrases`` and ``name_like``)."""

    lex: Lexicon
    titles: dict[str, list[tuple[str, ...]]]
    first_names: frozenset[str]
    surnames: frozenset[str]
    phrases: dict

    def name_like(self, w: str) -> bool:  # pragma: no cover - Tagger's
        raise NotImplementedError

    # -- titles: "President Vladimir Putin", "Kremlin spokesman Dmitry Peskov" ---------------
    def _title(self, words: list[str], i: int, n: int, lw: str, out: list[Cand]) -> None:
        for t in self.titles[lw]:
            k = len(t)
            if k > 1 and tuple(x.lower() for x in words[i:i + k]) != t:
                continue
            j = i + k
            if j < n and (words[j].lower() in self.titles or words[j].lower() in SERVICE):
                return  # chained titles: the innermost one emits
            m = self._name_end(words, j, n, 5)
            if m > j:
                # a capitalised role is part of the person's mention ("Foreign Minister Julie Bishop"),
                # as the re3d tuning sets annotate it; a lower-case one ("spokesman") stays outside
                start = self._role_start(words, i) if words[i][:1].isupper() else j
                out.append(Cand(start, m, "PERSON", STRONG, None))
            return

    def _role_start(self, words: list[str], i: int) -> int:
        """Start of the capitalised role in front of a name whose innermost title starts at ``i``:
        the titles chained before it and one nationality or service word in front ("Iraqi
        President", "Army Lt. Gen.", "Deputy Secretary of State", "U.S. Secretary of State").

        Args:
            words: token texts.
            i: index of the innermost title's first token (capitalised).

        Returns:
            The index of the role's first token.
        """
        p = i
        while p > 0:
            q = self._title_ending(words, p)
            if q < 0:
                break
            p = q
        if p > 0 and words[p - 1][:1].isupper() and words[p - 1].lower() in SERVICE:
            p -= 1  # "Army Lt. Gen.", "Navy Capt."
        if p > 0 and words[p - 1][:1].isupper() and self._role_modifier(words, p - 1):
            p -= 1  # "Iraqi President", "U.S. Army General", "Pentagon Press Secretary"
        return p

    def _title_ending(self, words: list[str], p: int) -> int:
        """Start of a capitalised title that ends right before ``p``, or -1."""
        for k in range(min(p, _LONGEST_TITLE), 0, -1):
            q = p - k
            w = words[q]
            if not w[:1].isupper():
                continue
            ts = self.titles.get(w.lower())
            if ts and tuple(x.lower() for x in words[q:p]) in ts:
                return q
        return -1

    def _place_after_the(self, words: list[str], p: int) -> bool:
        """Whether the given name at ``p`` is a known place after a mid-sentence "the": "the Geneva
        Communique", "the Florence Accord" name a thing, not a person called Geneva."""
        if not p or words[p - 1] != "the":
            return False
        hit = self.lex.single(words[p].lower())
        return hit is not None and hit.label == "GPE"

    def _role_modifier(self, words: list[str], q: int) -> bool:
        """Whether the word at ``q`` may open a role as its country or body: a nationality
        ("Iraqi"), a known organisation ("Pentagon", "UN"), or a known place not governed by a
        preposition ("Texas Governor X"; not "in Texas Governor X")."""
        hit = self.lex.single(words[q].lower())  # one word, even where a longer entry starts ("U.S. Army")
        if hit is None:
            return False
        label = hit.label
        return label in ("NORP", "ORG") or (label == "GPE" and (q == 0 or words[q - 1] not in ROLE_PREPS))


    def _name_end(self, words: list[str], j: int, n: int, limit: int) -> int:
        """End of a run of name tokens starting at ``j`` (initials, particles, hyphens, suffixes)."""
        m = j
        while m < n and m - j < limit:
            w = words[m]
            if self.name_like(w) and w.lower() not in ORG_HEADS:
                m += 1
            elif m > j and w in SUFFIXES:
                m += 1
            elif m > j and w in _OPEN_Q and m + 3 < n and words[m + 2] in _CLOSE_Q and self.name_like(words[m + 1]) \
                    and self.name_like(words[m + 3]):
                m += 4  # a nickname in quotes: Richard "Tex" Coe
            elif (w in PARTICLES or w == "-") and m + 1 < n and (
                words[m + 1][:1].isupper() or ((words[m + 1] == "-" or words[m + 1] in PARTICLES) and m + 2 < n
                                               and words[m + 2][:1].isupper())  # "de la Fuente", "van der Berg"
            ) and (m > j or w in ("Abu", "al", "el")):
                m += 1
            else:
                break
        while m > j and (words[m - 1] in PARTICLES or words[m - 1] == "-"):
            m -= 1
        return m


    def _people(self, words: list[str], s: int, end: int, n: int, out: list[Cand],
                org_span: tuple[int, int] | None = None) -> None:
        """Given names, initials and acronyms inside [s, end); speech-verb context for the whole range
        (not when its context already made ``org_span`` an organisation: "a spokesman for X said")."""
        if s >= end:
            return
        p = s
        fn = self.first_names
        name_like = self.name_like
        while p < end:
            w = words[p]
            nxt = words[p + 1] if p + 1 < n else ""
            if w in fn and nxt and (name_like(nxt) or nxt in PARTICLES or nxt in _OPEN_Q) \
                    and not self._place_after_the(words, p):
                e = self._name_end(words, p, n, 5)
                if e - p >= 2:
                    out.append(Cand(p, e, "PERSON", MEDIUM, None))
                    p = e
                    continue
            if (len(nxt) == 2 and nxt[1] == "." and nxt[0].isupper() and p + 2 < n and name_like(w)
                    and name_like(words[p + 2])):
                e = self._name_end(words, p, n, 5)  # "Stephen J. Townsend"
                out.append(Cand(p, e, "PERSON", MEDIUM, None))
                p = e
                continue
            if w.isupper() and _ACR.match(w) and w not in ACRONYM_STOP and not (
                (p > 0 and words[p - 1].isupper() and words[p - 1].isalpha())
                or (nxt.isupper() and nxt.isalpha())
            ):
                out.append(Cand(p, p + 1, "ORG", WEAK, None))
            p += 1
        # "Oleg Zhdanov said" / "said Russell." / "Name, who"
        if end - s > 3 or (org_span is not None and org_span[0] <= s and end <= org_span[1]):
            return
        after = words[end] if end < n else ""
        single = end - s == 1 and words[s].isalpha() and words[s].lower() not in SUBJECT_NOUNS and (
            words[s] not in SUBJECT_STOP) and not (
            sentence_initial(words, s) and words[s].endswith("s"))  # "Officials said"
        if single and after in SUBJECT_VERBS and words[s] not in SUBJECT_STOP and not surname_shaped(
                words[s], self.first_names, self.surnames):
            # "Petrobras said": a lone unknown word is an organisation unless shaped like a name
            if name_like(words[s]) and words[s].lower() not in self.titles:
                out.append(Cand(s, end, "ORG", CONTEXT, None))
            single = False
        speech = after in SPEECH_VERBS and (end - s >= 2 or (after in PERSON_VERBS and single))
        said_before = s > 0 and words[s - 1] in ("said", "says", "told", "added") and (not after or after in (".", ","))
        who = after == "," and end + 1 < n and words[end + 1] == "who"
        if end - s >= 2 and not (speech or said_before or who):
            who = person_event(words, end, n)  # "X Y was arrested", "X Y died", "X Y, 45,"
        if (speech or said_before or who) and all(
            name_like(words[k]) and words[k].lower() not in self.titles for k in range(s, end)
        ):
            out.append(Cand(s, end, "PERSON", WEAK, None))
        elif 2 <= end - s <= 3 and self._surname_run(words, s, end):
            out.append(Cand(s, end, "PERSON", WEAK, None))

    def _surname_run(self, words: list[str], s: int, end: int) -> bool:
        """Whether a mid-sentence run of two or three unknown name-shaped words ends in a surname
        ("Tamsin Orrell", "Abdulkarim Petrenko"): a person, when no list or head noun knows it.

        Args:
            words: token texts.
            s: first token of the run.
            end: index after the run.

        Returns:
            True for a person-shaped run.
        """
        if sentence_initial(words, s) or (s and words[s - 1][:1].isupper()):
            return False
        last = words[end - 1]
        if not surname_shaped(last, frozenset(), self.surnames) or last in self.first_names:
            return False
        for k in range(s, end):
            w = words[k]
            if not self.name_like(w) or not w.isalpha() or w.lower() in self.titles or w.lower() in HEADS \
                    or w.lower() in self.phrases:
                return False
        return True
