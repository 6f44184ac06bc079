"""spaCy's English tokenizer without spaCy: the same tokens, offsets and trailing spaces.

``scripts/export_tokenizer.py`` exports the rules of ``spacy.blank("en").tokenizer`` (prefix,
suffix and infix patterns, ``url_match``, special cases) into ``data/tokenizer_en.json``,
stamped with spaCy's version; this module replays spaCy's algorithm on them
(``spacy/tokenizer.pyx``; the "how the tokenizer works" pseudo-code of spaCy's docs):

1. split the text at white space; a single space after a chunk is that chunk's trailing
   space, any other white space run is a token of its own;
2. a chunk that is a special case is its tokens; else strip prefixes and suffixes one at a
   time (stop at a ``token_match`` or when the rest is a special case), then the rest is a
   special case, a URL, or split at its infixes;
3. special cases that contain affixes ("a.m.", ":)") are found again on the token sequence
   (longest first, leftmost first) and re-tokenized.

Step 2 depends on the chunk alone, so its result is cached per chunk string (news text
repeats its words: most chunks are cache hits, cheaper than building a spaCy Doc). Importing
spaCy costs over a second; this module needs only ``re`` and ``json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

__all__ = ["TOKENIZER_PATH", "Tokens", "Tokenizer", "load_tokenizer"]

TOKENIZER_PATH = Path(__file__).resolve().parent / "data" / "tokenizer_en.json"
FORMAT = 1
_CACHE_MAX = 100_000  # chunk strings (~25 MB at most); cleared when full


class Tokens(NamedTuple):
    """A tokenized text.

    Attributes:
        words: token texts (``Token.text``).
        starts: character offset of each token (``Token.idx``).
        spaces: True where a token is followed by one space (``Token.whitespace_``).
    """

    words: list[str]
    starts: list[int]
    spaces: list[bool]


def _compile(spec: dict | None) -> Callable | None:
    """The bound method (``search``, ``match``, ``finditer``) of an exported pattern."""
    if spec is None:
        return None
    return getattr(re.compile(spec["pattern"], spec["flags"]), spec["method"])


class Tokenizer:
    """spaCy's tokenizer algorithm over exported rules.

    Args:
        rules: the parsed ``tokenizer_en.json``.
        digest: sha256 of the file (part of the pipeline fingerprint).

    Attributes:
        spacy_version: the spaCy version the rules were exported from.
        digest: see above.
    """

    def __init__(self, rules: dict, digest: str) -> None:
        if rules.get("format") != FORMAT:
            raise ValueError(f"{TOKENIZER_PATH}: format {rules.get('format')!r}, expected {FORMAT}; "
                             "run scripts/export_tokenizer.py")
        self.spacy_version: str = rules["spacy_version"]
        self.digest = digest
        self._prefix = _compile(rules["prefix_search"])
        self._suffix = _compile(rules["suffix_search"])
        self._infix = _compile(rules["infix_finditer"])
        self._token_match = _compile(rules["token_match"])
        self._url_match = _compile(rules["url_match"])
        self._specials: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in rules["special_cases"].items()}
        # special cases re-found on the token sequence: a trie over their affix-split tokens
        self._trie: dict = {}
        for key, toks in rules["matched_special_cases"].items():
            node = self._trie
            for t in toks:
                node = node.setdefault(t, {})
            node[None] = key
        self._chunks: dict[str, tuple[str, ...]] = {}

    # -- public ------------------------------------------------------------------------------
    def __call__(self, text: str) -> Tokens:
        """Tokenize one text.

        Args:
            text: any text.

        Returns:
            Token texts, offsets and trailing-space flags, as ``spacy.blank("en")(text)``.
        """
        words: list[str] = []
        spaces: list[bool] = []
        if not text:
            return Tokens(words, [], spaces)
        chunks = self._chunks
        if len(chunks) > _CACHE_MAX:
            chunks.clear()
        # white-space runs and the rest alternate; re.split with a group keeps both, in order
        parts = _SPLIT(text)
        # parts[0] is "" when text starts with white space; then ws, word, ws, word...
        for k, part in enumerate(parts):
            if not part:
                continue
            if k % 2 and part[0] == " " and words:  # a plain space after a token is its trailing space
                spaces[-1] = True
                part = part[1:]
                if not part:
                    continue
            toks = chunks.get(part)
            if toks is None:
                toks = chunks[part] = self._chunk(part)
            words.extend(toks)
            spaces.extend([False] * len(toks))
        if self._trie:
            self._special_pass(words, spaces)
        starts = []
        pos = 0
        for w, sp in zip(words, spaces):
            starts.append(pos)
            pos += len(w) + sp
        return Tokens(words, starts, spaces)

    def words(self, text: str) -> list[str]:
        """Token texts only.

        Args:
            text: any text.

        Returns:
            ``[t.text for t in spacy.blank("en")(text)]``.
        """
        return self(text).words

    # -- spaCy's _split_affixes + _attach_tokens -----------------------------------------------
    def _chunk(self, string: str) -> tuple[str, ...]:
        """Tokens of one white-space-free chunk (or white-space run), special cases first."""
        special = self._specials.get(string)
        if special is not None:
            return special
        specials = self._specials
        token_match = self._token_match
        find_prefix, find_suffix = self._prefix, self._suffix
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while string and len(string) != last_size:
            if token_match is not None and token_match(string):
                break
            if string in specials:
                break
            last_size = len(string)
            m = find_prefix(string) if find_prefix is not None else None
            pre_len = m.end() - m.start() if m is not None else 0
            if pre_len:
                prefix = string[:pre_len]
                minus_pre = string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            m = find_suffix(string[pre_len:]) if find_suffix is not None else None
            suf_len = m.end() - m.start() if m is not None else 0
            if suf_len:
                suffix = string[-suf_len:]
                minus_suf = string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        out = prefixes
        if string:
            special = specials.get(string)
            if special is not None:
                out.extend(special)
            elif string in self._chunks:  # spaCy consults its chunk cache here too (same answer)
                out.extend(self._chunks[string])
            elif (token_match is not None and token_match(string)) or (
                    self._url_match is not None and self._url_match(string)):
                out.append(string)
            else:
                out.extend(self._infixes(string))
        out.extend(reversed(suffixes))
        return tuple(out)

    def _infixes(self, string: str) -> list[str]:
        """Split at infixes ("dyn-o-mite": the hyphens); an infix at offset 0 is ignored."""
        if self._infix is None:
            return [string]
        out: list[str] = []
        start = 0
        for m in self._infix(string):
            a, b = m.start(), m.end()
            if a == 0:
                continue
            if a != start:
                out.append(string[start:a])
            if a != b:
                out.append(string[a:b])
            start = b
        if start < len(string):
            out.append(string[start:])
        return out

    # -- spaCy's _apply_special_cases -----------------------------------------------------------
    def _special_pass(self, words: list[str], spaces: list[bool]) -> None:
        """Re-tokenize token runs that spell a special case containing affixes, in place.

        spaCy's PhraseMatcher finds every run of tokens equal to such a case's affix-split
        tokens; the longest runs win (leftmost among equals), a run touching a taken token
        is dropped, and a kept run is replaced only when its text (spaces included) is a
        special case.
        """
        trie = self._trie
        n = len(words)
        matches: list[tuple[int, int]] = []
        for i in range(n):
            node = trie.get(words[i])
            if node is None:
                continue
            j = i + 1
            while True:
                if None in node:
                    matches.append((i, j))
                if j >= n:
                    break
                node = node.get(words[j])
                if node is None:
                    break
                j += 1
        if not matches:
            return
        matches.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
        seen: set[int] = set()
        kept = []
        for a, b in matches:
            if a not in seen and b - 1 not in seen:
                kept.append((a, b))
            seen.update(range(a, b))
        kept.sort()
        for a, b in reversed(kept):  # right to left: earlier indexes stay valid
            span = "".join(w + " " if sp else w for w, sp in zip(words[a:b - 1], spaces[a:b - 1])) + words[b - 1]
            special = self._specials.get(span)
            if special is None:
                continue
            last_space = spaces[b - 1]
            words[a:b] = special
            spaces[a:b] = [False] * (len(special) - 1) + [last_space]


_SPLIT = re.compile(r"(\s+)").split


@lru_cache(maxsize=1)
def load_tokenizer(path: Path = TOKENIZER_PATH) -> Tokenizer:
    """The shipped tokenizer (parsed once per process).

    Args:
        path: the exported rules.

    Returns:
        A Tokenizer.

    Raises:
        ValueError: the file is missing or not in the expected format.
    """
    try:
        raw = path.read_bytes()
        rules = json.loads(raw)
    except (OSError, ValueError) as e:
        raise ValueError(f"{path}: cannot read the tokenizer rules ({e}); run scripts/export_tokenizer.py") from e
    return Tokenizer(rules, hashlib.sha256(raw).hexdigest())
