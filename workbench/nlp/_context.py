"""Context rules: what the words around a capitalised name say about a name no list knows.

"in Montreux", "a Wexford-based charity", "the Galmudug government", "Puntland's president"
(a place); "Petrobras said" (an organisation, unless the word is shaped like a surname);
"WARSAW (Reuters) -" (a dateline: a place); "the landing ship Minsk" (a vessel, not the city);
"the Saky air base", "the Khmelnytskyi NPP" (a place joined with its feature head).

Every guess here is ranked below the gazetteer and the other rules (``CONTEXT`` priority,
or the length of the span decides), so a known name keeps its label; the one exception is a
ship name, which overrides a place of the same name (``FORCE``).
"""

from __future__ import annotations

import re

from ._cand import MEDIUM, Cand
from ._org_context import appositive_class, born_after, org_context
from ._org_names import org_event, sports_name
from ._sentences import sentence_initial
from ._words import ADMIN_HEADS, FAC_HEADS, LOC_HEADS, ORG_HEADS

HEADS = ORG_HEADS | FAC_HEADS | LOC_HEADS | ADMIN_HEADS
_COORD_LABELS = frozenset({"GPE", "ORG"})
_COORD = frozenset({"and", "or"})
_LIST_LINKS = frozenset({"and", "or", ","})

__all__ = ["CONTEXT", "FORCE", "HEADS", "PLACE_PREPS", "MOTION_VERBS", "SUBJECT_STOP", "SHIP_NOUNS", "SUBJECT_VERBS",
           "FEATURE_HEADS", "surname_shaped", "dateline_end", "place_context", "feature_head", "ship_name_start",
           "ContextRules"]

CONTEXT = 0
"""Priority of a context guess: below every list and rule (STRONG 3, MEDIUM 2, WEAK 1)."""
FORCE = 4
"""Priority of a ship name after a ship noun: above a gazetteer place of the same span."""


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Prepositions after which a lone unknown capitalised word is a place ("in Montreux").
PLACE_PREPS = _words("in near outside across throughout around towards toward Near Outside")
# Verbs of movement before "to" / "from" + a place ("moved to Aarhus", "fled from Mosul").
MOTION_VERBS = _words("moved move moves moving flew fly flies flying travelled traveled travel travels returned "
                      "return returns returning went go goes going fled flee flees fleeing emigrated relocated "
                      "deported transferred sailed drove walked marched retreated withdrew evacuated came")
# "the town of X", "the port of X": X is a place.
SETTLEMENT_NOUNS = _words("town city village port capital province region district municipality settlement "
                          "island county state republic towns cities villages ports settlements islands")
COMPASS = _words("north south east west northeast northwest southeast southwest north-east north-west "
                 "south-east south-west")
# Verbs whose "by X" is an organisation ("operated by Nordbahn", "acquired by Vodafone").
BY_ORG_VERBS = _words("operated owned acquired bought purchased published distributed manufactured sponsored "
                      "funded financed run managed")
# Words that open a sentence as a subject but name nobody ("Both said", "Many said").
SUBJECT_STOP = _words("Both Many Some Others All None Neither Each One Nobody Everyone Anyone Few Most Several "
                      "Two Three These Those Such Another Either Who What Which There Here Sources Critics")
# Nouns after "the X" that make X a polity ("the Galmudug government").
POLITY_AFTER_THE = _words("government authorities parliament province region")
# Nouns after "X's" that make X a polity ("Puntland's president").
POLITY_AFTER_POSS = _words("president government capital parliament prime foreign interior defence defense "
                           "economy borders border army military navy ambassador embassy constitution "
                           "parliamentary opposition ruling capital's")
# Verbs after an organisation or a person ("Petrobras said").
SUBJECT_VERBS = _words("said says told announced reported declined added stated confirmed denied warned "
                       "expects expected plans planned agreed")
# Nouns that name a vessel class; the capitalised words after them are a ship's name.
SHIP_NOUNS = _words("ship cruiser frigate destroyer corvette submarine vessel tanker warship flagship carrier "
                    "icebreaker minesweeper boat")
