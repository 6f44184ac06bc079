"""Organisation contexts: what English news writes around a company, band, club or party name
that no list knows.

- the words before it: "shares of X", "a spokeswoman for X", "signed for X", "released by X",
  "analysts at X";
- the words after it: "X's chief executive", "X's shareholders";
- an apposition or a defining copula: "X, a Norwegian shipping company," / "X, the label he
  founded" / "X is an English footballer" / "X, a town in Y" (the class noun gives the label);
- a biography's dates: "X (born 1970)", "X (1901–1978)": a person;
- a class noun in front: "the band X", "the chipmaker X", "US carmaker X", "the guitarist X Y";
- a definition: "Morvane Kessel Trading (MKT)" - the initials spell the bracketed acronym.

These are the constructions business, sports and music reporting uses for organisations and
almost never for people or places; a known place or person keeps its label (the caller ranks
these guesses below the gazetteer).
"""

from __future__ import annotations

import re
from typing import Callable

from ._words import ORG_HEADS

__all__ = ["ORG_CLASS_NOUNS", "PERSON_CLASS_NOUNS", "PLACE_CLASS_NOUNS", "org_context", "joined_name_end", "club_context",
           "org_event", "team_name", "THE_INSTITUTIONS",
           "appositive_class", "class_noun_start", "class_noun_name_end", "acronym_start", "born_after"]


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Nouns that classify an organisation ("a shipping company", "the band", "the chipmaker").
ORG_CLASS_NOUNS = _words(
    "company companies firm group band club party label carmaker automaker chipmaker drugmaker planemaker "
    "steelmaker airline bank lender insurer retailer broadcaster newspaper publisher charity conglomerate "
    "startup start-up manufacturer supplier operator developer miner brewer giant agency organisation "
    "organization movement militia outlet team utility regulator watchdog consortium cooperative co-operative "
    "union association university college magazine studio distributor trader exporter shipper subsidiary "
    "franchise side orchestra choir ensemble quartet trio duo outfit network chain maker producer"
)
# Nouns that classify a person ("an English footballer", "the guitarist").
PERSON_CLASS_NOUNS = _words(
    "footballer singer singer-songwriter songwriter politician actor actress musician writer novelist author poet "
    "painter composer guitarist drummer bassist pianist violinist rapper journalist businessman businesswoman "
    "entrepreneur lawyer scientist physicist chemist biologist mathematician historian philosopher economist "
    "cricketer boxer wrestler athlete cyclist swimmer golfer sprinter jockey tennis-player goalkeeper striker "
    "midfielder defender coach diplomat architect engineer artist sculptor photographer comedian presenter "
    "filmmaker film-maker screenwriter playwright dancer activist priest bishop monk nun theologian "
    "inventor explorer astronaut pilot astronomer linguist sociologist psychologist surgeon physician "
    "banker investor lyricist vocalist frontman conductor soprano tenor baritone"
)
# Nouns that classify a populated place ("a town in", "a village").
PLACE_CLASS_NOUNS = _words("town city village municipality commune hamlet suburb borough parish township "
                           "settlement capital port")
_CLASS_LABEL = {**{w: "ORG" for w in ORG_CLASS_NOUNS}, **{w: "PERSON" for w in PERSON_CLASS_NOUNS},
                **{w: "GPE" for w in PLACE_CLASS_NOUNS}}
# Class nouns too general to name what follows them ("the group X" is fine, "the side X" not).
_BEFORE_ONLY_NOT = _words("side outfit maker producer giant operator developer supplier trader network chain")
# Words before "of" / "in" whose object is an organisation ("shares of X", "a stake in X").
_OF_IN = _words("shares share stake stakes stock shareholders shareholder subsidiary subsidiaries acquisition "
                "takeover owner owners chairman chairwoman ceo founder co-founder executives employees "
                "spokesman spokeswoman spokesperson")
# Words before "for" whose object is an organisation ("a spokesman for X", "signed for X").
_FOR = _words("spokesman spokeswoman spokesperson signed signing signs played plays playing scored debut "
              "works worked working")
# Words before "at" whose object is an organisation ("analysts at X").
_AT = _words("analysts analyst economists economist strategists strategist executives executive employees "
             "workers engineers researchers traders")
# Words before "with" / "to": "signed with X", "a merger with X", "signed to X" (a label).
_WITH_TO = _words("signed merger merged merge")
# Verbs before "by": "released by X".
_BY = _words("released")
# Words after "X's" that belong to an organisation ("X's shareholders").
_POSS = _words("shares shareholders stock board subsidiary subsidiaries profits profit revenue revenues earnings "
               "headquarters workforce employees ceo chairman chairwoman "
               # what a band, a club or a party has and a person has not
               "members lineup line-up squad roster founder founders co-founder frontman frontwoman stadium "
               "logo branches stores customers")
