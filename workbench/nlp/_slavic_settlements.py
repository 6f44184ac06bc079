"""Small places found by context: a settlement word before a capitalised name.

No licence-clean list of Russia's or Belarus's villages exists, so a name after a settlement
word ("в селе Малиновке", "у селі Тернуватому", "жителей деревни Кривая Балка", "у вёсцы
Ліпнішкі", "с. Ивановка", "смт Козова") is read as a place, as weak evidence (like a village
in the gazetteer): the gazetteer's own entry wins where it knows the name.

The name is one capitalised word, or two when the second is capitalised too and the pair
agrees in case (an adjective and its noun, "Кривой Балке"); it never takes a lower-case word,
so a verb after it ("в посёлке Шевченко заявили") stays out. After a plural settlement word
("в деревнях Горки и Ивановка") each coordinated name is its own place.

Base form: the settlement word's case (from pymorphy3; Belarusian from a table) is the case
the name stands in when it is declined; a name with a parse in that case is inflected back
to the nominative (its own number; an adjective in the settlement word's gender, "в посёлке
Покровском" -> Покровский, "в селе Покровском" -> Покровское), else it was written in the
nominative and stays as written. Belarusian names go back by the gazetteer's suffix rules
(``_be_forms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._be_forms import be_base
from ._morph import analyser, copy_case, parses
from ._slavic_doc import Token, tokenize
from ._slavic_places import Places, norm_apostrophe
from ._slavic_words import PLACE_NAMED

__all__ = ["Cue", "base_form", "cue_forms", "settlement_names"]

_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})
_ALL = frozenset(_CASES)

# settlement lemmas and their gender (an adjectival name agrees with it: село Покровское)
_LEMMAS = {
    "ru": {"село": "neut", "деревня": "femn", "посёлок": "masc", "хутор": "masc", "станица": "femn",
           "аул": "masc", "слобода": "femn", "город": "masc", "райцентр": "masc", "пгт": None},
    "uk": {"село": "neut", "селище": "neut", "хутір": "masc", "місто": "neut", "містечко": "neut",
           "смт": None, "райцентр": "masc"},
}
_TOWNS = frozenset({"город", "місто", "містечко", "райцентр"})
# Belarusian has no pymorphy3 dictionary: the forms of вёска, пасёлак, аграгарадок, горад, хутар
_BE = {
    "вёска": ("femn", {"вёска": "nomn", "вёскі": "gent nomn", "вёсцы": "loct datv", "вёску": "accs",
                       "вёскай": "ablt", "вёскамі": "ablt", "вёсак": "gent", "вёскам": "datv", "вёсках": "loct"}),
    "пасёлак": ("masc", {"пасёлак": "nomn accs", "пасёлка": "gent", "пасёлку": "loct datv", "пасёлкам": "ablt",
                         "пасёлкі": "nomn", "пасёлках": "loct", "пасёлкаў": "gent"}),
    "аграгарадок": ("masc", {"аграгарадок": "nomn accs", "аграгарадка": "gent", "аграгарадку": "loct datv",
                             "аграгарадкам": "ablt", "аграгарадкі": "nomn", "аграгарадках": "loct"}),
    "горад": ("masc", {"горад": "nomn accs", "горада": "gent", "гораду": "datv", "горадам": "ablt",
                       "горадзе": "loct"}),
    "хутар": ("masc", {"хутар": "nomn accs", "хутара": "gent", "хутару": "datv", "хутарам": "ablt",
                       "хутары": "loct nomn", "хутарах": "loct"}),
}
_BE_PLURAL = frozenset("вёскі вёсак вёскам вёсках вёскамі пасёлкі пасёлках пасёлкаў аграгарадкі аграгарадках "
                       "хутары хутарах".split())
# abbreviations (followed by a full stop, except the acronyms): any case, mostly the nominative
_ABBREV = {
    "ru": {"с": "neut", "д": "femn", "пос": "masc", "п": "masc", "х": "masc", "ст-ца": "femn", "г": "masc",
           "пгт": None},
    "uk": {"с": "neut", "смт": None, "м": "neut", "сел": "neut"},
    "be": {"в": "femn", "п": "masc", "аг": "masc", "г": "masc"},
}
_NO_DOT = frozenset({"пгт", "смт", "ст-ца"})
_COORD = frozenset({",", "и", "і", "й", "та", "ды", "а"})
_BREAK = frozenset({"VERB", "INFN", "GRND", "PRTF", "PRTS", "CONJ", "PREP", "PRCL", "ADVB", "NPRO", "PRED"})
_PERSON = frozenset({"Name", "Patr"})


@dataclass(frozen=True)
class Cue:
    """A settlement word's reading.

    Attributes:
        cases: the cases it can stand in (all six for an abbreviation).
        gender: the settlement noun's gender ("neut" for село), None when it has none.
        plural: a plural form ("в деревнях"): coordinated names are places too.
        town: a word for a town (город, місто, горад), often followed by an official's name.
        plural_only: the cases this form stands in only as a plural ("села": the nominative and
            accusative plural, besides the genitive singular): a singular name cannot agree there.
        verb_too: the form is also a verb ("села": she sat), often before a person in the dative.
    """

    cases: frozenset[str]
    gender: str | None
    plural: bool
    town: bool = False
    plural_only: frozenset[str] = frozenset()
    verb_too: bool = False


@lru_cache(maxsize=4)
def cue_forms(lang: str) -> dict[str, Cue]:
    """Every form of the settlement words of ``lang`` (lower case, е for ё).

    Args:
        lang: "ru", "uk" or "be".

    Returns:
        form -> Cue.
    """
    out: dict[str, Cue] = {}
    if lang == "be":
        for _, (gender, forms) in _BE.items():
            for form, case in forms.items():
                out[norm_apostrophe(form)] = Cue(frozenset(case.split()), gender, form in _BE_PLURAL, form.startswith("горад"))
        return out
    acc: dict[str, tuple[set[str], set[str], str | None, bool, bool]] = {}
    for lemma, gender in _LEMMAS[lang].items():
        for p in analyser(lang).parse(lemma):
            if p.normal_form != lemma.replace("ё", "е") and p.normal_form != lemma:
                continue
            for f in p.lexeme:
                key = norm_apostrophe(f.word)
                cases, singular, g, plural, town = acc.setdefault(key, (set(), set(), gender, False, lemma in _TOWNS))
                in_plural = "plur" in f.tag.grammemes and "Fixd" not in f.tag.grammemes
                cases.update(f.tag.grammemes & _CASES)
                if not in_plural:
                    singular.update(f.tag.grammemes & _CASES)
                acc[key] = (cases, singular, g, plural or in_plural, town)
    for form, (cases, singular, gender, plural, town) in acc.items():
        verb_too = any(p.tag.POS == "VERB" for p in analyser(lang).parse(form))
        out[form] = Cue(frozenset(cases), gender, plural, town, frozenset(cases - singular), verb_too)
    return out


def _cue_at(toks: list[Token], i: int, lang: str) -> tuple[Cue, int] | None:
    """The settlement word at token ``i`` and the index of the name's first token, or None."""
    t = toks[i]
    forms = cue_forms(lang)
    low = t.low
    if low in ("центр", "центра", "центру", "центром", "центре", "центрі") and i > 0 \
            and toks[i - 1].low.startswith("район"):   # "районного центра Х", "районному центрі Х"
        c = Cue(frozenset(p for q in parses(low, lang if lang != "be" else "ru") for p in q.tag.grammemes & _CASES),
                "masc", False, True)
        return c, i + 1
    if low in forms:
        return forms[low], i + 1
    abbrev = _ABBREV.get(lang, {})
    if low in abbrev and not t.cap and not _after_number_or_etc(toks, i):
        if low in _NO_DOT:
            return Cue(_ALL, abbrev[low], False), i + 1
        if i + 1 < len(toks) and toks[i + 1].text == ".":
            return Cue(_ALL, abbrev[low], False), i + 2
    return None


