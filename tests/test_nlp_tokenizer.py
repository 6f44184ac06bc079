"""The spaCy-free tokenizer (nlp._tokenizer) gives exactly spaCy's English tokens, and the
built-in pipeline's spaCy-free path gives exactly the mentions of the spaCy Doc path.

Real spaCy is the reference: ``spacy.blank("en")`` tokenizes the evaluation sets (re3d,
WikiGold), the seed article, the Ukrainian and Russian sets, the synthetic bench corpus, and
random mixes of URLs, e-mails, punctuation, quotes, hyphens, numbers, contractions, emoji,
special cases and odd white space.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.nlp._component import EntityRules
from workbench.nlp._lexicon import load_lexicon
from workbench.nlp._loader import _build, blank_nlp
from workbench.nlp._pipeline import EntityPipeline
from workbench.nlp._tokenizer import TOKENIZER_PATH, Tokenizer, load_tokenizer

ROOT = Path(__file__).resolve().parents[1]
# the gold sets live beside the repository (never shipped): used when present, as bench/ does
EVAL = Path(os.environ.get("WORKBENCH_EVAL_DIR", ROOT.parent / "shared" / "eval"))
SEED = ROOT / "seeds" / "000_77591201f77be997.txt"
RULES = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))
REEXPORT = (f"spaCy {spacy.__version__} is installed, the shipped rules come from spaCy {RULES['spacy_version']}: "
            "run scripts/export_tokenizer.py (and scripts/build_gazetteer.py)")


@lru_cache(maxsize=1)
def _blank():
    return spacy.blank("en")


def _spacy_tokens(text: str) -> tuple[list[str], list[int], list[bool]]:
    doc = _blank()(text)
    return [t.text for t in doc], [t.idx for t in doc], [bool(t.whitespace_) for t in doc]


def _ours(text: str) -> tuple[list[str], list[int], list[bool]]:
    return tuple(load_tokenizer()(text))  # type: ignore[return-value]


@lru_cache(maxsize=1)
def corpus() -> list[str]:
    """Every text the equivalence is proven on: re3d and WikiGold (when the gold sets are
    present), the seed article, the uk/ru sets and synthetic articles (more of them without
    the gold sets, so the corpus stays large)."""
    from bench import corpus as synthetic
    from bench.ner_eval import REPORT, TUNE, load_re3d, load_wikigold

    texts = []
    if EVAL.is_dir():
        texts += [t for s in TUNE + REPORT for _, t, _ in load_re3d(s)] + [t for _, t, _ in load_wikigold()]
    texts.append(SEED.read_text(encoding="utf-8"))
    for lang in ("uk", "ru"):
        path = ROOT / "bench" / "eval" / f"{lang}.jsonl"
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [a["text"] for a in synthetic.articles(40 if EVAL.is_dir() else 400)]
    return texts


def test_corpus_is_the_whole_of_the_sets() -> None:
    texts = corpus()
    # (4 re3d subsets' documents + WikiGold's when present) + seed + uk/ru sets + synthetic articles
    assert len(texts) > 300
    assert sum(len(t) for t in texts) > 400_000


def test_same_tokens_as_spacy_on_every_corpus_text() -> None:
    bad = [i for i, t in enumerate(corpus()) if _ours(t) != _spacy_tokens(t)]
    assert not bad, f"{len(bad)} texts tokenize differently (first: {corpus()[bad[0]][:80]!r}); {REEXPORT}"


def test_hand_checked_tokens() -> None:
    tok = load_tokenizer()
    # the documented examples: prefix, special case, suffixes, an infix, a URL
    assert tok.words("\u201cLet's go to N.Y.!\u201d") == ["\u201c", "Let", "'s", "go", "to", "N.Y.", "!", "\u201d"]
    assert tok.words("don't (dyn-o-mite) https://example.org/a?b=c,") == [
        "do", "n't", "(", "dyn", "-", "o", "-", "mite", ")", "https://example.org/a?b=c", ","]
    words, starts, spaces = tok("a  b\n c ")
    assert words == ["a", " ", "b", "\n ", "c"]
    assert starts == [0, 2, 3, 4, 6]
    assert spaces == [True, False, False, False, True]
    assert tuple(tok("")) == ([], [], [])
    assert tuple(tok(" ")) == ([" "], [0], [False])


# -- property test -------------------------------------------------------------------------------
_PIECES = [
    "https://www.example.com/path?q=1&r=2", "http://x.co", "www.bbc.co.uk/news", "ftp://a.b/c.txt", "user@mail.com",
    "a.b@c.org.", "e-mail", "S-400", "M1A1", "F-16s", "U.S.", "U.K.", "a.m.", "p.m.", "Mr.", "Dr", "Lt.", "Gen.", "No.",
    "don't", "can't", "won't", "I'm", "you'll", "he'd", "they've", "y'all", "'s", "’s", "o'clock", "rock'n'roll",
    "gonna", "cannot", "ain't", "Ma'am", "1,000", "3.5", "-12", "+7", "$5", "£10bn", "20%", "10km", "5:30",
    "1990s", "2022-02-24", "24/7", "1/2", "№5", "10°C", "(", ")", "[", "]", "{", "}", "\"", "'", "“", "”",
    "‘", "’", "«", "»", "—", "–", "-", "--", "...", "…", ".", ",", ";", ":", "!", "?", "?!", "&", "/", "\\",
    "*", "#hashtag", "@handle", ":)", ":-(", "<3", "^_^", "o.O", "¯\\_(ツ)_/¯", "😀", "👍🏽", "🇺🇦", "Київ",
    "Zürich", "naïve", "Kraków", "ß", "İstanbul", "日本", "مرحبا", "\u00a0", "\u200b", "\u2009", "Putin",
    "NATO", "al-Assad", "Abu-Dhabi", "co-operate", "well-known", "x", "A", "i.e.", "e.g.", "etc.", "vs.",
]
_SPACE = [" ", " ", " ", "", "", "  ", "\n", "\n\n", "\t", " \n ", "\r\n", "\u00a0", "   "]


def _mix(rng: random.Random, specials: list[str]) -> str:
    out = []
    for _ in range(rng.randint(1, 14)):
        piece = rng.choice(_PIECES) if rng.random() < 0.75 else rng.choice(specials)
        if rng.random() < 0.2:
            piece = rng.choice("([\"'“‘«") + piece
        if rng.random() < 0.25:
            piece += rng.choice([".", ",", ")", "!", "?", "'", "”", "’s", "'s", "...", ":", ";", "%", "-", "»"])
        out.append(piece + rng.choice(_SPACE))
    return "".join(out)


def test_same_tokens_as_spacy_on_random_mixes() -> None:
    rng = random.Random(1401)
    specials = sorted(RULES["special_cases"])
    for _ in range(4000):
        text = _mix(rng, specials)
        assert _ours(text) == _spacy_tokens(text), f"{text!r}; {REEXPORT}"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \n\t.,;:!?'\"()[]-–—…/@#$%&*+=<>~^_`|\\abcxyzAZ019’“”«»éÖ😀\u00a0")),
               max_size=40))
def test_same_tokens_as_spacy_on_arbitrary_punctuation(text: str) -> None:
    assert _ours(text) == _spacy_tokens(text), REEXPORT


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_same_tokens_as_spacy_on_arbitrary_unicode(text: str) -> None:
    assert _ours(text) == _spacy_tokens(text), REEXPORT


# -- the shipped rules -----------------------------------------------------------------------------
def test_shipped_rules_are_spacy_s_own() -> None:
    """The data file is exactly what the export script writes from the installed spaCy (no hand
    edits); with another spaCy installed, the equivalence tests above decide (and name the fix)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import export_tokenizer
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    if RULES["spacy_version"] != spacy.__version__:
        texts = corpus()[:50]
        assert all(_ours(t) == _spacy_tokens(t) for t in texts), REEXPORT
        return
    assert export_tokenizer.export() == RULES


