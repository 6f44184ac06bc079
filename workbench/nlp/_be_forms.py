"""Belarusian case forms by suffix rules (pymorphy3 has no Belarusian dictionary).

``be_forms`` declines a place name (the gazetteer build, ``scripts/build_slavic_places.py``,
declines ``places_be`` with it); ``be_nominatives`` goes the other way, from a word as written
to the nominatives whose forms include it, by generate-and-test over the same rules.
"""

from __future__ import annotations

__all__ = ["be_base", "be_forms", "be_nominatives"]

# Nominative endings ``be_forms`` knows ("" = a consonant), and the endings of its oblique forms.
_NOM_ENDINGS = ("", "а", "ь", "ў", "я", "ы", "т", "д")
_OBLIQUE = ("дзе", "ссю", "амі", "аю", "яю", "ою", "ам", "ах", "аў", "ай", "ой", "яй", "ем", "ям", "це",
            "а", "у", "е", "і", "ы", "ю", "я")

def be_forms(name: str) -> set[str]:
    """Lower-case case forms of a Belarusian place name by suffix rules (the last word declines;
    over-generation is harmless: a form is only looked up for a capitalised word).

    Args:
        name: the nominative.

    Returns:
        The nominative and its singular (plural for a name in -ы) case forms.
    """
    words = name.lower().split()
    *head, w = words
    if not w or any(ch.isdigit() for ch in w):
        return {name.lower()}
    out = {w}
    if w.endswith("ь"):                       # Гомель, Беларусь
        stem = w[:-1]
        out |= {stem + e for e in ("і", "я", "ю", "ем", "ям")} | {stem + stem[-1] + "ю"}
    elif w.endswith("ў"):                     # Магілёў, Кіеў, Львоў
        stem = w[:-1] + "в"
        out |= {stem + e for e in ("а", "у", "ам", "е")}
    elif w.endswith("я"):                     # Расія, Вільня
        stem = w[:-1]
        out |= {stem + e for e in ("і", "ю", "яй", "яю", "е")}
    elif w.endswith("а"):                     # Масква, Польшча, Гродна
        stem = w[:-1]
        out |= {stem + e for e in ("ы", "і", "е", "у", "ай", "аю", "ой", "ою")}
    elif w.endswith("ы"):                     # Чарнаўцы, Жыгулі
        stem = w[:-1]
        out |= {stem + e for e in ("аў", "ам", "ах", "амі")}
    elif w[-1] not in "аеёіоуыэюяй":          # Мінск, Брэст, Берлін
        out |= {w + e for e in ("а", "у", "ам", "е")}
        if w.endswith("т"):
            out.add(w[:-1] + "це")            # Брэст -> у Брэсце
        elif w.endswith("д"):
            out.add(w[:-1] + "дзе")           # Наўгарод -> у Наўгародзе
    prefix = " ".join(head)
    return {f"{prefix} {f}" if prefix else f for f in out}


def be_nominatives(word: str) -> list[str]:
    """The nominatives (lower case) whose ``be_forms`` include ``word``, other than ``word`` itself.

    Args:
        word: one Belarusian word as written ("Мінску", "Брэсце").

    Returns:
        Candidate nominatives in the order the rules are tried: consonant stems first, then
        -а, -ь, -ў, -я, -ы ("мінску" -> ["мінск"]); empty when ``word`` is no oblique form.
    """
    low = word.lower()
    out: list[str] = []
    for ending in _OBLIQUE:
        if not low.endswith(ending) or len(low) - len(ending) < 2:
            continue
        stem = low[:-len(ending)]
        for nom in _NOM_ENDINGS:
            if nom == "ў":
                cand = stem[:-1] + "ў" if stem.endswith("в") else ""
            elif nom in ("т", "д"):
                cand = stem + nom if ending in ("це", "дзе") else ""
            elif nom == "ь" and ending == "ссю":
                cand = stem + "сь"
            else:
                cand = stem + nom
            if cand and cand != low and cand not in out and low in be_forms(cand):
                out.append(cand)
    return out


# Endings no Belarusian nominative has: р and the velars and hushers are never soft, no vowel is
# softened (-іь), and after a vowel the letter is ў, not в (Магілёў).
_IMPOSSIBLE = ("кь", "гь", "хь", "шь", "жь", "чь", "рь", "кя", "гя", "хя", "шя", "жя", "чя", "ря", "кы", "гы", "хы")
_ORDER = ("д", "т", "ў", "", "а", "ь", "я", "ы")


def be_base(word: str, oblique: bool) -> str:
    """A Belarusian name word back in the nominative, by the suffix rules of ``be_forms``.

    Args:
        word: the word as written.
        oblique: whether the word governing it (вёска, пасёлак ...) is in an oblique case; if
            not, the name is already its own nominative.

    Returns:
        The nominative, capitalised like ``word``. A word in -і/-ы stays as written (a plural
        name, Ліпнішкі, Смалявічы, is likelier than an oblique case) unless it is a soft stem
        (Гомелі -> Гомель).
    """
    if not oblique:
        return word
    low = word.lower()
    cands = [c for c in be_nominatives(word)
             if not c.endswith(_IMPOSSIBLE) and not (c[-1] in "вь" and c[-2:-1] in "аеёіоуыэюя")]
    if low.endswith(("і", "ы")):
        cands = [c for c in cands if c.endswith("ь") and c[-2:-1] in "лнзсцт"]
    if not cands:
        return word
    best = min(cands, key=lambda c: _ORDER.index(c[-1] if c[-1] in _ORDER else ""))
    return best[:1].upper() + best[1:] if word[:1].isupper() else best
