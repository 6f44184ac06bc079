"""Organisation names by their own shape, and the sports and government contexts that name one.

- a name that goes on past "and" or a list comma: "Foreign and Commonwealth Office",
  "Department for Culture, Media and Sport";
- a capitalised plural no list knows: bands and teams ("the Marlowes"), a place's team
  ("Denver Harriers");
- a club in sports reporting, a university in a biography, even where a town has its name:
  "played for X", "on loan to X", "X manager Y", "graduated from X", "studied at X";
- what happens only to organisations: "X was formed", "X disbanded";
- an institution a capitalised head names alone after "the": "the Treasury", "the Council".
"""

from __future__ import annotations

import re
from typing import Callable

from ._lexicon import CORE
from ._words import ORG_HEADS

__all__ = ["THE_INSTITUTIONS", "plural_name", "joined_name_end", "club_context", "org_event", "team_name",
           "sports_name"]


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# A capitalised plural after "the" that no list knows: bands and teams ("the Marlowes", "the Harriers");
# not the shape of a people ("the Ruthenians") or a singular ending in s ("the Congress", "the Genesis").
_PLURAL_NAME = re.compile(r"^[A-Z][a-z]{2,}s$")
_NOT_PLURAL = ("ss", "us", "is", "ans", "ites", "ics")


def plural_name(w: str) -> bool:
    """Whether a capitalised word has a band's or a team's plural shape ("Marlowes", "Harriers"),
    not a people's ("Ruthenians"), a singular's ("Genesis") or a head's ("Governments").

    Args:
        w: a token.

    Returns:
        True for the shape.
    """
    return bool(_PLURAL_NAME.match(w)) and not w.endswith(_NOT_PLURAL) and w[:-1].lower() not in ORG_HEADS


# Words before "for" that make its object a club ("played for X", "scored for X", "his debut for X").
_CLUB_FOR = _words("played plays playing signed signs signing scored scores debut appearances appearance goals")
# "on loan to X", "loaned to X", "on loan from X".
_LOAN = _words("loan loaned")
# "graduated from X", "studied at X", "a lecturer at X": a university or school, even one named after its town.
_SCHOOL_FROM = _words("graduated graduating")
_SCHOOL_AT = _words("studied studying educated enrolled lecturer lectured professor taught teaching")
# Roles a club has and a town has not ("Leeds manager X", "the Wigan striker").
_CLUB_ROLES = _words("striker midfielder defender goalkeeper winger manager boss")
# Institutions a capitalised head names alone after "the" ("the Treasury", "the Army", "the Commission").
THE_INSTITUTIONS = _words("ministry office department agency council committee court commission authority bureau "
                          "police army navy directorate parliament government treasury senate congress assembly "
                          "cabinet commons lords exchequer coalition alliance federation league party")


def club_context(words: list[str], s: int, end: int, n: int) -> bool:
    """Whether sports reporting's words around ``[s, end)`` make it a club: "played for X",
    "signed for X", "on loan to X", "X manager Y", "the X striker", "X's manager"; or a
    biography's make it a university or school: "graduated from X", "studied at X".

    A town's name in these places is its club, as trained English pipelines label it; the caller
    lets this override a town the gazetteer knows, not a country (a national team keeps the
    country's label).

    Args:
        words: token texts.
        s: first token of the name.
        end: index after the name.
        n: number of tokens.

    Returns:
        True in a club's context.
    """
    if s >= 2:
        prev, before = words[s - 1], words[s - 2].lower()
        if (prev == "for" and before in _CLUB_FOR) or (prev in ("to", "at", "from") and before in _LOAN) \
                or (prev == "from" and before in _SCHOOL_FROM) or (prev == "at" and before in _SCHOOL_AT):
            return True
    if end < n and words[end] in _CLUB_ROLES:
        return True
    return end + 1 < n and words[end] in ("'s", "’s") and words[end + 1] in _CLUB_ROLES


# What happens to an organisation and never to a person or a town: "X was formed", "X disbanded".
_ORG_PASSIVES = _words("formed disbanded dissolved headquartered reformed re-formed")
_ORG_VERBS = _words("disbanded reformed re-formed merged")
_AUX = _words("was is were are had has have been")


def org_event(words: list[str], end: int, n: int) -> bool:
    """Whether the words after a name ending at ``end`` happen only to organisations: "X was
    formed in 1994", "X disbanded", "X merged with Y", "X, formed in 1994,". (Towns are founded,
    established and incorporated too, so those verbs say nothing.)

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        True for an organisation's event.
    """
    if end >= n:
        return False
    w = words[end]
    if w in _ORG_VERBS:
        return True
    k = end + 1
    if w in _AUX or w == ",":
        if k < n and words[k] == "been":
            k += 1
        return k < n and words[k] in _ORG_PASSIVES and (w != "," or (k + 1 < n and words[k + 1] in ("in", "by")))
    return False


