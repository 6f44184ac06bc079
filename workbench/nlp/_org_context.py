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

from ._org_names import plural_name

__all__ = ["ORG_CLASS_NOUNS", "PERSON_CLASS_NOUNS", "PLACE_CLASS_NOUNS", "org_context", "appositive_class",
           "class_noun_start", "class_noun_name_end", "acronym_start", "born_after"]


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
                "spokesman spokeswoman spokesperson member members")
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
        if end - s == 1 and plural_name(words[s]):
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
