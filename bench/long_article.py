"""A 1.1 M-character article, past spaCy's default ``max_length``: chunked extraction (what
ingest does) against the same built-in pipeline with ``max_length`` raised so it runs the whole
text at once (the peer), in the same run. Both must give the same mentions.

Run: python -m bench.long_article [--chars 1100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time

from bench.corpus import articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=1_100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from workbench.nlp._loader import _build

    paragraphs = [a["text"] for a in articles(max(1, args.chars // 3_000), words=500, seed=5)]
    text = "\n\n".join(paragraphs)[: args.chars]
    chunked = _build("builtin", None)
    whole = _build("builtin", None)        # a second instance: raising its limit leaves the other alone
    whole.nlp.max_length = len(text) + 1

    def best(fn) -> tuple[float, list]:
        out, times = None, []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        return min(times), out

    t_whole, m_whole = best(lambda: whole.extract(text))
    t_chunked, m_chunked = best(lambda: chunked.extract(text))
    print(f"text: {len(text):,} characters, {len(text.split()):,} words; best of {args.repeat}; "
          f"spaCy max_length {chunked.nlp.max_length:,}")
    print(f"{'extraction':52} {'s':>7} {'ratio':>7}")
    print(f"{'whole text, max_length raised (peer)':52} {t_whole:7.2f} {1:7.2f}")
    print(f"{'chunked at paragraph borders (ingest default)':52} {t_chunked:7.2f} {t_chunked / t_whole:7.2f}")
    print(f"mentions: {len(m_chunked):,} chunked, {len(m_whole):,} whole, identical: {m_chunked == m_whole}")


if __name__ == "__main__":
    main()
