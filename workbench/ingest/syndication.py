"""Near-duplicate detection for syndicated copies: word shingles, MinHash, LSH bands.

A wire story republished on another site with small edits shares most of its 5-word
shingles with the original. We keep 16 bands of 4 MinHash rows per article in the store;
articles sharing a band are candidates, confirmed by the exact shingle overlap.

A band bucket keeps at most ``BUCKET_CAP`` articles: the first ones to land in it, which are
the story's original and its earliest copies (the cluster's roots). Without the cap, 20,000
copies of one story put 20,000 articles in each of its buckets, and every new copy examined
all of them: quadratic. With it, each new article examines at most 16 x ``BUCKET_CAP`` stored
candidates, and a copy still finds its story through the members the buckets keep.
"""
from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING

__all__ = ["BANDS", "BUCKET_CAP", "THRESHOLD", "bands", "bands_to_keep", "shingles", "similarity"]

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 5
BANDS = 16
ROWS = 4
THRESHOLD = 0.6      # Jaccard, or containment of the shorter in the longer
BUCKET_CAP = 8       # stored articles kept per band bucket (see the module docstring)
_PRIME = (1 << 61) - 1
_MASK = (1 << 63) - 1


def _coefficients() -> list[tuple[int, int]]:
    out = []
    for i in range(BANDS * ROWS):
        digest = hashlib.sha256(f"workbench-minhash-{i}".encode()).digest()
        out.append((int.from_bytes(digest[:8], "big") % _PRIME or 1, int.from_bytes(digest[8:16], "big") % _PRIME))
    return out


_COEFFS = _coefficients()


@lru_cache(maxsize=1)
def _as_arrays() -> tuple["np.ndarray", "np.ndarray"]:
    import numpy as np  # lazy: opening a workspace should not load numpy; ingest does

    return (np.array([a for a, _ in _COEFFS], dtype=np.uint64), np.array([b for _, b in _COEFFS], dtype=np.uint64))


def shingles(tokens: list[str]) -> set[int]:
    """Hashes of the 5-word shingles of a word list (``text.words``); the whole list if shorter.

    Each distinct word is hashed once (CRC-32, stable across processes); a shingle's hash is
    a polynomial combination of its words' hashes, computed for all shingles at once.
    """
    if not tokens:
        return set()
    import numpy as np

    unique, inverse = np.unique(np.array(tokens), return_inverse=True)
    table = np.array([zlib.crc32(w.encode()) for w in unique.tolist()], dtype=np.uint64)
    hashed = table[inverse]
    if len(tokens) < SHINGLE:
        return {int(np.bitwise_xor.reduce(hashed))}
    n = len(tokens) - SHINGLE + 1
    combined = np.zeros(n, dtype=np.uint64)
    for offset in range(SHINGLE):
        combined = combined * np.uint64(1_000_003) + hashed[offset:offset + n]
    return set((combined & np.uint64(_MASK)).tolist())


def bands(shingle_set: set[int]) -> list[int]:
    """The LSH band keys (signed 64-bit ints) for a shingle set."""
    if not shingle_set:
        return []
    import numpy as np

    coeff_a, coeff_b = _as_arrays()
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    # (a*x + b) with uint64 wrap-around: a cheap universal-style hash family; the minimum
    # over all shingles per hash function is the MinHash signature.
    signature = ((values[:, None] * coeff_a[None, :] + coeff_b[None, :]) & np.uint64(_MASK)).min(axis=0).tolist()
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, chunk)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def bands_to_keep(item_bands: list[int], bucket_sizes: dict[int, int]) -> list[int]:
    """The bands of a new article worth storing: those whose bucket is not yet full.

    Args:
        item_bands: the article's band keys (``bands``).
        bucket_sizes: band key -> articles already in that bucket; updated in place for the
            bands kept, so a batch can call this article after article.
    Returns:
        The band keys to store for this article, in their original order.
    """
    kept = []
    for band in dict.fromkeys(item_bands):
        size = bucket_sizes.get(band, 0)
        if size < BUCKET_CAP:
            bucket_sizes[band] = size + 1
            kept.append(band)
    return kept


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