def _after_number_or_etc(toks: list[Token], i: int) -> bool:
    """"2024 г." is a year and "и т. д." / "и т. п." are "and so on", not a town or a village."""
    if i > 0 and toks[i - 1].text[0].isdigit():
        return True
    return i > 1 and toks[i - 1].text == "." and toks[i - 2].low in ("т", "тощо")


def _name_word(t: Token) -> bool:
    """A capitalised Cyrillic word that is no acronym."""
    return t.cap and t.word and not t.latin and not t.acronym and t.text[0].isalpha()


def _in_case(word: str, case: str, lang: str) -> list[Any]:
    return [p for p in parses(word.lower(), lang) if case in p.tag.grammemes and p.tag.POS in ("NOUN", "ADJF")]


def _extend(toks: list[Token], text: str, k: int, lang: str, n: int, places: Places) -> int:
    """Where a name starting at token ``k`` ends (exclusive): one word, or two that agree or
    that the gazetteer knows together ("Зелений Гай": Гай is only a surname to the dictionary)."""
    if k + 1 >= n or not _name_word(toks[k + 1]) or text[toks[k].end:toks[k + 1].start] != " ":
        return k + 1
    if places.lookup([toks[k].text, toks[k + 1].text]) is not None:
        return k + 2
    if lang == "be":
        return k + 2 if _be_pair(toks, k, n) else k + 1
    first, second = toks[k].low, toks[k + 1].low
    pos2 = {p.tag.POS for p in parses(second, lang)} | {g for p in parses(second, lang) for g in p.tag.grammemes & _PERSON}
    if pos2 & _PERSON or (pos2 & _BREAK and not pos2 & {"NOUN", "ADJF"}):
        return k + 1   # "в селе Ивановка Сергей ...", a capitalised verb
    adj1 = [p for p in parses(first, lang) if p.tag.POS == "ADJF"]
    for p in adj1:   # an adjective agreeing with the next word: "Кривой Балке", "Великій Новосілці"
        case = p.tag.case
        if any(q.tag.number == p.tag.number and (p.tag.number == "plur" or q.tag.gender == p.tag.gender
                                                 or q.tag.gender is None)
               for q in _in_case(second, case, lang)):
            return k + 2
    return k + 1


