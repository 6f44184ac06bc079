"""Pattern rules shared by the Ukrainian and Russian paths: dates, weapon designations,
names in «guillemets» after a type word, and nationality words.

Candidates are (start, end, label, canonical or None) tuples with offsets into the text;
the caller resolves overlaps (rules beat model spans).
"""

from __future__ import annotations

import re

from ._morph import parses

__all__ = ["WEAPON_NAMES", "Candidate", "dates", "designations", "money", "nationality", "quoted_names", "MONTH_WORDS",
           "resolve_overlaps"]

Candidate = tuple[int, int, str, str | None]

_UK_MONTHS = (r"січ(?:ень|ня|ні|нем)|лют(?:ий|ого|ому|им)|берез(?:ень|ня|ні|нем)|квіт(?:ень|ня|ні|нем)|"
              r"трав(?:ень|ня|ні|нем)|черв(?:ень|ня|ні|нем)|лип(?:ень|ня|ні|нем)|серп(?:ень|ня|ні|нем)|"
              r"верес(?:ень|ня|ні|нем)|жовт(?:ень|ня|ні|нем)|листопад(?:а|і|ом)?|груд(?:ень|ня|ні|нем)")
_RU_MONTHS = (r"январ[ьяеюём]|феврал[ьяеюём]|март(?:а|е|ом)?|апрел[ьяеюём]|ма(?:й|я|е|ем)|июн[ьяеюём]|"
              r"июл[ьяеюём]|август(?:а|е|ом)?|сентябр[ьяеюём]|октябр[ьяеюём]|ноябр[ьяеюём]|декабр[ьяеюём]")
MONTH_WORDS = {"uk": _UK_MONTHS, "ru": _RU_MONTHS}
_YEAR_WORD = {"uk": r"(?:року|році|рік|роком|р\.)", "ru": r"(?:года|году|год|годом|г\.)"}


def _date_rx(lang: str) -> re.Pattern[str]:
    months, year = MONTH_WORDS[lang], _YEAR_WORD[lang]
    return re.compile(
        rf"(?<![\w-])(?:\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+)?(?:{months})(?:\s+\d{{4}}(?:\s+{year})?)?(?![\w-])"
        rf"|(?<![\w-])\d{{4}}\s+{year}(?!\w)",
        re.I,
    )


_DATES = {lang: _date_rx(lang) for lang in ("uk", "ru")}

_UPPER = "A-ZА-ЯІЇЄҐЁ"
_LETTER = "A-Za-zА-Яа-яІіЇїЄєҐґЁё"
# A weapon designation: a capitalised stem and a hyphenated suffix that is a number or a
# short upper-case code (С-300, Су-34, Х-101, Т-90М, F-16, Бук-М1, Іскандер-М, IRIS-T,
# Ту-22М3), or Latin letters glued to digits (M777, CV90, KN-23). "Нью-Йорк" and
# "Ростов-на-Дону" do not fit: their suffix is a lower-case word.
_DESIGNATION = re.compile(
    rf"(?<![\w-])[{_UPPER}][{_LETTER}]{{0,9}}-(?:\d{{1,4}}[{_UPPER}]{{0,2}}\d?|[{_UPPER}]{{1,2}}\d{{0,2}})(?![\w-])"
    rf"|(?<![\w-])[A-Z]{{1,3}}\d{{2,4}}[A-Z]?\d?(?![\w-])"
)
# Latin model names followed by a variant number or word: "Leopard 2", "Bayraktar TB2", "Магура V5"
_MODEL_TAIL = re.compile(r"\s+(?:\d{1,2}[A-Z]?\d?|[A-Z]{1,3}\d{1,2})(?![\w-])")

# type words (lemmas) whose «quoted name» is a weapon, a facility or an organisation
_WEAPON_TYPES = frozenset(
    "ракета комплекс зрк ртк птрк рсзв рсзо система дрон безпілотник беспилотник бпла бпла апарат аппарат "
    "гаубиця гаубица сау танк корабель корабль крейсер катер фрегат човен лодка літак самолет самольот "
    "вертоліт вертолет винищувач истребитель бомбардувальник бомбардировщик рлс снаряд міномет миномет "
    "бомба авіабомба авиабомба ракетоносець ракетоносец есмінець эсминец установка зброя оружие "
    "бронемашина бмп бтр".split())
_FAC_TYPES = frozenset(
    "завод шахта аеропорт аэропорт гіпермаркет гипермаркет тц тец тэц комбінат комбинат нпз терминал "
    "термінал міст мост аеродром аэродром порт станція станция".split())
_ORG_TYPES = frozenset(
    "угруповання группировка група группа бригада батальйон батальон полк корпус дивізія дивизия підрозділ "
    "подразделение спецназ видання издание компанія компания агенція агентство телеканал газета "
    "організація организация рух движение партія партия фонд центр загін отряд".split())
# Cyrillic weapon names that stand alone, by lemma (the English lexicon holds Latin ones).
WEAPON_NAMES = frozenset(
    "калібр калибр кинджал кинжал іскандер искандер шахед ланцет сармат циркон онікс оникс смерч ураган "
    "солнцепек буратино герань орлан байрактар точка-у".split())
_PMC = re.compile(r"(?<![\w-])(?:ЧВК|ПВК|ПВТ|ЧВТ)\s*«[^«»\n]{1,40}»")
_QUOTED = re.compile(r"«([^«»\n]{1,40})»")
_WORD = re.compile(rf"[{_LETTER}0-9][{_LETTER}0-9'’ʼ-]*")


def dates(text: str, lang: str) -> list[Candidate]:
    """Calendar dates: "24 лютого 2022 року", "у березні", "2023 року", "мае".

    Args:
        text: the article text.
        lang: "uk" or "ru".

    Returns:
        DATE candidates.
    """
    return [(m.start(), m.end(), "DATE", None) for m in _DATES[lang].finditer(text)]


