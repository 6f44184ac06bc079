"""Romanisation by the published standards, and a cross-script key for entity names.

Ukrainian goes through Ukraine's national romanisation (Cabinet of Ministers resolution 55 of
27 January 2010: Київ -> Kyiv, Зеленський -> Zelenskyi, Згорани -> Zghorany, word-initial
Є Ї Й Ю Я -> Ye Yi Y Yu Ya), as the ``translitua`` package implements it (MIT; its
``UkrainianKMU`` table passes every example of the resolution, see tests/test_nlp_translit.py).
Russian and Belarusian go through BGN/PCGN (Russian 1947: Лукашенко -> Lukashenko, Киев ->
Kiyev; Belarusian 1979: Лукашэнка -> Lukashenka, Магілёў -> Mahilyow). No maintained PyPI
package implements BGN/PCGN for both (``iuliia`` has Russian only and leaves ё Cyrillic), so
the two small tables are written here from the standards.

``entity_key`` folds any spelling of a name, Latin or Cyrillic, to one key so that Kyiv, Kiev,
Київ and Киев, or Zelensky, Zelenskyy, Zelenskiy, Зеленський and Зеленский, are one entity: it
romanises Cyrillic by the standard of the name's language (Belarusian yakanye and tsekanne
undone first: Зяленскі, Віцебск), then folds the differences the standards and the press
spellings make (y/i/j, e beside i, kh/h/g, w/v, doubled consonants, ё as yo/e, -skyi/-sky, -aya/-a,
-tsia/-tsa, -ivka/-ovka, a final -iv/-ov/-ev, Belarusian -nka/-nko) and maps East Slavic given
names to one form (Volodymyr/Vladimir). Each fold is kept to where those spellings need it, so
that it keeps what tells people and places apart: a word's final vowel (Zelensky vs Zelenska,
Carla vs Carlo), other vowels (Helmand vs Helmond), consonants (Lukashenko vs Lukashevich),
Roman numerals and every word (Kyiv vs Kyivska oblast). A name in another language's own
form (Запорожье/Запоріжжя, Mogilev/Mahilyow, Ukraine/Україна) is another word, not a spelling:
``spelling_key`` leaves it apart, and ``entity_key`` then links it through a table compiled from
the gazetteers (``_slavic_exonyms``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import translitua

from ._slavic_exonyms import exonym_links

__all__ = ["preferred_name", "romanise", "romanise_uk", "romanise_ru", "romanise_be", "cyrillic_language",
           "script_language", "press_spellings", "entity_key", "spelling_key", "fold_latin"]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UK_ONLY = re.compile(r"[їєґЇЄҐ]")
_BE_ONLY = re.compile(r"[ўЎ]|[сцСЦ][кК][іІ]\b")  # ў; -скі/-цкі (Ukrainian writes -ський/-ські)
_RU_BE = re.compile(r"[ыэёъЫЭЁЪ]")
_I = re.compile(r"[іІ]")
_RU_ONLY = re.compile(r"[ъЪ]")
_BE_SK = re.compile(r"[сцСЦ][кК]\b")  # -ск/-цк with і: Віцебск, Мінск (Ukrainian writes -ськ/-цьк: Вітебськ)

_RU_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_RU_SOFTENERS = frozenset("йъьЙЪЬ")
# BGN/PCGN 1947 for Russian, letter by letter; е and ё depend on what precedes them.
_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "\u201d", "ы": "y", "ь": "\u2019", "э": "e",
    "ю": "yu", "я": "ya",
}
# BGN/PCGN 1979 for Belarusian: е ё ю я are ye yo yu ya everywhere; г is h, ў is w.
_BE = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "zh", "з": "z",
    "і": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "w", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "ы": "y",
    "ь": "\u2019", "э": "e", "ю": "yu", "я": "ya", "'": "\u201d", "\u2019": "\u201d",
}


def cyrillic_language(text: str) -> str | None:
    """Guess which East Slavic language a Cyrillic name is written in, from its letters.

    Args:
        text: a name.

    Returns:
        "be" (ў, -скі, or і beside ы/э/ё or a final -ск/-цк), "uk" (ї є ґ, or і), "ru" (other Cyrillic), or None when
        ``text`` has no Cyrillic letter.
    """
    if not _CYRILLIC.search(text):
        return None
    if _BE_ONLY.search(text) or (_I.search(text) and (_RU_BE.search(text) or _BE_SK.search(text))):
        return "be"
    if _UK_ONLY.search(text) or _I.search(text):
        return "uk"
    return "ru"


def script_language(text: str, fallback: str | None = None) -> str:
    """The language an alias is shown under in the entity table.

    Args:
        text: a surface form.
        fallback: the article's language, used when the letters do not tell (Путин is
            Russian and Ukrainian alike).

    Returns:
        "uk", "ru" or "be" for Cyrillic (letters first, then ``fallback`` when it is one of
        them), else ``fallback`` or "en".
    """
    lang = cyrillic_language(text)
    if lang is None:
        return fallback or "en"
    if lang == "ru" and fallback in ("uk", "be", "ru") and not _RU_BE.search(text):
        return fallback   # letters shared by the three languages: trust the article
    if fallback == "be" and ((lang == "ru" and not _RU_ONLY.search(text)) or (lang == "uk" and not _UK_ONLY.search(text))):
        return fallback   # ы э ё and і are Belarusian too (Лукашэнка, Мінску in a Belarusian article); ъ, ї є ґ are not
    return lang


def _cased(out: str, src: str) -> str:
    """``out`` capitalised like the Cyrillic letter ``src`` (Щ -> Shch, ЩУКА stays upper per letter)."""
    return out[:1].upper() + out[1:] if src.isupper() and out else out


def romanise_ru(text: str) -> str:
    """Russian by BGN/PCGN (1947): Лукашенко -> Lukashenko, Киев -> Kiyev, Ельцин -> Yel’tsin.

    Args:
        text: Russian text.

    Returns:
        Its romanisation; characters that are not Russian letters pass through.
    """
    out: list[str] = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in ("е", "ё"):
            base = "e" if low == "е" else "ë"
            # ye / yë word-initially, after a vowel, й, ъ or ь
            soft = not prev or not prev.isalpha() or prev in _RU_VOWELS or prev in _RU_SOFTENERS
            rom = "y" + base if soft else base
        else:
            rom = _RU.get(low)
            if rom is None:
                out.append(ch)
                prev = ch
                continue
        out.append(_cased(rom, ch))
        prev = ch
    return "".join(out)


def romanise_be(text: str) -> str:
    """Belarusian by BGN/PCGN (1979): Лукашэнка -> Lukashenka, Магілёў -> Mahilyow, Віцебск -> Vitsyebsk.

    Args:
        text: Belarusian text.

    Returns:
        Its romanisation; characters that are not Belarusian letters pass through.
    """
    out: list[str] = []
    for ch in text:
        rom = _BE.get(ch.lower())
        out.append(ch if rom is None else _cased(rom, ch))
    return "".join(out)


def romanise_uk(text: str) -> str:
    """Ukrainian by the national system (KMU resolution 55, 2010): Київ -> Kyiv, Згорани -> Zghorany.

    Args:
        text: Ukrainian text.

    Returns:
        Its romanisation (``translitua.UkrainianKMU``).
    """
    return translitua.translit(text, translitua.UkrainianKMU)


def romanise(text: str, language: str | None = None) -> str:
    """Romanise a Cyrillic name by its language's standard (Latin text is returned as it is).

    Args:
        text: a name or text.
        language: "uk", "ru" or "be"; default: guessed from the letters (``cyrillic_language``).

    Returns:
        The romanised text.
    """
    lang = language or cyrillic_language(text)
    if lang == "uk":
        return romanise_uk(text)
    if lang == "be":
        return romanise_be(text)
    if lang == "ru":
        return romanise_ru(text)
    return text


def press_spellings(romanised: str) -> list[str]:
    """Common press spellings of a standard romanisation (Zelenskyi -> Zelensky, Zelenskyy, Zelenskiy).

    Args:
        romanised: a name in the national (KMU) or BGN/PCGN romanisation.

    Returns:
        The spellings wire services and newspapers use for it, the input first.
    """
    out = [romanised]
    words = romanised.split(" ")
    last = words[-1]
    for pattern, forms in ((r"(?i)(sk|ts)(yi|iy|yy|y|ii|ij)$", ("y", "yy", "iy", "yi", "ii")),
                           (r"(?i)([^aeiou])(ii)$", ("iy", "y")), (r"(?i)([^aeiouy])(yi)$", ("iy", "y"))):
        match = re.search(pattern, last)
        if match:
            stem = last[:match.start(2)]
            out += [" ".join([*words[:-1], stem + f]) for f in forms]
            break
    seen: list[str] = []
    for form in out:
        if form not in seen:
            seen.append(form)
    return seen


# East Slavic given names whose Ukrainian, Belarusian and Russian forms differ beyond spelling;
# every form of a row folds to the row's last (Russian) form.
_GIVEN = [
    ("Volodymyr", "Uladzimir", "Vladimir"), ("Mykola", "Mikalai", "Nikolay"), ("Dmytro", "Dzmitry", "Dmitriy"),
    ("Mykhailo", "Mikhail"), ("Petro", "Piotr", "Pyotr"), ("Yevhen", "Yauhen", "Yevgeniy"), ("Pavlo", "Paval", "Pavel"),
    ("Olena", "Elena", "Yelena"), ("Olha", "Volha", "Olga"), ("Kateryna", "Katsiaryna", "Yekaterina"),
    ("Hanna", "Ganna", "Anna"), ("Fedir", "Fiodar", "Fyodor"), ("Illia", "Ilya"), ("Kyrylo", "Kiryl", "Kirill"),
    ("Vasyl", "Vasil", "Vasiliy"), ("Mykyta", "Mikita", "Nikita"), ("Ihor", "Ihar", "Igor"), ("Oleh", "Aleh", "Oleg"),
    ("Serhii", "Siarhei", "Sergey"), ("Liudmyla", "Liudmila", "Lyudmila"), ("Tetiana", "Tatsiana", "Tatyana"),
    ("Nataliia", "Natallia", "Natalya"), ("Halyna", "Galina"), ("Kostiantyn", "Kanstantsin", "Konstantin"),
    ("Hennadii", "Henadz", "Gennadiy"), ("Yulia", "Yuliya"), ("Yakiv", "Yakau", "Yakov"),
    ("Semen", "Siamion", "Semyon"), ("Danylo", "Daniil"), ("Oleksandr", "Aliaksandr", "Alexander", "Aleksandr"),
    ("Oleksii", "Aliaksei", "Aleksey"), ("Sviatlana", "Svitlana", "Svetlana"), ("Andrii", "Andrei", "Andrey"),
    ("Yurii", "Yury", "Yuriy"), ("Viktor", "Viktar", "Viktor"), ("Anatolii", "Anatol", "Anatoliy"),
    ("Valerii", "Valery", "Valeriy"), ("Raman", "Roman"), ("Maksym", "Maksim"),
]

_TSEKANNE = ((re.compile(r"ц(?=[ьіеёюяЬІЕЁЮЯ])"), "т"), (re.compile(r"Ц(?=[ьіеёюяЬІЕЁЮЯ])"), "Т"),
             (re.compile(r"дз(?=[ьіеёюяЬІЕЁЮЯ])"), "д"), (re.compile(r"Дз(?=[ьіеёюяЬІЕЁЮЯ])"), "Д"))
_YAKANYE = re.compile(r"(?<=[бвгґдзклмнпрстфхцчшжБВГҐДЗКЛМНПРСТФХЦЧШЖ])я(?=[^\W\d_]*[аеёіоуыэюяАЕЁІОУЫЭЮЯ])")
_DIGRAPHS = (("shch", "Q"), ("szcz", "Q"), ("tsch", "C"), ("sch", "S"), ("zh", "Z"), ("kh", "X"),
             ("ch", "C"), ("sh", "S"), ("sz", "S"), ("cz", "C"), ("ck", "k"), ("x", "ks"), ("ph", "f"))
_NOT_WORD = re.compile(r"[^0-9a-zA-Z ]+")


def fold_latin(text: str) -> str:
    """Fold a Latin-script name to the key's alphabet (see the module docstring).

    Args:
        text: a Latin-script name (Cyrillic is romanised first by ``entity_key``).

    Returns:
        Its folded words, space-separated.
    """
    plain = unicodedata.normalize("NFKD", text.replace("ŭ", "w").replace("Ŭ", "W"))  # Belarusian Latin ў
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = plain.replace("-", " ")
    plain = _NOT_WORD.sub("", plain)   # apostrophes and soft signs (’ ”) go
    words = [w.lower() if _ROMAN.match(w) else _fold_word(w.lower()) for w in plain.split()]
    return " ".join(w for w in words if w)


_YO = re.compile(r"(?<=[^aeiouy])[yj]o")          # ё after a consonant: Pyotr/Petr, Mogilyov/Mogilev
_YE_START = re.compile(r"^[yij]e")                  # Yermak/Ermak, Yelena/Elena
_MID_H = re.compile(r"(?<=[^n])h")                  # Ukrainian г: Luhansk/Lugansk, Serhii/Sergei (not pinyin nh)
_HARD_C = re.compile(r"c(?![eiy])")                 # Roscosmos/Roskosmos; a soft c stays (Caen is not Kayin)
_E_BY_I = re.compile(r"e(?=i)|(?<=i)e")             # Kiev/Kyiv, Sergei/Serhii, Andrei/Andrii (not Menden/Minden)
_U_AS_V = re.compile(r"(?<=[aiou])u(?=[^aiou]|$)")  # Belarusian ў written u after a vowel (Tsikhanouskaya)
_REPEATS = re.compile(r"([^aeou])\1+")              # doubled consonants and i (Odessa/Odesa); not Shaanxi/Shanxi
_IKAVISM = re.compile(r"(?<=[^aiou])[eio]v$")       # Ukrainian ikavism: Kyiv/Kiev, Lviv/Lvov, Medvediev/Medvedev
_AKANYE_END = re.compile(r"(?<=nk|dn|Cn)o$")        # Lukashenka/Lukashenko, Hrodna/Grodno (not Carla/Carlo)
_AYA = re.compile(r"(?<=[^aiou])aia$")              # -aya (ru) = -a (uk): Zelenskaya/Zelenska, Verkhovnaya/-na
_IVKA = re.compile(r"(?<=[^aiou])[io]vka$")         # -ivka (uk) = -ovka (ru): Horlivka/Gorlovka
_TSIA = re.compile(r"(?<=ts)ia$")                   # -ця (uk) = -ца (ru): Vinnytsia/Vinnitsa
_SOFT_T = re.compile(r"ts(?=i)")                    # Belarusian ці: Tsikhanouskaya/Tikhanovskaya
_SOFT_E = re.compile(r"(?<=[^aeiouy])[yi]e")        # е/є after a consonant: Vitsyebsk/Vitebsk, Pieskov/Peskov
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")  # Teremky-I is not Teremky-II (LVIV is a city)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """One word of ``fold_latin``.

    Each fold is kept to where the East Slavic spellings need it, so that distinct names
    elsewhere stay apart (Hill/Gill, Jan/Ian, Carla/Carlo, Shaanxi/Shanxi, Helmand/Helmond).
    """
    if word.isdigit():
        return word
    # Ukrainian г at the start of a longer word or before a consonant: Horlivka/Gorlovka, Hrodna/Grodno
    initial_h = word.startswith("h") and (len(word) >= 6 or word[1:2] not in ("a", "e", "i", "o", "u", "y", ""))
    word = _YO.sub("e", _SOFT_E.sub("e", word))
    for spelled, sound in _DIGRAPHS:
        if spelled in word:
            word = word.replace(spelled, sound)
    if initial_h:
        word = "g" + word[1:]
    word = word[:1] + _MID_H.sub("g", word[1:]).replace("j", "i")
    word = _HARD_C.sub("k", word.replace("w", "v")).replace("Q", "q")
    word = _YE_START.sub("e", word).replace("y", "i")
    word = _E_BY_I.sub("i", word)
    word = _U_AS_V.sub("v", word)
    word = _REPEATS.sub(r"\1", word)
    word = _AKANYE_END.sub("a", word)
    word = _IKAVISM.sub("av", word)
    if len(word) >= 6:
        word = _AYA.sub("a", word)
    word = _IVKA.sub("avka", word)
    word = _TSIA.sub("a", word)
    return _SOFT_T.sub("t", word)


@lru_cache(maxsize=1)
def _given() -> dict[str, str]:
    """Folded given name -> the folded form its row maps to."""
    return {fold_latin(form): fold_latin(row[-1]) for row in _GIVEN for form in row}


@lru_cache(maxsize=262144)
def entity_key(name: str) -> str:
    """The cross-script key of an entity name: equal keys name one entity in any of en/ru/uk/be.

    The name's spelling key (``spelling_key``), then, when the gazetteers know that word as
    another language's name of a place (Запорожье, Україна, Масква), the key of the place's
    English name (``_slavic_exonyms``; built by scripts/build_exonyms.py).

    Args:
        name: a canonical name, in Latin or Cyrillic script.

    Returns:
        The folded key (lower-case ASCII words; empty for an empty name).
    """
    key = spelling_key(name)
    return exonym_links().get(key, key)


def spelling_key(name: str) -> str:
    """The key of a name's spelling alone: transliteration and press-spelling folds, no exonyms.

    Args:
        name: a name, in Latin or Cyrillic script.

    Returns:
        The folded key (lower-case ASCII words; empty for an empty name).
    """
    lang = cyrillic_language(name)
    if lang == "be":  # yakanye: Belarusian я before the stress where Russian and Ukrainian write е (Зяленскі)
        name = _YAKANYE.sub("е", name)
        for soft, hard in _TSEKANNE:   # tsekanne, dzekanne: Віцебск is Витебск, Маладзечна Молодечна
            name = soft.sub(hard, name)
    latin = romanise(name, lang)
    words = fold_latin(latin).split()
    given = _given()
    return " ".join(given.get(w, w) for w in words)


def preferred_name(counts: Mapping[str, int]) -> str:
    """The name an entity is shown by: its most mentioned Latin-script name, else its most
    mentioned name (ties: alphabetical).

    Args:
        counts: name -> mentions, non-empty.

    Returns:
        One of the names.
    """
    return min(counts, key=lambda name: (cyrillic_language(name) is not None, -counts[name], name))
