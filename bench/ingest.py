"""Ingest throughput and store overhead (issue #2 targets).

Prints, for N synthetic articles:
- ingest with the entity pass: articles/s, words/s;
- ingest without it (a no-op pipeline): articles/s, words/s;
- the entity pass alone over the same texts (the peer);
- store overhead = (ingest with entities - entity pass alone) / entity pass alone  [target <= 25 %];
- `import workbench` time in a fresh process                                       [target <= 0.5 s];
- reopening a 10,000-article workspace and reading ws.articles, fresh process        [target <= 0.5 s].
Run: python -m bench.ingest [--articles 1000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import articles
from bench.scale import fill


class NoEntities:
    """A pipeline that finds nothing: isolates read + clean + store costs."""

    name = "none"
    fingerprint = "none"

    def extract_batch(self, texts, languages=None):  # noqa: ANN001, ANN201
        return [[] for _ in texts]

    def extract(self, text, language="en"):  # noqa: ANN001, ANN201
        return []


def _write_corpus(folder: Path, count: int) -> list[dict]:
    docs = articles(count)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return docs


def _fresh(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--reopen", type=int, default=10_000, help="articles in the reopen test")
    args = parser.parse_args()

    import workbench as wb
    from workbench.ingest.text import word_count
    from workbench.nlp import load_pipeline

    pipeline = load_pipeline("builtin")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = _write_corpus(folder, args.articles)
        words = sum(word_count(d["text"]) for d in docs)
        pipeline.extract_batch([docs[0]["text"]])  # warm caches fairly for both runs

        t0 = time.perf_counter()
        pipeline.extract_batch([d["text"] for d in docs], ["en"] * len(docs))
        entity_alone = time.perf_counter() - t0

        ws = wb.open_workspace(folder / "with.sqlite")
        store_time = _time_store_writes()
        t0 = time.perf_counter()
        result = ws.ingest(folder / "corpus.jsonl", pipeline=pipeline, progress=False)
        with_entities = time.perf_counter() - t0
        store_s = store_time()
        assert len(result.added) == args.articles, result.summary()

        ws2 = wb.open_workspace(folder / "without.sqlite")
        t0 = time.perf_counter()
        ws2.ingest(folder / "corpus.jsonl", pipeline=NoEntities(), progress=False)
        without = time.perf_counter() - t0

        overhead = (with_entities - entity_alone) / entity_alone
        store_share = store_s / entity_alone
        print(f"corpus: {args.articles} articles, {words:,} words")
        print(f"{'run':38} {'seconds':>8} {'articles/s':>11} {'words/s':>10}")
        for name, secs in (("entity pass alone (peer)", entity_alone), ("ingest with entity pass", with_entities),
                           ("ingest without entity pass", without)):
            print(f"{name:38} {secs:8.2f} {args.articles / secs:11.1f} {words / secs:10,.0f}")
        print(f"store overhead (transactions: copy lookup, inserts, audit, commit): {store_s:.2f} s = "
              f"{store_share:.1%} of the entity pass (target <= 25%)")
        print(f"everything but the entity pass (read, clean, hash, shingle, store): "
              f"{with_entities - entity_alone:.2f} s = {overhead:.1%} of the entity pass")
        print(f"copies detected among synthetic articles: {len(result.copies)}")

        import_s = min(_fresh("import time; t=time.perf_counter(); import workbench; print(time.perf_counter()-t)")
                       for _ in range(3))
        print(f"import workbench (fresh process, best of 3): {import_s:.3f} s (target <= 0.5 s)")

        big = folder / "big.sqlite"
        fill(big, args.reopen)
        code = ("import time; t=time.perf_counter(); import workbench as wb; "
                f"ws=wb.open_workspace({str(big)!r}); df=ws.articles; assert len(df)=={args.reopen}; "
                "print(time.perf_counter()-t)")
        reopen = min(_fresh(code) for _ in range(3))
        print(f"reopen {args.reopen:,}-article workspace + ws.articles (fresh process incl. imports, best of 3): "
              f"{reopen:.3f} s (target <= 0.5 s)")


def _time_store_writes():  # noqa: ANN202
    """Accumulate the time spent inside the store's write transactions during an ingest."""
    import workbench.ingest.pipeline as ingest_module

    spent = [0.0]
    original = ingest_module._write

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    ingest_module._write = timed

    def stop() -> float:
        ingest_module._write = original
        return spent[0]

    return stop




if __name__ == "__main__":
    main()
