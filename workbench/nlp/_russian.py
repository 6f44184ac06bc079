"""Russian (and Belarusian) entities: natasha's NER, corrected and completed by rules.

natasha (MIT) ships its models on PyPI and runs offline. Its NER gives PER / ORG / LOC;
we map PER->PERSON, ORG->ORG, LOC->GPE, then:

- rules first (``_slavic_rules``, ``_slavic_settlements``): a name after a settlement word
  ("в селе Малиновке" -> GPE Малиновка), dates ("в мае", "2024 года"), weapon designations
  (``F-16``, ``KN-23``), names in «guillemets» typed by the word before them
  (``РСЗО «Ольха»`` and ``ракеты «Нептун»`` are WEAPON, ``ЧВК «Вагнер»`` one ORG),
  numbered units, stand-alone weapon names ("Сарматом"), nationality words (NORP);
- labels from the Russian gazetteer (GeoNames' Cyrillic names, curated regions, seas and
  rivers): a natasha PER that is a known place becomes GPE, a LOC that is a sea or river
  LOC; "Курской области" keeps only the place adjective (GPE), as in Ukrainian;
- facilities (names ending in АЭС/ГЭС/НПЗ...) are FAC, a name headed by an organisation
  noun is ORG ("Европейский союз");
- a capitalised word pymorphy3 knows only as a geographic name (Geox) that no gazetteer
  holds is a weak place candidate: it fills a gap natasha leaves, never overrides a span;
- canonical names are natasha's lemmatised normal forms ("Путина" -> "Путин" ->
  "Владимир Путин"), the gazetteer's nominative for places.

Ukrainian goes through ``_ukrainian`` instead (natasha's models are Russian-only).
"""

from __future__ import annotations

import threading
from typing import Any

from ._canon import canonicalise
from ._lexicon import Lexicon
from ._morph import copy_case, nominative, parses
from ._slavic_places import load_places
from ._slavic_rules import (WEAPON_NAMES, dates, designations, model_tail, money, nationality, quoted_names,
                            resolve_overlaps)
from ._slavic_doc import tokenize
from ._slavic_settlements import settlement_names
from ._slavic_words import ORG_HEADS, UNIT

__all__ = ["extract_russian", "geox_places"]

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}

_ADMIN = frozenset(
    "область области областью областей край края крае краем район района районе районом направление "
    "направления направлении направлением воеводство воеводства воеводстве ова".split())
_FAC_END = frozenset("аэс гэс тэс тэц нпз аес гес тес мост моста мосту мостом мосте".split())
_KINDS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
_PREPS = frozenset("у в во под возле около из до близ к от через над".split())
_FAC_CUES = frozenset("аэродром аэродрома аэродроме аэропорт аэропорта аэропорту авиабаза авиабазу авиабазе".split())


def _natasha() -> dict[str, Any]:
    """Load natasha's segmenter and NER once per process (≈1.3 s)."""
    with _LOCK:
        if not _STATE:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter

            _STATE.update(segmenter=Segmenter(), ner=NewsNERTagger(NewsEmbedding()))
    return _STATE


def _model_spans(text: str, lang: str) -> list[tuple[int, int, str, str | None]]:
    """natasha's spans with our labels and base forms from pymorphy3 (natasha's own
    normaliser needs its morphology tagger, which doubled the time of a Russian article)."""
    from natasha import Doc

    st = _natasha()
    doc = Doc(text)
    doc.segment(st["segmenter"])
    doc.tag_ner(st["ner"])
    return [(sp.start, sp.stop, _KINDS[sp.type], _base_form(text[sp.start:sp.stop], _KINDS[sp.type]))
            for sp in doc.spans]


def _base_form(surface: str, label: str) -> str | None:
    """A name in the nominative: a person word by word in the first name's gender; a place or
    organisation with its head noun (and the adjectives before it) in the nominative."""
    words = surface.split()
    if not words or len(words) > 5:
        return None
    if label == "PERSON":
        gender = next((p.tag.gender for p in _parses(words[0].lower(), "ru")
                       if "Name" in p.tag.grammemes and p.tag.gender), None)
        return " ".join(nominative(w, "ru", prefer=("Name",) if k == 0 and len(words) > 1 else ("Surn", "Name"),
                                   gender=gender) for k, w in enumerate(words))
    head = next((k for k, w in enumerate(words) if any(p.tag.POS == "NOUN" for p in _parses(w.lower(), "ru"))), None)
    if head is None:
        return None
    noun = [p for p in _parses(words[head].lower(), "ru") if p.tag.POS == "NOUN"][0]
    gender = noun.tag.gender
    plural = "plur" in noun.tag.grammemes and "Pltm" not in noun.tag.grammemes
    out = []
    for k, w in enumerate(words):
        if k < head:
            adj = [p for p in _parses(w.lower(), "ru") if p.tag.POS == "ADJF"]
            f = adj[0].inflect({"nomn", "plur"} if plural else {"nomn", gender} if gender else {"nomn"}) if adj else None
            out.append(copy_case(w, f.word) if f is not None else w)
        elif k == head:
            out.append(nominative(w, "ru") if not plural else w)
        else:
            out.append(w)
    return " ".join(out)