_SHIP_DET = _words("the The a A an An its their his her Russian Ukrainian")
# Lower-case heads that join the place before them into a facility or feature
# ("Saky air base", "Pechenihy reservoir"): first word -> [(words, label)], longest first.
FEATURE_HEADS: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _label in (
    ("air base", "FAC"), ("airbase", "FAC"), ("airfield", "FAC"), ("air field", "FAC"), ("airport", "FAC"),
    ("naval base", "FAC"), ("military base", "FAC"), ("army base", "FAC"), ("port", "FAC"), ("dam", "FAC"),
    ("bridge", "FAC"), ("refinery", "FAC"), ("oil refinery", "FAC"), ("power plant", "FAC"),
    ("nuclear power plant", "FAC"), ("power station", "FAC"), ("nuclear plant", "FAC"), ("npp", "FAC"),
    ("reservoir", "LOC"), ("river", "LOC"), ("lake", "LOC"), ("canal", "LOC"), ("bay", "LOC"), ("lagoon", "LOC"),
    ("estuary", "LOC"), ("spit", "LOC"), ("peninsula", "LOC"), ("strait", "LOC"),
):
    _parts = tuple(_phrase.split())
    FEATURE_HEADS.setdefault(_parts[0], []).append((_parts, _label))
for _v in FEATURE_HEADS.values():
    _v.sort(key=lambda x: -len(x[0]))

# Endings of surnames in the languages of the product's news (Slavic, Baltic, Caucasian,
# Turkish, Romanian, Greek, Armenian, Nordic patronymics).
_SURNAME = re.compile(
    r"(?:ov|ova|ev|eva|yov|yova|in|ina|yn|yna|enko|chenko|chuk|[iy]uk|sk[iy]|skyi|skyy|skiy|ska|sky|vich|vych|wicz|"
    r"ovic|ović|evic|ević|shvili|dze|ian|yan|oglu|oğlu|escu|opoulos|akis|ides|idis|sson|sen|czyk|ak|ek)$"
)
_DATELINE_MARK = frozenset({"(", "—", "–", "-", ","})  # not ":" ("QUESTION:", "MR KIRBY:")


def surname_shaped(w: str, first_names: frozenset[str], surnames: frozenset[str]) -> bool:
    """Whether a lone capitalised word before "said" can be a person's name.

    Args:
        w: the word.
        first_names: known given names.
        surnames: known surnames.

    Returns:
        True for a known given name or surname, or a word with a surname's ending.
    """
    return w in first_names or w in surnames or (len(w) > 3 and _SURNAME.search(w) is not None)


def dateline_end(words: list[str], i: int, n: int) -> int:
    """End of an all-caps dateline place starting at token ``i`` ("WARSAW (Reuters) -",
    "KHARKIV, Ukraine (AP) —"), or ``i`` when there is none.

    Args:
        words: token texts.
        i: a token at the start of the text or of a line.
        n: number of tokens.

    Returns:
        The index after the place's last word.
    """
    if i and not words[i - 1].isspace():
        return i
    j = i
    while j < n and j - i < 4 and len(words[j]) > 1 and words[j].isupper() and words[j].replace(".", "").isalpha():
        j += 1
    if j == i or j >= n or words[j] not in _DATELINE_MARK or (j - i == 1 and len(words[i]) < 3):
        return i
    return j


def place_context(words: list[str], s: int, end: int, n: int) -> str | None:
    """The label the context gives a capitalised run ``[s, end)`` of one or two words.

    Args:
        words: token texts.
        s: first token of the run.
        end: index after the run.
        n: number of tokens.

    Returns:
        "GPE" for a place read from its context, "ORG" for an organisation, "SUBJ" when a speech or reporting verb
        follows (the caller decides person or organisation), or None.
    """
    prev = words[s - 1] if s else ""
    nxt = words[end] if end < n else ""
    if nxt == "-" and end + 1 < n and words[end + 1] == "based" and not sentence_initial(words, s):
        return "GPE"  # "a Wexford-based charity"
    if nxt in ("'s", "’s") and end + 1 < n and words[end + 1] in POLITY_AFTER_POSS:
        return "GPE"
    if prev in ("the", "The") and nxt in POLITY_AFTER_THE:
        return "GPE"
    if prev in PLACE_PREPS and not sentence_initial(words, s):
        return "GPE"
    if prev in ("to", "from") and s > 1 and words[s - 2] in MOTION_VERBS:
        return "GPE"
    if prev == "of" and s > 1 and (words[s - 2] in COMPASS or (
            words[s - 2] in SETTLEMENT_NOUNS and s > 2 and words[s - 3] in ("the", "The", "of", "in"))):
        return "GPE"  # "12 km east of Varaždin", "the town of Lindau"
    if prev == "by" and s > 1 and words[s - 2] in BY_ORG_VERBS:
        return "ORG"
    if nxt in SUBJECT_VERBS:
        return "SUBJ"
    return None


