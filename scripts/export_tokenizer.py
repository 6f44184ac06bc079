"""Export spaCy's English tokenizer rules to ``workbench/nlp/data/tokenizer_en.json``.

Dev-time only: the built-in entity pipeline tokenizes with ``workbench.nlp._tokenizer``,
which replays spaCy's tokenizer algorithm on these rules and so never imports spaCy. The
rules are read from the installed spaCy (never copied by hand): the prefix, suffix and
infix patterns, ``token_match`` / ``url_match``, the special cases (tokenizer
exceptions), and, for the special cases spaCy re-applies after splitting affixes, the
token sequence its phrase matcher looks for (the special case tokenized without special
cases, as spaCy's ``add_special_case`` computes it). The file is stamped with spaCy's
version; ``tests/test_nlp_tokenizer.py`` fails when the installed spaCy tokenizes
differently, and then this script must be run again (and the gazetteer rebuilt with
``scripts/build_gazetteer.py``, which tokenizes with spaCy too).

Usage::

    .venv/bin/python scripts/export_tokenizer.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "workbench" / "nlp" / "data" / "tokenizer_en.json"
FORMAT = 1


def _pattern(bound: object) -> dict | None:
    """The pattern and flags of a bound ``re.Pattern`` method (``.search``, ``.match``...)."""
    if bound is None:
        return None
    pat = getattr(bound, "__self__", None)
    if not isinstance(pat, re.Pattern):
        raise SystemExit(f"cannot export {bound!r}: not a method of a compiled regular expression")
    return {"pattern": pat.pattern, "flags": int(pat.flags), "method": bound.__name__}


def export() -> dict:
    """Read the rules of ``spacy.blank("en").tokenizer``.

    Returns:
        The JSON-ready rules.
    """
    import spacy
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer

    nlp = spacy.blank("en")
    tok = nlp.tokenizer
    rules = {key: [sub[ORTH] for sub in subs] for key, subs in sorted(tok.rules.items())}
    # the same tokenizer without special cases: what spaCy's special-case matcher looks for
    bare = Tokenizer(nlp.vocab, rules={}, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match,
                     faster_heuristics=tok.faster_heuristics)
    matched = {}
    for key in rules:
        if (not tok.faster_heuristics or tok.find_prefix(key) or tok.find_infix(key) or tok.find_suffix(key)
                or " " in key):
            matched[key] = [t.text for t in bare(key)]
    return {
        "format": FORMAT,
        "spacy_version": spacy.__version__,
        "lang": "en",
        "prefix_search": _pattern(tok.prefix_search),
        "suffix_search": _pattern(tok.suffix_search),
        "infix_finditer": _pattern(tok.infix_finditer),
        "token_match": _pattern(tok.token_match),
        "url_match": _pattern(tok.url_match),
        "faster_heuristics": bool(tok.faster_heuristics),
        "special_cases": rules,
        "matched_special_cases": matched,
    }


def main() -> int:
    """Write the data file.

    Returns:
        Exit status.
    """
    data = export()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (spaCy {data['spacy_version']}, {len(data['special_cases'])} special cases, "
          f"{len(data['matched_special_cases'])} matched after affix splitting)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