def _fix(text: str, s: int, e: int, label: str, normal: str | None, lang: str
         ) -> list[tuple[int, int, str, str | None]]:
    """Correct one natasha span with the gazetteer and the name's own words."""
    places = load_places("ru")
    words = text[s:e].split()
    low = [w.lower() for w in words]
    if len(words) >= 2 and low[-1] in _ADMIN:  # "Курской области" -> the adjective alone
        adj_end = s + len(" ".join(words[:-1]))
        hit = places.lookup([nominative(words[-2], lang, gender="femn"), "область"]) \
            or places.lookup([nominative(words[-2], lang, gender="masc"), "край"])
        return [(s, adj_end, "GPE", hit[1] if hit else None)]
    if low[-1] in _FAC_END:
        return [(s, e, "FAC", normal)]
    hit = places.lookup(words)
    if hit is not None:
        return [(s, e, hit[0], hit[1])]
    if label != "ORG" and len(words) <= 3 and any(
            p.normal_form in ORG_HEADS for w in low for p in _parses(w, lang)):
        return [(s, e, "ORG", normal)]  # "Европейский союз"
    if label == "PERSON" and not any(
            {"Name", "Surn", "Patr"} & p.tag.grammemes for w in low for p in _parses(w, lang)) \
            and text[max(0, s - 6):s].split()[-1:] and text[max(0, s - 6):s].split()[-1].lower() in _PREPS:
        return [(s, e, "GPE", None)]  # "у Крынок", "из Суджи": no word of it is a name
    if label == "GPE" and len(words) == 1 and _only_given_name(low[0], lang):
        return [(s, e, "PERSON", normal)]  # "села Ивану": the model's place is a first name
    if label == "GPE" and normal and places.lookup(normal.split()) is not None:
        label = places.lookup(normal.split())[0]
    return [(s, e, label, normal)]


def _only_given_name(word: str, lang: str) -> bool:
    """Whether the dictionary reads a word only as a first name or patronymic (a noun with no
    other reading, and no place: Ивану, Марине; not Шевченко, a surname many villages bear)."""
    ps = _parses(word, lang)
    return bool(ps) and all(p.tag.POS == "NOUN" and {"Name", "Patr"} & p.tag.grammemes
                            and "Geox" not in p.tag.grammemes for p in ps)


