"""Russian (and, experimentally, Ukrainian) entities with natasha, mapped to our labels.

natasha (MIT) ships its models on PyPI and runs offline. Its NER gives PER / ORG /
LOC; we map PER->PERSON, ORG->ORG, LOC->GPE (LOC for seas, rivers, mountains and
regions), add dates, money and weapons with Cyrillic patterns, and compute canonical
names from natasha's lemmatised normal forms ("Путина" -> "Путин" -> "Владимир Путин").

Ukrainian: natasha's models are Russian-only. For "uk" we still run its NER and then
correct labels with Ukrainian head words and a small place list; expect lower quality.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from ._canon import canonicalise
from ._lexicon import Lexicon

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}

_RU_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_UK_MONTHS = "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+(?:{_RU_MONTHS}|{_UK_MONTHS})(?:\s+\d{{4}}(?:\s+(?:года|году|г\.|року|р\.))?)?"
    rf"|\b(?:в|у|с|до|к|на|від|до)\s+\d{{4}}\s+(?:году|года|г\.|році|року|р\.)"
    r"|\b(?:сегодня|вчера|завтра|сьогодні|учора|вчора)\b",
    re.I,
)
_MONEY = re.compile(
    r"(?:\$|€|₽|₴)\s?\d+(?:[.,]\d+)?(?:\s*(?:млрд|млн|тыс\.|тис\.))?"
    r"|\b\d+(?:[.,]\d+)?\s*(?:млрд|млн|тыс\.|тис\.)?\s*(?:долларов|доларів|рублей|рублів|евро|євро|гривен|гривень|гривны)\b",
    re.I,
)
_WEAPON = re.compile(
    r"\b(?:[СCТT]-\d{3}[А-ЯA-Z]?\d?|Су-\d{2}[А-ЯA-Z]{0,2}|МиГ-\d{2}|Ту-\d{2,3}[А-ЯA-Z]{0,2}|Ка-\d{2}|Ми-\d{1,2}|"
    r"Х-\d{2,3}|Т-\d{2}[А-ЯA-Z]?\d?|Шахед-\d{3}|Герань-\d|Ланцет|HIMARS|ATACMS|Javelin|NLAW|Patriot|IRIS-T|"
    r"Искандер(?:а|ом|у|ы|ов)?|Іскандер(?:а|ом|и|ів)?|Калибр(?:а|ом|ы|ов)?|Калібр(?:а|ом|и|ів)?|"
    r"Кинжал(?:а|ом|ы|ов)?|Кинджал(?:а|ом|и|ів)?|Байрактар(?:а|ом|ы|и|ов|ів)?|Точка-У|Сармат|Циркон|Оникс|"
    r"Торнадо-С|Смерч|Ураган|Град|Буратино|Солнцепек|Панцирь(?:-С1)?|Бук-М\d|Тор-М\d)(?![\w-])"
)
_LOC_WORDS = re.compile(r"(?i)\b(?:море|моря|река|реки|річка|гора|горы|гори|океан|залив|пролив|озеро|регион|область|край)\b")
_UK_ORG_HEADS = re.compile(
    r"(?i)^(?:міністерство|збройні|служба|рада|кабінет|генеральний|генштаб|кремл[ья]|кремлі|офіс|управління|"
    r"державна|національна|партія|організація|агентство|інститут|сили|армія|штаб|уряд|верховна)"
)
_UK_PLACES = frozenset(
    "Україна України Україні Україну Києві Київ Києва Росія Росії Росію Білорусь Білорусі Мінськ Мінську "
    "Москва Москві Москви Харків Харкові Харкова Одеса Одесі Херсон Херсоні Донецьк Донецьку Луганськ "
    "Крим Криму Бахмут Бахмуті Запоріжжя Львів Львові Дніпро Маріуполь Маріуполі США Польща Польщі "
    "Німеччина Німеччини Франція Франції Британія Британії".split()
)


def _natasha() -> dict[str, Any]:
    """Load natasha's models once per process (≈1.3 s)."""
    with _LOCK:
        if not _STATE:
            from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

            emb = NewsEmbedding()
            _STATE.update(
                segmenter=Segmenter(), vocab=MorphVocab(), morph=NewsMorphTagger(emb), ner=NewsNERTagger(emb)
            )
    return _STATE


def _label(kind: str, text: str, lang: str) -> str:
    if kind == "PER":
        if lang == "uk":
            first = text.split()[0]
            if first in _UK_PLACES:
                return "GPE"
            if _UK_ORG_HEADS.match(first):
                return "ORG"
        return "PERSON"
    if kind == "ORG":
        return "ORG"
    if lang == "uk" and _UK_ORG_HEADS.match(text.split()[0]):
        return "ORG"
    return "LOC" if _LOC_WORDS.search(text) else "GPE"


def extract_russian(text: str, lang: str, lexicon: Lexicon) -> list[dict]:
    """Find entity mentions in Russian (or Ukrainian) text.

    Args:
        text: the article text.
        lang: "ru", "uk" or "be".
        lexicon: the compiled lexicon (for curated canonical names of Latin-script names).

    Returns:
        Mention dicts {start, end, label, text, canonical, origin}, sorted, non-overlapping.
    """
    from natasha import Doc

    st = _natasha()
    doc = Doc(text)
    doc.segment(st["segmenter"])
    if lang == "ru":
        doc.tag_morph(st["morph"])
    doc.tag_ner(st["ner"])
    cands: list[tuple[int, int, str, str, str | None]] = []
    for sp in doc.spans:
        normal = None
        if lang == "ru" and sp.type in ("PER", "LOC"):
            try:
                sp.normalize(st["vocab"])
                normal = sp.normal
            except Exception:  # natasha's normaliser can fail on odd tokens; keep the surface
                normal = None
        start, kind = sp.start, sp.type
        if lang == "uk":  # natasha glues "України Володимир Зеленський": split a leading place
            first = sp.text.split()[0]
            if first in _UK_PLACES and " " in sp.text:
                cands.append((start, start + len(first), "GPE", "model", None))
                start = sp.start + sp.text.index(" ", len(first)) + 1
                while text[start].isspace():
                    start += 1
        cands.append((start, sp.stop, _label(kind, text[start:sp.stop], lang), "model", normal))
    for rx, label in ((_DATE, "DATE"), (_MONEY, "MONEY"), (_WEAPON, "WEAPON")):
        for m in rx.finditer(text):
            cands.append((m.start(), m.end(), label, "rule", None))
    # rules first for WEAPON/DATE/MONEY (natasha may call "Искандер" a LOC), then longest
    cands.sort(key=lambda c: (c[3] != "rule", -(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for c in cands:
        if any(a < c[1] and c[0] < b for a, b in taken):
            continue
        taken.append((c[0], c[1]))
        chosen.append(c)
    chosen.sort()
    mentions = [{"start": s, "end": e, "label": lab, "text": text[s:e], "origin": o} for s, e, lab, o, _ in chosen]
    hints = [h for *_, h in chosen]

    def lookup(surface: str) -> tuple[str, str] | None:
        ph = lexicon.lookup(surface)
        return (ph.label, ph.canonical) if ph is not None else None

    names = canonicalise(text, mentions, hints, lookup, lambda s: s)
    for m, c in zip(mentions, names):
        m["canonical"] = c
    return [
        {k: m[k] for k in ("start", "end", "label", "text", "canonical", "origin")} for m in mentions
    ]