def test_changed_rules_change_tokens_and_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))
    rules["special_cases"]["Kyivpost"] = ["Kyiv", "post"]
    path = tmp_path / "tokenizer_en.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    import workbench.nlp._loader as loader

    changed = loader.load_tokenizer.__wrapped__(path)
    assert changed.words("the Kyivpost said") == ["the", "Kyiv", "post", "said"]
    before = _build("builtin", None)
    monkeypatch.setattr(loader, "load_tokenizer", lambda: changed)
    after = _build("builtin", None)
    assert after.fingerprint != before.fingerprint


def test_bad_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    import workbench.nlp._tokenizer as tokmod

    path = tmp_path / "tokenizer_en.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="tokenizer_en.json: cannot read"):
        tokmod.load_tokenizer.__wrapped__(path)
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="format 99"):
        Tokenizer({"format": 99}, "x")


# -- the pipeline ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _paths() -> tuple[EntityPipeline, EntityPipeline]:
    """(spaCy-free built-in pipeline, the same rules on spaCy Docs: the old path)."""
    new = _build("builtin", None)
    lex = load_lexicon()
    old = EntityPipeline("builtin", blank_nlp(), new.fingerprint, lex)
    return new, old


def test_same_mentions_as_the_spacy_doc_path() -> None:
    new, old = _paths()
    texts = corpus()
    a, b = new.extract_batch(texts), old.extract_batch(texts)
    bad = [i for i in range(len(texts)) if a[i] != b[i]]
    assert not bad, f"{len(bad)} texts differ, first: {texts[bad[0]][:80]!r}"
    assert sum(map(len, a)) > 5000  # the texts hold entities: the comparison is not of empty lists