def _merge_org_of_place(text: str, chosen: list[tuple[int, int, str, str, str | None]]
                        ) -> list[tuple[int, int, str, str, str | None]]:
    """An organisation followed by a place in the genitive is one organisation ("МИД Ирана",
    "ГУР Минобороны Украины"); a name after "аэродром" is a facility."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for c in chosen:
        if out and out[-1][2] == "ORG" and c[2] in ("ORG", "GPE") and text[out[-1][1]:c[0]] == " " \
                and _genitive(text[c[0]:c[1]]) and (c[2] == "GPE" or text[out[-1][0]:out[-1][1]].isupper()):
            s, _, _, o, _ = out[-1]
            out[-1] = (s, c[1], "ORG", o, None)
            continue
        if c[2] == "GPE" and text[max(0, c[0] - 12):c[0]].split()[-1:] and \
                text[max(0, c[0] - 12):c[0]].split()[-1].lower() in _FAC_CUES:
            c = (c[0], c[1], "FAC", c[3], c[4])
        out.append(c)
    return out


def geox_places(toks: list[Any], places: Any) -> list[tuple[int, int, str, str, str | None]]:
    """Capitalised words pymorphy3's Russian dictionary knows only as a geographic name (Geox)
    and the gazetteer does not: weak place candidates ("model" origin, so any rule or longer
    span beats them) that fill gaps natasha leaves.

    Args:
        toks: the text's tokens.
        places: the Russian gazetteer.

    Returns:
        (start, end, "GPE", "model", nominative) candidates.
    """
    out: list[tuple[int, int, str, str, str | None]] = []
    for t in toks:
        if not t.cap or t.latin or t.acronym or not t.text[0].isalpha() or places.lookup([t.text]) is not None:
            continue
        ps = _parses(t.low, "ru")
        geo = [p for p in ps if p.tag.POS == "NOUN" and "Geox" in p.tag.grammemes]
        if not geo or any({"Name", "Surn", "Patr"} & p.tag.grammemes or p.tag.POS == "ADJF" for p in ps):
            continue
        f = geo[0].inflect({"nomn"} if "Pltm" in geo[0].tag.grammemes else {"nomn", "sing"})
        out.append((t.start, t.end, "GPE", "model", copy_case(t.text, f.word) if f is not None else None))
    return out


def _genitive(surface: str) -> bool:
    """Whether the last word of a name can be genitive."""
    words = surface.split()
    return any("gent" in p.tag.grammemes for p in _parses(words[-1].lower(), "ru")) if words else False


def _parses(word: str, lang: str) -> tuple[Any, ...]:
    return parses(word, lang)


def extract_russian(text: str, lang: str, lexicon: Lexicon) -> list[dict]:
    """Find entity mentions in Russian (or Belarusian) text.

    Args:
        text: the article text.
        lang: "ru" or "be".
        lexicon: the compiled lexicon (curated canonical names of Latin-script names).

    Returns:
        Mention dicts {start, end, label, text, canonical, origin}, sorted, non-overlapping.
    """
    def lookup(surface: str) -> tuple[str, str] | None:
        ph = lexicon.lookup(surface)
        return (ph.label, ph.canonical) if ph is not None else None

    morph_lang = "ru"  # pymorphy3 has no Belarusian dictionary; Russian is the nearest
    toks = tokenize(text)
    places = load_places("ru")
    cands: list[tuple[int, int, str, str, str | None]] = []
    for s, e, label, canon in dates(text, morph_lang) + money(text) + quoted_names(text, morph_lang):
        cands.append((s, e, label, "rule", canon))
    for s, e, label, canon in designations(text):
        cands.append((s, model_tail(text, e), label, "rule", canon))
    cands += [(m.start(), m.end(), "ORG", "rule", None) for m in UNIT["ru"].finditer(text)]
    # "в селе Малиновке", "жителей деревни Кривая Балка": small places no gazetteer holds
    cands += [(s, e, label, "rule", canon) for s, e, label, canon in settlement_names(text, "ru", places, toks)]
    for t in toks:
        if not t.text[0].isalpha():
            continue
        if t.cap and not t.latin and {p.normal_form for p in _parses(t.low, morph_lang)} & WEAPON_NAMES:
            cands.append((t.start, t.end, "WEAPON", "rule", nominative(t.text, morph_lang)))
        elif not t.latin and nationality(t.text, morph_lang) and places.lookup([t.text]) is None:
            cands.append((t.start, t.end, "NORP", "rule", nominative(t.text, morph_lang, gender="masc").lower()))
    norp_starts = {c[0]: c[1] for c in cands if c[2] == "NORP"}
    for s, e, label, normal in _model_spans(text, lang):
        if s in norp_starts and norp_starts[s] < e:  # "Украинский Генштаб": the nationality is not the name
            s = norp_starts[s] + 1
            while s < e and text[s].isspace():
                s += 1
            normal = None
        surface = text[s:e]
        hit = lookup(surface.replace("-", " - ")) if surface.isascii() else None
        if hit is not None:
            cands.append((s, e, hit[0], "model", hit[1]))
            continue
        for s2, e2, label2, canon in _fix(text, s, e, label, normal, morph_lang):
            cands.append((s2, e2, label2, "model", canon))
    cands += geox_places(toks, places)  # after natasha's: on a tie natasha's span wins
    # Latin-script names natasha does not see (Storm Shadow, Taurus): the English lexicon
    for k, t in enumerate(toks):
        if not (t.latin and t.cap):
            continue
        run = [t]  # up to three Latin words in a row, one space apart
        while len(run) < 3 and k + len(run) < len(toks):
            nxt = toks[k + len(run)]
            if not nxt.latin or text[run[-1].end:nxt.start] != " ":
                break
            run.append(nxt)
        for n in range(len(run), 0, -1):
            end = run[n - 1].end
            hit = lookup(text[t.start:model_tail(text, end)].replace("-", " - ")) or lookup(
                text[t.start:end].replace("-", " - "))
            if hit is not None:
                full = model_tail(text, end) if lookup(text[t.start:model_tail(text, end)].replace("-", " - ")) else end
                cands.append((t.start, full, hit[0], "rule", hit[1]))
                break
    chosen = _merge_org_of_place(text, resolve_overlaps(cands))  # rules first, then the longest
    mentions = [{"start": s, "end": e, "label": lab, "text": text[s:e], "canonical": "", "origin": o}
                for s, e, lab, o, _ in chosen]
    hints = [h for *_, h in chosen]
    names = canonicalise(text, mentions, hints, lookup, lambda s: s)
    for m, c in zip(mentions, names):
        m["canonical"] = c
    return mentions
