"""Scale (issue 12, item 8): the entity pass on Dask, memory, reopening, near-duplicates.

Prints, each as a ratio against a peer measured in the same run:
- ingest N synthetic articles with 1 worker (in-process) and with 2 Dask workers: words/s and the
  speed-up (target >= 1.6x on a 2-core machine; the CPU count and load average are printed,
  because a shared machine cannot give two workers two idle cores);
- the ingesting process's peak RSS and peak Python heap at N/10 and N articles (streamed: they
  should stay flat);
- reopening a 100,000-article workspace and reading ``ws.articles`` in a fresh process
  (target <= 1 s on SQLite), against the same SELECT through the sqlite3 module (the peer);
- near-duplicate detection: 2,500 / 5,000 / 20,000 copies of one story, against as many varied
  articles (the peer). Near-linear means the cost per article stays flat as the copies grow.
On PostgreSQL too when ``WORKBENCH_BENCH_PG`` names an EMPTY throwaway database URL (the ingest
runs are written into it; nothing there is removed).

Run: python -m bench.scale [--articles 10000] [--large] [--copies 2500,5000,20000]
     [--pipeline builtin] [--memory-small N] [--skip ingest,memory,reopen,copies]
"""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import iter_articles

PER_FILE = 1000   # articles per JSONL file: the reader holds one file at a time
ROOT = Path(__file__).resolve().parent.parent


def _machine() -> str:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"CPUs: {cpus} (usable here: {usable}); load average 1/5/15 min: {load}"


def write_corpus(folder: Path, count: int, *, words: int = 500, seed: int = 7) -> int:
    """Write ``count`` synthetic articles as JSONL files of ``PER_FILE``, streaming.

    Returns:
        The number of words written (``text.word_count``).
    """
    from workbench.ingest.text import word_count

    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    docs = iter_articles(count, words, seed)  # one random stream: every article distinct
    for start in range(0, count, PER_FILE):
        with (folder / f"part-{start // PER_FILE:05d}.jsonl").open("w", encoding="utf-8") as out:
            for doc in itertools.islice(docs, PER_FILE):
                total += word_count(doc["text"])
                out.write(json.dumps(doc) + "\n")
    return total


def write_copies(folder: Path, count: int, *, words: int = 200) -> None:
    """One story and ``count - 1`` copies of it, each with a one-sentence edit (distinct ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    story = next(iter_articles(1, words, seed=11))
    for start in range(0, count, PER_FILE):
        with (folder / f"part-{start // PER_FILE:05d}.jsonl").open("w", encoding="utf-8") as out:
            for i in range(start, min(count, start + PER_FILE)):
                text = story["text"] if i == 0 else f"{story['text']}\n\nRepublished by outlet number {i}."
                out.write(json.dumps({"title": f"copy {i}", "text": text, "url": f"https://copy{i}.test/story",
                                      "outlet": f"Outlet {i % 17}", "language": "en"}) + "\n")


# -- child processes: each measurement runs alone, so peak memory is its own ----------
CHILD_INGEST = """
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
import workbench as wb
from bench.scale import NoEntities
pipeline = NoEntities() if {pipeline!r} == "none" else {pipeline!r}
ws = wb.open_workspace({target!r})
if {heap!r}:
    tracemalloc.start()  # slows this process: only in the memory section, never for words/s
t0 = time.perf_counter()
result = ws.ingest({corpus!r}, pipeline=pipeline, progress=False, workers={workers!r})
seconds = time.perf_counter() - t0
heap = tracemalloc.get_traced_memory()[1] / 2 ** 20 if {heap!r} else None
ws.close()
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds, "added": len(result.added), "copies": len(result.copies),
                  "failed": len(result.failed), "rss_mb": me.ru_maxrss / 1024, "workers_rss_mb": kids.ru_maxrss / 1024,
                  "heap_mb": heap}}))
"""

CHILD_REOPEN = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import workbench as wb
ws = wb.open_workspace({target!r})
t1 = time.perf_counter()
frame = ws.articles
assert len(frame) == {count}, len(frame)
print(time.perf_counter() - t0, time.perf_counter() - t1)
"""

PEER_REOPEN = """
import sqlite3, sys, time
t0 = time.perf_counter()
import pandas as pd
conn = sqlite3.connect({target!r})
rows = conn.execute("SELECT a.id, a.title, s.name, s.reliability, a.url, a.published, a.language, a.author, a.words, "
                    "a.copy_of, a.ingested_at FROM articles a LEFT JOIN sources s ON a.source_id = s.id "
                    "ORDER BY a.ingested_at, a.id").fetchall()
frame = pd.DataFrame(rows)
assert len(frame) == {count}
print(time.perf_counter() - t0)
"""


class NoEntities:
    """A pipeline that finds nothing: isolates reading, copy detection and the store."""

    name = "none"
    fingerprint = "none"

    def extract_batch(self, texts, languages=None):  # noqa: ANN001, ANN201
        return [[] for _ in texts]


