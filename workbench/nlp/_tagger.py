"""Token rules: gazetteer longest match, titled persons, given names, organisation /
place / facility head nouns, military units, acronyms, and pattern triggers.

Works on a plain list of token strings (``[t.text for t in doc]``) so the hot loop
touches only Python strings; the spaCy component turns the resulting token ranges
into ``doc.ents``.
"""

from __future__ import annotations

import re

from ._cand import MEDIUM, STRONG, WEAK, Cand
from ._context import CONTEXT, SHIP_NOUNS, ContextRules, dateline_end
from ._person_context import PersonRules
from ._lexicon import AMBIG, CTX, Lexicon
from ._org_context import (ORG_CLASS_NOUNS, PERSON_CLASS_NOUNS, acronym_start, class_noun_name_end,
                           class_noun_start)
from ._org_names import THE_INSTITUTIONS, joined_name_end
from ._patterns import ARTICLE_FOLLOW, K_MOD, K_NUMWORD, MONTHS, TRIGGER_WORDS, WEEKDAYS, trigger_kind
from ._sentences import SENT_END, sentence_initial
from ._words import (ADMIN_HEADS, CAP_ONLY_TITLES, CONNECTORS, FAC_FIRST, FAC_HEADS, LOC_FIRST, LOC_HEADS, LOW_CORP,
                     NOT_NAME, ORG_FIRST, ORG_HEADS, SHIP_PREFIXES, TAIL_LINKS, UNIT_HEADS, WEAPON_CUES, name_like)

__all__ = ["Cand", "Tagger", "STRONG", "MEDIUM", "WEAK"]

DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
# Unit heads that name a formation alone after an ordinal ("2nd Battalion"; not "2nd Group", "3rd Company")
_LONE_UNITS = frozenset("brigade regiment division battalion corps fleet squadron flotilla detachment army".split())


