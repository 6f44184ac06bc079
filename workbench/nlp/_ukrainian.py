"""Ukrainian entities: pymorphy3 morphology + the KATOTTG gazetteer + pattern rules.

natasha's models are Russian-only, so Ukrainian text gets its own path:

1. Rules first (``_slavic_rules``, ``_slavic_settlements``): dates, weapon designations (``Іскандер-М``, ``С-300``),
   names in «guillemets» typed by the word before them (``ракети «Нептун»`` WEAPON,
   ``ЧВК «Вагнер»`` one ORG), numbered units (``47-ї окремої механізованої бригади``), a
   name after a settlement word (``у селі Тернуватому`` -> GPE Тернувате).
2. Name chunks: runs of capitalised words, cut wherever pymorphy3 sees a verb,
   conjunction or preposition (so "Херсон і Миколаїв" is two names and "Служба безпеки
   України затримала" stops before the verb), and before a first name that follows a
   place or an organisation ("мер Одеси Геннадій Труханов"). A chunk headed by an
   organisation noun (служба, міністерство, сили, рада ...) keeps its lower-case genitive
   tail ("Служба безпеки України").
3. Labels: the gazetteer (any case form: "у Запоріжжі", "Києві") -> GPE/LOC; pymorphy3's
   Name/Surn/Patr marks or a surname the article already named in full -> PERSON;
   organisation heads and acronyms -> ORG; the English lexicon for Latin-script names
   (HIMARS, Storm Shadow); nationality words -> NORP.
4. Base forms: places take the gazetteer's nominative, people and organisations are
   declined back to the nominative with pymorphy3 ("Зеленського" -> "Зеленський").
"""

from __future__ import annotations

import re
from typing import Callable

from ._canon import canonicalise
from ._lexicon import Lexicon

from ._morph import copy_case, nominative, parses
from ._slavic_doc import SlavicDoc, chunks, is_nationality
from ._slavic_places import Places, load_places
from ._slavic_settlements import settlement_names
from ._slavic_rules import (WEAPON_NAMES, Candidate, dates, designations, model_tail, money, quoted_names,
                            resolve_overlaps)
from ._slavic_words import (FAC_CUES, FAC_NOUNS, LOC_PREPS, ORG_HEADS, ORG_PREFIXES, PERSON_CUES, PLACE_CUES,
                            UNIT, admin_forms)

__all__ = ["extract_slavic", "extract_ukrainian"]


def _rule_candidates(doc: SlavicDoc, cue_lang: str) -> list[Candidate]:
    text, lang = doc.text, doc.lang
    cands = dates(text, lang) + money(text) + quoted_names(text, lang)
    cands += settlement_names(text, cue_lang, doc.places, doc.toks)  # "у селі Тернуватому", "у вёсцы Ліпнішкі"
    for s, e, label, canon in designations(text):
        cands.append((s, model_tail(text, e), label, canon))
    unit = UNIT[lang]
    cands += [(m.start(), m.end(), "ORG", None) for m in unit.finditer(text)]
    for i, t in enumerate(doc.toks):  # stand-alone Cyrillic weapon names ("Калібрами")
        if t.cap and not t.latin and doc.lemmas(i) & WEAPON_NAMES:
            cands.append((t.start, t.end, "WEAPON", nominative(t.text, lang)))
    return cands


def _org_base(doc: SlavicDoc, i: int, j: int) -> str:
    """An organisation's name with its head (and the adjectives before it) in the nominative."""
    toks = doc.toks
    head = next((k for k in range(i, j) if doc.lemmas(k) & ORG_HEADS and "NOUN" in doc.pos(k)), None)
    if head is None:
        return doc.text[toks[i].start:toks[j - 1].end]
    hp = next((p for p in parses(toks[head].low, doc.lang) if p.normal_form in ORG_HEADS or p.tag.POS == "NOUN"), None)
    plural = hp is not None and "plur" in hp.tag.grammemes and "nomn" not in hp.tag.grammemes and toks[head].low in ("сил", "силам", "силами", "силах")
    words = []
    for k in range(i, j):
        w = toks[k].text
        if k <= head:
            cands = [p for p in parses(toks[k].low, doc.lang) if p.tag.POS in ("NOUN", "ADJF")]
            if cands:
                p = cands[0]
                want = {"nomn", "plur"} if (plural or "Pltm" in p.tag.grammemes or toks[k].low in ("сили",)) else {"nomn"}
                if "plur" in p.tag.grammemes and p.tag.POS == "ADJF" and plural:
                    want = {"nomn", "plur"}
                f = p.inflect(want)
                if f is not None:
                    w = copy_case(w, f.word)
        words.append(w)
    return " ".join(words)