def test_same_mentions_as_the_spacy_doc_path_in_chunks() -> None:
    new, old = _paths()
    texts = [t for t in corpus() if len(t) > 3000][:30]
    assert texts
    a, b = new.extract_batch(texts, max_chars=1500), old.extract_batch(texts, max_chars=1500)
    assert a == b


def test_same_mentions_on_random_mixes() -> None:
    new, old = _paths()
    rng = random.Random(77)
    specials = sorted(RULES["special_cases"])
    texts = [_mix(rng, specials) + " President Putin met NATO chief Jens Stoltenberg in Kyiv." for _ in range(300)]
    assert new.extract_batch(texts) == old.extract_batch(texts)


def test_builtin_never_imports_spacy() -> None:
    code = (
        "import json, sys\n"
        "from workbench.nlp import load_pipeline\n"
        "p = load_pipeline('builtin')\n"
        f"text = open({str(SEED)!r}, encoding='utf-8').read()\n"
        "m = p.extract(text)\n"
        "b = p.extract_batch([text, 'Alexander Lukashenko flew to Sochi.', ''], max_chars=800)\n"
        "print(json.dumps([len(m), len(b[1]), sorted(k for k in sys.modules if k.split('.')[0] in "
        "('spacy', 'thinc', 'pydantic', 'numpy'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    found, found_batch, loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert found > 10 and found_batch >= 2
    assert loaded == []


def test_nlp_is_built_only_when_asked() -> None:
    pipe = _build("builtin", None)
    assert pipe._nlp is None
    pipe.extract("Putin met NATO in Kyiv.")
    assert pipe._nlp is None
    doc = pipe.nlp("Vladimir Putin flew to Minsk. Alexander Lukashenko met him.")
    assert pipe.nlp is pipe.nlp
    assert [e.text for e in doc.ents] == ["Vladimir Putin", "Minsk", "Alexander Lukashenko"]
    assert [s.text for s in doc.sents] == ["Vladimir Putin flew to Minsk.", "Alexander Lukashenko met him."]


def test_rules_core_gives_sentence_ends_without_a_doc() -> None:
    from workbench.nlp._sentences import sentence_starts

    text = "Putin flew to Minsk. “Lukashenko met him.” Then\n\nNew part."
    words, starts, _ = load_tokenizer()(text)
    tagged = EntityRules(load_lexicon()).tag_words(words, starts + [len(text)], text)
    doc = blank_nlp()(text)
    assert sentence_starts(words, tagged.ends) == [s.start for s in doc.sents]
    assert [(s, e, label) for s, e, label, *_ in tagged.meta] == [
        (e.start_char, e.end_char, e.label_) for e in doc.ents]
