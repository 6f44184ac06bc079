"""Ranked full-text search (issue 13, item 1): query time, ingest cost and size of the index.

Prints, each as a ratio against a peer measured in the same run:
- ``ws.search`` (FTS5 bm25, snippets included, 20 results) over N synthetic articles: median and
  p95 of ~50 queries (single words common and rare, two words, phrases, prefixes, a filter),
  against today's substring scan ``ws.search_articles`` of the same queries on the same corpus
  (target: median <= 50 ms on SQLite at 100,000 articles);
- ingest time with the index and without it (the peer: the same corpus, the index hook
  switched off), target <= +20 %; the entity pass is left out (``NoEntities``) so that the
  index's share is measured against the rest of ingest, not hidden behind NER;
- the workspace file's size with and without the index (target <= +60 %).

Run: python -m bench.search [--articles 100000] [--words 500] [--queries 50] [--keep DIR [--queries-only]]

``--keep DIR`` keeps the corpus and both workspaces in DIR (and reuses those already there), so that
``--queries-only`` can time the queries again later, on a quiet machine, without ingesting again.
``--postgres URL`` (an empty database) also copies the indexed workspace there (``ws.save_copy``)
and times the same queries on PostgreSQL (``tsvector`` + GIN, ``ts_rank_cd``); the issue sets no
target there: it is printed beside SQLite's.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.scale import NoEntities, _machine, write_corpus


def _ingest(corpus: Path, target: Path, *, indexed: bool) -> tuple[float, int]:
    """Ingest ``corpus`` into a new workspace; (seconds, file size in bytes after closing)."""
    import workbench as wb
    import workbench.store.articles as articles

    saved = articles.index_articles
    if not indexed:  # the peer: the same ingest without the index hook
        articles.index_articles = lambda conn, rows: None
    try:
        ws = wb.open_workspace(target)
        t0 = time.perf_counter()
        result = ws.ingest(corpus, pipeline=NoEntities(), progress=False)
        seconds = time.perf_counter() - t0
        ws.close()
    finally:
        articles.index_articles = saved
    assert not result.failed, result.failed[:3]
    return seconds, sum(p.stat().st_size for p in target.parent.glob(target.name + "*"))


def _queries(count: int, seed: int = 3) -> list[str]:
    """Queries drawn from the corpus's own words: common and rare words, pairs, phrases, prefixes."""
    from bench.corpus import sentences
    from workbench.nlp._stems import words

    rng = random.Random(seed)
    pool = sentences()
    vocab: dict[str, int] = {}
    for sentence in pool:
        for _, _, word in words(sentence):
            if len(word) > 3 and word.isalpha():
                vocab[word.lower()] = vocab.get(word.lower(), 0) + 1
    ranked = sorted(vocab, key=lambda w: (-vocab[w], w))
    common, rare = ranked[:200], ranked[len(ranked) // 2:]
    out: list[str] = []
    while len(out) < count:
        kind = len(out) % 5
        if kind == 0:
            out.append(rng.choice(common))
        elif kind == 1:
            out.append(rng.choice(rare))
        elif kind == 2:
            out.append(f"{rng.choice(common)} {rng.choice(rare)}")
        elif kind == 3:
            sentence = [w for _, _, w in words(rng.choice(pool))]
            at = rng.randrange(max(1, len(sentence) - 1))
            out.append('"' + " ".join(sentence[at:at + 2]) + '"')
        else:
            out.append(rng.choice(rare)[:5] + "*")
    return out


def _times(run, queries: list[str]) -> list[float]:
    out = []
    for query in queries:
        t0 = time.perf_counter()
        run(query)
        out.append(time.perf_counter() - t0)
    return out


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def _postgres_queries(indexed: Path, url: str, queries: list[str], sqlite_median: float) -> None:
    """Copy the indexed workspace into ``url`` and time ``queries`` there."""
    import workbench as wb

    t0 = time.perf_counter()
    with wb.open_workspace(indexed) as ws:
        ws.save_copy(url)
    copied = time.perf_counter() - t0
    with wb.open_workspace(url) as ws:
        ws.search("warm up the caches")
        ranked = _times(lambda q: ws.search(q, limit=20), queries)
    print(f"\n-- the same queries on PostgreSQL (copied in {copied:.0f} s)")
    print(f"{'ranked search (tsvector)':26} {1000 * statistics.median(ranked):10.1f} {1000 * _p95(ranked):10.1f}")
    print(f"PostgreSQL / SQLite median: {statistics.median(ranked) / sqlite_median:.2f}")
    print("slowest:", ", ".join(f"{q!r} {1000 * t:.0f} ms" for t, q in sorted(zip(ranked, queries))[-3:]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size (the issue's target is 100000)")
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the corpus and workspaces in this folder")
    parser.add_argument("--queries-only", action="store_true", help="with --keep: time the queries on the kept workspace")
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database: time the queries there too")
    args = parser.parse_args()
    if args.queries_only and not (args.keep and (args.keep / "indexed.sqlite").exists()):
        parser.error("--queries-only needs --keep DIR holding a workspace from an earlier run")
    print(_machine())
    import workbench as wb

    with tempfile.TemporaryDirectory() as folder:
        tmp = args.keep or Path(folder)
        tmp.mkdir(parents=True, exist_ok=True)
        if not args.queries_only:
            corpus = tmp / "corpus"
            words = write_corpus(corpus, args.articles, words=args.words)
            print(f"\n-- ingest {args.articles:,} synthetic articles ({words:,} words), entity pass off")
            for name in ("plain.sqlite", "indexed.sqlite"):
                for stale in tmp.glob(name + "*"):
                    stale.unlink()
            plain_s, plain_size = _ingest(corpus, tmp / "plain.sqlite", indexed=False)
            index_s, index_size = _ingest(corpus, tmp / "indexed.sqlite", indexed=True)
            print(f"{'':22} {'seconds':>8} {'MB':>8}")
            print(f"{'without the index':22} {plain_s:8.1f} {plain_size / 2**20:8.1f}")
            print(f"{'with the index':22} {index_s:8.1f} {index_size / 2**20:8.1f}")
            print(f"index adds {100 * (index_s / plain_s - 1):+.1f} % ingest time (target <= +20 %), "
                  f"{100 * (index_size / plain_size - 1):+.1f} % file size (target <= +60 %)")

        queries = _queries(args.queries)
        ws = wb.open_workspace(tmp / "indexed.sqlite")
        articles = len(ws.articles)
        ws.search("warm up the caches")  # pymorphy / stemmer loads, first page reads
        ranked = _times(lambda q: ws.search(q, limit=20), queries)
        hits = [len(ws.search(q, limit=20)) for q in queries]
        scan = _times(lambda q: ws.search_articles(q.strip('"*')), queries)
        ws.close()
        print(f"\n-- {len(queries)} queries over {articles:,} articles (SQLite), 20 results with snippets")
        print(f"{'':26} {'median ms':>10} {'p95 ms':>10}")
        print(f"{'ranked search (FTS5)':26} {1000 * statistics.median(ranked):10.1f} {1000 * _p95(ranked):10.1f}")
        print(f"{'substring scan (today)':26} {1000 * statistics.median(scan):10.1f} {1000 * _p95(scan):10.1f}")
        print(f"ranked search is {statistics.median(scan) / statistics.median(ranked):.1f}x faster at the median "
              f"(target median <= 50 ms at 100,000 articles); queries with no hit: {hits.count(0)} of {len(hits)}")
        print("slowest:", ", ".join(f"{q!r} {1000 * t:.0f} ms" for t, q in sorted(zip(ranked, queries))[-3:]))
        if args.postgres:
            _postgres_queries(tmp / "indexed.sqlite", args.postgres, queries, statistics.median(ranked))
    print(_machine())


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench.search took {time.perf_counter() - t0:.0f} s")