def _label_chunk(doc: SlavicDoc, i: int, j: int, surnames: dict[str, str]) -> list[tuple[int, int, str, str | None]]:
    """Label a chunk (maybe splitting it); returns (start_tok, end_tok, label, canonical) parts."""
    toks, lang = doc.toks, doc.lang
    words = [t.text for t in toks[i:j]]
    head = _org_head(doc, i, j)
    # sentence-initial common word: drop it and label the rest ("Колони", "Президент")
    if doc.sent_start(i) and j - i > 1 and not _nameish(doc, i) and head is None:
        return _label_chunk(doc, i + 1, j, surnames)
    if toks[j - 1].low in FAC_NOUNS:
        return [(i, j, "FAC", _org_base(doc, i, j))]
    if any(t.latin for t in toks[i:j]):
        end = model_tail(doc.text, toks[j - 1].end)
        for e in (end, toks[j - 1].end):
            hit = doc.lookup(doc.text[toks[i].start:e].replace("-", " - "))
            if hit is not None:
                return [(i, j, hit[0], hit[1])] if e == toks[j - 1].end else [(i, j, hit[0], hit[1], e)]
        return [(i, j, "ORG", None)]
    if head is not None and j - i > 1 and doc.places.lookup(words) is None:
        return [(i, j, "ORG", _org_base(doc, i, j))]  # "Сил оборони півдня" (Сили is also a village)
    # the gazetteer, longest prefix first
    for k in range(j, i, -1):
        hit = doc.places.lookup(words[: k - i])
        if hit is not None and not (k - i == 1 and doc.sent_start(i) and _weak_start(doc, i, hit[1])):
            if k - i == 1 and doc.is_name_word(i) and j > i + 1:
                break  # "Володимир Зеленський": a first name that is also a town
            rest = _label_chunk(doc, k, j, surnames) if k < j else []
            return [(i, k, hit[0], hit[1])] + rest
    if head is not None:
        return [(i, j, "ORG", _org_base(doc, i, j))]
    # a place adjective before an administrative noun: "Донецької області", "Покровському напрямку"
    if j == i + 1 and j < len(toks) and toks[j].low in admin_forms(lang) and "ADJF" in doc.pos(i):
        return [(i, j, "GPE", _place_adjective(doc, i))]
    if j - i == 1 and "ADJF" in doc.pos(i) and not doc.sent_start(i):
        oblast = _place_adjective(doc, i)
        if oblast.endswith(" область"):
            return [(i, j, "GPE", oblast)]  # "Волинської трагедії"
    if j - i == 1 and toks[i].acronym:
        return [(i, j, "ORG", None)]
    if all(t.acronym for t in toks[i:j]):
        return [(i, j, "ORG", None)]
    if j - i == 1 and toks[i].low.startswith(ORG_PREFIXES) and len(toks[i].low) > 6 and "UNKN" in doc.pos(i):
        return [(i, j, "ORG", nominative(toks[i].text, lang))]  # "Укренерго", "Єврокомісії"
    if _is_person(doc, i, j, surnames):
        return [(i, j, "PERSON", _person_base(doc, i, j))]
    if j - i == 1:
        prev = toks[i - 1].low if i > 0 else ""
        if doc.sent_start(i) and _common(doc, i):
            return []
        if prev in FAC_CUES:
            return [(i, j, "FAC", nominative(toks[i].text, lang))]  # "аеродром Бельбек"
        if prev in PLACE_CUES or prev in LOC_PREPS:
            return [(i, j, "GPE", nominative(toks[i].text, lang))]
        if prev in PERSON_CUES:
            return [(i, j, "PERSON", _person_base(doc, i, j))]
        return [(i, j, _GUESS, nominative(toks[i].text, lang))]  # ORG unless coordinated with a place
    if doc.sent_start(i) and _common(doc, i):
        return _label_chunk(doc, i + 1, j, surnames)
    return [(i, j, "ORG", _org_base(doc, i, j))]


