"""Character patterns anchored at trigger tokens: dates, times, money, percentages,
quantities and weapon designators.

Scanning a whole article with big regular expressions cost ~5 µs per word; instead
the token loop marks *trigger* tokens (a digit, a month, "last", "$", "S-400"...) and
each relevant pattern is tried with ``match`` at that token's character offset only.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class CharCand(NamedTuple):
    """A candidate over characters ``[start, end)``."""

    start: int
    end: int
    label: str


MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
NUMWORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty hundred several few a"
).split()
HOLIDAYS = "Thanksgiving Christmas Easter Ramadan Eid Hanukkah Passover Nowruz Diwali".split()

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_NUM = r"\d+(?:[.,]\d+)*"
_NUMW = r"(?:\d+(?:[.,]\d+)?(?:-plus)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|several|few|a\s+few|a|an)"
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|bn|mln|m|k)\b)"
_UNIT = (
    r"(?:km|kilometers?|kilometres?|square\s+(?:kilometers?|kilometres?|miles?|km|meters?|metres?)|sq\.?\s?km|km2|"
    r"miles?|nautical\s+miles?|meters?|metres?|m|cm|mm|feet|ft|inches|kg|kilograms?|tonnes?|tons?|"
    r"lbs?|litres?|liters?|barrels?|hectares?|acres?|megatons?|kilotons?|knots?|mph|km/h|degrees)"
)
_UNITS_AFTER_YEAR = rf"(?!\s?(?:%|{_UNIT}\b|[.,]\d|:\d))"
_DURATION = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"

# -- anchored patterns, keyed by trigger kind ------------------------------------------------
_AT_MONTH = re.compile(
    rf"{_MONTH}(?:\s*{_DAY}(?:\s*[-–]\s*{_DAY})?(?![\d:])(?:,?\s+{_YEAR}\b)?|\s+(?:of\s+)?{_YEAR}\b)"
)
_AT_MONTH_BARE = re.compile(rf"{_MONTH}\b")
_AT_DIGIT_DATE = re.compile(
    rf"(?:{_DAY}(?:\s*[-–]\s*{_DAY})?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?"
    rf"|(?:19|20)\d\d-[01]\d-[0-3]\d\b|[0-3]?\d[./][01]?\d[./](?:19|20)\d\d\b"
    rf"|(?:19|20)\d0s\b"
    rf"|\d{{1,4}}\s?(?:B\.C\.?|BC|BCE|A\.D\.|AD|CE)\b"
    rf"|{_YEAR}(?:\s?[-–/]\s?(?:{_YEAR}|\d\d))?\b{_UNITS_AFTER_YEAR})"
)
_DECADE = re.compile(r"(?:1[6-9]|20)\d0s\b")
_AT_NUM_DURATION = re.compile(rf"{_NUMW}[\s-]+(?:{_DURATION})\b(?:\s+ago\b)?", re.I)
_AT_WEEKDAY = re.compile(rf"{_WEEKDAY}(?:,?\s+{_MONTH}\s*{_DAY}(?:,?\s+{_YEAR})?|,?\s+{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?)?")
_AT_MOD = re.compile(
    rf"(?:[Tt]he\s+)?(?:"
    rf"(?:past|last|next|coming|previous|following|first|final)\s+(?:{_NUMW}\s+)?(?:{_DURATION})(?:\s+and\s+(?:{_DURATION}))?"
    rf"|(?:early|mid|late)[\s-]+(?:{_MONTH}(?:\s+{_YEAR})?|{_YEAR}|next\s+year|this\s+year|last\s+year)"
    rf"|(?:this|last|next)\s+(?:week|weekend|month|year|decade|century|{_SEASON}|{_MONTH}|{_WEEKDAY})"
    rf"|{_SEASON}\s+of\s+{_YEAR}"
    r"|(?:this|last|next)\s+(?:Thanksgiving|Christmas|Easter|Ramadan)(?:\s+(?:Day|Eve))?"
    rf"|(?:earlier|later)\s+(?:this|last|next)\s+(?:week|month|year)"
    r")\b"
)
_AT_REL = re.compile(r"(?:today|yesterday|tomorrow|tonight)\b", re.I)
_AT_HOLIDAY = re.compile(
    r"(?:Thanksgiving|Christmas|Easter|Ramadan|Hanukkah|Passover|Nowruz|Diwali)(?:\s+(?:Day|Eve))?\b"
    r"|Eid(?:\s+al-(?:Fitr|Adha))?\b|New\s+Year's(?:\s+(?:Day|Eve))?"
)
_AT_TIME = re.compile(
    r"(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]\.?m\.?)?(?:\s?(?:GMT|UTC|local time|Kyiv time|Moscow time))?"
    r"|(?:1[0-2]|0?[1-9])\s?(?:[ap]\.m\.|[ap]m\b)"
)
_AT_TIME_WORD = re.compile(
    r"(?:(?:this|yesterday|tomorrow|last|early|late)\s+(?:morning|afternoon|evening|night)|midnight|noon)\b", re.I
)
_AT_CURRENCY = re.compile(rf"(?:US\s?\$|USD\s?|EUR\s?|GBP\s?|A\$|C\$|\$|€|£|₽|₴|¥)\s?{_NUM}{_SCALE}?")
_AT_DIGIT_MONEY = re.compile(
    rf"{_NUM}{_SCALE}?\s+(?:US\s+)?(?:dollars|euros?|pounds\s+sterling|pounds|rubles?|roubles?|hryvnias?|yuan|"
    r"rupees?|dinars?|riyals?|rials?|lira|USD|EUR|GBP|RUB|UAH)\b"
)
_AT_PERCENT = re.compile(rf"{_NUM}\s?(?:%|percent\b|per\s+cent\b)")
_AT_QUANTITY = re.compile(rf"{_NUM}(?:\s?(?:million|thousand|billion))?[\s-]?{_UNIT}\b(?!\.\d)")

# Letter-number designators of weapons and platforms (S-400, Su-25, T-72B3, M777, 9K720, F-16).
_AT_WEAPON = re.compile(
    r"(?:(?:S|T|F|A|B|C|R|P|J|H|K|E)-\d{2,4}[A-Z]{0,3}\d?(?:-?[A-Z]{1,2}\d?)?"
    r"|(?:Su|MiG|Tu|Ka|Mi|Il|An|Yak|BMP|BTR|BMD|BM|KC|AH|UH|CH|MH|MQ|RQ|AGM|AIM|FIM|BGM|Kh|KN|DF|HQ|"
    r"Hwasong|Shahed|Geran|Mohajer|Orlan|Pantsir-S|Tochka|Tornado|Zala|Lancet|Grad|Uragan|Smerch|TOS|Msta-S|"
    r"IRIS-T|Mirage|Leopard|Challenger|Type)[-\s]?\d{2,4}[A-Z]{0,3}\d?(?:-?[A-Z]{1,2}\d?)?"
    r"|M\d{3,4}[A-Z]?\d?|M[12]A\d|[29][KMSA]\d{2,3}[A-Z]?\d?"
    r"|B-[12]B?|E-[23][A-Z]?|P-8A?|F-[45][A-Z]?|U-2)\b"
)
_NEEDS_CUE = re.compile(r"^(?:Type|K|P|H|J|R|C|E|A)[\s-]?\d")
_CUE = re.compile(
    r"\b(?:missiles?|systems?|launchers?|howitzers?|tanks?|jets?|drones?|batter(?:y|ies)|complex(?:es)?|"
    r"fighters?|aircraft|helicopters?|munitions?|rockets?|air[- ]defen[cs]e|artillery|bombers?|warships?|"
    r"frigates?|destroyers?|submarines?|vehicles?|UAVs?|interceptors?)\b",
    re.I,
)

# Trigger kinds
K_MONTH, K_DIGIT, K_WEEKDAY, K_MOD, K_REL, K_HOLIDAY, K_CURRENCY, K_NUMWORD, K_ALNUM, K_TIMEWORD = range(10)

TRIGGER_WORDS: dict[str, int] = {}
for _w in MONTHS:
    TRIGGER_WORDS[_w] = K_MONTH
    TRIGGER_WORDS[_w + "."] = K_MONTH  # spaCy keeps "Jan." as one token
for _w in WEEKDAYS:
    TRIGGER_WORDS[_w] = K_WEEKDAY
for _w in ("past", "last", "next", "coming", "previous", "following", "early", "mid", "late",
           "this", "earlier", "later", "Last", "Next", "Early", "Late", "This", "Earlier", "Later", "Past",
           "spring", "summer", "autumn", "fall", "winter", "first", "final"):
    TRIGGER_WORDS[_w] = K_MOD
for _w in ("today", "yesterday", "tomorrow", "tonight", "Today", "Yesterday", "Tomorrow", "Tonight"):
    TRIGGER_WORDS[_w] = K_REL
for _w in HOLIDAYS + ["New"]:
    TRIGGER_WORDS[_w] = K_HOLIDAY
for _w in ("$", "US$", "€", "£", "₽", "₴", "¥", "USD", "EUR", "GBP", "A$", "C$", "US"):
    TRIGGER_WORDS[_w] = K_CURRENCY
for _w in NUMWORDS:
    TRIGGER_WORDS.setdefault(_w, K_NUMWORD)
    TRIGGER_WORDS.setdefault(_w.capitalize(), K_NUMWORD)
for _w in ("midnight", "noon", "Midnight", "Noon"):
    TRIGGER_WORDS[_w] = K_TIMEWORD
ARTICLE_FOLLOW = frozenset("few week month year day decade couple".split())
"""Words after "a"/"an" that make it a duration trigger ("a few days", "a year ago")."""
_PREPS = frozenset(
    "in since until by from of during last next this early late mid before after through throughout "
    "In Since Until By From During Last Next This Early Late Before After".split()
)


# Trigger kinds whose one pattern gives one label.
_ONE_PATTERN = {K_MOD: (_AT_MOD, "DATE"), K_WEEKDAY: (_AT_WEEKDAY, "DATE"), K_REL: (_AT_REL, "DATE"),
                K_HOLIDAY: (_AT_HOLIDAY, "DATE"), K_CURRENCY: (_AT_CURRENCY, "MONEY")}


def _first(rx: re.Pattern, text: str, pos: int) -> int:
    m = rx.match(text, pos)
    return m.end() if m else -1


def _duration(text: str, pos: int, out: list[CharCand]) -> None:
    """A counted period at ``pos`` ("3 days", "two hours"): TIME under a day, else DATE."""
    m = _AT_NUM_DURATION.match(text, pos)
    if m:
        out.append(CharCand(pos, m.end(), "TIME" if re.search(r"(?i)second|minute|hour", m.group()) else "DATE"))


def match_at(text: str, pos: int, kind: int, prev_word: str, out: list[CharCand]) -> None:
    """Try the patterns of one trigger kind at character ``pos``.

    Args:
        text: document text.
        pos: character offset of the trigger token.
        kind: trigger kind (K_*).
        prev_word: text of the token before the trigger ("" at start).
        out: candidates are appended here.
    """
    if kind == K_DIGIT:
        if text.startswith("the ", pos - 4) and _DECADE.match(text, pos):
            out.append(CharCand(pos - 4, _DECADE.match(text, pos).end(), "DATE"))  # "the 1990s"
        for rx, label in ((_AT_DIGIT_DATE, "DATE"), (_AT_TIME, "TIME"), (_AT_DIGIT_MONEY, "MONEY"),
                          (_AT_PERCENT, "PERCENT"), (_AT_QUANTITY, "QUANTITY")):
            e = _first(rx, text, pos)
            if e > 0:
                out.append(CharCand(pos, e, label))
        _duration(text, pos, out)
    elif kind == K_NUMWORD:
        _duration(text, pos, out)
    elif kind == K_MONTH:
        e = _first(_AT_MONTH, text, pos)
        if e <= 0 and prev_word in _PREPS:
            e = _first(_AT_MONTH_BARE, text, pos)
        if e > 0:
            out.append(CharCand(pos, e, "DATE"))
    elif kind in _ONE_PATTERN:
        rx, label = _ONE_PATTERN[kind]
        e = _first(rx, text, pos)
        if e > 0:
            out.append(CharCand(pos, e, label))
    elif kind == K_ALNUM:
        m = _AT_WEAPON.match(text, pos)
        if m and (not _NEEDS_CUE.match(m.group()) or weapon_context(text, pos, m.end())):
            out.append(CharCand(pos, m.end(), "WEAPON"))
    elif kind == K_TIMEWORD:
        e = _first(_AT_TIME_WORD, text, pos)
        if e > 0:
            out.append(CharCand(pos, e, "TIME"))
    if kind == K_MOD or kind == K_REL:
        e = _first(_AT_TIME_WORD, text, pos)
        if e > 0:
            out.append(CharCand(pos, e, "TIME"))


def weapon_context(text: str, s: int, e: int) -> bool:
    """Whether a weapon cue word ("missile", "launcher", ...) is within 40 characters.

    Args:
        text: document text.
        s: span start.
        e: span end.

    Returns:
        True when a cue is near.
    """
    return bool(_CUE.search(text, max(0, s - 40), s) or _CUE.search(text, e, e + 40))


def trigger_kind(w: str) -> int:
    """Trigger kind of one token, or -1.

    Args:
        w: token text.

    Returns:
        A K_* constant or -1.
    """
    k = TRIGGER_WORDS.get(w)
    if k is not None:
        return k
    c = w[0]
    if c.isdigit():
        return K_ALNUM if (w[-1].isalpha() and not w.endswith(("st", "nd", "rd", "th", "s"))) else K_DIGIT
    if c.isupper() and any(ch.isdigit() for ch in w):
        return K_ALNUM
    return -1
