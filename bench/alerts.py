"""Alerts on ingest (issue 13, item 3): what matching every new article against 50 indicators
adds to ingest time.

Ingests the same N synthetic articles into two fresh workspaces in the same run: one whose
analysis has no indicator (the peer), one with 50 (queries drawn from the corpus's words:
common and rare words, pairs, phrases, prefixes, a third with a source or entity condition).
By default the entity pass is left out (``NoEntities``) so the matching's share is measured
against the rest of ingest, not hidden behind NER: an upper bound on what an analyst sees;
``--pipeline builtin`` measures the ingest an analyst runs.
Two mixes of 50: "broad" (the search bench's queries, a fifth of them single common words that
match most articles: several alerts per article), "specific" (without those) and "rare" (rare
words and pairs only: few alerts, as indicators usually are). Each side runs
``--rounds`` times, alternating; the best of each is compared. Target: <= +10 %.
Beside the wall-clock ratio, the ratio of this process's CPU time (``time.process_time``: the
entity pass is off, so ingest runs here): on a machine shared with other work it moves less.
The passages are found when alerts are read: the cost of a listing of 100 alerts with them
against the same rows without (the peer) is printed last.

Run: python -m bench.alerts [--articles 5000] [--words 500] [--indicators 50] [--rounds 2] [--pipeline builtin]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.scale import NoEntities, _machine, write_corpus
from bench.search import _queries


def _ingest(corpus: Path, target: Path, queries: list[str], pipeline: str) -> tuple[float, float, int]:
    """Ingest ``corpus`` into a new workspace whose analysis watches ``queries``; (seconds, CPU
    seconds of this process, alerts)."""
    import workbench as wb

    ws = wb.open_workspace(target)
    try:
        an = ws.new_analysis("Bench: what do the indicators see?", ["H1", "H2"])
        for i, query in enumerate(queries):
            an.add_indicator("H1" if i % 2 else "H2", query, rating="C" if i % 3 else "I")
        t0, c0 = time.perf_counter(), time.process_time()
        result = ws.ingest(corpus, pipeline=NoEntities() if pipeline == "none" else pipeline, progress=False)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert not result.failed, result.failed[:3]
        return seconds, cpu, ws.new_alert_count()  # all new; counted (their passages are found on read)
    finally:
        ws.close()


def _read_cost(target: Path, count: int = 100, repeats: int = 5) -> tuple[float, float, int]:
    """What finding the passages on read costs a listing of ``count`` alerts: the rows read without
    passages (the peer) and with them (each article's text read and split once), best of ``repeats``.

    Returns:
        (seconds without, seconds with, how many articles the listing holds).
    """
    import workbench as wb
    from workbench.store.indicators import ALERT_COLUMNS, list_alerts, with_passages

    ws = wb.open_workspace(target)
    try:
        plain, found = [], []
        for _ in range(repeats):
            with ws.store.read() as conn:
                t0 = time.perf_counter()
                rows = list_alerts(conn, passages=False)[:count]
                t1 = time.perf_counter()
                with_passages(conn, rows)
                t2 = time.perf_counter()
            plain.append(t1 - t0)
            found.append(t2 - t0)
        return min(plain), min(found), len({row[ALERT_COLUMNS.index("article_id")] for row in rows})
    finally:
        ws.close()


def _specific(count: int) -> list[str]:
    """The same mix without its single common words (kind 0 of ``bench.search._queries``): closer to
    real indicators, which name something particular."""
    drawn = _queries(count * 5 // 4 + 5, seed=11)
    return [q for i, q in enumerate(drawn) if i % 5 != 0][:count]


def _rare(count: int) -> list[str]:
    """Rare words and rare pairs only (kinds 1 and 2): indicators that fire on few articles."""
    drawn = _queries(count * 5 // 2 + 5, seed=11)
    return [q for i, q in enumerate(drawn) if i % 5 in (1, 2)][:count]


def _plans(location: Path, count: int, batch: int = 32, repeats: int = 5) -> None:
    """Time ``indexed_matches`` for the newest ``batch`` articles of a large workspace, asked of
    the workspace's whole index and of the batch indexed again alone (``LARGE_INDEX`` decides which
    ingest uses); both must find the same matches."""
    import workbench as wb
    from workbench.nlp import parse_query
    from workbench.store import indicators

    queries = [parse_query(q) for q in _queries(count, seed=11)]
    saved = indicators.LARGE_INDEX
    with wb.open_workspace(location) as ws:
        ids = list(ws.articles.sort_values("ingested_at")["id"])[-batch:]
        found, times = {}, {}
        try:
            for name, threshold in (("workspace index", 10**12), ("batch alone", 0)):
                indicators.LARGE_INDEX = threshold
                best = float("inf")
                for _ in range(repeats):
                    with ws.store.transaction() as conn:  # nothing is written but the temporary table
                        t0 = time.perf_counter()
                        found[name] = indicators.indexed_matches(conn, queries, ids)
                        best = min(best, time.perf_counter() - t0)
                times[name] = best
        finally:
            indicators.LARGE_INDEX = saved
        rows = len(ws.articles)
    print(f"{count} indicators x {batch} new articles in a workspace of {rows:,}: "
          f"workspace index {1000 * times['workspace index']:.1f} ms, batch alone {1000 * times['batch alone']:.1f} ms "
          f"(best of {repeats}); same matches: {found['workspace index'] == found['batch alone']} "
          f"({len(found['batch alone'])})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pipeline", default="none",
                        help="entity pass: none (the default: matching's share of the rest of ingest) or builtin")
    parser.add_argument("--large-index", type=Path, metavar="WORKSPACE",
                        help="instead: on this (large) SQLite workspace, time both ways of matching a 32-article "
                             "batch (e.g. the one `bench.search --keep DIR` leaves in DIR/indexed.sqlite)")
    args = parser.parse_args()
    print(_machine())
    if args.large_index:
        _plans(args.large_index, args.indicators)
        return
    mixes = {"none": [], "broad": _queries(args.indicators, seed=11), "specific": _specific(args.indicators),
             "rare": _rare(args.indicators)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        write_corpus(corpus, args.articles, words=args.words)
        times: dict[str, list[float]] = {name: [] for name in mixes}
        cpus: dict[str, list[float]] = {name: [] for name in mixes}
        alerts: dict[str, int] = {}
        for round_ in range(args.rounds):
            order = list(mixes) if round_ % 2 == 0 else list(reversed(mixes))
            for name in order:
                seconds, cpu, alerts[name] = _ingest(corpus, root / f"ws-{round_}-{name}.sqlite", mixes[name],
                                                     args.pipeline)
                times[name].append(seconds)
                cpus[name].append(cpu)
        base, base_cpu = min(times["none"]), min(cpus["none"])
        print(f"{args.articles} articles x {args.words} words, entity pass {args.pipeline}; best of {args.rounds}")
        print(f"  ingest, 0 indicators: {base:8.2f} s  ({args.articles / base:,.0f} articles/s); "
              f"CPU {base_cpu:.2f} s")
        for name in ("broad", "specific", "rare"):
            best, cpu = min(times[name]), min(cpus[name])
            print(f"  ingest, {len(mixes[name])} {name} indicators: {best:8.2f} s  ratio {best / base:.3f} "
                  f"(target <= 1.10); CPU {cpu:.2f} s  ratio {cpu / base_cpu:.3f}; "
                  f"{alerts[name]} alerts, {alerts[name] / args.articles:.2f} per article")
        for name in ("broad", "rare"):  # the passages, found on read
            plain, found, articles = _read_cost(root / f"ws-0-{name}.sqlite")
            print(f"  listing 100 {name} alerts ({articles} articles): {found * 1000:7.1f} ms with passages, "
                  f"{plain * 1000:7.1f} ms without (ratio {found / plain:.2f})")


if __name__ == "__main__":
    main()