def _child(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "child failed")
    return out.stdout.strip().splitlines()[-1]


def run_ingest(corpus: Path, target: str, workers: int, pipeline: str, *, heap: bool = False) -> dict:
    """Ingest ``corpus`` into ``target`` in a fresh process; its timing and peak memory (peak RSS;
    with ``heap`` also tracemalloc's peak of the Python heap, the client's and the scheduler's)."""
    return json.loads(_child(CHILD_INGEST.format(root=str(ROOT), pipeline=pipeline, target=target,
                                                 corpus=str(corpus), workers=workers, heap=heap)))


def _targets(folder: Path, label: str) -> list[tuple[str, str]]:
    """(backend, workspace location) pairs for one run: SQLite, and PostgreSQL when asked."""
    out = [("SQLite", str(folder / f"{label}.sqlite"))]
    if os.environ.get("WORKBENCH_BENCH_PG"):
        out.append(("PostgreSQL", os.environ["WORKBENCH_BENCH_PG"]))
    return out


def bench_ingest(tmp: Path, sizes: list[int], pipeline: str) -> dict[tuple[str, int, int], dict]:
    """Each size with 1 and 2 workers, per backend. Returns the runs by (backend, size, workers)."""
    print(f"\n-- entity pass, 1 worker (in-process) vs 2 Dask workers; pipeline {pipeline!r}")
    print(f"{'backend':11} {'articles':>9} {'workers':>7} {'seconds':>8} {'words/s':>9} {'speed-up':>8} "
          f"{'peak MB':>8} {'worker MB':>9}")
    runs: dict[tuple[str, int, int], dict] = {}
    for size in sizes:
        for workers in (1, 2):
            # a distinct corpus per run: PostgreSQL keeps one database, so nothing is "already present"
            corpus = tmp / f"corpus-{size}-{workers}"
            words = write_corpus(corpus, size, seed=7 + workers)
            for backend, target in _targets(tmp, f"ingest-{size}-{workers}"):
                run = run_ingest(corpus, target, workers, pipeline)
                assert run["added"] == size and not run["failed"], run
                runs[backend, size, workers] = run
                base = runs.get((backend, size, 1))
                speed = base["seconds"] / run["seconds"] if base else 1.0
                print(f"{backend:11} {size:9,} {workers:7} {run['seconds']:8.1f} {words / run['seconds']:9,.0f} "
                      f"{speed:7.2f}x {run['rss_mb']:8.0f} {run['workers_rss_mb'] if workers > 1 else 0:9.0f}",
                      flush=True)
            shutil.rmtree(corpus)
        print(_machine())
    return runs