_MONEY = re.compile(
    r"(?:\$|€|₽|₴)\s?\d+(?:[.,]\d+)?(?:\s*(?:млрд|млн|тыс\.|тис\.|мільярд\w*|мільйон\w*|миллиард\w*|миллион\w*))?"
    r"|(?<![\w-])\d+(?:[.,]\d+)?\s*(?:(?:млрд|млн|тыс\.|тис\.|мільярд\w*|мільйон\w*|миллиард\w*|миллион\w*)\s*)?"
    r"(?:долларов|доларів|долара|доллара|рублей|рублів|рубля|евро|євро|гривен|гривень|гривні|гривны)(?!\w)",
    re.I,
)


def money(text: str) -> list[Candidate]:
    """Sums of money ("1,5 млрд долларов", "2,3 мільярда доларів", "$40 млн").

    Args:
        text: the article text.

    Returns:
        MONEY candidates.
    """
    return [(m.start(), m.end(), "MONEY", None) for m in _MONEY.finditer(text)]


def designations(text: str) -> list[Candidate]:
    """Weapon designations (see ``_DESIGNATION``), with a Latin model tail when one follows.

    Args:
        text: the article text.

    Returns:
        WEAPON candidates.
    """
    out = []
    for m in _DESIGNATION.finditer(text):
        out.append((m.start(), m.end(), "WEAPON", None))
    return out


def model_tail(text: str, end: int) -> int:
    """Where a weapon name ending at ``end`` really ends ("Leopard| 2" -> after "2").

    Args:
        text: the article text.
        end: end of the name found so far.

    Returns:
        The new end (``end`` when no tail follows).
    """
    m = _MODEL_TAIL.match(text, end)
    return m.end() if m else end


def _lemmas(word: str, lang: str) -> set[str]:
    low = word.lower()
    return {p.normal_form for p in parses(low, lang)} | {low}


def quoted_names(text: str, lang: str) -> list[Candidate]:
    """Names in «guillemets» typed by the words before them.

    ``ЧВК «Вагнер»`` is one ORG (guillemets inside); otherwise the name without its
    guillemets is a WEAPON after a weapon type word (``ракети «Нептун»``, ``РСЗО «Ольха»``,
    ``Морський дрон «Магура V5»``), a FAC after a facility word (``завод «Азовсталь»``),
    and an ORG after an organisation word or with no type word at all.

    Args:
        text: the article text.
        lang: "uk" or "ru" (for the lemmas of the type words).

    Returns:
        Candidates; the name's own base form is its canonical when it is a weapon.
    """
    out: list[Candidate] = []
    pmc_spans = []
    for m in _PMC.finditer(text):
        out.append((m.start(), m.end(), "ORG", None))
        pmc_spans.append((m.start(), m.end()))
    for m in _QUOTED.finditer(text):
        if any(a <= m.start() < b for a, b in pmc_spans):
            continue
        name = m.group(1).strip()
        if not name or not name[0].isupper():
            continue
        before = _WORD.findall(text[max(0, m.start() - 80):m.start()])[-4:]
        # with no type word, a designation or a known weapon name is still a weapon («Герань-2»)
        label = "WEAPON" if _DESIGNATION.fullmatch(name) or _lemmas(name.split()[0], lang) & WEAPON_NAMES else "ORG"
        for word in reversed(before):  # the nearest type word decides
            lem = _lemmas(word, lang)
            if lem & _WEAPON_TYPES:
                label = "WEAPON"
                break
            if lem & _FAC_TYPES:
                label = "FAC"
                break
            if lem & _ORG_TYPES:
                label = "ORG"
                break
        out.append((m.start(1), m.start(1) + len(m.group(1).rstrip()), label, None))
    return out


_NORP = {
    "uk": frozenset(
        "український російський білоруський американський британський польський турецький іранський китайський "
        "німецький французький балтійський північнокорейський японський данський ізраїльський угорський литовський "
        "латвійський естонський молдовський грузинський чеченський сирійський італійський канадський шведський "
        "фінський норвезький нідерландський румунський словацький чеський болгарський індійський "
        "росіянин українець американець білорус поляк британець іранець китаєць німець француз".split()),
    "ru": frozenset(
        "украинский российский белорусский американский британский польский турецкий иранский китайский "
        "немецкий французский балтийский северокорейский японский датский израильский венгерский литовский "
        "латвийский эстонский молдавский грузинский чеченский сирийский итальянский канадский шведский "
        "финский норвежский нидерландский румынский словацкий чешский болгарский индийский "
        "россиянин украинец американец белорус поляк британец иранец китаец немец француз".split()),
}


def nationality(word: str, lang: str) -> bool:
    """Whether a word is a nationality adjective or noun ("російські", "росіяни", "Украинские").

    Args:
        word: the word as written.
        lang: "uk" or "ru".

    Returns:
        True for a nationality word.
    """
    return bool(_lemmas(word, lang) & _NORP[lang])


def resolve_overlaps(cands: list[tuple[int, int, str, str, str | None]]) -> list[tuple[int, int, str, str, str | None]]:
    """A non-overlapping choice of candidate spans: rules first, then the longest, then the
    leftmost (a model may call "Искандер" a place; the typed rule knows better).

    Args:
        cands: (start, end, label, origin, canonical) spans; sorted in place.
    Returns:
        The chosen spans in text order.
    """
    cands.sort(key=lambda c: (c[3] != "rule", -(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for c in cands:
        if c[1] <= c[0] or any(a < c[1] and c[0] < b for a, b in taken):
            continue
        taken.append((c[0], c[1]))
        chosen.append(c)
    chosen.sort()
    return chosen
