"""The spaCy component "workbench_entities": rules + gazetteer, alone or over a trained NER.

Importing this module is cheap: spaCy and numpy load when ``register`` adds the factory
(the loader calls it right after importing spaCy) and when a Doc is tagged.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, NamedTuple

from ._keys import LITE_KEY, META_KEY, NAMES_KEY, OWN_KEY, STATE_KEY, TEXT_KEY
from ._lexicon import AMBIG, CORE, Lexicon, load_lexicon
from ._patterns import CharCand, match_at
from ._resolve import MODEL_PRIO, Picked, free_ranges, resolve
from ._sentences import sentence_initial, sentence_starts
from ._tagger import STRONG, Cand, Tagger
from ._words import FAC_HEADS, LOC_HEADS, ORG_HEADS, name_like

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["FACTORY", "EntityRules", "Tagged", "make_entities", "register"]

FACTORY = "workbench_entities"

HEADS = ORG_HEADS | LOC_HEADS | FAC_HEADS

_ACR = re.compile(r"^[A-Z][A-Z0-9&-]{1,9}$")
# What a real date mention contains: a month or weekday, a year, a counted period, a relative day
_DATE_SHAPE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?(?:\s|$|,)|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|\b(?:1[5-9]|20)\d\d(?:s)?\b|(?i:\b\d+(?:st|nd|rd|th)?\b.*\b(?:hour|day|week|month|year|decade|centur)"
    r"|\b(?:today|yesterday|tomorrow|tonight)\b|\b(?:this|last|next|past|coming|previous|recent|few|several|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|a)\b.*\b(?:hour|day|week|weekend|month|year|decade|century|"
    r"spring|summer|autumn|fall|winter)s?\b)|\b(?:Christmas|Easter|Ramadan|Thanksgiving|Eid|New Year)"
)
_THE = frozenset({"the", "The"})


class Tagged(NamedTuple):
    """What the rules found in one tokenized text (``EntityRules.tag_words``).

    Attributes:
        picked: the entities as token ranges, sorted.
        meta: the entities as (start_char, end_char, label, origin, canonical hint).
        names: (surnames, acronyms) the text defines.
        state: for a chunk, what ``EntityRules.with_names`` needs; else None.
        ends: indexes of sentence-final tokens, ascending.
    """

    picked: list[Picked]
    meta: list[tuple]
    names: tuple[frozenset[str], frozenset[str]]
    state: tuple | None
    ends: list[int]
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_KEEP_THE = frozenset({"DATE", "TIME", "EVENT", "WORK_OF_ART", "LAW", "QUANTITY", "MONEY", "CARDINAL"})
_ADMIN = frozenset("province district region oblast governorate county prefecture raion krai okrug "
                   "municipality".split())
_THE_LABELS = frozenset({"ORG", "LOC", "FAC", "MILITARY_UNIT", "EVENT", "LAW"})


def register() -> None:
    """Register the ``workbench_entities`` factory with spaCy (once per process)."""
    from spacy.language import Language  # the caller has spaCy loaded already

    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, default_config={"hybrid": False, "sentences": True}, func=make_entities)


def make_entities(nlp: Language, name: str, hybrid: bool, sentences: bool) -> "EntityRules":
    """spaCy factory.

    Args:
        nlp: the pipeline.
        name: component name.
        hybrid: True to merge with entities already set by a trained NER.
        sentences: also set sentence starts (the built-in pipeline has no parser).

    Returns:
        The component.
    """
    return EntityRules(load_lexicon(), hybrid, sentences)


class EntityRules:
    """Sets ``doc.ents`` from rules, optionally merged with a trained model's entities.

    Args:
        lex: the compiled lexicon.
        hybrid: merge with (and correct) ``doc.ents`` set by an earlier NER component.
        sentences: set sentence boundaries.
    """

    def __init__(self, lex: Lexicon, hybrid: bool = False, sentences: bool = True) -> None:
        self.lex = lex
        self.hybrid = hybrid
        self.sentences = sentences
        self.tagger = Tagger(lex)
        # single title words without their dots ("sgt", "capt") plus service names ("navy")
        self._title_words = frozenset(
            t[0].rstrip(".") for ts in lex.titles.values() for t in ts if len(t) == 1 or t[1:] == (".",)
        ) | frozenset({"navy", "army", "air", "force", "marine", "marines", "staff", "brig", "spc"})

    def __call__(self, doc: Doc) -> Doc:
        """Tag one document.

        Args:
            doc: a tokenised Doc (with model entities in hybrid mode).

        Returns:
            The same Doc with ``doc.user_data[META_KEY]`` set and, unless the
            ``LITE_KEY`` flag asks otherwise, ``doc.ents`` and sentence starts.
        """
        import numpy
        from spacy.attrs import IDX, ORTH, SENT_START, SPACY

        n = len(doc)
        if not n:
            doc.user_data.pop(TEXT_KEY, None)
            doc.user_data.pop(LITE_KEY, None)
            doc.user_data[META_KEY] = []
            return doc
        # token texts and offsets from C arrays (iterating Token objects costs ~3x more)
        starts = doc.to_array(IDX).tolist()
        spaces = doc.to_array(SPACY).tolist()  # 1 when a token is followed by one space
        text = doc.user_data.pop(TEXT_KEY, None)
        lite = doc.user_data.pop(LITE_KEY, False)  # EntityPipeline.extract discards the Doc
        if text is not None and len(text) == starts[-1] + len(doc[-1].text_with_ws):
            starts.append(len(text))
            words = [text[a:b - sp] for a, b, sp in zip(starts, starts[1:], spaces)]
        else:
            words = list(map(doc.vocab.strings.__getitem__, doc.to_array(ORTH).tolist()))
            text = "".join([w + " " if sp else w for w, sp in zip(words, spaces)])
            starts.append(len(text))
        model = self._model_cands(doc, words) if self.hybrid else None
        tagged = self.tag_words(words, starts, text, doc.user_data.pop(OWN_KEY, None), model)
        if self.sentences and not lite:
            arr = numpy.full(n, -1, dtype="int64")
            arr[sentence_starts(words, tagged.ends)] = 1
            doc.from_array([SENT_START], arr.astype("uint64").reshape(n, 1))
        doc.user_data[NAMES_KEY] = tagged.names
        if tagged.state is not None:  # a chunk: EntityPipeline may finish it again with the other chunks' names
            doc.user_data[STATE_KEY] = tagged.state
        if not lite:
            self._set_ents(doc, tagged.picked, n)
        doc.user_data[META_KEY] = tagged.meta
        return doc

    def tag_words(self, words: list[str], starts: list[int], text: str, own: int | None = None,
                  model: list[Cand] | None = None) -> Tagged:
        """The rules on a tokenized text, without a spaCy Doc (the built-in pipeline's core).

        Args:
            words: token texts (``Token.text``), at least one.
            starts: each token's character offset, then ``len(text)`` (one more than ``words``).
            text: the text.
            own: the text is a chunk of a longer one and owns its first ``own`` characters:
                names are taken from there only, and ``state`` is returned (None: a whole text).
            model: a trained NER's entities as candidates (hybrid mode), else None.

        Returns:
            The entities (token ranges and the ``META_KEY`` list), the names the text defines,
            the chunk state, and the sentence-final tokens (``sentence_starts`` turns them into
            sentence starts).
        """
        n = len(words)
        cands, triggers, ends = self.tagger.tag(words)
        chars: list[CharCand] = []
        for i, kind in triggers:
            match_at(text, starts[i], kind, words[i - 1] if i else "", chars)
        for c in chars:  # snap to tokens (expand)
            ts = bisect_right(starts, c.start) - 1
            te = bisect_left(starts, c.end, ts + 1, n)
            if ts < te:
                cands.append(Cand(ts, te, c.label, STRONG, None))
        picked = resolve(cands, n, model)
        surnames, acronyms = self._defined(words, picked, starts if own is not None else None, own)
        state = (words, starts, picked, surnames, acronyms) if own is not None else None
        picked = self._articles(words, self._propagate(words, picked, surnames, acronyms))
        return Tagged(picked, self._meta(words, starts, picked), (frozenset(surnames), frozenset(acronyms)),
                      state, ends)

    def with_names(self, state: tuple, surnames: set[str] | frozenset[str],
                   acronyms: set[str] | frozenset[str]) -> list[tuple]:
        """Finish a chunk again as if the names defined in the rest of its text were its own.

        Args:
            state: ``doc.user_data[STATE_KEY]`` of the chunk's Doc.
            surnames: surnames defined elsewhere in the text.
            acronyms: acronyms defined elsewhere in the text.

        Returns:
            The entity list, as ``doc.user_data[META_KEY]``.
        """
        words, starts, picked, own_surnames, own_acronyms = state
        picked = self._propagate(words, picked, own_surnames | surnames, own_acronyms | acronyms)
        return self._meta(words, starts, self._articles(words, picked))

    @staticmethod
    def _meta(words: list[str], starts: list[int], picked: list[Picked]) -> list[tuple]:
        meta = []
        for p in picked:
            last = p.end - 1
            meta.append((starts[p.start], starts[last] + len(words[last]), p.label, p.origin, p.canonical))
        return meta

    @staticmethod
    def _set_ents(doc: Doc, picked: list[Picked], n: int) -> None:
        """Write entities through a C array (faster than creating Span objects)."""
        import numpy
        from spacy.attrs import ENT_IOB, ENT_TYPE

        iob = [2] * n  # O
        typ = [0] * n
        add_string = doc.vocab.strings.add
        for p in picked:
            h = add_string(p.label)
            iob[p.start] = 3  # B
            typ[p.start] = h
            for j in range(p.start + 1, p.end):
                iob[j] = 1  # I
                typ[j] = h
        doc.from_array([ENT_IOB, ENT_TYPE], numpy.array([iob, typ], dtype="uint64").T)

    # -- hybrid ----------------------------------------------------------------------------
    def _model_cands(self, doc: Doc, words: list[str]) -> list[Cand]:
        out = []
        for e in doc.ents:
            s, t = e.start, e.end
            if e.label_ == "PERSON":
                s = self.lex.skip_titles(words, s, t)
            elif words[s] in _THE and t - s > 1 and e.label_ not in _KEEP_THE:
                s += 1  # one article convention for rules and model: _articles() puts it back where due
            while t - s > 1 and words[t - 1] in ("'s", "’s", "'", "’"):
                t -= 1
            if e.label_ == "DATE" and not _DATE_SHAPE.search(e.text):
                continue  # "daily", "weeks", "42", "march": the stock model's false dates
            if e.label_ in _NAME_LABELS and (
                not any(ch.isupper() for ch in e.text)  # "jack"
                or all(w.lower().rstrip(".") in self._title_words for w in words[s:t] if w != ".")  # "Sgt", "Navy Capt"
            ):
                continue
            if s < t:
                out.append(Cand(s, t, e.label_, MODEL_PRIO, None))
        return out

    # -- document-level propagation ----------------------------------------------------------
    def _defined(self, words: list[str], picked: list[Picked], starts: list[int] | None = None,
                 own: int | None = None) -> tuple[set[str], set[str]]:
        """Surnames (last words of person names) and acronyms defined as "Name (ACR)".

        Args:
            words: token texts.
            picked: resolved entities.
            starts: token start offsets (needed with ``own``).
            own: only entities starting before this character count (None: all).

        Returns:
            (surnames, acronyms).
        """
        n = len(words)
        mine = picked if own is None or starts is None else [p for p in picked if starts[p.start] < own]
        surnames: set[str] = set()
        for p in mine:
            if p.label == "PERSON":
                last = words[p.end - 1]
                if len(last) > 2 and name_like(last) and not self._strong_single(last):
                    surnames.add(last)
                    # the name and its tails, space-joined ("Johnson Sirleaf", "bin Khalifa", "de la Fuente"):
                    # a later bare surname takes the parts written before it, not the role in front
                    first = max(p.start + sentence_initial(words, p.start), self.lex.skip_titles(words, p.start, p.end))
                    for k in range(first, p.end - 1):
                        surnames.add(" ".join(words[k:p.end]))
        acronyms: set[str] = set()
        for p in mine:
            if p.label in ("ORG", "MILITARY_UNIT") and p.end + 2 < n and words[p.end] == "(" and words[p.end + 2] == ")":
                if _ACR.match(words[p.end + 1]):
                    acronyms.add(words[p.end + 1])
        return surnames, acronyms

    def _propagate(self, words: list[str], picked: list[Picked], surnames: set[str],
                   acronyms: set[str]) -> list[Picked]:
        """Tag later bare surnames and defined acronyms; a known surname beats a weak place."""
        n = len(words)
        if not surnames and not acronyms:
            return picked
        out = []
        for p in picked:
            if p.end - p.start == 1 and p.label != "PERSON" and words[p.start] in surnames and (
                p.origin == "model" or p.label in ("GPE", "LOC", "FAC", "ORG")
            ) and not self._strong_single(words[p.start]):
                p = p._replace(label="PERSON", canonical=None)
            elif p.end - p.start == 1 and words[p.start] in acronyms and p.label != "ORG":
                p = p._replace(label="ORG", canonical=None)
            out.append(p)
        taken = free_ranges(out, n)
        targets = surnames | acronyms
        for i in [i for i, w in enumerate(words) if w in targets]:
            if not taken[i]:
                w = words[i]
                out.append(Picked(i, i + 1, "PERSON" if w in surnames else "ORG", "rule", None))
        out.sort()
        tails = {tuple(x.split(" ")) for x in surnames if " " in x}
        return _whole_names(words, out, tails, self.lex.first_names) if tails else out

    @staticmethod
    def _articles(words: list[str], picked: list[Picked]) -> list[Picked]:
        """Include a preceding "the" in descriptive organisation and place names - those
        built on a head noun (OntoNotes convention, which trained English pipelines
        follow): "the Syrian Democratic Forces", "the Red Sea", "the Coalition"; not in
        brand-like names ("Reuters", "NATO"); an acronym takes it when its curated
        expansion is descriptive ("the SDF": Syrian Democratic Forces)."""
        out: list[Picked] = []
        prev_end = 0
        for p in picked:
            if (p.label == "WEAPON" and out and out[-1].label == "WEAPON" and out[-1].end == p.start
                    and words[p.start][:1].isupper() and any(ch.isupper() for ch in words[out[-1].start])):
                out[-1] = out[-1]._replace(end=p.end, canonical=None)  # "M1A1 Abrams", "Leopard 2A6"
                prev_end = p.end
                continue
            s = p.start
            if s > prev_end and words[s - 1] in _THE and (p.canonical or "").startswith("the "):
                p = p._replace(start=s - 1)  # "the West"
            elif s > prev_end and words[s - 1] in _THE and p.label in _THE_LABELS and (
                any(w.lower() in HEADS for w in words[s:p.end])
                or (p.canonical and any(w.lower() in HEADS for w in p.canonical.split()))
            ):
                p = p._replace(start=s - 1)
            if p.label == "GPE" and p.end < len(words) and words[p.end].lower() in _ADMIN:
                p = p._replace(end=p.end + 1)  # "Idlib province", "Donetsk Oblast"
            out.append(p)
            prev_end = p.end
        return out

    def _strong_single(self, w: str) -> bool:
        """Whether ``w`` alone is an unambiguous gazetteer entry (a country, a curated org)."""
        ph = self.lex.single(w.lower())
        return ph is not None and bool(ph.flags & CORE) and not ph.flags & AMBIG


def _whole_names(words: list[str], picked: list[Picked], tails: set[tuple[str, ...]],
                 first_names: frozenset[str]) -> list[Picked]:
    """Give a person mention the parts of a known multi-part name written before its surname
    ("Johnson Sirleaf", "bin Khalifa", "de la Fuente"), and drop a sentence's first word
    glued to a known name ("Afterwards Johnson Sirleaf").

    Args:
        words: token texts.
        picked: resolved entities, sorted.
        tails: known person names and their tails, as token tuples.
        first_names: known given names (never dropped).

    Returns:
        The entities, sorted.
    """
    longest = max(map(len, tails))
    parts = {w for t in tails for w in t}
    out: list[Picked] = []
    prev_end = 0
    for p in picked:
        if p.label == "PERSON":
            s = p.start
            for k in range(min(longest, p.end - prev_end), p.end - p.start, -1):
                if tuple(words[p.end - k:p.end]) in tails:
                    s = p.end - k
                    break
            if s == p.start and p.end - s >= 2 and words[s] not in parts and words[s] not in first_names \
                    and sentence_initial(words, s) \
                    and tuple(words[s + 1:p.end]) in tails:
                s += 1
            if s != p.start:
                p = p._replace(start=s)
        out.append(p)
        prev_end = p.end
    return out