def _place_adjective(doc: SlavicDoc, i: int) -> str:
    """"Донецької" -> "Донецька область" when that oblast exists, else the adjective's lemma."""
    oblast = nominative(doc.toks[i].text, doc.lang, gender="femn")
    hit = doc.places.lookup([oblast, "область" if doc.lang == "uk" else "область"])
    if hit is not None:
        return hit[1]
    return nominative(doc.toks[i].text, doc.lang, gender="masc")


def _org_head(doc: SlavicDoc, i: int, j: int) -> int | None:
    """The organisation head noun of a chunk, when only adjectives (or nothing) precede it."""
    for k in range(i, j):
        if doc.lemmas(k) & ORG_HEADS and "NOUN" in doc.pos(k):
            return k
        if "ADJF" not in doc.pos(k):
            return None
    return None


def _weak_start(doc: SlavicDoc, i: int, name: str) -> bool:
    """A sentence's first word that matches a place only weakly: it has a reading other than
    a noun ("Нове", "Мирне"), or it is a known common noun and the place only a village
    ("Колони" is the plural of колона before it is the village Колона)."""
    pos = doc.pos(i)
    if pos - {"NOUN", "Name", "Surn", "Patr", "Geox", "Abbr", "UNKN"}:
        return True
    return name in doc.places.minor and "UNKN" not in pos


def _nameish(doc: SlavicDoc, i: int) -> bool:
    """A word that may begin a name: a proper-name mark, unknown to the dictionary, or a place."""
    t = doc.toks[i]
    pos = doc.pos(i)
    return bool(pos & {"Name", "Surn", "Patr", "Geox", "UNKN", "Abbr"}) or t.acronym or t.latin \
        or doc.places.lookup([t.text]) is not None or "-" in t.text


def _common(doc: SlavicDoc, i: int) -> bool:
    """A dictionary word with no proper-name reading (capitalised only by its position)."""
    pos = doc.pos(i)
    return not pos & {"Name", "Surn", "Patr", "Geox", "UNKN", "Abbr"}


def _is_person(doc: SlavicDoc, i: int, j: int, surnames: dict[str, str]) -> bool:
    if j - i > 4:
        return False
    marks = [doc.person_word(k) for k in range(i, j)]
    if j - i >= 2 and (doc.is_name_word(i) or all(marks)):
        return True
    if j - i >= 2 and sum(marks) >= 1 and not any(_common(doc, k) and not marks[k - i] for k in range(i, j)):
        return True
    if j - i == 1:
        if _known_surname(doc.toks[i].low, surnames) is not None:
            return True
        return "Surn" in doc.pos(i) and not doc.sent_start(i)
    return False


def _known_surname(low: str, surnames: dict[str, str]) -> str | None:
    """The surname named in full elsewhere in the article that this word is a case form of."""
    for stem_len in range(len(low), 3, -1):
        hit = surnames.get(low[:stem_len])
        if hit is not None and len(low) - stem_len <= 3:
            return hit
    return None


def _person_base(doc: SlavicDoc, i: int, j: int) -> str:
    """A person's name in the nominative, the surname in the first name's gender."""
    toks, lang = doc.toks, doc.lang
    gender = None
    for p in parses(toks[i].low, lang):
        if "Name" in p.tag.grammemes and p.tag.gender:
            gender = p.tag.gender
            break
    words = []
    for k in range(i, j):
        prefer = ("Name",) if k == i and j - i > 1 else ("Surn", "Name")
        if k > i and k < j - 1 and "Patr" in doc.pos(k):
            prefer = ("Patr",)
        words.append(nominative(toks[k].text, lang, prefer=prefer, gender=gender))
    return " ".join(words)