def feature_head(words: list[str], end: int, n: int) -> tuple[int, str] | None:
    """A lower-case feature head right after a name ("air base", "reservoir").

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        (index after the head, label) or None.
    """
    if end >= n:
        return None
    heads = FEATURE_HEADS.get(words[end])
    if heads is None:
        return None
    for parts, label in heads:
        k = len(parts)
        if tuple(words[end:end + k]) == parts:
            return end + k, label
    return None


def ship_name_start(words: list[str], i: int) -> bool:
    """Whether the ship noun at token ``i`` is used as a class before a name ("the cruiser X").

    Args:
        words: token texts.
        i: index of a ship noun.

    Returns:
        True when a determiner or nationality stands within three words before it.
    """
    return any(w in _SHIP_DET for w in words[max(0, i - 3):i])


class ContextRules:
    """The context rules as methods of the rule tagger (which supplies ``phrase_at`` and
    ``name_like``)."""

    titles: dict[str, list[tuple[str, ...]]]

    def phrase_at(self, words: list[str], i: int, n: int, lw: str | None = None):  # pragma: no cover - Tagger's
        raise NotImplementedError

    def name_like(self, w: str) -> bool:  # pragma: no cover - Tagger's
        raise NotImplementedError

    @staticmethod
    def _one_sense(words: list[str], out: list[Cand]) -> None:
        """A name the context once showed to be a place, an organisation or a person is one
        wherever else it stands alone in the same text ("in Montreux" … "Montreux hosted";
        "the band Corvid Hollow" … "Corvid Hollow toured"). A lone word is followed only
        mid-sentence (a capital says little at a sentence start); a name of several words anywhere.

        Args:
            words: token texts.
            out: candidates so far; the new ones are appended.
        """
        sense: dict[str, str] = {}
        multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for c in out:
            if c.prio == CONTEXT:
                if c.end - c.start == 1:
                    sense.setdefault(words[c.start], c.label)
                else:
                    multi.setdefault(words[c.start], []).append((tuple(words[c.start:c.end]), c.label))
        done = {c.start for c in out if c.prio == CONTEXT}
        n = len(words)
        targets = sense.keys() | multi.keys()
        for i in [i for i, w in enumerate(words) if w in targets]:  # one C-speed pass over the text
            if i in done:
                continue
            w = words[i]
            label = sense.get(w)
            if label is not None and not sentence_initial(words, i) \
                    and not words[i - 1][:1].isupper() and not (i + 1 < n and words[i + 1][:1].isupper()):
                out.append(Cand(i, i + 1, label, CONTEXT, None))
            elif w in multi:
                for tup, label in multi[w]:
                    k = len(tup)
                    if tuple(words[i:i + k]) == tup and not (i + k < n and words[i + k][:1].isupper()) \
                            and (sentence_initial(words, i) or not words[i - 1][:1].isupper()):
                        out.append(Cand(i, i + k, label, CONTEXT, None))
                        break

    @staticmethod
    def _coordinated(words: list[str], out: list[Cand]) -> None:
        """A lone unknown capitalised word in a list with a known place or organisation is one
        too ("attacks on Aleppo and Daraya", "Daraya and Aleppo", "Gazprom or Novatek", "Gazprom,
        Novatek, Tarvex and Lukoil"). A run of commas is a list only when "and" / "or" joins it
        somewhere ("Paris, Texas" is no list).

        Args:
            words: token texts.
            out: candidates so far; the new ones are appended.
        """
        n = len(words)
        known: dict[int, Cand] = {}
        for c in out:
            if c.prio >= MEDIUM and c.label in _COORD_LABELS and (
                    (c.end < n and words[c.end] in _LIST_LINKS) or (c.start > 1 and words[c.start - 1] in _LIST_LINKS)):
                known.setdefault(c.start, c)
        if not known:
            return
        ends = {c.end: c for c in known.values()}
        found: list[tuple[int, str]] = []
        for c in list(known.values()):
            items: list[int] = []
            joined = False
            for step in (1, -1):  # right of the known name, then left of it
                k = c.end if step == 1 else c.start - 1
                while 0 < k < n - 1 and words[k] in _LIST_LINKS:
                    joined |= words[k] in _COORD
                    j = k + step
                    if words[j] in _LIST_LINKS and words[k] == ",":  # ", and"
                        joined |= words[j] in _COORD
                        j += step
                    if not 0 < j < n - 1:
                        break
                    other = known.get(j) if step == 1 else ends.get(j + 1)
                    if other is not None and other.label == c.label:  # another known name: go on past it
                        k = other.end if step == 1 else other.start - 1
                        continue
                    w = words[j]
                    if not (w[:1].isupper() and w.isalpha() and not w.isupper()) or w.lower() in HEADS \
                            or words[j - 1][:1].isupper() or words[j + 1][:1].isupper() or sentence_initial(words, j):
                        break
                    items.append(j)
                    k = j + step
            if joined:
                found += [(j, c.label) for j in items]
        if found:
            covered = {k for x in out if x.prio > CONTEXT for k in range(x.start, x.end)}
            for j, label in found:
                if j not in covered:
                    out.append(Cand(j, j + 1, label, CONTEXT, None))
                    covered.add(j)

    def _context(self, words: list[str], s: int, end: int, n: int, out: list[Cand]) -> tuple[int, int] | None:
        """Places read from the words around a short capitalised run, and place + feature head,
        for each capitalised part of the run ("Born", "Tórshavn" of "Born in Tórshavn").

        Args:
            words: token texts.
            s: first token of the run.
            end: index after the run.
            n: number of tokens.
            out: candidates are appended here.

        Returns:
            The span of the last part its context made an organisation, or None.
        """
        org = None
        while s < end:
            k = s
            while k < end and words[k][:1].isupper():
                k += 1
            if self._context_part(words, s, k, n, out):
                org = (s, k)
            s = k
            while s < end and not words[s][:1].isupper():
                s += 1
        return org

    def _context_part(self, words: list[str], s: int, end: int, n: int, out: list[Cand]) -> bool:
        """One capitalised part ``[s, end)``: place + feature head, else an organisation or a place
        read from context.

        Returns:
            True when the context made the part an organisation.
        """
        fh = feature_head(words, end, n)
        if fh is not None:
            hit = self.phrase_at(words, s, n)
            if hit is None or (hit[0] == end - s and hit[1].label in ("GPE", "LOC", "FAC")):
                out.append(Cand(s, fh[0], fh[1], MEDIUM, None))  # "Saky air base", "Pechenihy reservoir"
                return False
        if end - s > 4 or not all(self.name_like(w) and w.lower() not in HEADS for w in words[s:end]):
            return False  # not "in Parliament", "in Congress"
        sports = sports_name(words, s, end, n, self.phrase_at)
        if sports is not None:  # "played for Preston" (the club, not the town), "Denver Harriers"
            out.append(Cand(s, end, "ORG", FORCE if sports == "town" else MEDIUM, None))
            return True
        label = "PERSON" if born_after(words, end, n) else appositive_class(words, end, n)
        if label is None and org_event(words, end, n):
            label = "ORG"  # "X was formed in 1994", "X disbanded"
        if label is not None:  # "X, a shipping company,", "X is an English footballer", "X (born 1970)"
            out.append(Cand(s, end, label, MEDIUM, None))
            out.append(Cand(s, end, label, CONTEXT, None))  # the same name elsewhere in the text
            return label == "ORG"
        if end - s > 3:
            return False
        if end - s == 3:  # three words only after a place preposition ("near Dayr Az Zayr")
            if s and words[s - 1] in PLACE_PREPS and not sentence_initial(words, s):
                out.append(Cand(s, end, "GPE", CONTEXT, None))
            return False
        if org_context(words, s, end, n) and not any(w.lower() in self.titles for w in words[s:end]):
            out.append(Cand(s, end, "ORG", CONTEXT, None))  # "shares of X", "X, a shipping company,"
            return True
        label = place_context(words, s, end, n)
        if label == "GPE" or label == "ORG":
            out.append(Cand(s, end, label, CONTEXT, None))
        return label == "ORG"

    def _ship(self, words: list[str], i: int, n: int, out: list[Cand]) -> None:
        """"the landing ship Minsk", "the patrol ship Sergei Kotov": the name is a vessel.

        Args:
            words: token texts.
            i: index of the ship noun.
            n: number of tokens.
            out: candidates are appended here.
        """
        if not ship_name_start(words, i):
            return
        e = i + 1
        while e < n and e - i <= 5 and (words[e][:1].isupper() or (  # "Rostov-on-Don"
                words[e] in ("-", "on") and e + 1 < n and (words[e + 1][:1].isupper() or words[e + 1] in ("-", "on")))):
            e += 1
        while e > i + 1 and not words[e - 1][:1].isupper():
            e -= 1
        if e > i + 1 and not words[i + 1].isupper():
            out.append(Cand(i + 1, e, "WEAPON", FORCE, None))
