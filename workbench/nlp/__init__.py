"""Entity recognition for the workbench: labels, pipelines, canonical names, claims.

Importing this package is cheap. The built-in pipeline never imports spaCy: it replays
spaCy's English tokenizer from rules exported at development time
(``scripts/export_tokenizer.py`` -> ``data/tokenizer_en.json``, checked token for token
against spaCy by the tests). A trained or hybrid pipeline loads spaCy on the first
``load_pipeline`` call that asks for one; natasha loads on the first Russian article.

Typical use::

    from workbench.nlp import load_pipeline, find_claims
    pipe = load_pipeline()                 # WORKBENCH_PIPELINE env var, else "auto"
    mentions = pipe.extract(text)          # [{start, end, label, text, canonical, origin}]
    claims = find_claims(text, mentions)   # [{speaker, quote, cue, ...}]
"""

from __future__ import annotations

from ._claims import find_claims
from ._labels import LABELS, Label
from ._loader import PIPELINE_ENV, available, load_pipeline
from ._pipeline import EntityPipeline
from ._passage import Passages, parsed_query
from ._query import Phrase, Query, QueryError, Term, matching_words, parse_query
from ._sentences import trimmed_sentence_spans
from ._stems import index_text, shadow
from ._translit import entity_key, preferred_name, romanise, script_language

__all__ = ["LABELS", "Label", "EntityPipeline", "load_pipeline", "PIPELINE_ENV", "find_claims", "available",
           "entity_key", "preferred_name", "romanise", "script_language",
           # search: queries and the search forms the index holds, passages and sentences
           "Query", "Phrase", "Term", "QueryError", "parse_query", "parsed_query", "matching_words",
           "index_text", "shadow", "Passages", "trimmed_sentence_spans"]