def bench_memory(tmp: Path, size: int, pipeline: str, small: int | None = None) -> None:
    """Peak RSS and peak Python heap of the ingesting process at ``small`` and ``size`` articles
    (runs of their own: the heap is traced, which slows the process)."""
    small = small or max(size // 10, PER_FILE)
    print(f"\n-- peak memory of the ingesting process at {small:,} and {size:,} articles "
          "(streamed: flat as the corpus grows); Python heap by tracemalloc (client and scheduler)")
    corpora = {}
    for count in (small, size):
        corpora[count] = tmp / f"memory-{count}"
        write_corpus(corpora[count], count)
    for workers in (1, 2):
        a, b = (run_ingest(corpora[count], str(tmp / f"memory-{count}-{workers}.sqlite"), workers, pipeline, heap=True)
                for count in (small, size))
        print(f"{workers} worker(s): peak RSS {a['rss_mb']:.0f} -> {b['rss_mb']:.0f} MB (ratio "
              f"{b['rss_mb'] / a['rss_mb']:.2f}), Python heap {a['heap_mb']:.1f} -> {b['heap_mb']:.1f} MB (ratio "
              f"{b['heap_mb'] / a['heap_mb']:.2f}); flat = 1.00"
              + (f"; each worker {a['workers_rss_mb']:.0f} -> {b['workers_rss_mb']:.0f} MB" if workers > 1 else ""),
              flush=True)
        print(_machine(), flush=True)


def fill(path: Path, count: int) -> None:
    """A workspace with ``count`` articles, written straight through the store (fast)."""
    from sqlalchemy import insert

    from workbench.ingest.text import article_id, content_hash
    from workbench.store import Store, now
    from workbench.store import schema as s

    store = Store(path)
    docs = list(iter_articles(200))
    for start in range(0, count, 10_000):
        rows = []
        for i in range(start, min(count, start + 10_000)):
            text = f"Item {i}.\n\n" + docs[i % 200]["text"]
            rows.append({"id": article_id(text, None), "title": f"Article {i}", "language": "en", "text": text,
                         "content_hash": content_hash(text), "words": 500, "ingested_at": now(),
                         "published": docs[i % 200]["published"],
                         "author": f"Reporter {i % 37}" if i % 2 else None})  # half the articles signed
        with store.transaction() as conn:
            conn.execute(insert(s.articles), rows)
    store.close()


def bench_reopen(tmp: Path, count: int) -> None:
    print(f"\n-- reopen a {count:,}-article workspace and read ws.articles (fresh process, imports included)")
    target = tmp / f"reopen-{count}.sqlite"
    fill(target, count)
    mine, query = min(tuple(map(float, _child(CHILD_REOPEN.format(root=str(ROOT), target=str(target),
                                                                     count=count)).split())) for _ in range(3))
    peer = min(float(_child(PEER_REOPEN.format(target=str(target), count=count))) for _ in range(3))
    print(f"open + ws.articles: {mine:.3f} s (target <= 1 s), of which ws.articles itself {query:.3f} s; "
          f"sqlite3 + pandas, same SELECT (peer): {peer:.3f} s; ratio {mine / peer:.2f} (best of 3 each)")


CHILD_COPIES = """
import json, sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import event
from sqlalchemy.engine import Engine
import workbench as wb
from bench.scale import NoEntities
statements = [0]
event.listen(Engine, "before_cursor_execute", lambda *args: statements.__setitem__(0, statements[0] + 1))
ws = wb.open_workspace({target!r})
statements[0] = 0
t0 = time.perf_counter()
result = ws.ingest({corpus!r}, pipeline=NoEntities(), progress=False)
seconds = time.perf_counter() - t0
ws.close()
print(json.dumps({{"seconds": seconds, "copies": len(result.copies), "statements": statements[0]}}))
"""


def run_copies(corpus: Path, target: str) -> dict:
    """Ingest ``corpus`` with no entity pass in a fresh process: seconds, copies found and the
    SQL statements run (a count that, unlike the time, a loaded machine does not blur)."""
    return json.loads(_child(CHILD_COPIES.format(root=str(ROOT), target=target, corpus=str(corpus))))


def bench_copies(tmp: Path, sizes: list[int]) -> None:
    """Per size, N copies of one story against N varied articles, in the same run. Flat ms/copy,
    copies/varied and statements per article mean near-linear."""
    print("\n-- near-duplicates: N copies of one story vs N varied articles (no entity pass, 200 words)")
    print(f"{'articles':>9} {'copies s':>9} {'varied s':>9} {'copies/varied':>13} {'ms/copy':>8} {'ms/varied':>9} "
          f"{'stmts/copy':>10} {'stmts/varied':>12} {'found':>7}")
    first = None
    for size in sizes:
        copies, varied = tmp / f"copies-{size}", tmp / f"varied-{size}"
        write_copies(copies, size)
        write_corpus(varied, size, words=200)
        run_c = run_copies(copies, str(tmp / f"copies-{size}.sqlite"))
        run_v = run_copies(varied, str(tmp / f"varied-{size}.sqlite"))
        per = run_c["seconds"] / size * 1000
        first = first or (size, run_c["seconds"])
        print(f"{size:9,} {run_c['seconds']:9.1f} {run_v['seconds']:9.1f} {run_c['seconds'] / run_v['seconds']:13.2f} "
              f"{per:8.2f} {run_v['seconds'] / size * 1000:9.2f} {run_c['statements'] / size:10.2f} "
              f"{run_v['statements'] / size:12.2f} {run_c['copies']:7,}", flush=True)
        shutil.rmtree(copies)
        shutil.rmtree(varied)
    if first and len(sizes) > 1:
        size, secs = sizes[-1], run_c["seconds"]
        print(f"{size:,} copies cost {secs / first[1]:.1f}x {first[0]:,} copies for {size / first[0]:.0f}x the "
              f"articles (linear = {size / first[0]:.0f}x, quadratic = {(size / first[0]) ** 2:.0f}x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="also ingest 100,000 articles")
    parser.add_argument("--copies", default="2500,5000,20000")
    parser.add_argument("--reopen", type=int, default=100_000)
    parser.add_argument("--memory-small", type=int, default=None,
                        help="the smaller corpus of the memory section (default: a tenth of the largest)")
    parser.add_argument("--pipeline", default="builtin", help="entity pipeline for the ingest runs")
    parser.add_argument("--skip", default="", help="comma list among ingest, memory, reopen, copies")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(_machine())
    sizes = [args.articles] + ([100_000] if args.large else [])
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if "ingest" not in skip:
            bench_ingest(tmp, sizes, args.pipeline)
        if "memory" not in skip:
            bench_memory(tmp, sizes[-1], args.pipeline, args.memory_small)
        if "reopen" not in skip:
            bench_reopen(tmp, args.reopen)
        if "copies" not in skip:
            bench_copies(tmp, [int(x) for x in args.copies.split(",")])
    print(_machine())


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench.scale took {time.perf_counter() - t0:.0f} s")