# Verbs of reporting after "the X" ("the Courier reported"): a name with a definite article is no person.
_REPORTS = _words("said says reported reports announced announces told added stated confirmed denied warned "
                  "claimed wrote writes published revealed quoted")
# A capitalised plural after "the" that no list knows: bands and teams ("the Marlowes", "the Harriers");
# not the shape of a people ("the Ruthenians") or a singular ending in s ("the Congress", "the Genesis").
_PLURAL_NAME = re.compile(r"^[A-Z][a-z]{2,}s$")
_NOT_PLURAL = ("ss", "us", "is", "ans", "ites", "ics")
# "told the X", "according to the X", "an interview with the X": a newspaper, agency or broadcaster.
_MEDIA_BEFORE = {"told": None, "to": "according", "with": "interview"}
# Class nouns after "the X" that make X an organisation's name ("the Decca label").
_AFTER_THE = _words("label company firm band club party brand airline bank newspaper conglomerate carmaker "
                    "chipmaker broadcaster publisher retailer")
# Words that may close an apposition after its class noun ("X, a shipping company, ...").
_APPOS_END = _words(", . ; : ) based from in that which with whose founded owned run listed headquartered on at "
                    "he she they it we who known best for and formed established created started consisting "
                    "composed originally named located situated where whose signed")
# Function words that break an apposition's modifiers ("a member of the band" is not one).
_APPOS_BREAK = _words("of the a an and or for to with in on at by his her their its")
_DET = _words("the The a A an An its Its their Their his His her Her rival")


def org_context(words: list[str], s: int, end: int, n: int) -> bool:  # noqa: C901 - a flat list of cases
    """Whether the words around the capitalised run ``[s, end)`` make it an organisation.

    Args:
        words: token texts.
        s: first token of the run.
        end: index after the run.
        n: number of tokens.

    Returns:
        True for "the X label", "shares of X", "a spokesman for X", "signed for X", "analysts at X",
        "released by X", "X's shareholders", "X's chief executive", "X's lineup"; and for a newspaper,
        agency or broadcaster: "the X reported", "told the X", "according to the X".
    """
    if end < n - 1 and words[end] in ("'s", "’s"):
        nxt = words[end + 1].lower()
        if nxt in _POSS or (nxt == "chief" and end + 2 < n and words[end + 2] in ("executive", "financial")):
            return True
    if s and words[s - 1] in ("the", "The"):
        if end < n and (words[end] in _AFTER_THE or words[end] in _REPORTS):
            return True  # "the Decca label", "the Kelmscott company", "the Courier reported"
        if end - s == 1 and _PLURAL_NAME.match(words[s]) and not words[s].endswith(_NOT_PLURAL) \
                and words[s][:-1].lower() not in ORG_HEADS:  # not "the Governments of X and Y"
            return True  # "the Marlowes released", "a win over the Harriers": a band's or a team's name
        if s > 1 and words[s - 2] in _MEDIA_BEFORE:
            need = _MEDIA_BEFORE[words[s - 2]]
            if need is None or (s > 2 and words[s - 3].lower() == need):
                return True  # "told the Courier", "according to the Sentinel", "an interview with the Ledger"
    if s < 2:
        return False
    prev, before = words[s - 1], words[s - 2].lower()
    if prev in ("of", "in"):
        return before in _OF_IN
    if prev == "for":
        return before in _FOR
    if prev == "at":
        return before in _AT
    if prev in ("with", "to"):
        return before in _WITH_TO
    if prev == "by":
        return before in _BY
    return False


# Words before "for" that make its object a club ("played for X", "scored for X", "his debut for X").
_CLUB_FOR = _words("played plays playing signed signs signing scored scores debut appearances appearance goals")
# "on loan to X", "loaned to X", "on loan from X".
_LOAN = _words("loan loaned")
# Roles a club has and a town has not ("Leeds manager X", "the Wigan striker").
_CLUB_ROLES = _words("striker midfielder defender goalkeeper winger manager boss")
# Institutions a capitalised head names alone after "the" ("the Treasury", "the Army", "the Commission").
THE_INSTITUTIONS = _words("ministry office department agency council committee court commission authority bureau "
                          "police army navy directorate parliament government treasury senate congress assembly "
                          "cabinet commons lords exchequer coalition alliance federation league party")