def team_name(words: list[str], s: int, end: int, place_len: int) -> bool:
    """Whether ``[s, end)`` is a place followed by a capitalised plural: a sports team ("Denver
    Harriers", "Ottawa Silver Foxes"), not a people ("Kyiv Ukrainians" is two names).

    Args:
        words: token texts.
        s: first token (where a known place of ``place_len`` tokens starts).
        end: index after the run.
        place_len: tokens of the place.

    Returns:
        True for a team's shape.
    """
    return 1 <= end - s - place_len <= 2 and plural_name(words[end - 1]) \
        and all(w.isalpha() and w[:1].isupper() for w in words[s + place_len:end])


# Heads that name an institution of their own even as one word ("Defence and Police"): a list
# item that is one of them closes the name before it.
_INSTITUTIONS = frozenset("ministry office department agency council committee bank court commission service "
                          "authority bureau police army navy fund directorate parliament government".split())


def _caps_end(words: list[str], k: int, n: int, limit: int) -> int:
    """End of the run of at most ``limit`` capitalised words from ``k``."""
    e = k
    while e < n and e - k < limit and words[e][:1].isupper() and words[e].isalpha():
        e += 1
    return e


def joined_name_end(words: list[str], i: int, j: int, n: int, known: Callable[[int], str | None]) -> int:
    """End of an organisation name that goes on past a lower-case "and" or a list comma at ``j``.

    English writes two shapes of such names, both closed or opened by an organisation head:

    - "Foreign and Commonwealth Office", "Procter and Gamble Company": one capitalised word,
      "and", then two to four capitalised words ending in a head;
    - "Department of Health and Social Care", "Department for Culture, Media and Sport": a head
      with an "of" / "for" tail whose last part is a list of domains ending in "and" +
      capitalised words, none of them a head or a known name (not "Ministry of Defence and
      Foreign Office", "Bank of Ireland and Barclays": a place is no domain).

    Args:
        words: token texts.
        i: first token of the capitalised run.
        j: index of the "and" or "," inside it.
        n: number of tokens.
        known: the label of a gazetteer entry starting at a token index, "TITLE" for a title,
            "NAME" for a given name, else None.

    Returns:
        The index after the name's last word, or -1 when the run stops at ``j``.
    """
    if j + 1 >= n or not words[j + 1][:1].isupper():
        return -1
    if words[j] == "and" and (j == i + 1 or (j == i + 2 and words[i] in ("the", "The"))):
        e = _caps_end(words, j + 1, n, 4)
        if e > j + 2 and words[e - 1].lower() in ORG_HEADS and words[j - 1].isalpha() \
                and known(j - 1) in (None, "ORG") and known(j + 1) in (None, "ORG"):
            return e
        return -1
    if known(j - 1) is not None or not any(
            words[h].lower() in ORG_HEADS and words[h + 1] in ("of", "for") for h in range(i, j - 1)):
        return -1
    k = j
    while k < n and words[k] in (",", "and"):
        e = _caps_end(words, k + 1, n, 3)
        if e == k + 1 or known(k + 1) is not None or (words[e - 1].lower() in ORG_HEADS and (
                e - k > 2 or words[e - 1].lower() in _INSTITUTIONS)):  # "Foreign Office", "Police"; not "Media"
            return -1
        if words[k] == "and":
            return e
        k = e
    return -1


def sports_name(words: list[str], s: int, end: int, n: int, phrase_at: Callable) -> str | None:
    """What sports reporting makes of the capitalised name ``[s, end)``.

    Args:
        words: token texts.
        s: first token of the name.
        end: index after it.
        n: number of tokens.
        phrase_at: the gazetteer's longest match, ``phrase_at(words, i, n)`` -> (length, Phrase) or None.

    Returns:
        "town" for a club named after a town the gazetteer knows (it must override the town),
        "club" for a club no list knows, "team" for a place + plural ("Denver Harriers"), else None.
    """
    if end - s <= 3 and club_context(words, s, end, n):
        hit = phrase_at(words, s, n)
        if hit is None or hit[0] < end - s:
            return "club"
        if hit[0] == end - s and hit[1].label == "GPE" and not hit[1].flags & CORE:
            return "town"  # not a country: a national team keeps the country's label
    if end - s >= 2 and words[end - 1][-1] == "s":  # the cheap test first: a plural at the end
        hit = phrase_at(words, s, n)
        if hit is not None and hit[1].label == "GPE" and team_name(words, s, end, hit[0]):
            last = phrase_at(words, end - 1, n)
            if last is None or last[1].label != "NORP":
                return "team"
    return None