def extract_slavic(text: str, lang: str, lookup: Callable[[str], tuple[str, str] | None],
                   extra: list[tuple[int, int, str]] | None = None,
                   places: Places | None = None, cue_lang: str | None = None) -> tuple[list[dict], list[str | None]]:
    """Find entity mentions in Ukrainian (or, with natasha's spans as ``extra``, Russian) text.

    Args:
        text: the article text.
        lang: "uk" or "ru".
        lookup: surface -> (label, canonical) from the English lexicon (Latin-script names).
        extra: optional model spans (start, end, label) that may add names the rules miss;
            the rules' labels and base forms decide where both find a name.
        places: the gazetteer (default: ``lang``'s; the Belarusian path passes its own while
            reading the words with the Ukrainian morphology).
        cue_lang: whose settlement words mark a following name as a place (default ``lang``;
            the Belarusian path passes "be").

    Returns:
        (mentions, hints): mention dicts {start, end, label, text, canonical: "", origin}
        sorted and non-overlapping, and per mention its base form (or None).
    """
    doc = SlavicDoc(text, lang, places if places is not None else load_places(lang), lookup)
    rules = resolve_overlaps([(s, e, label, "rule", canon) for s, e, label, canon in _rule_candidates(doc, cue_lang or lang)])
    for s, e, *_ in rules:
        for k, t in enumerate(doc.toks):
            if t.start < e and s < t.end:
                doc.taken[k] = True
    spans = chunks(doc)
    # surnames named in full anywhere in the article ("Рустем Умєров" -> "Умєровим" later)
    surnames: dict[str, str] = {}
    for i, j in spans:
        if j - i >= 2 and doc.is_name_word(i):
            base = _person_base(doc, i, j)
            last = base.split()[-1].lower()
            surnames.setdefault(last[:-1] if len(last) > 5 else last, base)
    cands: list[tuple[int, int, str, str, str | None]] = list(rules)
    for i, j in spans:
        for a, b, label, canon, *end in _label_chunk(doc, i, j, surnames):
            cands.append((doc.toks[a].start, end[0] if end else doc.toks[b - 1].end, label, "rule", canon))
    for k, t in enumerate(doc.toks):
        if not doc.taken[k] and t.word and is_nationality(doc, k):
            cands.append((t.start, t.end, "NORP", "rule", nominative(t.text, lang, gender="masc").lower()))
    covered = [(c[0], c[1]) for c in cands]
    for s, e, label in extra or ():
        if not any(a < e and s < b for a, b in covered):
            cands.append((s, e, label, "model", None))
    chosen = _coordinate(text, resolve_overlaps(cands))
    mentions = [{"start": s, "end": e, "label": label, "text": text[s:e], "canonical": "", "origin": o}
                for s, e, label, o, _ in chosen]
    return mentions, [c for *_, c in chosen]


_GUESS = "ORG?"
_COORD = re.compile(r"\s*(?:,|і|й|та|и|а також|або|или)\s*$|^\s*(?:,|і|й|та|и|або|или)\s*")


def _coordinate(text: str, chosen: list[tuple[int, int, str, str, str | None]]
                ) -> list[tuple[int, int, str, str, str | None]]:
    """An unknown name coordinated with a place is a place ("до Суджі та Коренева"); else ORG."""
    out = list(chosen)
    for k, (s, e, label, origin, canon) in enumerate(out):
        if label != _GUESS:
            continue
        new = "ORG"
        for n in (k - 1, k + 1):
            if 0 <= n < len(out) and out[n][2] in ("GPE", "LOC"):
                a, b = (out[n][1], s) if n < k else (e, out[n][0])
                if _COORD.fullmatch(text[a:b]) or text[a:b].strip() in (",", "і", "й", "та", "и", "або", "или"):
                    new = "GPE"
        out[k] = (s, e, new, origin, canon)
    return out


def extract_ukrainian(text: str, lexicon: Lexicon) -> list[dict]:
    """Find entity mentions in Ukrainian text (the "uk" path of ``EntityPipeline``).

    Args:
        text: the article text.
        lexicon: the compiled English lexicon (Latin-script names, curated canonicals).

    Returns:
        Mention dicts {start, end, label, text, canonical, origin}, sorted, non-overlapping;
        canonical names are base forms, short person names resolved to the fullest one.
    """
    def lookup(surface: str) -> tuple[str, str] | None:
        ph = lexicon.lookup(surface)
        return (ph.label, ph.canonical) if ph is not None else None

    mentions, hints = extract_slavic(text, "uk", lookup)
    names = canonicalise(text, mentions, hints, lookup, lambda s: s)
    for m, c in zip(mentions, names):
        m["canonical"] = c
    return mentions
