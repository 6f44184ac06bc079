"""EntityPipeline: one object that turns text into entity mention dicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ._canon import canonicalise
from ._chunks import chunk_spans
from ._component import FACTORY, EntityRules
from ._keys import LITE_KEY, META_KEY, NAMES_KEY, OWN_KEY, STATE_KEY, TEXT_KEY
from ._lexicon import Lexicon
from ._russian import extract_russian
from ._slavic_be import extract_belarusian
from ._tokenizer import Tokenizer
from ._ukrainian import extract_ukrainian

RUSSIAN_LANGS = frozenset({"ru", "uk", "be"})
MAX_LENGTH = 1_000_000  # spaCy's default Language.max_length: the longest text run in one piece


class EntityPipeline:
    """A loaded entity pipeline (built-in rules, a trained spaCy model, or both).

    Attributes:
        name: the resolved choice, e.g. "builtin" or "hybrid:en_core_web_md".
        fingerprint: short stable hex; changes iff output could change.
        nlp: the underlying spaCy Language (for callers that want Docs); the built-in
            pipeline builds it on first access (its own path never imports spaCy).

    Args:
        name: resolved pipeline name.
        nlp: spaCy Language whose ``doc.ents`` are the answer, or None with ``make_nlp``.
        fingerprint: see above.
        lexicon: the compiled lexicon (canonical names, titles).
        tokenizer: with ``rules``, the spaCy-free path: spaCy's English tokenization
            replayed from exported rules, then the rules component on the word lists.
        rules: the rules component run on ``tokenizer``'s word lists.
        make_nlp: builds ``nlp`` on first access (when ``nlp`` is None).
    """

    def __init__(self, name: str, nlp: Any, fingerprint: str, lexicon: Lexicon, *,
                 tokenizer: Tokenizer | None = None, rules: EntityRules | None = None,
                 make_nlp: Callable[[], Any] | None = None) -> None:
        if nlp is None and make_nlp is None:
            raise ValueError("EntityPipeline needs a spaCy pipeline or a way to build one")
        if (tokenizer is None) != (rules is None):
            raise ValueError("EntityPipeline: the spaCy-free path needs both a tokenizer and the rules")
        self.name = name
        self._nlp = nlp
        self._make_nlp = make_nlp
        self.fingerprint = fingerprint
        self.lexicon = lexicon
        self._tokenizer = tokenizer
        self._rules = rules

    @property
    def nlp(self) -> Any:
        """The spaCy Language (for callers that want Docs), built on first access when lazy."""
        if self._nlp is None:
            assert self._make_nlp is not None
            self._nlp = self._make_nlp()
        return self._nlp

    @property
    def _rules_only(self) -> bool:
        """Whether ``nlp`` is the rules component alone (no trained model to batch)."""
        return list(self.nlp.pipe_names) == [FACTORY]

    def __repr__(self) -> str:
        return f"EntityPipeline(name={self.name!r}, fingerprint={self.fingerprint!r})"

    # -- public ------------------------------------------------------------------------
    def extract(self, text: str, language: str = "en") -> list[dict]:
        """Find entity mentions in one text.

        Args:
            text: the article text.
            language: ISO 639-1 code. "uk" runs the Ukrainian path (pymorphy3 morphology,
                the KATOTTG gazetteer, rules); "ru" natasha (Russian models) with rules;
                "be" the Ukrainian rules with a Belarusian gazetteer; anything else runs this pipeline (English rules/model, which still
                find Latin-script names).

        Returns:
            Mention dicts {start, end, label, text, canonical, origin}, sorted by start,
            non-overlapping, offsets into exactly ``text``.
        """
        return self.extract_batch([text], [language])[0]

    def extract_batch(self, texts: list[str], languages: list[str] | None = None, *,
                      max_chars: int | None = None) -> list[list[dict]]:
        """Find entity mentions in many texts (``nlp.pipe`` batches a trained model; the
        built-in pipeline tokenizes with its own replay of spaCy's tokenizer and runs the rules
        on word lists, without spaCy).

        A text longer than ``max_chars`` is run in chunks cut at paragraph (else sentence)
        borders; the mentions come back with offsets into the whole text, and canonical
        names are chosen over the whole text, as for a short one.

        Args:
            texts: article texts.
            languages: one code per text (default all "en").
            max_chars: longest text run in one piece (default: the spaCy pipeline's
                ``max_length``, 1,000,000 characters unless changed; the built-in pipeline's
                1,000,000 until its ``nlp`` is built).

        Returns:
            One mention list per text, in input order.
        """
        if languages is None:
            languages = ["en"] * len(texts)
        if len(languages) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(languages)} languages")
        out: list[list[dict]] = [[] for _ in texts]
        latin = [i for i, lang in enumerate(languages) if _base(lang) not in RUSSIAN_LANGS]
        cyr = [i for i, lang in enumerate(languages) if _base(lang) in RUSSIAN_LANGS]
        if latin:
            limit = max_chars or (self._nlp.max_length if self._nlp is not None else MAX_LENGTH)
            units = [(i, start, own, end) for i in latin for start, own, end in chunk_spans(texts[i], limit)]
            chunked = {i for i, start, _, _ in units if start > 0}
            runs = [(texts[i][start:end], {OWN_KEY: own - start} if i in chunked else {})
                    for i, start, own, end in units]           # a whole-text slice is no copy
            raw, docs = [], []
            for found, names, state in self._tag(runs):
                raw.append(found)
                if chunked:  # names each chunk defines, and its state for finishing it again
                    docs.append((names, state))
            if chunked:
                self._share_names(units, runs, raw, docs)
            for i, (mentions, hints) in _merge(units, raw).items():
                out[i] = self.finish(texts[i], mentions, hints)
        if cyr:
            for i in cyr:  # each language its own path: Ukrainian never goes through natasha alone
                lang = _base(languages[i])
                if lang == "uk":
                    out[i] = extract_ukrainian(texts[i], self.lexicon)
                elif lang == "be":   # no Belarusian model or dictionary: the Ukrainian rules, be places
                    out[i] = extract_belarusian(texts[i], self.lexicon)
                else:
                    out[i] = extract_russian(texts[i], lang, self.lexicon)
        return out

    def _share_names(self, units: list[tuple[int, int, int, int]], runs: list[tuple[str, dict]],
                     raw: list[tuple[list[dict], list[str | None]]], docs: list[tuple[Any, Any]]) -> None:
        """Give each chunk of a long text the surnames and acronyms the other chunks define
        (the rules tag a bare "Shoigu" once "Sergei Shoigu" appeared anywhere in the text), and
        finish again, in place, the chunks where one of them occurs (no second pipeline run:
        only the rules' last step is redone)."""
        if self._rules is not None:
            rules = self._rules
        elif FACTORY in self.nlp.pipe_names:
            rules = self.nlp.get_pipe(FACTORY)
        else:
            return  # a bare trained model: nothing spreads across a text
        by_text: dict[int, tuple[set[str], set[str]]] = {}
        for (i, *_), (defined, _) in zip(units, docs):
            if defined is not None:
                surnames, acronyms = by_text.setdefault(i, (set(), set()))
                surnames |= defined[0]
                acronyms |= defined[1]
        for u, ((i, *_), (defined, state)) in enumerate(zip(units, docs)):
            if state is None or i not in by_text:
                continue
            surnames, acronyms = by_text[i]
            new = (surnames - defined[0]) | (acronyms - defined[1])
            if any(name in runs[u][0] for name in new):
                raw[u] = self._from_meta(rules.with_names(state, surnames, acronyms), runs[u][0])

    def _tag(self, runs: list[tuple[str, dict]]) -> Iterator[tuple[tuple[list[dict], list[str | None]], Any, Any]]:
        """Per (text, extra ``user_data``), in order: its raw mentions and hints, the names it
        defines and, for a chunk, its state (see ``_share_names``)."""
        if self._tokenizer is not None and self._rules is not None:  # spaCy-free
            tokenize, rules = self._tokenizer, self._rules
            for text, extra in runs:
                words, starts, _ = tokenize(text)
                if not words:
                    yield ([], []), None, None
                    continue
                starts.append(len(text))
                tagged = rules.tag_words(words, starts, text, extra.get(OWN_KEY))
                yield self._from_meta(tagged.meta, text), tagged.names, tagged.state
            return
        for (text, _), doc in zip(runs, self._run(runs)):
            yield self._raw_mentions(doc, text), doc.user_data.get(NAMES_KEY), doc.user_data.pop(STATE_KEY, None)

    def _run(self, runs: list[tuple[str, dict]]) -> Iterator[Any]:
        """The processed Doc of each (text, extra ``user_data``), in order."""
        if self._rules_only:  # no model to batch: calling the component directly skips pipe overhead
            procs = [proc for _, proc in self.nlp.pipeline]
            for text, extra in runs:
                doc = self._make_doc(text, extra)
                for proc in procs:
                    doc = proc(doc)
                yield doc
        else:
            yield from self.nlp.pipe((self._make_doc(text, extra) for text, extra in runs), batch_size=32)

    def _make_doc(self, text: str, extra: dict | None = None) -> Any:
        doc = self.nlp.make_doc(text)
        doc.user_data[TEXT_KEY] = text  # saves rebuilding doc.text
        doc.user_data[LITE_KEY] = True  # extract() needs only the mention list
        if extra:
            doc.user_data.update(extra)
        return doc

    def mentions_from_doc(self, doc: Any, text: str | None = None) -> list[dict]:
        """Convert a processed spaCy Doc into mention dicts.

        Args:
            doc: a Doc produced by ``self.nlp``.
            text: the text the Doc was made from (saves rebuilding ``doc.text``).

        Returns:
            Mention dicts as in ``extract``.
        """
        if text is None:
            text = doc.text
        return self.finish(text, *self._raw_mentions(doc, text))

    @staticmethod
    def _raw_mentions(doc: Any, text: str) -> tuple[list[dict], list[str | None]]:
        """Mention dicts (canonical still empty) and per-mention canonical hints of a Doc."""
        meta = doc.user_data.get(META_KEY)
        if meta is not None:
            return EntityPipeline._from_meta(meta, text)
        mentions: list[dict] = []
        hints: list[str | None] = []
        for e in doc.ents:
            s, t = e.start_char, e.end_char
            mentions.append({"start": s, "end": t, "label": e.label_, "text": text[s:t], "canonical": "",
                             "origin": "model"})
            hints.append(None)
        return mentions, hints

    @staticmethod
    def _from_meta(meta: list[tuple], text: str) -> tuple[list[dict], list[str | None]]:
        """Mention dicts and hints from the rules component's entity list."""
        mentions = [{"start": s, "end": t, "label": label, "text": text[s:t], "canonical": "", "origin": origin}
                    for s, t, label, origin, _ in meta]
        return mentions, [hint for *_, hint in meta]

    def finish(self, text: str, mentions: list[dict], hints: list[str | None]) -> list[dict]:
        """Attach canonical names and put keys in contract order.

        Args:
            text: the article text.
            mentions: dicts with start, end, label, text, canonical (placeholder), origin,
                sorted by start; completed in place.
            hints: per mention, a canonical name from a gazetteer, or None.

        Returns:
            Final mention dicts.
        """
        names = canonicalise(text, mentions, hints, self._lookup, self.strip_title)
        for m, c in zip(mentions, names):
            m["canonical"] = c
        return mentions

    # -- helpers -------------------------------------------------------------------------
    def _lookup(self, surface: str) -> tuple[str, str] | None:
        ph = self.lexicon.lookup(surface)
        return (ph.label, ph.canonical) if ph is not None else None

    def strip_title(self, name: str) -> str:
        """Remove leading nationalities, titles and ranks from a person name.

        Args:
            name: e.g. "Russian President Vladimir Putin".

        Returns:
            e.g. "Vladimir Putin" (unchanged when nothing is stripped).
        """
        toks = name.split()
        i = self.lexicon.skip_titles(toks, 0, len(toks))
        return " ".join(toks[i:])


def _merge(units: list[tuple[int, int, int, int]],
           raw: list[tuple[list[dict], list[str | None]]]) -> dict[int, tuple[list[dict], list[str | None]]]:
    """Each text's mentions and hints from its chunks', with offsets into the whole text.

    Args:
        units: (text index, start, own end, end) per chunk, in text order.
        raw: per chunk, mentions with offsets into the chunk, and their hints.

    Returns:
        text index -> (mentions, hints): from each chunk what starts in its own part and after
        the previous chunk's last mention (a name a border cut is kept whole, once).
    """
    found: dict[int, tuple[list[dict], list[str | None]]] = {}
    for (i, start, own, _), (chunk_mentions, chunk_hints) in zip(units, raw):
        mentions, hints = found.setdefault(i, ([], []))
        taken_to = mentions[-1]["end"] if mentions else 0
        for m, hint in zip(chunk_mentions, chunk_hints):
            s = m["start"] + start
            if taken_to <= s < own:
                m["start"], m["end"] = s, m["end"] + start
                mentions.append(m)
                hints.append(hint)
    return found


def _base(lang: str | None) -> str:
    return (lang or "en").lower().split("-")[0].split("_")[0]
