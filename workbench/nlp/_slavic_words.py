"""Word lists shared by the Ukrainian and Russian paths (lemmas and surface forms)."""

from __future__ import annotations

import re
from functools import lru_cache

from ._morph import analyser

__all__ = ["ADMIN", "BREAK_POS", "FAC_CUES", "FAC_NOUNS", "FUNCTION_POS", "LOC_PREPS", "NAME_PARTICLES", "ORG_HEADS",
           "ORG_PREFIXES", "PERSON_CUES", "PLACE_CUES", "PLACE_NAMED", "SENT_END", "TOKEN", "UNIT", "admin_forms"]

TOKEN = re.compile(r"[^\W_][\w'’ʼ]*(?:-[\w'’ʼ]+)*|[^\w\s]")
SENT_END = frozenset(".!?…")
BREAK_POS = frozenset({"VERB", "INFN", "CONJ", "PREP", "PRCL", "GRND", "PRED", "INTJ", "ADVB", "NPRO", "NUMR"})

# Lemmas of nouns that head an organisation's name (Ukrainian and Russian).
ORG_HEADS = frozenset(
    "служба міністерство рада офіс штаб генштаб сила командування управління гвардія кабінет комітет комісія "
    "департамент агентство бюро прокуратура суд банк союз організація фонд інститут університет залізниця "
    "партія уряд парламент адміністрація поліція флот армія корпус центр компанія асоціація альянс "
    "держприкордонслужба нацгвардія міноборони мзс "
    "министерство совет офис командование гвардия кабинет комитет комиссия департамент агентство "
    "прокуратура организация институт университет дорога партия правительство парламент администрация "
    "полиция армия компания дума собрание генштаб минобороны росгвардия кремль".split())
# Given names pymorphy3-dicts-uk files only as towns (Володимир, Богдан are towns too).
PLACE_NAMED = frozenset("володимир богдан ізяслав ярослав святослав".split())
# Lower-case nouns after a place adjective: the adjective alone is the place ("Донецької області").
ADMIN = frozenset(
    "область обласний район районний напрямок напрям воєводство край громада ова ога міськрада "
    "областной районный направление воеводство".split())
# Words after which an unknown capitalised word is a place ("у селі Вербове").
PLACE_CUES = frozenset("село селище місто смт містечко поселок посёлок деревня город станиця станица хутір хутор".split())
# Words after which a capitalised word is a facility.
FAC_CUES = frozenset("аеродром аеродрому аеродромі аэродром аэродрома аэродроме аеропорт аеропорту аэропорт "
                      "аэропорта аэропорту аэропорте авіабаза авіабазу авіабазі авиабаза авиабазу авиабазе".split())
# Words after which an unknown capitalised word is a person.
PERSON_CUES = frozenset(
    "президент прем'єр прем'єр-міністр міністр генерал полковник командувач командир речник голова "
    "очільник очільниця мер канцлер лідер посол губернатор журналіст волонтер радник заступник "
    "заступниця керівник керівниця спікер генсек секретар держсекретар директор засновник "
    "премьер министр генерал командующий спикер глава мэр канцлер лидер посол губернатор журналист "
    "советник заместитель руководитель генсек госсекретарь директор основатель пресс-секретарь "
    "представитель блогер эксперт лауреат писательница писатель".split())
# Compound organisation names start with these clipped words (Укренерго, Нафтогаз, Єврокомісія).
ORG_PREFIXES = ("укр", "євро", "евро", "держ", "гос", "нац", "мін", "мин", "рос", "нафто", "нефте", "енерго",
                 "энерго", "газ", "агро", "авто")
NAME_PARTICLES = frozenset("фон дер ван де да ді ла ле аль ель бін ібн бен ибн".split())
# Facility heads: a name ending in one is a FAC ("Запорізька АЕС", "Кримський міст").
FAC_NOUNS = frozenset("аес тес гес тец аэс тэс гэс тэц нпз міст мосту мостом мості мост моста мосту".split())
LOC_PREPS = frozenset("у в біля під поблизу до з із над на від через за під".split())
FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "NPRO", "ADVB", "INTJ", "PRED"})

UNIT = {
    "uk": re.compile(r"(?<![\w-])\d{1,3}-(?:ї|а|ма|й|го|му|ої|ій|ю|я)\s+(?:[а-яіїєґ'’-]+\s+){0,2}"
                     r"(?:бригад|полк|батальйон|дивізі|корпус|армі)\w*(?:\s+морської піхоти)?"),
    "ru": re.compile(r"(?<![\w-])\d{1,3}-(?:й|я|ой|ая|ей|го|му|ю)\s+(?:[а-яё-]+\s+){0,2}"
                     r"(?:бригад|полк|батальон|дивизи|корпус|арми)\w*(?:\s+морской пехоты)?"),
}


@lru_cache(maxsize=4)
def admin_forms(lang: str) -> frozenset[str]:
    """Every case form of the administrative nouns ("області", "району", "напрямку").

    Args:
        lang: "uk" or "ru".

    Returns:
        Lower-case forms.
    """
    out = set()
    for lemma in ADMIN:
        for p in analyser(lang).parse(lemma):
            out.update(f.word for f in p.lexeme)
    return frozenset(out)
