"""A reproducible synthetic corpus for benchmarks, built from real defence-and-security prose.

Sentences come from the seed article, re3d and WikiGold (../shared/eval when present);
each article is a seeded random draw of them, so articles are distinct but realistic.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
_SENTENCE = re.compile(r"(?<=[.!?…”\"])\s+(?=[A-Z“\"])")


def sentences() -> list[str]:
    """The sentence pool (deduplicated, order stable)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for docs in sorted(EVAL.glob("re3d/*/documents.json")):
        for line in docs.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    wikigold = EVAL / "wikigold" / "wikigold.conll.txt"
    if wikigold.exists():
        words: list[str] = []
        for line in wikigold.read_text(encoding="utf-8").splitlines():
            if line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if words:
                    texts.append(" ".join(words))
                    words = []
                continue
            words.append(line.split()[0])
    pool: dict[str, None] = {}
    for text in texts:
        for sentence in _SENTENCE.split(text.replace("\n", " ")):
            sentence = " ".join(sentence.split())
            if 5 <= len(sentence.split()) <= 80:
                pool[sentence] = None
    return list(pool)


def articles(count: int, words: int = 500, seed: int = 7) -> list[dict]:
    """``count`` article dicts (title, text, url, published, outlet) of about ``words`` words."""
    return list(iter_articles(count, words, seed))


def iter_articles(count: int, words: int = 500, seed: int = 7, start: int = 0) -> Iterator[dict]:
    """The same articles as ``articles``, one at a time (a large corpus never sits in memory).

    Args:
        count: how many.
        words: about how many words each.
        seed: the random draw (two seeds give two distinct corpora).
        start: the number of the first article (titles and URLs).
    Returns:
        An iterator of article dicts.
    """
    pool = sentences()
    rng = random.Random(seed)
    for i in range(start, start + count):
        body: list[str] = []
        n = 0
        while n < words:
            sentence = rng.choice(pool)
            body.append(sentence)
            n += len(sentence.split())
        paragraphs = [" ".join(body[j:j + 4]) for j in range(0, len(body), 4)]
        yield {
            "title": f"Bench article {i}",
            "text": "\n\n".join(paragraphs),
            "url": f"https://bench.test/{seed}/{i}" if seed != 7 else f"https://bench.test/{i}",
            "published": f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "outlet": f"Outlet {i % 17}",
            "language": "en",
        }