class Tagger(ContextRules, PersonRules):
    """Rule tagger bound to a Lexicon.

    Args:
        lex: the loaded Lexicon.
    """

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.first_names = lex.first_names
        self.phrases = lex.phrases
        self.seconds = lex.seconds
        self.titles = lex.titles
        self._name_cache: dict[str, bool] = {}
        self._cap_cache: dict[str, tuple[str, int | None, int]] = {}
        # every lower-case word some rule looks at: one set test per lower-case token
        # first words of entries that may start in lower case ("ballistic missiles"); "in" of
        # "In Salah" needs a capital, so a lower-case "in" is not even looked up
        self.low_phrases = lex.low_first
        self.low_any = frozenset(TRIGGER_WORDS) | frozenset(lex.titles) | self.low_phrases | SHIP_NOUNS | ORG_CLASS_NOUNS
        self.low_any |= PERSON_CLASS_NOUNS
        # words that cannot open a name after a class noun ("the company President", "the group Monday")
        self._class_stop = frozenset(lex.titles) | NOT_NAME | frozenset(w.lower() for w in DATE_WORDS)
        self.surnames = lex.surnames

    def name_like(self, w: str) -> bool:
        """Memoised ``name_like`` (the same words recur across a corpus)."""
        r = self._name_cache.get(w)
        if r is None:
            if len(self._name_cache) > 200_000:
                self._name_cache.clear()
            r = self._name_cache[w] = name_like(w)
        return r

    def _cap_info(self, w: str) -> tuple[str, int | None, int]:
        """What the rules need to know about a capitalised word, memoised per word string.

        Returns:
            (lower-cased word, trigger kind or None, flags: 1 ship prefix, 2 title, 4 phrase
            start, 8 trigger).
        """
        k = TRIGGER_WORDS.get(w)
        if k is None and not w.isalpha():
            k = trigger_kind(w)
            k = None if k < 0 else k
        lw = w.lower()
        flags = (1 if w in SHIP_PREFIXES else 0) | (2 if lw in self.titles else 0) | (4 if lw in self.phrases else 0)
        flags |= 8 if k is not None else 0
        if len(self._cap_cache) > 200_000:
            self._cap_cache.clear()
        info = self._cap_cache[w] = (lw, k, flags)
        return info

    # -- gazetteer -----------------------------------------------------------------------
    def phrase_at(self, words: list[str], i: int, n: int, lw: str | None = None):
        """Longest gazetteer phrase starting at token ``i``.

        Args:
            words: token texts.
            i: start token.
            n: number of tokens.
            lw: ``words[i].lower()`` when the caller has it.

        Returns:
            (length, Phrase) or None.
        """
        if lw is None:
            lw = words[i].lower()
        groups = self.lex.groups(lw)  # parsed on first use
        if not groups:
            return None
        sec = self.seconds.get(lw)
        multi = sec is not None and i + 1 < n and words[i + 1].lower() in sec
        entry = self.lex.entry
        for k, table in groups:
            if k == 1:
                ph = entry(table, lw)
            elif not multi or i + k > n:
                continue
            else:
                ph = entry(table, " ".join(map(str.lower, words[i:i + k])))
            if ph is None:
                continue
            if ph.caps:
                if not all(words[i + j][:1].isupper() for j in ph.caps):
                    continue
                w0 = words[i]
                if len(w0) > 1 and w0.isupper() and not ph.canonical.isupper() \
                        and not any(ch.isupper() for ch in ph.canonical[1:]):
                    continue  # "ODE" is not the town "Ode"
            return k, ph
        return None

    def _known_at(self, words: list[str], i: int) -> str | None:
        """What a list knows starting at token ``i``: a gazetteer label, "TITLE" or "NAME" (a given
        name), else None."""
        n = len(words)
        hit = self.phrase_at(words, i, n)
        if hit is not None:
            return hit[1].label
        if self.lex.title_len(words, i, n):
            return "TITLE"
        return "NAME" if words[i] in self.first_names else None

    def _near_cue(self, words: list[str], i: int, j: int) -> bool:
        return any(w.lower() in WEAPON_CUES for w in words[max(0, i - 3):i] + words[j:j + 3])

    # -- main ------------------------------------------------------------------------------
    def tag(self, words: list[str]) -> tuple[list[Cand], list[tuple[int, int]], list[int]]:
        """Run every token rule.

        Args:
            words: token texts of one document.

        Returns:
            (candidate spans, overlapping and resolved later; pattern triggers as
            (token index, trigger kind); indexes of sentence-final tokens - ". ! ?" and
            line breaks - for the sentence splitter).
        """
        out: list[Cand] = []
        trig: list[tuple[int, int]] = []
        n = len(words)
        titles = self.titles
        phrases = self.phrases
        tw = TRIGGER_WORDS
        low_any = self.low_any
        low_phrases = self.low_phrases
        cap_info = self._cap_cache
        ends: list[int] = []
        run_end = 0
        for i, w in enumerate(words):
            c0 = w[0]
            if c0.islower():
                if w in low_any:
                    k = tw.get(w)
                    if k is not None and (k != K_NUMWORD or len(w) > 2 or (i + 1 < n and words[i + 1] in ARTICLE_FOLLOW)):
                        trig.append((i - 1, k) if (k == K_MOD and i and words[i - 1] in ("the", "The")) else (i, k))
                    if w in titles and w not in CAP_ONLY_TITLES:
                        self._title(words, i, n, w, out)
                    if w in low_phrases:
                        self._gaz(words, i, n, out, w)
                    if w in SHIP_NOUNS and i + 1 < n and words[i + 1][:1].isupper():
                        self._ship(words, i, n, out)
                    elif (w in ORG_CLASS_NOUNS or w in PERSON_CLASS_NOUNS) and i + 1 < n \
                            and words[i + 1][:1].isupper():
                        self._class_noun(words, i, n, out)
                continue
            if c0.isupper():
                info = cap_info.get(w)
                if info is None:
                    info = self._cap_info(w)
                lw, k, flags = info
                if flags:
                    if k is not None:
                        trig.append((i, k))
                    if flags & 1 and i + 1 < n and words[i + 1][:1].isupper():
                        e = self._name_end(words, i + 1, n, 4)
                        if e > i + 1:
                            out.append(Cand(i, e, "WEAPON", STRONG, None))  # "USS Mahan", "HMS Daring"
                    if flags & 2:
                        self._title(words, i, n, lw, out)
                    if flags & 4:
                        self._gaz(words, i, n, out, lw)
                if lw in THE_INSTITUTIONS and i and words[i - 1] in ("the", "The"):
                    out.append(Cand(i, i + 1, "ORG", MEDIUM, None))  # "the Treasury": a capital names one
                if i >= run_end:
                    run_end = self._capseq(words, i, n, out)
                continue
            if c0.isdigit():
                k = trigger_kind(w)
                if k >= 0:
                    trig.append((i, k))
                if w in phrases:
                    self._gaz(words, i, n, out)
            elif c0 in "$€£₽₴¥":
                trig.append((i, tw.get(w, 6)))
            elif w in SENT_END or (c0.isspace() and "\n" in w):
                ends.append(i)
        if out:
            self._coordinated(words, out)
        if any(c.prio == CONTEXT for c in out):
            self._one_sense(words, out)
        return out, trig, ends

    def _gaz(self, words: list[str], i: int, n: int, out: list[Cand], lw: str | None = None) -> None:
        hit = self.phrase_at(words, i, n, lw)
        if not hit:
            return
        k, ph = hit
        if ph.flags & CTX and not self._near_cue(words, i, i + k):
            return
        if ph.flags & AMBIG:
            if sentence_initial(words, i):
                return
            out.append(Cand(i, i + k, ph.label, WEAK, ph.canonical))
        else:
            out.append(Cand(i, i + k, ph.label, STRONG, ph.canonical))

    def _class_noun(self, words: list[str], i: int, n: int, out: list[Cand]) -> None:
        """"the band Corvid Hollow", "US chipmaker Vantrel": the name after a class noun is an
        organisation; "the guitarist Jon Hale": a person (ranked below a gazetteer entry of the
        same span).

        Args:
            words: token texts.
            i: index of the class noun.
            n: number of tokens.
            out: candidates are appended here.
        """
        if not class_noun_start(words, i):
            return
        e = class_noun_name_end(words, i + 1, n, self._class_stop)
        if e <= i + 1:
            return
        if words[i] in ORG_CLASS_NOUNS:
            label = "ORG"
        elif words[i] not in self.titles and all(self.name_like(x) and x.lower() not in ORG_HEADS for x in words[i + 1:e]):
            label = "PERSON"
        else:
            return
        out.append(Cand(i + 1, e, label, MEDIUM, None))
        out.append(Cand(i + 1, e, label, CONTEXT, None))  # the same name elsewhere in the text

    # -- capitalised runs ------------------------------------------------------------------
    def _capseq(self, words: list[str], i: int, n: int, out: list[Cand]) -> int:
        """Scan the capitalised run starting at ``i``; emit ORG / LOC / FAC / PERSON guesses.

        Returns:
            The index after the run (inner tokens are not rescanned).
        """
        if (i == 0 or words[i - 1].isspace()) and words[i].isupper():
            d = dateline_end(words, i, n)
            if d > i:  # "WARSAW (Reuters) -": a place, not an acronym
                ph = self.lex.lookup(" ".join(words[i:d]))
                canonical = ph.canonical if ph is not None and ph.label in ("GPE", "LOC") else None
                out.append(Cand(i, d, "GPE", STRONG, canonical or " ".join(words[i:d]).title()))
                return d
        j = i
        last_cap = i
        list_at = n  # where a joined list ("Health and Social Care") starts: its words are no heads
        while j < n:
            w = words[j]
            if w[0].isupper() or (w in LOW_CORP and j > i):  # "Larchfield plc"
                last_cap = j
                j += 1
            elif (w in CONNECTORS or w == "-") and j + 1 < n and (
                words[j + 1][0].isupper() or (words[j + 1] in ("the", "-") and j + 2 < n and words[j + 2][0].isupper())
            ):
                j += 1
            elif w in ("and", ",") and j > i:
                e = joined_name_end(words, i, j, n, lambda k: self._known_at(words, k))  # "Health and Social Care"
                if e >= 0:
                    last_cap = e - 1  # the list closes the name
                    if "of" in words[i:j] or "for" in words[i:j]:
                        list_at = j  # the head is before the list ("Department for Culture, Media and Sport")
                break
            else:
                break
        end = last_cap + 1
        s = i
        titles = self.titles
        while s < end:
            low = words[s].lower()
            if low not in NOT_NAME or low in titles:
                break
            s += 1
        if s >= end:
            return end
        org_span = self._context(words, s, end, n, out) if end - s <= 6 else None
        if end - s == 1:  # fast path: a lone capitalised word
            if s and words[s].lower() in _LONE_UNITS and _ORDINAL.match(words[s - 1]):
                out.append(Cand(s - 1, end, "MILITARY_UNIT", MEDIUM, None))  # "2nd Battalion", "5th Fleet"
                return end
            self._people(words, s, end, n, out, org_span)
            return end
        a = acronym_start(words, s, end, n)
        if a >= 0:  # "Morvane Kessel Trading (MKT)": a defined name is an organisation
            hit = self.phrase_at(words, a, n)
            if hit is None or hit[0] != end - a:
                out.append(Cand(a, end, "ORG", STRONG, None))
                org_span = (a, end)
        # organisation / place / facility by head noun
        lows = [w.lower() for w in words[s:end]]
        head = -1
        kind = ""
        for k in range(min(len(lows), list_at - s) - 1, -1, -1):
            x = lows[k]
            if x in ORG_HEADS:
                head, kind = s + k, "ORG"
            elif x in FAC_HEADS:
                head, kind = s + k, "FAC"
            elif x in LOC_HEADS:
                head, kind = s + k, "LOC"
            elif x in ADMIN_HEADS:
                head, kind = s + k, "GPE"
            else:
                continue
            break
        covered = (end, end)
        if head >= 0:
            covered = self._headed(words, s, end, head, kind, lows, out)
        # acronyms, given names, initials, speech verbs on the rest of the run
        self._people(words, s, covered[0], n, out, org_span)
        self._people(words, covered[1], end, n, out, org_span)
        return end

    def _headed(self, words: list[str], s: int, end: int, head: int, kind: str, lows: list[str],
                out: list[Cand]) -> tuple[int, int]:
        """Emit the head-noun candidate; returns the token range it covers."""
        e = head + 1
        if e < end and words[e] in TAIL_LINKS and words[e + 1] not in DATE_WORDS:  # not "… NPP on Monday"
            e = end
        start = s
        first = lows[0]
        # "Analysts of the American Institute …": a sentence-initial common noun is not part of the name
        if (head > s + 1 and sentence_initial(words, s) and words[s + 1] in CONNECTORS and first not in ORG_HEADS
                and first not in LOC_HEADS and first not in FAC_HEADS and not self.lex.title_len(words, s, end)
                and first not in self.phrases):
            start = s + 1
            while start < head and words[start] in CONNECTORS:
                start += 1
            s = start
            lows = [w.lower() for w in words[s:end]]
            first = lows[0]
        if head == s and ((kind in ("LOC", "FAC") and (first in LOC_FIRST or first in FAC_FIRST))
                          or (kind == "ORG" and first in ORG_FIRST)):
            e = end  # "Gulf of Oman", "Camp Bastion", "Lake Chad", "FC Rostov"
        for k in range(head - 1, s - 1, -1):  # "Envoy for the Global Coalition": start after a title
            if kind in ("GPE", "LOC") and words[k] == "in":  # "Tel Tamer in Hasaka Province"
                start = k + 1
                break
            if lows[k - s] in self.titles and len(self.titles[lows[k - s]][-1]) == 1:
                start = k + 1
                while start < head and words[start] in CONNECTORS:
                    start += 1
                break
        if start < end - 1 and start == s:  # "American Institute for the Study of War"
            first_ph = self.phrase_at(words, start, end)
            rest = self.phrase_at(words, start + 1, end)
            if first_ph and first_ph[0] == 1 and first_ph[1].label == "NORP" and rest and start + 1 + rest[0] == e:
                return (start, e)
        prev = words[start - 1] if start > 0 else ""
        if kind == "ORG" and _ORDINAL.match(prev) and any(x in UNIT_HEADS for x in lows[start - s:e - s]):
            out.append(Cand(start - 1, e, "MILITARY_UNIT", MEDIUM, None))
            return (start, e)
        if e - start >= 2 or (kind == "LOC" and e - start == 1 and start != head):
            out.append(Cand(start, e, kind, MEDIUM, None))
        return (start, e)