# Belarusian has no dictionary: an adjective and its noun are told by their endings, which agree
# (Старая Вёска, Старое Сяло, Малыя Гаркі, Новы Двор; in the locative Старой Вёсцы, Малых Гарках).
_BE_AGREE = (
    (("ая", "яя"), ("а", "я", "ь")),
    (("ае", "ое", "яе"), ("а", "о", "е", "ё", "я")),
    (("ыя", "ія"), ("ы", "і")),
    (("ай", "ой", "яй"), ("е", "ы", "і", "цы")),
    (("ым", "ім"), ("е", "ы", "і", "у")),
    (("ых", "іх"), ("ах", "ях")),
)
_BE_CONSONANT_END = tuple("бвгджзйклмнпрстфхцчшў") + ("ь",)


def _be_pair(toks: list[Token], k: int, n: int) -> bool:
    """Whether two capitalised Belarusian words are one name: an adjective agreeing with its noun.
    A first word in -ы/-і is a masculine adjective (Новы Двор) only before a noun ending in a
    consonant with no third capitalised word (Гаркі | Аляксандр Лукашэнка is a place, then a person)."""
    first, second = toks[k].low, toks[k + 1].low
    for adj, noun in _BE_AGREE:
        if first.endswith(adj):
            return second.endswith(noun)
    if first.endswith(("ы", "і")) and second.endswith(_BE_CONSONANT_END):
        return not (k + 2 < n and _name_word(toks[k + 2]))
    return False


def _person_ahead(toks: list[Token], k: int, n: int, lang: str, cue: Cue) -> bool:
    """Whether the name after the settlement word is a person's: a first name before another
    capitalised word ("мер міста Олександр Вілкул"), or, after a word for a town (город, місто:
    "глава города Собянин") or one that is also a verb ("села Марії": she sat), any word the
    dictionary knows only as a person's name."""
    if lang == "be":
        return False
    marks = {g for p in parses(toks[k].low, lang) for g in p.tag.grammemes & {"Name", "Surn", "Patr", "Geox"}}
    if toks[k].low in PLACE_NAMED:   # Володимир: a town to the Ukrainian dictionary, a first name first
        marks.add("Name")
    if "Name" in marks and k + 1 < n and _name_word(toks[k + 1]):
        return True
    return (cue.town or cue.verb_too) and bool(marks & {"Name", "Surn", "Patr"}) and "Geox" not in marks


def _rank(p: Any, gender: str | None) -> tuple[int, float]:
    """Order parses of a name word: an adjective in the settlement's gender, a place noun, a noun."""
    tag = p.tag
    if tag.POS == "ADJF":
        return (0 if gender and tag.gender == gender else 3, -p.score)
    if "Geox" in tag.grammemes:
        return (1, -p.score)
    return (2 if "anim" not in tag.grammemes else 4, -p.score)