def club_context(words: list[str], s: int, end: int, n: int) -> bool:
    """Whether sports reporting's words around ``[s, end)`` make it a club: "played for X",
    "signed for X", "on loan to X", "X manager Y", "the X striker", "X's manager".

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
        if (prev == "for" and before in _CLUB_FOR) or (prev in ("to", "at", "from") and before in _LOAN):
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
    last = words[end - 1]
    return 1 <= end - s - place_len <= 2 and bool(_PLURAL_NAME.match(last)) and not last.endswith(_NOT_PLURAL) \
        and last[:-1].lower() not in ORG_HEADS and all(w.isalpha() and w[:1].isupper() for w in words[s + place_len:end])


def appositive_class(words: list[str], end: int, n: int) -> str | None:
    """The label a defining apposition or copula gives the name ending at ``end``: "X, a Norwegian
    shipping company," / "X is an English footballer" / "X, a town in Y" / "X was a rock band".

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        "ORG", "PERSON" or "GPE", or None.
    """
    if end + 3 >= n:
        return None
    k = end + 1
    w = words[end]
    if w in ("is", "was"):
        if words[k] not in _DET or words[k] == "rival":
            return None
    elif w != "," or words[k] not in _DET or words[k] == "rival":
        return None
    k += 1
    limit = min(n, k + 5)
    while k < limit:
        x = words[k]
        label = _CLASS_LABEL.get(x.lower())
        if label is not None and (k + 1 >= n or words[k + 1] in _APPOS_END or words[k + 1] == "who"):
            return label
        if x in _APPOS_BREAK or not (x.isalpha() or x == "-"):
            return None
        k += 1
    return None


_YEAR = re.compile(r"^(?:1[0-9]{3}|20[0-9]{2})$")


def born_after(words: list[str], end: int, n: int) -> bool:
    """Whether a biography's dates follow the name ending at ``end``: "X (born 12 May 1970)",
    "X (1901–1978)", "X (née Y".

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        True for "(" + born / née / a year and a dash.
    """
    if end + 2 >= n or words[end] != "(":
        return False
    x = words[end + 1]
    if x in ("born", "b.", "née", "nee"):
        return True
    return bool(_YEAR.match(x)) and words[end + 2] in ("–", "-", "—")


def class_noun_start(words: list[str], i: int) -> bool:
    """Whether the class noun at token ``i`` stands before a name ("the band X", "US carmaker X").

    Args:
        words: token texts; ``words[i]`` is a lower-case class noun.
        i: index of the class noun.

    Returns:
        True when a determiner stands within three words before it, or a capitalised modifier
        right before it ("British bank X").
    """
    if words[i] in _BEFORE_ONLY_NOT:
        return False
    if i and words[i - 1][:1].isupper() and words[i - 1].isalpha():
        return True
    return any(w in _DET for w in words[max(0, i - 3):i])


def class_noun_name_end(words: list[str], j: int, n: int, stop: frozenset[str]) -> int:
    """End of the name after a class noun: capitalised words (and "&") from ``j``, at most four.

    Args:
        words: token texts.
        j: first token after the class noun.
        n: number of tokens.
        stop: lower-cased words that cannot open the name (titles, months, function words).

    Returns:
        The index after the name, or ``j`` when there is none.
    """
    if j >= n or words[j].lower() in stop:
        return j
    e = j
    while e < n and e - j < 4 and (words[e][:1].isupper() or (words[e] == "&" and e > j)):
        e += 1
    while e > j and not words[e - 1][:1].isupper():
        e -= 1
    return e


_ACR_TOKEN = re.compile(r"^[A-Z][A-Z&]{1,5}$")


def acronym_start(words: list[str], s: int, end: int, n: int) -> int:
    """Start of a name defined by the bracketed acronym after it ("Morvane Kessel Trading (MKT)").

    The acronym must spell the initials of the run's last capitalised words (connectors such as
    "of" and "for" may or may not count), so "Oren Malloy (MP)" is no definition.

    Args:
        words: token texts.
        s: first token of the capitalised run.
        end: index after the run.
        n: number of tokens.

    Returns:
        The index of the name's first token, or -1 when no acronym defines it.
    """
    if end + 2 >= n or words[end] != "(" or words[end + 2] != ")":
        return -1
    acr = words[end + 1]
    if not _ACR_TOKEN.match(acr) or end - s < 2 or len(acr) < 2:
        return -1
    acr = acr.replace("&", "")
    caps = [k for k in range(s, end) if words[k][:1].isupper()]
    if len(caps) < len(acr):
        return -1
    # strict: the last len(acr) capitalised words; loose: every word from there, connectors too
    tail = caps[-len(acr):]
    if "".join(words[k][0] for k in tail) == acr:
        return tail[0]
    for start in range(end - len(acr), s - 1, -1):
        if "".join(w[0].upper() for w in words[start:end] if w.isalpha()) == acr and words[start][:1].isupper():
            return start
    return -1


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
