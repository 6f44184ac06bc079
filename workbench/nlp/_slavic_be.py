"""Belarusian entities: the Ukrainian rule path with a Belarusian gazetteer.

Belarusian has no pymorphy3 dictionary and natasha's models are Russian-only. Of the two paths
the workbench has, the Ukrainian rule path (``_ukrainian.extract_slavic``) suits it better:
its cuts come from part-of-speech classes (verbs, conjunctions, prepositions), and Belarusian's
function words and verb endings are closer to Ukrainian's than to Russian's (і, у/ў, з, да,
ад; і rather than и throughout), so pymorphy3's Ukrainian dictionary, with its guesser for
unknown words, still finds where a name ends; natasha, tried on the same Belarusian text, ran
names together ("Святлана Ціханоўская з Вільні" one PERSON, "Гродне і Магілёве" one PERSON).
Places come from ``data/slavic/places_be.tsv.gz`` instead of the KATOTTG one (Belarusian
spellings from CLDR, iso-codes and GeoNames, declined by suffix rules, see
scripts/build_slavic_places.py), so "у Мінску" is GPE Мінск. Keys are made by
``entity_key``, which romanises Belarusian by BGN/PCGN (1979) and links exonyms, so Лукашэнка,
Мінск and Беларусь fold with Lukashenko, Minsk and Belarus. A person's base form is pymorphy3's
Ukrainian guess (Лукашэнку -> Лукашэнко); the key folds -ка/-ко, so the entity is the same.
"""

from __future__ import annotations

import re

from ._canon import canonicalise
from ._lexicon import Lexicon
from ._morph import nominative, parses
from ._slavic_places import load_places
from ._ukrainian import extract_slavic

__all__ = ["extract_belarusian"]

# Titles before a name ("Прэм'ер-міністр Раман Галоўчанка"): not part of the person's span.
_ROLES = frozenset(
    "прэзідэнт прэм'ер-міністр прэм’ер-міністр міністр старшыня кіраўнік кіраўніца дэпутат пасол "
    "генерал палкоўнік мэр губернатар амбасадар спікер сакратар дырэктар лідар апазіцыянерка апазіцыянер".split())
# Belarusian function words the Ukrainian dictionary does not know (its guesser reads a
# capitalised one at a sentence start as a name: "Паводле прэс-службы" is not an ORG).
_FUNCTION = frozenset(
    "паводле пасля дзякуючы нягледзячы акрамя апроч паміж праз каля ля перад пад над пры дзеля "
    "але калі таму гэта гэты гэтая гэтыя яго яе іх таксама яшчэ ўжо толькі нават дзе куды адкуль "
    "цяпер учора сёння заўтра тады зараз аднак што хто які якая якое якія увечары ўвечары уранку ўранку "
    "уначы ўначы удзень ўдзень зноў потым затым раней пазней".split())


_RESPELL = (("э", "е"), ("ы", "и"), ("ў", "в"), ("ё", "ьо"))
_ENDINGS = (("ыя", "ія"), ("ская", "ська"), ("цкая", "цька"), ("скі", "ський"), ("цкі", "цький"), ("скага", "ського"),
            ("скай", "ської"))
_TSEKANNE = re.compile(r"ц(?=[ьіеёюя])")
_DZEKANNE = re.compile(r"дз(?=[ьіеёюя])")
_NAME = re.compile(r"^[А-ЯЁІЎ][а-яёіў'’]+$")


def _ukrainian_spelling(word: str) -> str:
    """A Belarusian word respelled as Ukrainian would write it, for the Ukrainian dictionary
    (Лукашэнка -> лукашенка, Мішусціным -> мішустіним, Ціханоўская -> тіхановська)."""
    low = _DZEKANNE.sub("д", _TSEKANNE.sub("т", word.lower()))
    for be, uk in _RESPELL:
        low = low.replace(be, uk)
    for be, uk in _ENDINGS:
        if low.endswith(be):
            return low[:-len(be)] + uk
    return low


def _person(text: str) -> str | None:
    """A name the rules could not type, read as a person when its respelled last word is a
    surname in the Ukrainian dictionary; returns its base form (Ukrainian spelling) or None."""
    words = text.split()
    if not 1 <= len(words) <= 3 or not all(_NAME.match(w) for w in words):
        return None
    respelled = [_ukrainian_spelling(w) for w in words]
    surname = any("Surn" in p.tag for p in parses(respelled[-1], "uk"))
    given = len(words) > 1 and any("Name" in p.tag for p in parses(respelled[0], "uk"))
    if not (surname or given):
        return None
    return " ".join(nominative(w, "uk", prefer=("Name", "Surn")).capitalize() for w in respelled)


def extract_belarusian(text: str, lexicon: Lexicon) -> list[dict]:
    """Find entity mentions in Belarusian text (the "be" path of ``EntityPipeline``).

    Args:
        text: the article text.
        lexicon: the compiled English lexicon (Latin-script names, curated canonicals).

    Returns:
        Mention dicts {start, end, label, text, canonical, origin}, sorted, non-overlapping.
    """
    def lookup(surface: str) -> tuple[str, str] | None:
        ph = lexicon.lookup(surface)
        return (ph.label, ph.canonical) if ph is not None else None

    mentions, hints = extract_slavic(text, "uk", lookup, places=load_places("be"), cue_lang="be")
    for k, m in enumerate(mentions):   # "Увечары Лукашэнка": an adverb opening the sentence is no part of the name
        first, _, rest = m["text"].partition(" ")
        if rest and (first.lower() in _FUNCTION or first.lower() in _ROLES
                     or (m["label"] == "PERSON" and first.isupper() and len(first) > 1)):   # "ЦВК Ігар Карпенка"
            m["start"] = m["end"] - len(rest)
            m["text"] = rest
            if rest.isupper() and " " not in rest:   # "Кіраўнік МЗС": the title goes, the acronym is an ORG
                m["label"] = "ORG"
                hints[k] = None
                continue
            hint = hints[k]
            if hint and len(hint.split()) == len(m["text"].split()) + 1:
                hints[k] = hint.partition(" ")[2]
    keep = [k for k, m in enumerate(mentions) if m["text"].lower() not in _FUNCTION]
    mentions, hints = [mentions[k] for k in keep], [hints[k] for k in keep]
    for k, m in enumerate(mentions):
        if m["label"] == "ORG" and m["origin"] == "rule":
            person = _person(m["text"])
            if person:
                m["label"], hints[k] = "PERSON", person
    names = canonicalise(text, mentions, hints, lookup, lambda s: s)
    for m, c in zip(mentions, names):
        m["canonical"] = c
    return mentions