def base_form(words: list[str], cue: Cue, lang: str) -> str | None:
    """The nominative of a name standing after a settlement word.

    Args:
        words: the name's words as written (one or two).
        cue: the settlement word's reading.
        lang: "ru", "uk" or "be".

    Returns:
        The name in the nominative (as written when it already is, or when the dictionary reads
        it as no noun or adjective at all), or None when it reads it as a noun or adjective in
        no case a name there takes: neither the nominative nor the settlement word's own case
        and number ("села Ивану": the verb "села" and a dative).
    """
    if lang == "be":   # the suffix rules decline nouns: the last word goes back, an adjective before it stays
        return " ".join(words[:-1] + [be_base(words[-1], "nomn" not in cue.cases)])
    oblique = [c for c in ("loct", "gent", "datv", "ablt", "accs") if c in cue.cases]
    # the name stands in the settlement word's case, or in the nominative (undeclined)
    first = [] if "nomn" in cue.cases and len(cue.cases) == 6 else oblique   # an abbreviation: nominative first
    order = [(c, True) for c in first] + [("nomn", True)] + [(c, False) for c in oblique]
    for case, strict in order:
        chosen = []
        for k, w in enumerate(words):
            cands = _in_case(w, case, lang)
            if case != "nomn" and case in cue.plural_only:   # "села Петрову": no singular agrees there
                cands = [p for p in cands if p.tag.number == "plur" or "Pltm" in p.tag.grammemes]
            if k < len(words) - 1:
                cands = [p for p in cands if p.tag.POS == "ADJF"] or cands
            elif case != "nomn" and strict and cue.gender:
                # an adjective name agrees with the settlement word: "хутора Лозовой" is хутор
                # Лозовой in the nominative, not the genitive of a feminine Лозовая
                cands = [p for p in cands if p.tag.POS != "ADJF" or p.tag.gender in (cue.gender, None)
                         or p.tag.number == "plur"]
            if not cands:
                break
            chosen.append(sorted(cands, key=lambda p: _rank(p, cue.gender))[0])
        else:
            if case == "nomn":
                return " ".join(words)
            return " ".join(_inflect(w, p, chosen[-1], cue.gender) for w, p in zip(words, chosen))
    # no case fits: a word the dictionary knows only as something else (Лыково: a short
    # adjective) was written in the nominative; a noun in another case is no name here
    if any(p.tag.POS in ("NOUN", "ADJF") for w in words for p in parses(w.lower(), lang)):
        return None
    return " ".join(words)


def _inflect(word: str, p: Any, head: Any, gender: str | None) -> str:
    """One word of a name to the nominative: its own number, an adjective in its noun's gender."""
    tag = p.tag
    plural = "plur" in tag.grammemes
    want = {"nomn", "plur"} if plural else {"nomn", "sing"}
    if tag.POS == "ADJF" and not plural:
        g = head.tag.gender if head is not p and head.tag.gender else (tag.gender or gender)
        if g:
            want.add(g)
    f = p.inflect(want) or p.inflect({"nomn"})
    return copy_case(word, f.word if f is not None else p.normal_form)


def _known(words: list[str], base: str | None, cue: Cue, lang: str, places: Places) -> tuple[str, str] | None:
    """The gazetteer's entry for a name after a settlement word: the entry of its base form
    (``base_form``'s answer), or of the name as written unless the morphology reads it only as
    another case of that entry ("в посёлке Покровском" is not the town Покровск: "Покровском"
    is its instrumental)."""
    hit = places.lookup(base.split()) if base is not None else None
    if hit is not None and base is not None and norm_apostrophe(hit[1].lower()) == norm_apostrophe(base.lower()):
        return hit
    hit = places.lookup(words)
    if hit is None or lang == "be":
        return hit
    allowed = cue.cases | {"nomn"}
    nominative = norm_apostrophe(hit[1].lower())
    same = [p for p in parses(words[-1].lower(), lang)
            if norm_apostrophe(p.normal_form) == norm_apostrophe(nominative.split()[-1])]
    if same and not any(p.tag.case in allowed for p in same):
        return None
    return hit


def settlement_names(text: str, lang: str, places: Places,
                     toks: list[Token] | None = None) -> list[tuple[int, int, str, str]]:
    """Places named after a settlement word.

    Args:
        text: the article text.
        lang: "ru", "uk" or "be" (whose settlement words; the morphology is that language's,
            Belarusian's base forms come from suffix rules).
        places: the gazetteer: a name it knows takes its label and nominative.
        toks: the text's tokens when the caller has them (``tokenize(text)`` otherwise).

    Returns:
        (start, end, label, nominative) per name, in text order.
    """
    toks = tokenize(text) if toks is None else toks
    n = len(toks)
    out: list[tuple[int, int, str, str]] = []
    i = 0
    while i < n:
        found = _cue_at(toks, i, lang) if toks[i].word else None
        if found is None or found[1] >= n or not _name_word(toks[found[1]]):
            i += 1
            continue
        cue, k = found
        if _person_ahead(toks, k, n, lang, cue):
            i = k
            continue
        while True:
            end = _extend(toks, text, k, lang, n, places)
            words = [t.text for t in toks[k:end]]
            base = base_form(words, cue, lang)
            known = _known(words, base, cue, lang, places)
            if known is None and base is None:   # in no case a name there takes: "села" was the verb
                break
            label, name = known or ("GPE", base)
            out.append((toks[k].start, toks[end - 1].end, label, name))
            # after a plural settlement word, "Х и У", "Х, У и Z" are places too
            if cue.plural and end + 1 < n and toks[end].low in _COORD and _name_word(toks[end + 1]):
                k = end + 1
                continue
            break
        i = end
    return out
