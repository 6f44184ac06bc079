"""Near-duplicate detection for syndicated copies: word shingles, MinHash, LSH bands.

A wire story republished on another site with small edits shares most of its 5-word
shingles with the original. We keep 16 bands of 4 MinHash rows per article in the store;
articles sharing a band are candidates, confirmed by the exact shingle overlap.
"""
from __future__ import annotations

import hashlib
import zlib

from ._text import words

SHINGLE = 5
BANDS = 16
ROWS = 4
THRESHOLD = 0.6      # Jaccard, or containment of the shorter in the longer
_PRIME = (1 << 61) - 1
_MASK = (1 << 63) - 1


def _coefficients() -> list[tuple[int, int]]:
    out = []
    for i in range(BANDS * ROWS):
        digest = hashlib.sha256(f"workbench-minhash-{i}".encode()).digest()
        out.append((int.from_bytes(digest[:8], "big") % _PRIME or 1, int.from_bytes(digest[8:16], "big") % _PRIME))
    return out


_COEFFS = _coefficients()


def shingles(text: str) -> set[int]:
    """32-bit hashes of the text's 5-word shingles (the whole text if shorter)."""
    tokens = words(text)
    if len(tokens) < SHINGLE:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {zlib.crc32(" ".join(tokens[i:i + SHINGLE]).encode()) for i in range(len(tokens) - SHINGLE + 1)}


def bands(shingle_set: set[int]) -> list[int]:
    """The LSH band keys (signed 63-bit ints) for a shingle set."""
    if not shingle_set:
        return []
    import numpy as np

    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    signature = []
    for a, b in _COEFFS:
        # (a*x + b) mod p with Python ints would be slow per shingle; use uint64 wrap-around
        # arithmetic, which is a fine universal-ish hash for this purpose.
        signature.append(int(((values * np.uint64(a) + np.uint64(b)) & np.uint64(_MASK)).min()))
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, chunk)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def similarity(a: set[int], b: set[int]) -> float:
    """Jaccard overlap, or the containment of the smaller set when the two are of
    comparable length (a copy cut short or with a paragraph added still counts)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    small, large = sorted((len(a), len(b)))
    score = common / (len(a) + len(b) - common)
    if small >= 0.5 * large:
        score = max(score, common / small)
    return score
